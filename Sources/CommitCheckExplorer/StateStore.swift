import CommitCheckPrefetch
import Dispatch
import Synchronization

/// Stores each distinct global state once, as packed words in one arena.
///
/// Ids follow discovery order, so the BFS queue is implicit and parent links give shortest
/// counterexamples without a second search. The index is open addressing over 32-bit slots.
///
/// With hash compaction (`compact`), a state is known by a 64-bit fingerprint of its words:
/// the table holds fingerprints and ids, and the arena only the states not yet expanded
/// (from `arenaBase` on). Two states with one fingerprint count as one, so a state can be
/// missed; `omissionBound` says how likely that was.
///
/// With inline storage (`inline`, for states of one word), the table holds the states
/// themselves and the arena is only the queue of states not yet expanded: see
/// `StateStore+Inline.swift`.
///
/// Copies share the table and the arena. Only the exploration that owns the store inserts;
/// a copy is a snapshot that workers read while the owner inserts (exact or inline storage):
/// with exact storage it sees every state below its own `count`, and treats any later one as
/// not yet known.
struct StateStore {
  let wordsPerState: Int
  let compact: Bool
  /// Packed states by id, from id `arenaBase` on (always 0 unless `compact`); the first
  /// `arenaCount` words are used. Append-only while exploring, so a copy of the store made
  /// earlier still reads its own states.
  var arena: PageBuffer<UInt64>
  var arenaCount = 0
  private(set) var arenaBase = 0
  // Invariant: the table's size is a power of two, at most half full, so every probe ends.
  // Exact: a slot holds `id + 1`; 0 means empty. Compact: a slot holds a fingerprint (never 0)
  // in `fingerprints` and its id in `index`.
  var index: PageBuffer<UInt32>
  private var fingerprints: PageBuffer<UInt64>?
  var mask: Int
  var count = 0
  /// Counts the table's growths: a slot found before one is meaningless after it.
  var generation = 0
  /// Threads that rebuild the index when it grows (exact storage), or move the inline table's
  /// states when it doubles.
  var growThreads = 1
  /// Words the arena may need at most (the explorer's memory limit): past `arenaInPlace`
  /// words, the arena moves once into a mapping of this size and then grows in place, instead
  /// of holding an old and a new copy at each doubling.
  var arenaLimit = 0
  static let arenaInPlace = 1 << 23
  /// Inline storage: the table holds the states themselves (`StateStore+Inline.swift`).
  let inline: Bool
  /// Inline storage: xor'ed into every stored state (a word no state can be).
  var escape: UInt64 = 0
  /// Inline storage: the table of states, mapped for the largest size the memory limit allows
  /// and grown in place; `shift` makes a hash's top bits a slot.
  var inlineTable: PageBuffer<UInt64>?
  var shift: UInt64 = 60
  /// Inline storage: the queue's words below this were given back to the kernel.
  var releasedWords = 0

  init(wordsPerState: Int, compact: Bool = false, capacity: Int = 16) {
    self.wordsPerState = wordsPerState
    self.compact = compact
    inline = false
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    index = PageBuffer(capacity: size)
    if compact { fingerprints = PageBuffer(capacity: size) }
    mask = size - 1
    arena = PageBuffer(capacity: capacity * wordsPerState)
  }

  /// Bytes the stored states and the table take (from counts, not capacities, so the figure is
  /// the same on every run).
  var bytes: Int {
    inline ? (arenaCount - releasedWords) * 8 + tableSize * 8 : arenaCount * 8 + tableSize * (compact ? 12 : 4)
  }

  /// Slots in the table.
  var tableSize: Int { mask + 1 }

  /// The words of the states from id `arenaBase` up to `count`, read-only: valid while this
  /// copy of the store lives, since the owner's later inserts never move or overwrite them.
  var arenaWords: UnsafePointer<UInt64> { UnsafePointer(arena.base) }

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
  private func equals(_ id: Int, _ words: UnsafePointer<UInt64>) -> Bool {
    let at = arena.base + (id - arenaBase) * wordsPerState
    for i in 0..<wordsPerState where at[i] != words[i] { return false }
    return true
  }

  /// Inserts a packed state; returns whether it was new and its id.
  ///
  /// `hint`, when given, is where a lookup of the same state (`findAll`) ended, at this
  /// `generation`: the first slot of its probe sequence that was empty, or held a state the
  /// lookup's snapshot did not know. Every slot before it held another state, and slots are
  /// never emptied, so probing resumes there.
  mutating func insert(_ words: [UInt64], hint: Int? = nil) -> (inserted: Bool, id: UInt32) {
    words.withUnsafeBufferPointer { insert($0.baseAddress!, hint: hint) }
  }

  /// Inserts the packed state whose words start at `words` (see `insert(_:hint:)`).
  /// On inline storage (initial states, at level 0), a state found has no id here: `UInt32.max`.
  mutating func insert(_ words: UnsafePointer<UInt64>, hint: Int? = nil) -> (inserted: Bool, id: UInt32) {
    if inline {
      let inserted = insertInline(words[0], level: 0, hint: hint).inserted
      return (inserted, inserted ? UInt32(count - 1) : UInt32.max)
    }
    // Exact storage needs the fingerprint only to find where to start.
    let fp = compact || hint == nil
      ? StateStore.fingerprint(UnsafeBufferPointer(start: words, count: wordsPerState), count: wordsPerState) : 0
    let (slot, found) = probe(words, fp, from: hint ?? Int(truncatingIfNeeded: fp) & mask)
    if let found { return (false, found) }
    let id = UInt32(count)
    if compact {
      fingerprints!.base[slot] = fp
      index.base[slot] = id
    } else {
      // Workers may be looking states up meanwhile (`findAll`): the slot is written atomically.
      StateStore.slots(index.base)[slot].store(id + 1, ordering: .relaxed)
    }
    if arenaCount + wordsPerState > arena.capacity {
      let doubled = 2 * (arenaCount + wordsPerState)
      let reserve = doubled > StateStore.arenaInPlace && arenaLimit > doubled
      arena = (reserve ? arena.copy(count: arenaCount, capacity: arenaLimit, reserve: true) : nil)
        ?? arena.copy(count: arenaCount, capacity: doubled)!
    }
    for i in 0..<wordsPerState { arena.base[arenaCount + i] = words[i] }
    arenaCount += wordsPerState
    count += 1
    if count * 2 > tableSize { grow() }
    return (true, id)
  }

  /// The exact index's slots, for the reads and writes that may overlap (a worker's lookup and
  /// the owner's insert). Relaxed atomics compile to plain loads and stores.
  @inline(__always)
  static func slots(_ base: UnsafeMutablePointer<UInt32>) -> UnsafeMutablePointer<Atomic<UInt32>> {
    UnsafeMutableRawPointer(base).assumingMemoryBound(to: Atomic<UInt32>.self)
  }

  /// How many more states can be inserted before the table grows.
  var insertsBeforeGrowth: Int { tableSize / 2 - count }

  /// Asks for the cache line of a table slot that a coming `insert` will probe.
  func prefetch(slot: Int) {
    guard slot <= mask else { return }
    if let inlineTable {
      // A new state, or a state marked expanded, is written there: ask for the line exclusively.
      commitcheck_prefetch_write(inlineTable.base + slot)
      return
    }
    if let fingerprints { commitcheck_prefetch(fingerprints.base + slot) } else { commitcheck_prefetch(index.base + slot) }
  }

  /// The id of a stored state, if it is stored. Read-only, so workers may call it concurrently
  /// while nothing inserts.
  func find(_ words: [UInt64]) -> UInt32? {
    // The inline table holds no ids: `Exploration.id(of:)` asks its second exploration.
    precondition(!inline, "find on an inline store")
    let fp = StateStore.fingerprint(words, count: wordsPerState)
    return words.withUnsafeBufferPointer { probe($0.baseAddress!, fp, from: Int(truncatingIfNeeded: fp) & mask).id }
  }

  /// Probes from `start` for the state `words` (fingerprint `fp`): the slot holding it and its
  /// id, or the first empty slot.
  @inline(__always)
  private func probe(_ words: UnsafePointer<UInt64>, _ fp: UInt64, from start: Int) -> (slot: Int, id: UInt32?) {
    var slot = start
    let index = index.base
    if let fingerprints = fingerprints?.base {
      while true {
        let entry = fingerprints[slot]
        if entry == 0 { return (slot, nil) }
        if entry == fp { return (slot, index[slot]) }
        slot = (slot + 1) & mask
      }
    }
    while true {
      let entry = index[slot]
      if entry == 0 { return (slot, nil) }
      if equals(Int(entry - 1), words) { return (slot, entry - 1) }
      slot = (slot + 1) & mask
    }
  }

  /// Looks up packed states at once: for each `k` in `positions`, the state at `words[k * w...]`,
  /// writing its id, or `missing` and the slot where the search ended (an `insert` hint) to
  /// `ids[k]` and `ends[k]`. Read-only like `find`.
  ///
  /// On a snapshot, the owner may insert meanwhile (exact storage). The search then ends, as
  /// missing, at the first slot that is empty or holds a state the snapshot does not know: every
  /// slot before it holds a known state that is not the one sought, and slots are never
  /// emptied, so an insert may resume there. Ids found are known states, hence right.
  ///
  /// Almost every lookup in a large run misses the cache twice: the table slot, then the
  /// arena words it points to. The lookups run as a pipeline over groups of `group`: while one
  /// group compares, the next group's slots are read (and their arena words prefetched) and the
  /// group after that is hashed (and its slots prefetched), so the misses of three groups are
  /// in flight at once instead of one at a time.
  func findAll(_ words: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<Int32>, missing: UInt32,
               into ids: UnsafeMutableBufferPointer<UInt32>, ends: UnsafeMutableBufferPointer<Int>) {
    // The inline table holds no ids, and only the merge reads it (`insertInline`).
    precondition(!inline, "findAll on an inline store")
    let count = positions.count
    let w = wordsPerState
    let index = index.base, mask = mask
    if let fingerprints = fingerprints?.base {
      // One table, one probe sequence, no arena to compare against: fingerprint `ahead`
      // lookups on and prefetch their slots, keeping the fingerprints for their turn.
      let ahead = 8
      withUnsafeTemporaryAllocation(of: UInt64.self, capacity: ahead) { upcoming in
        func fingerprintAhead(_ k: Int) {
          let fp = StateStore.fingerprint(words, from: Int(positions[k]) * w, count: w)
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
      return
    }
    let arena = arena.base, known = UInt32(self.count)
    let table = StateStore.slots(index)
    let group = 16, ring = 3 * group
    let groups = (count + group - 1) / group
    withUnsafeTemporaryAllocation(of: Int.self, capacity: ring) { slots in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: ring) { entries in
        // Stage 1: hash group g, prefetch its slots.
        func hashGroup(_ g: Int) {
          let r = g % 3 * group
          for k in (g * group)..<min(count, g * group + group) {
            let slot = StateStore.hash(words, from: Int(positions[k]) * w, count: w) & mask
            slots[r + k - g * group] = slot
            commitcheck_prefetch(index + slot)
          }
        }
        // Stage 2: read group g's slots, prefetch the arena words they point to.
        func readGroup(_ g: Int) {
          let r = g % 3 * group
          for k in 0..<(min(count, g * group + group) - g * group) {
            let entry = table[slots[r + k]].load(ordering: .relaxed)
            entries[r + k] = entry
            if entry != 0 && entry <= known { commitcheck_prefetch(arena + Int(entry - 1) * w) }
          }
        }
        // Stage 3: compare group g, probing on where the first slot held another state.
        func compareGroup(_ g: Int) {
          let r = g % 3 * group
          for k in (g * group)..<min(count, g * group + group) {
            let base = Int(positions[k]) * w
            var slot = slots[r + k - g * group]
            var entry = entries[r + k - g * group]
            var result = missing
            while entry != 0 && entry <= known {
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
              entry = table[slot].load(ordering: .relaxed)
            }
            ids[Int(positions[k])] = result
            ends[Int(positions[k])] = slot
          }
        }
        for g in -2..<groups {
          if g + 2 < groups { hashGroup(g + 2) }
          if g + 1 >= 0 && g + 1 < groups { readGroup(g + 1) }
          if g >= 0 { compareGroup(g) }
        }
      }
    }
  }

  /// Hash compaction: forgets the words of states below `id` (expanded ones), once they are
  /// at least half the arena. Inline storage gives their pages back. Exact storage keeps every
  /// state.
  mutating func forget(below id: Int) {
    if inline {
      releasedWords = arena.release(below: id * wordsPerState, from: releasedWords)
      return
    }
    guard compact, (id - arenaBase) * 2 >= count - arenaBase, id > arenaBase else { return }
    let kept = (count - id) * wordsPerState
    let fresh = PageBuffer<UInt64>(capacity: 2 * kept + wordsPerState)
    fresh.base.update(from: arena.base + (id - arenaBase) * wordsPerState, count: kept)
    arena = fresh
    arenaCount = kept
    arenaBase = id
  }

  /// The packed words of state `id`, if still held (always, with exact storage).
  func words(of id: Int) -> [UInt64]? {
    guard id >= arenaBase, id < count, id * wordsPerState >= releasedWords else { return nil }
    return Array(UnsafeBufferPointer(start: arena.base + (id - arenaBase) * wordsPerState, count: wordsPerState))
  }

  private mutating func grow() {
    generation += 1
    let size = tableSize * 2
    // Exact storage rebuilds the table from the arena alone: let the old one go first, so the
    // two are never held together.
    if fingerprints == nil { index = PageBuffer(capacity: 1) }
    let fresh = PageBuffer<UInt32>(capacity: size)
    let newMask = size - 1
    let w = wordsPerState
    if let old = fingerprints?.base {
      let freshPrints = PageBuffer<UInt64>(capacity: size)
      for slot in 0..<tableSize where old[slot] != 0 {
        var s = Int(truncatingIfNeeded: old[slot]) & newMask
        while freshPrints.base[s] != 0 { s = (s + 1) & newMask }
        freshPrints.base[s] = old[slot]
        fresh.base[s] = index.base[slot]
      }
      fingerprints = freshPrints
    } else if growThreads > 1 && count >= 1 << 12 {
      rehash(into: fresh.base, size: size, parts: growThreads)
    } else {
      let words = UnsafeBufferPointer(start: arena.base, count: arenaCount)
      for id in 0..<count {
        var slot = StateStore.hash(words, from: id * w, count: w) & newMask
        while fresh.base[slot] != 0 { slot = (slot + 1) & newMask }
        fresh.base[slot] = UInt32(id + 1)
      }
    }
    index = fresh
    mask = newMask
  }

  /// Fills a new, empty index with every id, `parts` threads at once: thread `t` owns the
  /// slots of part `t` and places, in id order, the ids whose home slot is there. An id whose
  /// probe would run past its part is set aside and placed afterwards, probing on (with
  /// wrap-around) as usual; every slot it passes is occupied, as linear probing requires.
  private func rehash(into table: UnsafeMutablePointer<UInt32>, size: Int, parts: Int) {
    let newMask = size - 1, w = wordsPerState, n = count
    let spilled = (0..<parts).map { _ in SpillList<Int>() }
    let arena = UnsafeBufferPointer(start: arena.base, count: arenaCount)
    let shared = UncheckedBox((table, arena))
    DispatchQueue.concurrentPerform(iterations: parts) { t in
      let (table, arena) = shared.value
      let lo = size / parts * t, hi = t == parts - 1 ? size : size / parts * (t + 1)
      // The slots are written at random: hash `ahead` ids on and prefetch their slots.
      let ahead = 16
      withUnsafeTemporaryAllocation(of: Int.self, capacity: ahead) { upcoming in
        for id in 0..<min(ahead, n) {
          let slot = StateStore.hash(arena, from: id * w, count: w) & newMask
          upcoming[id] = slot
          if slot >= lo && slot < hi { commitcheck_prefetch(table + slot) }
        }
        for id in 0..<n {
          var slot = upcoming[id % ahead]
          if id + ahead < n {
            let next = StateStore.hash(arena, from: (id + ahead) * w, count: w) & newMask
            upcoming[id % ahead] = next
            if next >= lo && next < hi { commitcheck_prefetch(table + next) }
          }
          guard slot >= lo && slot < hi else { continue }
          while slot < hi && table[slot] != 0 { slot += 1 }
          if slot == hi {
            spilled[t].items.append(id)
          } else {
            table[slot] = UInt32(id + 1)
          }
        }
      }
    }
    for list in spilled {
      for id in list.items {
        var slot = StateStore.hash(arena, from: id * w, count: w) & newMask
        while table[slot] != 0 { slot = (slot + 1) & newMask }
        table[slot] = UInt32(id + 1)
      }
    }
  }
}

/// What one thread rebuilding a table set aside, to be placed afterwards; each thread writes
/// only its own list.
final class SpillList<Item>: @unchecked Sendable {
  var items: [Item] = []
}
