import CommitCheckExplorer
/// How a chain's linear systems were solved.
public enum SolverMethod: String, Sendable {
  /// Every transient component is a single state: reverse topological order, no iteration.
  case exact
  /// Some component has cycles: Gauss–Seidel sweeps to a tolerance.
  case gaussSeidel = "gauss-seidel"
}

/// How the chain's linear systems were solved, as the report prints it.
public struct SolverStats: Sendable {
  /// Transient components with more than one state (solved iteratively).
  public var cyclicComponents = 0
  public var largestCyclicComponent = 0
  /// The most Gauss–Seidel sweeps any one component needed (0 when exact).
  public var iterations = 0
  /// Sweeps stop when no value changes by more than this (relative to max(1, |value|)).
  public var tolerance: Double
  public var maxIterations: Int
  /// The largest residual |x - (b + P x)| over every equation solved.
  public var residual = 0.0
  /// False when some component reached `maxIterations` before the tolerance.
  public var converged = true

  public var method: SolverMethod { cyclicComponents == 0 ? .exact : .gaussSeidel }

  init(tolerance: Double, maxIterations: Int) {
    self.tolerance = tolerance
    self.maxIterations = maxIterations
  }
}

/// Solves the equations of a chain component by component: exactly for single states (a
/// self-loop is divided out), by Gauss–Seidel sweeps for larger components.
struct Solver {
  let chain: MarkovChain
  let components: Components
  var stats: SolverStats
  /// Incoming transitions of each state (self-loops left out): sources and rates.
  let inStart: [Int]
  let inSource: [UInt32]
  let inRate: [Double]
  /// Per state: the rate of its self-loop (0 when none).
  let selfRate: [Double]
  let cancellation: Cancellation

  init(chain: MarkovChain, components: Components, tolerance: Double, maxIterations: Int,
       cancellation: Cancellation = Cancellation()) {
    self.cancellation = cancellation
    self.chain = chain
    self.components = components
    stats = SolverStats(tolerance: tolerance, maxIterations: maxIterations)
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
    for c in 0..<components.count where !components.bottom[c] {
      let size = components.start[c + 1] - components.start[c]
      if size > 1 {
        stats.cyclicComponents += 1
        stats.largestCyclicComponent = max(stats.largestCyclicComponent, size)
      }
    }
  }

  /// Absorption probabilities into every outcome class at once: `x[s * k + c]` is the
  /// probability that the chain, started in `s`, ends in a bottom component of class `c`
  /// (`k` classes). Solves x(s) = Σ_t P(s, t) x(t) on transient states, with x = 1 for the
  /// component's own class and 0 for the others on bottom states.
  mutating func absorption(classes k: Int, classOf: (Int) -> Int?) throws(MarkovError) -> [Double] {
    var x = [Double](repeating: 0, count: chain.stateCount * k)
    var sum = [Double](repeating: 0, count: k)
    for c in 0..<components.count {
      if c & 4095 == 0 { try cancellation.check() }
      let states = components.states(c)
      if components.bottom[c] {
        for s in states { x[Int(s) * k + classOf(Int(s))!] = 1 }
        continue
      }
      var sweeps = 0
      while true {
        var change = 0.0
        for s32 in states {
          let s = Int(s32)
          for j in 0..<k { sum[j] = 0 }
          for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
            let t = Int(chain.columns[e])
            if t == s { continue }
            let r = chain.rates[e]
            for j in 0..<k { sum[j] += r * x[t * k + j] }
          }
          let scale = 1 / (chain.exitRates[s] - selfRate[s])
          for j in 0..<k {
            let value = sum[j] * scale
            change = max(change, abs(value - x[s * k + j]))
            x[s * k + j] = value
          }
        }
        sweeps += 1
        if states.count == 1 || change <= stats.tolerance { break }
        if sweeps >= stats.maxIterations {
          stats.converged = false
          break
        }
        try cancellation.check()
      }
      if states.count > 1 { stats.iterations = max(stats.iterations, sweeps) }
      for s32 in states {
        let s = Int(s32)
        for j in 0..<k { sum[j] = 0 }
        for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
          let t = Int(chain.columns[e])
          let r = chain.rates[e]
          for j in 0..<k { sum[j] += r * x[t * k + j] }
        }
        for j in 0..<k { stats.residual = max(stats.residual, abs(x[s * k + j] - sum[j] / chain.exitRates[s])) }
      }
    }
    return x
  }

  /// Expected visits to each transient state, starting from `initial`: v(t) = π0(t) +
  /// Σ_s v(s) P(s, t). For states of bottom components the result is instead the probability
  /// of entering the component there (the arrivals).
  mutating func visits(initial: [Double]) throws(MarkovError) -> [Double] {
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
  /// for more. Sources outside the component are already final in `v`.
  mutating func solveForward(_ states: ArraySlice<UInt32>, into v: inout [Double], initial: [Double],
                             extraExit: (Int) -> Double) throws(MarkovError) {
    var sweeps = 0
    while true {
      var change = 0.0
      for t32 in states {
        let t = Int(t32)
        var sum = initial[t]
        for i in inStart[t]..<inStart[t + 1] {
          let s = Int(inSource[i])
          sum += v[s] * inRate[i] / (chain.exitRates[s] + extraExit(s))
        }
        let exit = chain.exitRates[t] + extraExit(t)
        let value = exit > 0 ? sum / (1 - selfRate[t] / exit) : sum
        change = max(change, abs(value - v[t]) / max(1, abs(value)))
        v[t] = value
      }
      sweeps += 1
      if states.count == 1 || change <= stats.tolerance { break }
      if sweeps >= stats.maxIterations {
        stats.converged = false
        break
      }
      try cancellation.check()
    }
    if states.count > 1 { stats.iterations = max(stats.iterations, sweeps) }
    for t32 in states {
      let t = Int(t32)
      var sum = initial[t]
      for i in inStart[t]..<inStart[t + 1] {
        let s = Int(inSource[i])
        sum += v[s] * inRate[i] / (chain.exitRates[s] + extraExit(s))
      }
      let exit = chain.exitRates[t] + extraExit(t)
      if exit > 0 { sum += v[t] * selfRate[t] / exit }
      stats.residual = max(stats.residual, abs(v[t] - sum))
    }
  }
}
