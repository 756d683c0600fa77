extension Solver {
  /// The probabilities of the classes in `wanted` (a bit per class), per state: the classes in
  /// the order of `Outcome`, and one column of intervals per class, component by component in
  /// reverse topological order, as `backward` computes them but for those classes alone: after
  /// the graph search (`reach`), a component that cannot end in an asked class keeps 0 and one
  /// that can end in one class only gets 1, with no arithmetic; a single state is solved from
  /// its successors, and a cyclic component by sound value iteration on the asked columns.
  /// The arithmetic per class is `backward`'s, so an acyclic chain gives the same numbers.
  mutating func probabilities(of wanted: UInt8) throws(MarkovError) -> (classes: [Outcome], values: Intervals) {
    let n = chain.stateCount
    let classes = Outcome.allCases.filter { wanted & (1 << UInt8($0.rawValue)) != 0 }
    let q = classes.count
    var column = [Int](repeating: -1, count: Backward.classes)
    for (i, o) in classes.enumerated() { column[o.rawValue] = i }
    let sound = stats.cyclicComponents > 0
    var lower = [Double](repeating: 0, count: n * q)
    var upper = sound ? lower : []
    for c in 0..<components.count {
      if c & 4095 == 0 { try cancellation.check() }
      let states = components.states(c)
      let set = components.outcome[c].map { UInt8(1) << UInt8($0.rawValue) } ?? reach[c]
      if components.outcome[c] == nil && set.nonzeroBitCount == 1 { decidedStates += states.count }
      let asked = set & wanted
      // Probability 0 of every asked class: nothing to do.
      if asked == 0 { continue }
      if set.nonzeroBitCount == 1 {
        // Probability 1 of the one class it can end in.
        let i = column[set.trailingZeroBitCount]
        for s in states {
          lower[Int(s) * q + i] = 1
          if sound { upper[Int(s) * q + i] = 1 }
        }
        continue
      }
      if states.count == 1 {
        let s = Int(states.first!)
        solveProbabilities(s, asked, column, q, into: &lower)
        if !sound { continue }
        if exactBelow[c] {
          for i in 0..<q { upper[s * q + i] = lower[s * q + i] }
        } else {
          solveProbabilities(s, asked, column, q, into: &upper)
        }
        continue
      }
      try solveCyclicProbabilities(Array(states), asked, column, q, lower: &lower, upper: &upper)
    }
    return (classes, Intervals(width: q, lower: lower, upperOnly: upper))
  }

  /// x_j(s) = Σ R(s,t) x_j(t) / L for the classes in `asked`, over t ≠ s, with L the rate of
  /// leaving s (a self-loop divided out), in `backward`'s order of operations.
  @inline(__always)
  func solveProbabilities(_ s: Int, _ asked: UInt8, _ column: [Int], _ q: Int, into y: inout [Double]) {
    if asked.nonzeroBitCount == 1 {
      let i = column[asked.trailingZeroBitCount]
      var leave = 0.0, x = 0.0
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
        let t = Int(chain.columns[e])
        if t == s { continue }
        let r = chain.rates[e]
        leave += r
        x += r * y[t * q + i]
      }
      y[s * q + i] = x / leave
      return
    }
    var leave = 0.0
    for e in chain.rowStart[s]..<chain.rowStart[s + 1] where Int(chain.columns[e]) != s { leave += chain.rates[e] }
    var bits = asked
    while bits != 0 {
      let i = column[bits.trailingZeroBitCount]
      bits &= bits - 1
      var x = 0.0
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
        let t = Int(chain.columns[e])
        if t != s { x += chain.rates[e] * y[t * q + i] }
      }
      y[s * q + i] = x / leave
    }
  }

  /// A cyclic component's probabilities of the classes in `asked`: y = c + P y inside it, c
  /// what leaves it times the final values there, by `soundIteration`.
  mutating func solveCyclicProbabilities(_ states: [UInt32], _ asked: UInt8, _ column: [Int], _ q: Int,
                                         lower: inout [Double], upper: inout [Double]) throws(MarkovError) {
    let system = localSystem(states)
    let columns = (0..<Backward.classes).filter { asked & (1 << UInt8($0)) != 0 }.map { column[$0] }
    let me = components.componentOf[Int(states[0])]
    func constants(_ y: [Double]) -> [Double] {
      var c = [Double](repeating: 0, count: states.count * columns.count)
      for (i, s32) in states.enumerated() {
        let s = Int(s32)
        for (k, col) in columns.enumerated() {
          var sum = CompensatedSum()
          for e in chain.rowStart[s]..<chain.rowStart[s + 1] where components.componentOf[Int(chain.columns[e])] != me {
            sum.add(chain.probability(e, from: s) * y[Int(chain.columns[e]) * q + col])
          }
          c[i * columns.count + k] = sum.value
        }
      }
      return c
    }
    let (lo, hi) = try soundIteration(system, columns: columns.count, lower: constants(lower), upper: constants(upper))
    for (i, s) in states.enumerated() {
      for (k, col) in columns.enumerated() {
        lower[Int(s) * q + col] = lo[i * columns.count + k]
        upper[Int(s) * q + col] = hi[i * columns.count + k]
      }
    }
  }
}
