import CommitCheckPrefetch
import Synchronization

/// Stores each distinct global state once, as packed words in one arena, with an
/// open-addressing index of 32-bit ids.
///
/// Copies share the table and the arena. A copy is a snapshot that workers read while the
/// owner inserts: it sees every state below its own `count`, and treats any later one as not
/// yet known (see `findAll`).
struct ExactStore: NumberedStorage {
  let wordsPerState: Int
  /// Packed states by id. Append-only while exploring, so a copy of the store made earlier
  /// still reads its own states.
  private(set) var arenaStates: Arena
  // Invariant: the table's size is a power of two, at most half full, so every probe ends.
  // A slot holds `id + 1`; 0 means empty.
  var index: PageBuffer<UInt32>
  var mask: Int
  private(set) var count = 0
  var generation = 0
  /// Threads that rebuild the index when it grows.
  var growThreads = 1

  init(wordsPerState: Int, capacity: Int = 16, arenaLimit: Int = 0) {
    self.wordsPerState = wordsPerState
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    index = PageBuffer(capacity: size)
    mask = size - 1
    arenaStates = Arena(wordsPerState: wordsPerState, capacity: capacity)
    arenaStates.limit = arenaLimit
  }

  var bytes: Int { arenaStates.bytes + tableSize * 4 }
  /// The index is rebuilt at twice its size after the old one goes (`grow`): each doubling adds
  /// the old size. The arena copies itself until it moves into its mapping for good.
  func growthBytes(inserting n: Int) -> Int {
    arenaStates.growthBytes(adding: n) + doublingBytes(size: tableSize, count: count, adding: n, quarters: 2) { $0 * 4 }
  }
  var tableSize: Int { mask + 1 }
  var arena: ArenaView { arenaStates.view(end: count) }
  var erased: StoredStates { .exact(self) }
  /// How many more states can be inserted before the table grows.
  var insertsBeforeGrowth: Int { tableSize / 2 - count }

  /// A batch may expand while a merge inserts, unless an insert may grow the table, which
  /// would keep the old one alive meanwhile.
  func mayOverlapMerge(inserting inserts: Int) -> Bool { inserts < insertsBeforeGrowth }

  /// Exact storage keeps every state.
  mutating func forget(below id: Int) {}

  /// Inserts the packed state whose words start at `words`; returns whether it was new and
  /// its id.
  ///
  /// `hint`, when given, is where a lookup of the same state (`findAll`) ended, at this
  /// `generation`: the first slot of its probe sequence that was empty, or held a state the
  /// lookup's snapshot did not know. Every slot before it held another state, and slots are
  /// never emptied, so probing resumes there.
  mutating func insert(_ words: UnsafePointer<UInt64>, hint: Int?) -> (inserted: Bool, id: UInt32) {
    // Only a probe from the start needs the hash.
    let start = hint ?? Int(truncatingIfNeeded: StateHash.fingerprint(words, count: wordsPerState)) & mask
    let (slot, found) = probe(words, from: start)
    if let found { return (false, found) }
    let id = UInt32(count)
    setSlot(slot, id + 1)
    arenaStates.append(words)
    count += 1
    if count * 2 > tableSize { grow() }
    return (true, id)
  }

  /// The index's slot `slot`, read for a lookup that may overlap the owner's insert (see
  /// `setSlot`). Relaxed atomics compile to plain loads and stores.
  @inline(__always)
  func sharedSlot(_ slot: Int) -> UInt32 {
    assert(slot >= 0 && slot <= mask, "slot out of range")
    return UnsafeMutableRawPointer(index.base).assumingMemoryBound(to: Atomic<UInt32>.self)[slot]
      .load(ordering: .relaxed)
  }

  /// Writes the index's slot `slot`, atomically: workers may be looking states up meanwhile.
  @inline(__always)
  private func setSlot(_ slot: Int, _ value: UInt32) {
    assert(slot >= 0 && slot <= mask, "slot out of range")
    UnsafeMutableRawPointer(index.base).assumingMemoryBound(to: Atomic<UInt32>.self)[slot]
      .store(value, ordering: .relaxed)
  }

  /// Asks for the cache line of a table slot that a coming `insert` will probe.
  func prefetch(slot: Int) {
    guard slot <= mask else { return }
    commitcheck_prefetch(index.base + slot)
  }

  /// The id of a stored state, if it is stored. Read-only, so workers may call it concurrently
  /// while nothing inserts.
  func find(_ words: [UInt64]) -> UInt32? {
    words.withUnsafeBufferPointer {
      let fp = StateHash.fingerprint($0.baseAddress!, count: wordsPerState)
      return probe($0.baseAddress!, from: Int(truncatingIfNeeded: fp) & mask).id
    }
  }

  /// Probes from `start` for the state `words`: the slot holding it and its id, or the first
  /// empty slot.
  @inline(__always)
  private func probe(_ words: UnsafePointer<UInt64>, from start: Int) -> (slot: Int, id: UInt32?) {
    var slot = start
    while true {
      let entry = index[slot]
      if entry == 0 { return (slot, nil) }
      if arenaStates.equals(Int(entry - 1), words) { return (slot, entry - 1) }
      slot = (slot + 1) & mask
    }
  }

  /// Checks the table and the arena: a power-of-two table at most half full, every state
  /// found at its id and no id twice.
  func checkInvariants() {
    precondition(tableSize.nonzeroBitCount == 1 && count * 2 <= tableSize, "table size or load wrong")
    arenaStates.checkInvariants(count: count)
    var seen = [Bool](repeating: false, count: count)
    for slot in 0..<tableSize where index[slot] != 0 {
      let id = Int(index[slot] - 1)
      precondition(id < count && !seen[id], "slot \(slot) holds an unknown or repeated id")
      seen[id] = true
    }
    precondition(!seen.contains(false), "a state is missing from the table")
    for id in 0..<count {
      let words = arenaStates.words(of: id, count: count)!
      precondition(find(words) == UInt32(id), "state \(id) is not found again")
    }
  }
}
