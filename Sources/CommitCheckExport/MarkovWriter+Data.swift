import CommitCheckMarkov
import Foundation

/// The machine-readable forms of a `MarkovReport`.
extension MarkovWriter {
  /// JSON (`markov.schema.json`). The names `outcomes` (with `commit`, `abort`, `blocked`,
  /// `livelock`, `violation`), `residual`, `expected_steps`, `expected_time`, `method` and
  /// `error_bound` are stable. With `--only`, `only` lists the classes computed, and every
  /// figure left out is null. `transitions` counts the explored graph's transitions, as in every report;
  /// `chain_transitions` the chain's, where moves between the same two states are one.
  public static func json(_ r: MarkovReport, timing: Bool = false, exploreSeconds: Double = 0) -> String {
    var fields: [(String, JSON)] = [("report", .string("markov"))]
    fields += JSONFields.model(name: r.model, file: r.file, parameters: r.parameters, network: r.network,
                               capacity: r.capacity, failures: r.failures)
    fields += [
      ("rates", .object(r.rateOverrides.map { ($0.name, .double($0.rate)) })),
      ("states", .int(r.states)),
      ("transitions", .int(r.moves)),
      ("initial_states", .int(r.initialStates)),
      ("transient_states", .int(r.transientStates)),
      ("terminal_states", .int(r.absorbingStates)),
      ("chain_transitions", .int(r.transitions)),
      ("bottom_components", byOutcome { .int(r.bottomComponents[$0.rawValue]) }),
      ("cut_states", .int(r.cutStates)),
      ("method", .string(r.solver.method.rawValue)),
      ("iterations", .int(r.solver.iterations)),
      ("tolerance", .double(r.solver.tolerance)),
      ("converged", .bool(r.solver.converged)),
      ("cyclic_components", .int(r.solver.cyclicComponents)),
      ("decided_states", .int(r.solver.decidedStates)),
      ("only", r.only.map { .array($0.map { .string($0.name) }) } ?? .null),
      ("outcomes", byOutcome { figure(r.outcomes[$0.rawValue]) }),
      ("residual", figure(r.residual)),
      ("expected_steps", figure(r.expectedSteps)),
      ("expected_time", figure(r.expectedTime)),
      ("expected_steps_by_outcome", byOutcome { figure(r.conditionalSteps[$0.rawValue]) }),
      ("expected_time_by_outcome", byOutcome { figure(r.conditionalTime[$0.rawValue]) }),
      ("error_bound", .object([
        ("outcomes", byOutcome { figure(r.outcomeBounds[$0.rawValue]) }),
        ("expected_steps", figure(r.expectedStepsBound)),
        ("expected_time", figure(r.expectedTimeBound)),
        ("expected_steps_by_outcome", byOutcome { figure(r.conditionalStepsBounds[$0.rawValue]) }),
        ("expected_time_by_outcome", byOutcome { figure(r.conditionalTimeBounds[$0.rawValue]) }),
      ])),
      ("orbits", .bool(r.orbits)),
    ]
    fields.append(("after_steps", r.afterSteps.map { k, s in
      .object([("steps", .int(k)), ("error_bound", .double(0))] + summaryFields(s, r))
    } ?? .null))
    fields.append(("at_time", r.atTime.map { t, used, s in
      .object([("time", .double(t)), ("uniformization_steps", .int(used)), ("error_bound", .double(r.atTimeBound))]
              + summaryFields(s, r))
    } ?? .null))
    fields.append(("long_run", r.longRun.map { lr in
      .object([("restart_rate", .double(lr.restartRate)), ("cycle_time", lr.cycleTime.map { .double($0) } ?? .null),
               ("iterations", .int(lr.iterations)), ("error_bound", lr.errorBound.map { .double($0) } ?? .null)]
              + summaryFields(lr.summary, r))
    } ?? .null))
    fields.append(("top", .array(r.top.map { t in
      .object([("probability", .double(t.probability)), ("outcome", .string(t.outcome.name)),
               ("states", .int(t.stateCount)), ("state", .int(Int(t.state))), ("description", .string(t.description)),
               ("error_bound", t.errorBound.map { .double($0) } ?? .null),
               ("orbit_size", t.orbitSize.map { .int($0) } ?? .null)])
    })))
    if timing {
      fields.append(("explore_seconds", .double(exploreSeconds)))
      fields.append(("build_seconds", .double(r.buildSeconds)))
      fields.append(("solve_seconds", .double(r.seconds - r.buildSeconds)))
    }
    return JSON.object(fields).rendered()
  }

  /// A figure, or null when it was not computed (`--only`: NaN) or has no value (nil).
  static func figure(_ x: Double?) -> JSON {
    guard let x, !x.isNaN else { return .null }
    return .double(x)
  }

  /// The same for CSV: an empty field.
  static func field(_ x: Double?) -> String {
    guard let x, !x.isNaN else { return "" }
    return String(x)
  }

  static func byOutcome(_ value: (Outcome) -> JSON) -> JSON {
    .object(Outcome.allCases.map { ($0.name, value($0)) })
  }

  static func summaryFields(_ s: DistributionSummary, _ r: MarkovReport) -> [(String, JSON)] {
    [
      ("running", .double(s.running)),
      ("outcomes", byOutcome { .double(s.outcomes[$0.rawValue]) }),
      ("processes", .array(r.processNames.indices.map { p in
        .object([
          ("name", .string(r.processNames[p])),
          ("states", .object(zip(r.controlStateNames[p], s.controlStates[p]).map { ($0.0, .double($0.1)) })),
          ("crashed", .double(s.crashed[p])),
        ])
      })),
    ]
  }

  /// CSV with the columns `section,name,value,detail`, one figure per row.
  public static func csv(_ r: MarkovReport, timing: Bool = false, exploreSeconds: Double = 0) -> String {
    var rows: [[String]] = [["section", "name", "value", "detail"]]
    func add(_ section: String, _ name: String, _ value: String, _ detail: String = "") {
      rows.append([section, name, value, detail])
    }
    add("chain", "states", String(r.states))
    add("chain", "transitions", String(r.transitions))
    add("chain", "terminal_states", String(r.absorbingStates))
    add("solver", "method", r.solver.method.rawValue)
    add("solver", "iterations", String(r.solver.iterations))
    add("solver", "tolerance", String(r.solver.tolerance))
    add("solver", "decided_states", String(r.solver.decidedStates))
    add("solver", "converged", String(r.solver.converged))
    if let only = r.only { add("solver", "only", only.map(\.name).joined(separator: " ")) }
    for o in Outcome.allCases { add("outcome", o.name, field(r.outcomes[o.rawValue])) }
    for o in Outcome.allCases { add("error_bound", "outcome.\(o.name)", field(r.outcomeBounds[o.rawValue])) }
    add("error_bound", "expected_steps", field(r.expectedStepsBound))
    add("error_bound", "expected_time", field(r.expectedTimeBound))
    for o in Outcome.allCases {
      add("error_bound", "expected_steps.\(o.name)", field(r.conditionalStepsBounds[o.rawValue]))
      add("error_bound", "expected_time.\(o.name)", field(r.conditionalTimeBounds[o.rawValue]))
    }
    add("residual", "", field(r.residual))
    add("expected_steps", "all", field(r.expectedSteps))
    for o in Outcome.allCases { add("expected_steps", o.name, field(r.conditionalSteps[o.rawValue])) }
    add("expected_time", "all", field(r.expectedTime))
    for o in Outcome.allCases { add("expected_time", o.name, field(r.conditionalTime[o.rawValue])) }
    func summary(_ section: String, _ s: DistributionSummary) {
      add(section, "running", String(s.running))
      for o in Outcome.allCases { add(section, o.name, String(s.outcomes[o.rawValue])) }
      for (p, name) in r.processNames.enumerated() {
        for (state, value) in zip(r.controlStateNames[p], s.controlStates[p]) { add(section, "\(name).\(state)", String(value)) }
        add(section, "\(name).crashed", String(s.crashed[p]))
      }
    }
    if let (k, s) = r.afterSteps { summary("after_steps_\(k)", s) }
    if let (t, _, s) = r.atTime {
      summary("at_time_\(t)", s)
      add("error_bound", "at_time_\(t)", String(r.atTimeBound))
    }
    if let lr = r.longRun {
      add("error_bound", "long_run", lr.errorBound.map { String($0) } ?? "")
      add("long_run", "cycle_time", lr.cycleTime.map { String($0) } ?? "")
      summary("long_run", lr.summary)
    }
    for (i, t) in r.top.enumerated() {
      add("top", String(i + 1), String(t.probability), "\(t.outcome.name): \(t.description)")
      add("error_bound", "top_\(i + 1)", t.errorBound.map { String($0) } ?? "")
      if let orbit = t.orbitSize { add("orbit_size", "top_\(i + 1)", String(orbit)) }
    }
    if timing {
      add("time", "explore_seconds", String(exploreSeconds))
      add("time", "build_seconds", String(r.buildSeconds))
      add("time", "solve_seconds", String(r.seconds - r.buildSeconds))
    }
    return rows.map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
  }

  /// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
  static func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
