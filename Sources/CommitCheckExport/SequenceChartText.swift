import CommitCheckExplorer
import CommitCheckModel

/// Writes a counterexample's sequence chart, as text for a terminal or as DOT.
///
/// The text form has a narrow lifeline column per process and a note per step to its right:
/// a receipt is a horizontal arrow from the sender's lifeline to the receiver's (the note says
/// at which step it was sent), a loss an arrow that stops short, a decision a check mark or a
/// cross on the lifeline. Every line fits `width` columns; long notes wrap.
public enum SequenceChartWriter {
  /// `ThreePhaseCommitTimeouts (N = 2, partition): atomicity violated (invariant)`.
  public static func title(_ system: TransitionSystem, _ result: PropertyResult) -> String {
    let setting = Dot.setting(system)
    var verdict = result.verdict == .violated ? "violated" : result.verdict.rawValue
    if let kind = result.kind { verdict += " (\(kind.rawValue))" }
    return system.name + (setting.isEmpty ? "" : " (\(setting))") + ": \(result.name) \(verdict)"
  }

  /// `Commit C→P1,P2; Abort P2→P1`: the messages still in flight at the end, by message and sender.
  static func inFlightNote(_ chart: SequenceChart, _ names: ProcessNames) -> String {
    flightNote(chart.arrows.filter { $0.fate == .inFlight }, names)
  }

  static func flightNote(_ arrows: [SequenceChart.Arrow], _ names: ProcessNames) -> String {
    var groups: [(key: String, targets: [String])] = []
    for a in arrows {
      let key = "\(a.text) \(names.short[a.source])→"
      if let i = groups.firstIndex(where: { $0.key == key }) {
        groups[i].targets.append(names.short[a.target])
      } else {
        groups.append((key, [names.short[a.target]]))
      }
    }
    return groups.map { $0.key + $0.targets.joined(separator: ",") }.joined(separator: "; ")
  }

  public static func text(_ chart: SequenceChart, system: TransitionSystem, title: String, width: Int = 100) -> String {
    TextChart(chart: chart, names: ProcessNames(system), width: width).render(title: title, legend: ProcessNames(system).legend(system))
  }
}

/// The text layout: a gutter with step numbers, `count` lifeline columns, then notes.
struct TextChart {
  let chart: SequenceChart
  let names: ProcessNames
  let width: Int
  let gutter = 6
  let column: Int

  init(chart: SequenceChart, names: ProcessNames, width: Int) {
    self.chart = chart
    self.names = names
    self.width = width
    let count = max(chart.processes.count, 1)
    let widest = names.short.map(\.count).max() ?? 1
    // The widest columns that leave at least 40 characters for the notes.
    var column = 8
    while column > widest + 1 && gutter + count * column > width - 40 { column -= 1 }
    self.column = max(column, widest + 1, 3)
  }

  var notesStart: Int { gutter + chart.processes.count * column + 1 }
  var notesWidth: Int { max(24, width - notesStart) }
  func lifeline(_ p: Int) -> Int { gutter + p * column + (column - 1) / 2 }

  func render(title: String, legend: String) -> String {
    var lines = wrap(title, width) + wrap(legend, width) + [""]
    var header = Array(repeating: Character(" "), count: notesStart)
    for (p, name) in names.short.enumerated() {
      let start = max(gutter, lifeline(p) - (name.count - 1) / 2)
      for (k, ch) in name.enumerated() where start + k < header.count { header[start + k] = ch }
    }
    lines.append(trimmed(String(header)))
    let initialNote = chart.initial.indices.map { "\(names.short[$0]) \(chart.initial[$0].state)" }.joined(separator: ", ")
    var sent0 = SequenceChartWriter.flightNote(chart.arrows.filter { $0.sent == 0 }, names)
    if !sent0.isEmpty { sent0 = "; in flight: " + sent0 }
    lines += row(number: "0", cells: lifelines(chart.initial), note: "initial: " + initialNote + sent0,
                 status: chart.initial)
    var status = chart.initial
    for step in chart.steps {
      if let loop = chart.loopStart, loop == step.index - 1 { lines.append(trimmed(String(lifelines(status))) + "  ↻ the cycle starts here") }
      let (cells, note) = stepRow(step, before: status)
      status = step.status
      lines += row(number: String(step.index), cells: cells, note: note, status: status)
    }
    if let loop = chart.loopStart { lines.append(trimmed(String(lifelines(status))) + "  ↻ back to step \(loop)") }
    lines += endRows(status)
    return lines.joined(separator: "\n") + "\n"
  }

  /// The lifelines of every process, drawn by status: `│` alive, `║` cut off by a partition,
  /// `┆` crashed.
  func lifelines(_ status: [SequenceChart.Status]) -> [Character] {
    var cells = Array(repeating: Character(" "), count: gutter + chart.processes.count * column)
    for (p, s) in status.enumerated() { cells[lifeline(p)] = s.crashed ? "┆" : (s.side == 1 ? "║" : "│") }
    return cells
  }

  /// The arrow or marker of one step, and its note.
  func stepRow(_ step: SequenceChart.Step, before: [SequenceChart.Status]) -> ([Character], String) {
    var cells = lifelines(step.status)
    let who = step.process.map { names.short[$0] }
    var note = ""
    var marker: Character = "●"
    if let d = step.decision { marker = d == .commit ? "✓" : "✗" }
    switch step.kind {
    case .receive?:
      if let a = step.arrow, let p = step.process {
        let arrow = chart.arrows[a]
        draw(&cells, from: arrow.source, to: p, fill: "─", head: "►", tailHead: "◄")
        note = "\(who!) receives \(arrow.text) from \(names.short[arrow.source]) (sent at \(arrow.sent)) [\(step.transition)]"
      } else {
        note = "\(who ?? "?") receives [\(step.transition)]"
      }
    case .step?, .timeout?:
      note = "\(who ?? "?") \(step.kind == .timeout ? "times out" : "steps") [\(step.transition)]"
    case .crash?:
      marker = "╳"
      note = "\(who ?? "?") crashes"
    case .recover?:
      marker = "↺"
      note = "\(who ?? "?") recovers"
    case .lose?, .duplicate?:
      let lost = step.kind == .lose
      if let a = step.arrow {
        let arrow = chart.arrows[a]
        draw(&cells, from: arrow.source, to: arrow.target, fill: "┄", head: lost ? "×" : "+", tailHead: lost ? "×" : "+",
             stopShort: true)
        let route = "\(names.short[arrow.source])→\(names.short[arrow.target])"
        note = "network \(lost ? "loses" : "duplicates") \(arrow.text) \(route) (sent at \(arrow.sent))"
      } else {
        note = "network \(lost ? "loses" : "duplicates") a message"
      }
    case .partition?:
      for k in lifeline(0)...lifeline(chart.processes.count - 1) where cells[k] == " " { cells[k] = "┄" }
      if let (_, left, right) = step.partition {
        let short = { (names: [String]) in names.map { n in self.names.short[self.names.full.firstIndex(of: n) ?? 0] } }
        note = "network partitions {\(short(left).joined(separator: ", "))} | {\(short(right).joined(separator: ", "))}"
      }
    case nil:
      note = "(no move of the model leads here)"
    }
    if let p = step.process, step.kind != .lose, step.kind != .duplicate { cells[lifeline(p)] = marker }
    if let s = step.newState { note += " → \(s)" }
    if let d = step.decision { note += " (decides \(d.rawValue))" }
    let sends = sendsNote(step.sends)
    if !sends.isEmpty { note += "; sends " + sends }
    if !step.changes.isEmpty { note += "; " + step.changes.joined(separator: ", ") }
    return (cells, note)
  }

  /// A horizontal arrow between two lifelines, crossing the ones between.
  func draw(_ cells: inout [Character], from s: Int, to r: Int, fill: Character, head: Character,
            tailHead: Character, stopShort: Bool = false) {
    guard s != r else { return }
    let xs = lifeline(s), xr = lifeline(r)
    let step = xr > xs ? 1 : -1
    var x = xs + step
    let end = stopShort ? xr - step : xr
    while x != end {
      cells[x] = "│║".contains(cells[x]) ? "┼" : fill
      x += step
    }
    cells[xs] = xr > xs ? "├" : "┤"
    cells[end - step] = xr > xs ? head : tailHead
  }

  /// `Vote(yes: true) to C; PreCommit to P1,P2`: the arrows starting at a step, by message.
  func sendsNote(_ arrows: [Int]) -> String {
    var groups: [(text: String, targets: [String])] = []
    for a in arrows {
      let arrow = chart.arrows[a]
      if let i = groups.firstIndex(where: { $0.text == arrow.text }) {
        groups[i].targets.append(names.short[arrow.target])
      } else {
        groups.append((arrow.text, [names.short[arrow.target]]))
      }
    }
    return groups.map { "\($0.text) to \($0.targets.joined(separator: ","))" }.joined(separator: "; ")
  }

  /// The final row (each process's decision), what is still in flight, and the key.
  func endRows(_ status: [SequenceChart.Status]) -> [String] {
    var cells = lifelines(status)
    for (p, s) in status.enumerated() {
      if s.crashed { cells[lifeline(p)] = "╳" } else if let d = s.decision { cells[lifeline(p)] = d == .commit ? "✓" : "✗" }
    }
    let final = status.indices.map { p -> String in
      var text = "\(names.short[p]) \(status[p].state)"
      if let d = status[p].decision { text += " (\(d.rawValue))" }
      if status[p].crashed { text += " (crashed)" }
      return text
    }.joined(separator: ", ")
    var lines = row(number: "end", cells: cells, note: final, status: status)
    let inFlight = SequenceChartWriter.inFlightNote(chart, names)
    if !inFlight.isEmpty { lines += wrap("still in flight: " + inFlight, width) }
    let key = ["key: ● move", "✓ decides commit", "✗ decides abort", "╳ crash", "┆ crashed",
               "║ cut off by the partition", "┄× lost", "┄+ duplicated"]
    var line = ""
    for item in key {
      if !line.isEmpty && line.count + 2 + item.count > width {
        lines.append(line + ",")
        line = ""
      }
      line += (line.isEmpty ? "" : ", ") + item
    }
    lines.append(line)
    return lines
  }

  /// A chart row with its note wrapped beside it; continuation lines show the lifelines only.
  func row(number: String, cells: [Character], note: String, status: [SequenceChart.Status]) -> [String] {
    var cells = cells
    let label = Array(number.count < gutter - 1 ? number : String(number.prefix(gutter - 1)))
    for (k, ch) in label.enumerated() { cells[gutter - 2 - label.count + 1 + k] = ch }
    let pieces = wrap(note, notesWidth)
    var out: [String] = []
    for (k, piece) in pieces.enumerated() {
      var left = k == 0 ? cells : lifelines(status)
      while left.count < notesStart { left.append(" ") }
      out.append(trimmed(String(left) + piece))
    }
    return out.isEmpty ? [trimmed(String(cells))] : out
  }

  func trimmed(_ line: String) -> String {
    var line = line
    while line.last == " " { line.removeLast() }
    return line
  }

  /// Greedy word wrap; a word longer than the width is cut.
  func wrap(_ text: String, _ width: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    for word in text.split(separator: " ") {
      var word = String(word)
      while word.count > width {
        if !current.isEmpty { lines.append(current); current = "" }
        lines.append(String(word.prefix(width)))
        word = String(word.dropFirst(width))
      }
      if current.isEmpty {
        current = word
      } else if current.count + 1 + word.count <= width {
        current += " " + word
      } else {
        lines.append(current)
        current = word
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }
}
