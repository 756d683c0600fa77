import CommitCheckModel

/// How often one transition (or one failure budget) fired in an exploration, and how many states
/// it found first.
public struct CoverageEntry: Sendable, Hashable {
  /// The role whose processes take it; nil for the network's failures (loss, duplication,
  /// partition).
  public var role: String?
  /// The transition's name, or the failure kind (`crash`, `lose`, ...).
  public var transition: String
  /// Index into `TransitionSystem.transitions`; nil for a failure.
  public var transitionIndex: Int?
  /// The line the transition is written on; nil for a failure.
  public var line: Int?
  /// The explored moves it made (edges of the state graph).
  public var fired: Int
  /// The states it reached first: those whose breadth-first parent move it is.
  public var newStates: Int
}

/// Per-transition coverage of an exploration, as TLC's coverage report gives it per action:
/// moves made and distinct states found. Every move counts once, so `fired` sums to the
/// exploration's transitions; every state but the initial ones is found by exactly one move, so
/// `newStates` plus `initialStates` is its state count.
public struct Coverage: Sendable {
  /// One entry per protocol transition, in the model's order, then one per failure budget in
  /// force (`failureList`'s order).
  public var entries: [CoverageEntry]
  public var initialStates: Int
  /// The control states and protocol moves the explored graph uses (what `machines --explore`
  /// greys out when unused).
  public var usage: MachineUsage
  /// Control states no process is in, in any explored state.
  public var unreachedStates: [(role: String, state: String)]

  /// The protocol transitions that never fired.
  public var neverFired: [CoverageEntry] { entries.filter { $0.transitionIndex != nil && $0.fired == 0 } }
}

extension Exploration {
  /// Coverage of this exploration, read off its edges: a move's count is its edges, and a state's
  /// finder is the first edge from its breadth-first parent to it. The merge inserts successors
  /// in (source, move) order whatever the number of threads, so that first edge is the move that
  /// stored the state, and the attribution is the same for any number of threads.
  ///
  /// Needs the edges (`keepEdges`) and the states; on a partial exploration it covers the states
  /// expanded so far.
  public func coverage() -> Coverage {
    precondition(keptEdges && holdsStates, "coverage reads the edges and the parents")
    var entries = system.transitions.enumerated().map { t, info in
      CoverageEntry(role: system.roles[info.role].name, transition: info.name, transitionIndex: t,
                    line: info.range.start.line, fired: 0, newStates: 0)
    }
    // Failure entries by (kind, role): crash and recover per role, the others for the network.
    var failureEntry: [FailureKey: Int] = [:]
    for allowance in system.failureList {
      let role = allowance.role.flatMap { name in system.roles.firstIndex { $0.name == name } } ?? -1
      failureEntry[FailureKey(kind: allowance.kind.rawValue, role: role)] = entries.count
      entries.append(CoverageEntry(role: allowance.role, transition: allowance.kind.rawValue, transitionIndex: nil,
                                   line: nil, fired: 0, newStates: 0))
    }
    func entry(_ a: Action) -> Int {
      if a.transition >= 0 { return Int(a.transition) }
      let role = a.kind == .crash || a.kind == .recover ? system.processes[Int(a.process)].role : -1
      guard let e = failureEntry[FailureKey(kind: a.kind.name, role: role)] else {
        preconditionFailure("a \(a.kind.name) move without a budget for it")
      }
      return e
    }
    for e in 0..<edgeTargets.count { entries[entry(edgeActions[e])].fired += 1 }
    let parents = parents
    for s in initialCount..<stateCount {
      let parent = parents[s]
      guard let e = edges(of: parent).first(where: { edgeTargets[$0] == UInt32(s) }) else {
        preconditionFailure("state \(s) is not a successor of its parent")
      }
      entries[entry(edgeActions[e])].newStates += 1
    }
    let usage = machineUsage()
    var unreached: [(role: String, state: String)] = []
    for (r, role) in system.roles.enumerated() {
      for (s, name) in role.states.enumerated() where !usage.occupied[r][s] { unreached.append((role.name, name)) }
    }
    return Coverage(entries: entries, initialStates: initialCount, usage: usage, unreachedStates: unreached)
  }
}

private struct FailureKey: Hashable {
  var kind: String
  var role: Int
}
