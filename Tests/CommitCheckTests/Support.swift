import CommitCheck
import Foundation
import Testing

/// The package root, found from this file's path (Tests/CommitCheckTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

func modelPath(_ name: String) -> String { "\(packageRoot)/models/\(name).commit" }

/// The shipped models, by file name.
let shippedModelNames = ["two-phase-commit", "two-phase-commit-cooperative", "three-phase-commit",
                         "three-phase-commit-timeouts", "seed-naive-two-phase-commit",
                         "seed-naive-three-phase-commit", "two-phase-tla", "tcommit",
                         "two-phase-commit-presumed-abort", "two-phase-commit-presumed-abort-unforced"]

/// A shipped model at N = 2 with one loss, duplication (none on a set network) and partition,
/// and with `crashes`, one crash of every role and one recovery of the first: every kind of
/// failure at once.
func shippedWithFailures(_ name: String, crashes: Bool) throws -> LoadedModel {
  var options = CompileOptions()
  options.parameters["N"] = 2
  options.lose = 1
  options.duplicate = name == "two-phase-tla" ? nil : 1
  options.partition = 1
  let plain = try loadModel(path: modelPath(name), options: options)
  guard crashes else { return plain }
  let roles = plain.system.roles.map(\.name)
  for role in roles { options.crash[role] = 1 }
  options.recover[roles[0]] = 1
  return try loadModel(path: modelPath(name), options: options)
}

/// Fewer states than this in `shippedWithFailures(name, ...)` means the exploration went wrong.
/// TCommit has no messages: 12 states at N = 2, each with and without the partition (24).
func nontrivialStateCount(_ name: String) -> Int { name == "tcommit" ? 20 : 100 }

/// Compiles model text written in a test.
func compile(_ source: String, _ options: CompileOptions = CompileOptions()) throws -> LoadedModel {
  try compileModel(source: source, file: "test.commit", options: options)
}

/// The rendered first line of every diagnostic the source gets (empty when it compiles).
func diagnosticHeaders(_ source: String, _ options: CompileOptions = CompileOptions()) -> [String] {
  do {
    _ = try compileModel(source: source, file: "test.commit", options: options)
    return []
  } catch {
    if case .invalidModel(_, _, let diagnostics) = error {
      return diagnostics.map { $0.header(file: "test.commit") }
    }
    return ["\(error)"]
  }
}

/// Checks a shipped model with the given options.
func checkShipped(_ name: String, n: Int, _ configure: (inout CompileOptions) -> Void = { _ in }) throws -> CheckReport {
  var options = CheckOptions()
  options.compile.parameters["N"] = n
  configure(&options.compile)
  return try check(path: modelPath(name), options: options)
}

func checkSource(_ source: String, _ options: CompileOptions = CompileOptions(),
                 maxStates: Int = 1_000_000) throws -> CheckReport {
  var explorer = ExplorerOptions()
  explorer.maxStates = maxStates
  return check(try compile(source, options), options: explorer)
}

extension CheckReport {
  func property(_ name: String) -> PropertyResult? { properties.first { $0.name == name } }
}

/// Replays a trace through the successor function: each step's state must be a successor of
/// the previous one by the step's action. Returns the final state, or nil if a step is not a move.
func replay(_ trace: Trace, in system: TransitionSystem) -> [Int]? {
  let generator = SuccessorGenerator(system)
  guard let first = trace.steps.first,
        (try? generator.initialStates())?.contains(first.state) == true else { return nil }
  var current = first.state
  for step in trace.steps.dropFirst() {
    guard let action = step.action else { return nil }
    var matched = false
    try? generator.successors(of: current) { a, next in
      if a == action && next == step.state { matched = true }
    }
    guard matched else { return nil }
    current = step.state
  }
  return current
}

/// States where the memoized moves (`SuccessorGenerator.moves`) differ from the successor
/// function's (`successors`): action, order or successor. One generator serves every state, so
/// later states meet moves memoized at earlier ones.
func memoizedMoveMismatches(_ exploration: Exploration) -> [UInt32] {
  let system = exploration.system
  let memo = SuccessorGenerator(system)
  #expect(memo.memoizedProcesses > 0, "no process has its moves memoized: the comparison would be vacuous")
  let direct = SuccessorGenerator(system)
  var mismatches: [UInt32] = []
  for id in 0..<UInt32(exploration.stateCount) {
    let state = exploration.state(id)
    var expected: [(Action, [Int])] = []
    var got: [(Action, [Int])] = []
    let a: Void? = try? direct.successors(of: state) { action, next in expected.append((action, next)) }
    let b: Void? = try? memo.moves(of: state) { action, writes in
      var next = state
      for k in stride(from: writes.startIndex, to: writes.endIndex, by: 2) { next[writes[k]] = writes[k + 1] }
      got.append((action, next))
    }
    let same = (a == nil) == (b == nil) && expected.count == got.count
      && zip(expected, got).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    if !same { mismatches.append(id) }
  }
  return mismatches
}
