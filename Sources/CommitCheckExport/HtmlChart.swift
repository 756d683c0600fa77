import CommitCheckExplorer
import CommitCheckModel
import Foundation

/// One counterexample on the report page: the message sequence chart as SVG (a lifeline per
/// process, a row per step, messages as arrows from the step that sent them to the step that
/// received or lost them), the steps as a list, and the whole state after each step with what
/// changed marked. The page's script shows one step at a time; without it every state shows.
struct HtmlChart {
  let system: TransitionSystem
  let x: Counterexample
  let names: ProcessNames
  let name: String
  let column = 124.0
  let row = 40.0
  let left = 48.0
  let top = 56.0

  init(_ system: TransitionSystem, _ x: Counterexample) {
    self.system = system
    self.x = x
    names = ProcessNames(system)
    name = HtmlReportWriter.esc(x.property.name)
  }

  var last: Int { x.trace.steps.count - 1 }
  func px(_ p: Int) -> Double { left + column * (Double(p) + 0.5) }
  func py(_ step: Int) -> Double { top + row * Double(step) }

  func section() -> String {
    let p = x.property
    var title = "\(p.name): violated"
    if let kind = p.kind { title += " (\(kind.rawValue))" }
    var out = "<section class=\"counterexample\" id=\"\(name)\" data-property=\"\(name)\" data-last=\"\(last)\" tabindex=\"0\" "
    out += "aria-labelledby=\"\(name)-h\">\n<h2 id=\"\(name)-h\">\(HtmlReportWriter.esc(title))</h2>\n"
    for note in p.notes { out += "<p class=\"note\">\(HtmlReportWriter.esc(note))</p>\n" }
    if let loop = x.trace.loopStart {
      out += "<p>↻ A livelock: steps \(loop + 1) to \(last) repeat forever, returning to the state after step \(loop).</p>\n"
    }
    out += "<div class=\"controls\" role=\"group\" aria-label=\"Step control for \(name)\">"
    out += "<button type=\"button\" data-go=\"first\">« First</button><button type=\"button\" data-go=\"previous\">◀ Previous</button>"
    out += "<button type=\"button\" data-go=\"next\">Next ▶</button><button type=\"button\" data-go=\"last\">Last »</button>"
    out += "<span class=\"position\" aria-live=\"polite\">Step 0 of \(last)</span>"
    out += "<span class=\"hint\">(or ← and → while this section has focus)</span></div>\n"
    out += "<p class=\"legend\">Arrows: solid, received; dotted and stopping short (✗ lost), lost; dashed to the foot of the "
    out += "chart, still in flight at the end. The current step's row is outlined and its messages drawn thick.</p>\n"
    out += "<div class=\"chart-grid\"><div><div class=\"scroll\">\(chart())</div>\n\(stepList())</div>\n"
    out += "<div class=\"states\">\(states())</div></div>\n"
    return out + "</section>\n"
  }

  /// The chart: bands to highlight the current step, lifelines, arrows, and marks for moves,
  /// decisions, failures and a livelock's cycle.
  func chart() -> String {
    let count = x.chart.processes.count
    let width = left + column * Double(count) + 90
    let bottom = py(last) + row * 1.2
    var out = "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(bottom + 12))\" width=\"\(Int(width))\" "
    out += "height=\"\(Int(bottom + 12))\" role=\"img\" aria-label=\"Message sequence chart of \(name): \(count) processes, \(last) steps\">\n"
    out += "<defs><marker id=\"\(name)-ah\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
    out += "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1b1b1b\"/></marker></defs>\n"
    for k in 0...last {
      out += "<rect class=\"band\" data-step=\"\(k)\" x=\"2\" y=\(q(py(k) - row / 2)) width=\(q(width - 4)) height=\(q(row))/>"
      out += "<text class=\"steplabel\" x=\"8\" y=\(q(py(k) + 4))>\(k == 0 ? "init" : String(k))</text>\n"
    }
    for (p, process) in x.chart.processes.enumerated() {
      out += "<text x=\(q(px(p))) y=\"20\" text-anchor=\"middle\" font-weight=\"600\">\(HtmlReportWriter.esc(names.short[p]))</text>"
      out += "<text x=\(q(px(p))) y=\"36\" text-anchor=\"middle\" font-size=\"10\">\(HtmlReportWriter.esc(process))</text>"
      out += "<line class=\"lifeline\" x1=\(q(px(p))) y1=\(q(top - row / 2)) x2=\(q(px(p))) y2=\(q(bottom))/>\n"
    }
    for (i, a) in x.chart.arrows.enumerated() { out += arrow(a, index: i, bottom: bottom) }
    for s in x.chart.steps { out += marks(s) }
    if let loop = x.trace.loopStart {
      let xr = left + column * Double(count) + 20
      out += "<g class=\"cycle\"><path d=\"M\(f(xr)),\(f(py(last))) h18 V\(f(py(loop))) h-18\" marker-end=\"url(#\(name)-ah)\"/>"
      out += "<text x=\(q(xr + 22)) y=\(q((py(loop) + py(last)) / 2)) font-size=\"11\">↻ cycle</text></g>\n"
    }
    return out + "</svg>"
  }

  func arrow(_ a: SequenceChart.Arrow, index: Int, bottom: Double) -> String {
    let x1 = px(a.source), y1 = py(a.sent) + 4
    var x2 = px(a.target), y2 = a.ended.map(py) ?? bottom - 4
    var cls = "arrow"
    var note = ""
    switch a.fate {
    case .received: break
    case .lost:
      cls += " lost"
      x2 = x1 + (x2 - x1) * 0.6
      y2 = y1 + (y2 - y1) * 0.6 + row * 0.4
      note = "✗ lost"
    case .inFlight:
      // Dashed down to the chart's foot (the legend says so): one note each would pile up there.
      cls += " inflight"
    }
    if a.duplicate { note += note.isEmpty ? "duplicate" : ", duplicate" }
    var out = "<g class=\"\(cls)\" data-sent=\"\(a.sent)\" data-ended=\"\(a.ended.map(String.init) ?? "")\">"
    let label = HtmlReportWriter.esc(a.text)
    out += "<title>\(label): \(HtmlReportWriter.esc(x.chart.processes[a.source]))→\(HtmlReportWriter.esc(x.chart.processes[a.target]))"
    out += ", sent at step \(a.sent)\(a.ended.map { a.fate == .lost ? ", lost at step \($0)" : ", received at step \($0)" } ?? ", still in flight")</title>"
    if a.source == a.target {
      out += "<path d=\"M\(f(x1)),\(f(y1)) c40,0 40,\(f(y2 - y1)) 0,\(f(y2 - y1))\" marker-end=\"url(#\(name)-ah)\"/>"
    } else {
      out += "<line x1=\(q(x1)) y1=\(q(y1)) x2=\(q(x2)) y2=\(q(y2)) marker-end=\"url(#\(name)-ah)\"/>"
    }
    // The label near the sender, on the side the arrow leaves to.
    let lx = x1 + (x2 >= x1 ? 6 : -6)
    out += "<text x=\(q(lx)) y=\(q(y1 + 12)) text-anchor=\"\(x2 >= x1 ? "start" : "end")\">\(label)</text>"
    if !note.isEmpty { out += "<text x=\(q(x2 + 4)) y=\(q(y2 + 4))>\(note)</text>" }
    return out + "</g>\n"
  }

  /// The marks of one step on its acting process's lifeline: a dot for a protocol move, a box
  /// with a symbol and a word for a crash, a recovery and a decision; a partition is a dashed
  /// line across the chart.
  func marks(_ s: SequenceChart.Step) -> String {
    let y = py(s.index)
    var out = ""
    if let kind = s.kind, kind == .partition, let (_, a, b) = s.partition {
      let width = left + column * Double(x.chart.processes.count)
      out += "<g class=\"partition\"><line x1=\(q(left)) y1=\(q(y)) x2=\(q(width)) y2=\(q(y))/>"
      out += "<text x=\(q(left + 4)) y=\(q(y - 5)) font-size=\"11\">partition {\(HtmlReportWriter.esc(a.joined(separator: ", ")))} | "
      out += "{\(HtmlReportWriter.esc(b.joined(separator: ", ")))}</text></g>\n"
      return out
    }
    guard let p = s.process, let kind = s.kind else { return "" }
    let cx = px(p)
    func box(_ cls: String, _ text: String) -> String {
      let w = Double(text.count) * 6.6 + 10
      return "<g class=\"mark \(cls)\"><rect x=\(q(cx + 6)) y=\(q(y - 9)) width=\(q(w)) height=\"18\" rx=\"3\"/>"
        + "<text x=\(q(cx + 11)) y=\(q(y + 4))>\(HtmlReportWriter.esc(text))</text></g>"
    }
    switch kind {
    case .crash: out += box("crash", "✗ crash")
    case .recover: out += box("recover", "↺ recover")
    default:
      out += "<g class=\"mark act\"><circle cx=\(q(cx)) cy=\(q(y)) r=\"4\"/></g>"
      if let d = s.decision {
        out += box(d == .commit ? "commit" : "abort", d == .commit ? "✓ commit" : "✗ abort")
      } else if let state = s.newState {
        out += "<text x=\(q(cx + 7)) y=\(q(y - 4)) font-size=\"10\">→ \(HtmlReportWriter.esc(state))</text>"
      }
    }
    return out + "\n"
  }

  /// The steps as a list of buttons, the current one highlighted.
  func stepList() -> String {
    var out = "<ol class=\"steps\" aria-label=\"Steps of \(name)\">"
    for step in x.trace.steps {
      let k = step.index
      let cycle = x.trace.loopStart == k ? " cycle-start" : ""
      let label = k == 0 ? "0. \(step.text)" : "\(k). \(step.text)"
      out += "<li data-step=\"\(k)\" class=\"step\(cycle)\"><button type=\"button\">"
      if !cycle.isEmpty { out += "<strong>↻ cycle starts after this step.</strong> " }
      out += "\(HtmlReportWriter.esc(label))</button></li>\n"
    }
    if let loop = x.trace.loopStart {
      out += "<li class=\"loop-back\">↻ back to the state after step \(loop)</li>\n"
    }
    return out + "</ol>"
  }

  /// The whole state after each step: each process's control state and variables, those that
  /// changed since the step before marked (highlighted, with ● and their old value), and the
  /// messages in flight.
  func states() -> String {
    var out = ""
    for k in 0...last {
      let views = x.states[k]
      let before = k > 0 ? x.states[k - 1] : nil
      out += "<div class=\"state\" data-step=\"\(k)\"><h3>State after step \(k)</h3>\n"
      if k > 0 { out += "<p class=\"step-text\">\(HtmlReportWriter.esc(x.trace.steps[k].text))</p>\n" }
      out += "<table><thead><tr><th scope=\"col\">Process</th><th scope=\"col\">Control state</th><th scope=\"col\">Variables</th></tr></thead><tbody>\n"
      for (p, view) in views.enumerated() {
        let old = before?[p]
        var control = HtmlReportWriter.esc(view.control) + (view.crashed ? " (crashed)" : "")
        if let old, old.control != view.control || old.crashed != view.crashed {
          control = changed(control, was: old.control + (old.crashed ? " (crashed)" : ""))
        }
        out += "<tr><th scope=\"row\">\(HtmlReportWriter.esc(view.process))</th><td>\(control)</td><td>"
        if view.variables.isEmpty {
          out += "—"
        } else {
          out += "<ul>"
          for (i, v) in view.variables.enumerated() {
            let text = "\(HtmlReportWriter.esc(v.name)) = \(HtmlReportWriter.esc(v.value))"
            if let old, old.variables[i].value != v.value {
              out += "<li>\(changed(text, was: old.variables[i].value))</li>"
            } else {
              out += "<li>\(text)</li>"
            }
          }
          out += "</ul>"
        }
        out += "</td></tr>\n"
      }
      out += "</tbody></table>\n"
      let flights = x.inFlight[k]
      out += "<h4>In flight</h4>"
      if flights.isEmpty {
        out += "<p>nothing</p>"
      } else {
        out += "<ul class=\"flight\">" + flights.map { "<li>\(HtmlReportWriter.esc($0))</li>" }.joined() + "</ul>"
      }
      out += "</div>\n"
    }
    return out
  }

  func changed(_ html: String, was: String) -> String {
    "<mark class=\"changed\">● \(html)</mark> <span class=\"was\">(changed; was \(HtmlReportWriter.esc(was)))</span>"
  }

  /// A coordinate as a quoted attribute value, to one decimal.
  func q(_ v: Double) -> String { "\"\(f(v))\"" }
  func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
