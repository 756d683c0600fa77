import CommitCheckExplorer
import CommitCheckModel

extension DotWriter {
  /// Each role's state machine as a cluster: its control states (decisions coloured, the initial
  /// one entered from a dot labelled with what `start` sends) and one edge per transition path,
  /// labelled `trigger [guard] / send ...`.
  ///
  /// With `usage` (from an exploration), control states and edges that no reachable state uses
  /// are drawn grey and dashed: dead protocol code under the failures explored.
  /// `deadColor` is the grey of what is never used (darker where text must stay readable).
  public static func machines(_ system: TransitionSystem, _ machines: [RoleMachine], usage: MachineUsage? = nil,
                              deadColor: String? = nil) -> String
  {
    let deadColor = deadColor ?? Dot.deadColor
    var out = Dot.header(name: system.name)
    var caption = "<B>\(Dot.html(system.name)): role state machines</B><BR ALIGN=\"LEFT\"/>"
    var key = "green: decides commit · red: decides abort · edge: transition [guard] / messages sent"
    if usage != nil { key += " · grey, dashed: never used in the explored graph" }
    caption += Dot.font(key, color: "#505050", size: 9) + "<BR ALIGN=\"LEFT\"/>"
    out += "  label=<\(caption)>\n"
    out += "  node [shape=box, style=\"rounded,filled\", fillcolor=white]\n"
    for machine in machines {
      let r = machine.role
      let role = system.roles[r]
      let instances = role.count == 1 && !system.processes[role.firstProcess].name.hasSuffix("]")
        ? "" : " ×\(role.count)"
      out += "\n  subgraph cluster_\(r) {\n"
      out += "    label=<<B>\(Dot.html(role.name))</B>\(Dot.html(instances))>\n"
      out += "    style=rounded\n    color=\"#909090\"\n"
      out += "    r\(r)_start [shape=point, width=0.12, label=\"\"]\n"
      for (s, name) in role.states.enumerated() {
        var attributes = ["label=\(Dot.quoted(name))"]
        switch role.decisions[s] {
        case .commit?: attributes += ["fillcolor=\"#d8f0dd\"", "color=\"\(Dot.commitColor)\"", "penwidth=2"]
        case .abort?: attributes += ["fillcolor=\"#f8dcd8\"", "color=\"\(Dot.abortColor)\"", "penwidth=2"]
        case nil: break
        }
        if let usage, !usage.occupied[r][s] {
          attributes += ["style=\"rounded,filled,dashed\"", "fontcolor=\"\(deadColor)\"", "color=\"\(deadColor)\""]
        }
        out += "    r\(r)_s\(s) [\(attributes.joined(separator: ", "))]\n"
      }
      let start = role.startSends.isEmpty ? "start" : "start / send " + role.startSends.map(\.text).joined(separator: ", ")
      out += "    r\(r)_start -> r\(r)_s\(role.initialState) [label=\(Dot.quoted(start))]\n"
      for edge in machine.edges {
        var attributes = ["label=\(Dot.quoted(machineLabel(edge, system)))"]
        let move = MachineMove(transition: edge.transition, choice: edge.choice, from: edge.from, to: edge.to)
        if let usage, !usage.moves.contains(move) {
          attributes += ["style=dashed", "color=\"\(deadColor)\"", "fontcolor=\"\(deadColor)\""]
        }
        out += "    r\(r)_s\(edge.from) -> r\(r)_s\(edge.to) [\(attributes.joined(separator: ", "))]\n"
      }
      out += "  }\n"
    }
    return out + "}\n"
  }

  /// Control states, transitions and transition paths the explored graph never uses, one line
  /// each: `Participant: state 'asking' is never reached`.
  public static func unusedParts(_ system: TransitionSystem, _ machines: [RoleMachine], usage: MachineUsage)
    -> [String]
  {
    var lines: [String] = []
    for machine in machines {
      let role = system.roles[machine.role]
      for (s, name) in role.states.enumerated() where !usage.occupied[machine.role][s] {
        lines.append("\(role.name): state '\(name)' is never reached")
      }
      var reported: Set<Int> = []
      for edge in machine.edges {
        let t = system.transitions[edge.transition]
        if !usage.taken[edge.transition] {
          if reported.insert(edge.transition).inserted {
            lines.append("\(role.name): transition '\(t.name)' never fires")
          }
          continue
        }
        let move = MachineMove(transition: edge.transition, choice: edge.choice, from: edge.from, to: edge.to)
        if !usage.moves.contains(move) {
          lines.append("\(role.name): '\(edge.name)' never goes from '\(role.states[edge.from])' to '\(role.states[edge.to])'")
        }
      }
    }
    return lines
  }

  /// `collect_yes` / `receive Vote(yes: true) [guard]` / `/ send PreCommit`, on separate lines.
  static func machineLabel(_ edge: MachineEdge, _ system: TransitionSystem) -> String {
    var lines: [String] = []
    let t = system.transitions[edge.transition]
    if (t.named && t.kind != .step) || edge.choice != 0 { lines.append(edge.name) }
    var trigger = t.trigger
    if let g = t.guardText { trigger += " [\(brief(g, 40))]" }
    lines.append(trigger)
    if !edge.sends.isEmpty { lines.append("/ send " + edge.sends.map { brief($0.text, 40) }.joined(separator: ", ")) }
    return lines.joined(separator: "\n")
  }

  /// The text, cut to `limit` characters with an ellipsis.
  static func brief(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
  }
}
