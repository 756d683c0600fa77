/// One strategy for storing the explored states: exact (`ExactStore`), one word inline in the
/// table (`InlineStore`) or hash compaction (`CompactStore`). The search (`Search`) drives any
/// of them, specialized for each.
///
/// Ids follow discovery order, so the BFS queue is implicit and parent links give shortest
/// counterexamples without a second search. Copies share the tables: only the search that owns
/// the store inserts, and a copy is a snapshot that workers read (`lookUp`) while it merges.
protocol StateStorage: SendableMetatype {
  /// States stored so far (ids `0..<count`).
  var count: Int { get }
  /// Bytes the stored states and the table take, from counts (the same on every run).
  var bytes: Int { get }
  /// Bytes that inserting `n` more states adds to `bytes` at its peak: their words, and each
  /// growth they cause (a table that doubles in place adds only its new half, one rebuilt from
  /// scratch its new size). The memory check asks for this much room once a batch is expanded,
  /// before its merge, with `n` the successors it found not known yet.
  func growthBytes(inserting n: Int) -> Int
  /// Counts the table's growths: a slot found before one is meaningless after it.
  var generation: Int { get }
  /// The states not yet expanded (at least), for the workers.
  var arena: ArenaView { get }
  /// Whether the store records parents (the merge appends them to `MergeRun.ex`).
  static var keepsParents: Bool { get }
  /// Whether each batch must keep to one breadth-first level.
  static var batchesKeepToOneLevel: Bool { get }

  /// Inserts an initial state (breadth-first level 0).
  mutating func insertInitial(_ words: [UInt64], into run: inout MergeRun)
  /// Worker side, after a chunk's expansion: looks its successors up in this snapshot, or lists
  /// them for the merge, and fills `out.unresolved` and each source's `unresolved`.
  func lookUp(_ out: ExpansionOutput)
  /// Inserts the successors of a chunk's states not yet stored, in source order, and records
  /// each source's facts in `run`. Stops (false) where `run` says the search stops.
  mutating func merge(_ chunk: ChunkLists, into run: inout MergeRun) -> Bool
  /// Whether the next batch may expand while a merge inserts `inserts` states.
  func mayOverlapMerge(inserting inserts: Int) -> Bool
  /// Work the workers do ahead of the coming merges, claimed before a batch's chunks.
  mutating func workAhead() -> [@Sendable () -> Void]
  /// Lets go of what the states below `id` (all expanded) no longer need.
  mutating func forget(below id: Int)
  /// The store, for the finished exploration.
  var erased: StoredStates { get }
  /// Stops the process when an invariant of the store does not hold (for tests).
  func checkInvariants()
}

/// The bytes that the doublings of a table of `size` slots add while `count` states grow by
/// `n`, when it doubles past `quarters` quarters full and a doubling from `s` slots adds
/// `added(s)` bytes at its peak.
func doublingBytes(size: Int, count: Int, adding n: Int, quarters: Int, added: (Int) -> Int) -> Int {
  var extra = 0, size = size
  while (count + n) * 4 > size * quarters {
    extra += added(size)
    size *= 2
  }
  return extra
}

/// The store of a finished exploration.
enum StoredStates {
  /// While the search runs: the search holds the store.
  case exploring
  case exact(ExactStore)
  case inline(InlineStore)
  case compact(CompactStore)

  var count: Int {
    switch self {
    case .exploring: 0
    case .exact(let store): store.count
    case .inline(let store): store.count
    case .compact(let store): store.count
    }
  }

  var bytes: Int {
    switch self {
    case .exploring: 0
    case .exact(let store): store.bytes
    case .inline(let store): store.bytes
    case .compact(let store): store.bytes
    }
  }

  var isInline: Bool {
    if case .inline = self { return true }
    return false
  }

  var isCompact: Bool {
    if case .compact = self { return true }
    return false
  }

  /// Slots in the table.
  var tableSize: Int {
    switch self {
    case .exploring: 0
    case .exact(let store): store.tableSize
    case .inline(let store): store.tableSize
    case .compact(let store): store.tableSize
    }
  }

  /// The packed words of state `id`, if still held (always, with exact storage).
  func words(of id: Int) -> [UInt64]? {
    switch self {
    case .exploring: nil
    case .exact(let store): store.arenaStates.words(of: id, count: store.count)
    case .inline(let store): store.queue.words(of: id, count: store.count)
    case .compact(let store): store.arenaStates.words(of: id, count: store.count)
    }
  }

  func checkInvariants() {
    switch self {
    case .exploring: break
    case .exact(let store): store.checkInvariants()
    case .inline(let store): store.checkInvariants()
    case .compact(let store): store.checkInvariants()
    }
  }
}
