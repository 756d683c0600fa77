import CommitCheckMarkov
import Foundation

/// Writes a `MarkovReport` as text for people, JSON for scripts or CSV for spreadsheets.
///
/// None of the forms carries wall-clock figures unless asked (`timing`), so the same model,
/// options and rates always give byte-identical output.
public enum MarkovWriter {
  public static func text(_ r: MarkovReport, timing: Bool = false, exploreSeconds: Double = 0) -> String {
    var out = "model:       \(r.model) (\(r.file))\n"
    if !r.parameters.isEmpty {
      out += "parameters:  " + r.parameters.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + "\n"
    }
    out += "network:     \(r.network.rawValue)" + (r.network == .set ? "\n" : ", capacity \(r.capacity)\n")
    out += "failures:    " + (r.failures.isEmpty ? "none" : r.failures.map(\.label).joined(separator: ", ")) + "\n"
    out += "rates:       "
    out += r.rateOverrides.isEmpty ? "as the model declares (1 unless it says otherwise)\n"
      : r.rateOverrides.map { "\($0.name) \(number($0.rate))" }.joined(separator: ", ") + "; every other move as the model declares\n"
    out += "chain:       \(grouped(r.states)) states (\(grouped(r.initialStates)) initial, \(grouped(r.transientStates)) transient, "
    out += "\(grouped(r.absorbingStates)) terminal), \(grouped(r.transitions)) transitions\n"
    out += "bottom:      " + Outcome.allCases.map { "\(grouped(r.bottomComponents[$0.rawValue])) \($0.name)" }.joined(separator: ", ")
    out += " components\n"
    if r.cutStates > 0 {
      out += "             \(grouped(r.cutStates)) states violate atomicity; their moves are cut (the run ends there)\n"
    }
    out += "solver:      " + solverLine(r.solver) + "\n"
    if timing {
      out += "time:        explore " + String(format: "%.3f", exploreSeconds) + " s, chain and solve "
        + String(format: "%.3f", r.seconds) + " s\n"
    }
    out += "\n" + outcomeTable(r)
    if let (k, summary) = r.afterSteps {
      out += "\nafter \(k) step\(k == 1 ? "" : "s") (DTMC):\n" + summaryText(summary, r)
    }
    if let (t, used, summary) = r.atTime {
      out += "\nat time \(number(t)) (CTMC, uniformization with \(grouped(used)) steps):\n" + summaryText(summary, r)
    }
    if let lr = r.longRun {
      out += "\nlong run (terminal states restart the transaction at rate \(number(lr.restartRate))"
      if let cycle = lr.cycleTime {
        out += "; one transaction every \(number(cycle)) time units):\n"
      } else {
        out += "; a livelock never restarts, so it takes the whole long run):\n"
      }
      out += summaryText(lr.summary, r)
    }
    if !r.top.isEmpty {
      out += "\nmost probable ends:\n"
      for (i, t) in r.top.enumerated() {
        let size = t.stateCount == 1 ? "" : " (bottom cycle of \(grouped(t.stateCount)) states, e.g.)"
        out += "  \(i + 1). \(number(t.probability))  \(t.outcome.name)\(size): \(t.description)\n"
      }
    }
    return out
  }

  static func solverLine(_ s: SolverStats) -> String {
    var line: String
    if s.cyclicComponents == 0 {
      line = "exact (acyclic: reverse topological order of the components)"
    } else {
      line = "gauss-seidel on \(grouped(s.cyclicComponents)) cyclic component\(s.cyclicComponents == 1 ? "" : "s")"
      line += " (largest \(grouped(s.largestCyclicComponent)) states), \(grouped(s.iterations)) iterations, tolerance \(number(s.tolerance))"
      if !s.converged { line += ", NOT CONVERGED after \(grouped(s.maxIterations)) iterations" }
    }
    return line + ", residual \(number(s.residual))"
  }

  static func outcomeTable(_ r: MarkovReport) -> String {
    func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
      a.padding(toLength: 11, withPad: " ", startingAt: 0) + b.padding(toLength: 18, withPad: " ", startingAt: 0)
        + c.padding(toLength: 17, withPad: " ", startingAt: 0) + d + "\n"
    }
    var out = row("outcome", "probability", "expected steps", "expected time")
    for o in Outcome.allCases {
      out += row(o.name, number(r.outcomes[o.rawValue]), r.conditionalSteps[o.rawValue].map(number) ?? "-",
                 r.conditionalTime[o.rawValue].map(number) ?? "-")
    }
    out += row("all", number(r.outcomes.reduce(0, +)), number(r.expectedSteps), number(r.expectedTime))
    out += "residual   \(number(r.residual)) (1 - sum of the outcomes)\n"
    return out
  }

  static func summaryText(_ s: DistributionSummary, _ r: MarkovReport) -> String {
    var out = "  running \(number(s.running)), "
    out += Outcome.allCases.map { "\($0.name) \(number(s.outcomes[$0.rawValue]))" }.joined(separator: ", ") + "\n"
    let width = (r.processNames.map(\.count).max() ?? 0) + 2
    for (p, name) in r.processNames.enumerated() {
      var parts = zip(r.controlStateNames[p], s.controlStates[p]).filter { $0.1 != 0 }.map { "\($0.0) \(number($0.1))" }
      if parts.isEmpty { parts = ["-"] }
      out += "  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + parts.joined(separator: ", ")
      if s.crashed[p] != 0 { out += "; crashed \(number(s.crashed[p]))" }
      out += "\n"
    }
    return out
  }

  /// Ten significant digits, no trailing zeros: `0.9702989999`, `1.5e-05`, `0`.
  public static func number(_ x: Double) -> String {
    if x == 0 { return "0" }
    return String(format: "%.10g", x)
  }

  static func grouped(_ n: Int) -> String { ReportWriter.grouped(n) }
}
