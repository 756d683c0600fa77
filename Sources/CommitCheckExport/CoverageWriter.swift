import CommitCheckExplorer

/// The coverage section of a check report (`check --coverage`), as text and as JSON.
enum CoverageWriter {
  /// A table with a row per transition and failure budget, then what never fired or was never
  /// reached.
  static func text(_ c: Coverage) -> String {
    let rows = c.entries.map { e in
      [e.role ?? "network", e.transition, e.line.map(String.init) ?? "-", ReportWriter.grouped(e.fired),
       ReportWriter.grouped(e.newStates)]
    }
    let header = ["role", "transition", "line", "fired", "new states"]
    let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max()! }
    func line(_ cells: [String]) -> String {
      let left = cells[0...1].enumerated().map { i, s in s.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
      let right = cells[2...].enumerated().map { i, s in String(repeating: " ", count: widths[i + 2] - s.count) + s }
      return "  " + (left + right).joined(separator: "  ") + "\n"
    }
    var out = "\ncoverage: per transition, the moves it made and the states it found first\n"
    out += line(header)
    for row in rows { out += line(row) }
    let fired = c.entries.reduce(0) { $0 + $1.fired }, found = c.entries.reduce(0) { $0 + $1.newStates }
    out += "  total: \(ReportWriter.grouped(fired)) moves; \(ReportWriter.grouped(found)) states found "
      + "+ \(ReportWriter.grouped(c.initialStates)) initial\n"
    for e in c.neverFired {
      out += "  never fires: \(e.role ?? "network") '\(e.transition)' (line \(e.line ?? 0))\n"
    }
    for u in c.unreachedStates { out += "  never reached: \(u.role) state '\(u.state)'\n" }
    return out
  }

  static func json(_ c: Coverage) -> JSON {
    .array(c.entries.map { e in
      .object([
        ("role", .nullable(e.role)),
        ("transition", .string(e.transition)),
        ("line", .nullable(e.line)),
        ("fired", .int(e.fired)),
        ("new_states", .int(e.newStates)),
      ])
    })
  }

  /// The control states never reached, as `{"role", "state"}`.
  static func unreachedJSON(_ c: Coverage) -> JSON {
    .array(c.unreachedStates.map { .object([("role", .string($0.role)), ("state", .string($0.state))]) })
  }
}
