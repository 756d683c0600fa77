import CommitCheckExplorer
import CommitCheckModel

/// The JSON summaries of `graph` and `machines` (`graph.schema.json`, `machines.schema.json`):
/// what the drawing shows, as values for scripts, and where the drawing went (`output`, null
/// when none was written).
public enum DrawingSummaryWriter {
  /// The explored graph's size, what was drawn (collapsed or not: `nodes` and `edges`), the
  /// violating and blocked states, and the highlighted property with its verdict.
  public static func graph(_ ex: Exploration, file: String, marks: StateMarks, quotient: ControlQuotient?,
                           highlight: (result: PropertyResult, path: GraphPath?)?, output: String?) -> String {
    var fields: [(String, JSON)] = [("report", .string("graph"))]
    fields += JSONFields.model(ex.system, file: file)
    fields += [
      ("states", .int(ex.stateCount)),
      ("transitions", .int(ex.transitions)),
      ("depth", .int(ex.depth)),
      ("collapsed", .bool(quotient != nil)),
      ("nodes", .int(quotient?.nodes.count ?? ex.stateCount)),
      ("edges", .int(quotient?.edges.count ?? ex.transitions)),
      ("violating_states", .int(marks.violations.count)),
      ("blocked_states", .int(marks.blocked.count)),
      ("highlight", highlight.map { h in
        .object([
          ("property", .string(h.result.name)),
          ("verdict", .string(h.result.verdict.rawValue)),
          ("kind", .nullable(h.result.kind?.rawValue)),
          ("drawn", .bool(h.path != nil)),
          ("steps", .nullable(h.path?.edges.count)),
        ])
      } ?? .null),
      ("output", .nullable(output)),
    ]
    return JSON.object(fields).rendered()
  }

  /// Each role's control states and the edges of its state machine, each edge with the
  /// transition it belongs to and where that is written (`line`, `column`). With `usage` (the
  /// model was explored), `used` says whether a reachable state uses the control state or edge,
  /// `fires` whether the edge's transition fires at all, and `unused` lists what is never used
  /// as the text form does; without it they are null and empty.
  public static func machines(_ system: TransitionSystem, file: String, _ machines: [RoleMachine],
                              usage: MachineUsage?, states: Int?, output: String?) -> String {
    var fields: [(String, JSON)] = [("report", .string("machines"))]
    fields += JSONFields.model(system, file: file)
    fields += [
      ("explored", .bool(usage != nil)),
      ("states", .nullable(states)),
      ("roles", .array(machines.map { role($0, system, usage: usage) })),
      ("unused", .strings(usage.map { DotWriter.unusedParts(system, machines, usage: $0) } ?? [])),
      ("output", .nullable(output)),
    ]
    return JSON.object(fields).rendered()
  }

  static func role(_ machine: RoleMachine, _ system: TransitionSystem, usage: MachineUsage?) -> JSON {
    let r = machine.role
    let role = system.roles[r]
    func sends(_ list: [MessageSend]) -> JSON {
      .array(list.map { .object([("message", .string(system.messages[$0.message].name)), ("text", .string($0.text))]) })
    }
    return .object([
      ("name", .string(role.name)),
      ("instances", .int(role.count)),
      ("processes", .strings((0..<role.count).map { system.processes[role.firstProcess + $0].name })),
      ("symmetric", .bool(role.symmetric)),
      ("initial", .string(role.states[role.initialState])),
      ("recover_to", .string(role.states[role.recoverState])),
      ("start_sends", sends(role.startSends)),
      ("states", .array(role.states.enumerated().map { s, name in
        .object([
          ("name", .string(name)),
          ("initial", .bool(s == role.initialState)),
          ("decision", .nullable(role.decisions[s]?.rawValue)),
          ("used", .nullable(usage.map { $0.occupied[r][s] })),
        ])
      })),
      ("edges", .array(machine.edges.map { edge in
        let t = system.transitions[edge.transition]
        let move = MachineMove(transition: edge.transition, choice: edge.choice, from: edge.from, to: edge.to)
        return .object([
          ("transition", .string(t.name)),
          ("name", .string(edge.name)),
          ("kind", .string(t.kind.name)),
          ("trigger", .string(t.trigger)),
          ("guard", .nullable(t.guardText)),
          ("line", .int(t.range.start.line)),
          ("column", .int(t.range.start.column)),
          ("from", .string(role.states[edge.from])),
          ("to", .string(role.states[edge.to])),
          ("sends", sends(edge.sends)),
          ("fires", .nullable(usage.map { $0.taken[edge.transition] })),
          ("used", .nullable(usage.map { $0.moves.contains(move) })),
        ])
      })),
    ])
  }
}
