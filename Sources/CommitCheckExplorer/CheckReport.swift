import CommitCheckLanguage
import CommitCheckModel

/// A model error met while exploring (a value leaving its domain, a send beyond the network's
/// capacity), told once: who failed, where, and the trace to the state where it happened.
public struct ModelErrorReport: Sendable {
  public var error: ModelRuntimeError
  /// The process whose transition failed; nil for the network (a failure move).
  public var process: String?
  /// The transition that failed; nil for a failure move.
  public var transition: String?
  /// The shortest trace to the state where the error happened; nil when it happened while
  /// computing the initial states.
  public var trace: Trace?

  /// `Participant[1] in transition 'on_prepare': value 4 is outside 0...3`.
  public var message: String {
    "\(process ?? "the network")\(transition.map { " in transition '\($0)'" } ?? ""): \(error.message)"
  }
}

extension Exploration {
  /// The model error that stopped this exploration, told with its trace; nil when none did.
  /// The trace needs the states: on a run that kept them inline, ask `replayed()` first.
  public func modelErrorReport() -> ModelErrorReport? {
    guard let (error, state) = runtimeError else { return nil }
    return ModelErrorReport(
      error: error,
      process: error.process >= 0 ? system.processes[error.process].name : nil,
      transition: error.transition >= 0 ? system.transitions[error.transition].name : nil,
      trace: state == UInt32.max ? nil : trace(along: pathTo(state)))
  }
}

/// Something a report says about how its verdicts were reached.
public enum ReportNote: Sendable, Hashable {
  /// Under `--symmetry`, the reduced graph has a cycle (its moves, told briefly): termination and
  /// `eventually` were decided on the unreduced graph.
  case decidedWithoutSymmetry(cycle: String)

  public var message: String {
    switch self {
    case .decidedWithoutSymmetry(let cycle):
      "the reduced graph has a cycle (\(cycle)); termination and eventually were decided without symmetry reduction"
    }
  }
}

/// What a check established, as one value.
public enum CheckOutcome: Sendable, Hashable {
  /// Every property holds on the whole state space.
  case allHold
  /// Some property is violated (its counterexample is in the report).
  case violated
  /// Exploration stopped at a model error (a value outside its domain, a full network).
  case modelError
  /// Exploration stopped early with nothing violated.
  case stopped(StopReason)
  /// Exploration completed, but some verdict could not be decided (hash compaction on a
  /// cyclic graph).
  case undecided
}

/// Everything `commitcheck check` reports: the run's figures and each property's verdict.
public struct CheckReport: Sendable {
  public var model: String
  public var file: String
  /// The model's text, which `warnings` point into.
  public var source: String
  public var parameters: [(name: String, value: Int)]
  public var network: NetworkSemantics
  public var capacity: Int
  public var failures: [FailureAllowance]
  public var states: Int
  /// Whether `states` counts orbits (the exploration was reduced by symmetry) rather than states.
  public var countsOrbits: Bool
  public var transitions: Int
  public var depth: Int
  public var complete: Bool
  public var stopReason: StopReason?
  public var seconds: Double
  public var bytesPerState: Double
  public var properties: [PropertyResult]
  /// The compiler's warnings (unused declarations), rendered by the writer that prints them.
  public var warnings: [Diagnostic]
  public var notes: [ReportNote] = []
  /// Hash compaction: the fingerprint table's slots and the bound on the probability that a
  /// state was missed; nil when states were stored exactly.
  public var compactHash: (tableSlots: Int, omissionBound: Double)?
  /// A model error met while exploring, with the trace to the state where it happened.
  public var runtimeError: ModelErrorReport?
  /// Per-transition coverage, when asked for (`LoadedModel.check(options:coverage:)`).
  public var coverage: Coverage?

  public var statesPerSecond: Double { seconds > 0 ? Double(states) / seconds : 0 }

  public var violated: Bool { properties.contains { $0.verdict == .violated } }
  /// Whether some verdict was left unknown (a limit, or hash compaction on a cyclic graph).
  public var undecided: Bool { properties.contains { $0.verdict == .unknown } }

  /// What the run established, in the order that decides it: a model error, then a violation,
  /// then a limit or an unknown verdict. The command line maps it to an exit code.
  public var outcome: CheckOutcome {
    if runtimeError != nil { return .modelError }
    if violated { return .violated }
    if let stopReason { return .stopped(stopReason) }
    return undecided ? .undecided : .allHold
  }

  public init(exploration ex: Exploration, file: String, source: String, warnings: [Diagnostic]) {
    let system = ex.system
    model = system.name
    self.file = file
    self.source = source
    parameters = system.parameters
    network = system.network
    capacity = system.capacity
    failures = system.failureList
    states = ex.stateCount
    countsOrbits = ex.symmetry != nil
    transitions = ex.transitions
    depth = ex.depth
    complete = ex.complete
    stopReason = ex.stopReason
    seconds = ex.seconds
    bytesPerState = ex.bytesPerState
    if ex.compactHash { compactHash = (ex.hashTableSize, ex.omissionBound) }
    self.warnings = warnings
    // Traces read states and parents, which an inline store does not keep: they come from a
    // replay of the run on the arena, made only when some state is named.
    let traced = ex.replayed()
    runtimeError = traced.modelErrorReport()
    properties = runtimeError == nil ? traced.checkProperties() : []
  }
}
