import CommitCheckModel
import CommitCheckPrefetch

/// Inline storage: a state that fits in one word lives in the table itself, so a lookup reads
/// one slot instead of a slot and then the arena.
///
/// A slot holds the state's bits (below bit 62, xor'ed with `escape`, a word no state can be,
/// so that no stored slot is 0, which marks an empty one) and two flags: bit 62, set until the
/// state is expanded, and bit 63, the parity of its breadth-first level (`InlineSlot`). The
/// table holds no ids: the arena is only the queue of states not yet expanded, and the merge
/// tells from the flags whether a state found is on the next level (see
/// `InlineSlot.isNextLevel`). Lookups are on the hash's top bits, so the table stays in hash
/// order and doubles in place (`grow`), within a mapping sized for the memory limit.
///
/// The table grows when it is three quarters full (other stores at half): a slot is the whole
/// state, so the table is nearly all the memory a run holds, and a probe rarely leaves its
/// cache line (eight slots). TwoPhase N = 11 (367 million states) fits 2^29 slots, 4 GiB,
/// instead of 8.
///
/// Only the merge reads and writes the table (workers never look states up in it), so its
/// slots are plain words, and a batch may overlap any merge.
struct InlineStore: StateStorage {
  /// Xor'ed into every stored state (a word no state can be).
  let escape: UInt64
  /// The table of states, mapped for the largest size the memory limit allows and grown in
  /// place; `shift` makes a hash's top bits a slot.
  let table: PageBuffer<UInt64>
  var mask = 15
  var shift: UInt64 = 60
  /// The states in discovery order; the pages of those expanded go back to the kernel.
  private(set) var queue: Arena
  private(set) var count = 0
  /// States the merge marked expanded (ids `0..<expandedCount`).
  var expandedCount = 0
  var generation = 0
  /// Threads that move the table's states when it doubles.
  var growThreads = 1
  /// Queue states and the table generation whose pages the workers made resident already
  /// (`workAhead`).
  private var prefaulted = 0
  private var prefaultedHalf = -1

  /// A store for one-word states, stored as `word ^ escape`; nil when the mappings for
  /// `maxMemory` bytes cannot be reserved.
  init?(escape: UInt64, maxMemory: Int) {
    precondition(escape != 0 && escape & ~InlineSlot.stateMask == 0)
    self.escape = escape
    var slots = 16
    while slots < maxMemory / 4 { slots <<= 1 }
    guard let table = PageBuffer<UInt64>(capacity: slots, reserve: true),
      let queue = PageBuffer<UInt64>(capacity: max(16, maxMemory / 8), reserve: true)
    else { return nil }
    self.table = table
    self.queue = Arena(wordsPerState: 1, reserved: queue)
  }

  static var keepsParents: Bool { false }
  /// The merge marks each chunk's states expanded at once, and tells the next level by their
  /// flags: a batch keeps to one level.
  static var batchesKeepToOneLevel: Bool { true }

  var bytes: Int { queue.bytes + tableSize * 8 }
  /// The queue grows in place within its mapping; the table doubles in place.
  func growthBytes(inserting n: Int) -> Int {
    queue.growthBytes(adding: n) + doublingBytes(size: tableSize, count: count, adding: n, quarters: 3) { $0 * 8 }
  }
  var tableSize: Int { mask + 1 }
  var arena: ArenaView { queue.view(end: count) }
  var erased: StoredStates { .inline(self) }
  /// How many more states can be inserted before the table grows.
  var insertsBeforeGrowth: Int { tableSize / 4 * 3 - count }

  /// Workers never read the table: a batch may overlap any merge.
  func mayOverlapMerge(inserting inserts: Int) -> Bool { true }

  /// Gives the queue's pages of expanded states back to the kernel.
  mutating func forget(below id: Int) { queue.release(below: id) }

  /// The slot a probe for `word` starts at.
  @inline(__always)
  func home(_ word: UInt64) -> Int { Int(truncatingIfNeeded: InlineSlot.mix(word ^ escape) >> shift) }

  mutating func insertInitial(_ words: [UInt64], into run: inout MergeRun) {
    _ = insert(words[0], level: 0)
  }

  /// Inserts a one-word state found at breadth-first `level`, resuming at `hint` as
  /// `ExactStore.insert` does. Returns whether it was new, or else the slot's flags
  /// (`InlineSlot`).
  @inline(__always)
  mutating func insert(_ word: UInt64, level: Int, hint: Int? = nil) -> (inserted: Bool, flags: UInt64) {
    let stored = word ^ escape
    var slot = hint ?? home(word)
    while true {
      let entry = table[slot]
      if entry == 0 { break }
      if entry & InlineSlot.stateMask == stored { return (false, entry & ~InlineSlot.stateMask) }
      slot = (slot + 1) & mask
    }
    table[slot] = stored | InlineSlot.unexpanded | InlineSlot.parity(level)
    queue.append(word)
    count += 1
    if count * 4 > tableSize * 3 { grow() }
    return (true, 0)
  }

  /// Whether `word` is stored: a probe from its home, as the merge's.
  func contains(_ word: UInt64) -> Bool { flags(word) != nil }

  /// The flags of the slot holding `word`, if it is stored.
  func flags(_ word: UInt64) -> UInt64? {
    var slot = home(word)
    while table[slot] != 0 {
      if table[slot] & InlineSlot.stateMask == word ^ escape { return table[slot] & ~InlineSlot.stateMask }
      slot = (slot + 1) & mask
    }
    return nil
  }

  /// Clears the "not yet expanded" flag of the stored states `words[0..<count]`: the merge
  /// calls it for each chunk's states before it looks their successors up.
  func markExpanded(_ words: UnsafePointer<UInt64>, count: Int) {
    var homes = UpcomingHomes()
    defer { homes.free() }
    homes.start(words, count: count, store: self)
    for k in 0..<count {
      let stored = words[k] ^ escape
      var slot = homes.home(k, store: self)
      while true {
        let entry = table[slot]
        if entry & InlineSlot.stateMask == stored {
          table[slot] = entry & ~InlineSlot.unexpanded
          break
        }
        // Every state expanded is stored: its probe meets it before an empty slot.
        precondition(entry != 0, "an expanded state is missing from the inline table")
        slot = (slot + 1) & mask
      }
    }
  }

  /// Asks for the cache line of a table slot that a coming insert will probe: a new state, or
  /// a state marked expanded, is written there, so the line is asked for exclusively.
  @inline(__always)
  func prefetch(slot: Int) {
    guard slot <= mask else { return }
    commitcheck_prefetch_write(table.base + slot)
  }

  /// Gives the table's memory back to the kernel, for good: once the exploration is over, its
  /// states are read from a replay (`Exploration.replayed`), which needs the room. The table
  /// reads as empty afterwards.
  func releaseTable() {
    _ = table.release(below: table.capacity, from: 0)
  }

  /// Inline storage, several threads: the pages the merge will write first (the queue's next
  /// ones, and the table's next half shortly before it grows) are made resident by the
  /// workers ahead of time, instead of by the kernel, in the merge, as the merge writes them:
  /// `prefaultAhead` states at a time, at most twice that unused. In pieces of a huge page or
  /// less, which threads share out like chunks of states.
  mutating func workAhead() -> [@Sendable () -> Void] {
    var range = 0..<0
    if count + InlineStore.prefaultAhead > prefaulted {
      range = max(prefaulted, count)..<(count + 2 * InlineStore.prefaultAhead)
      prefaulted = range.upperBound
    }
    let nextHalf = insertsBeforeGrowth < InlineStore.prefaultAhead && prefaultedHalf != generation
    if range.isEmpty && !nextHalf { return [] }
    if nextHalf { prefaultedHalf = generation }
    return queue.populating(range) + (nextHalf ? table.populating(tableSize..<(2 * tableSize)) : [])
  }

  /// States whose pages a worker makes resident ahead of the merge (see `workAhead`).
  static let prefaultAhead = 1 << 18

  /// Checks the table: a power-of-two size at most three quarters full within its mapping, as many
  /// stored slots as states, each found from its home, and each state the queue still holds
  /// flagged expanded exactly when the merge marked it so. Not after `releaseTable`.
  func checkInvariants() {
    precondition(tableSize.nonzeroBitCount == 1 && count * 4 <= tableSize * 3 && tableSize <= table.capacity,
                 "table size or load wrong")
    precondition(1 << (64 - shift) == UInt64(tableSize), "table shift and size disagree")
    queue.checkInvariants(count: count)
    var stored = 0
    for slot in 0..<tableSize where table[slot] != 0 {
      stored += 1
      let word = (table[slot] & InlineSlot.stateMask) ^ escape
      precondition(contains(word), "slot \(slot) is not found from its home")
    }
    precondition(stored == count, "the table holds \(stored) states, the store counts \(count)")
    for id in 0..<count {
      guard let words = queue.words(of: id, count: count) else { continue }
      precondition(flags(words[0]).map { ($0 & InlineSlot.unexpanded == 0) == (id < expandedCount) } == true,
                   "queued state \(id) is missing from the table, or its expanded flag is wrong")
    }
  }
}
