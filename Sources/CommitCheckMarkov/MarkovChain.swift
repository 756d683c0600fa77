import CommitCheckExplorer
import CommitCheckModel
import Foundation

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
  /// Not read from the state yet: the chain reads a state's verdict only where it decides the
  /// state's row (see `MarkovChain.init`); `Components` reads those of the bottom components
  /// (`VerdictReader`).
  case unknown
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
  /// Per state: its verdict where the row needed it, otherwise `unknown` (see `VerdictReader`).
  let verdicts: [StateVerdict]

  public var transitionCount: Int { columns.count }

  /// The embedded DTMC's probability of transition `e`, which leaves state `s`.
  public func probability(_ e: Int, from s: Int) -> Double { rates[e] / exitRates[s] }

  /// Builds the chain from a complete exploration that kept its edges, `threads` ranges of
  /// states at once (each range's rows are independent of the others'; the result is the same
  /// for any number of threads).
  ///
  /// Reading a state (unpacking it) costs more than building its row, so a state is read only
  /// where its verdict decides the row: every state when the exploration found an atomicity
  /// violation (those states' moves are cut), otherwise only the states without a protocol
  /// move (which may be blocked). The verdicts of the other states are read later, for the
  /// bottom components only (`VerdictReader`).
  public init(exploration ex: Exploration, rates table: RateTable, threads: Int = 1) throws(MarkovError) {
    try self.init(exploration: ex, rates: table, threads: threads, minimumPart: 1 << 16)
  }

  /// The same, with ranges of at least `minimumPart` states (below that a thread costs more
  /// than it saves; the tests split small chains).
  init(exploration ex: Exploration, rates table: RateTable, threads: Int, minimumPart: Int) throws(MarkovError) {
    if let reason = ex.stopReason {
      throw .incompleteExploration(
        reason == .maxStates
          ? "exploration stopped at the state limit (--max-states)" : "exploration stopped at a model error")
    }
    guard ex.keptEdges || ex.stateCount == 0 else { throw .missingEdges }
    let n = ex.stateCount
    stateCount = n
    initialCount = ex.initialCount
    // The explorer checks atomicity on every state; with no violation found, no row is cut
    // for one.
    let violations = ex.firstViolation.isEmpty || ex.firstViolation[0] != nil
    let parts = max(1, min(threads, n / max(1, minimumPart)))
    let results = PartResults(count: parts)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let range = (n * part / parts)..<(n * (part + 1) / parts)
      // The first part reserves room for every state and move.
      let room = part == 0 ? 0..<n : range
      results.store(ChainPart(ex, table, range, readEvery: violations, room: room), at: part)
    }
    // The first part has room for the whole chain: the others are appended to it in place.
    var built = results.take()
    let counts = (built.reduce(0) { $0 + $1.cut }, built.reduce(0) { $0 + $1.moves })
    var chain = built.removeFirst()
    for part in built {
      let offset = chain.columns.count
      chain.rowStart.removeLast()
      chain.rowStart.append(contentsOf: part.rowStart.lazy.map { $0 + offset })
      chain.columns.append(contentsOf: part.columns)
      chain.rates.append(contentsOf: part.rates)
      chain.exitRates.append(contentsOf: part.exitRates)
      chain.verdicts.append(contentsOf: part.verdicts)
    }
    rowStart = chain.rowStart
    columns = chain.columns
    rates = chain.rates
    exitRates = chain.exitRates
    verdicts = chain.verdicts
    (cutStates, moveCount) = counts
  }

  /// The verdict of a state given by its slots, and whether a crashed process may still recover.
  static func verdict(_ slots: [Int], _ system: TransitionSystem, _ generator: SuccessorGenerator)
    -> (verdict: StateVerdict, recoveryPending: Bool)
  {
    var commitHeld = false
    for p in 0..<system.processes.count where generator.decisionCode(slots, process: p) & 1 != 0 { commitHeld = true }
    let facts = generator.decisionFacts(slots)
    let verdict: StateVerdict =
      !facts.atomic ? .violation : facts.liveUndecided ? .undecided : commitHeld ? .commit : .abort
    return (verdict, facts.recoveryPending)
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

/// The rows of one range of states, built apart from the other ranges (`MarkovChain.init`).
struct ChainPart: Sendable {
  /// Row starts relative to this part's first transition; one more than the states.
  var rowStart: [Int] = [0]
  var columns: [UInt32] = []
  var rates: [Double] = []
  var exitRates: [Double] = []
  var verdicts: [StateVerdict] = []
  var cut = 0
  var moves = 0

  /// The rows of `range`, reading every state's verdict when `readEvery`, otherwise only
  /// those of the states without a protocol move (`MarkovChain.init`), with room reserved for
  /// the states and moves of `room`.
  init(_ ex: Exploration, _ table: RateTable, _ range: Range<Int>, readEvery: Bool, room: Range<Int>) {
    let system = ex.system
    let generator = SuccessorGenerator(system)
    let (edgeStart, edgeTargets, edgeActions, hasProtocolMove) = (ex.edgeStart, ex.edgeTargets, ex.edgeActions, ex.hasProtocolMove)
    let edgeCount = room.isEmpty ? 0 : ex.edgeStart[room.upperBound] - ex.edgeStart[room.lowerBound]
    rowStart.reserveCapacity(room.count + 1)
    columns.reserveCapacity(edgeCount)
    rates.reserveCapacity(edgeCount)
    exitRates.reserveCapacity(room.count)
    verdicts.reserveCapacity(room.count)
    // One row, sorted by target by insertion (rows are short).
    var targets: [UInt32] = [], rowRates: [Double] = []
    for s in range {
      let edges = edgeStart[s]..<edgeStart[s + 1]
      moves += edges.count
      var keep = true
      if readEvery || !hasProtocolMove[s] {
        let (verdict, recoveryPending) = MarkovChain.verdict(ex.state(UInt32(s)), system, generator)
        verdicts.append(verdict)
        if verdict == .violation {
          if !edges.isEmpty { cut += 1 }
          keep = false
        } else if verdict == .undecided && !hasProtocolMove[s] && !(system.fairRecovery && recoveryPending) {
          keep = false
        }
      } else {
        verdicts.append(.unknown)
      }
      var total = 0.0
      if keep {
        targets.removeAll(keepingCapacity: true)
        rowRates.removeAll(keepingCapacity: true)
        for e in edges {
          let target = edgeTargets[e], rate = table.rate(of: edgeActions[e])
          var i = targets.count
          targets.append(target)
          rowRates.append(rate)
          while i > 0 && targets[i - 1] > target {
            targets[i] = targets[i - 1]
            rowRates[i] = rowRates[i - 1]
            i -= 1
          }
          targets[i] = target
          rowRates[i] = rate
        }
        // Moves between the same two states are one transition: their rates add.
        var k = 0
        while k < targets.count {
          let target = targets[k]
          var rate = 0.0
          while k < targets.count && targets[k] == target {
            rate += rowRates[k]
            k += 1
          }
          columns.append(target)
          rates.append(rate)
          total += rate
        }
      }
      exitRates.append(total)
      rowStart.append(columns.count)
    }
  }
}

/// Every state's verdict: the chain's where its row needed it, otherwise read from the
/// exploration. A class, so that a closure over it holds one reference (a closure over the
/// exploration itself would copy its many arrays wherever it is passed).
final class VerdictReader {
  let chain: MarkovChain
  let exploration: Exploration
  let generator: SuccessorGenerator

  init(_ chain: MarkovChain, _ exploration: Exploration) {
    self.chain = chain
    self.exploration = exploration
    generator = SuccessorGenerator(exploration.system)
  }

  func verdict(of s: Int) -> StateVerdict {
    let known = chain.verdicts[s]
    return known != .unknown ? known
      : MarkovChain.verdict(exploration.state(UInt32(s)), exploration.system, generator).verdict
  }
}

/// The parts of a chain built on several threads, each stored by its own thread.
final class PartResults: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var parts: [ChainPart?]

  init(count: Int) { parts = Array(repeating: nil, count: count) }

  func store(_ part: ChainPart, at index: Int) {
    lock.lock()
    parts[index] = part
    lock.unlock()
  }

  /// The parts, left with no other reference (so the first grows in place).
  func take() -> [ChainPart] {
    let taken = parts.map { $0! }
    parts = []
    return taken
  }
}
