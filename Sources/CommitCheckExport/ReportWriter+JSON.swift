import CommitCheckExplorer
import CommitCheckModel

/// The JSON forms of a check and of one property's trace (`check --format json`,
/// `trace --format json`); their schemas are `check.schema.json` and `trace.schema.json`.
extension ReportWriter {
  public static func json(_ r: CheckReport, timing: Bool = false) -> String {
    var fields: [(String, JSON)] = [("report", .string("check")), ("hash_compaction", JSONFields.hashCompaction(r))]
    fields += JSONFields.model(name: r.model, file: r.file, parameters: r.parameters, network: r.network,
                               capacity: r.capacity, failures: r.failures)
    fields += JSONFields.exploration(r)
    fields.append(("bytes_per_state", .double((r.bytesPerState * 10).rounded() / 10)))
    if timing {
      fields.append(("seconds", .double(r.seconds)))
      fields.append(("states_per_second", .double(r.statesPerSecond.rounded())))
    }
    fields.append(("properties", .array(r.properties.map(JSONFields.property))))
    fields.append(("warnings", .array(r.warnings.map { JSONFields.diagnostic($0, file: r.file) })))
    fields.append(("notes", .strings(r.notes.map(\.message))))
    fields.append(("error", r.runtimeError.map(modelError) ?? .null))
    if let coverage = r.coverage {
      fields.append(("coverage", CoverageWriter.json(coverage)))
      fields.append(("never_reached", CoverageWriter.unreachedJSON(coverage)))
    }
    return JSON.object(fields).rendered()
  }

  /// A model error met while exploring: `message` (as the text report says it), the process
  /// and transition that failed (null for the network), and the trace to it.
  static func modelError(_ e: ModelErrorReport) -> JSON {
    .object([
      ("message", .string(e.message)),
      ("process", .nullable(e.process)),
      ("transition", .nullable(e.transition)),
      ("trace", e.trace.map { .array($0.steps.map(JSONFields.step)) } ?? .null),
    ])
  }

  /// One property's verdict from a full check, its counterexample as steps, and the sequence
  /// chart's arrows; `output` is where the drawing went (null when none was written).
  public static func json(trace property: PropertyResult, chart: SequenceChart?, report r: CheckReport,
                          output: String?) -> String {
    var fields: [(String, JSON)] = [("report", .string("trace")), ("hash_compaction", JSONFields.hashCompaction(r))]
    fields += JSONFields.model(name: r.model, file: r.file, parameters: r.parameters, network: r.network,
                               capacity: r.capacity, failures: r.failures)
    fields += JSONFields.exploration(r)
    fields.append(("property", JSONFields.property(property)))
    fields.append(("chart", chart.map(chartJSON) ?? .null))
    fields.append(("notes", .strings(r.notes.map(\.message))))
    fields.append(("output", .nullable(output)))
    return JSON.object(fields).rendered()
  }

  /// The chart's lifelines and arrows: each message from its sender to its receiver, the step
  /// that sent it and the step that received or lost it (null while in flight at the end).
  static func chartJSON(_ chart: SequenceChart) -> JSON {
    .object([
      ("processes", .strings(chart.processes)),
      ("arrows", .array(chart.arrows.map { a in
        .object([
          ("from", .string(chart.processes[a.source])),
          ("to", .string(chart.processes[a.target])),
          ("message", .string(a.text)),
          ("sent", .int(a.sent)),
          ("ended", .nullable(a.ended)),
          ("fate", .string(a.fate.name)),
          ("duplicate", .bool(a.duplicate)),
        ])
      })),
    ])
  }
}

extension SequenceChart.Arrow.Fate {
  /// `received`, `lost` or `in_flight`.
  var name: String {
    switch self {
    case .received: "received"
    case .lost: "lost"
    case .inFlight: "in_flight"
    }
  }
}
