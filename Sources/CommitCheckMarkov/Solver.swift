import CommitCheckExplorer
/// How a chain's linear systems were solved.
public enum SolverMethod: String, Sendable {
  /// Every transient component is a single state: reverse topological order, no iteration.
  case exact
  /// Some component has cycles: sound value iteration, lower and upper bounds that meet.
  case soundValueIteration = "sound-value-iteration"
}

/// How the chain's linear systems were solved, as the report prints it.
public struct SolverStats: Sendable {
  /// Transient components with more than one state (solved iteratively).
  public var cyclicComponents = 0
  public var largestCyclicComponent = 0
  /// The most sweeps any one component needed (0 when exact).
  public var iterations = 0
  /// The same for the forward equations (most probable ends, the long run): Gauss–Seidel.
  public var forwardIterations = 0
  /// The precision: iteration stops when every value's interval is within this, relative.
  public var tolerance: Double
  public var maxIterations: Int
  /// False when some component reached `maxIterations` before the precision (its bounds
  /// still hold, only wider).
  public var converged = true
  /// Transient states whose outcome is certain (one class reachable), found by graph search
  /// before any arithmetic: probability 1 for that class, 0 for the others.
  public var decidedStates = 0
  public var transientStates = 0

  public var method: SolverMethod { cyclicComponents == 0 ? .exact : .soundValueIteration }

  init(tolerance: Double, maxIterations: Int) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
  }
}

/// Solves the equations of a chain component by component: exactly for single states (a
/// self-loop is divided out); for larger components by sound value iteration (`backward`) or,
/// for the forward visits, Gauss–Seidel sweeps.
struct Solver {
  let chain: MarkovChain
  let components: Components
  var stats: SolverStats
  /// Incoming transitions of each state (self-loops left out): sources and rates. Built by
  /// `prepareForward`, only for the forward figures (most probable ends, the long run).
  var inStart: [Int] = []
  var inSource: [UInt32] = []
  var inRate: [Double] = []
  /// Per state: the rate of its self-loop (0 when none); also built by `prepareForward`.
  var selfRate: [Double] = []
  let cancellation: Cancellation
  /// Per component: the outcome classes it can end in, and whether no cyclic component is
  /// reachable from it (the graph search of `Components`).
  let reach: [UInt8]
  let exactBelow: [Bool]
  /// Work space: one state's sums, and local numbers of a cyclic component's states.
  var scratch = [Double](repeating: 0, count: Backward.width)
  var local: [Int32]
  var decidedStates: Int {
    get { stats.decidedStates }
    set { stats.decidedStates = newValue }
  }

  init(chain: MarkovChain, components: Components, tolerance: Double, maxIterations: Int,
       cancellation: Cancellation = Cancellation()) {
    self.cancellation = cancellation
    self.chain = chain
    self.components = components
    stats = SolverStats(tolerance: tolerance, maxIterations: maxIterations)
    (reach, exactBelow) = (components.reach, components.exact)
    let n = chain.stateCount
    for c in 0..<components.count where !components.bottom[c] {
      let size = components.start[c + 1] - components.start[c]
      stats.transientStates += size
      if size > 1 {
        stats.cyclicComponents += 1
        stats.largestCyclicComponent = max(stats.largestCyclicComponent, size)
      }
    }
    local = stats.cyclicComponents > 0 ? [Int32](repeating: -1, count: n) : []
  }

  /// Builds the incoming lists and self-loop rates the forward equations read.
  mutating func prepareForward() {
    guard inStart.isEmpty else { return }
    let n = chain.stateCount
    var counts = [Int](repeating: 0, count: n + 1)
    var selfRate = [Double](repeating: 0, count: n)
    for s in 0..<n {
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
        let t = Int(chain.columns[e])
        if t == s { selfRate[s] += chain.rates[e] } else { counts[t + 1] += 1 }
      }
    }
    for i in 0..<n { counts[i + 1] += counts[i] }
    var fill = counts
    var source = [UInt32](repeating: 0, count: counts[n])
    var rate = [Double](repeating: 0, count: counts[n])
    for s in 0..<n {
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] where Int(chain.columns[e]) != s {
        let t = Int(chain.columns[e])
        source[fill[t]] = UInt32(s)
        rate[fill[t]] = chain.rates[e]
        fill[t] += 1
      }
    }
    inStart = counts
    inSource = source
    inRate = rate
    self.selfRate = selfRate
  }

  /// Expected visits to each transient state, starting from `initial`: v(t) = π0(t) +
  /// Σ_s v(s) P(s, t). For states of bottom components the result is instead the probability
  /// of entering the component there (the arrivals).
  mutating func visits(initial: [Double]) throws(MarkovError) -> [Double] {
    prepareForward()
    var v = [Double](repeating: 0, count: chain.stateCount)
    for c in stride(from: components.count - 1, through: 0, by: -1) {
      if c & 4095 == 0 { try cancellation.check() }
      let states = components.states(c)
      if components.bottom[c] {
        for b32 in states {
          let b = Int(b32)
          var sum = initial[b]
          for i in inStart[b]..<inStart[b + 1] {
            let s = Int(inSource[i])
            if !components.bottom[Int(components.componentOf[s])] { sum += v[s] * inRate[i] / chain.exitRates[s] }
          }
          v[b] = sum
        }
        continue
      }
      try solveForward(states, into: &v, initial: initial, extraExit: { _ in 0 })
    }
    return v
  }

  /// Expected visits inside bottom component `c` when each of its states also exits (restarts)
  /// at rate `restart`, given the arrivals computed by `visits`.
  mutating func visitsWithRestart(_ c: Int, arrivals: [Double], restart: Double, into v: inout [Double])
    throws(MarkovError)
  {
    try solveForward(components.states(c), into: &v, initial: arrivals, extraExit: { _ in restart })
  }

  /// The forward equations of one component, in place: exact for one state, Gauss–Seidel sweeps
  /// for more. Sources outside the component are already final in `v`. The sweeps start from
  /// below the solution (0, or the arrivals) and the equations have nonnegative coefficients, so
  /// every sweep stays below it: the values are lower bounds. They stop when the mass that has
  /// left the component (to other components or by `extraExit`) is within the precision of the
  /// mass that entered it, so that what is still missing is known (`missingMass`).
  mutating func solveForward(_ states: ArraySlice<UInt32>, into v: inout [Double], initial: [Double],
                             extraExit: (Int) -> Double) throws(MarkovError) {
    prepareForward()
    let c = states.count > 1 ? components.componentOf[Int(states.first!)] : -1
    var inflow = CompensatedSum()
    if states.count > 1 {
      for t32 in states {
        let t = Int(t32)
        inflow.add(initial[t])
        for i in inStart[t]..<inStart[t + 1] where components.componentOf[Int(inSource[i])] != c {
          let s = Int(inSource[i])
          inflow.add(v[s] * inRate[i] / (chain.exitRates[s] + extraExit(s)))
        }
      }
    }
    var sweeps = 0
    while true {
      for t32 in states {
        let t = Int(t32)
        var sum = initial[t]
        for i in inStart[t]..<inStart[t + 1] {
          let s = Int(inSource[i])
          sum += v[s] * inRate[i] / (chain.exitRates[s] + extraExit(s))
        }
        let exit = chain.exitRates[t] + extraExit(t)
        v[t] = exit > 0 ? sum / (1 - selfRate[t] / exit) : sum
      }
      sweeps += 1
      if states.count == 1 { break }
      var outflow = CompensatedSum()
      for s32 in states {
        let s = Int(s32)
        var leave = extraExit(s)
        for e in chain.rowStart[s]..<chain.rowStart[s + 1] where components.componentOf[Int(chain.columns[e])] != c {
          leave += chain.rates[e]
        }
        outflow.add(v[s] * leave / (chain.exitRates[s] + extraExit(s)))
      }
      if inflow.value - outflow.value <= stats.tolerance * inflow.value { break }
      if sweeps >= stats.maxIterations {
        stats.converged = false
        break
      }
      try cancellation.check()
    }
    if states.count > 1 { stats.forwardIterations = max(stats.forwardIterations, sweeps) }
  }
}
