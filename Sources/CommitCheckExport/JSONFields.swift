import CommitCheckExplorer
import CommitCheckLanguage
import CommitCheckModel

/// The pieces every JSON report shares, written once so that a key means the same thing in each:
/// the model and its setting, failure budgets, diagnostics, trace steps and property verdicts.
///
/// Every report starts with `"report"` (its kind: `check`, `trace`, `graph`, `machines`,
/// `markov`, `petri` or `error`), which names the schema it follows. `states` and `transitions`
/// always count the explored state graph's states and transitions.
enum JSONFields {
  /// `model`, `file`, `parameters`, `network`, `capacity` (null for a `set` network) and
  /// `failures`.
  static func model(name: String, file: String, parameters: [(name: String, value: Int)], network: NetworkSemantics,
                    capacity: Int, failures: [FailureAllowance]) -> [(String, JSON)] {
    [
      ("model", .string(name)),
      ("file", .string(file)),
      ("parameters", .object(parameters.map { ($0.name, .int($0.value)) })),
      ("network", .string(network.rawValue)),
      ("capacity", network == .set ? .null : .int(capacity)),
      ("failures", .array(failures.map(failure))),
    ]
  }

  static func model(_ system: TransitionSystem, file: String) -> [(String, JSON)] {
    model(name: system.name, file: file, parameters: system.parameters, network: system.network,
          capacity: system.capacity, failures: system.failureList)
  }

  /// `{"kind": "crash", "role": "Coordinator", "budget": 1}`; `role` is null for the network's
  /// failures; a fair recovery adds `"fair": true`.
  static func failure(_ f: FailureAllowance) -> JSON {
    .object([("kind", .string(f.kind.rawValue)), ("role", .nullable(f.role)), ("budget", .int(f.budget))]
      + (f.fair ? [("fair", .bool(true))] : []))
  }

  /// `{"file", "line", "column", "severity", "message"}`; a diagnostic about a value the command
  /// line gave has no place in a file, and null `file`, `line` and `column`.
  static func diagnostic(_ d: Diagnostic, file: String) -> JSON {
    let placed = d.range != .none
    return .object([
      ("file", placed ? .string(file) : .null),
      ("line", placed ? .int(d.range.start.line) : .null),
      ("column", placed ? .int(d.range.start.column) : .null),
      ("severity", .string(d.severity.rawValue)),
      ("message", .string(d.message)),
    ])
  }

  static func property(_ p: PropertyResult) -> JSON {
    .object([
      ("name", .string(p.name)),
      ("category", .string(p.category.rawValue)),
      ("verdict", .string(p.verdict.rawValue)),
      ("kind", .nullable(p.kind?.rawValue)),
      ("notes", .strings(p.notes)),
      ("loop_start", .nullable(p.trace?.loopStart)),
      ("trace", .array(p.trace?.steps.map(step) ?? [])),
    ])
  }

  static func step(_ s: TraceStep) -> JSON {
    .object([
      ("step", .int(s.index)),
      ("kind", .string(s.kind)),
      ("process", .nullable(s.process)),
      ("transition", .string(s.transition)),
      ("message", s.messageDetail.map(message) ?? .null),
      ("from", .nullable(s.messageFrom)),
      ("to", .nullable(s.messageTo)),
      ("state", .nullable(s.newState)),
      ("sends", .array(s.sendDetails.map { send in
        .object([("message", message(send.message)), ("from", .string(send.from)), ("to", .string(send.to)),
                 ("copies", .int(send.copies))])
      })),
      ("changes", .array(s.changeDetails.map { c in
        .object([("process", .string(c.process)), ("variable", .string(c.variable)), ("key", .nullable(c.key)),
                 ("value", .string(c.value)), ("previous", .string(c.previous))])
      })),
      ("text", .string(s.text)),
    ])
  }

  /// `{"name": "Vote", "fields": {"yes": true}, "text": "Vote(yes: true)"}`.
  static func message(_ m: TraceMessage) -> JSON {
    .object([("name", .string(m.name)), ("fields", .object(m.fields.map { ($0.name, value($0.value)) })),
             ("text", .string(m.text))])
  }

  /// A boolean, a number, or a name as a string.
  static func value(_ v: TraceValue) -> JSON {
    switch v {
    case .bool(let b): .bool(b)
    case .int(let i): .int(i)
    case .name(let s): .string(s)
    }
  }

  /// `{"fingerprint_bits", "table_slots", "omission_bound"}` under hash compaction, else null.
  static func hashCompaction(_ r: CheckReport) -> JSON {
    r.compactHash.map { c in
      .object([("fingerprint_bits", .int(64)), ("table_slots", .int(c.tableSlots)),
               ("omission_bound", .double(c.omissionBound))])
    } ?? .null
  }

  /// `states` (and `states_counted`: `orbits` under symmetry reduction, else `states`),
  /// `transitions`, `depth`, `complete` and `stop_reason` of a check.
  static func exploration(_ r: CheckReport) -> [(String, JSON)] {
    [
      ("states", .int(r.states)),
      ("states_counted", .string(r.countsOrbits ? "orbits" : "states")),
      ("transitions", .int(r.transitions)),
      ("depth", .int(r.depth)),
      ("complete", .bool(r.complete)),
      ("stop_reason", .nullable(r.stopReason?.rawValue)),
    ]
  }
}
