import CommitCheckPrefetch

/// The states one process owns: their packed words, in the order it stored them, with an
/// open-addressing index of local ids, and what the distributed search keeps per state.
///
/// A state belongs to the rank `owner(of:)` picks from its hash, so each state is stored
/// exactly once in the job. Local ids follow the order states were stored in, level by level;
/// `global` holds each state's place in the breadth-first order of a single process
/// (`DistributedSearch` numbers them), which is what reports are decided by.
struct PartitionStore {
  let wordsPerState: Int
  private(set) var words: [UInt64] = []
  /// Local id + 1 per slot, 0 when empty; the slot count is a power of two, at most half full.
  private var slots: [UInt32]
  private var mask: Int
  /// Per state: its global breadth-first id (while its level is being found: the smallest
  /// `(parent's global id, move index)` key that reached it).
  var global: [UInt64] = []
  /// Per state: its parent's rank and local id (`rank << 32 | id`), `noParent` for an initial one.
  var parent: [UInt64] = []
  /// Per state: protocol moves into it from live-undecided states other than itself (the
  /// in-degree the cycle peeling counts down).
  var inDegree: [UInt32] = []
  /// Per state: `Flag` bits.
  var flags: [UInt8] = []

  static let noParent = UInt64.max

  enum Flag {
    /// A live process has not decided, and no recovery is forced (a member of the termination
    /// analysis).
    static let candidate: UInt8 = 1
    /// Every protocol unit enabled here has a self-loop: staying is a weakly fair run.
    static let fairLoop: UInt8 = 2
    /// Peeled: no cycle of protocol moves among live-undecided states passes through it.
    static let peeled: UInt8 = 4
  }

  init(wordsPerState: Int) {
    self.wordsPerState = wordsPerState
    slots = [UInt32](repeating: 0, count: 1 << 12)
    mask = (1 << 12) - 1
  }

  var count: Int { global.count }

  /// Bytes held: words, index and per-state arrays (at their capacity).
  var bytes: Int {
    words.capacity * 8 + slots.count * 4 + global.capacity * 8 + parent.capacity * 8 + inDegree.capacity * 4
      + flags.capacity
  }

  /// The 64-bit hash of a state's words (the partition and the index both use it).
  @inline(__always)
  static func hash(_ w: UnsafeBufferPointer<UInt64>) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15
    for x in w {
      h = (h ^ x) &* 0xBF58_476D_1CE4_E5B9
      h ^= h >> 31
    }
    h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
    return h ^ (h >> 32)
  }

  /// The rank that stores a state of this hash (the top bits, so that the index's low bits
  /// stay spread).
  @inline(__always)
  static func owner(hash: UInt64, ranks: Int) -> Int {
    Int((hash >> 32) % UInt64(ranks))
  }

  /// Asks for the index line a state of this hash is looked up in first.
  @inline(__always)
  func prefetchSlot(hash: UInt64) {
    slots.withUnsafeBufferPointer { commitcheck_prefetch($0.baseAddress! + (Int(truncatingIfNeeded: hash) & mask)) }
  }

  /// Asks for the words of the state in the first slot a state of this hash is looked up in
  /// (the slot's line asked for earlier by `prefetchSlot`).
  @inline(__always)
  func prefetchWords(hash: UInt64) {
    let v = slots[Int(truncatingIfNeeded: hash) & mask]
    guard v != 0 else { return }
    words.withUnsafeBufferPointer { commitcheck_prefetch($0.baseAddress! + (Int(v) - 1) * wordsPerState) }
  }

  /// The local id of a state, if stored.
  func find(_ w: UnsafeBufferPointer<UInt64>, hash: UInt64) -> Int? {
    var slot = Int(truncatingIfNeeded: hash) & mask
    while true {
      let v = slots[slot]
      if v == 0 { return nil }
      let id = Int(v) - 1
      if equal(id, w) { return id }
      slot = (slot + 1) & mask
    }
  }

  func find(_ w: [UInt64]) -> Int? {
    w.withUnsafeBufferPointer { b in find(b, hash: Self.hash(b)) }
  }

  /// Stores a state not stored yet; returns its local id.
  mutating func append(_ w: UnsafeBufferPointer<UInt64>, hash: UInt64, global g: UInt64, parent p: UInt64) -> Int {
    if 2 * (count + 1) > slots.count { grow() }
    let id = count
    words.append(contentsOf: w)
    global.append(g)
    parent.append(p)
    inDegree.append(0)
    flags.append(0)
    var slot = Int(truncatingIfNeeded: hash) & mask
    while slots[slot] != 0 { slot = (slot + 1) & mask }
    slots[slot] = UInt32(id + 1)
    return id
  }

  /// The words of local state `id`.
  func state(_ id: Int) -> ArraySlice<UInt64> {
    words[(id * wordsPerState)..<((id + 1) * wordsPerState)]
  }

  @inline(__always)
  private func equal(_ id: Int, _ w: UnsafeBufferPointer<UInt64>) -> Bool {
    let base = id * wordsPerState
    for i in 0..<wordsPerState where words[base + i] != w[i] { return false }
    return true
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [UInt32](repeating: 0, count: size)
    mask = size - 1
    words.withUnsafeBufferPointer { all in
      for id in 0..<count {
        let w = UnsafeBufferPointer(rebasing: all[(id * wordsPerState)..<((id + 1) * wordsPerState)])
        var slot = Int(truncatingIfNeeded: Self.hash(w)) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(id + 1)
      }
    }
  }
}
