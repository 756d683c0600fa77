import CommitCheckExplorer
import CommitCheckMarkov
import CommitCheckModel
import Foundation

/// Writes a `ModelReport` as one self-contained HTML page: its style and script are inline, its
/// drawings inline SVG, and it names nothing outside itself (no network request, no font), so it
/// opens from disk and can be mailed or attached to a CI run.
///
/// The page is the same bytes for the same report: nothing in it depends on the time, the
/// machine or a hash order. A counterexample's step is addressable: `#termination/step/4` opens
/// that property's chart at step 4.
public enum HtmlReportWriter {
  /// The grey of never-used control states and transitions: dashed as well, so colour is not
  /// the only sign, and dark enough for text on white (4.9:1).
  public static let deadColor = "#6e6e6e"

  public static func page(_ r: ModelReport) -> String {
    let c = r.check
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    out += "<title>\(esc(c.model)): CommitCheck report</title>\n<style>\n\(style)</style>\n</head>\n<body>\n"
    out += "<header><h1>\(esc(c.model))</h1><p class=\"sub\">CommitCheck report for <code>\(esc(c.file))</code></p></header>\n"
    out += "<nav aria-label=\"Sections\"><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#verdicts\">Verdicts</a></li>"
    for x in r.counterexamples { out += "<li><a href=\"#\(esc(x.property.name))/step/0\">\(esc(x.property.name)) counterexample</a></li>" }
    out += "<li><a href=\"#machines\">Role machines</a></li><li><a href=\"#coverage\">Coverage</a></li>"
    if r.markov != nil || r.markovSkipped != nil { out += "<li><a href=\"#outcomes\">Outcome probabilities</a></li>" }
    out += "</ul></nav>\n<main>\n"
    out += summary(c)
    out += verdicts(c, charted: Set(r.counterexamples.map(\.property.name)))
    if let error = c.runtimeError {
      out += "<section id=\"model-error\"><h2>Model error</h2><p>\(esc(error.message))</p>"
      if let trace = error.trace { out += "<pre>\(esc(ReportWriter.traceText(trace)))</pre>" }
      out += "</section>\n"
    }
    for x in r.counterexamples { out += HtmlChart(r.system, x).section() }
    out += machines(r)
    if let coverage = c.coverage { out += self.coverage(coverage) }
    if let markov = r.markov { out += outcomes(markov) }
    if let reason = r.markovSkipped {
      out += "<section id=\"outcomes\" aria-labelledby=\"outcomes-h\"><h2 id=\"outcomes-h\">Outcome probabilities</h2>"
      out += "<p>Not computed: \(esc(reason)).</p></section>\n"
    }
    out += "</main>\n<script>\n\(script)</script>\n</body>\n</html>\n"
    return out
  }

  /// The header: model, parameters, network, failure budgets, the exploration's figures, and
  /// whether it is complete.
  static func summary(_ c: CheckReport) -> String {
    var rows: [(String, String)] = []
    rows.append(("Model", "\(esc(c.model)) (<code>\(esc(c.file))</code>)"))
    rows.append(("Parameters", c.parameters.isEmpty ? "none" : esc(c.parameters.map { "\($0.name) = \($0.value)" }.joined(separator: ", "))))
    rows.append(("Network", esc(c.network.rawValue) + (c.network == .set ? "" : ", capacity \(c.capacity)")))
    rows.append(("Failures", c.failures.isEmpty ? "none" : esc(c.failures.map { "\($0.name) \($0.budget)" }.joined(separator: ", "))))
    rows.append((c.countsOrbits ? "Orbits" : "States", ReportWriter.grouped(c.states)))
    rows.append(("Transitions", ReportWriter.grouped(c.transitions)))
    rows.append(("Depth", "\(c.depth)"))
    rows.append(("Bytes per state", String(format: "%.1f", c.bytesPerState)))
    let completeness: String = switch c.stopReason {
    case nil: "complete: every reachable state was explored"
    case .maxStates?: "INCOMPLETE: stopped at the state limit (--max-states)"
    case .maxMemory?: "INCOMPLETE: stopped at the memory limit (--max-memory)"
    case .timeout?: "INCOMPLETE: stopped at the time limit (--timeout)"
    case .interrupted?: "INCOMPLETE: interrupted"
    case .runtimeError?: "INCOMPLETE: stopped by a model error"
    }
    rows.append(("Exploration", completeness))
    var out = "<section id=\"summary\" aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">Summary</h2>\n<dl class=\"facts\">\n"
    for (k, v) in rows { out += "<div><dt>\(k)</dt><dd>\(v)</dd></div>\n" }
    out += "</dl>\n"
    let notes = ReportWriter.renderedWarnings(c)
    if !notes.isEmpty { out += "<details><summary>Warnings and notes (\(notes.count))</summary><pre>\(esc(notes.joined(separator: "\n")))</pre></details>\n" }
    return out + "</section>\n"
  }

  /// Every property's verdict, with a link to its chart when violated.
  static func verdicts(_ c: CheckReport, charted: Set<String>) -> String {
    var out = "<section id=\"verdicts\" aria-labelledby=\"verdicts-h\"><h2 id=\"verdicts-h\">Verdicts</h2>\n"
    out += "<div class=\"scroll\"><table id=\"verdict-table\"><thead><tr><th scope=\"col\">Property</th><th scope=\"col\">Kind</th>"
    out += "<th scope=\"col\">Verdict</th><th scope=\"col\">Counterexample</th></tr></thead><tbody>\n"
    for p in c.properties {
      let verdict: String = switch p.verdict {
      case .holds: "<span class=\"ok\">✓ holds</span>"
      case .violated: "<span class=\"bad\">✗ VIOLATED (\(esc(p.kind?.rawValue ?? "?")))</span>"
      case .unknown: "<span class=\"unknown\">? unknown</span> (\(esc(p.notes.joined(separator: "; "))))"
      }
      let link = charted.contains(p.name)
        ? "<a href=\"#\(esc(p.name))/step/0\">\(p.trace.map { "\($0.steps.count - 1) steps" } ?? "")</a>" : "—"
      out += "<tr data-property=\"\(esc(p.name))\" data-verdict=\"\(p.verdict.rawValue)\"><th scope=\"row\">\(esc(p.name))</th>"
      out += "<td>\(p.category.rawValue)</td><td>\(verdict)</td><td>\(link)</td></tr>\n"
    }
    out += "</tbody></table></div>\n"
    let violated = c.properties.filter { $0.verdict == .violated }.count
    out += "<p>\(violated == 0 ? "No property is violated." : "\(violated) of \(c.properties.count) properties violated.")</p>\n"
    return out + "</section>\n"
  }

  /// Each role's state machine: Graphviz's drawing when there is one, else the built-in layout.
  static func machines(_ r: ModelReport) -> String {
    var out = "<section id=\"machines\" aria-labelledby=\"machines-h\"><h2 id=\"machines-h\">Role machines</h2>\n"
    out += "<p>One box per control state (✓ decides commit, ✗ decides abort), one arrow per transition. "
    out += "Dashed grey: never used in the explored graph.</p>\n"
    let usage = r.check.coverage?.usage
    for (i, machine) in r.machines.enumerated() {
      let role = r.system.roles[machine.role]
      out += "<figure class=\"machine\"><figcaption>\(esc(role.name)) ×\(role.count)</figcaption><div class=\"scroll\">"
      if let drawings = r.machineDrawings {
        out += inlineSVG(drawings[i], label: "\(role.name) state machine")
      } else {
        out += HtmlMachineLayout(r.system, machine, usage: usage).svg()
      }
      out += "</div></figure>\n"
    }
    return out + "</section>\n"
  }

  /// Graphviz's SVG made fit for inlining: the XML prolog, doctype and comments dropped (the
  /// doctype names a URL), sized by the page.
  static func inlineSVG(_ svg: String, label: String) -> String {
    guard let start = svg.range(of: "<svg") else { return "" }
    var body = String(svg[start.lowerBound...])
    while let open = body.range(of: "<!--"), let close = body.range(of: "-->", range: open.upperBound..<body.endIndex) {
      body.removeSubrange(open.lowerBound..<close.upperBound)
    }
    body = body.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: "")
      .replacingOccurrences(of: " xmlns:xlink=\"http://www.w3.org/1999/xlink\"", with: "")
    return body.replacingOccurrences(of: "<svg", with: "<svg role=\"img\" aria-label=\"\(esc(label))\" class=\"drawing\"",
                                     options: [], range: body.range(of: "<svg"))
  }

  static func coverage(_ cov: Coverage) -> String {
    var out = "<section id=\"coverage\" aria-labelledby=\"coverage-h\"><h2 id=\"coverage-h\">Coverage</h2>\n"
    out += "<p>Per transition (and failure budget): the moves it made in the explored graph, and the states it reached first.</p>\n"
    out += "<div class=\"scroll\"><table id=\"coverage-table\"><thead><tr><th scope=\"col\">Role</th><th scope=\"col\">Transition</th>"
    out += "<th scope=\"col\" class=\"num\">Line</th><th scope=\"col\" class=\"num\">Fired</th><th scope=\"col\" class=\"num\">New states</th>"
    out += "<th scope=\"col\">Note</th></tr></thead><tbody>\n"
    for e in cov.entries {
      let dead = e.transitionIndex != nil && e.fired == 0
      out += "<tr\(dead ? " class=\"dead\"" : "")><td>\(esc(e.role ?? "network"))</td><td>\(esc(e.transition))</td>"
      out += "<td class=\"num\">\(e.line.map(String.init) ?? "—")</td><td class=\"num\">\(ReportWriter.grouped(e.fired))</td>"
      out += "<td class=\"num\">\(ReportWriter.grouped(e.newStates))</td><td>\(dead ? "never fires" : e.transitionIndex == nil ? "failure" : "")</td></tr>\n"
    }
    let fired = cov.entries.reduce(0) { $0 + $1.fired }, found = cov.entries.reduce(0) { $0 + $1.newStates }
    out += "</tbody><tfoot><tr><th scope=\"row\" colspan=\"3\">Total</th><td class=\"num\">\(ReportWriter.grouped(fired))</td>"
    out += "<td class=\"num\">\(ReportWriter.grouped(found))</td><td>+ \(ReportWriter.grouped(cov.initialStates)) initial</td></tr></tfoot></table></div>\n"
    if cov.unreachedStates.isEmpty {
      out += "<p>Every control state is reached.</p>\n"
    } else {
      out += "<p>Control states never reached:</p><ul class=\"unreached\">"
      for u in cov.unreachedStates { out += "<li>\(esc(u.role)): <code>\(esc(u.state))</code></li>" }
      out += "</ul>\n"
    }
    return out + "</section>\n"
  }

  /// The Markov chain's outcome probabilities as bars, each with its number.
  static func outcomes(_ m: MarkovReport) -> String {
    var out = "<section id=\"outcomes\" aria-labelledby=\"outcomes-h\"><h2 id=\"outcomes-h\">Outcome probabilities</h2>\n"
    let rates = m.rateOverrides.isEmpty ? "the model's rates" : "rates " + m.rateOverrides.map { "\($0.name) = \(number($0.rate))" }.joined(separator: ", ")
    out += "<p>How likely a run ends in each outcome, with \(esc(rates)) (every other move at rate 1).</p>\n"
    out += "<table id=\"outcome-table\" class=\"bars\"><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Probability</th>"
    out += "<th scope=\"col\" class=\"num\">Value</th></tr></thead><tbody>\n"
    for o in Outcome.allCases {
      let p = m.outcomes[o.rawValue]
      let width = String(format: "%.2f", max(0, min(1, p)) * 100)
      out += "<tr><th scope=\"row\">\(o.name)</th><td><div class=\"bar\" aria-hidden=\"true\"><span class=\"fill \(o.name)\" style=\"width: \(width)%\"></span></div></td>"
      out += "<td class=\"num\">\(String(format: "%.6f", p))</td></tr>\n"
    }
    out += "</tbody></table>\n"
    out += "<p>Expected steps until the end: \(String(format: "%.4g", m.expectedSteps)); expected time: \(String(format: "%.4g", m.expectedTime)).</p>\n"
    return out + "</section>\n"
  }

  static func number(_ x: Double) -> String { String(format: "%g", x) }

  /// Text escaped for HTML content and attribute values (XML's escapes serve HTML too).
  static func esc(_ s: String) -> String { PnmlWriter.escape(s) }
}
