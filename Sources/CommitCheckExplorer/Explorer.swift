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
  /// Stop (a partial result) before the explorer's memory would pass this many bytes. The
  /// check before each step counts what the next growth adds (`StateStorage.growthBytes`), so a
  /// run stops only when it would really pass; 85% of memory leaves the rest to the system.
  public var maxMemory: Int = Int(Double(ProcessInfo.processInfo.physicalMemory) * 0.85)
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

/// Breadth-first exploration of a transition system: picks the store for the options and runs
/// the search (`Search`) over it.
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
    let w = system.layout.wordCount
    // States of one word (with room for two flags) live inline in the table when no edges are
    // kept: an edge needs its target's id, which the inline table does not hold.
    if options.inlineStates && !options.keepEdges && !options.compactHash,
      let escape = InlineSlot.escape(system.layout), var store = InlineStore(escape: escape, maxMemory: options.maxMemory)
    {
      store.growThreads = threads
      var search = Search(system, options: options, workers: workers, store: store, started: started)
      var ex = search.explore(progress: progress)
      ex.replayOptions = options
      return ex
    }
    if options.compactHash {
      let store = CompactStore(wordsPerState: w, arenaLimit: options.maxMemory / 8)
      var search = Search(system, options: options, workers: workers, store: store, started: started)
      return search.explore(progress: progress)
    }
    var store = ExactStore(wordsPerState: w, arenaLimit: options.maxMemory / 8)
    store.growThreads = threads
    var search = Search(system, options: options, workers: workers, store: store, started: started)
    return search.explore(progress: progress)
  }

  /// The bytes of outputs a helper thread keeps waiting before it fills one again (see
  /// `ExpansionWorker.output`): 32 MB, or less under a low memory limit.
  static func outputReserve(_ maxMemory: Int) -> Int { min(32 << 20, maxMemory / 64) }
}
