import CommitCheckModel

extension Exploration {
  /// Whether the kept edges close a cycle (a self-loop counts), by an iterative depth-first
  /// search: exact, unlike `hasBackEdge`, which any move to the same or an earlier level sets.
  ///
  /// Needs the edges (`keptEdges`).
  public func hasCycle() -> Bool {
    precondition(keptEdges, "hasCycle needs the edges")
    // 0: not seen, 1: on the search path, 2: done.
    var color = [UInt8](repeating: 0, count: stateCount)
    var stack: [(state: Int, next: Int)] = []
    for root in 0..<stateCount where color[root] == 0 {
      color[root] = 1
      stack.append((root, edgeStart[root]))
      while let (state, next) = stack.last {
        if next == edgeStart[state + 1] {
          color[state] = 2
          stack.removeLast()
          continue
        }
        stack[stack.count - 1].next += 1
        let target = Int(edgeTargets[next])
        if color[target] == 1 { return true }
        if color[target] == 0 {
          color[target] = 1
          stack.append((target, edgeStart[target]))
        }
      }
    }
    return false
  }
}

extension Exploration {
  /// The bytes the finished exploration holds: its states, parents and edges (counted as the
  /// search counts them against the memory limit).
  public var heldBytes: Int {
    storeBytes + (holdsStates ? stateCount * 4 : 0) + edgeTargets.count * (4 + MemoryLayout<Action>.stride)
      + edgeStart.count * 8
  }
}
