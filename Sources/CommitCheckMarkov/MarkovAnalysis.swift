import CommitCheckExplorer
import CommitCheckLanguage
import CommitCheckModel
import Foundation

/// What `commitcheck markov` computes, besides the outcome probabilities it always reports.
public struct MarkovOptions: Sendable {
  /// `--rate NAME=X` overrides.
  public var rates: [String: Double] = [:]
  /// `--steps K`: the DTMC's distribution after K steps.
  public var steps: Int?
  /// `--time T`: the CTMC's distribution at time T (uniformization).
  public var time: Double?
  /// `--long-run RATE`: terminal states restart the transaction at this rate.
  public var longRunRate: Double?
  /// `--top K`: the K most probable bottom components (terminal states).
  public var top = 0
  /// Gauss–Seidel stops when no value changes by more than this (relative).
  public var tolerance = 1e-12
  public var maxIterations = 100_000
  public var maxUniformizationSteps = 10_000_000
  /// Stops the solvers at a signal or a deadline.
  public var cancellation = Cancellation()
  public init() {}
}

/// One of the most probable ends of a run: a bottom component and the chance of ending there.
public struct TopComponent: Sendable {
  public var probability: Double
  public var outcome: Outcome
  /// 1 for a terminal state; more for a bottom cycle (a livelock).
  public var stateCount: Int
  /// The component's lowest state id, and that state told like a trace state.
  public var state: UInt32
  public var description: String
}

/// The long-run behaviour when terminal states restart the transaction.
public struct LongRunResult: Sendable {
  public var restartRate: Double
  /// Fraction of time by class and by process control state.
  public var summary: DistributionSummary
  /// Expected time from one start of the transaction to the next (nil when a livelock
  /// component exists: the chain is eventually caught in one and never restarts).
  public var cycleTime: Double?
  /// Power-iteration sweeps for the stationary distribution inside livelock components.
  public var iterations: Int
}

/// Everything `commitcheck markov` reports.
public struct MarkovReport: Sendable {
  public var model: String
  public var file: String
  public var parameters: [(name: String, value: Int)]
  public var network: NetworkSemantics
  public var capacity: Int
  public var failures: [FailureAllowance]
  public var rateOverrides: [(name: String, rate: Double)]
  public var states: Int
  public var initialStates: Int
  /// Transitions of the chain (moves between the same two states merged).
  public var transitions: Int
  public var moves: Int
  public var transientStates: Int
  public var absorbingStates: Int
  /// Bottom components, by outcome class (indexed by `Outcome.rawValue`).
  public var bottomComponents: [Int]
  /// States whose moves were cut because they violate atomicity.
  public var cutStates: Int
  public var solver: SolverStats
  /// Probability of each outcome class (indexed by `Outcome.rawValue`).
  public var outcomes: [Double]
  /// 1 minus the sum of the outcome probabilities.
  public var residual: Double
  /// Expected steps (DTMC) and time (CTMC) until the chain enters its bottom component.
  public var expectedSteps: Double
  public var expectedTime: Double
  /// The same, conditioned on each outcome (nil when the outcome has probability 0).
  public var conditionalSteps: [Double?]
  public var conditionalTime: [Double?]
  public var afterSteps: (steps: Int, summary: DistributionSummary)?
  public var atTime: (time: Double, uniformizationSteps: Int, summary: DistributionSummary)?
  public var longRun: LongRunResult?
  public var top: [TopComponent]
  public var processNames: [String]
  public var controlStateNames: [[String]]
  /// Seconds spent building and solving the chain (exploration excluded).
  public var seconds: Double
}

/// A Markov analysis of an explored model: the chain, its components and the report.
public struct MarkovAnalysis: Sendable {
  public let exploration: Exploration
  public let chain: MarkovChain
  let components: Components
  let initialDistribution: [Double]
  public private(set) var report: MarkovReport
  /// Options that change nothing (`--rate lose=0.1` without a loss budget): see
  /// `warnings(_:for:)`.
  public let warnings: [Diagnostic]

  /// The outcome class of the bottom component holding state `s`, nil for transient states.
  public func outcome(ofState s: Int) -> Outcome? { components.outcome(ofState: s) }

  /// Builds the chain of a complete exploration and solves it.
  public init(exploration ex: Exploration, file: String, options: MarkovOptions) throws(MarkovError) {
    let started = Date()
    try MarkovAnalysis.validate(options)
    let system = ex.system
    let table = try RateTable(system: system, overrides: options.rates)
    warnings = MarkovAnalysis.warnings(options, for: system)
    exploration = ex
    chain = try MarkovChain(exploration: ex, rates: table)
    try options.cancellation.check()
    components = Components(chain)
    try options.cancellation.check()
    var initial = [Double](repeating: 0, count: chain.stateCount)
    for s in 0..<chain.initialCount { initial[s] = 1 / Double(chain.initialCount) }
    initialDistribution = initial
    report = MarkovReport(
      model: system.name, file: file, parameters: system.parameters, network: system.network,
      capacity: system.capacity, failures: system.failureList, rateOverrides: table.overrides,
      states: chain.stateCount, initialStates: chain.initialCount, transitions: chain.transitionCount,
      moves: chain.moveCount, transientStates: 0, absorbingStates: 0,
      bottomComponents: Array(repeating: 0, count: Outcome.allCases.count), cutStates: chain.cutStates,
      solver: SolverStats(tolerance: options.tolerance, maxIterations: options.maxIterations),
      outcomes: [], residual: 0, expectedSteps: 0, expectedTime: 0, conditionalSteps: [], conditionalTime: [],
      top: [], processNames: system.processes.map(\.name),
      controlStateNames: system.processes.map { system.roles[$0.role].states }, seconds: 0)
    try solve(options)
    report.seconds = Date().timeIntervalSince(started)
  }

  /// A generous estimate of the bytes the chain and its solution take for an exploration of
  /// `states` states and `transitions` moves (merged moves are fewer): per transition its
  /// target, rate, and the solver's incoming lists (24 bytes, with room for the sorting of a
  /// row); per state the rows, exit rates, verdicts, control states, the components' search,
  /// the absorption probabilities of the five classes, the visits and the initial distribution
  /// (about 200 bytes, plus 2 per process).
  public static func estimatedBytes(states: Int, transitions: Int, processes: Int) -> Int {
    32 * transitions + (200 + 2 * processes) * states
  }

  /// Refuses options and rate names that cannot work for `system`, before anything is explored;
  /// returns the warnings about options that work but change nothing (`warnings(_:for:)`).
  @discardableResult
  public static func validate(_ options: MarkovOptions, for system: TransitionSystem) throws(MarkovError) -> [Diagnostic] {
    try validate(options)
    _ = try RateTable(system: system, overrides: options.rates)
    return warnings(options, for: system)
  }

  /// Rate overrides that change nothing, as warnings about the command line (range `.none`,
  /// `--rate lose=0.1: no message can be lost: ...`), in the order of their names: the chain is
  /// right, but not what the user meant to ask for.
  public static func warnings(_ options: MarkovOptions, for system: TransitionSystem) -> [Diagnostic] {
    RateTable.unusedFailureRates(system: system, overrides: options.rates).map {
      .warning("--rate \($0.name)=\(rateText($0.rate)): \($0.reason), so this rate is never used", at: .none)
    }
  }

  /// A rate as the user most likely typed it: `2`, not `2.0`.
  static func rateText(_ rate: Double) -> String {
    rate == rate.rounded() && abs(rate) < 1e15 ? String(Int(rate)) : String(rate)
  }

  static func validate(_ o: MarkovOptions) throws(MarkovError) {
    if let k = o.steps, k < 0 { throw .invalidOption("--steps needs a non-negative number of steps") }
    if let t = o.time, !(t.isFinite && t >= 0) { throw .invalidOption("--time needs a non-negative time") }
    if let r = o.longRunRate, !(r.isFinite && r > 0) { throw .invalidOption("--long-run needs a positive rate") }
    if o.top < 0 { throw .invalidOption("--top needs a non-negative count") }
    if !(o.tolerance > 0 && o.tolerance < 1) { throw .invalidOption("--tolerance must be between 0 and 1") }
  }

  mutating func solve(_ options: MarkovOptions) throws(MarkovError) {
    let n = chain.stateCount
    var solver = Solver(chain: chain, components: components, tolerance: options.tolerance,
                        maxIterations: options.maxIterations, cancellation: options.cancellation)
    for c in 0..<components.count {
      if let outcome = components.outcome[c] { report.bottomComponents[outcome.rawValue] += 1 }
    }
    for s in 0..<n {
      if chain.isAbsorbing(s) { report.absorbingStates += 1 }
      if components.outcome(ofState: s) == nil { report.transientStates += 1 }
    }
    // Absorption probabilities per class, from every state.
    let k = Outcome.allCases.count
    let absorption = try solver.absorption(classes: k) { s in components.outcome(ofState: s)?.rawValue }
    report.outcomes = (0..<k).map { c in
      (0..<chain.initialCount).reduce(0) { $0 + initialDistribution[$1] * absorption[$1 * k + c] }
    }
    report.residual = 1 - report.outcomes.reduce(0, +)
    // Expected visits give expected steps and time, overall and per outcome.
    let visits = try solver.visits(initial: initialDistribution)
    var steps = 0.0, time = 0.0
    var stepsBy = [Double](repeating: 0, count: Outcome.allCases.count)
    var timeBy = stepsBy
    for s in 0..<n where components.outcome(ofState: s) == nil {
      steps += visits[s]
      time += visits[s] / chain.exitRates[s]
      for c in 0..<k {
        stepsBy[c] += visits[s] * absorption[s * k + c]
        timeBy[c] += visits[s] * absorption[s * k + c] / chain.exitRates[s]
      }
    }
    report.expectedSteps = steps
    report.expectedTime = time
    report.conditionalSteps = (0..<stepsBy.count).map { report.outcomes[$0] > 0 ? stepsBy[$0] / report.outcomes[$0] : nil }
    report.conditionalTime = (0..<timeBy.count).map { report.outcomes[$0] > 0 ? timeBy[$0] / report.outcomes[$0] : nil }
    report.top = topComponents(options.top, arrivals: visits)
    if let k = options.steps {
      report.afterSteps = (k, summarize(try distribution(afterSteps: k, cancellation: options.cancellation)))
    }
    if let t = options.time {
      let (d, used) = try distribution(atTime: t, maxSteps: options.maxUniformizationSteps,
                                       cancellation: options.cancellation)
      report.atTime = (t, used, summarize(d))
    }
    if let rate = options.longRunRate {
      report.longRun = try longRun(rate, visits: visits, solver: &solver, options: options)
    }
    report.solver = solver.stats
  }

  /// The `count` bottom components most likely to end a run, most likely first.
  func topComponents(_ count: Int, arrivals: [Double]) -> [TopComponent] {
    guard count > 0 else { return [] }
    var entries: [TopComponent] = []
    for c in 0..<components.count {
      guard let outcome = components.outcome[c] else { continue }
      let states = components.states(c)
      let probability = states.reduce(0) { $0 + arrivals[Int($1)] }
      let first = states.min()!
      entries.append(TopComponent(probability: probability, outcome: outcome, stateCount: states.count,
                                  state: first, description: ""))
    }
    entries.sort { ($0.probability, $1.state) > ($1.probability, $0.state) }
    var top = Array(entries.prefix(count))
    for i in top.indices { top[i].description = describe(top[i].state) }
    return top
  }
}
