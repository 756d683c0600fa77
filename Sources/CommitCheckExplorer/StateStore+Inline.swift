import CommitCheckModel
import CommitCheckPrefetch
import Dispatch

/// Inline storage: a state that fits in one word lives in the table itself, so a lookup reads
/// one slot instead of a slot and then the arena.
///
/// A slot holds the state's bits (below bit 62, xor'ed with `escape`, a word no state can be,
/// so that no stored slot is 0, which marks an empty one) and two flags: bit 62, set until the
/// state is expanded, and bit 63, the parity of its breadth-first level. The table holds no ids:
/// the arena is only the queue of states not yet expanded, and the explorer tells from the flags
/// whether a state found is on the next level (see `InlineSlot.isNextLevel`). Lookups are on the
/// hash's top bits, so the table stays in hash order and doubles in place (`growInline`),
/// within a mapping sized for the memory limit.
extension StateStore {
  /// A store for one-word states, stored as `word ^ escape`; nil when the mappings for
  /// `maxMemory` bytes cannot be reserved.
  init?(escape: UInt64, maxMemory: Int) {
    precondition(escape != 0 && escape & ~InlineSlot.stateMask == 0)
    wordsPerState = 1
    compact = false
    inline = true
    self.escape = escape
    var slots = 16
    while slots < maxMemory / 4 { slots <<= 1 }
    guard let table = PageBuffer<UInt64>(capacity: slots, reserve: true),
      let queue = PageBuffer<UInt64>(capacity: max(16, maxMemory / 8), reserve: true)
    else { return nil }
    inlineTable = table
    arena = queue
    arenaLimit = queue.capacity
    index = PageBuffer(capacity: 1)
    mask = 15
    shift = 60
  }

  /// The slot a probe for `word` starts at.
  @inline(__always)
  func home(_ word: UInt64) -> Int { Int(truncatingIfNeeded: InlineSlot.mix(word ^ escape) >> shift) }

  /// Inserts a one-word state found at breadth-first `level`, resuming at `hint` as
  /// `insert(_:hint:)` does. Returns whether it was new, or else the slot's flags
  /// (`InlineSlot`).
  ///
  /// Only the merge reads and writes an inline table (workers never look states up in it), so
  /// its slots are plain words.
  mutating func insertInline(_ word: UInt64, level: Int, hint: Int? = nil) -> (inserted: Bool, flags: UInt64) {
    let table = inlineTable!.base
    let stored = word ^ escape
    var slot = hint ?? home(word)
    while true {
      let entry = table[slot]
      if entry == 0 { break }
      if entry & InlineSlot.stateMask == stored { return (false, entry & ~InlineSlot.stateMask) }
      slot = (slot + 1) & mask
    }
    table[slot] = stored | InlineSlot.unexpanded | InlineSlot.parity(level)
    if arenaCount + 1 > arena.capacity {
      arena = arena.copy(count: arenaCount, capacity: 2 * (arenaCount + 1))!
    }
    arena.base[arenaCount] = word
    arenaCount += 1
    count += 1
    if count * 2 > tableSize { growInline() }
    return (true, 0)
  }

  /// Clears the "not yet expanded" flag of the stored states `words[0..<count]`: the merge
  /// calls it for each chunk's states before it looks their successors up.
  func markExpanded(_ words: UnsafePointer<UInt64>, count: Int) {
    let table = inlineTable!.base
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

  /// Gives the table's memory back to the kernel, for good: once the exploration is over, its
  /// states are read from a replica (`Exploration.state(_:)`), which needs the room. The table
  /// reads as empty afterwards.
  func releaseInlineTable() {
    guard let inlineTable else { return }
    _ = inlineTable.release(below: inlineTable.capacity, from: 0)
  }

  /// Work workers can do ahead for the owner's coming inserts: making resident the queue's
  /// words `queue`, and the table's next half when `nextHalf`, in pieces of a huge page or
  /// less, which threads share out like chunks of states.
  func prefault(queue: Range<Int>, nextHalf: Bool) -> [@Sendable () -> Void] {
    arena.populating(queue) + (nextHalf ? inlineTable!.populating(tableSize..<(2 * tableSize)) : [])
  }

  /// Doubles the table in place. A state's slot is its hash's top bits, or the first free slot
  /// after, so the table is in hash order and a state's new home is at least twice its old
  /// one. The old table is cut into regions of equal size (`growthRegions`), and region `r`
  /// moves into the slots that regions `2r` and `2r + 1` held. So the regions move top down
  /// in rounds: each round moves the upper half of the regions left, whose targets the round
  /// before vacated (the first round's lie above the old table). Regions of one round touch
  /// disjoint slots, and `growThreads` threads share them out. Region 0 moves last, into
  /// itself and the slots region 1 held. The states of the run that wraps around to the start
  /// are set aside first, and those that cannot move within their region's targets (see
  /// `moveRegion`) during the rounds; they are inserted last, as usual. The table comes out
  /// the same for any number of threads.
  private mutating func growInline() {
    generation += 1
    let old = tableSize, size = 2 * old
    let buffer = inlineTable!
    precondition(size <= buffer.capacity, "the inline state table outgrew its mapping")
    let table = buffer.base
    let newShift = shift - 1
    var aside: [UInt64] = []
    var start = 0
    while table[start] != 0 {
      aside.append(table[start])
      table[start] = 0
      start += 1
    }
    let regions = StateStore.growthRegions(old)
    let length = old / regions
    let spilled = (0..<regions).map { _ in SpillList<UInt64>() }
    let shared = UncheckedBox(table)
    @Sendable func move(_ r: Int) {
      StateStore.moveRegion(shared.value, r * length..<(r + 1) * length, shift: newShift, spill: spilled[r])
    }
    var high = regions
    while high > 1 {
      let low = high / 2
      if growThreads > 1 && low > 1 {
        DispatchQueue.concurrentPerform(iterations: low) { move(low + $0) }
      } else {
        for r in low..<high { move(r) }
      }
      high = low
    }
    move(0)
    mask = size - 1
    shift = newShift
    for entry in aside + spilled.flatMap(\.items) {
      var slot = Int(truncatingIfNeeded: InlineSlot.mix(entry & InlineSlot.stateMask) >> newShift)
      while table[slot] != 0 { slot = (slot + 1) & mask }
      table[slot] = entry
    }
  }

  /// The regions a table of `slots` slots grows in (see `growInline`): one region of 2^14
  /// slots (128 KB) or more, for up to 64 regions (a power of two), from 2^15 slots on.
  static func growthRegions(_ slots: Int) -> Int {
    var regions = 1
    while regions < 64 && regions << 15 <= slots { regions <<= 1 }
    return regions
  }

  /// Moves the states in the old table's slots `region` to their places in the table twice as
  /// large (homes `mix >> newShift`), walking down from the region's top. No state there lies
  /// below its home: the run that wraps around to the start was set aside. The region's
  /// targets, the slots from twice its start to twice its end, are empty but for the states
  /// this walk moved there and, in region 0, the states below the walk, not yet moved. A state
  /// moves to the first free slot from its new home on, passing only full slots, which stay
  /// full. It goes to `spill` instead when its new home lies below the targets or below the
  /// walk (a state pushed across from a region further down, or far from a home near the
  /// start), or when its probe would run past the targets.
  private static func moveRegion(_ table: UnsafeMutablePointer<UInt64>, _ region: Range<Int>, shift newShift: UInt64,
                                 spill: SpillList<UInt64>) {
    let lowest = 2 * region.lowerBound, end = 2 * region.upperBound
    var position = region.upperBound - 1
    while position >= region.lowerBound {
      let entry = table[position]
      if entry != 0 {
        table[position] = 0
        var slot = Int(truncatingIfNeeded: InlineSlot.mix(entry & InlineSlot.stateMask) >> newShift)
        if slot < position || slot < lowest {
          spill.items.append(entry)
        } else {
          while slot < end && table[slot] != 0 { slot += 1 }
          if slot == end { spill.items.append(entry) } else { table[slot] = entry }
        }
      }
      position -= 1
    }
  }
}

/// The merge's coming probes of an inline table, for the words of a list in order (a chunk's
/// successors, or its states to mark expanded): the slots they start at, hashed `ahead`
/// probes on and their lines prefetched (for writing), so that many cache misses are in
/// flight at once. Nothing else touches the table meanwhile.
struct UpcomingHomes {
  static let ahead = 32
  private let homes = UnsafeMutablePointer<Int>.allocate(capacity: UpcomingHomes.ahead)
  private var words: UnsafePointer<UInt64>?
  private var count = 0
  /// The table's generation when the homes were hashed: a growth moves them.
  private var generation = -1

  func free() { homes.deallocate() }

  /// Starts on the `count` words from `words`, inserted in order.
  mutating func start(_ words: UnsafePointer<UInt64>, count: Int, store: StateStore) {
    self.words = words
    self.count = count
    generation = store.generation
    for k in 0..<min(UpcomingHomes.ahead, count) { hash(k, store) }
  }

  /// The slot the insert of word `at` starts at; `at` counts up from 0 between `start`s.
  @inline(__always)
  mutating func home(_ at: Int, store: StateStore) -> Int {
    if generation != store.generation {
      generation = store.generation
      for k in at..<min(at + UpcomingHomes.ahead, count) { hash(k, store) }
    }
    let home = homes[at % UpcomingHomes.ahead]
    if at + UpcomingHomes.ahead < count { hash(at + UpcomingHomes.ahead, store) }
    return home
  }

  @inline(__always)
  private func hash(_ k: Int, _ store: StateStore) {
    let slot = store.home(words![k])
    homes[k % UpcomingHomes.ahead] = slot
    store.prefetch(slot: slot)
  }
}

/// The layout of an inline table's slot.
enum InlineSlot {
  /// The state's bits (xor'ed with the store's escape word).
  static let stateMask: UInt64 = (1 << 62) - 1
  /// Set until the state is expanded.
  static let unexpanded: UInt64 = 1 << 62
  /// The parity of the state's breadth-first level.
  @inline(__always)
  static func parity(_ level: Int) -> UInt64 { UInt64(level & 1) << 63 }

  /// A 64-bit mix of a one-word state (the finalizer of SplitMix64), whose top bits pick its
  /// slot.
  @inline(__always)
  static func mix(_ word: UInt64) -> UInt64 {
    var x = word
    x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
    x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
    return x ^ (x >> 31)
  }

  /// Whether a state found with `flags` (a slot's top two bits, in place) as the successor of a
  /// state on `level - 1` lies on `level`.
  ///
  /// Every state below `level - 1` is expanded by then, and none on `level` (the merge marks
  /// the states of each chunk expanded before it looks their successors up, in breadth-first
  /// order, and a chunk keeps to one level), and breadth-first search stores nothing beyond
  /// `level`. So a state not yet expanded lies on `level - 1` or on `level`, and its parity
  /// tells which.
  @inline(__always)
  static func isNextLevel(_ flags: UInt64, level: Int) -> Bool {
    flags & unexpanded != 0 && flags & parity(1) == parity(level)
  }

  /// The word no state of `layout` can be, xor'ed into every stored state so that none reads as
  /// an empty slot; nil when states take more than 62 bits, or exactly 62 with no such word.
  /// A slot whose largest value leaves a bit pattern unused gives one (that pattern); a state
  /// of at most 61 bits gives bit 61.
  static func escape(_ layout: StateLayout) -> UInt64? {
    guard layout.wordCount == 1 else { return nil }
    var bits = 0
    var slack: UInt64?
    for slot in 0..<layout.slotCount {
      let width = StateLayout.bitWidth(layout.maxValues[slot])
      bits = max(bits, Int(layout.shifts[slot]) + width)
      if width > 0, layout.maxValues[slot] < (1 << width) - 1, slack == nil {
        slack = layout.masks[slot] << layout.shifts[slot]
      }
    }
    if bits <= 61 { return 1 << 61 }
    return bits == 62 ? slack : nil
  }
}
