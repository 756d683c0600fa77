/// A store whose table holds ids (`ExactStore`, `CompactStore`): workers look successors up in
/// a snapshot, and the merge inserts only those still unknown, resuming each probe where the
/// lookup ended.
protocol NumberedStorage: StateStorage {
  var wordsPerState: Int { get }
  /// Inserts the packed state at `words`, resuming at `hint` (see `ExactStore.insert`).
  mutating func insert(_ words: UnsafePointer<UInt64>, hint: Int?) -> (inserted: Bool, id: UInt32)
  /// Asks for the cache line of a table slot that a coming `insert` will probe.
  func prefetch(slot: Int)
  /// Looks up the states at `positions` of `words` (see `ExactStore.findAll`).
  func findAll(_ words: UnsafeBufferPointer<UInt64>, positions: UnsafeBufferPointer<Int32>, missing: UInt32,
               into ids: UnsafeMutableBufferPointer<UInt32>, ends: UnsafeMutableBufferPointer<Int>)
}

extension NumberedStorage {
  static var keepsParents: Bool { true }
  static var batchesKeepToOneLevel: Bool { false }
  mutating func workAhead() -> [@Sendable () -> Void] { [] }

  mutating func insertInitial(_ words: [UInt64], into run: inout MergeRun) {
    let inserted = words.withUnsafeBufferPointer { insert($0.baseAddress!, hint: nil).inserted }
    if inserted { run.ex.storedParents.append(UInt32.max) }
  }

  /// Looks up the successors of `out` in this snapshot and lists those still unknown.
  func lookUp(_ out: ExpansionOutput) {
    // Every successor is pending (the lookups write its target and hint) or a self-loop (its
    // target and a hint, never used, written here), so none needs filling first.
    let total = out.actions.count
    out.targets.extend(by: total)
    out.hints.extend(by: total)
    let targets = out.targets, hints = out.hints
    for j in out.selfLoops.buffer {
      targets[Int(j)] = ExpansionOutput.selfLoop
      hints[Int(j)] = 0
    }
    findAll(out.words.buffer, positions: out.pending.buffer, missing: ExpansionOutput.unknown,
            into: targets.mutableBuffer, ends: hints.mutableBuffer)
    // List the successors still unknown, without a branch per successor (about one in twelve
    // is unknown, at random). `unknown` and `selfLoop` exceed every id, so `target < source`
    // holds only for a stored state found with a smaller id.
    // Written at `listed` before it moves past, so never read unwritten. The hints of the
    // successors still unknown move down to `listed` too, so that the merge reads them in
    // sequence: `listed` never passes `j`.
    out.unresolved.extend(by: total)
    let list = out.unresolved, actions = out.actions, info = out.info, sources = out.sources
    var listed = 0
    var cursor = 0
    for k in 0..<info.count {
      let source = UInt32(sources[k])
      let before = listed
      for j in cursor..<(cursor + Int(info[k].successors)) {
        let target = targets[j]
        list[listed] = Int32(j)
        hints[listed] = hints[j]
        listed += target == ExpansionOutput.unknown ? 1 : 0
        if target < source && !actions[j].kind.isFailure { info[k].knownBackEdge = true }
      }
      info[k].unresolved = Int32(listed - before)
      cursor += Int(info[k].successors)
    }
    out.unresolved.removeLast(total - listed)
  }

  /// Inserts the chunk's successors the workers did not find, in source order, with their
  /// parents, and the edges when they are kept.
  mutating func merge(_ chunk: ChunkLists, into run: inout MergeRun) -> Bool {
    let targets = chunk.targets, words = chunk.words, actions = chunk.actions, unresolved = chunk.unresolved
    let hints = chunk.hints, generation = chunk.generation, keepEdges = run.keepEdges
    let w = wordsPerState
    var cursor = 0
    var unresolvedCursor = 0
    var violationCursor = 0
    for k in 0..<chunk.sources.count {
      guard let source = run.begin(k, of: chunk, stored: count, violations: &violationCursor) else { return false }
      let info = chunk.info[k]
      // Workers already found the successors stored before this batch (and self-loops), and
      // whether one of those is a back edge; only the rest need the store, in this order.
      // Without edges to record, only those are visited.
      let visit = keepEdges ? Int(info.successors) : Int(info.unresolved)
      // The successors still unknown so far, and the slots their inserts probe first (likely
      // out of the cache: asked for 8 inserts ahead).
      var unknowns = unresolvedCursor
      let prefetch = !keepEdges && generation == self.generation
      for u in 0..<visit {
        let j = keepEdges ? u : Int(unresolved[unresolvedCursor + u]) - cursor
        var target = targets[cursor + j]
        if target == ExpansionOutput.unknown {
          if prefetch, unknowns + 8 < unresolved.count { self.prefetch(slot: hints[unknowns + 8]) }
          let hint = generation == self.generation ? hints[unknowns] : nil
          unknowns += 1
          let (inserted, found) = words.withElements(from: (cursor + j) * w) { insert($0, hint: hint) }
          if inserted { run.ex.storedParents.append(source) }
          target = found
        } else if target == ExpansionOutput.selfLoop {
          target = source
        }
        let action = actions[cursor + j]
        if keepEdges {
          run.ex.edgeTargets.append(target)
          run.ex.edgeActions.append(action)
        }
        // Ids grow along every path without a cycle, so a cycle needs an edge back to an id
        // no larger than its source: none (but self-loops) means no livelock elsewhere.
        if !action.kind.isFailure && target < source { run.ex.hasBackEdge = true }
      }
      cursor += Int(info.successors)
      unresolvedCursor += Int(info.unresolved)
      run.end(info, source: source)
    }
    return true
  }
}

extension RawList {
  /// Calls `body` with the elements from `at` on (none when `at` is `count`), which must not
  /// escape it.
  @inline(__always)
  func withElements<R>(from at: Int, _ body: (UnsafePointer<Element>) -> R) -> R {
    assert(at >= 0 && at <= count, "raw list index out of range")
    return body(base + at)
  }
}
