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

  @inline(__always)
  static func hash<Words: RandomAccessCollection<UInt64>>(_ words: Words, from offset: Int = 0, count: Int) -> Int
    where Words.Index == Int
  {
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

  /// The id of a stored state, if it is stored. Read-only, so workers may call it concurrently
  /// while nothing inserts.
  func find(_ words: [UInt64]) -> UInt32? {
    var slot = StateStore.hash(words, count: wordsPerState) & mask
    while true {
      let entry = index[slot]
      if entry == 0 { return nil }
      if equals(Int(entry - 1), words) { return entry - 1 }
      slot = (slot + 1) & mask
    }
  }

  /// Looks up packed states at once: for each `k` in `positions`, the state at `words[k * w...]`,
  /// writing its id, or `missing`, to `ids[k]`. Read-only like `find`.
  ///
  /// Lookups go in groups whose first probes are independent loads, so the processor overlaps
  /// their cache misses instead of waiting for each in turn: almost every lookup in a large
  /// run misses the cache twice (index, then arena).
  func findAll(_ words: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<Int32>, missing: UInt32,
               into ids: UnsafeMutableBufferPointer<UInt32>) {
    let count = positions.count
    let w = wordsPerState
    let group = 16
    index.withUnsafeBufferPointer { index in
      arena.withUnsafeBufferPointer { arena in
        var slots = (0..<group).map { _ in 0 }
        var entries = [UInt32](repeating: 0, count: group)
        var start = 0
        while start < count {
          let n = min(group, count - start)
          for k in 0..<n { slots[k] = StateStore.hash(words, from: Int(positions[start + k]) * w, count: w) & mask }
          for k in 0..<n { entries[k] = index[slots[k]] }
          // The candidates' words are again independent loads: most lookups end at the first.
          for k in 0..<n {
            let base = Int(positions[start + k]) * w
            var slot = slots[k]
            var entry = entries[k]
            var result = missing
            while entry != 0 {
              let at = Int(entry - 1) * w
              var equal = true
              for i in 0..<w where arena[at + i] != words[base + i] {
                equal = false
                break
              }
              if equal {
                result = entry - 1
                break
              }
              slot = (slot + 1) & mask
              entry = index[slot]
            }
            ids[Int(positions[start + k])] = result
          }
          start += n
        }
      }
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
