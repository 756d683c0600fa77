import CommitCheck
import Foundation
import Testing

/// Resource limits, interruption and atomic outputs: every stop is a clean partial report.
struct LimitsTests {
  /// Cooperative 2PC at N = 5 with a coordinator crash has more than 50 million states, far
  /// more than any of these runs may explore.
  static let large = ["check", modelPath("two-phase-commit-cooperative"), "--param", "N=5",
                      "--crash", "Coordinator=1", "-q", "--threads", "2"]

  @Test("A time limit stops with a partial report, complete false and exit code 3")
  func timeout() throws {
    let (code, out, _) = try runTool(Self.large + ["--timeout", "1", "--format", "json"])
    #expect(code == 3)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    #expect(json["complete"] as? Bool == false)
    #expect(json["stop_reason"] as? String == "timeout")
    let properties = try #require(json["properties"] as? [[String: Any]])
    #expect(properties.allSatisfy { ($0["verdict"] as? String) != "holds" })
  }

  @Test("A memory limit is hit before the memory is allocated, never by the kernel's killer")
  func memoryLimit() throws {
    let (code, out, _) = try runTool(Self.large + ["--max-memory", "40M"])
    #expect(code == 3)
    #expect(out.contains("INCOMPLETE: stopped at the memory limit (--max-memory)"))
    var options = ExplorerOptions()
    options.maxMemory = 20 << 20
    var compile = CompileOptions()
    compile.parameters["N"] = 5
    compile.crash["Coordinator"] = 1
    let model = try loadModel(path: modelPath("two-phase-commit-cooperative"), options: compile)
    let ex = Explorer().explore(model.system, options: options)
    #expect(ex.stopReason == .maxMemory)
    // The explorer asks for room for the next growth before it merges; the store stays under
    // the limit.
    #expect(ex.storeBytes + ex.parents.count * 4 <= 20 << 20)
  }

  @Test("A run that fits its memory limit completes, though the limit is less than twice what it holds")
  func runThatFitsCompletes() throws {
    // TwoPhase N = 7 has 6^7 + 4^7 + 2^7 = 296,448 states (TLC's formula, see
    // ShippedModelTests), inline: a table of 2^19 slots (4 MiB, three quarters hold 393,216
    // states) and the queue of states not yet expanded. 8 MiB is room for that, but not for
    // the table twice over, which the check before this one asked for. One thread: a second
    // one's batch and outputs would want more room than the states themselves.
    var compile = CompileOptions()
    compile.parameters["N"] = 7
    let model = try loadModel(path: modelPath("two-phase-tla"), options: compile)
    var options = ExplorerOptions()
    options.keepEdges = false
    options.threads = 1
    options.maxMemory = 8 << 20
    let ex = Explorer().explore(model.system, options: options)
    #expect(ex.stopReason == nil && ex.complete)
    #expect(ex.stateCount == 296_448)
    #expect(2 * ex.heldBytes > options.maxMemory)
    // With less room than the final table alone, the run stops cleanly before it grows.
    options.maxMemory = 3 << 20
    let stopped = Explorer().explore(model.system, options: options)
    #expect(stopped.stopReason == .maxMemory && stopped.stateCount < 296_448)
    #expect(stopped.heldBytes <= 3 << 20)
  }

  @Test("Violations found before a limit keep their verdict and trace")
  func violationBeforeLimit() throws {
    let (code, out, _) = try runTool(["check", modelPath("seed-naive-two-phase-commit"), "--param", "N=6",
                                      "--max-states", "600", "-q", "--format", "json"])
    #expect(code == 1)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    #expect(json["complete"] as? Bool == false)
    let atomicity = try #require((json["properties"] as? [[String: Any]])?.first)
    #expect(atomicity["verdict"] as? String == "violated")
    #expect(((atomicity["trace"] as? [Any])?.count ?? 0) > 1)
  }

  @Test("SIGINT stops at a safe point, prints the partial report and exits 130", arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] as [(Int32, Int32)])
  func interrupt(signal: Int32, expected: Int32) throws {
    let (code, out, _) = try runTool(Self.large, signal: signal, after: 1.5)
    #expect(code == expected)
    #expect(out.contains("INCOMPLETE: interrupted"))
    #expect(out.contains("atomicity    unknown"))
  }

  @Test("Outputs are written whole or not at all, never over the input model")
  func atomicOutputs() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-out-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("m.commit").path
    try String(contentsOfFile: modelPath("two-phase-commit"), encoding: .utf8).write(toFile: model, atomically: true, encoding: .utf8)
    let before = try String(contentsOfFile: model, encoding: .utf8)
    // Over its own input: refused, the model intact.
    var (code, _, err) = try runTool(["graph", model, "--param", "N=2", "--output", model, "-q"])
    #expect(code == 2)
    #expect(err.contains("refusing to write over the input model"))
    #expect(try String(contentsOfFile: model, encoding: .utf8) == before)
    // Into a missing directory: a clear error.
    (code, _, err) = try runTool(["graph", model, "--param", "N=2", "--output", dir.path + "/no/such/g.dot", "-q"])
    #expect(code == 2)
    #expect(err.contains("no such directory"))
    // A good write replaces the file and leaves no temporary file behind.
    let out = dir.appendingPathComponent("g.dot").path
    try "old".write(toFile: out, atomically: true, encoding: .utf8)
    (code, _, _) = try runTool(["graph", model, "--param", "N=2", "--output", out, "-q"])
    #expect(code == 0)
    #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("digraph"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["g.dot", "m.commit"])
  }
}

/// Runs the built `commitcheck`, sending `signal` after `seconds`.
func runTool(_ arguments: [String], signal: Int32, after seconds: Double) throws -> (Int32, String, String) {
  let out = Pipe(), err = Pipe()
  let process = Process()
  process.executableURL = try builtExecutable("commitcheck")
  process.arguments = arguments
  process.standardOutput = out
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  try process.run()
  Thread.sleep(forTimeInterval: seconds)
  kill(process.processIdentifier, signal)
  let output = out.fileHandleForReading.readDataToEndOfFile()
  let errors = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let stdout = String(decoding: output, as: UTF8.self)
  expectValidJSONOutput(arguments, stdout)
  return (process.terminationStatus, stdout, String(decoding: errors, as: UTF8.self))
}
