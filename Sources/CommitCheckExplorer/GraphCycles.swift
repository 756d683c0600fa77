extension Exploration {
  /// Whether the kept edges close a cycle (a self-loop counts): exact, unlike `hasBackEdge`,
  /// which any move to the same or an earlier level sets.
  public func hasCycle() -> Bool { cycle() != nil }

  /// The edges of one cycle of the kept edges (a self-loop counts), in order, found by an
  /// iterative depth-first search; nil when the graph has none. Needs the edges (`keptEdges`).
  public func cycle() -> [Int]? {
    precondition(keptEdges, "a cycle search needs the edges")
    // 0: not seen, 1: on the search path, 2: done.
    var color = [UInt8](repeating: 0, count: stateCount)
    // The search path: each state with the next of its edges to follow.
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
        if color[target] == 1 {
          // The path from `target` to `state`, then this edge back: each entry's edge is the one
          // before its `next`.
          let from = stack.lastIndex { $0.state == target }!
          return stack[from...].map { $0.next - 1 }
        }
        if color[target] == 0 {
          color[target] = 1
          stack.append((target, edgeStart[target]))
        }
      }
    }
    return nil
  }

  /// A cycle's moves told briefly: `A[1] flip, A[1] flop`.
  public func describeCycle(_ edges: [Int]) -> String {
    edges.map { e in
      let action = edgeActions[e]
      let who = action.process >= 0 ? system.processes[Int(action.process)].name + " " : ""
      return who + system.actionName(action)
    }.joined(separator: ", ")
  }
}
