/// Stores each distinct global state once, as packed words in one arena.
///
/// Ids follow discovery order, so the BFS queue is implicit and parent links give shortest
/// counterexamples without a second search. The index is open addressing over 32-bit slots.
struct StateStore {
  let wordsPerState: Int
  private(set) var arena: [UInt64] = []
  // Invariant: `index.count` is a power of two, at most half full, so every probe ends.
  // A slot holds `id + 1`; 0 means empty.
  private var index: [UInt32]
  private var mask: Int
  private(set) var count = 0

  init(wordsPerState: Int, capacity: Int = 16) {
    self.wordsPerState = wordsPerState
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    index = Array(repeating: 0, count: size)
    mask = size - 1
    arena.reserveCapacity(capacity * wordsPerState)
  }

  /// Bytes the stored states and the index take (from counts, not allocator capacities, so the
  /// figure is the same on every run).
  var bytes: Int { count * wordsPerState * 8 + index.count * 4 }

  static func hash(_ words: [UInt64], from offset: Int = 0, count: Int) -> Int {
    var h: UInt64 = 0x243F_6A88_85A3_08D3
    for i in offset..<(offset + count) {
      h = (h ^ words[i]) &* 0x9E37_79B9_7F4A_7C15
      h ^= h >> 29
    }
    h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
    return Int(truncatingIfNeeded: h ^ (h >> 32))
  }

  @inline(__always)
  private func equals(_ id: Int, _ words: [UInt64]) -> Bool {
    if wordsPerState == 1 { return arena[id] == words[0] }
    let base = id * wordsPerState
    for i in 0..<wordsPerState where arena[base + i] != words[i] { return false }
    return true
  }

  /// Inserts a packed state; returns whether it was new and its id.
  mutating func insert(_ words: [UInt64]) -> (inserted: Bool, id: UInt32) {
    var slot = StateStore.hash(words, count: wordsPerState) & mask
    while true {
      let entry = index[slot]
      if entry == 0 { break }
      if equals(Int(entry - 1), words) { return (false, entry - 1) }
      slot = (slot + 1) & mask
    }
    let id = UInt32(count)
    index[slot] = id + 1
    arena.append(contentsOf: words)
    count += 1
    if count * 2 > index.count { grow() }
    return (true, id)
  }

  /// The id of a stored state, if it is stored.
  func find(_ words: [UInt64]) -> UInt32? {
    var slot = StateStore.hash(words, count: wordsPerState) & mask
    while true {
      let entry = index[slot]
      if entry == 0 { return nil }
      if equals(Int(entry - 1), words) { return entry - 1 }
      slot = (slot + 1) & mask
    }
  }

  private mutating func grow() {
    let size = index.count * 2
    var fresh = [UInt32](repeating: 0, count: size)
    let newMask = size - 1
    for id in 0..<count {
      var slot = StateStore.hash(arena, from: id * wordsPerState, count: wordsPerState) & newMask
      while fresh[slot] != 0 { slot = (slot + 1) & newMask }
      fresh[slot] = UInt32(id + 1)
    }
    index = fresh
    mask = newMask
  }
}
