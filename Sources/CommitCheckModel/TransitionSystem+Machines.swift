import CommitCheckLanguage

/// One arrow of a role's state machine: a transition, with the `choose` branches it took, from
/// one control state to another.
///
/// The arrows come from what the compiler recorded of each transition: the control states it
/// is enabled in, and the targets and sends of each path through its body.
public struct MachineEdge: Sendable, Hashable {
  /// Index into `TransitionSystem.transitions`, whose trigger and guard the edge is drawn with.
  public var transition: Int
  /// The branches taken, encoded as `Action.choice` encodes them.
  public var choice: Int32
  public var from: Int
  public var to: Int
  /// The name an action along this edge gets (`vote.vote_yes`), as `actionName` gives it.
  public var name: String
  /// The messages sent on the way, in order, without repeats.
  public var sends: [MessageSend]
}

/// A role's state machine: its control states (from `RoleInfo`) and the arrows between them.
public struct RoleMachine: Sendable {
  public var role: Int
  /// Sorted by transition, choice, source and target.
  public var edges: [MachineEdge]
}

extension TransitionSystem {
  /// Each role's state machine, one edge per transition path and pair of control states. The
  /// valuations of a step with parameters share one declaration, so the first stands for all:
  /// they go between the same control states with the same sends.
  public var roleMachines: [RoleMachine] {
    var machines = roles.indices.map { RoleMachine(role: $0, edges: []) }
    let drawn = drawnTransitions
    for (i, info) in transitions.enumerated() where drawn[i] == i {
      let sources = roles[info.role].states.indices.filter {
        transitionsEnabledIn(role: info.role, state: $0).contains(i)
      }
      var merged: [EdgeKey: MachineEdge] = [:]
      for path in info.paths {
        let name = actionName(Action(kind: info.kind, process: 0, transition: Int32(i), choice: path.choice))
        for from in sources {
          for to in path.targets ?? [from] {
            let key = EdgeKey(choice: path.choice, from: from, to: to)
            var edge = merged[key]
              ?? MachineEdge(transition: i, choice: path.choice, from: from, to: to, name: name, sends: [])
            for s in path.sends where !edge.sends.contains(s) { edge.sends.append(s) }
            merged[key] = edge
          }
        }
      }
      machines[info.role].edges += merged.values.sorted { ($0.choice, $0.from, $0.to) < ($1.choice, $1.from, $1.to) }
    }
    return machines
  }
}

extension TransitionSystem {
  /// Per transition, the one a role machine draws for it: itself, or for a valuation of a step
  /// with parameters, the first valuation of its declaration that some control state enables
  /// (its guard may rule out others at compile time).
  public var drawnTransitions: [Int] {
    var first: [SourceRange: Int] = [:]
    let enabled = Set(program.byRoleState.flatMap { $0.flatMap { $0 } })
    for i in transitions.indices where enabled.contains(i) && first[transitions[i].range] == nil {
      first[transitions[i].range] = i
    }
    return transitions.indices.map { first[transitions[$0].range] ?? $0 }
  }
}

/// An edge of one transition: its branches and its two control states.
private struct EdgeKey: Hashable {
  var choice: Int32
  var from: Int
  var to: Int
}
