import CommitCheckModel

/// A protocol move seen from one role's state machine: which transition (and `choose` branches)
/// took a process from which control state to which.
public struct MachineMove: Sendable, Hashable {
  public var transition: Int
  public var choice: Int32
  public var from: Int
  public var to: Int

  public init(transition: Int, choice: Int32, from: Int, to: Int) {
    self.transition = transition
    self.choice = choice
    self.from = from
    self.to = to
  }
}

/// Which parts of the role state machines the explored graph uses: control states some process
/// is in, and moves some transition makes. What is left over is dead protocol code (under the
/// failures explored).
public struct MachineUsage: Sendable {
  /// Per role, per control state: whether a process of the role is in it in some state.
  public var occupied: [[Bool]]
  /// Per transition: whether some edge takes it (for a step with parameters, its first
  /// valuation stands for all, as the drawing does: `TransitionSystem.drawnTransitions`).
  public var taken: [Bool]
  public var moves: Set<MachineMove>
}

extension Exploration {
  /// The control states and protocol moves that reachable states and their edges use.
  public func machineUsage() -> MachineUsage {
    let processCount = system.processes.count
    var usage = MachineUsage(occupied: system.roles.map { Array(repeating: false, count: $0.states.count) },
                             taken: Array(repeating: false, count: system.transitions.count), moves: [])
    // Control states of every state first, so each edge is two array reads.
    var control = [Int32](repeating: 0, count: stateCount * processCount)
    for id in 0..<stateCount {
      let slots = state(UInt32(id))
      for p in 0..<processCount {
        let s = system.controlState(slots, process: p)
        control[id * processCount + p] = Int32(s)
        usage.occupied[system.processes[p].role][s] = true
      }
    }
    guard keptEdges else { return usage }
    // The drawing shows one edge per declaration of a step with parameters.
    let drawn = system.drawnTransitions
    for id in 0..<(edgeStart.count - 1) {
      for e in edges(of: UInt32(id)) {
        let a = edgeActions[e]
        guard a.transition >= 0, a.process >= 0 else { continue }
        let p = Int(a.process)
        let target = Int(edgeTargets[e])
        usage.taken[drawn[Int(a.transition)]] = true
        usage.moves.insert(MachineMove(transition: drawn[Int(a.transition)], choice: a.choice,
                                       from: Int(control[id * processCount + p]),
                                       to: Int(control[target * processCount + p])))
      }
    }
    return usage
  }
}
