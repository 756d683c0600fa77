extension InlineStore {
  /// Lists the chunk's successors for the merge to look up and insert, moving their words down
  /// in order: the merge alone touches the table. Lookups here found too few: each successor
  /// not found (most of a batch's, since states recur within one) was probed twice, and the
  /// table's cache lines moved between the processors' caches.
  ///
  /// Left out: self-loops, and the successors the chunk listed already (`seen`, a small table
  /// of the chunk's own, in this processor's cache). A state's first occurrence is inserted or
  /// found; a later one would find it with the same flags, or the next level's, and the merge
  /// would learn nothing from it, unless it is a protocol move where the earlier ones are
  /// failures (`hasBackEdge` counts protocol moves alone): such an occurrence is listed too.
  /// About two thirds of TwoPhase's successors are left out so, which takes that much work off
  /// the merge, the one thread that inserts (see the README's performance section).
  func lookUp(_ out: ExpansionOutput) {
    let pending = out.pending, info = out.info, words = out.words, actions = out.actions
    out.unresolved.extend(by: pending.count)
    let list = out.unresolved
    var size = 64
    while size < 2 * pending.count { size <<= 1 }
    out.seen.removeAll()
    out.seen.extend(by: size)
    let seen = out.seen
    seen.mutableBuffer.update(repeating: 0)
    let seenMask = size - 1
    // Set in `seen` once a protocol move listed the state.
    let byProtocolMove: UInt64 = 1 << 63
    var listed = 0
    var next = 0
    var cursor = 0
    for k in 0..<info.count {
      cursor += Int(info[k].successors)
      let before = listed
      while next < pending.count && Int(pending[next]) < cursor {
        let j = Int(pending[next])
        next += 1
        let key = words[j] ^ escape
        let failure = actions[j].kind.isFailure
        var slot = Int(truncatingIfNeeded: InlineSlot.mix(key)) & seenMask
        var listIt = true
        while true {
          let entry = seen[slot]
          if entry == 0 {
            seen[slot] = failure ? key : key | byProtocolMove
            break
          }
          if entry & InlineSlot.stateMask == key {
            if entry & byProtocolMove != 0 || failure { listIt = false } else { seen[slot] = key | byProtocolMove }
            break
          }
          slot = (slot + 1) & seenMask
        }
        guard listIt else { continue }
        list[listed] = Int32(j)
        words[listed] = words[j]
        listed += 1
      }
      info[k].unresolved = Int32(listed - before)
    }
    out.unresolved.removeLast(pending.count - listed)
  }

  /// Marks the chunk's states expanded, then looks up the successors `lookUp` listed (no edges
  /// are kept), 32 ahead of time (hashed and prefetched for writing), inserting the new ones on
  /// the next level.
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
