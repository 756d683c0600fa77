import CommitCheckExplorer
import CommitCheckMarkov
import CommitCheckModel

/// Writes explored state graphs, role state machines and sequence charts as Graphviz DOT.
///
/// Output depends only on the exploration (states in discovery order, edges in generation
/// order), so the same model and options give byte-identical files.
public enum DotWriter {
  /// A counterexample to draw in bold.
  public struct Highlight: Sendable {
    public var property: String
    public var path: GraphPath
    public init(property: String, path: GraphPath) {
      self.property = property
      self.path = path
    }
  }

  /// One node per explored state, one edge per transition. Stops early, with a partial text the
  /// caller discards, once `cancellation` says so.
  public static func stateGraph(_ ex: Exploration, marks: StateMarks, highlight: Highlight? = nil,
                                cancellation: Cancellation = Cancellation()) -> String {
    let labels = StateLabels(ex.system)
    let onPath = Set(highlight?.path.states ?? [])
    let pathEdges = Set(highlight?.path.edges ?? [])
    var out = Dot.header(name: ex.system.name)
    out += "  label=<\(labels.title(ex, what: "\(ex.stateCount) states, \(ex.transitions) transitions"))"
    out += labels.key(highlight: highlight?.property, collapsed: false) + ">\n"
    out += "  node [shape=box, style=\"rounded,filled\", fillcolor=white]\n\n"
    for id in 0..<UInt32(ex.stateCount) {
      if id & 1023 == 0, cancellation.reason != nil { return out }
      let slots = ex.state(id)
      var lines = [Dot.font("#\(id)", color: "#707070", size: 8)]
      lines += labels.processLines(slots)
      lines += labels.messageLines(slots)
      lines += labels.markLines(violations: marks.violations[id] ?? [], blocked: marks.blocked.contains(id))
      var attributes = ["label=<\(lines.map { $0 + "<BR ALIGN=\"LEFT\"/>" }.joined())>",
                        "tooltip=\(Dot.quoted(labels.tooltip(slots, id: id)))"]
      attributes += labels.nodeStyle(initial: Int(id) < ex.initialCount, violating: marks.violations[id] != nil,
                                     blocked: marks.blocked.contains(id), onPath: onPath.contains(id))
      out += "  s\(id) [\(attributes.joined(separator: ", "))]\n"
    }
    out += "\n"
    guard ex.keptEdges else { return out + "}\n" }
    for id in 0..<UInt32(ex.edgeStart.count - 1) {
      for e in ex.edges(of: id) {
        let action = ex.edgeActions[e]
        var attributes = ["label=\(Dot.quoted(labels.actionLabel(action)))"]
        attributes += labels.edgeStyle(failure: action.kind.isFailure, onPath: pathEdges.contains(e))
        out += "  s\(id) -> s\(ex.edgeTargets[e]) [\(attributes.joined(separator: ", "))]\n"
      }
    }
    return out + "}\n"
  }

  /// One node per class of states with the same control states (and crashed flags), one edge
  /// per distinct move between two classes; each says how many states or transitions it merges.
  public static func collapsedGraph(_ ex: Exploration, quotient q: ControlQuotient, highlight: Highlight? = nil,
                                    cancellation: Cancellation = Cancellation()) -> String
  {
    let labels = StateLabels(ex.system)
    let onPath = Set((highlight?.path.states ?? []).map { Int(q.nodeOf[Int($0)]) })
    let pathEdges = Set((highlight?.path.edges ?? []).map { Int(q.edgeOf[$0]) })
    var out = Dot.header(name: ex.system.name)
    let what = "\(q.nodes.count) nodes for \(ex.stateCount) states, \(q.edges.count) edges for \(ex.transitions) transitions"
    out += "  label=<\(labels.title(ex, what: what))" + labels.key(highlight: highlight?.property, collapsed: true) + ">\n"
    out += "  node [shape=box, style=\"rounded,filled\", fillcolor=white]\n\n"
    for (c, node) in q.nodes.enumerated() {
      if c & 1023 == 0, cancellation.reason != nil { return out }
      let slots = ex.state(node.representative)
      var lines = labels.processLines(slots)
      lines.append(Dot.font(node.states == 1 ? "1 state" : "\(node.states) states", color: "#505050", size: 8))
      var marks: [String] = []
      if node.violating > 0 { marks.append(Dot.font("\(node.violating) violating", color: Dot.violationLine)) }
      if node.blocked > 0 { marks.append(Dot.font("\(node.blocked) blocked", color: Dot.blockedLine)) }
      lines += marks.map { "<B>\($0)</B>" }
      var attributes = ["label=<\(lines.map { $0 + "<BR ALIGN=\"LEFT\"/>" }.joined())>",
                        "tooltip=\(Dot.quoted("\(node.states) states, first #\(node.representative)"))"]
      attributes += labels.nodeStyle(initial: node.initial, violating: node.violating > 0, blocked: node.blocked > 0,
                                     onPath: onPath.contains(c))
      out += "  n\(c) [\(attributes.joined(separator: ", "))]\n"
    }
    out += "\n"
    for (m, edge) in q.edges.enumerated() {
      var label = labels.actionLabel(edge.action)
      if edge.transitions > 1 { label += " ×\(edge.transitions)" }
      var attributes = ["label=\(Dot.quoted(label))"]
      attributes += labels.edgeStyle(failure: edge.action.kind.isFailure, onPath: pathEdges.contains(m))
      out += "  n\(edge.from) -> n\(edge.to) [\(attributes.joined(separator: ", "))]\n"
    }
    return out + "}\n"
  }
}

/// The pieces of state-graph labels: a process's control state, messages in flight, marks.
struct StateLabels {
  let system: TransitionSystem
  let names: ProcessNames

  init(_ system: TransitionSystem) {
    self.system = system
    names = ProcessNames(system)
  }

  /// The graph's caption: model, parameters, failures, size, and who is who.
  func title(_ ex: Exploration, what: String) -> String {
    let setting = Dot.setting(system)
    let head = system.name + (setting.isEmpty ? "" : " (\(setting))") + ": " + what
    let legend = names.legend(system)
    return "<B>\(Dot.html(head))</B><BR ALIGN=\"LEFT\"/>" + (legend.isEmpty ? "" : "\(Dot.html(legend))<BR ALIGN=\"LEFT\"/>")
  }

  /// What the colours and line styles mean.
  func key(highlight: String?, collapsed: Bool) -> String {
    var parts = ["double border: initial", "green: decided commit", "red: decided abort",
                 "grey, struck out: crashed", "red box: violates an invariant", "orange box: blocked",
                 "dashed: failure"]
    if collapsed { parts.insert("a node merges the states with these control states", at: 0) }
    if let highlight { parts.append("bold blue: counterexample of '\(highlight)'") }
    return Dot.font(parts.joined(separator: " · "), color: "#505050", size: 9) + "<BR ALIGN=\"LEFT\"/>"
  }

  /// `P1 prepared`, coloured by decision, struck out when crashed.
  func processLines(_ slots: [Int]) -> [String] {
    system.processes.indices.map { p in
      let state = system.roles[system.processes[p].role].states[system.controlState(slots, process: p)]
      let text = "\(names.short[p]) \(state)"
      if system.isCrashed(slots, process: p) {
        return "<S>\(Dot.font(text, color: Dot.crashedColor))</S>" + Dot.font(" crashed", color: Dot.crashedColor)
      }
      switch system.decision(slots, process: p) {
      case .commit?: return "<B>\(Dot.font(text, color: Dot.commitColor))</B>"
      case .abort?: return "<B>\(Dot.font(text, color: Dot.abortColor))</B>"
      case nil: return Dot.html(text)
      }
    }
  }

  /// Messages in flight, one line per message and sender: `Vote(yes: true) P1→C ×2`.
  func messageLines(_ slots: [Int]) -> [String] {
    var groups: [(key: String, text: String, targets: [String])] = []
    for m in system.messagesInFlight(slots) {
      let key = "\(m.text) \(names.short[m.source])"
      let target = names.short[m.target] + (m.copies > 1 ? "×\(m.copies)" : "")
      if let i = groups.firstIndex(where: { $0.key == key }) {
        groups[i].targets.append(target)
      } else {
        groups.append((key, "\(m.text) \(names.short[m.source])→", [target]))
      }
    }
    return groups.map { Dot.font($0.text + $0.targets.joined(separator: ","), color: Dot.messageColor, size: 8) }
  }

  func markLines(violations: [String], blocked: Bool) -> [String] {
    var out: [String] = []
    if !violations.isEmpty {
      out.append("<B>\(Dot.font("violates " + violations.joined(separator: ", "), color: Dot.violationLine))</B>")
    }
    if blocked { out.append("<B>\(Dot.font("blocked", color: Dot.blockedLine))</B>") }
    return out
  }

  /// Every process with its control state and variables, for the SVG hover text.
  func tooltip(_ slots: [Int], id: UInt32) -> String {
    var parts: [String] = []
    for (p, info) in system.processes.enumerated() {
      let role = system.roles[info.role]
      var text = "\(info.name) \(role.states[system.controlState(slots, process: p)])"
      if system.isCrashed(slots, process: p) { text += " (crashed)" }
      var values: [String] = []
      for v in role.vars {
        let base = info.base + 2 + v.offset
        if !v.domain.isFlatMap && !v.domain.isScalar {
          values += system.slotTexts(of: v, slots, base: base)
        } else if case .map(let r, let d) = v.domain {
          let entries = (0..<system.roles[r].count).map { k in
            system.describe(value: system.value(code: slots[base + k], domain: d), domain: d)
          }
          values.append("\(v.name) = [\(entries.joined(separator: ", "))]")
        } else {
          values.append("\(v.name) = \(system.describe(value: system.value(code: slots[base], domain: v.domain), domain: v.domain))")
        }
      }
      if !values.isEmpty { text += " (" + values.joined(separator: ", ") + ")" }
      parts.append(text)
    }
    return "state \(id): " + parts.joined(separator: "; ")
  }

  func nodeStyle(initial: Bool, violating: Bool, blocked: Bool, onPath: Bool) -> [String] {
    var out: [String] = []
    if initial { out.append("peripheries=2") }
    if violating {
      out += ["fillcolor=\"\(Dot.violationFill)\"", "color=\"\(Dot.violationLine)\""]
    } else if blocked {
      out += ["fillcolor=\"\(Dot.blockedFill)\"", "color=\"\(Dot.blockedLine)\""]
    } else if onPath {
      out.append("color=\"\(Dot.pathColor)\"")
    }
    if onPath {
      out.append("penwidth=3")
    } else if violating || blocked {
      out.append("penwidth=2")
    }
    return out
  }

  func edgeStyle(failure: Bool, onPath: Bool) -> [String] {
    var out: [String] = []
    if failure { out.append("style=dashed") }
    if onPath {
      out += ["color=\"\(Dot.pathColor)\"", "fontcolor=\"\(Dot.pathColor)\"", "penwidth=3"]
    } else if failure {
      out += ["color=\"#707070\"", "fontcolor=\"#707070\""]
    }
    return out
  }

  /// `P1 vote.vote_yes`, `crash C`, `lose Vote(yes: true) P1→C`, `partition C,P1 | P2`.
  func actionLabel(_ a: Action) -> String {
    let who = a.process >= 0 && Int(a.process) < names.short.count ? names.short[Int(a.process)] : ""
    switch a.kind {
    case .step, .receive, .timeout: return "\(who) \(system.actionName(a))"
    case .crash, .recover: return "\(a.kind.name) \(who)"
    case .lose, .duplicate:
      guard a.message >= 0, Int(a.message) < system.channels.count else { return a.kind.name }
      let c = system.channels[Int(a.message)]
      let route = "\(names.short[c.source])→\(names.short[c.target])"
      if system.network != .fifo, c.message >= 0 {
        return "\(a.kind.name) \(system.messageText(c.message, valuation: c.valuation)) \(route)"
      }
      return "\(a.kind.name) \(route)"
    case .partition:
      let mask = Int(a.message)
      let left = system.processes.indices.filter { (mask >> $0) & 1 == 0 }.map { names.short[$0] }
      let right = system.processes.indices.filter { (mask >> $0) & 1 != 0 }.map { names.short[$0] }
      return "partition \(left.joined(separator: ",")) | \(right.joined(separator: ","))"
    }
  }
}
