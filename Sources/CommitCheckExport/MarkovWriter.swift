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
      out += "time:        explore " + String(format: "%.3f", exploreSeconds) + " s, build the chain "
        + String(format: "%.3f", r.buildSeconds) + " s, solve " + String(format: "%.3f", r.seconds - r.buildSeconds) + " s\n"
    }
    out += "\n" + outcomeTable(r)
    if let (k, summary) = r.afterSteps {
      out += "\nafter \(k) step\(k == 1 ? "" : "s") (DTMC):\n" + summaryText(summary, r)
    }
    if let (t, used, summary) = r.atTime {
      out += "\nat time \(number(t)) (CTMC, uniformization with \(grouped(used)) steps, every figure within "
        + "\(bound(r.atTimeBound)) plus rounding):\n" + summaryText(summary, r)
    }
    if let lr = r.longRun {
      out += "\nlong run (terminal states restart the transaction at rate \(number(lr.restartRate))"
      if let cycle = lr.cycleTime {
        out += "; one transaction every \(number(cycle)) time units):\n"
      } else {
        out += "; a livelock never restarts, so it takes the whole long run):\n"
      }
      if let b = lr.errorBound, b > 0 {
        out += "  (every fraction within \(bound(b)))\n"
      } else if lr.errorBound == nil {
        out += "  (no guaranteed error bound: a livelock component of more than 2,000 states gets power iteration, "
          + "which stops at the precision)\n"
      }
      out += summaryText(lr.summary, r)
    }
    if !r.top.isEmpty {
      out += "\nmost probable ends"
      if r.orbits {
        out += " (orbits under --symmetry: each figure is the whole orbit's; a state of an orbit of n states "
          + "has 1/n of it)"
      }
      out += ":\n"
      for (i, t) in r.top.enumerated() {
        var size = t.stateCount == 1 ? "" : " (bottom cycle of \(grouped(t.stateCount)) states, e.g.)"
        if let orbit = t.orbitSize { size += ", orbit of \(grouped(orbit)) (each \(number(t.probability / Double(orbit))))" }
        let within = t.errorBound.map { $0 > 0 ? " ±" + bound($0) : "" } ?? ""
        out += "  \(i + 1). \(number(t.probability))\(within)  \(t.outcome.name)\(size): \(t.description)\n"
      }
    }
    return out
  }

  static func solverLine(_ s: SolverStats) -> String {
    var line: String
    if s.cyclicComponents == 0 {
      line = "exact (acyclic: reverse topological order of the components)"
    } else {
      line = "sound value iteration on \(grouped(s.cyclicComponents)) cyclic component\(s.cyclicComponents == 1 ? "" : "s")"
      line += " (largest \(grouped(s.largestCyclicComponent)) states), \(grouped(s.iterations)) iterations, "
        + "precision \(number(s.tolerance)) relative"
      if !s.converged { line += ", NOT CONVERGED after \(grouped(s.maxIterations)) iterations (the bounds hold, wider)" }
    }
    line += "\n             graph search: \(grouped(s.decidedStates)) of \(grouped(s.transientStates)) transient states "
      + "can end in one class only"
    return line
  }

  /// An error bound: `0`, or two significant digits rounded up (`3.1e-13`).
  static func bound(_ b: Double) -> String {
    if b == 0 { return "0" }
    if !b.isFinite { return "inf" }
    let exponent = Int(floor(log10(b)))
    let scale = pow(10, Double(exponent - 1))
    return String(format: "%.1e", (b / scale).rounded(.up) * scale)
  }

  /// The outcomes, with expected steps and time given each. Where some figure came from
  /// iteration, every figure is followed by its guaranteed error bound (`±3.1e-13`).
  static func outcomeTable(_ r: MarkovReport) -> String {
    if let only = r.only { return probabilityTable(r, only) }
    let withBounds = r.solver.cyclicComponents > 0
    func cell(_ value: Double?, _ b: Double?) -> String {
      guard let value else { return "-" }
      return withBounds && b != 0 ? number(value) + " ±" + bound(b ?? 0) : number(value)
    }
    var rows = [["outcome", "probability", "expected steps", "expected time"]]
    for o in Outcome.allCases {
      let i = o.rawValue
      rows.append([o.name, cell(r.outcomes[i], r.outcomeBounds[i]), cell(r.conditionalSteps[i], r.conditionalStepsBounds[i]),
                   cell(r.conditionalTime[i], r.conditionalTimeBounds[i])])
    }
    rows.append(["all", number(r.outcomes.reduce(0, +)), cell(r.expectedSteps, r.expectedStepsBound),
                 cell(r.expectedTime, r.expectedTimeBound)])
    var widths = [11, 18, 17]
    for row in rows { for c in 0..<3 { widths[c] = max(widths[c], row[c].count + 2) } }
    var out = ""
    for row in rows {
      out += (0..<3).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined() + row[3] + "\n"
    }
    out += "residual   \(number(r.residual)) (1 - sum of the outcomes)\n"
    return out
  }

  /// `--only`: the probabilities asked for, and what was left out.
  static func probabilityTable(_ r: MarkovReport, _ only: [Outcome]) -> String {
    let withBounds = r.solver.cyclicComponents > 0
    var out = "outcome    probability\n"
    for o in only {
      let b = r.outcomeBounds[o.rawValue]
      out += o.name.padding(toLength: 11, withPad: " ", startingAt: 0) + number(r.outcomes[o.rawValue])
        + (withBounds && b != 0 ? " ±" + bound(b) : "") + "\n"
    }
    out += "(--only: no other outcome, expected steps or time computed)\n"
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
