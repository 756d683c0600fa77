import CommitCheckLanguage
import CommitCheckModel

/// Everything `commitcheck check` reports: the run's figures and each property's verdict.
public struct CheckReport: Sendable {
  public var model: String
  public var file: String
  public var parameters: [(name: String, value: Int)]
  public var network: NetworkSemantics
  public var capacity: Int
  public var failures: [(name: String, budget: Int)]
  public var states: Int
  public var transitions: Int
  public var depth: Int
  public var complete: Bool
  public var stopReason: StopReason?
  public var seconds: Double
  public var bytesPerState: Double
  public var properties: [PropertyResult]
  public var warnings: [String]
  /// Hash compaction: the fingerprint table's slots and the bound on the probability that a
  /// state was missed; nil when states were stored exactly.
  public var compactHash: (tableSlots: Int, omissionBound: Double)?
  /// A model error met while exploring, with the trace to the state where it happened.
  public var runtimeError: (message: String, trace: Trace?)?

  public var statesPerSecond: Double { seconds > 0 ? Double(states) / seconds : 0 }

  public var violated: Bool { properties.contains { $0.verdict == .violated } }

  /// 0 all hold, 1 a property is violated, 2 a model error, 3 stopped at a limit (or a
  /// verdict left unknown, as hash compaction leaves termination on a cyclic graph). An
  /// interrupted run's code is the shell's (128 + the signal), set by the command line.
  public var exitCode: Int32 {
    if runtimeError != nil { return 2 }
    if violated { return 1 }
    return complete && !properties.contains { $0.verdict == .unknown } ? 0 : 3
  }

  public init(exploration ex: Exploration, file: String, warnings: [String]) {
    let system = ex.system
    model = system.name
    self.file = file
    parameters = system.parameters
    network = system.network
    capacity = system.capacity
    failures = system.failureList
    states = ex.stateCount
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
    if let (error, state) = ex.runtimeError {
      var trace: Trace?
      if state != UInt32.max {
        trace = traced.trace(along: traced.pathTo(state))
      }
      let who = error.process >= 0 ? "\(system.processes[error.process].name)" : "the network"
      let what = error.transition >= 0 ? " in transition '\(system.transitions[error.transition].name)'" : ""
      runtimeError = ("\(who)\(what): \(error.message)", trace)
      properties = []
    } else {
      properties = traced.checkProperties()
    }
  }
}
