extension InlineStore {
  /// Lists every successor of `out` but the self-loops as unknown, moving their words down in
  /// order, for the merge to look up and insert: the merge alone touches the table. Lookups
  /// here found too few: each successor not found (most of a batch's, since states recur
  /// within one) was probed twice, and the table's cache lines moved between the processors'
  /// caches.
  func lookUp(_ out: ExpansionOutput) {
    let pending = out.pending, info = out.info, words = out.words
    out.unresolved.extend(by: pending.count)
    let list = out.unresolved
    var listed = 0
    var cursor = 0
    for k in 0..<info.count {
      cursor += Int(info[k].successors)
      let before = listed
      while listed < pending.count && Int(pending[listed]) < cursor {
        let j = Int(pending[listed])
        list[listed] = Int32(j)
        words[listed] = words[j]
        listed += 1
      }
      info[k].unresolved = Int32(listed - before)
    }
  }

  /// Marks the chunk's states expanded, then looks up every successor but the self-loops (no
  /// edges are kept), 32 ahead of time (hashed and prefetched for writing), inserting the new
  /// ones on the next level.
  mutating func merge(_ chunk: ChunkLists, into run: inout MergeRun) -> Bool {
    let words = chunk.words, actions = chunk.actions, unresolved = chunk.unresolved
    var upcoming = UpcomingHomes()
    defer { upcoming.free() }
    if chunk.sources.count > 0 {
      // The chunk's states, all on the run's level, count as expanded from now on (see
      // `InlineSlot.isNextLevel`); their successors are looked up below.
      queue.withStates(from: chunk.sources[0], count: chunk.sources.count) { markExpanded($0, count: chunk.sources.count) }
      expandedCount = chunk.sources[0] + chunk.sources.count
      words.withElements(from: 0) { upcoming.start($0, count: unresolved.count, store: self) }
    }
    var listed = 0
    var violationCursor = 0
    for k in 0..<chunk.sources.count {
      guard run.begin(k, of: chunk, stored: count, violations: &violationCursor) != nil else { return false }
      let info = chunk.info[k]
      let next = run.level + 1
      for at in listed..<(listed + Int(info.unresolved)) {
        let home = upcoming.home(at, store: self)
        let (inserted, flags) = insert(words[at], level: next, hint: home)
        if !inserted && !InlineSlot.isNextLevel(flags, level: next) && !actions[Int(unresolved[at])].kind.isFailure {
          // On this level or a lower one: a move back to a smaller id, or across this level
          // (see `Exploration.hasBackEdge`).
          run.ex.hasBackEdge = true
        }
      }
      listed += Int(info.unresolved)
      run.end(info, source: UInt32(chunk.sources[k]))
    }
    return true
  }
}
