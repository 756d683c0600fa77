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
      for (i, c) in livelocks.enumerated() {
        let (pi, sweeps) = try stationary(c, tolerance: options.tolerance, maxIterations: options.maxIterations,
                                          cancellation: options.cancellation)
        iterations = max(iterations, sweeps)
        for (s, p) in zip(components.states(c), pi) { time[Int(s)] = weights[i] / totalWeight * p }
      }
    }
    // Exact (up to rounding) when every component is one state: no sweep and no power iteration.
    let exact = livelocks.isEmpty && (0..<components.count).allSatisfy { components.start[$0 + 1] - components.start[$0] == 1 }
    return LongRunResult(restartRate: rate, summary: summarize(time), cycleTime: cycleTime, iterations: iterations,
                         errorBound: exact ? 0 : forwardBound)
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
