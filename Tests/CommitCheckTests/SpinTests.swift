import CommitCheck
import Foundation
import Testing

/// Cross-checks state counts against SPIN on Lamport's TwoPhase specification, written in
/// Promela by `twoPhasePromela` (in this target). Runs when spin and gcc are installed, and
/// always in CI (where .ci/run installs them), so a missing SPIN fails there instead of passing.
struct SpinTests {
  static func which(_ tool: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
      let path = "\(dir)/\(tool)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  static let available = which("spin") != nil && which("gcc") != nil
  static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"

  @discardableResult
  static func shell(_ command: String, in directory: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw SpinFailure(description: "'\(command)' failed: \(text)")
    }
    return text
  }

  struct SpinFailure: Error, CustomStringConvertible { var description: String }

  @Test("TwoPhase state counts agree with SPIN for N = 1 to 6", .enabled(if: available || inCI), arguments: 1...6)
  func agreesWithSpin(n: Int) throws {
    try #require(Self.available, "spin and gcc must be installed (.ci/run installs them)")
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-spin-\(n)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try twoPhasePromela(n: n).write(to: dir.appendingPathComponent("twophase.pml"), atomically: true, encoding: .utf8)
    try Self.shell("spin -a twophase.pml >/dev/null && gcc -O1 -DSAFETY -DNOCLAIM -o pan pan.c", in: dir)
    let output = try Self.shell("./pan -m100000", in: dir)
    let line = try #require(output.split(separator: "\n").first { $0.contains("states, stored") })
    let spinStates = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[0]))
    let report = try checkShipped("two-phase-tla", n: n)
    #expect(report.states == spinStates)
  }
}
