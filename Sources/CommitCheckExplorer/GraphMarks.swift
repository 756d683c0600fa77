import CommitCheckModel

/// What a state-graph drawing marks on states: those that violate an invariant (atomicity
/// included) and those that are blocked.
///
/// The explorer only records the first violation of each property; a drawing shows them all,
/// so every state is evaluated again here.
public struct StateMarks: Sendable {
  /// The properties each violating state breaks (`atomicity` first, then invariants in model
  /// order), keyed by state id.
  public var violations: [UInt32: [String]] = [:]
  /// States where no protocol move is enabled while a live process has not decided.
  public var blocked: Set<UInt32> = []
}

/// The states and edges of one counterexample, as ids into the exploration.
public struct GraphPath: Sendable {
  public var states: [UInt32]
  /// Indices into `edgeTargets`/`edgeActions`, one per step.
  public var edges: [Int]
}

extension Exploration {
  /// Marks every expanded state that violates atomicity or an invariant, or is blocked.
  public func stateMarks() -> StateMarks {
    var marks = StateMarks()
    let generator = SuccessorGenerator(system)
    let invariants = system.properties.indices.filter { system.properties[$0].kind == .invariant }
    for id in 0..<stateCount {
      let slots = state(UInt32(id))
      var broken: [String] = []
      if !generator.isAtomic(slots) { broken.append("atomicity") }
      for i in invariants where !generator.evaluate(property: i, in: slots) {
        broken.append(system.properties[i].name)
      }
      if !broken.isEmpty { marks.violations[UInt32(id)] = broken }
      guard id < hasProtocolMove.count, !hasProtocolMove[id] else { continue }
      let facts = generator.decisionFacts(slots)
      if facts.liveUndecided && !(system.fairRecovery && facts.recoveryPending) { marks.blocked.insert(UInt32(id)) }
    }
    return marks
  }

  /// The states and edges a trace walks through; nil when one of its steps is not an edge of
  /// this graph (the trace comes from another exploration, or edges were not kept).
  ///
  /// Under symmetry reduction the trace's concrete states stand for their orbits, and an edge
  /// of the quotient names its move as taken from the orbit's representative, so a step matches
  /// the edge to its orbit whatever instance took it.
  public func path(of trace: Trace) -> GraphPath? {
    func orbit(_ state: [Int]) -> UInt32? {
      var canonical = state
      symmetry?.canonicalize(&canonical)
      return id(of: canonical)
    }
    guard keptEdges, let first = trace.steps.first, let start = orbit(first.state) else { return nil }
    var path = GraphPath(states: [start], edges: [])
    for step in trace.steps.dropFirst() {
      guard let action = step.action, let target = orbit(step.state) else { return nil }
      let from = path.states[path.states.count - 1]
      guard Int(from) + 1 < edgeStart.count,
            let e = edges(of: from).first(where: {
              edgeTargets[$0] == target && (symmetry != nil || edgeActions[$0] == action)
            })
      else { return nil }
      path.states.append(target)
      path.edges.append(e)
    }
    return path
  }
}
