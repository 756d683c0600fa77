import CommitCheckPrefetch
import Dispatch

extension ExactStore {
  /// Doubles the table, rebuilding it from the arena alone: the old one goes first, so the two
  /// are never held together.
  mutating func grow() {
    generation += 1
    let size = tableSize * 2
    index = PageBuffer(capacity: 1)
    let fresh = PageBuffer<UInt32>(capacity: size)
    let newMask = size - 1
    let w = wordsPerState
    if growThreads > 1 && count >= 1 << 12 {
      rehash(into: fresh, parts: growThreads)
    } else {
      let words = UnsafeBufferPointer(start: arenaStates.buffer.base, count: arenaStates.wordCount)
      for id in 0..<count {
        var slot = StateHash.hash(words, from: id * w, count: w) & newMask
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
  private func rehash(into fresh: PageBuffer<UInt32>, parts: Int) {
    let size = fresh.capacity, newMask = size - 1, w = wordsPerState, n = count
    let spilled = (0..<parts).map { _ in SpillList<Int>() }
    let arena = UnsafeBufferPointer(start: arenaStates.buffer.base, count: arenaStates.wordCount)
    let shared = UncheckedBox((fresh, arena))
    DispatchQueue.concurrentPerform(iterations: parts) { t in
      let (table, arena) = shared.value
      let lo = size / parts * t, hi = t == parts - 1 ? size : size / parts * (t + 1)
      // The slots are written at random: hash `ahead` ids on and prefetch their slots.
      let ahead = 16
      withUnsafeTemporaryAllocation(of: Int.self, capacity: ahead) { upcoming in
        for id in 0..<min(ahead, n) {
          let slot = StateHash.hash(arena, from: id * w, count: w) & newMask
          upcoming[id] = slot
          if slot >= lo && slot < hi { commitcheck_prefetch(table.base + slot) }
        }
        for id in 0..<n {
          var slot = upcoming[id % ahead]
          if id + ahead < n {
            let next = StateHash.hash(arena, from: (id + ahead) * w, count: w) & newMask
            upcoming[id % ahead] = next
            if next >= lo && next < hi { commitcheck_prefetch(table.base + next) }
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
        var slot = StateHash.hash(arena, from: id * w, count: w) & newMask
        while fresh[slot] != 0 { slot = (slot + 1) & newMask }
        fresh[slot] = UInt32(id + 1)
      }
    }
  }
}
