/// The columns of the backward figures, per state and outcome class j: x_j, the probability of
/// ending in class j; m_j, the expected steps counted only on runs that end in j (E[steps ·
/// 1{end in j}]); t_j, the same for time.
enum Backward {
  static let classes = Outcome.allCases.count
  /// Columns per state: x (0..<k), m (k..<2k), t (2k..<3k).
  static let width = 3 * classes
}

/// Per state, `width` figures, each held as an interval [lower, upper] that contains the exact
/// value: the two ends are equal wherever the value was computed without iteration.
struct Intervals {
  let width: Int
  var lower: [Double]
  /// Empty when every value is exact (no cyclic component): then `upper` is `lower`.
  var upperOnly: [Double]

  func lower(_ s: Int, _ column: Int) -> Double { lower[s * width + column] }
  func upper(_ s: Int, _ column: Int) -> Double {
    upperOnly.isEmpty ? lower[s * width + column] : upperOnly[s * width + column]
  }
}

/// A sum of many terms with Neumaier's compensation: the rounding error of each addition is
/// carried along and added back at the end, so the result is as if summed with twice the
/// precision (independent of the number of terms, for terms of one sign).
struct CompensatedSum {
  private var sum = 0.0
  private var compensation = 0.0

  mutating func add(_ x: Double) {
    let t = sum + x
    compensation += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
    sum = t
  }

  var value: Double { sum + compensation }

  static func of<S: Sequence>(_ terms: S) -> Double where S.Element == Double {
    var s = CompensatedSum()
    for x in terms { s.add(x) }
    return s.value
  }
}

extension Solver {
  /// Every state's x, m and t (the columns of `Backward`), component by component in reverse topological order:
  /// bottom states directly; a single transient state exactly from its successors (a self-loop
  /// divided out); a cyclic component by sound value iteration (`soundIteration`), which gives
  /// a lower and an upper bound of every value. Below a cyclic component the two bounds are
  /// carried separately; everywhere else they are one number.
  mutating func backward() throws(MarkovError) -> Intervals {
    let n = chain.stateCount, w = Backward.width
    let sound = stats.cyclicComponents > 0
    var lower = [Double](repeating: 0, count: n * w)
    var upper = sound ? lower : []
    for c in 0..<components.count {
      if c & 4095 == 0 { try cancellation.check() }
      let states = components.states(c)
      if let outcome = components.outcome[c] {
        for s in states {
          lower[Int(s) * w + outcome.rawValue] = 1
          if sound { upper[Int(s) * w + outcome.rawValue] = 1 }
        }
        continue
      }
      let set = reach[c]
      if states.count == 1 {
        let s = Int(states.first!)
        if set.nonzeroBitCount == 1 { decidedStates += 1 }
        solveState(s, classes: set, into: &lower)
        if !sound { continue }
        if exactBelow[c] {
          for j in 0..<w { upper[s * w + j] = lower[s * w + j] }
        } else {
          solveState(s, classes: set, into: &upper)
        }
        continue
      }
      if set.nonzeroBitCount == 1 { decidedStates += states.count }
      try solveCyclic(Array(states), classes: set, lower: &lower, upper: &upper)
    }
    return Intervals(width: w, lower: lower, upperOnly: upper)
  }

  /// The x, m and t of one transient state from its successors' values in `y` (a self-loop is
  /// divided out): x_j(s) = Σ R(s,t) x_j(t) / L, m_j(s) = (E x_j(s) + Σ R(s,t) m_j(t)) / L and
  /// t_j(s) = (x_j(s) + Σ R(s,t) t_j(t)) / L, with R the rates, E the exit rate, L the rate of
  /// leaving s (self-loop not counted), sums over t ≠ s. Only the classes in `classes`: the
  /// others are 0 in every successor too.
  @inline(__always)
  mutating func solveState(_ s: Int, classes: UInt8, into y: inout [Double]) {
    let w = Backward.width, k = Backward.classes, base = s * w
    let exit = chain.exitRates[s]
    if classes.nonzeroBitCount == 1 {
      // The common case after graph search: x_j = 1, and only m_j and t_j to sum.
      let j = classes.trailingZeroBitCount
      var leave = 0.0, m = 0.0, t = 0.0
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
        let u = Int(chain.columns[e])
        if u == s { continue }
        let r = chain.rates[e]
        leave += r
        m += r * y[u * w + k + j]
        t += r * y[u * w + 2 * k + j]
      }
      y[base + j] = 1
      y[base + k + j] = (exit + m) / leave
      y[base + 2 * k + j] = (1 + t) / leave
      return
    }
    for j in 0..<w { scratch[j] = 0 }
    var leave = 0.0
    for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
      let t = Int(chain.columns[e])
      if t == s { continue }
      let r = chain.rates[e]
      leave += r
      var bits = classes
      while bits != 0 {
        let j = bits.trailingZeroBitCount
        bits &= bits - 1
        scratch[j] += r * y[t * w + j]
        scratch[k + j] += r * y[t * w + k + j]
        scratch[2 * k + j] += r * y[t * w + 2 * k + j]
      }
    }
    var bits = classes
    while bits != 0 {
      let j = bits.trailingZeroBitCount
      bits &= bits - 1
      let x = scratch[j] / leave
      y[base + j] = x
      y[base + k + j] = (exit * x + scratch[k + j]) / leave
      y[base + 2 * k + j] = (x + scratch[2 * k + j]) / leave
    }
  }

  /// A cyclic transient component: first the probabilities x_j (unless one class is certain),
  /// then m_j and t_j, whose rewards per step are the bounds of x_j just found. Each is a system
  /// y = c + P y over the component (P the embedded DTMC's probabilities inside it, c the
  /// reward plus what leaves it, from final values), solved with `soundIteration`.
  mutating func solveCyclic(_ states: [UInt32], classes: UInt8, lower: inout [Double], upper: inout [Double])
    throws(MarkovError)
  {
    let w = Backward.width, k = Backward.classes, size = states.count
    let system = localSystem(states)
    let present = (0..<k).filter { classes & (1 << UInt8($0)) != 0 }
    /// c = reward + Σ over the moves that leave the component of P(s, t) y(t), per column.
    func constants(_ columns: [Int], reward: (Int, Int) -> Double, _ y: [Double]) -> [Double] {
      var c = [Double](repeating: 0, count: size * columns.count)
      for (i, s32) in states.enumerated() {
        let s = Int(s32)
        for (q, column) in columns.enumerated() {
          var sum = CompensatedSum()
          sum.add(reward(s, column))
          for e in chain.rowStart[s]..<chain.rowStart[s + 1] where components.componentOf[Int(chain.columns[e])] != components.componentOf[s] {
            sum.add(chain.probability(e, from: s) * y[Int(chain.columns[e]) * w + column])
          }
          c[i * columns.count + q] = sum.value
        }
      }
      return c
    }
    if present.count == 1 {
      for s in states {
        lower[Int(s) * w + present[0]] = 1
        upper[Int(s) * w + present[0]] = 1
      }
    } else {
      let (lo, hi) = try soundIteration(system, columns: present.count,
                                        lower: constants(present, reward: { _, _ in 0 }, lower),
                                        upper: constants(present, reward: { _, _ in 0 }, upper))
      for (i, s) in states.enumerated() {
        for (q, j) in present.enumerated() {
          lower[Int(s) * w + j] = lo[i * present.count + q]
          upper[Int(s) * w + j] = hi[i * present.count + q]
        }
      }
    }
    // m_j gets x_j per step; t_j gets x_j / E per step.
    let columns = present.map { k + $0 } + present.map { 2 * k + $0 }
    let exitRates = chain.exitRates
    func reward(_ y: [Double]) -> (Int, Int) -> Double {
      { s, column in
        column < 2 * k ? y[s * w + column - k] : y[s * w + column - 2 * k] / exitRates[s]
      }
    }
    let (lo, hi) = try soundIteration(system, columns: columns.count,
                                      lower: constants(columns, reward: reward(lower), lower),
                                      upper: constants(columns, reward: reward(upper), upper))
    for (i, s) in states.enumerated() {
      for (q, column) in columns.enumerated() {
        lower[Int(s) * w + column] = lo[i * columns.count + q]
        upper[Int(s) * w + column] = hi[i * columns.count + q]
      }
    }
  }

  /// The rows of cyclic component `states` restricted to it: the embedded DTMC's
  /// probabilities of the moves that stay inside, with targets in local numbers (the order of
  /// `states`).
  mutating func localSystem(_ states: [UInt32]) -> LocalSystem {
    for (i, s) in states.enumerated() { local[Int(s)] = Int32(i) }
    var rowStart = [0], targets: [Int32] = [], probabilities: [Double] = []
    for s32 in states {
      let s = Int(s32)
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] where components.componentOf[Int(chain.columns[e])] == components.componentOf[s] {
        targets.append(local[Int(chain.columns[e])])
        probabilities.append(chain.probability(e, from: s))
      }
      rowStart.append(targets.count)
    }
    return LocalSystem(rowStart: rowStart, targets: targets, probabilities: probabilities)
  }

  /// The probabilities of a component's moves that stay in it, in local state numbers.
  struct LocalSystem {
    var rowStart: [Int]
    var targets: [Int32]
    var probabilities: [Double]
  }

  /// Sound value iteration (Quatmann and Katoen, "Sound Value Iteration", CAV 2018) for
  /// y = c + P y on a transient component, several columns at once: the lower system with
  /// `lower` constants, the upper one with `upper`. After k sweeps, a_k = Σ_{i<k} P^i c is what
  /// the first k steps collect and s_k = P^k 1 the probability of still being inside, so
  /// y = a_k + P^k y lies between a_k + s_k · min_t y(t) and a_k + s_k · max_t y(t); and once
  /// every s_k(t) < 1, min_t y(t) ≥ min_t a_k(t) / (1 − s_k(t)) and max_t y(t) ≤ max_t
  /// a_k(t) / (1 − s_k(t)). The best bounds so far are kept; the iteration stops when every
  /// interval is within the precision (relative to its lower end), or at the sweep limit with
  /// the bounds it has (then `converged` is false). Returns lower and upper bounds per state
  /// and column.
  mutating func soundIteration(_ p: LocalSystem, columns q: Int, lower cLo: [Double], upper cHi: [Double])
    throws(MarkovError) -> (lower: [Double], upper: [Double])
  {
    let size = p.rowStart.count - 1
    var aLo = [Double](repeating: 0, count: size * q), aHi = aLo
    var nextLo = aLo, nextHi = aLo
    var stay = [Double](repeating: 1, count: size), nextStay = stay
    var bestLo = [Double](repeating: 0, count: size * q)
    var bestHi = [Double](repeating: .infinity, count: size * q)
    var sweeps = 0
    var done = false
    while !done && sweeps < stats.maxIterations {
      try cancellation.check()
      for i in 0..<size {
        var st = 0.0
        for j in 0..<q {
          nextLo[i * q + j] = cLo[i * q + j]
          nextHi[i * q + j] = cHi[i * q + j]
        }
        for e in p.rowStart[i]..<p.rowStart[i + 1] {
          let t = Int(p.targets[e]), pr = p.probabilities[e]
          st += pr * stay[t]
          for j in 0..<q {
            nextLo[i * q + j] += pr * aLo[t * q + j]
            nextHi[i * q + j] += pr * aHi[t * q + j]
          }
        }
        nextStay[i] = st
      }
      swap(&aLo, &nextLo)
      swap(&aHi, &nextHi)
      swap(&stay, &nextStay)
      sweeps += 1
      guard stay.allSatisfy({ $0 < 1 }) else { continue }
      done = true
      for j in 0..<q {
        var least = Double.infinity, most = 0.0
        for i in 0..<size {
          least = min(least, aLo[i * q + j] / (1 - stay[i]))
          most = max(most, aHi[i * q + j] / (1 - stay[i]))
        }
        for i in 0..<size {
          let x = i * q + j
          bestLo[x] = max(bestLo[x], aLo[x] + stay[i] * least)
          bestHi[x] = min(bestHi[x], aHi[x] + stay[i] * most)
          if bestHi[x] - bestLo[x] > 2 * stats.tolerance * bestLo[x] { done = false }
        }
      }
    }
    if !done { stats.converged = false }
    stats.iterations = max(stats.iterations, sweeps)
    return (bestLo, bestHi)
  }
}
