import CommitCheckPrefetch

extension ExactStore {
  /// Looks up packed states at once: for each `k` in `positions`, the state at `words[k * w...]`,
  /// writing its id, or `missing` and the slot where the search ended (an `insert` hint) to
  /// `ids[k]` and `ends[k]`. Read-only like `find`.
  ///
  /// On a snapshot, the owner may insert meanwhile. The search then ends, as missing, at the
  /// first slot that is empty or holds a state the snapshot does not know: every slot before
  /// it holds a known state that is not the one sought, and slots are never emptied, so an
  /// insert may resume there. Ids found are known states, hence right.
  ///
  /// Almost every lookup in a large run misses the cache twice: the table slot, then the
  /// arena words it points to. The lookups run as a pipeline over groups of `group`: while one
  /// group compares, the next group's slots are read (and their arena words prefetched) and the
  /// group after that is hashed (and its slots prefetched), so the misses of three groups are
  /// in flight at once instead of one at a time.
  func findAll(_ words: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<Int32>, missing: UInt32,
               into ids: UnsafeMutableBufferPointer<UInt32>, ends: UnsafeMutableBufferPointer<Int>) {
    let count = positions.count
    let w = wordsPerState
    let index = index.base, mask = mask
    let arena = arenaStates.buffer.base, known = UInt32(self.count)
    let group = 16, ring = 3 * group
    let groups = (count + group - 1) / group
    withUnsafeTemporaryAllocation(of: Int.self, capacity: ring) { slots in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: ring) { entries in
        // Stage 1: hash group g, prefetch its slots.
        func hashGroup(_ g: Int) {
          let r = g % 3 * group
          for k in (g * group)..<min(count, g * group + group) {
            let slot = StateHash.hash(words, from: Int(positions[k]) * w, count: w) & mask
            slots[r + k - g * group] = slot
            commitcheck_prefetch(index + slot)
          }
        }
        // Stage 2: read group g's slots, prefetch the arena words they point to.
        func readGroup(_ g: Int) {
          let r = g % 3 * group
          for k in 0..<(min(count, g * group + group) - g * group) {
            let entry = sharedSlot(slots[r + k])
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
              entry = sharedSlot(slot)
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
}
