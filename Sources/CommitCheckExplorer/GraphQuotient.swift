import CommitCheckModel

/// The state graph with states merged when every process has the same control state and the
/// same crashed flag: the picture of a protocol that stays readable as N grows.
///
/// Crashed flags are part of the key so that a crash is an edge between two nodes rather than
/// invisible inside one. Edges are merged when they join the same two nodes by the same move
/// (process, transition and `choose` branches; or failure kind, process and channel or
/// partition); each merged node and edge says how
/// many states and transitions it stands for, so the counts add up to the explored graph.
public struct ControlQuotient: Sendable {
  public struct Node: Sendable {
    /// The first state (in discovery order) of the class: its control states label the node.
    public var representative: UInt32
    public var states: Int
    public var initial: Bool
    /// How many of its states violate an invariant, and how many are blocked.
    public var violating: Int
    public var blocked: Int
  }

  public struct Edge: Sendable {
    public var from: Int
    public var to: Int
    /// The move of the first transition merged into the edge.
    public var action: Action
    public var transitions: Int
  }

  /// The node of each state.
  public var nodeOf: [Int32]
  public var nodes: [Node]
  /// In order of first appearance in the explored graph.
  public var edges: [Edge]
  /// The merged edge of each explored edge (indexed like `edgeTargets`).
  public var edgeOf: [Int32]
}

struct QuotientEdgeKey: Hashable {
  var from: Int32
  var to: Int32
  var kind: ActionKind
  var process: Int32
  var transition: Int32
  var choice: Int32
  var message: Int32
}

extension Exploration {
  /// The number of nodes `controlQuotient` would have, without building its edges.
  public func controlClassCount() -> Int {
    var seen: Set<[Int]> = []
    for id in 0..<stateCount { seen.insert(controlKey(state(UInt32(id)))) }
    return seen.count
  }

  /// Merges states with the same control state and crashed flag of every process.
  public func controlQuotient(marks: StateMarks) -> ControlQuotient {
    var classes: [[Int]: Int32] = [:]
    var q = ControlQuotient(nodeOf: [], nodes: [], edges: [], edgeOf: [])
    q.nodeOf.reserveCapacity(stateCount)
    for id in 0..<stateCount {
      let key = controlKey(state(UInt32(id)))
      let c: Int32
      if let known = classes[key] {
        c = known
      } else {
        c = Int32(q.nodes.count)
        classes[key] = c
        q.nodes.append(ControlQuotient.Node(representative: UInt32(id), states: 0, initial: false,
                                            violating: 0, blocked: 0))
      }
      q.nodeOf.append(c)
      q.nodes[Int(c)].states += 1
      if id < initialCount { q.nodes[Int(c)].initial = true }
      if marks.violations[UInt32(id)] != nil { q.nodes[Int(c)].violating += 1 }
      if marks.blocked.contains(UInt32(id)) { q.nodes[Int(c)].blocked += 1 }
    }
    guard keptEdges else { return q }
    var merged: [QuotientEdgeKey: Int32] = [:]
    q.edgeOf = Array(repeating: -1, count: edgeTargets.count)
    for id in 0..<(edgeStart.count - 1) {
      for e in edges(of: UInt32(id)) {
        let a = edgeActions[e]
        let key = QuotientEdgeKey(from: q.nodeOf[id], to: q.nodeOf[Int(edgeTargets[e])], kind: a.kind,
                                  process: a.process, transition: a.transition,
                                  choice: a.kind.isFailure ? 0 : a.choice,
                                  message: a.kind.isFailure ? a.message : -1)
        let m: Int32
        if let known = merged[key] {
          m = known
        } else {
          m = Int32(q.edges.count)
          merged[key] = m
          q.edges.append(ControlQuotient.Edge(from: Int(key.from), to: Int(key.to), action: a, transitions: 0))
        }
        q.edges[Int(m)].transitions += 1
        q.edgeOf[e] = m
      }
    }
    return q
  }

  /// Each process's control state and crashed flag.
  func controlKey(_ slots: [Int]) -> [Int] {
    system.processes.indices.map {
      system.controlState(slots, process: $0) * 2 + (system.isCrashed(slots, process: $0) ? 1 : 0)
    }
  }
}
