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
  /// `--only CLASS,...`: the probabilities of these outcome classes and nothing else of the
  /// backward figures (no expected steps or time, no residual): after the graph search, only
  /// the states that can end both in an asked class and elsewhere are solved, for those classes.
  /// Nil: every figure.
  public var only: Set<Outcome>?
  /// The precision: iteration stops once every value's guaranteed interval is this narrow,
  /// relative to the value.
  public var tolerance = 1e-12
  public var maxIterations = 100_000
  public var maxUniformizationSteps = 10_000_000
  /// Threads that build the chain (the figures are the same for any number).
  public var threads = 1
  /// The largest livelock component whose stationary distribution the long run computes
  /// exactly (`exactStationary`: a dense matrix of this many rows, 32 MB, a few seconds at
  /// most); larger ones get power iteration and no bound. Internal: the tests lower it.
  var exactStationaryLimit = 2_000
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
  /// A guaranteed bound on the error of `probability`; nil when a cyclic component's forward
  /// equations were solved by Gauss–Seidel sweeps, which give no bound.
  public var errorBound: Double?
  /// Under symmetry reduction: the number of states the representative stands for (its orbit),
  /// so that each of them has probability `probability / orbitSize`. Nil without reduction.
  public var orbitSize: Int?
}

/// The long-run behaviour when terminal states restart the transaction.
public struct LongRunResult: Sendable {
  public var restartRate: Double
  /// Fraction of time by class and by process control state.
  public var summary: DistributionSummary
  /// Expected time from one start of the transaction to the next (nil when a livelock
  /// component exists: the chain is eventually caught in one and never restarts).
  public var cycleTime: Double?
  /// Power-iteration sweeps for the stationary distribution inside livelock components of more
  /// than 2,000 states (0 when every livelock component is solved exactly).
  public var iterations: Int
  /// A guaranteed bound on the error of every fraction; nil when the figures come from
  /// the power iteration inside a livelock component of more than 2,000 states, which gives none.
  public var errorBound: Double?
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
  /// Guaranteed bounds on the error of each outcome probability (0 where exact).
  public var outcomeBounds: [Double] = []
  /// With `MarkovOptions.only`: the classes whose probabilities were computed, in the order of
  /// `Outcome`. The other entries of `outcomes` and `outcomeBounds`, the residual, and every
  /// expected step and time figure are then NaN (not computed). Nil: every figure was computed.
  public var only: [Outcome]?
  /// 1 minus the sum of the outcome probabilities.
  public var residual: Double
  /// Expected steps (DTMC) and time (CTMC) until the chain enters its bottom component.
  public var expectedSteps: Double
  public var expectedTime: Double
  /// The same, conditioned on each outcome (nil when the outcome has probability 0).
  public var conditionalSteps: [Double?]
  public var conditionalTime: [Double?]
  /// Guaranteed bounds on the errors of the four figures above (0 where exact).
  public var expectedStepsBound = 0.0
  public var expectedTimeBound = 0.0
  public var conditionalStepsBounds: [Double?] = []
  public var conditionalTimeBounds: [Double?] = []
  public var afterSteps: (steps: Int, summary: DistributionSummary)?
  public var atTime: (time: Double, uniformizationSteps: Int, summary: DistributionSummary)?
  /// A guaranteed bound on the error of every figure at time T: the Poisson mass that
  /// uniformization leaves out, twice (it is taken from one place and spread over others).
  public var atTimeBound = 0.0
  /// Whether states are orbits (`--symmetry`): then `top` and the exports hold one
  /// representative per orbit.
  public var orbits = false
  public var longRun: LongRunResult?
  public var top: [TopComponent]
  public var processNames: [String]
  public var controlStateNames: [[String]]
  /// Seconds spent building and solving the chain (exploration excluded).
  public var seconds: Double
  /// Of those, the seconds spent building the chain (its rows, from the explored graph). The
  /// rest is solving: the components, the graph search and the arithmetic, as a model checker's
  /// solve of a chain it has read covers its own graph analyses.
  public var buildSeconds = 0.0
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
  /// Rate overrides for transitions and branches that no move of the explored chain takes (and
  /// no initial state, for `start` branches): known only once the chain is built, so apart from
  /// `warnings`.
  public let chainWarnings: [Diagnostic]

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
    let chain = try MarkovChain(exploration: ex, rates: table, threads: options.threads)
    let built = Date().timeIntervalSince(started)
    try options.cancellation.check()
    let reader = VerdictReader(chain, ex)
    components = Components(chain) { reader.verdict(of: $0) }
    self.chain = chain
    try options.cancellation.check()
    initialDistribution = MarkovAnalysis.initialDistribution(ex, table, count: chain.stateCount)
    chainWarnings = RateTable.unusedMoveRates(ex, overrides: options.rates).map {
      .warning("--rate \($0.name)=\(MarkovAnalysis.rateText($0.rate)): no move of the explored chain takes it, "
        + "so this rate is never used", at: .none)
    }
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
    report.orbits = ex.symmetry != nil
    report.buildSeconds = built
    try solve(options)
    report.seconds = Date().timeIntervalSince(started)
  }

  /// Where the chain starts: every outcome of the `start` blocks (one per combination of
  /// `choose` branches taken) weighs the product of its branches' rates, so that equal rates
  /// give equal weights, as for moves; outcomes that are the same state (or, under symmetry,
  /// the same orbit) add up. Normalized to 1.
  static func initialDistribution(_ ex: Exploration, _ table: RateTable, count n: Int) -> [Double] {
    var initial = [Double](repeating: 0, count: n)
    let outcomes = ex.holdsStates ? try? SuccessorGenerator(ex.system).initialOutcomes() : nil
    var total = CompensatedSum()
    var found = true
    for o in outcomes ?? [] {
      var slots = o.slots
      ex.symmetry?.canonicalize(&slots)
      guard let id = ex.id(of: slots), Int(id) < ex.initialCount else {
        found = false
        break
      }
      var weight = 1.0
      for (p, info) in ex.system.processes.enumerated() { weight *= table.startWeight(role: info.role, choice: o.choices[p]) }
      initial[Int(id)] += weight
      total.add(weight)
    }
    guard found, outcomes != nil, total.value > 0 else {
      // Not reached for an exploration that holds its states: equal weights.
      for s in 0..<ex.initialCount { initial[s] = 1 / Double(ex.initialCount) }
      return initial
    }
    for s in 0..<ex.initialCount { initial[s] /= total.value }
    return initial
  }

  /// A generous estimate of the bytes the chain and its solution take for an exploration of
  /// `states` states and `transitions` moves (merged moves are fewer): per transition its
  /// target, rate, and the solver's incoming lists (24 bytes, with room for the sorting of a
  /// row); per state the rows, exit rates, verdicts, control states, the components' search,
  /// the probabilities, steps and time of the five classes (120 bytes, twice when a cyclic
  /// component needs lower and upper bounds), the visits and the initial distribution (about
  /// 400 bytes, plus 2 per process).
  public static func estimatedBytes(states: Int, transitions: Int, processes: Int) -> Int {
    32 * transitions + (400 + 2 * processes) * states
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
    if let only = o.only {
      if only.isEmpty { throw .invalidOption("--only needs at least one outcome class") }
      if o.longRunRate != nil {
        throw .invalidOption("--only leaves out the expected time that --long-run needs; give one of them")
      }
    }
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
    if let only = options.only {
      try solveProbabilities(only, solver: &solver)
    } else {
      try solveBackward(solver: &solver)
    }
    // The forward figures: expected visits, and from them the arrivals into bottom components.
    let visits = options.top > 0 || options.longRunRate != nil ? try solver.visits(initial: initialDistribution) : []
    report.top = topComponents(options.top, arrivals: visits)
    if let k = options.steps {
      report.afterSteps = (k, summarize(try distribution(afterSteps: k, cancellation: options.cancellation)))
    }
    if let t = options.time {
      let (d, used, bound) = try distribution(atTime: t, maxSteps: options.maxUniformizationSteps,
                                              cancellation: options.cancellation)
      report.atTime = (t, used, summarize(d))
      report.atTimeBound = bound
    }
    if let rate = options.longRunRate {
      report.longRun = try longRun(rate, visits: visits, solver: &solver, options: options)
    }
    report.solver = solver.stats
  }

  /// The interval of a figure at the start: Σ π0(s) y(s) over the initial states.
  func atStart(_ lower: (Int) -> Double, _ upper: (Int) -> Double) -> (lower: Double, upper: Double) {
    var lo = CompensatedSum(), hi = CompensatedSum()
    for s in 0..<chain.initialCount where initialDistribution[s] != 0 {
      lo.add(initialDistribution[s] * lower(s))
      hi.add(initialDistribution[s] * upper(s))
    }
    return (lo.value, hi.value)
  }

  /// `MarkovOptions.only`: the probabilities of those classes, every other backward figure NaN.
  mutating func solveProbabilities(_ only: Set<Outcome>, solver: inout Solver) throws(MarkovError) {
    let wanted = only.reduce(UInt8(0)) { $0 | 1 << UInt8($1.rawValue) }
    let p = try solver.probabilities(of: wanted)
    let k = Outcome.allCases.count
    report.only = p.classes
    report.outcomes = Array(repeating: .nan, count: k)
    report.outcomeBounds = Array(repeating: .nan, count: k)
    for (i, o) in p.classes.enumerated() {
      let x = atStart({ p.values.lower($0, i) }, { p.values.upper($0, i) })
      report.outcomes[o.rawValue] = (x.lower + x.upper) / 2
      report.outcomeBounds[o.rawValue] = (x.upper - x.lower) / 2
    }
    report.residual = .nan
    (report.expectedSteps, report.expectedStepsBound, report.expectedTime, report.expectedTimeBound) = (.nan, .nan, .nan, .nan)
    report.conditionalSteps = Array(repeating: .nan, count: k)
    report.conditionalTime = report.conditionalSteps
    report.conditionalStepsBounds = report.conditionalSteps
    report.conditionalTimeBounds = report.conditionalSteps
  }

  /// Probabilities, steps and time per class from every state, as guaranteed intervals.
  mutating func solveBackward(solver: inout Solver) throws(MarkovError) {
    let k = Outcome.allCases.count
    let b = try solver.backward()
    func atStart(_ column: Int) -> (lower: Double, upper: Double) {
      self.atStart({ b.lower($0, column) }, { b.upper($0, column) })
    }
    let x = (0..<k).map { atStart($0) }
    let m = (0..<k).map { atStart(k + $0) }
    let t = (0..<k).map { atStart(2 * k + $0) }
    report.outcomes = x.map { ($0.lower + $0.upper) / 2 }
    report.outcomeBounds = x.map { ($0.upper - $0.lower) / 2 }
    report.residual = 1 - CompensatedSum.of(report.outcomes)
    let steps = (CompensatedSum.of(m.map(\.lower)), CompensatedSum.of(m.map(\.upper)))
    let time = (CompensatedSum.of(t.map(\.lower)), CompensatedSum.of(t.map(\.upper)))
    (report.expectedSteps, report.expectedStepsBound) = ((steps.0 + steps.1) / 2, (steps.1 - steps.0) / 2)
    (report.expectedTime, report.expectedTimeBound) = ((time.0 + time.1) / 2, (time.1 - time.0) / 2)
    /// A figure given an outcome: the interval of the joint figure over that of the probability.
    func given(_ joint: [(lower: Double, upper: Double)]) -> [(value: Double, bound: Double)?] {
      (0..<k).map { c in
        guard x[c].upper > 0 else { return nil }
        let lower = joint[c].lower / x[c].upper
        let upper = x[c].lower > 0 ? joint[c].upper / x[c].lower : .infinity
        return ((lower + upper) / 2, (upper - lower) / 2)
      }
    }
    let stepsGiven = given(m), timeGiven = given(t)
    report.conditionalSteps = stepsGiven.map { $0?.value }
    report.conditionalStepsBounds = stepsGiven.map { $0?.bound }
    report.conditionalTime = timeGiven.map { $0?.value }
    report.conditionalTimeBounds = timeGiven.map { $0?.bound }
  }

  /// Whether the forward figures (visits, arrivals) are exact: every transient component is a
  /// single state, so no Gauss–Seidel sweep was needed.
  var forwardExact: Bool {
    (0..<components.count).allSatisfy { components.bottom[$0] || components.start[$0 + 1] - components.start[$0] == 1 }
  }

  /// The `count` bottom components most likely to end a run, most likely first.
  func topComponents(_ count: Int, arrivals: [Double]) -> [TopComponent] {
    guard count > 0 else { return [] }
    let exact = forwardExact
    var entries: [TopComponent] = []
    // The arrivals are lower bounds that add up to 1 when exact: what they miss bounds the
    // error of each.
    var arrived = CompensatedSum()
    for c in 0..<components.count where components.bottom[c] {
      for s in components.states(c) { arrived.add(arrivals[Int(s)]) }
    }
    let bound = exact ? 0 : max(0, 1 - arrived.value)
    for c in 0..<components.count {
      guard let outcome = components.outcome[c] else { continue }
      let states = components.states(c)
      let probability = CompensatedSum.of(states.lazy.map { arrivals[Int($0)] })
      let first = states.min()!
      entries.append(TopComponent(probability: probability, outcome: outcome, stateCount: states.count,
                                  state: first, description: "", errorBound: bound))
    }
    entries.sort { ($0.probability, $1.state) > ($1.probability, $0.state) }
    var top = Array(entries.prefix(count))
    for i in top.indices {
      top[i].description = describe(top[i].state)
      top[i].orbitSize = exploration.symmetry?.orbitSize(exploration.state(top[i].state))
    }
    return top
  }
}

