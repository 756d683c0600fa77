import Dispatch

/// Stores each distinct global state once, as packed words in one arena.
///
/// Ids follow discovery order, so the BFS queue is implicit and parent links give shortest
/// counterexamples without a second search. The index is open addressing over 32-bit slots.
///
/// With hash compaction (`compact`), a state is known by a 64-bit fingerprint of its words:
/// the table holds fingerprints and ids, and the arena only the states not yet expanded
/// (from `arenaBase` on). Two states with one fingerprint count as one, so a state can be
/// missed; `omissionBound` says how likely that was.
struct StateStore {
  let wordsPerState: Int
  let compact: Bool
  /// Packed states by id, from id `arenaBase` on (always 0 unless `compact`).
  private(set) var arena: [UInt64] = []
  private(set) var arenaBase = 0
  // Invariant: the table's size is a power of two, at most half full, so every probe ends.
  // Exact: a slot holds `id + 1`; 0 means empty. Compact: a slot holds a fingerprint (never 0)
  // in `fingerprints` and its id in `index`.
  private var index: [UInt32]
  private var fingerprints: [UInt64] = []
  private var mask: Int
  private(set) var count = 0
  /// Counts the table's growths: a slot found before one is meaningless after it.
  private(set) var generation = 0
  /// Threads that rebuild the index when it grows (exact storage).
  var growThreads = 1

  init(wordsPerState: Int, compact: Bool = false, capacity: Int = 16) {
    self.wordsPerState = wordsPerState
    self.compact = compact
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    index = Array(repeating: 0, count: size)
    if compact { fingerprints = Array(repeating: 0, count: size) }
    mask = size - 1
    arena.reserveCapacity(capacity * wordsPerState)
  }

  /// Bytes the stored states and the table take (from counts, not allocator capacities, so the
  /// figure is the same on every run).
  var bytes: Int { arena.count * 8 + index.count * 4 + fingerprints.count * 8 }

  /// Slots in the table.
  var tableSize: Int { index.count }

  /// An upper bound on the probability that hash compaction missed a state: a state is missed
  /// only when its fingerprint equals an earlier state's, and among n uniformly distributed
  /// 64-bit fingerprints some two are equal with probability at most n(n-1)/2 / 2^64 (the
  /// birthday bound). Full fingerprints are stored, so the table's size adds no risk.
  var omissionBound: Double {
    let n = Double(count)
    return min(1, n * (n - 1) / 2 / 18_446_744_073_709_551_616.0)
  }

  @inline(__always)
  static func hash<Words: RandomAccessCollection<UInt64>>(_ words: Words, from offset: Int = 0, count: Int) -> Int
    where Words.Index == Int
  {
    Int(truncatingIfNeeded: fingerprint(words, from: offset, count: count))
  }

  /// A 64-bit hash of packed words; never 0 (0 marks an empty slot).
  @inline(__always)
  static func fingerprint<Words: RandomAccessCollection<UInt64>>(_ words: Words, from offset: Int = 0, count: Int)
    -> UInt64 where Words.Index == Int
  {
    var h: UInt64 = 0x243F_6A88_85A3_08D3
    for i in offset..<(offset + count) {
      h = (h ^ words[i]) &* 0x9E37_79B9_7F4A_7C15
      h ^= h >> 29
    }
    h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
    h ^= h >> 32
    return h == 0 ? 1 : h
  }

  @inline(__always)
  private func equals(_ id: Int, _ words: [UInt64]) -> Bool {
    let base = (id - arenaBase) * wordsPerState
    for i in 0..<wordsPerState where arena[base + i] != words[i] { return false }
    return true
  }

  /// Inserts a packed state; returns whether it was new and its id.
  ///
  /// `hint`, when given, is where a lookup of the same state (`findAll`) ended, at this
  /// `generation`: the first empty slot of its probe sequence then. Every slot before it held
  /// another state, and slots are never emptied, so probing resumes there.
  mutating func insert(_ words: [UInt64], hint: Int? = nil) -> (inserted: Bool, id: UInt32) {
    let fp = StateStore.fingerprint(words, count: wordsPerState)
    let (slot, found) = probe(words, fp, from: hint ?? Int(truncatingIfNeeded: fp) & mask)
    if let found { return (false, found) }
    let id = UInt32(count)
    if compact {
      fingerprints[slot] = fp
      index[slot] = id
    } else {
      index[slot] = id + 1
    }
    arena.append(contentsOf: words)
    count += 1
    if count * 2 > index.count { grow() }
    return (true, id)
  }

  /// The id of a stored state, if it is stored. Read-only, so workers may call it concurrently
  /// while nothing inserts.
  func find(_ words: [UInt64]) -> UInt32? {
    let fp = StateStore.fingerprint(words, count: wordsPerState)
    return probe(words, fp, from: Int(truncatingIfNeeded: fp) & mask).id
  }

  /// Probes from `start` for the state `words` (fingerprint `fp`): the slot holding it and its
  /// id, or the first empty slot.
  @inline(__always)
  private func probe(_ words: [UInt64], _ fp: UInt64, from start: Int) -> (slot: Int, id: UInt32?) {
    var slot = start
    while true {
      if compact {
        let entry = fingerprints[slot]
        if entry == 0 { return (slot, nil) }
        if entry == fp { return (slot, index[slot]) }
      } else {
        let entry = index[slot]
        if entry == 0 { return (slot, nil) }
        if equals(Int(entry - 1), words) { return (slot, entry - 1) }
      }
      slot = (slot + 1) & mask
    }
  }

  /// Looks up packed states at once: for each `k` in `positions`, the state at `words[k * w...]`,
  /// writing its id, or `missing` and the empty slot where the search ended (an `insert` hint)
  /// to `ids[k]` and `ends[k]`. Read-only like `find`.
  ///
  /// Lookups go in groups whose first probes are independent loads, so the processor overlaps
  /// their cache misses instead of waiting for each in turn: almost every lookup in a large
  /// run misses the cache twice (index, then arena).
  func findAll(_ words: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<Int32>, missing: UInt32,
               into ids: UnsafeMutableBufferPointer<UInt32>, ends: UnsafeMutableBufferPointer<Int>) {
    let count = positions.count
    let w = wordsPerState
    let group = 16
    if compact {
      // One table, one probe sequence: no arena to compare against.
      for k in 0..<count {
        let at = Int(positions[k])
        let fp = StateStore.fingerprint(words, from: at * w, count: w)
        var slot = Int(truncatingIfNeeded: fp) & mask
        var result = missing
        while fingerprints[slot] != 0 {
          if fingerprints[slot] == fp {
            result = index[slot]
            break
          }
          slot = (slot + 1) & mask
        }
        ids[at] = result
        ends[at] = slot
      }
      return
    }
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
            ends[Int(positions[start + k])] = slot
          }
          start += n
        }
      }
    }
  }

  /// Hash compaction: forgets the words of states below `id` (expanded ones), once they are
  /// at least half the arena. Exact storage keeps every state.
  mutating func forget(below id: Int) {
    guard compact, (id - arenaBase) * 2 >= count - arenaBase, id > arenaBase else { return }
    arena.removeFirst((id - arenaBase) * wordsPerState)
    arenaBase = id
  }

  /// The packed words of state `id`, if still held (always, with exact storage).
  func words(of id: Int) -> ArraySlice<UInt64>? {
    guard id >= arenaBase, id < count else { return nil }
    let base = (id - arenaBase) * wordsPerState
    return arena[base..<(base + wordsPerState)]
  }

  private mutating func grow() {
    generation += 1
    let size = index.count * 2
    var fresh = [UInt32](repeating: 0, count: size)
    let newMask = size - 1
    if compact {
      var freshPrints = [UInt64](repeating: 0, count: size)
      for (slot, fp) in fingerprints.enumerated() where fp != 0 {
        var s = Int(truncatingIfNeeded: fp) & newMask
        while freshPrints[s] != 0 { s = (s + 1) & newMask }
        freshPrints[s] = fp
        fresh[s] = index[slot]
      }
      fingerprints = freshPrints
    } else if growThreads > 1 && count >= 1 << 12 {
      rehash(into: &fresh, parts: growThreads)
    } else {
      for id in 0..<count {
        var slot = StateStore.hash(arena, from: id * wordsPerState, count: wordsPerState) & newMask
        while fresh[slot] != 0 { slot = (slot + 1) & newMask }
        fresh[slot] = UInt32(id + 1)
      }
    }
    index = fresh
    mask = newMask
  }

  /// Fills a new, empty index with every id, `parts` threads at once: thread `t` owns the
  /// slots of part `t` and places, in id order, the ids whose home slot is there. An id whose
  /// probe would run past its part is set aside and placed afterwards, probing on (with
  /// wrap-around) as usual; every slot it passes is occupied, as linear probing requires.
  private func rehash(into fresh: inout [UInt32], parts: Int) {
    let size = fresh.count, newMask = size - 1, w = wordsPerState, n = count
    let spilled = (0..<parts).map { _ in SpillList() }
    fresh.withUnsafeMutableBufferPointer { table in
      arena.withUnsafeBufferPointer { arena in
        let shared = UncheckedBox((table, arena))
        DispatchQueue.concurrentPerform(iterations: parts) { t in
          let (table, arena) = shared.value
          let lo = size / parts * t, hi = t == parts - 1 ? size : size / parts * (t + 1)
          for id in 0..<n {
            var slot = StateStore.hash(arena, from: id * w, count: w) & newMask
            guard slot >= lo && slot < hi else { continue }
            while slot < hi && table[slot] != 0 { slot += 1 }
            if slot == hi {
              spilled[t].ids.append(id)
            } else {
              table[slot] = UInt32(id + 1)
            }
          }
        }
      }
    }
    for list in spilled {
      for id in list.ids {
        var slot = StateStore.hash(arena, from: id * w, count: w) & newMask
        while fresh[slot] != 0 { slot = (slot + 1) & newMask }
        fresh[slot] = UInt32(id + 1)
      }
    }
  }
}

/// Ids one rehashing thread set aside; each thread writes only its own list.
private final class SpillList: @unchecked Sendable {
  var ids: [Int] = []
}
