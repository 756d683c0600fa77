import CommitCheck
import Testing

/// Semantic errors: each model is well-formed syntax with one mistake, next to the exact
/// diagnostic it gets (line:column point at the offending name).
struct ModelDiagnosticsTests {
  static let cases: [(String, String)] = [
    (
      """
      protocol P
      role A { state s initial
        on s step go { goto t } }
      """,
      "test.commit:3:23: error: unknown state 't' in role 'A'; did you mean 's'?"
    ),
    (
      """
      protocol P
      role A { state s initial
        on s step go { send Ping to all A } }
      """,
      "test.commit:3:23: error: unknown message 'Ping'"
    ),
    (
      """
      protocol P
      role A { state s }
      """,
      "test.commit:2:6: error: role 'A' has no initial state; mark one 'state NAME initial'"
    ),
    (
      """
      protocol P
      role A { state s initial
        state t initial }
      """,
      "test.commit:3:9: error: role 'A' has more than one initial state"
    ),
    (
      """
      protocol P
      role A { var x: bool
        var x: 0...2
        state s initial }
      """,
      "test.commit:3:7: error: duplicate variable 'x' in role 'A'"
    ),
    (
      """
      protocol P
      role A { var x: bool
        state s initial
        on s step go { x = 3 } }
      """,
      "test.commit:4:22: error: cannot assign int to 'x' of type bool"
    ),
    (
      """
      protocol P
      message M(v: bool)
      role A { state s initial
        on s step go { send M to all A }
        on s receive M { skip } }
      """,
      "test.commit:4:18: error: missing field 'v' in message 'M'"
    ),
    (
      """
      protocol P
      message M(v: bool)
      role A { state s initial
        on s step go { send M(v: true) to all A }
        on s receive M(w: true) { skip } }
      """,
      "test.commit:5:18: error: message 'M' has no field 'w'; did you mean 'v'?"
    ),
    (
      """
      protocol P
      param N: 1...3 = 2
      role A[N] { state s initial }
      invariant i: crashed(A)
      """,
      "test.commit:4:22: error: role 'A' has 2 instances; name one ('A[1]') or quantify ('all p in A: ...')"
    ),
    (
      """
      protocol P
      role A { state s initial }
      invariant i: unreachable(A)
      """,
      "test.commit:3:14: error: 'unreachable' is only meaningful inside a role (unreachable from 'self')"
    ),
    (
      """
      protocol P
      role A { state s initial }
      invariant atomicity: true
      """,
      "test.commit:3:11: error: 'atomicity' is a built-in property; choose another name"
    ),
    (
      """
      protocol P
      role A { state s initial }
      invariant i: A in done
      """,
      "test.commit:3:19: error: 'done' is neither a state of role 'A' nor a set"
    ),
    (
      """
      protocol P
      role A { var x: 3...1
        state s initial }
      """,
      "test.commit:2:17: error: empty range 3...1"
    ),
    (
      """
      protocol P
      param N: 0...3 = 0
      role A[N] { state s initial }
      """,
      "test.commit:3:8: error: role 'A' needs at least 1 instance, but its count is 0"
    ),
    (
      """
      protocol P
      role A { state s initial }
      invariant i: alive(A)
      """,
      "test.commit:3:14: error: unknown function 'alive'; expected one of 'crashed', 'unreachable', 'decided', 'size'"
    ),
    (
      """
      protocol P
      role A { state s initial }
      invariant i: some p in B: crashed(p)
      """,
      "test.commit:3:24: error: unknown role 'B'; did you mean 'A'?"
    ),
    (
      """
      protocol P
      role A { state s initial }
      invariant i: A
      """,
      "test.commit:3:14: error: a property needs bool, found process of role 'A'"
    ),
    (
      """
      protocol P
      role A { state s initial }
      failures { crash B: 1 }
      """,
      "test.commit:3:18: error: unknown role 'B' in 'crash'; did you mean 'A'?"
    ),
    (
      """
      protocol P
      param N: 1...3 = 5
      role A { state s initial }
      """,
      "test.commit:2:18: error: default 5 of parameter 'N' is outside its range 1...3"
    ),
    (
      """
      protocol P
      role A { var x: 0...3
        state s initial
        on s step go when x { skip } }
      """,
      "test.commit:4:21: error: a 'when' guard needs bool, found int"
    ),
    (
      """
      protocol P
      role C { var f: bool
        state s initial }
      role A { var g: bool = C.f
        state s initial }
      """,
      "test.commit:4:24: error: an initial value cannot read the state of processes"
    ),
    (
      """
      protocol P
      role B[2] { state s initial }
      role A { var mine: set<B>
        state s initial }
      invariant i: A in A.mine
      """,
      "test.commit:5:19: error: a process of role 'A' is never in a set<B>"
    ),
    (
      """
      protocol P
      param N: 1...3 = 1
      role A[N] { state s initial }
      invariant i: crashed(A)
      """,
      "test.commit:4:22: error: role 'A' has 1 instance here but is declared with a count; name one ('A[1]') or quantify ('all p in A: ...')"
    ),
  ]

  @Test("Each semantic mistake gets its exact diagnostic", arguments: cases)
  func diagnostic(source: String, expected: String) {
    #expect(diagnosticHeaders(source) == [expected])
  }

  @Test("Command-line overrides naming unknown parameters or roles are refused")
  func badOverrides() {
    let source = "protocol P\nparam N: 1...3 = 2\nrole A[N] { state s initial }\n"
    var options = CompileOptions()
    options.parameters["M"] = 1
    #expect(diagnosticHeaders(source, options) == ["commitcheck: error: --param M=1: unknown parameter 'M'; did you mean 'N'?"])
    options = CompileOptions()
    options.parameters["N"] = 9
    #expect(diagnosticHeaders(source, options) == ["commitcheck: error: --param N=9: out of the range 1...3 of parameter 'N'"])
    options = CompileOptions()
    options.crash["Coordinatr"] = 1
    #expect(diagnosticHeaders(source, options) == ["commitcheck: error: --crash Coordinatr=1: unknown role 'Coordinatr' (roles are 'A')"])
  }

  @Test("A rendered diagnostic shows the offending line and a caret under the name")
  func rendering() throws {
    let source = "protocol P\nrole A { state s initial\n  on s step go { goto t } }\n"
    do {
      _ = try compile(source)
      Issue.record("expected an error")
    } catch {
      guard let error = error as? CommitCheckError, case .invalidModel = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      let rendered = error.description
      #expect(rendered == """
        test.commit:3:23: error: unknown state 't' in role 'A'; did you mean 's'?
          on s step go { goto t } }
                              ^
        """)
    }
  }

  @Test("Declared but unused messages and variables are warnings, not errors")
  func warnings() throws {
    let source = """
      protocol P
      message Unused
      role A { var idle: bool
        state s initial }
      """
    let model = try compile(source)
    #expect(model.warnings.map { $0.header(file: model.file) } == [
      "test.commit:2:9: warning: message 'Unused' is declared but never sent",
      "test.commit:3:14: warning: variable 'idle' of role 'A' is never used",
    ])
  }

  @Test("A value leaving its domain at run time stops exploration with a model error and a trace")
  func runtimeRangeError() throws {
    let source = """
      protocol P
      role A { var x: 0...2
        state s initial
        on s step inc { x += 1 } }
      """
    let report = try checkSource(source)
    let error = try #require(report.runtimeError)
    #expect(error.message == "A in transition 'inc': value 3 is outside 0...2, the domain of 'x'")
    #expect(error.trace?.steps.count == 3)  // initial state, x = 1, x = 2
    #expect(report.outcome == .modelError)  // exit code 2
  }

  @Test("A model error inside a guard stops exploration instead of reading as false")
  func guardError() throws {
    let source = """
      protocol P
      role B[2] { state s initial }
      role A { var i: 1...3 = 3
        state s initial
        state t
        on s step go when B[i] in s { goto t } }
      """
    let report = try checkSource(source)
    let error = try #require(report.runtimeError)
    #expect(error.message == "A in transition 'go': instance 3 of role 'B' does not exist (1...2)")
  }

  @Test("A pattern name that binds any value and is never used gets a warning")
  func wildcardWarning() throws {
    let source = """
      protocol P
      enum Answer { yes, no }
      message M(k: Answer)
      role A { state s initial
        on s step go { send M(k: yes) to A }
        on s receive M(k: ys) { skip } }
      """
    let model = try compile(source)
    #expect(model.warnings.map { $0.header(file: model.file) } == [
      "test.commit:6:21: warning: 'ys' matches any value and is never used; if it is meant as a constant, it is not declared"
    ])
  }

  @Test("A send beyond the network's capacity is an error naming the message, never a silent drop")
  func capacityError() throws {
    let source = """
      protocol P
      network unordered capacity 1
      message Ping
      role A[2] { state s initial
        on s step ping { send Ping to A[2] }
        on s receive Ping { skip } }
      """
    let report = try checkSource(source)
    let error = try #require(report.runtimeError)
    #expect(error.message.contains("network capacity exceeded: 1 copies of Ping from A[1] to A[2]"))
  }
}
