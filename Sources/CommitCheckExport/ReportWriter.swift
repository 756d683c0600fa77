import CommitCheckLanguage
import CommitCheckExplorer
import CommitCheckModel
import Foundation

/// Writes a `CheckReport` as text for people or as JSON for scripts.
///
/// Both forms leave out wall-clock figures unless asked (`timing`), so the same model and options
/// always give byte-identical reports.
public enum ReportWriter {
  public static func text(_ r: CheckReport, timing: Bool = false) -> String {
    var out = ""
    if let (slots, bound) = r.compactHash {
      out += "HASH COMPACTION: 64-bit fingerprints in \(grouped(slots)) slots; a state was missed with probability at most \(String(format: "%.3g", bound))\n"
    }
    out += "model:       \(r.model) (\(r.file))\n"
    if !r.parameters.isEmpty {
      out += "parameters:  " + r.parameters.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + "\n"
    }
    out += "network:     \(r.network.rawValue)"
    out += r.network == .set ? "\n" : ", capacity \(r.capacity)\n"
    out += "failures:    " + (r.failures.isEmpty ? "none" : r.failures.map(\.label).joined(separator: ", ")) + "\n"
    out += "explored:    \(grouped(r.states)) states, \(grouped(r.transitions)) transitions, depth \(r.depth), "
    out += String(format: "%.1f", r.bytesPerState) + " bytes/state"
    switch r.stopReason {
    case nil: out += "\n"
    case .maxStates?: out += "\n             INCOMPLETE: stopped at the state limit (--max-states)\n"
    case .maxMemory?: out += "\n             INCOMPLETE: stopped at the memory limit (--max-memory)\n"
    case .timeout?: out += "\n             INCOMPLETE: stopped at the time limit (--timeout)\n"
    case .interrupted?: out += "\n             INCOMPLETE: interrupted\n"
    case .runtimeError?: out += "\n             stopped by a model error\n"
    }
    if timing {
      out += "time:        " + String(format: "%.3f", r.seconds) + " s, \(grouped(Int(r.statesPerSecond))) states/s\n"
    }
    for line in renderedWarnings(r) { out += line + "\n" }
    if let error = r.runtimeError {
      out += "\nmodel error: \(error.message)\n"
      if let trace = error.trace { out += traceText(trace) }
      if let coverage = r.coverage { out += CoverageWriter.text(coverage) }
      return out
    }
    out += "\n"
    let width = max(12, (r.properties.map(\.name.count).max() ?? 0) + 2)
    for p in r.properties {
      let label = p.name.padding(toLength: width, withPad: " ", startingAt: 0)
      switch p.verdict {
      case .holds: out += "\(label)holds\n"
      case .unknown: out += "\(label)unknown (\(p.notes.joined(separator: "; ")))\n"
      case .violated:
        out += "\(label)VIOLATED (\(p.kind?.rawValue ?? "?"))\n"
        if let trace = p.trace { out += traceText(trace) }
        if p.kind == .blocked && p.category == .termination {
          out += "    blocked: " + p.notes.joined(separator: ";\n             ") + "\n"
        } else {
          for n in p.notes { out += "    \(n)\n" }
        }
      }
    }
    let violated = r.properties.filter { $0.verdict == .violated }.count
    let unknown = r.properties.filter { $0.verdict == .unknown }.count
    out += "\n"
    if violated > 0 {
      out += "\(violated) of \(r.properties.count) properties violated\n"
    } else if unknown > 0 {
      out += "no violation found, \(unknown) of \(r.properties.count) properties unknown" + (r.complete ? "\n" : " (incomplete)\n")
    } else {
      out += "all \(r.properties.count) properties hold\n"
    }
    if let coverage = r.coverage { out += CoverageWriter.text(coverage) }
    return out
  }

  /// The report's warnings, each with its source line and caret, then its notes.
  static func renderedWarnings(_ r: CheckReport) -> [String] {
    r.warnings.map { $0.render(file: r.file, source: r.source) } + r.notes.map { "note: " + $0.message }
  }

  public static func traceText(_ trace: Trace) -> String {
    var out = ""
    for step in trace.steps {
      let marker = trace.loopStart == step.index ? "  ↻ cycle starts here\n" : ""
      out += marker
      out += "  \(step.index). \(step.text)\n"
    }
    if trace.loopStart != nil { out += "  ↻ back to step \(trace.loopStart!)\n" }
    return out
  }

  /// Digits in groups of three: `61,515,776`.
  public static func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(ch)
    }
    return n < 0 ? "-" + out : out
  }
}
