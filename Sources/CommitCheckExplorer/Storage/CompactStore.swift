import CommitCheckPrefetch

/// Hash compaction: a state is known by a 64-bit fingerprint of its words. The table holds
/// fingerprints and ids, and the arena only the states not yet expanded (from `arenaStates.first`
/// on). Two states with one fingerprint count as one, so a state can be missed;
/// `omissionBound` says how likely that was.
///
/// Workers read a snapshot only while nothing inserts: a compact batch never overlaps a merge.
struct CompactStore: NumberedStorage {
  let wordsPerState: Int
  private(set) var arenaStates: Arena
  // Invariant: the table's size is a power of two, at most half full, so every probe ends. A
  // slot holds a fingerprint (never 0) in `fingerprints` and its id in `index`.
  private var index: PageBuffer<UInt32>
  private var fingerprints: PageBuffer<UInt64>
  private var mask: Int
  private(set) var count = 0
  private(set) var generation = 0

  init(wordsPerState: Int, capacity: Int = 16, arenaLimit: Int = 0) {
    self.wordsPerState = wordsPerState
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    index = PageBuffer(capacity: size)
    fingerprints = PageBuffer(capacity: size)
    mask = size - 1
    arenaStates = Arena(wordsPerState: wordsPerState, capacity: capacity)
    arenaStates.limit = arenaLimit
  }

  var bytes: Int { arenaStates.bytes + tableSize * 12 }
  /// Growth holds the old table and the new one, twice its size, at once.
  func growthBytes(inserting n: Int) -> Int {
    arenaStates.growthBytes(adding: n) + doublingBytes(size: tableSize, count: count, adding: n, quarters: 2) { $0 * 24 }
  }
  var tableSize: Int { mask + 1 }
  var arena: ArenaView { arenaStates.view(end: count) }
  var erased: StoredStates { .compact(self) }

  /// An upper bound on the probability that hash compaction missed a state: a state is missed
  /// only when its fingerprint equals an earlier state's, and among n uniformly distributed
  /// 64-bit fingerprints some two are equal with probability at most n(n-1)/2 / 2^64 (the
  /// birthday bound). Full fingerprints are stored, so the table's size adds no risk.
  var omissionBound: Double {
    let n = Double(count)
    return min(1, n * (n - 1) / 2 / 18_446_744_073_709_551_616.0)
  }

  func mayOverlapMerge(inserting inserts: Int) -> Bool { false }

  /// Inserts the packed state at `words` (see `ExactStore.insert`).
  mutating func insert(_ words: UnsafePointer<UInt64>, hint: Int?) -> (inserted: Bool, id: UInt32) {
    let fp = StateHash.fingerprint(words, count: wordsPerState)
    var slot = hint ?? Int(truncatingIfNeeded: fp) & mask
    while true {
      let entry = fingerprints[slot]
      if entry == 0 { break }
      if entry == fp { return (false, index[slot]) }
      slot = (slot + 1) & mask
    }
    let id = UInt32(count)
    fingerprints[slot] = fp
    index[slot] = id
    arenaStates.append(words)
    count += 1
    if count * 2 > tableSize { grow() }
    return (true, id)
  }

  func prefetch(slot: Int) {
    guard slot <= mask else { return }
    commitcheck_prefetch(fingerprints.base + slot)
  }

  /// The id of a state with the fingerprint of `words`, if any.
  func find(_ words: [UInt64]) -> UInt32? {
    let fp = StateHash.fingerprint(words, count: wordsPerState)
    var slot = Int(truncatingIfNeeded: fp) & mask
    while fingerprints[slot] != 0 {
      if fingerprints[slot] == fp { return index[slot] }
      slot = (slot + 1) & mask
    }
    return nil
  }

  /// Looks up packed states at once, as `ExactStore.findAll` does. One table, one probe
  /// sequence, no arena to compare against: fingerprint `ahead` lookups on and prefetch their
  /// slots, keeping the fingerprints for their turn.
  func findAll(_ words: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<Int32>, missing: UInt32,
               into ids: UnsafeMutableBufferPointer<UInt32>, ends: UnsafeMutableBufferPointer<Int>) {
    let count = positions.count, w = wordsPerState, mask = mask
    let fingerprints = fingerprints.base, index = index.base
    let ahead = 8
    withUnsafeTemporaryAllocation(of: UInt64.self, capacity: ahead) { upcoming in
      func fingerprintAhead(_ k: Int) {
        let fp = StateHash.fingerprint(words, from: Int(positions[k]) * w, count: w)
        upcoming[k % ahead] = fp
        commitcheck_prefetch(fingerprints + (Int(truncatingIfNeeded: fp) & mask))
      }
      for k in 0..<min(ahead, count) { fingerprintAhead(k) }
      for k in 0..<count {
        let fp = upcoming[k % ahead]
        if k + ahead < count { fingerprintAhead(k + ahead) }
        let at = Int(positions[k])
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
    }
  }

  /// Forgets the words of states below `id` (expanded ones), once they are at least half the
  /// arena.
  mutating func forget(below id: Int) {
    let first = arenaStates.first
    guard (id - first) * 2 >= count - first, id > first else { return }
    arenaStates.keep(from: id, count: count)
  }

  private mutating func grow() {
    generation += 1
    let size = tableSize * 2, newMask = size - 1
    let fresh = PageBuffer<UInt32>(capacity: size)
    let freshPrints = PageBuffer<UInt64>(capacity: size)
    for slot in 0..<tableSize where fingerprints[slot] != 0 {
      var s = Int(truncatingIfNeeded: fingerprints[slot]) & newMask
      while freshPrints[s] != 0 { s = (s + 1) & newMask }
      freshPrints[s] = fingerprints[slot]
      fresh[s] = index[slot]
    }
    fingerprints = freshPrints
    index = fresh
    mask = newMask
  }

  /// Checks the table: a power-of-two size at most half full, every id once, every held state
  /// found by its fingerprint.
  func checkInvariants() {
    precondition(tableSize.nonzeroBitCount == 1 && count * 2 <= tableSize, "table size or load wrong")
    arenaStates.checkInvariants(count: count)
    var seen = [Bool](repeating: false, count: count)
    for slot in 0..<tableSize where fingerprints[slot] != 0 {
      let id = Int(index[slot])
      precondition(id < count && !seen[id], "slot \(slot) holds an unknown or repeated id")
      seen[id] = true
    }
    precondition(!seen.contains(false), "a fingerprint is missing from the table")
    for id in arenaStates.first..<count {
      precondition(find(arenaStates.words(of: id, count: count)!) == UInt32(id), "state \(id) is not found again")
    }
  }
}
