import CommitCheckModel

extension Exploration {
  /// A small exploration that stands for one made elsewhere (the distributed search): only the
  /// states a report names, their breadth-first paths and, for the termination analysis, a
  /// part of the graph with its edges. `states` must be in the order of the real exploration's
  /// ids (the analyses on the finished graph depend only on that order), `parents` are indices
  /// into `states` (`UInt32.max` for none), and `edges`, when given, lists each state's moves
  /// in the order the successor function makes them.
  ///
  /// The report's figures (states, transitions, depth, bytes) are the real run's: the caller
  /// sets them on the `CheckReport` it makes from this.
  package static func witness(
    of system: TransitionSystem, states: [[UInt64]], parents: [UInt32],
    edges: [[(target: UInt32, action: Action)]]?, firstViolation: [UInt32?], firstBlocked: UInt32?,
    firstStuck: UInt32?, hasBackEdge: Bool, stopReason: StopReason?,
    runtimeError: (error: ModelRuntimeError, state: UInt32)?
  ) -> Exploration {
    var store = ExactStore(wordsPerState: system.layout.wordCount, capacity: max(16, 2 * states.count))
    var list = ParentList(capacity: states.count + 1)
    for (k, words) in states.enumerated() {
      let id = words.withUnsafeBufferPointer { store.insert($0.baseAddress!, hint: nil).id }
      precondition(Int(id) == k, "witness states must be distinct")
      list.append(parents[k])
    }
    var ex = Exploration(system: system, store: .exact(store))
    ex.storedParents = list
    ex.firstViolation = firstViolation
    ex.firstBlocked = firstBlocked
    ex.firstStuck = firstStuck
    ex.hasBackEdge = hasBackEdge
    ex.stopReason = stopReason
    ex.runtimeError = runtimeError
    if let edges {
      for moves in edges {
        ex.edgeStart.append(ex.edgeTargets.count)
        ex.hasProtocolMove.append(moves.contains { !$0.action.kind.isFailure })
        for m in moves {
          ex.edgeTargets.append(m.target)
          ex.edgeActions.append(m.action)
        }
      }
      ex.edgeStart.append(ex.edgeTargets.count)
    }
    return ex
  }
}

extension Exploration {
  /// The fair cycle a single process's `eventually` analysis finds among the witness's first
  /// `count` states (with their edges): over protocol moves, in the strongly connected
  /// component with the smallest state that admits one. Nil when none does.
  package func firstFairCycle(amongFirst count: Int) -> [UInt32]? {
    let members = (0..<UInt32(count)).map { $0 }
    for component in nontrivialComponents(members, member: { $0 < count }) {
      if let cycle = fairCycle(component) { return cycle }
    }
    return nil
  }
}

extension ExplorationProgress {
  /// A progress snapshot made by another module's search (the distributed one).
  package static func figures(states: Int, depth: Int, seconds: Double, bytes: Int) -> ExplorationProgress {
    ExplorationProgress(states: states, transitions: 0, depth: depth, seconds: seconds, bytes: bytes)
  }
}
