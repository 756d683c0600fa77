import CommitCheckExplorer
import CommitCheckLanguage
import CommitCheckModel
import Foundation

/// What one process of a distributed check returns: rank 0 holds the report; every rank holds
/// its outcome (the same on all), so that each exits with the same code.
public struct DistributedCheck: Sendable {
  public var rank: Int
  public var report: CheckReport?
  public var outcome: CheckOutcome
  /// The job's figures, the same on every rank: bytes sent between processes in all, and the
  /// bytes the largest partition held.
  public var bytesSent: Int
  public var largestPartitionBytes: Int
}

/// Checks every property with the state space spread over the job's processes (see
/// `DistributedSearch` and `DistributedCycles`). The report is the one a single process makes,
/// except `bytes/state`, which is what the partition store takes per state by its layout (the
/// same for any number of processes). `eventually` properties are decided after termination
/// (`DistributedEventually`). Symmetry reduction and hash compaction are refused before this is
/// called (`refusal(of:)`).
public func checkDistributed(_ system: TransitionSystem, file: String, source: String, warnings: [Diagnostic],
                             world: DistributedWorld, options: ExplorerOptions,
                             progress: (ExplorationProgress) -> Void = { _ in }) -> DistributedCheck {
  var search = DistributedSearch(world: world, system: system, options: options)
  search.explore(progress: progress)
  let p = system.properties.count
  let sums = world.sum([UInt64(search.transitions), search.hasBackEdge ? 1 : 0, UInt64(world.bytesSent)])
  let largest = Int(world.maximum([UInt64(search.store.bytes)])[0])
  let transitions = Int(sums[0])
  let hasBackEdge = sums[1] > 0
  // The named states: each one's smallest global id over the ranks, then where it lives.
  var local = search.firstViolation + [search.firstBlocked, search.firstStuck, search.firstError]
  if search.stopReason == .maxStates, let cut = search.cut {
    // The states from the cut on were expanded here but not by a single process.
    local = local.map { first in first.flatMap { $0.global < cut ? $0 : nil } }
  }
  let firsts = world.minimum(local.map { $0?.global ?? UInt64.max })
  let places = world.maximum(zip(local, firsts).map { mine, first in
    mine.map { $0.global == first ? (UInt64(world.rank) << 32 | UInt64($0.local)) + 1 : 0 } ?? 0
  }).map { $0 == 0 ? nil : $0 - 1 }
  let blocked = p + 1, stuck = p + 2, failed = p + 3
  var termination: TerminationFinding = .fromFirstPass
  // A single process with an `eventually` property keeps the edges from the start, and then
  // decides termination by the components even where its first pass would have settled it (a
  // one-state livelock found on the fly, or no move back).
  let edgesKept = system.properties.contains { $0.kind == .eventually }
  if search.stopReason == nil, places[blocked] == nil, edgesKept || (places[stuck] == nil && hasBackEdge) {
    termination = decideCycles(&search, limit: options.maxMemory / 4)
  }
  var eventually: [Int: DistributedSearch.EventuallyFinding] = [:]
  if search.stopReason == nil {
    for i in system.properties.indices where system.properties[i].kind == .eventually {
      let finding = search.decideEventually(i, limit: options.maxMemory / 4)
      if case .stopped = finding { break }
      eventually[i] = finding
    }
  }
  // The paths to every named state, and to the livelock's cycle, from their owners.
  var paths: [[PathStep]] = []
  for place in places.compactMap({ $0 }) { paths.append(path(from: place, search)) }
  if case .core(_, let start?) = termination { paths.append(path(from: start, search)) }

  let total = search.totalStates
  let bytesPerState = Double(search.w * 8 + 8 + 8 + 4 + 1 + 8)
  var result = DistributedCheck(rank: world.rank, report: nil, outcome: .allHold, bytesSent: Int(sums[2]),
                                largestPartitionBytes: largest)
  var code: UInt64 = 0
  if world.rank == 0 {
    var report = witnessReport(system, paths: paths, firsts: firsts, termination: termination,
                               eventually: eventually, hasBackEdge: hasBackEdge, stopReason: search.stopReason, failed: failed,
                               file: file, source: source, warnings: warnings)
    report.states = total
    report.transitions = transitions
    report.depth = search.depth
    report.seconds = Date().timeIntervalSince(search.started)
    report.bytesPerState = bytesPerState
    code = outcomeCode(report.outcome)
    result.report = report
  }
  result.outcome = outcome(world.broadcast([code], count: 1, root: 0)[0])
  return result
}

/// What the cycle analysis established.
enum TerminationFinding {
  /// No analysis beyond the first pass was needed (or it found no cycle: then `hasBackEdge`
  /// is cleared).
  case fromFirstPass
  case acyclic
  /// The gathered residual (on rank 0) and the location of the state a livelock's cycle starts
  /// at, if rank 0 found one.
  case core([DistributedSearch.CoreState], start: UInt64?)
  case unknown(String)
  case stopped
}

private func decideCycles(_ search: inout DistributedSearch, limit: Int) -> TerminationFinding {
  var marks = search.takeTerminationMarks()
  guard search.peel(&marks) else { return .stopped }
  let (count, lone) = search.residual(marks)
  if count == 0 && lone == UInt64.max { return .acyclic }
  guard let core = search.gatherCore(marks, loneLoop: lone, limit: limit) else {
    return .unknown("the state graph has cycles, and the \(count) states left after peeling (with their moves) would take more than a quarter of --max-memory on one process")
  }
  // Rank 0 finds where the livelock's cycle starts; every rank learns it.
  var start = UInt64.max
  if search.world.rank == 0 {
    let parts = WitnessParts(core: core, paths: [])
    let witness = parts.exploration(search.system, firsts: nil)
    let result = witness.checkProperties()[1]
    if result.verdict == .violated, let first = result.trace?.steps.first {
      var words = [UInt64](repeating: 0, count: search.w)
      search.system.layout.pack(first.state, into: &words)
      start = core.first { $0.words == words }?.location ?? UInt64.max
    }
  }
  start = search.world.broadcast([start], count: 1, root: 0)[0]
  return .core(core, start: start == UInt64.max ? nil : start)
}

/// One state on a breadth-first path: its words and global id.
struct PathStep {
  var words: [UInt64]
  var global: UInt64
}

/// The path from an initial state to the state at `place` (`rank << 32 | local id`), walked
/// back one parent at a time (`parents`, by local id: the search's, or another search's over the
/// same states), each step broadcast by the rank that holds it. Collective.
func path(from place: UInt64, _ search: DistributedSearch, parents: [UInt64]? = nil) -> [PathStep] {
  let w = search.w
  var steps: [PathStep] = []
  var at = place
  while at != PartitionStore.noParent {
    let root = Int(at >> 32)
    var message: [UInt64] = []
    if search.world.rank == root {
      let id = Int(at & 0xFFFF_FFFF)
      message = Array(search.store.state(id)) + [search.store.global[id], (parents ?? search.store.parent)[id]]
    }
    message = search.world.broadcast(message, count: w + 2, root: root)
    steps.append(PathStep(words: Array(message[0..<w]), global: message[w]))
    at = message[w + 1]
  }
  return steps.reversed()
}

/// The states of a witness exploration: path states and a gathered core, in global-id order;
/// the core's moves become edges (targets outside it are added after, without edges).
struct WitnessParts {
  var states: [[UInt64]] = []
  var parents: [UInt32] = []
  var edges: [[(target: UInt32, action: Action)]]?
  var index: [UInt64: UInt32] = [:]

  init(core: [DistributedSearch.CoreState], paths: [[PathStep]]) {
    var byGlobal: [UInt64: [UInt64]] = [:]
    var parentOf: [UInt64: UInt64] = [:]
    for path in paths {
      for (k, step) in path.enumerated() {
        byGlobal[step.global] = step.words
        if k > 0 { parentOf[step.global] = path[k - 1].global }
      }
    }
    for s in core { byGlobal[s.global] = s.words }
    let order = byGlobal.keys.sorted()
    states = order.map { byGlobal[$0]! }
    var byWords: [[UInt64]: UInt32] = [:]
    for (k, g) in order.enumerated() {
      index[g] = UInt32(k)
      byWords[states[k]] = UInt32(k)
    }
    parents = order.map { g in parentOf[g].flatMap { index[$0] } ?? UInt32.max }
    guard !core.isEmpty else { return }
    var lists = [[(target: UInt32, action: Action)]](repeating: [], count: states.count)
    for s in core {
      var moves: [(target: UInt32, action: Action)] = []
      for move in s.moves {
        if let t = byWords[move.target] {
          moves.append((t, move.action))
          continue
        }
        let t = UInt32(states.count)
        states.append(move.target)
        parents.append(UInt32.max)
        lists.append([])
        byWords[move.target] = t
        moves.append((t, move.action))
      }
      lists[Int(index[s.global]!)] = moves
    }
    edges = lists
  }

  /// The witness, with the named states (`firsts`: atomicity, each property, blocked, stuck)
  /// and the rest of what a report reads; nil `firsts` names none.
  func exploration(_ system: TransitionSystem, firsts: [UInt32?]?, hasBackEdge: Bool = true,
                   stopReason: StopReason? = nil, runtimeError: (error: ModelRuntimeError, state: UInt32)? = nil)
    -> Exploration
  {
    let p = system.properties.count
    let named = firsts ?? Array(repeating: nil, count: p + 3)
    return Exploration.witness(of: system, states: states, parents: parents, edges: edges,
                               firstViolation: Array(named[0...p]), firstBlocked: named[p + 1],
                               firstStuck: named[p + 2], hasBackEdge: hasBackEdge, stopReason: stopReason,
                               runtimeError: runtimeError)
  }
}

/// The report rank 0 makes from the witness exploration.
private func witnessReport(_ system: TransitionSystem, paths: [[PathStep]], firsts: [UInt64],
                           termination: TerminationFinding, eventually: [Int: DistributedSearch.EventuallyFinding],
                           hasBackEdge: Bool, stopReason: StopReason?,
                           failed: Int, file: String, source: String, warnings: [Diagnostic]) -> CheckReport {
  var core: [DistributedSearch.CoreState] = []
  if case .core(let gathered, _) = termination { core = gathered }
  let parts = WitnessParts(core: core, paths: paths)
  let p = system.properties.count
  func named(_ k: Int) -> UInt32? { firsts[k] == UInt64.max ? nil : parts.index[firsts[k]] }
  var runtimeError: (error: ModelRuntimeError, state: UInt32)?
  var stop = stopReason
  if stop == .runtimeError {
    if let at = named(failed) {
      var slots = [Int](repeating: 0, count: system.layout.slotCount)
      system.layout.unpack(parts.states[Int(at)], into: &slots)
      runtimeError = modelError(system, slots).map { ($0, at) }
    } else if let error = initialError(system) {
      runtimeError = (error, UInt32.max)
    }
  }
  if case .stopped = termination, stop == nil { stop = .interrupted }
  var backEdge = hasBackEdge
  if case .acyclic = termination { backEdge = false }
  let ex = parts.exploration(system, firsts: (0...(p + 2)).map(named), hasBackEdge: backEdge, stopReason: stop,
                             runtimeError: runtimeError)
  var report = CheckReport(exploration: ex, file: file, source: source, warnings: warnings)
  report.countsOrbits = false
  for k in report.properties.indices {
    // The model's properties follow atomicity and termination; one not analysed (the run
    // stopped first) keeps the witness's verdict, unknown.
    if report.properties[k].category == .eventually, let finding = eventually[k - 2] {
      switch finding {
      case .holds:
        (report.properties[k].verdict, report.properties[k].kind) = (.holds, nil)
        (report.properties[k].trace, report.properties[k].notes) = (nil, [])
      case .violated(let path, let loopStart):
        report.properties[k] = eventuallyViolation(system, k - 2, along: path, loopStart: loopStart)
      case .unknown(let reason):
        (report.properties[k].verdict, report.properties[k].kind) = (.unknown, nil)
        (report.properties[k].trace, report.properties[k].notes) = (nil, [reason])
      case .stopped:
        break
      }
    }
    if report.properties[k].category == .termination, case .unknown(let reason) = termination {
      report.properties[k].notes = [reason]
    }
  }
  return report
}

/// `eventually` property `i` violated along the states of `path` (a livelock's cycle returns to
/// step `loopStart`), as a single process words it.
private func eventuallyViolation(_ system: TransitionSystem, _ i: Int, along path: [[UInt64]], loopStart: Int?)
  -> PropertyResult
{
  var states: [[UInt64]] = []
  var index: [[UInt64]: UInt32] = [:]
  let ids = path.map { words in
    if let k = index[words] { return k }
    index[words] = UInt32(states.count)
    states.append(words)
    return UInt32(states.count - 1)
  }
  let witness = Exploration.witness(
    of: system, states: states, parents: Array(repeating: UInt32.max, count: states.count), edges: nil,
    firstViolation: Array(repeating: nil, count: system.properties.count + 1), firstBlocked: nil, firstStuck: nil,
    hasBackEdge: false, stopReason: nil, runtimeError: nil)
  return witness.eventuallyViolation(i, along: ids, loopStart: loopStart)
}

/// The model error met on `slots`, found again by evaluating the properties and moves as the
/// search did.
private func modelError(_ system: TransitionSystem, _ slots: [Int]) -> ModelRuntimeError? {
  let generator = SuccessorGenerator(system)
  do {
    for i in system.properties.indices { _ = try generator.evaluateChecked(property: i, in: slots) }
    try generator.moves(of: slots) { _, _ in }
  } catch {
    return error
  }
  return nil
}

private func initialError(_ system: TransitionSystem) -> ModelRuntimeError? {
  do {
    _ = try SuccessorGenerator(system).initialStates()
  } catch {
    return error
  }
  return nil
}

private func outcomeCode(_ outcome: CheckOutcome) -> UInt64 {
  switch outcome {
  case .allHold: 0
  case .violated: 1
  case .modelError: 2
  case .undecided: 3
  case .stopped(let reason): 10 + UInt64(stopReasons.firstIndex(of: reason)!)
  }
}

private func outcome(_ code: UInt64) -> CheckOutcome {
  switch code {
  case 0: .allHold
  case 1: .violated
  case 2: .modelError
  case 3: .undecided
  default: .stopped(stopReasons[Int(code - 10)])
  }
}

private let stopReasons: [StopReason] = [.maxStates, .maxMemory, .timeout, .interrupted, .runtimeError]
