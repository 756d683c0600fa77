import CommitCheckExplorer
import CommitCheckModel

extension SequenceChartWriter {
  /// The chart as DOT: a row per step (rank), a column per process held straight by heavy
  /// lifeline edges, and each message an arrow from the cell of its send to the cell of its
  /// receipt (or loss, or the last row while still in flight).
  ///
  /// Nodes: a header, one cell per step and a footer per process. Edges: the lifeline segments,
  /// invisible edges that keep each row in process order, and one arrow per message received or
  /// lost (messages still in flight at the end are listed in the caption).
  public static func dot(_ chart: SequenceChart, system: TransitionSystem, title: String) -> String {
    let names = ProcessNames(system)
    let count = chart.processes.count
    let last = chart.steps.count + 1
    var out = Dot.header(name: system.name + " sequence chart", nodesep: "0.9", ranksep: "0.3")
    let legend = names.legend(system)
    var caption = "<B>\(Dot.html(title))</B><BR ALIGN=\"LEFT\"/>" + (legend.isEmpty ? "" : "\(Dot.html(legend))<BR ALIGN=\"LEFT\"/>")
    if let loop = chart.loopStart {
      caption += Dot.html("↻ steps \(loop + 1)…\(chart.steps.count) repeat forever: the state after step \(chart.steps.count) "
        + "is the state after step \(loop)") + "<BR ALIGN=\"LEFT\"/>"
    }
    let key = "✓ green: decides commit · ✗ red: decides abort · grey: crashed · double line: cut off by the partition"
      + " · dashed arrow: lost or duplicated"
    caption += Dot.font(key, color: "#505050", size: 9) + "<BR ALIGN=\"LEFT\"/>"
    let inFlight = SequenceChartWriter.inFlightNote(chart, names)
    if !inFlight.isEmpty { caption += Dot.font("still in flight at the end: " + inFlight, color: Dot.messageColor, size: 9) + "<BR ALIGN=\"LEFT\"/>" }
    out += "  label=<\(caption)>\n"
    out += "  node [shape=point, width=0.03, height=0.03, label=\"\", color=\"#606060\"]\n\n"
    func cell(_ row: Int, _ p: Int) -> String { row == 0 ? "h\(p)" : (row == last ? "f\(p)" : "e\(row)_\(p)") }

    // Rows: header, one per step, footer.
    for row in 0...last {
      var nodes: [String] = []
      for p in 0..<count {
        var attributes: [String] = []
        if row == 0 {
          let s = chart.initial[p]
          attributes = ["shape=box", "style=rounded",
                        "label=<<B>\(Dot.html(names.short[p]))</B><BR/>\(Dot.html(names.full[p]))<BR/>\(Dot.html(s.state))>"]
        } else if row == last {
          attributes = statusBox(chart.steps.last?.status[p] ?? chart.initial[p], end: true)
        } else {
          attributes = stepCell(chart.steps[row - 1], p, chart, names)
        }
        nodes.append("\(cell(row, p))" + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]"))
      }
      out += "  { rank=same; \(nodes.joined(separator: "; ")) }\n"
      if count > 1 {
        out += "  " + (0..<count).map { cell(row, $0) }.joined(separator: " -> ") + " [style=invis]\n"
      }
    }
    out += "\n"
    // Lifelines: one segment per process between consecutive rows, styled by the status it leads to.
    for p in 0..<count {
      for row in 1...last {
        // The segment stands for the time after the step of the row above it.
        let s = row == 1 ? chart.initial[p] : chart.steps[row - 2].status[p]
        var attributes = ["arrowhead=none", "weight=100"]
        if s.crashed {
          attributes += ["style=dotted", "color=\"\(Dot.crashedColor)\""]
        } else if s.side == 1 {
          attributes.append("color=\"#404040:#ffffff:#404040\"")
        } else {
          attributes.append("color=\"#404040\"")
        }
        out += "  \(cell(row - 1, p)) -> \(cell(row, p)) [\(attributes.joined(separator: ", "))]\n"
      }
    }
    out += "\n"
    for arrow in chart.arrows {
      guard let end = arrow.ended else { continue }
      var attributes = ["label=\(Dot.quoted(arrow.text))", "constraint=false", "fontcolor=\"\(Dot.messageColor)\"",
                        "color=\"\(Dot.messageColor)\""]
      if arrow.fate == .lost || arrow.duplicate { attributes.append("style=dashed") }
      if arrow.fate == .lost { attributes.append("arrowhead=tee") }
      out += "  \(cell(arrow.sent, arrow.source)) -> \(cell(end, arrow.target)) [\(attributes.joined(separator: ", "))]\n"
    }
    return out + "}\n"
  }

  /// The cell of process `p` in a step's row: a labelled box where it acts, a marker where the
  /// network acts on it, otherwise a point on its lifeline.
  static func stepCell(_ step: SequenceChart.Step, _ p: Int, _ chart: SequenceChart, _ names: ProcessNames) -> [String] {
    if let (mask, _, _) = step.partition {
      let side = (mask >> p) & 1
      return ["shape=plaintext", "fontsize=8", "label=\(Dot.quoted("\(step.index). partition: side \(side + 1)"))"]
    }
    if let a = step.arrow, step.kind == .lose || step.kind == .duplicate, chart.arrows[a].target == p {
      let what = step.kind == .lose ? "× lost" : "+ duplicated"
      return ["shape=plaintext", "fontsize=8", "fontcolor=\"\(Dot.messageColor)\"", "label=\(Dot.quoted("\(step.index). \(what)"))"]
    }
    guard step.process == p else { return [] }
    var lines = ["\(step.index). \(step.kind == .crash || step.kind == .recover ? step.kind!.name : step.transition)"]
    if let s = step.newState { lines.append("→ \(s)") }
    var attributes = ["shape=box", "style=\"rounded,filled\"", "fontsize=9", "width=0", "height=0", "margin=\"0.06,0.03\""]
    switch (step.kind, step.decision) {
    case (.crash?, _): attributes += ["fillcolor=\"#d9d9d9\"", "color=\"\(Dot.crashedColor)\""]
    case (_, .commit?):
      lines[lines.count - 1] += " ✓"
      attributes += ["fillcolor=\"#d8f0dd\"", "color=\"\(Dot.commitColor)\"", "penwidth=2"]
    case (_, .abort?):
      lines[lines.count - 1] += " ✗"
      attributes += ["fillcolor=\"#f8dcd8\"", "color=\"\(Dot.abortColor)\"", "penwidth=2"]
    default: attributes.append("fillcolor=white")
    }
    attributes.append("label=\(Dot.quoted(lines.joined(separator: "\n")))")
    return attributes
  }

  /// The footer box of a process: where it ended, coloured by its decision.
  static func statusBox(_ s: SequenceChart.Status, end: Bool) -> [String] {
    var text = s.state
    var attributes = ["shape=box", "style=\"rounded,filled\""]
    if s.crashed {
      text += "\n(crashed)"
      attributes += ["fillcolor=\"#d9d9d9\"", "color=\"\(Dot.crashedColor)\""]
    } else {
      switch s.decision {
      case .commit?: attributes += ["fillcolor=\"#d8f0dd\"", "color=\"\(Dot.commitColor)\"", "penwidth=2"]; text += " ✓"
      case .abort?: attributes += ["fillcolor=\"#f8dcd8\"", "color=\"\(Dot.abortColor)\"", "penwidth=2"]; text += " ✗"
      case nil: attributes.append("fillcolor=white")
      }
    }
    if s.side == 1 { attributes.append("peripheries=2") }
    attributes.append("label=\(Dot.quoted(text))")
    return attributes
  }
}
