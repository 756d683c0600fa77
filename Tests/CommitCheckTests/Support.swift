import CommitCheck
import Foundation
import Testing

/// The package root, found from this file's path (Tests/CommitCheckTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

func modelPath(_ name: String) -> String { "\(packageRoot)/models/\(name).commit" }

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
    if case .invalidModel(let diagnostics, _) = error {
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
