import CommitCheckModel

/// What the merge records, source by source, whatever the store: the exploration's facts and
/// where the breadth-first order stands. A store's `merge` inserts the successors; `begin` and
/// `end` record the rest.
struct MergeRun {
  /// The exploration being made; the search sets its store when it ends.
  var ex: Exploration
  /// The next state to merge: states below it are expanded.
  var next = 0
  /// States below `levelEnd` are on `level`, the others stored so far on the next: the merge
  /// moves on to the next level only when it reaches `levelEnd`.
  var level = 0
  var levelEnd = 0
  let maxStates: Int
  let keepEdges: Bool

  init(_ ex: Exploration, maxStates: Int, keepEdges: Bool) {
    self.ex = ex
    self.maxStates = maxStates
    self.keepEdges = keepEdges
  }

  /// Starts merging source `k` of `chunk`, `stored` states being stored: records its
  /// violations, and returns its id, or nil where the search stops (a limit or a model error).
  /// `violations` is where the chunk's list of violations stands.
  @inline(__always)
  mutating func begin(_ k: Int, of chunk: ChunkLists, stored: Int, violations: inout Int) -> UInt32? {
    if next == levelEnd {
      level += 1
      levelEnd = stored
    }
    if stored >= maxStates {
      ex.stopReason = .maxStates
      return nil
    }
    let source = UInt32(chunk.sources[k])
    let info = chunk.info[k]
    if info.atomicityViolated, ex.firstViolation[0] == nil { ex.firstViolation[0] = source }
    if info.failed, let error = chunk.error {
      ex.runtimeError = (error, source)
      ex.stopReason = .runtimeError
      return nil
    }
    for v in violations..<(violations + Int(info.violations)) {
      let p = Int(chunk.violations[v])
      if ex.firstViolation[p + 1] == nil { ex.firstViolation[p + 1] = source }
    }
    violations += Int(info.violations)
    if keepEdges { ex.edgeStart.append(ex.edgeTargets.count) }
    if info.knownBackEdge { ex.hasBackEdge = true }
    return source
  }

  /// Ends merging `source`, whose successors are merged.
  @inline(__always)
  mutating func end(_ info: SourceInfo, source: UInt32) {
    ex.transitions += Int(info.successors)
    if keepEdges { ex.hasProtocolMove.append(info.protocolMoves > 0) }
    if info.liveUndecided && !info.recoveryForced {
      // No protocol move at all: blocked. A self-loop for every enabled fairness unit: each
      // can be taken without leaving, so staying forever is a weakly fair run: a livelock of
      // one state (`SourceInfo.fairLoop`). Under fair recovery neither, while a crashed process
      // may still recover: its recovery is forced.
      if info.protocolMoves == 0, ex.firstBlocked == nil { ex.firstBlocked = source }
      if info.fairLoop, ex.firstStuck == nil {
        ex.firstStuck = source
      }
    }
    next += 1
    ex.expanded = next
    ex.depth = level
  }
}
