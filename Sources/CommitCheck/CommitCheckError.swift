import CommitCheckExplorer
import CommitCheckLanguage
import CommitCheckMarkov
import CommitCheckPetri

/// Why an analysis gave no result: the one error type of the whole pipeline.
///
/// A limit reached while checking is not an error: `check` returns a partial report. Only the
/// analyses that need every state (the state graph, role-machine usage, Markov chains, Petri
/// nets) refuse an incomplete exploration, with `incomplete`.
public enum CommitCheckError: Error, Sendable {
  /// The model file could not be read.
  case unreadable(path: String, reason: String)
  /// Syntax or semantic errors in the model, in source order, against its text.
  case invalidModel(file: String, source: String, diagnostics: [Diagnostic])
  /// An option the analysis cannot honour, with the reason (`--symmetry` on a model whose
  /// instances refer to each other; a rate that names nothing).
  case invalidOption(option: String, reason: String)
  /// A property name the model does not have.
  case unknownProperty(name: String, known: [String])
  /// Exploration stopped at a model error (a value leaving its domain, a full network).
  case modelError(ModelErrorReport)
  /// The analysis needs every state, and exploration stopped early for `reason`.
  case incomplete(reason: StopReason, states: Int)
  /// A phase after exploration (solving a chain, drawing, writing) stopped early for `reason`.
  case stopped(reason: StopReason, phase: String)
  /// The analysis cannot represent this model (a Petri net of a `fifo` network).
  case unsupported(reason: String)
  /// The state graph would have more nodes than allowed; `collapsedNodes` is how many the
  /// control-state quotient would have, when that was not already asked for.
  case tooManyNodes(nodes: Int, limit: Int, collapsedNodes: Int?)
  /// An analysis failed its own consistency check: a bug, never the user's fault.
  case internalError(String)
}

extension CommitCheckError: CustomStringConvertible {
  /// One message for people: the model's diagnostics with their lines and carets, or a sentence.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      "cannot read '\(path)': \(reason)"
    case .invalidModel(let file, let source, let diagnostics):
      diagnostics.map { $0.render(file: file, source: source) }.joined(separator: "\n")
    case .invalidOption(let option, let reason):
      option.isEmpty ? reason : "\(option): \(reason)"
    case .unknownProperty(let name, let known):
      Self.unknownProperty(name, known: known)
    case .modelError(let report):
      "model error: \(report.message)"
    case .incomplete(let reason, let states):
      "exploration \(reason.sentence) after \(ReportWriter.grouped(states)) states, and this analysis needs every state"
        + (reason == .interrupted ? "" : "; raise the limit, or lower N with --param")
    case .stopped(let reason, let phase):
      "\(phase) \(reason.sentence)"
    case .unsupported(let reason):
      reason
    case .tooManyNodes(let nodes, let limit, let collapsed):
      "the graph would have \(ReportWriter.grouped(nodes)) nodes, more than --max-nodes \(ReportWriter.grouped(limit))"
        + (collapsed.map { "; --collapse merges states with the same control states into \(ReportWriter.grouped($0)) nodes, or raise --max-nodes" }
          ?? "; raise --max-nodes, or lower N with --param")
    case .internalError(let message):
      "internal error: \(message)"
    }
  }

  /// `unknown property 'atomicty'; did you mean 'atomicity'? (the model has ...)`.
  static func unknownProperty(_ name: String, known: [String]) -> String {
    let list = known.map { "'\($0)'" }.joined(separator: ", ")
    guard let close = Suggestion.closest(to: name, among: known) else {
      return "unknown property '\(name)'; the model has \(list)"
    }
    return "unknown property '\(name)'; did you mean '\(close)'? (the model has \(list))"
  }
}

extension StopReason {
  /// `stopped at the state limit (--max-states)`: what stopped an exploration, for messages.
  public var sentence: String {
    switch self {
    case .maxStates: "stopped at the state limit (--max-states)"
    case .maxMemory: "stopped at the memory limit (--max-memory)"
    case .timeout: "stopped at the time limit (--timeout)"
    case .interrupted: "was interrupted"
    case .runtimeError: "stopped at a model error"
    }
  }
}
