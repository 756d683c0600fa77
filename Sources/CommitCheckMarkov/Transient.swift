import CommitCheckExplorer
import Foundation

/// A distribution over the chain's states, summed up the way the report prints it: by outcome
/// class, and per process by control state.
public struct DistributionSummary: Sendable {
  /// Probability (or fraction of time) in transient states: the transaction still running.
  public var running: Double
  /// Per outcome class (indexed by `Outcome.rawValue`): in states of bottom components of
  /// that class.
  public var outcomes: [Double]
  /// Per process: per control state of its role.
  public var controlStates: [[Double]]
  /// Per process: crashed.
  public var crashed: [Double]
}

extension MarkovAnalysis {
  /// Sums a distribution over states by class and by process control state.
  func summarize(_ distribution: [Double]) -> DistributionSummary {
    let system = exploration.system
    var summary = DistributionSummary(
      running: 0, outcomes: Array(repeating: 0, count: Outcome.allCases.count),
      controlStates: system.processes.map { Array(repeating: 0, count: system.roles[$0.role].states.count) },
      crashed: Array(repeating: 0, count: system.processes.count))
    let processes = system.processes.count
    // Compensated sums (Neumaier) per figure: a figure can gather millions of states.
    var running = CompensatedSum()
    var outcomes = [CompensatedSum](repeating: CompensatedSum(), count: Outcome.allCases.count)
    var controlStates = summary.controlStates.map { [CompensatedSum](repeating: CompensatedSum(), count: $0.count) }
    var crashed = [CompensatedSum](repeating: CompensatedSum(), count: processes)
    // The chain keeps no control states (its rows need none): each state is read here.
    for s in 0..<chain.stateCount where distribution[s] != 0 {
      let p = distribution[s]
      let slots = exploration.state(UInt32(s))
      if let outcome = components.outcome(ofState: s) {
        outcomes[outcome.rawValue].add(p)
      } else {
        running.add(p)
      }
      for q in 0..<processes {
        controlStates[q][system.controlState(slots, process: q)].add(p)
        if system.isCrashed(slots, process: q) { crashed[q].add(p) }
      }
    }
    summary.running = running.value
    summary.outcomes = outcomes.map(\.value)
    summary.controlStates = controlStates.map { $0.map(\.value) }
    summary.crashed = crashed.map(\.value)
    if exploration.symmetry != nil {
      // States stand for orbits, so instance k of a symmetric role is whichever instance sorts
      // k-th. Every instance has the same marginal (the initial state is symmetric): their mean.
      for role in system.roles where role.symmetric && role.count > 1 {
        let members = role.firstProcess..<(role.firstProcess + role.count)
        let n = Double(role.count)
        let states = members.reduce(Array(repeating: 0.0, count: role.states.count)) { acc, q in
          zip(acc, summary.controlStates[q]).map { $0 + $1 }
        }.map { $0 / n }
        let crashed = members.reduce(0.0) { $0 + summary.crashed[$1] } / n
        for q in members {
          summary.controlStates[q] = states
          summary.crashed[q] = crashed
        }
      }
    }
    return summary
  }

  /// The distribution of the embedded DTMC after `steps` steps (absorbing states keep their
  /// mass).
  func distribution(afterSteps steps: Int, cancellation: Cancellation) throws(MarkovError) -> [Double] {
    var current = initialDistribution
    var next = [Double](repeating: 0, count: chain.stateCount)
    for _ in 0..<steps {
      try cancellation.check()
      for i in next.indices { next[i] = 0 }
      for s in 0..<chain.stateCount where current[s] != 0 {
        let row = chain.rowStart[s]..<chain.rowStart[s + 1]
        if row.isEmpty {
          next[s] += current[s]
          continue
        }
        let scale = current[s] / chain.exitRates[s]
        for e in row { next[Int(chain.columns[e])] += scale * chain.rates[e] }
      }
      swap(&current, &next)
    }
    return current
  }

  /// The distribution of the CTMC at time `time`, by uniformization: with q the largest exit
  /// rate, π(T) = Σ_k Poisson(k; qT) π0 P^k where P = I + Q / q. The Poisson weights are
  /// computed from the mode outwards (as in Fox and Glynn) and cut where they fall below
  /// 1e-30 of the mode, then normalized. Returns the distribution, the number of steps, and a
  /// bound on the error of any sum of its entries: twice the Poisson mass left out, bounded by
  /// the geometric series that majorize the two tails. Each entry's sum over the steps is
  /// compensated (Neumaier).
  func distribution(atTime time: Double, maxSteps: Int, cancellation: Cancellation) throws(MarkovError)
    -> (distribution: [Double], steps: Int, errorBound: Double)
  {
    var q = 0.0
    for s in 0..<chain.stateCount { q = max(q, chain.exitRates[s] - selfLoopRate(s)) }
    if q == 0 || time == 0 { return (initialDistribution, 0, 0) }
    let lambda = q * time
    guard lambda < Double(maxSteps) else { throw tooLong(time, lambda, maxSteps) }
    let mode = Int(lambda.rounded(.down))
    // Weights relative to the mode, left and right until negligible.
    var left = mode
    var leftWeights: [Double] = []
    var w = 1.0
    while left > 0 {
      w *= Double(left) / lambda
      if w < 1e-30 { break }
      leftWeights.append(w)
      left -= 1
    }
    var weights: [Double] = Array(leftWeights.reversed()) + [1.0]
    var right = mode
    while true {
      let w = weights[weights.count - 1] * lambda / Double(right + 1)
      if w < 1e-30 { break }
      weights.append(w)
      right += 1
      if right > maxSteps { throw tooLong(time, lambda, maxSteps) }
    }
    let total = CompensatedSum.of(weights)
    // The tails beyond the cut, relative to the mode: below `left` each weight is at most
    // left / lambda times the next one up, above `right` at most lambda / (right + 2) times the
    // one before; the mode's own probability is at most 1.
    let below = left > 0 && Double(left) >= lambda ? .infinity : left > 0 ? weights[0] * (Double(left) / lambda) / (1 - Double(left) / lambda) : 0
    let above = weights[weights.count - 1] * (lambda / Double(right + 1)) / (1 - lambda / Double(right + 2))
    let modeProbability = min(1, exp(-lambda + Double(mode) * log(lambda) - lgamma(Double(mode) + 1)))
    let bound = 2 * (below + above) * modeProbability
    var current = initialDistribution
    var next = [Double](repeating: 0, count: chain.stateCount)
    var result = [Double](repeating: 0, count: chain.stateCount)
    var compensation = [Double](repeating: 0, count: chain.stateCount)
    for k in 0...right {
      try cancellation.check()
      if k >= left {
        let w = weights[k - left] / total
        for s in 0..<chain.stateCount where current[s] != 0 {
          let x = w * current[s], sum = result[s] + x
          compensation[s] += abs(result[s]) >= abs(x) ? (result[s] - sum) + x : (x - sum) + result[s]
          result[s] = sum
        }
      }
      if k == right { break }
      for i in next.indices { next[i] = 0 }
      for s in 0..<chain.stateCount where current[s] != 0 {
        var stay = current[s]
        for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
          let t = Int(chain.columns[e])
          if t == s { continue }
          let moved = current[s] * chain.rates[e] / q
          next[t] += moved
          stay -= moved
        }
        next[s] += stay
      }
      swap(&current, &next)
    }
    for s in 0..<chain.stateCount { result[s] += compensation[s] }
    return (result, right, bound)
  }

  func tooLong(_ time: Double, _ lambda: Double, _ maxSteps: Int) -> MarkovError {
    .invalidOption(
      "--time \(time) needs more than \(maxSteps) uniformization steps (largest exit rate × time = \(lambda)); use a shorter time")
  }

  func selfLoopRate(_ s: Int) -> Double {
    var r = 0.0
    for e in chain.rowStart[s]..<chain.rowStart[s + 1] where Int(chain.columns[e]) == s { r += chain.rates[e] }
    return r
  }
}
