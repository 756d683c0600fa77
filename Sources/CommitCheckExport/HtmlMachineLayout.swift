import CommitCheckExplorer
import CommitCheckModel
import Foundation

/// A role's state machine laid out without Graphviz, so the report never lacks a drawing: control
/// states in layers by their distance from the initial state (rows, top to bottom), transitions
/// as arrows (curved apart when several join the same two states, a loop for a self-transition),
/// each labelled with its name. Never-used states and transitions are dashed and grey.
struct HtmlMachineLayout {
  let system: TransitionSystem
  let machine: RoleMachine
  let usage: MachineUsage?
  let nodeWidth = 150.0
  let nodeHeight = 32.0
  let gapX = 90.0
  let gapY = 110.0
  let margin = 30.0

  init(_ system: TransitionSystem, _ machine: RoleMachine, usage: MachineUsage?) {
    self.system = system
    self.machine = machine
    self.usage = usage
  }

  /// Each control state's layer: its distance from the initial state along the machine's
  /// edges; states no edge reaches (a recovery state, say) go below the others.
  func layers() -> [Int] {
    let role = system.roles[machine.role]
    var layer = Array(repeating: -1, count: role.states.count)
    layer[role.initialState] = 0
    var queue = [role.initialState]
    var head = 0
    while head < queue.count {
      let s = queue[head]
      head += 1
      for e in machine.edges where e.from == s && layer[e.to] < 0 {
        layer[e.to] = layer[s] + 1
        queue.append(e.to)
      }
    }
    let deepest = layer.max() ?? 0
    return layer.map { $0 < 0 ? deepest + 1 : $0 }
  }

  func svg() -> String {
    let role = system.roles[machine.role]
    let layer = layers()
    let rows = (layer.max() ?? 0) + 1
    var members = Array(repeating: [Int](), count: rows)
    for s in role.states.indices { members[layer[s]].append(s) }
    let widest = members.map(\.count).max() ?? 1
    let width = margin * 2 + Double(widest) * nodeWidth + Double(widest - 1) * gapX
    let height = margin * 2 + 30 + Double(rows) * nodeHeight + Double(rows - 1) * gapY
    var center = Array(repeating: (x: 0.0, y: 0.0), count: role.states.count)
    for (r, states) in members.enumerated() {
      let span = Double(states.count) * nodeWidth + Double(states.count - 1) * gapX
      for (i, s) in states.enumerated() {
        center[s] = ((width - span) / 2 + Double(i) * (nodeWidth + gapX) + nodeWidth / 2,
                     margin + 30 + Double(r) * (nodeHeight + gapY) + nodeHeight / 2)
      }
    }
    let id = "m\(machine.role)"
    var out = "<svg class=\"machine\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
    out += "role=\"img\" aria-label=\"\(HtmlReportWriter.esc(role.name)) state machine\">\n"
    out += "<defs><marker id=\"\(id)-ah\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
    out += "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1b1b1b\"/></marker></defs>\n"
    // The way in: an arrow from above to the initial state, labelled with what `start` sends.
    let initial = center[role.initialState]
    let start = role.startSends.isEmpty ? "start" : "start / send " + role.startSends.map(\.text).joined(separator: ", ")
    out += "<g class=\"edge\"><path d=\"M\(f(initial.x)),\(f(initial.y - nodeHeight / 2 - 34)) V\(f(initial.y - nodeHeight / 2))\" "
    out += "marker-end=\"url(#\(id)-ah)\"/><text x=\(q(initial.x + 6)) y=\(q(initial.y - nodeHeight / 2 - 22))>\(HtmlReportWriter.esc(DotWriter.brief(start, 60)))</text></g>\n"
    // Edges between the same two states are spread apart by their rank among them.
    var seen: [Pair: Int] = [:]
    for edge in machine.edges {
      let key = Pair(a: min(edge.from, edge.to), b: max(edge.from, edge.to))
      let rank = seen[key, default: 0]
      seen[key] = rank + 1
      let move = MachineMove(transition: edge.transition, choice: edge.choice, from: edge.from, to: edge.to)
      let dead = usage.map { !$0.moves.contains(move) } ?? false
      out += "<g class=\"edge\(dead ? " dead" : "")\"><title>\(HtmlReportWriter.esc(DotWriter.machineLabel(edge, system)))"
      out += dead ? " (never used)" : ""
      out += "</title>"
      let label = HtmlReportWriter.esc(DotWriter.brief(edge.name, 28) + (dead ? " (unused)" : ""))
      let a = center[edge.from], b = center[edge.to]
      if edge.from == edge.to {
        let x0 = a.x + nodeWidth / 2, y0 = a.y - 6 - Double(rank) * 4
        let reach = 34.0 + Double(rank) * 16
        out += "<path d=\"M\(f(x0)),\(f(y0)) C\(f(x0 + reach)),\(f(y0 - 26)) \(f(x0 + reach)),\(f(y0 + 26)) \(f(x0)),\(f(y0 + 12))\" "
        out += "marker-end=\"url(#\(id)-ah)\"/><text x=\(q(x0 + reach - 4)) y=\(q(y0 - 16 - Double(rank) * 12))>\(label)</text></g>\n"
        continue
      }
      // Offsets 0, +1, -1, +2, ... times 26 px, perpendicular to the line between the centres.
      let step = Double((rank + 1) / 2) * (rank % 2 == 1 ? 1 : -1) * 26
      let dx = b.x - a.x, dy = b.y - a.y
      let length = max(1, (dx * dx + dy * dy).squareRoot())
      let (nx, ny) = (-dy / length, dx / length)
      let control = ((a.x + b.x) / 2 + nx * step * 2, (a.y + b.y) / 2 + ny * step * 2)
      let p0 = clip(from: a, toward: control), p1 = clip(from: b, toward: control)
      out += "<path d=\"M\(f(p0.x)),\(f(p0.y)) Q\(f(control.0)),\(f(control.1)) \(f(p1.x)),\(f(p1.y))\" marker-end=\"url(#\(id)-ah)\"/>"
      // The curve's midpoint is halfway between the control point and the chord's middle.
      let mx = (control.0 + (p0.x + p1.x) / 2) / 2, my = (control.1 + (p0.y + p1.y) / 2) / 2
      out += "<text x=\(q(mx)) y=\(q(my + 4)) text-anchor=\"middle\">\(label)</text></g>\n"
    }
    for (s, name) in role.states.enumerated() {
      let dead = usage.map { !$0.occupied[machine.role][s] } ?? false
      let decision = role.decisions[s]
      var cls = "node"
      var text = name
      if let decision {
        cls += decision == .commit ? " commit" : " abort"
        text = (decision == .commit ? "✓ " : "✗ ") + name
      }
      if dead {
        cls += " dead"
        text += " (unreached)"
      }
      let c = center[s]
      out += "<g class=\"\(cls)\"><rect x=\(q(c.x - nodeWidth / 2)) y=\(q(c.y - nodeHeight / 2)) width=\(q(nodeWidth)) "
      out += "height=\(q(nodeHeight)) rx=\"8\"/><text x=\(q(c.x)) y=\(q(c.y + 4)) text-anchor=\"middle\">"
      out += "\(HtmlReportWriter.esc(DotWriter.brief(text, 24)))</text></g>\n"
    }
    return out + "</svg>"
  }

  /// Where the line from a node's centre toward `target` leaves its box.
  func clip(from c: (x: Double, y: Double), toward target: (Double, Double)) -> (x: Double, y: Double) {
    let dx = target.0 - c.x, dy = target.1 - c.y
    let sx = dx == 0 ? Double.infinity : (nodeWidth / 2) / abs(dx)
    let sy = dy == 0 ? Double.infinity : (nodeHeight / 2) / abs(dy)
    let t = min(sx, sy, 1)
    return (c.x + dx * t, c.y + dy * t)
  }

  func q(_ v: Double) -> String { "\"\(f(v))\"" }
  func f(_ v: Double) -> String { String(format: "%.1f", v) }
}

private struct Pair: Hashable {
  var a: Int
  var b: Int
}
