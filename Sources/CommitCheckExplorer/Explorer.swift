import CommitCheckModel
import Foundation
import Synchronization

/// A request to stop an exploration at its next safe point (set from a signal handler).
public final class StopSignal: Sendable {
  private let flag = Atomic<Int>(0)
  public init() {}
  /// Records the signal number that asked to stop (the first one wins).
  public func request(_ signal: Int32) { _ = flag.compareExchange(expected: 0, desired: Int(signal), ordering: .relaxed) }
  public var requested: Int32 { Int32(flag.load(ordering: .relaxed)) }
}

public struct ExplorerOptions: Sendable {
  /// Stop (a partial result) once this many states are stored. Ids are 32-bit, so a run never
  /// numbers more than 2^32 - 2 states: past that it stops here instead of wrapping.
  public var maxStates: Int = Explorer.stateIDLimit
  /// Keep every transition: graph exports, Markov chains and Petri nets need them, and so do
  /// livelock and `eventually` checks on a graph with cycles (`check` asks for them only then).
  public var keepEdges: Bool = true
  /// Worker threads expanding states; results are identical for any number.
  public var threads: Int = 1
  /// With several threads: states expanded per batch. While one batch merges, the other threads
  /// expand the next; any size gives the same results.
  public var batchStates: Int = 8192
  /// Stop (a partial result) before the explorer's memory would pass this many bytes.
  public var maxMemory: Int = Int(Double(ProcessInfo.processInfo.physicalMemory) * 0.75)
  /// Stop (a partial result) after this many seconds.
  public var timeout: Double?
  /// Stop (a partial result) when this is signalled.
  public var stop: StopSignal?
  /// Store one representative per orbit of the symmetric role's instances.
  public var symmetry: Symmetry?
  /// Hash compaction: keep a 64-bit fingerprint per state instead of the state (a state may be
  /// missed, with the probability `Exploration.omissionBound`). Edges are then never kept: the
  /// analyses that need them read every state, which compaction no longer holds.
  public var compactHash = false
  /// Expand states on their packed words (`PackedMoves`) when there is no symmetry reduction;
  /// off, the general path, which unpacks every state (for tests that compare the two).
  var packedExpansion = true
  /// Moves `PackedMoves` memoizes before it starts over, and misses after which it drops a
  /// process's memo that keeps missing (small in tests, to exercise both).
  var packedMoveLimit = PackedMoves.moveLimit
  var packedGiveUpMisses = PackedMoves.giveUpMisses
  /// Keep states of one word inline in the table when no edges are kept (off for tests that
  /// compare with the arena).
  var inlineStates = true
  public init() {}
}

/// A snapshot of a running exploration, for progress lines.
public struct ExplorationProgress: Sendable {
  public var states: Int
  public var transitions: Int
  public var depth: Int
  public var seconds: Double
  public var bytes: Int
}

public enum StopReason: String, Sendable {
  case maxStates = "max-states"
  case maxMemory = "max-memory"
  case timeout = "timeout"
  case interrupted = "interrupted"
  case runtimeError = "model-error"
}

/// The explored state graph: states in discovery (BFS) order, parents, and edges in compressed
/// sparse rows when kept.
public struct Exploration: @unchecked Sendable {
  public let system: TransitionSystem
  /// The reduction the states were stored under, if any: ids then stand for orbits.
  public internal(set) var symmetry: Symmetry?
  var store: StateStore
  /// Parent of each state (`UInt32.max` for initial states).
  ///
  /// Inline storage keeps none: they are the parents of a second exploration on the arena
  /// (see `state(_:)`), made when asked for.
  public var parents: ParentList { store.inline ? replica(reaching: stateCount - 1).storedParents : storedParents }
  var storedParents = ParentList()
  /// Edges of state `i` are `edgeStart[i]..<edgeStart[i + 1]`; empty when edges were not kept.
  public internal(set) var edgeStart: [Int] = []
  public internal(set) var edgeTargets: [UInt32] = []
  public internal(set) var edgeActions: [Action] = []
  /// Per state: whether it has at least one protocol (non-failure) move.
  public internal(set) var hasProtocolMove: [Bool] = []
  public internal(set) var initialCount = 0
  public internal(set) var transitions = 0
  public internal(set) var depth = 0
  public internal(set) var expanded = 0
  public var seconds = 0.0
  public internal(set) var stopReason: StopReason?
  public internal(set) var runtimeError: (error: ModelRuntimeError, state: UInt32)?
  /// First state (in BFS order, so shortest) violating atomicity and each user invariant;
  /// index 0 is atomicity, index i + 1 is `system.properties[i]` (nil for `eventually`).
  public internal(set) var firstViolation: [UInt32?] = []
  /// First state where no protocol move is enabled while a live process is undecided.
  public internal(set) var firstBlocked: UInt32?
  /// First state whose protocol moves are all self-loops while a live process is undecided.
  public internal(set) var firstStuck: UInt32?
  /// Whether a protocol move leads back to an earlier state (a possible cycle other than a
  /// self-loop). Without one, livelocks need no graph analysis. With inline storage, which
  /// knows no ids: whether a protocol move leads to a state on the same breadth-first level or
  /// a lower one (which every move back to an earlier state does).
  public internal(set) var hasBackEdge = false
  /// Batches whose expansion began while the previous batch merged (several threads only).
  public internal(set) var overlappedBatches = 0
  /// Inline storage keeps no state once expanded: the options to explore again with, and that
  /// exploration once made (see `state(_:)`).
  var replayOptions: ExplorerOptions?
  let replica = Replica()

  public var stateCount: Int { store.count }
  public var complete: Bool { stopReason == nil }
  public var keptEdges: Bool { !edgeStart.isEmpty }
  /// True when a verdict could not be settled without the edges (a cyclic graph, or an
  /// `eventually` property): explore again with `keepEdges`.
  public var needsEdges: Bool {
    complete && !keptEdges && !store.compact
      && ((hasBackEdge && firstBlocked == nil && firstStuck == nil)
        || system.properties.contains { $0.kind == .eventually })
  }
  public var storeBytes: Int { store.bytes }
  /// Whether states were stored as fingerprints (hash compaction).
  public var compactHash: Bool { store.compact }
  /// Hash compaction: slots in the fingerprint table, and an upper bound on the probability
  /// that a state was missed.
  public var hashTableSize: Int { store.tableSize }
  public var omissionBound: Double { store.compact ? store.omissionBound : 0 }
  public var bytesPerState: Double {
    store.count == 0 ? 0 : Double(store.bytes + storedParents.count * 4) / Double(store.count)
  }

  /// The unpacked slots of a stored state. Under hash compaction, a state already expanded is
  /// found again by replaying its parent path from an initial state.
  ///
  /// With inline storage, the states are those of a second exploration, on the arena, that goes
  /// as far as the state asked for and every state a report names (first violations, blocked
  /// and stuck states): ids follow the same merge order, so they stand for the same states.
  public func state(_ id: UInt32) -> [Int] {
    var slots = Array(repeating: 0, count: system.layout.slotCount)
    guard let words = store.words(of: Int(id)) else {
      return store.inline ? replica(reaching: Int(id)).state(id) : replayedState(id)
    }
    system.layout.unpack(words, into: &slots)
    return slots
  }

  /// Hash compaction: the state `id` stands for, rebuilt along its parent path. Each step takes
  /// the first successor (canonical under symmetry) whose fingerprint is the next id's.
  func replayedState(_ id: UInt32) -> [Int] {
    let generator = SuccessorGenerator(system)
    let path = pathTo(id)
    func canonical(_ s: [Int]) -> [Int] {
      var c = s
      symmetry?.canonicalize(&c)
      return c
    }
    var current = ((try? generator.initialStates()) ?? []).map(canonical).first { self.id(of: $0) == path[0] }
    for next in path.dropFirst() {
      guard let from = current else { break }
      current = nil
      try? generator.successors(of: from) { _, successor in
        if current == nil {
          let c = canonical(successor)
          if self.id(of: c) == next { current = c }
        }
      }
    }
    // Only a fingerprint collision (which `omissionBound` bounds) can break the path.
    return current ?? Array(repeating: 0, count: system.layout.slotCount)
  }

  /// The id of a state given by its slots, if explored.
  public func id(of slots: [Int]) -> UInt32? {
    if store.inline {
      guard stateCount > 0, let id = replica(reaching: stateCount - 1).id(of: slots), Int(id) < stateCount else { return nil }
      return id
    }
    var words = Array(repeating: UInt64(0), count: system.layout.wordCount)
    system.layout.pack(slots, into: &words)
    return store.find(words)
  }

  /// Inline storage: the exploration again on the arena, up to at least state `id` and every
  /// state a report names.
  func replica(reaching id: Int) -> Exploration {
    let named = firstViolation.compactMap { $0 } + [firstBlocked, firstStuck, runtimeError?.state].compactMap { $0 }
    let wanted = (named.map { Int($0) }.filter { $0 < stateCount } + [id]).max()! + 1
    return replica.exploration(reaching: wanted) { count in
      // Nothing reads the table once the exploration is over: the replica gets its memory.
      store.releaseInlineTable()
      var options = replayOptions!
      options.maxStates = count
      // The limit stops a run once twice what it holds would pass it. The replica holds about
      // as much per state as the table did (an index of 4-byte ids at the same load, the words
      // and the parents: 20 to 28 bytes against 16 to 32), and never more states, so it may
      // hold what the first run was allowed to: it must reach the states a report names.
      options.maxMemory = replayOptions!.maxMemory.multipliedReportingOverflow(by: 2).overflow
        ? Int.max : 2 * replayOptions!.maxMemory
      options.keepEdges = false
      options.inlineStates = false
      options.timeout = nil
      options.stop = nil
      return Explorer().explore(system, options: options)
    }
  }

  public func edges(of id: UInt32) -> Range<Int> {
    edgeStart[Int(id)]..<edgeStart[Int(id) + 1]
  }
}

/// Breadth-first exploration of a transition system.
///
/// States are expanded in batches: workers (one per thread) compute the successors, property
/// values and flags of disjoint slices of a batch, and one merge inserts the successors in
/// source order. The merge order is the sequential BFS order, so ids, parents, counts, verdicts
/// and traces are the same for any number of threads.
public struct Explorer: Sendable {
  /// The most states one run can number with 32-bit ids (`UInt32.max` marks "no parent").
  public static let stateIDLimit = Int(UInt32.max) - 1

  public init() {}

  public func explore(_ system: TransitionSystem, options: ExplorerOptions = ExplorerOptions(),
                      progress: (ExplorationProgress) -> Void = { _ in }) -> Exploration {
    let started = Date()
    let threads = max(1, options.threads)
    // Worker 0 runs while no other does (or on the calling thread); the others get copies of the
    // system, so no two threads touch the same reference counts.
    let workers = (0..<threads).map { k in
      if k == 0 { return ExpansionWorker(system, symmetry: options.symmetry, options: options, index: 0) }
      let copy = system.independentCopy()
      return ExpansionWorker(copy, symmetry: options.symmetry.map { (try? Symmetry(copy)) ?? $0 }, options: options,
                             index: k)
    }
    var options = options
    if options.compactHash { options.keepEdges = false }
    let layout = system.layout
    // States of one word (with room for two flags) live inline in the table when no edges
    // are kept: an edge needs its target's id, which the inline table does not hold.
    let inlineStore = options.inlineStates && !options.keepEdges && !options.compactHash
      ? InlineSlot.escape(layout).flatMap { StateStore(escape: $0, maxMemory: options.maxMemory) }
      : nil
    let inline = inlineStore != nil
    var ex = Exploration(system: system,
                         store: inlineStore ?? StateStore(wordsPerState: layout.wordCount, compact: options.compactHash))
    if inline { ex.replayOptions = options }
    // Parents take 4 bytes a state: the memory limit allows at most a quarter as many. Inline
    // storage keeps none (see `Exploration.parents`).
    if !inline {
      ex.storedParents = ParentList(capacity: min(options.maxStates, Explorer.stateIDLimit, options.maxMemory / 4) + 1)
    }
    ex.symmetry = options.symmetry
    ex.store.growThreads = threads
    ex.store.arenaLimit = options.maxMemory / 8
    ex.firstViolation = Array(repeating: nil, count: system.properties.count + 1)
    var words = Array(repeating: UInt64(0), count: system.layout.wordCount)
    let maxStates = min(options.maxStates, Explorer.stateIDLimit)

    let initial: [[Int]]
    do {
      initial = try workers[0].generator.initialStates()
    } catch {
      ex.runtimeError = (error, UInt32.max)
      ex.stopReason = .runtimeError
      return ex
    }
    for var s in initial {
      options.symmetry?.canonicalize(&s)
      system.layout.pack(s, into: &words)
      if ex.store.insert(words).inserted, !inline { ex.storedParents.append(UInt32.max) }
    }
    ex.initialCount = ex.store.count
    var id = 0
    var levelEnd = ex.store.count
    var level = 0
    var lastReport = started
    let batchLimit = threads == 1 ? 256 : max(1, options.batchStates)
    let chunkLimit = threads == 1 ? batchLimit : max(1, min(256, batchLimit / 4))
    let w = system.layout.wordCount
    let crew = threads > 1 ? Crew(Array(workers.dropFirst())) : nil
    defer { crew?.stop() }
    // Inline storage: the merge's lookups, hashed ahead.
    var upcoming = UpcomingHomes()
    defer { upcoming.free() }
    // The stored states from `lo` on (at most a batch), in chunks that threads claim in turn.
    // States below `levelEnd` are on `level`, the others stored so far on the next: the merge
    // moves on to the next level only when it reaches `levelEnd`. Inline storage keeps every
    // batch within one level, since the merge marks each chunk's states expanded at once, and
    // tells the next level by its flags (`InlineSlot`).
    func batch(from lo: Int) -> ExpansionBatch? {
      var hi = min(ex.store.count, lo + batchLimit)
      if inline, lo < levelEnd { hi = min(hi, levelEnd) }
      guard lo < hi else { return nil }
      // Chunks shrink towards the batch's end, so that the threads finish it close together.
      var ranges: [Range<Int>] = []
      var start = lo
      while start < hi {
        let size = threads == 1 ? chunkLimit : min(chunkLimit, max(32, (hi - start) / (2 * threads)))
        ranges.append(start..<min(hi, start + size))
        start += size
      }
      let made = ExpansionBatch(ranges: ranges, store: ex.store)
      if inline, threads > 1 { made.prefault = prefault() }
      return made
    }
    // Inline storage, several threads: the pages the merge will write first (the queue's next
    // ones, and the table's next half shortly before it grows) are made resident by the
    // workers ahead of time, instead of by the kernel, in the merge, as the merge writes them.
    // `Explorer.prefaultAhead` states at a time; at most twice that stays unused.
    var prefaulted = 0
    var prefaultedHalf = -1
    func prefault() -> [@Sendable () -> Void] {
      let count = ex.store.count
      var queue = 0..<0
      if count + Explorer.prefaultAhead > prefaulted {
        queue = max(prefaulted, count)..<(count + 2 * Explorer.prefaultAhead)
        prefaulted = queue.upperBound
      }
      let nextHalf = ex.store.insertsBeforeGrowth < Explorer.prefaultAhead && prefaultedHalf != ex.store.generation
      if queue.isEmpty && !nextHalf { return [] }
      if nextHalf { prefaultedHalf = ex.store.generation }
      return ex.store.prefault(queue: queue, nextHalf: nextHalf)
    }
    var overlapping: ExpansionBatch?
    var stopped = false
    while id < ex.store.count && !stopped {
      if let reason = limitReached(ex, options, started: started, threads: threads) {
        ex.stopReason = reason
        break
      }
      let current: ExpansionBatch
      if let next = overlapping {
        current = next
      } else {
        current = batch(from: id)!
        crew?.post(current)
        current.work(workers[0])
        crew?.wait(current)
      }
      current.finish()
      overlapping = nil
      // While this batch merges, the other threads expand the next one: the states stored
      // so far, looked up in a snapshot of the store (not compact, and only when no insert of
      // this merge can grow the table, which would keep the old one alive meanwhile). The main
      // thread joins them once the merge is done. Workers never read an inline table (the
      // merge looks every successor up), so an inline batch may overlap any merge.
      let inserts = current.outputs.reduce(0) { $0 + $1.unresolved.count }
      if threads > 1, !ex.store.compact, inline || inserts < ex.store.insertsBeforeGrowth,
        let next = batch(from: current.ranges.last!.upperBound)
      {
        crew!.post(next)
        overlapping = next
        ex.overlappedBatches += 1
      }
      // Merge in source order.
      outputs: for out in current.outputs {
        var cursor = 0
        var unresolvedCursor = 0
        var violationCursor = 0
        // Read once: each access through the output would retain and release its buffers.
        let infos = out.info, targets = out.targets, successorWords = out.words
        let actions = out.actions, unresolved = out.unresolved, violations = out.violations
        let hints = out.hints, generation = out.generation
        if inline, out.sources.count > 0 {
          // The chunk's states, all on `level`, count as expanded from now on (see
          // `InlineSlot.isNextLevel`); their successors are looked up below.
          ex.store.markExpanded(ex.store.arenaWords + out.sources[0], count: out.sources.count)
          upcoming.start(successorWords.base, count: unresolved.count, store: ex.store)
        }
        for k in 0..<out.sources.count {
          let sid = out.sources[k]
          if id == levelEnd {
            level += 1
            levelEnd = ex.store.count
          }
          if ex.store.count >= maxStates {
            ex.stopReason = .maxStates
            stopped = true
            break outputs
          }
          let source = UInt32(sid)
          let info = infos[k]
          if info.atomicityViolated, ex.firstViolation[0] == nil { ex.firstViolation[0] = source }
          if info.failed, let error = out.error {
            ex.runtimeError = (error, source)
            ex.stopReason = .runtimeError
            stopped = true
            break outputs
          }
          for v in violationCursor..<(violationCursor + Int(info.violations)) {
            let p = Int(violations[v])
            if ex.firstViolation[p + 1] == nil { ex.firstViolation[p + 1] = source }
          }
          violationCursor += Int(info.violations)
          if options.keepEdges { ex.edgeStart.append(ex.edgeTargets.count) }
          // Workers already found the successors stored before this batch (and self-loops),
          // and whether one of those is a back edge; only the rest need the store, in this
          // order. Without edges to record, only those are visited.
          if info.knownBackEdge { ex.hasBackEdge = true }
          let visit = options.keepEdges ? Int(info.successors) : Int(info.unresolved)
          // The successors still unknown so far, and the slots their inserts probe first
          // (likely out of the cache: asked for 8 inserts ahead).
          var unknowns = unresolvedCursor
          let prefetch = !options.keepEdges && generation == ex.store.generation
          for u in 0..<visit {
            if inline {
              // Every successor but self-loops is visited (no edges are kept); their words were
              // listed densely.
              let at = unresolvedCursor + u
              let home = upcoming.home(at, store: ex.store)
              let (inserted, flags) = ex.store.insertInline(successorWords[at], level: level + 1, hint: home)
              if !inserted && !InlineSlot.isNextLevel(flags, level: level + 1) && !actions[Int(unresolved[at])].kind.isFailure {
                // On this level or a lower one: a move back to a smaller id, or across this
                // level (see `hasBackEdge`).
                ex.hasBackEdge = true
              }
              continue
            }
            let j = options.keepEdges ? u : Int(unresolved[unresolvedCursor + u]) - cursor
            var target = targets[cursor + j]
            if target == ExpansionWorker.unknown {
              if prefetch, unknowns + 8 < unresolved.count { ex.store.prefetch(slot: hints[unknowns + 8]) }
              let hint = generation == ex.store.generation ? hints[unknowns] : nil
              unknowns += 1
              let (inserted, found) = ex.store.insert(successorWords.base + (cursor + j) * w, hint: hint)
              if inserted { ex.storedParents.append(source) }
              target = found
            } else if target == ExpansionWorker.selfLoop {
              target = source
            }
            let action = actions[cursor + j]
            if options.keepEdges {
              ex.edgeTargets.append(target)
              ex.edgeActions.append(action)
            }
            // Ids grow along every path without a cycle, so a cycle needs an edge back to an
            // id no larger than its source: none (but self-loops) means no livelock elsewhere.
            if !action.kind.isFailure && target < source { ex.hasBackEdge = true }
          }
          cursor += Int(info.successors)
          unresolvedCursor += Int(info.unresolved)
          ex.transitions += Int(info.successors)
          if options.keepEdges { ex.hasProtocolMove.append(info.protocolMoves > 0) }
          if info.liveUndecided {
            // No protocol move at all: blocked. Only self-loops: every enabled move is taken on
            // the loop, so staying forever is a weakly fair run: a livelock of one state.
            if info.protocolMoves == 0, ex.firstBlocked == nil { ex.firstBlocked = source }
            if info.protocolMoves > 0, info.selfLoops == info.protocolMoves, ex.firstStuck == nil {
              ex.firstStuck = source
            }
          }
          id += 1
          ex.expanded = id
          ex.depth = level
        }
      }
      if let next = overlapping {
        next.work(workers[0])
        crew!.wait(next)
      }
      // Back to the workers that filled them (none is working now): each worker writes only
      // its own outputs, whose cache lines then move less between the processors' caches
      // (see `ExpansionWorker.output`).
      for out in current.outputs { workers[out.owner].giveBack(out) }
      ex.store.forget(below: id)
      let now = Date()
      if now.timeIntervalSince(lastReport) >= 0.25 {
        lastReport = now
        progress(ExplorationProgress(states: ex.store.count, transitions: ex.transitions, depth: level,
                                     seconds: now.timeIntervalSince(started), bytes: ex.store.bytes))
      }
    }
    if options.keepEdges { ex.edgeStart.append(ex.edgeTargets.count) }
    ex.seconds = Date().timeIntervalSince(started)
    return ex
  }
}

extension Explorer {
  /// Inline storage: states whose pages a worker makes resident ahead of the merge (see
  /// `prefault` in `explore`).
  static let prefaultAhead = 1 << 18

  /// The bytes of outputs a helper thread keeps waiting before it fills one again (see
  /// `ExpansionWorker.output`): 32 MB, or less under a low memory limit.
  static func outputReserve(_ maxMemory: Int) -> Int { min(32 << 20, maxMemory / 64) }

  /// The limit that stops exploration before the next batch, if any. Memory is checked before
  /// it is allocated: the figure counts twice what is held, since growing an array or the index
  /// briefly holds the old and the new copy.
  func limitReached(_ ex: Exploration, _ options: ExplorerOptions, started: Date, threads: Int) -> StopReason? {
    if let stop = options.stop, stop.requested != 0 { return .interrupted }
    if let timeout = options.timeout, Date().timeIntervalSince(started) >= timeout { return .timeout }
    let held = ex.store.bytes + ex.storedParents.count * 4
      + ex.edgeTargets.count * (4 + MemoryLayout<Action>.stride) + ex.edgeStart.count * 8
    let batch = (threads == 1 ? 256 : 8192) * 64 * (ex.system.layout.wordCount * 8 + MemoryLayout<Action>.stride)
    let reserves = (threads - 1) * Explorer.outputReserve(options.maxMemory)
    if 2 * held + batch + reserves > options.maxMemory { return .maxMemory }
    return nil
  }
}

/// Hands a value that is not `Sendable` to another thread.
///
/// Safe where used: one thread at a time works on the value (a crew's worker; a part of the
/// index that rehashing threads split between them).
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// The exploration an inline store's states are read from, made on first use (see
/// `Exploration.state(_:)`).
final class Replica: @unchecked Sendable {
  private let lock = NSLock()
  private var exploration: Exploration?

  /// The exploration, made again by `explore` when the one held has fewer than `count` states.
  func exploration(reaching count: Int, _ explore: (Int) -> Exploration) -> Exploration {
    lock.lock()
    defer { lock.unlock() }
    if let exploration, exploration.stateCount >= count { return exploration }
    let made = explore(count)
    exploration = made
    return made
  }
}

/// What one expanded state contributes to the merge.
struct SourceInfo {
  var successors: Int32 = 0
  var protocolMoves: Int32 = 0
  var selfLoops: Int32 = 0
  var liveUndecided = false
  var atomicityViolated = false
  /// Successors the workers could not resolve (not stored before the batch, not self-loops).
  var unresolved: Int32 = 0
  /// A protocol move to a state stored before the batch with a smaller id than the source
  /// (never set on inline storage, whose merge looks every successor up).
  var knownBackEdge = false
  /// How many invariants the state violates (listed in the worker's `violations`).
  var violations: Int32 = 0
  /// A model error stopped the expansion here (the worker's `error`).
  var failed = false
}

/// A batch of stored states in chunks, which threads claim one at a time and expand into an
/// output of their own. The merge reads the outputs in chunk order, which is source order.
final class ExpansionBatch: @unchecked Sendable {
  let ranges: [Range<Int>]
  /// Per chunk, the output its worker filled: written by that worker alone, read once every
  /// chunk is done (`finish`).
  private let filled: UnsafeMutablePointer<ExpansionOutput?>
  /// The chunks' outputs in chunk order, once every chunk is done.
  private(set) var outputs: [ExpansionOutput] = []
  /// The store as the batch began: read-only for the workers. Released once every chunk is
  /// done, so that a growing table does not keep the old one alive.
  private var store: StateStore?
  private let claimed = Atomic<Int>(0)
  /// The helper threads done with the batch (see `Crew`).
  let helpersDone = Atomic<Int>(0)

  init(ranges: [Range<Int>], store: StateStore) {
    self.ranges = ranges
    filled = UnsafeMutablePointer.allocate(capacity: max(1, ranges.count))
    filled.initialize(repeating: nil, count: ranges.count)
    self.store = store
  }

  /// Work claimed before the chunks, by whichever threads come first (see `prefault` in
  /// `Explorer.explore`). Set before any thread works on the batch.
  var prefault: [@Sendable () -> Void] = []

  /// Does the prefault pieces and expands chunks with `worker` until none is left unclaimed.
  /// Pieces come first: a thread that meets the last of them still finds chunks to balance.
  func work(_ worker: ExpansionWorker) {
    while true {
      let claim = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
      if claim < prefault.count {
        prefault[claim]()
        continue
      }
      let chunk = claim - prefault.count
      guard chunk < ranges.count, let store else { return }
      let out = worker.output()
      worker.expand(ranges[chunk], store: store, into: out)
      filled[chunk] = out
    }
  }

  /// Called once every chunk is done (after `work` on every thread, and `Crew.wait`).
  func finish() {
    store = nil
    outputs = (0..<ranges.count).map { filled[$0]! }
  }

  deinit {
    filled.deinitialize(count: ranges.count)
    filled.deallocate()
  }
}

/// What the expansion of a chunk hands to the merge: the successors' packed words and actions,
/// the lookups' results, and per-state facts.
final class ExpansionOutput {
  /// The index of the worker that fills it.
  let owner: Int
  init(owner: Int) { self.owner = owner }

  var sources = RawList<Int>()
  var info = RawList<SourceInfo>()
  var words = RawList<UInt64>()
  var actions = RawList<Action>()
  /// Per successor: its id when stored before the batch, `selfLoop`, or `unknown`.
  var targets = RawList<UInt32>()
  /// The successors to look up in the store (all but self-loops), and the self-loops.
  var pending = RawList<Int32>()
  var selfLoops = RawList<Int32>()
  /// After the lookups: the successors still unknown, by index, in order. With inline storage,
  /// which has no lookups here: every successor but the self-loops, whose words `words` then
  /// holds in that order, from its start.
  var unresolved = RawList<Int32>()
  /// After the lookups, per successor still unknown (in `unresolved`'s order): where its
  /// lookup ended, a hint for the insert, valid while the store's generation is `generation`.
  var hints = RawList<Int>()
  var generation = 0
  /// The invariants each expanded state violates, in order (`SourceInfo.violations` each).
  var violations = RawList<Int32>()
  /// The model error that stopped the expansion, if any.
  var error: ModelRuntimeError?

  deinit {
    sources.free()
    info.free()
    words.free()
    actions.free()
    targets.free()
    pending.free()
    selfLoops.free()
    unresolved.free()
    hints.free()
    violations.free()
  }

  /// The bytes its lists hold.
  var bytes: Int {
    sources.bytes + info.bytes + words.bytes + actions.bytes + targets.bytes + pending.bytes + selfLoops.bytes
      + unresolved.bytes + hints.bytes + violations.bytes
  }

  func clear() {
    sources.removeAll()
    info.removeAll()
    words.removeAll()
    actions.removeAll()
    targets.removeAll()
    pending.removeAll()
    selfLoops.removeAll()
    unresolved.removeAll()
    hints.removeAll()
    violations.removeAll()
    error = nil
  }
}

/// Expands stored states with its own successor generator (one worker per thread).
final class ExpansionWorker {
  let generator: SuccessorGenerator
  let system: TransitionSystem
  static let unknown = UInt32.max
  static let selfLoop = UInt32.max - 1
  private var slots: [Int]
  private var current: [UInt64]
  private var next: [UInt64]

  let symmetry: Symmetry?
  private var canonical: [Int]
  /// Which properties are invariants, read on every state (`system.properties` holds strings,
  /// which iterating it would retain and release).
  private let invariants: [Bool]
  /// Without symmetry, states are expanded on their packed words.
  private let packedMoves: PackedMoves?
  /// The worker's place among the explorer's (0: the calling thread's, which merges), and the
  /// outputs it may fill again, given back after each merge while no worker works, oldest
  /// first, with their bytes.
  let index: Int
  private var spare: [ExpansionOutput] = []
  private var spareBytes = 0
  /// A helper's outputs wait until this many bytes of others wait too (see `output`).
  private let reserve: Int

  init(_ system: TransitionSystem, symmetry: Symmetry?, options: ExplorerOptions, index: Int) {
    self.index = index
    reserve = index == 0 ? 0 : Explorer.outputReserve(options.maxMemory)
    self.system = system
    self.symmetry = symmetry
    invariants = system.properties.map { $0.kind == .invariant }
    canonical = Array(repeating: 0, count: system.layout.slotCount)
    generator = SuccessorGenerator(system)
    packedMoves = symmetry == nil && options.packedExpansion
      ? PackedMoves(generator, moveLimit: options.packedMoveLimit, giveUpMisses: options.packedGiveUpMisses)
      : nil
    slots = Array(repeating: 0, count: system.layout.slotCount)
    current = Array(repeating: 0, count: system.layout.wordCount)
    next = current
  }

  /// An output to fill. The merge reads a helper's outputs, and the lines it read stay in the
  /// merging thread's caches for a while: filling one again at once takes each of them back,
  /// which costs dearly when the two processors share no cache (TwoPhase N = 9 took 7 to 9%
  /// longer then). So a helper fills the oldest of its outputs once `reserve` bytes of others
  /// wait, and new ones until then. The merging thread's own are still in its cache: it fills
  /// the newest.
  func output() -> ExpansionOutput {
    guard index == 0 ? !spare.isEmpty : spareBytes > reserve else { return ExpansionOutput(owner: index) }
    let out = index == 0 ? spare.removeLast() : spare.removeFirst()
    spareBytes -= out.bytes
    return out
  }

  /// Takes back an output of this worker's that the merge has read.
  func giveBack(_ out: ExpansionOutput) {
    spare.append(out)
    spareBytes += out.bytes
  }

  /// Expands the stored states `ids` into `out`. The store is only read, so workers share it;
  /// the lookups of successors already stored happen here, in parallel.
  ///
  /// An inline table is not read at all: the merge looks every successor up (see `list`).
  func expand(_ ids: Range<Int>, store: StateStore, into out: ExpansionOutput) {
    out.clear()
    out.generation = store.generation
    if let packedMoves {
      packedMoves.expand(ids, arena: store.arenaWords, arenaBase: store.arenaBase, invariants: invariants, into: out)
    } else {
      generate(ids, store: store, into: out)
    }
    if store.inline { list(out) } else { resolve(out, store: store) }
  }

  /// Expands the stored states `ids` into `out`, up to the lookups: their facts, invariant
  /// violations, and successors' words and actions. The general path, which unpacks every
  /// state: the one symmetry reduction takes, since it canonicalizes the unpacked successors.
  private func generate(_ ids: Range<Int>, store: StateStore, into out: ExpansionOutput) {
    let arena = store.arenaWords
    let layout = system.layout
    let w = layout.wordCount
    for id in ids {
      out.sources.append(id)
      let at = (id - store.arenaBase) * w
      layout.unpack(arena + at, into: &slots)
      for i in 0..<w { current[i] = arena[at + i] }
      var facts = SourceInfo()
      let (atomic, liveUndecided) = generator.decisionFacts(slots)
      facts.atomicityViolated = !atomic
      facts.liveUndecided = liveUndecided
      do {
        // Every property is evaluated on every state, so a model error in one shows here.
        for i in invariants.indices {
          let holds = try generator.evaluateChecked(property: i, in: slots)
          if invariants[i], !holds {
            out.violations.append(Int32(i))
            facts.violations += 1
          }
        }
        let start = out.actions.count
        try generator.moves(of: slots) { action, writes in
          if let symmetry {
            for i in 0..<slots.count { canonical[i] = slots[i] }
            for k in stride(from: writes.startIndex, to: writes.endIndex, by: 2) { canonical[writes[k]] = writes[k + 1] }
            symmetry.canonicalize(&canonical)
            layout.pack(canonical, into: &next)
          } else {
            for i in 0..<w { next[i] = current[i] }
            next.withUnsafeMutableBufferPointer { next in
              for k in stride(from: writes.startIndex, to: writes.endIndex, by: 2) {
                layout.patch(next.baseAddress!, slot: writes[k], value: writes[k + 1])
              }
            }
          }
          out.words.append(contentsOf: next)
          let loop = next == current
          if loop { out.selfLoops.append(Int32(out.actions.count)) } else { out.pending.append(Int32(out.actions.count)) }
          out.actions.append(action)
          if !action.kind.isFailure {
            facts.protocolMoves += 1
            if loop { facts.selfLoops += 1 }
          }
        }
        facts.successors = Int32(out.actions.count - start)
      } catch {
        // The merge stops at this state, so its partial successors are never read.
        out.error = error
        facts.failed = true
      }
      out.info.append(facts)
      if facts.failed { break }
    }
  }

  /// Inline storage: lists every successor of `out` but the self-loops as unknown, moving their
  /// words down in order, for the merge to look up and insert. The merge alone touches the
  /// table. Lookups here found too few: each successor not found (most of a batch's, since
  /// states recur within one) was probed twice, and the table's cache lines moved between
  /// the processors' caches.
  private func list(_ out: ExpansionOutput) {
    let pending = out.pending, info = out.info, words = out.words
    out.unresolved.extend(by: pending.count)
    let list = out.unresolved
    var listed = 0
    var cursor = 0
    for k in 0..<info.count {
      cursor += Int(info[k].successors)
      let before = listed
      while listed < pending.count && Int(pending[listed]) < cursor {
        let j = Int(pending[listed])
        list[listed] = Int32(j)
        words[listed] = words[j]
        listed += 1
      }
      info[k].unresolved = Int32(listed - before)
    }
  }

  /// Looks up the successors of `out` in `store` and lists those still unknown.
  private func resolve(_ out: ExpansionOutput, store: StateStore) {
    // Every successor is pending (the lookups write its target and hint) or a self-loop (its
    // target and a hint, never used, written here), so none needs filling first.
    let total = out.actions.count
    out.targets.extend(by: total)
    out.hints.extend(by: total)
    let targets = out.targets, hints = out.hints
    for j in out.selfLoops.buffer {
      targets[Int(j)] = ExpansionWorker.selfLoop
      hints[Int(j)] = 0
    }
    store.findAll(out.words.buffer, positions: out.pending.buffer, missing: ExpansionWorker.unknown,
                  into: targets.mutableBuffer, ends: hints.mutableBuffer)
    // List the successors still unknown, without a branch per successor (about one in twelve
    // is unknown, at random). `unknown` and `selfLoop` exceed every id, so `target < source`
    // holds only for a stored state found with a smaller id.
    // Written at `listed` before it moves past, so never read unwritten. The hints of the
    // successors still unknown move down to `listed` too, so that the merge reads them in
    // sequence: `listed` never passes `j`.
    out.unresolved.extend(by: total)
    let list = out.unresolved, actions = out.actions, info = out.info, sources = out.sources
    var listed = 0
    var cursor = 0
    for k in 0..<info.count {
      let source = UInt32(sources[k])
      let before = listed
      for j in cursor..<(cursor + Int(info[k].successors)) {
        let target = targets[j]
        list[listed] = Int32(j)
        hints[listed] = hints[j]
        listed += target == ExpansionWorker.unknown ? 1 : 0
        if target < source && !actions[j].kind.isFailure { info[k].knownBackEdge = true }
      }
      info[k].unresolved = Int32(listed - before)
      cursor += Int(info[k].successors)
    }
    out.unresolved.removeLast(total - listed)
  }
}
