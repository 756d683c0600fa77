import CommitCheckModel

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
  mutating func start(_ words: UnsafePointer<UInt64>, count: Int, store: InlineStore) {
    self.words = words
    self.count = count
    generation = store.generation
    for k in 0..<min(UpcomingHomes.ahead, count) { hash(k, store) }
  }

  /// The slot the insert of word `at` starts at; `at` counts up from 0 between `start`s.
  @inline(__always)
  mutating func home(_ at: Int, store: InlineStore) -> Int {
    if generation != store.generation {
      generation = store.generation
      for k in at..<min(at + UpcomingHomes.ahead, count) { hash(k, store) }
    }
    let home = homes[at % UpcomingHomes.ahead]
    if at + UpcomingHomes.ahead < count { hash(at + UpcomingHomes.ahead, store) }
    return home
  }

  @inline(__always)
  private func hash(_ k: Int, _ store: InlineStore) {
    assert(k >= 0 && k < count, "upcoming home out of range")
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
