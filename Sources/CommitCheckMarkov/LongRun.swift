import CommitCheckExplorer
extension MarkovAnalysis {
  /// Long-run fractions of time when every state of a commit, abort, blocked or violation
  /// bottom component also restarts the transaction (back to the initial states) at `rate`.
  ///
  /// Without livelock components the restarted chain is a renewal process: one cycle is a run
  /// to its bottom component plus the wait for the restart, and the long-run fraction of time
  /// in a state is its expected time per cycle over the expected cycle length. A livelock
  /// component never restarts, so once one exists the chain is caught by one sooner or later
  /// (every explored state is reachable): the long run is then spent inside livelock
  /// components, each weighted by its share of the absorption probability, spread by its own
  /// stationary distribution.
  ///
  /// With livelocks the error bound combines the two: each component's stationary distribution
  /// is exact up to rounding (`exactStationary`, for components of up to
  /// `MarkovOptions.exactStationaryLimit` states), and the absorption probabilities are the arrivals of
  /// `visits`, lower bounds whose sum misses 1 by some δ (0 when every transient component is
  /// one state). Their shares a_c / l (l the sum over livelock components) then move by d_c
  /// with Σ d_c = 0 and Σ |d_c| ≤ 2δ / l, so every fraction, Σ_c d_c · π_c(F) with π_c(F) in
  /// [0, 1], is within δ / l. A larger livelock component gets power iteration and no bound.
  func longRun(_ rate: Double, visits: [Double], solver: inout Solver, options: MarkovOptions) throws(MarkovError)
    -> LongRunResult
  {
    let n = chain.stateCount
    var time = [Double](repeating: 0, count: n)
    let livelocks = (0..<components.count).filter { components.outcome[$0] == .livelock }
    var cycleTime: Double?
    var forwardBound: Double?
    var iterations = 0
    if livelocks.isEmpty {
      var perCycle = visits
      let restartsHere = { (s: Int) -> Double in components.bottom[Int(components.componentOf[s])] ? rate : 0 }
      for c in 0..<components.count where components.bottom[c] {
        try solver.solveForward(components.states(c), into: &perCycle, initial: initialDistribution, extraExit: restartsHere)
      }
      var sum = CompensatedSum()
      for s in 0..<n {
        time[s] = perCycle[s] / (chain.exitRates[s] + restartsHere(s))
        sum.add(time[s])
      }
      let total = sum.value
      for s in 0..<n { time[s] /= total }
      // The times are lower bounds (`solveForward`); the cycle's exact length lies within
      // [cycleLower, cycleUpper]: the run (the expected time, with its bound) plus the wait for
      // the restart, 1 / rate from any bottom state. What the times miss of it bounds the
      // error of every fraction: |t_A / T − l_A / Σ l| ≤ (T − Σ l) / T.
      let cycleLower = report.expectedTime - report.expectedTimeBound + 1 / rate
      let cycleUpper = report.expectedTime + report.expectedTimeBound + 1 / rate
      forwardBound = max(0, (cycleUpper - total) / cycleLower)
      cycleTime = total
    } else {
      let weights = livelocks.map { c in CompensatedSum.of(components.states(c).lazy.map { visits[Int($0)] }) }
      let totalWeight = CompensatedSum.of(weights)
      var bounded = true
      for (i, c) in livelocks.enumerated() {
        let pi: [Double]
        if components.start[c + 1] - components.start[c] <= options.exactStationaryLimit {
          pi = try exactStationary(c, cancellation: options.cancellation)
        } else {
          let sweeps: Int
          (pi, sweeps) = try stationary(c, tolerance: options.tolerance, maxIterations: options.maxIterations,
                                        cancellation: options.cancellation)
          iterations = max(iterations, sweeps)
          bounded = false
        }
        for (s, p) in zip(components.states(c), pi) { time[Int(s)] = weights[i] / totalWeight * p }
      }
      if bounded {
        // δ: what the arrivals into all bottom components miss of 1.
        var arrived = CompensatedSum()
        for c in 0..<components.count where components.bottom[c] {
          for s in components.states(c) { arrived.add(visits[Int(s)]) }
        }
        forwardBound = forwardExact ? 0 : max(0, 1 - arrived.value) / totalWeight
      }
    }
    // Without livelocks, exact (up to rounding) when every component is one state: no sweep.
    let exact = livelocks.isEmpty && (0..<components.count).allSatisfy { components.start[$0 + 1] - components.start[$0] == 1 }
    return LongRunResult(restartRate: rate, summary: summarize(time), cycleTime: cycleTime, iterations: iterations,
                         errorBound: exact ? 0 : forwardBound)
  }

  /// The stationary distribution of the CTMC restricted to bottom component `c` (in the order
  /// of `components.states(c)`), by the Grassmann–Taksar–Heyman algorithm: states are
  /// eliminated one by one (censoring: the rates of the chain watched only on the states left),
  /// then the distribution is rebuilt backwards. It only adds, multiplies and divides
  /// nonnegative numbers, so it loses no digits to cancellation: exact up to rounding, with a
  /// small relative error in every entry (Grassmann, Taksar and Heyman 1985; O'Cinneide 1993).
  func exactStationary(_ c: Int, cancellation: Cancellation) throws(MarkovError) -> [Double] {
    let states = Array(components.states(c))
    let n = states.count
    if n == 1 { return [1] }
    var local = [Int: Int]()
    for (i, s) in states.enumerated() { local[Int(s)] = i }
    // a[i * n + j]: the rate from i to j (i ≠ j); the diagonal stays 0.
    var a = [Double](repeating: 0, count: n * n)
    for (i, s32) in states.enumerated() {
      let s = Int(s32)
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] where Int(chain.columns[e]) != s {
        a[i * n + local[Int(chain.columns[e])]!] += chain.rates[e]
      }
    }
    for k in stride(from: n - 1, to: 0, by: -1) {
      try cancellation.check()
      // The rate of leaving k for the states still kept (a bottom component is irreducible, so
      // some is left: positive).
      var out = CompensatedSum()
      for j in 0..<k { out.add(a[k * n + j]) }
      for i in 0..<k where a[i * n + k] != 0 {
        let f = a[i * n + k] / out.value
        a[i * n + k] = f
        for j in 0..<k { a[i * n + j] += f * a[k * n + j] }
      }
    }
    var pi = [Double](repeating: 0, count: n)
    pi[0] = 1
    for j in 1..<n {
      var sum = CompensatedSum()
      for i in 0..<j where a[i * n + j] != 0 { sum.add(pi[i] * a[i * n + j]) }
      pi[j] = sum.value
    }
    let total = CompensatedSum.of(pi)
    return pi.map { $0 / total }
  }

  /// The stationary distribution of the CTMC restricted to bottom component `c` (in the order
  /// of `components.states(c)`), by power iteration on its uniformized chain. The
  /// uniformization rate is 1.25 times the largest exit rate, so every state keeps a self-loop
  /// and the iteration cannot oscillate.
  func stationary(_ c: Int, tolerance: Double, maxIterations: Int, cancellation: Cancellation) throws(MarkovError)
    -> (distribution: [Double], sweeps: Int)
  {
    let states = Array(components.states(c))
    if states.count == 1 { return ([1], 0) }
    var local = [Int: Int]()
    for (i, s) in states.enumerated() { local[Int(s)] = i }
    var q = 0.0
    for s in states { q = max(q, chain.exitRates[Int(s)] - selfLoopRate(Int(s))) }
    q *= 1.25
    var pi = [Double](repeating: 1 / Double(states.count), count: states.count)
    var next = pi
    var sweeps = 0
    while sweeps < maxIterations {
      try cancellation.check()
      for i in next.indices { next[i] = 0 }
      for (i, s32) in states.enumerated() {
        let s = Int(s32)
        var stay = pi[i]
        for e in chain.rowStart[s]..<chain.rowStart[s + 1] where Int(chain.columns[e]) != s {
          let moved = pi[i] * chain.rates[e] / q
          next[local[Int(chain.columns[e])]!] += moved
          stay -= moved
        }
        next[i] += stay
      }
      sweeps += 1
      var change = 0.0
      for i in pi.indices { change = max(change, abs(next[i] - pi[i])) }
      swap(&pi, &next)
      if change <= tolerance { break }
    }
    return (pi, sweeps)
  }
}
