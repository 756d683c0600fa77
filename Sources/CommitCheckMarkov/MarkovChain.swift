import CommitCheckExplorer
import CommitCheckModel

/// How a run of the protocol ends: the kind of bottom strongly connected component the chain
/// is absorbed into. The five classes partition the bottom components, so their probabilities
/// sum to 1.
public enum Outcome: Int, CaseIterable, Sendable, Hashable {
  case commit, abort, blocked, livelock, violation

  /// The name used in reports, labels and JSON keys.
  public var name: String {
    switch self {
    case .commit: "commit"
    case .abort: "abort"
    case .blocked: "blocked"
    case .livelock: "livelock"
    case .violation: "violation"
    }
  }
}

/// What a single state says about the transaction, before looking at where the chain goes.
enum StateVerdict: UInt8 {
  /// Some live (not crashed) process has not decided.
  case undecided
  /// Every live process has decided, and some process (crashed ones included) holds commit.
  case commit
  /// Every live process has decided, and no process holds commit.
  case abort
  /// Two processes, crashed ones included, hold conflicting decisions.
  case violation
}

/// A continuous-time Markov chain over an explored state graph, in compressed sparse rows.
///
/// States are the explored states, with the explorer's ids. Every move of the model is a
/// transition at its rate, failures included; moves between the same two states are merged
/// (their rates add). A state with no move at all is absorbing. A state that violates
/// atomicity is made absorbing too (its moves are cut): the run has failed there, so the
/// probability of `violation` is the probability of ever violating atomicity. A state that
/// `check` calls blocked (no protocol move, a live process undecided, and under fair recovery no
/// crashed process that may still recover) is absorbing as well: failures are never forced, and
/// recoveries only under fair recovery, so `blocked` means what it means in `check`. The embedded jump
/// chain (the DTMC) takes each transition with probability rate / exit rate.
public struct MarkovChain: Sendable {
  public let stateCount: Int
  /// The initial states (ids `0..<initialCount`); `MarkovAnalysis` weighs them by the rates of
  /// their `start` branches.
  public let initialCount: Int
  /// Transitions of state `s` are `rowStart[s]..<rowStart[s + 1]`, sorted by target.
  public let rowStart: [Int]
  public let columns: [UInt32]
  public let rates: [Double]
  /// Per state: the sum of its transitions' rates (self-loops included); 0 when absorbing.
  public let exitRates: [Double]
  /// The number of states whose moves were cut because atomicity is violated there.
  public let cutStates: Int
  /// The number of moves of the explored graph (before merging and cutting).
  public let moveCount: Int
  let verdicts: [StateVerdict]
  /// Per state and process (`s * processCount + p`): the control state, plus `crashedBit`
  /// when the process has crashed.
  let control: [UInt16]
  let processCount: Int
  static let crashedBit: UInt16 = 0x8000

  public var transitionCount: Int { columns.count }

  /// The embedded DTMC's probability of transition `e`, which leaves state `s`.
  public func probability(_ e: Int, from s: Int) -> Double { rates[e] / exitRates[s] }

  /// Builds the chain from a complete exploration that kept its edges.
  public init(exploration ex: Exploration, rates table: RateTable) throws(MarkovError) {
    if let reason = ex.stopReason {
      throw .incompleteExploration(
        reason == .maxStates
          ? "exploration stopped at the state limit (--max-states)" : "exploration stopped at a model error")
    }
    guard ex.keptEdges || ex.stateCount == 0 else { throw .missingEdges }
    let system = ex.system
    let generator = SuccessorGenerator(system)
    let n = ex.stateCount
    let processes = system.processes.count
    stateCount = n
    initialCount = ex.initialCount
    processCount = processes
    var rowStart = [Int]()
    rowStart.reserveCapacity(n + 1)
    var columns = [UInt32]()
    var rates = [Double]()
    columns.reserveCapacity(ex.edgeTargets.count)
    rates.reserveCapacity(ex.edgeTargets.count)
    var exitRates = [Double](repeating: 0, count: n)
    var verdicts = [StateVerdict](repeating: .undecided, count: n)
    var control = [UInt16](repeating: 0, count: n * processes)
    var row: [(target: UInt32, rate: Double)] = []
    var cut = 0
    var moves = 0
    for s in 0..<n {
      let slots = ex.state(UInt32(s))
      var commitHeld = false
      for p in 0..<processes {
        let crashed = system.isCrashed(slots, process: p)
        if generator.decisionCode(slots, process: p) & 1 != 0 { commitHeld = true }
        control[s * processes + p] = UInt16(system.controlState(slots, process: p)) | (crashed ? MarkovChain.crashedBit : 0)
      }
      let facts = generator.decisionFacts(slots)
      let verdict: StateVerdict =
        !facts.atomic ? .violation : facts.liveUndecided ? .undecided : commitHeld ? .commit : .abort
      verdicts[s] = verdict
      rowStart.append(columns.count)
      let edges = ex.edges(of: UInt32(s))
      moves += edges.count
      if verdict == .violation {
        if !edges.isEmpty { cut += 1 }
        continue
      }
      if verdict == .undecided && !ex.hasProtocolMove[s] && !(system.fairRecovery && facts.recoveryPending) {
        continue
      }
      row.removeAll(keepingCapacity: true)
      for e in edges { row.append((ex.edgeTargets[e], table.rate(of: ex.edgeActions[e]))) }
      row.sort { $0.target < $1.target }
      var total = 0.0
      var k = 0
      while k < row.count {
        let target = row[k].target
        var rate = 0.0
        while k < row.count && row[k].target == target {
          rate += row[k].rate
          k += 1
        }
        columns.append(target)
        rates.append(rate)
        total += rate
      }
      exitRates[s] = total
    }
    rowStart.append(columns.count)
    self.rowStart = rowStart
    self.columns = columns
    self.rates = rates
    self.exitRates = exitRates
    self.verdicts = verdicts
    self.control = control
    cutStates = cut
    moveCount = moves
  }

  /// Whether state `s` has no transition at all.
  public func isAbsorbing(_ s: Int) -> Bool { rowStart[s] == rowStart[s + 1] }

  /// The probability of the self-loop of `s` in the embedded DTMC (0 when it has none).
  func selfLoopProbability(_ s: Int) -> Double {
    var p = 0.0
    for e in rowStart[s]..<rowStart[s + 1] where Int(columns[e]) == s { p += rates[e] }
    return exitRates[s] > 0 ? p / exitRates[s] : 0
  }
}
