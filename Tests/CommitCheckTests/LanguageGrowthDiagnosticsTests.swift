import CommitCheck
import Testing

/// Misuse of network queries, step parameters, quantifier domains and records: each model has
/// one mistake, next to the exact diagnostic it gets. Then hostile inputs: each gets an error,
/// never a crash or a hang.
struct LanguageGrowthDiagnosticsTests {
  /// A model with one role, a message `Ping(k: 0...1)`, a record `Cell`, and `BODY` put where a
  /// role item goes.
  static func model(_ body: String, extra: String = "") -> String {
    """
    protocol P
    message Ping(k: 0...1)
    record Cell { hits: 0...2, seen: bool }
    \(extra)
    role A[2] {
      var yes: set<A>
      var c: Cell
      var m: map<A, Cell>
      state s initial
      on s receive Ping { skip }
      on s step ping { send Ping(k: 0) to self; yes += self; c.hits = 1; m[self].seen = true }
    \(body)
    }
    """
  }

  static let cases: [(String, String)] = [
    (model("  on s step go when exists Pnig { skip }"),
     "test.commit:12:28: error: unknown message 'Pnig'; did you mean 'Ping'?"),
    (model("  on s step go when exists Ping(kk: 0) { skip }"),
     "test.commit:12:33: error: message 'Ping' has no field 'kk'; did you mean 'k'?"),
    (model("  on s step go when exists Ping(k: true) { skip }"),
     "test.commit:12:36: error: field 'k' of 'Ping' is 0...1, found bool"),
    (model("  on s step go when exists Ping(k: 0, k: 1) { skip }"),
     "test.commit:12:39: error: field 'k' is given twice"),
    (model("  on s step go when exists Ping from 3 { skip }"),
     "test.commit:12:38: error: 'from' in 'exists Ping' needs a process, found int"),
    (model("  on s step go when count Ping { skip }"),
     "test.commit:12:21: error: a 'when' guard needs bool, found int"),
    (model("  on s step go when all p in yse: p == self { skip }"),
     "test.commit:12:30: error: unknown role, enum or set 'yse' in 'all p in yse'; did you mean 'yes'?"),
    (model("  on s step go when some k in 3...1: k == 2 { skip }"),
     "test.commit:12:31: error: empty range 3...1 in 'some k in 3...1'"),
    (model("  on s step go when some k in 0...c.hits: k == 2 { skip }"),
     "test.commit:12:35: error: expected a constant expression (literals and parameters only)"),
    (model("  on s step go when all p in c.hits: true { skip }"),
     "test.commit:12:30: error: 'all p in ...' ranges over a role, an enum, a range 'lo...hi' or a set, found int"),
    (model("  on s step go(x: map<A, bool>) { skip }"),
     "test.commit:12:19: error: a step parameter ranges over bool, a range, an enum, a role's instances or a set of them; 'x' is map<A, bool>"),
    (model("  on s step go(x: bool, x: A) { skip }"),
     "test.commit:12:25: error: duplicate parameter 'x' in step 'go'"),
    (model("  on s step go(yes: bool) { skip }"),
     "test.commit:12:16: error: 'yes' is already declared; a step parameter needs a new name"),
    (model("  on s step go(x: 0...99, y: 0...99) { skip }"),
     "test.commit:12:30: error: step 'go' has more than 4096 valuations of its parameters; narrow their types"),
    (model("  on s step go when m[self].hist == 1 { skip }"),
     "test.commit:12:29: error: record 'Cell' has no field 'hist'; did you mean 'hits'?"),
    (model("  on s step go { m[self].hist = 1 }"),
     "test.commit:12:26: error: record 'Cell' has no field 'hist'; did you mean 'hits'?"),
    (model("  on s step go { c = 1 }"),
     "test.commit:12:18: error: assign record 'c' field by field, as in 'c.hits = ...'"),
    (model("  on s step go { m[self] = 1 }"),
     "test.commit:12:18: error: assign record 'm[self]' field by field, as in 'm[self].hits = ...'"),
    (model("  on s step go when m[self] == 1 { skip }"),
     "test.commit:12:21: error: record 'm[self]' is read field by field, as in 'm[self].hits'"),
    (model("  on s step go { c.hits[self] = 1 }"),
     "test.commit:12:18: error: 'c.hits' is not a map and cannot be indexed"),
    (model("  on s step go { yes.hits = 1 }"),
     "test.commit:12:22: error: 'yes' is not a record and has no field 'hits'"),
    (model("  on s step go { A[1].c.hits = 1 }"),
     "test.commit:12:18: error: a process can assign only its own variables: 'A[1].c.hits' belongs to another process; send it a message instead"),
    (model("  on s step go { A.c = 1 }"),
     "test.commit:12:18: error: a process can assign only its own variables: 'A.c' belongs to another process; send it a message instead"),
    (model("", extra: "record Loop { next: Loop }"),
     "test.commit:4:21: error: record 'Loop' contains itself"),
    (model("", extra: "record Bad { x: Nope }"),
     "test.commit:4:17: error: unknown type 'Nope'; expected 'bool', a range such as '0...3', an enum, a record, a role, 'set<Role>' or 'map<Role, T>'"),
    (model("", extra: "message Carry(c: Cell)"),
     "test.commit:4:18: error: message fields cannot be records; give the message the fields of 'Cell'"),
    (model("", extra: "record A { x: bool }"),
     "test.commit:5:6: error: 'A' is already declared as a record at line 4"),
  ]

  @Test("Each misuse of the new constructs gets its exact diagnostic", arguments: cases)
  func diagnostic(source: String, expected: String) {
    #expect(diagnosticHeaders(source) == [expected])
  }

  @Test("A step parameter never used is a warning")
  func unusedParameter() throws {
    let model = try compile(Self.model("  on s step go(x: 0...2) { skip }"))
    #expect(model.warnings.map { $0.header(file: "test.commit") } == [
      "test.commit:12:16: warning: parameter 'x' of step 'go' is never used; each of its 3 values makes a transition that does the same"
    ])
  }

  @Test("Hostile inputs get an error, never a crash or a hang", arguments: [
    // A chain of 200 records, each holding the next: deeper than the compiler resolves.
    (1...200).map { "record R\($0) { x: R\($0 + 1) }" }.joined(separator: "\n") + "\nrecord R201 { x: bool }\nrole A { var r: R1  state s initial }",
    // A map of maps of maps whose slots pass the state's limit.
    "role A[62] { state s initial }\nrole B { var m: map<A, map<A, map<A, bool>>>  state s initial }",
    // A record with a field per slot and more.
    "record Wide { " + (1...5000).map { "f\($0): bool" }.joined(separator: ", ") + " }\nrole A { var w: Wide  state s initial }",
    // Parameters whose product overflows.
    "role A { state s initial\n on s step go(a: 0...1000000, b: 0...1000000, c: 0...1000000) { skip } }",
    // A quantifier over a range of a million values.
    "role A { state s initial\n on s step go when some k in 0...100000000: k == 1 { skip } }",
    // A query leaving millions of valuations open.
    "message Big(a: 0...2000, b: 0...2000)\nrole A { state s initial\n on s step go when exists Big { send Big(a: 0, b: 0) to self }\n on s receive Big { skip } }",
  ])
  func hostile(body: String) {
    let headers = diagnosticHeaders("protocol P\n" + body)
    #expect(!headers.isEmpty)
    #expect(headers.allSatisfy { $0.contains("error:") }, "\(headers)")
  }
}
