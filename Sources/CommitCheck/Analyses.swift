import CommitCheckExplorer
import CommitCheckLanguage
import CommitCheckMarkov
import CommitCheckModel
import CommitCheckPetri
import Foundation

/// One property's verdict from a full check, with its counterexample as a message sequence chart.
public struct TraceResult: Sendable {
  public var property: PropertyResult
  /// The counterexample's chart; nil unless the property is violated.
  public var chart: SequenceChart?
  /// The check the verdict comes from (every property's verdict, the run's figures).
  public var report: CheckReport
}

/// What `stateGraph` draws: the explored graph with its marks, collapsed or not, and a
/// property's counterexample to highlight.
public struct GraphOptions: Sendable {
  /// Merge the states that agree on every control state and crashed flag.
  public var collapse = false
  /// The property whose counterexample is drawn in bold.
  public var highlight: String?
  /// Refuse graphs with more nodes than this.
  public var maxNodes = 2_000
  public init() {}
}

/// The state graph of a complete exploration, ready for `DotWriter`.
public struct StateGraph: Sendable {
  public var exploration: Exploration
  public var marks: StateMarks
  /// The control-state quotient, when collapsed.
  public var quotient: ControlQuotient?
  /// The highlighted property's verdict (from a full check) and its path in this graph; the
  /// path is nil when the property holds or has no counterexample.
  public var highlight: (result: PropertyResult, path: GraphPath?)?
}

/// Each role's state machine, and, when the model was explored, what its reachable states use.
public struct RoleMachines: Sendable {
  public var machines: [RoleMachine]
  public var usage: MachineUsage?
  /// States explored to find the usage (0 when not explored).
  public var states: Int
}

extension LoadedModel {
  /// The verdict of one property from a full check (`check`'s verdict exactly, symmetry
  /// included), with its counterexample drawn as a message sequence chart.
  public func trace(property: String, options: ExplorerOptions = ExplorerOptions(),
                    progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> TraceResult {
    try requireProperty(property)
    let run = run(options, progress: progress)
    if let error = run.report.runtimeError { throw .modelError(error) }
    let result = run.report.properties.first { $0.name == property }!
    return TraceResult(property: result, chart: result.trace.map(run.exploration.sequenceChart), report: run.report)
  }

  /// The reachable state graph with its marks (violating and blocked states), for drawing.
  /// A highlighted property's verdict comes from a full check, as `check` gives it.
  public func stateGraph(options: ExplorerOptions = ExplorerOptions(), graph: GraphOptions = GraphOptions(),
                         progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> StateGraph {
    if let name = graph.highlight { try requireProperty(name) }
    let exploration = try completeExploration(options, progress: progress)
    let nodes = graph.collapse ? exploration.controlClassCount() : exploration.stateCount
    if nodes > graph.maxNodes {
      throw .tooManyNodes(nodes: nodes, limit: graph.maxNodes,
                          collapsedNodes: graph.collapse ? nil : exploration.controlClassCount())
    }
    let marks = exploration.stateMarks()
    var drawn = StateGraph(exploration: exploration, marks: marks,
                           quotient: graph.collapse ? exploration.controlQuotient(marks: marks) : nil)
    if let name = graph.highlight {
      let result = run(options, progress: progress).report.properties.first { $0.name == name }!
      drawn.highlight = (result, result.trace.flatMap(exploration.path(of:)))
    }
    return drawn
  }

  /// Each role's state machine; with `exploring`, also which control states and transitions
  /// the reachable states use.
  public func roleMachines(exploring options: ExplorerOptions? = nil,
                           progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> RoleMachines {
    let machines = system.roleMachines
    guard let options else { return RoleMachines(machines: machines, usage: nil, states: 0) }
    let exploration = try completeExploration(options, progress: progress)
    return RoleMachines(machines: machines, usage: exploration.machineUsage(), states: exploration.stateCount)
  }

  /// The Markov chain of the whole state space, solved. Options and rate names are checked
  /// before anything is explored; a signal or `timeout` also stops the solvers.
  public func markov(options: ExplorerOptions = ExplorerOptions(), markov: MarkovOptions = MarkovOptions(),
                     progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> MarkovAnalysis {
    var markov = markov
    markov.cancellation = options.cancellation()
    markov.threads = max(markov.threads, options.threads)
    do {
      try MarkovAnalysis.validate(markov, for: system)
    } catch {
      throw Self.libraryError(error)
    }
    let exploration = try completeExploration(options, progress: progress)
    // The memory limit holds for the chain too: refused before it is built, as the explorer
    // refuses to grow past the limit.
    let chainBytes = MarkovAnalysis.estimatedBytes(
      states: exploration.stateCount, transitions: exploration.transitions, processes: system.processes.count)
    if exploration.heldBytes + chainBytes > options.maxMemory {
      throw .stopped(reason: .maxMemory, phase: "building the Markov chain (about \(chainBytes >> 20) MB more)")
    }
    do {
      return try MarkovAnalysis(exploration: exploration, file: file, options: markov)
    } catch {
      throw Self.libraryError(error)
    }
  }

  static func libraryError(_ error: MarkovError) -> CommitCheckError {
    switch error {
    case .unknownRateName, .invalidRate: .invalidOption(option: "--rate", reason: error.description)
    case .invalidOption(let message): .invalidOption(option: "", reason: message)
    case .stopped(let reason): .stopped(reason: reason, phase: "solving the Markov chain")
    case .incompleteExploration, .missingEdges: .internalError(error.description)
    }
  }

  /// The place/transition net equivalent to the model, with its analysis (bounds, dead
  /// markings, place invariants).
  public func petri(options: ExplorerOptions = ExplorerOptions(), limits: InvariantLimits = InvariantLimits(),
                    progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> PetriAnalysis {
    if let refusal = PetriNet.refusal(for: system) { throw .unsupported(reason: refusal.message) }
    if options.symmetry != nil {
      throw .invalidOption(option: "--symmetry", reason: "the net's reachability graph is the unreduced state graph")
    }
    var limits = limits
    let cancellation = options.cancellation()
    limits.cancellation = cancellation
    let exploration = try completeExploration(options, progress: progress)
    let analysis: PetriAnalysis
    do {
      analysis = try PetriAnalysis(exploration: exploration, invariantLimits: limits)
    } catch {
      switch error.reason {
      case .notRepresentable: throw .unsupported(reason: error.message)
      case .stopped: throw .stopped(reason: cancellation.reason ?? .interrupted, phase: "building the Petri net")
      case .incompleteExploration, .modelError, .internalError: throw .internalError(error.message)
      }
    }
    if let reason = cancellation.reason { throw .stopped(reason: reason, phase: "analysing the Petri net") }
    return analysis
  }

  /// An exploration of every reachable state with its edges, for the analyses that need the
  /// whole graph: a model error or a limit is an error here.
  func completeExploration(_ options: ExplorerOptions,
                           progress: (ExplorationProgress) -> Void) throws(CommitCheckError) -> Exploration {
    if options.compactHash {
      throw .invalidOption(option: "--compact-hash", reason: "the analysis needs every state, and compaction keeps only fingerprints")
    }
    var withEdges = options
    withEdges.keepEdges = true
    let exploration = Explorer().explore(system, options: withEdges, progress: progress)
    if let error = exploration.modelErrorReport() { throw .modelError(error) }
    if let reason = exploration.stopReason { throw .incomplete(reason: reason, states: exploration.stateCount) }
    return exploration
  }
}
