import CommitCheck
import Foundation
import Testing

/// Issue 18's diagnostics: "did you mean" for names the model misspells, command-line values
/// blamed on the option that gave them, and warnings for options that silently change nothing.
/// Each expectation failed on the code before (which printed the bare "unknown ..." message,
/// blamed `--crash` values on the model file, and accepted the options without a word).
struct DiagnosticHintTests {
  /// A two-role model to misspell: each case replaces a piece of one line.
  static let text = """
    protocol P
    message Vote(yes: bool)
    role Coordinator {
      var yes: 0...3
      state collecting initial
      state committed decides commit
      on collecting receive Vote(yes: true) { goto committed }
    }
    role Participant[2] {
      var votedYes: bool
      state working initial
      on working step vote { votedYes = true; send Vote(yes: true) to Coordinator }
    }
    invariant validity: Coordinator in committed implies all p in Participant: p.votedYes
    """

  static func model(_ replacing: String, with line: String) -> String {
    precondition(text.contains(replacing))
    return text.replacingOccurrences(of: replacing, with: line)
  }

  // Pins: a misspelt role, state, message, field, variable or type names the closest declared
  // one; a name nothing is close to gets no hint; reading or assigning another role's variable
  // bare says how to read it (a process reads another's variables as `p.name`, models/README.md
  // "Variables") or that a process assigns only its own.
  @Test("A misspelt name in a model gets the closest declared name, or a way to read it", arguments: [
    ("goto committed }", "goto comitted }",
     "test.commit:7:48: error: unknown state 'comitted' in role 'Coordinator'; did you mean 'committed'?"),
    ("receive Vote(yes: true) {", "receive Ballot {",
     "test.commit:7:25: error: unknown message 'Ballot'"),
    ("send Vote(yes: true) to", "send Vot(yes: true) to",
     "test.commit:12:48: error: unknown message 'Vot'; did you mean 'Vote'?"),
    ("receive Vote(yes: true) {", "receive Vote(yse: true) {",
     "test.commit:7:30: error: message 'Vote' has no field 'yse'; did you mean 'yes'?"),
    ("to Coordinator }", "to Coordinater }",
     "test.commit:12:67: error: unknown name 'Coordinater'; did you mean 'Coordinator'?"),
    ("all p in Participant:", "all p in Participnt:",
     "test.commit:14:63: error: unknown role 'Participnt'; did you mean 'Participant'?"),
    ("{ votedYes = true;", "{ voteYes = true;",
     "test.commit:12:26: error: unknown variable 'voteYes' in role 'Participant'; did you mean 'votedYes'?"),
    ("var yes: 0...3", "var yes: 0...3\n  var mode: boool",
     "test.commit:5:13: error: unknown type 'boool'; did you mean 'bool'?"),
    ("on working step vote {", "on working step vote when yes == 1 {",
     "test.commit:12:29: error: unknown name 'yes'; 'yes' is a variable of role 'Coordinator': write 'Coordinator.yes'"),
    ("on working step vote {", "on working step vote when Coordinator.yse == 1 {",
     "test.commit:12:41: error: role 'Coordinator' has no variable 'yse'; did you mean 'yes'?"),
    ("on working step vote {", "on working step vote when Coordinator.committed {",
     "test.commit:12:41: error: role 'Coordinator' has no variable 'committed'; 'committed' is a control state: test it with 'Coordinator in committed'"),
    ("{ votedYes = true;", "{ yes = 1;",
     "test.commit:12:26: error: unknown variable 'yes' in role 'Participant'; 'yes' is a variable of role 'Coordinator', and a process assigns only its own variables"),
    ("all p in Participant: p.votedYes", "votedYes",
     "test.commit:14:54: error: unknown name 'votedYes'; 'votedYes' is a variable of role 'Participant': write 'p.votedYes' for a process p of that role, such as 'Participant[1].votedYes'"),
    ("Coordinator in committed", "Coordinator in comitted",
     "test.commit:14:36: error: 'comitted' is neither a state of role 'Coordinator' nor a set; did you mean 'committed'?"),
  ])
  func misspeltName(replacing: String, line: String, expected: String) {
    #expect(diagnosticHeaders(Self.model(replacing, with: line)) == [expected])
  }

  // Pins: a property name given to the library (`trace --property`) gets the closest one.
  @Test("A misspelt property name gets the closest property")
  func misspeltProperty() throws {
    let model = try compile(Self.text)
    let error = try #require(throws: CommitCheckError.self) { _ = try model.trace(property: "valdity") }
    #expect(error.description == "unknown property 'valdity'; did you mean 'validity'? (the model has 'atomicity', 'termination', 'validity')")
  }

  static func options(_ configure: (inout CompileOptions) -> Void) -> CompileOptions {
    var options = CompileOptions()
    configure(&options)
    return options
  }

  static let commandLineModel = """
    protocol P
    param N: 1...10 = 2
    role Coordinator { state s initial }
    role Participant[N] { state s initial }
    """

  // Pins: every value the command line gives that the compiler refuses names the option and the
  // value as typed (before: `FILE: error: unknown role 'Coordinater' in --crash; roles are ...`,
  // `parameter 'N' = 99 is out of its range`, and `failure budgets must be between 0 and 255`
  // for every budget, with no option named).
  @Test("A refused command-line value is blamed on its option, with a suggestion", arguments: [
    (Self.options { $0.crash["Coordinater"] = 1 },
     "commitcheck: error: --crash Coordinater=1: unknown role 'Coordinater'; did you mean 'Coordinator'? (roles are 'Coordinator', 'Participant')"),
    (Self.options { $0.recover["Server"] = 1 },
     "commitcheck: error: --recover Server=1: unknown role 'Server' (roles are 'Coordinator', 'Participant')"),
    (Self.options { $0.parameters["M"] = 3 },
     "commitcheck: error: --param M=3: unknown parameter 'M'; did you mean 'N'?"),
    (Self.options { $0.parameters["Rounds"] = 3 },
     "commitcheck: error: --param Rounds=3: unknown parameter 'Rounds' (the model declares 'N')"),
    (Self.options { $0.parameters["N"] = 99 },
     "commitcheck: error: --param N=99: out of the range 1...10 of parameter 'N'"),
    (Self.options { $0.crash["Coordinator"] = 256 },
     "commitcheck: error: --crash Coordinator=256: a failure budget is at most 255"),
    (Self.options { $0.lose = 256}, "commitcheck: error: --lose 256: a failure budget is at most 255"),
    (Self.options { $0.duplicate = -1}, "commitcheck: error: --duplicate -1: a failure budget cannot be negative"),
    (Self.options { $0.partition = 2}, "commitcheck: error: --partition 2: at most one partition is supported"),
  ])
  func commandLineValue(options: CompileOptions, expected: String) {
    #expect(diagnosticHeaders(Self.commandLineModel, options) == [expected])
  }

  // Pins: the tool prints exactly that line (the CLI used to print `FILE: error: ...` for a
  // budget), and exits 2.
  @Test("The tool prints a refused --crash value once, blamed on the option")
  func commandLineValueInTheTool() throws {
    let (code, out, err) = try runTool(["check", modelPath("two-phase-commit"), "--crash", "Coordinater=1"])
    #expect(code == 2 && out.isEmpty)
    #expect(err == "commitcheck: error: --crash Coordinater=1: unknown role 'Coordinater'; did you mean 'Coordinator'? (roles are 'Coordinator', 'Participant')\n")
  }

  // Pins: a budget the model declares keeps its place (before: `FILE: error: failure budgets
  // must be between 0 and 255`, with no line).
  @Test("A budget declared in the model is blamed on its line")
  func modelBudget() {
    let source = Self.commandLineModel + "\nfailures { crash Coordinator: 300 }\n"
    #expect(diagnosticHeaders(source) == ["test.commit:5:31: error: a failure budget is at most 255"])
  }

  // Pins: the default is checked even when `--param` replaces it (before: accepted silently).
  @Test("A default outside its own range is an error even when --param overrides it")
  func defaultOutsideRange() {
    let source = "protocol P\nparam N: 1...3 = 5\nrole A[N] { state s initial }\n"
    var options = CompileOptions()
    options.parameters["N"] = 2
    #expect(diagnosticHeaders(source, options) == ["test.commit:2:18: error: default 5 of parameter 'N' is outside its range 1...3"])
  }

  static let recoverWarning = "commitcheck: warning: --recover Participant=1: role 'Participant' has no crash budget, so its processes never crash and never recover; add --crash Participant=K"

  // Pins: `--recover` for a role that cannot crash is a warning on the compiled system, rendered
  // as the tool's own line in the check report, text and JSON (before: accepted silently).
  @Test("--recover for a role without a crash budget is a warning, in the library and the report")
  func recoverWithoutCrash() throws {
    var options = CompileOptions()
    options.recover["Participant"] = 1
    let model = try compile(Self.commandLineModel, options)
    #expect(model.warnings == [Diagnostic.warning(String(Self.recoverWarning.dropFirst("commitcheck: warning: ".count)), at: .none)])
    let report = model.check()
    #expect(ReportWriter.text(report).components(separatedBy: "\n").filter { $0.contains("warning") } == [Self.recoverWarning])
    // JSON warnings are diagnostics: a command-line value has no file, line or column.
    let message = String(Self.recoverWarning.dropFirst("commitcheck: warning: ".count))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(ReportWriter.json(report).utf8)) as? [String: Any])
    let warnings = try #require(json["warnings"] as? [[String: Any]])
    #expect(warnings.count == 1)
    #expect(warnings.first?["message"] as? String == message && warnings.first?["severity"] as? String == "warning")
    #expect(warnings.first?["line"] is NSNull)
    // With a crash budget, from the model or the command line, the recoveries can happen.
    options.crash["Participant"] = 1
    #expect(try compile(Self.commandLineModel, options).warnings.isEmpty)
    let declared = try compile(Self.commandLineModel + "\nfailures { crash Participant: 1 }\n", Self.options { $0.recover["Participant"] = 1 })
    #expect(declared.warnings.isEmpty)
  }

  @Test("A recovery budget the model declares without a crash budget is a warning on its line")
  func declaredRecoverWithoutCrash() throws {
    let model = try compile(Self.commandLineModel + "\nfailures { recover Participant: 1 }\n")
    #expect(model.warnings.map { $0.header(file: "test.commit") } == [
      "test.commit:5:12: warning: role 'Participant' has a recovery budget but no crash budget, so its processes never crash and never recover",
    ])
  }

  // Pins: commands whose output has no warnings of its own print it once on stderr.
  @Test("Each command shows the --recover warning once: check in its report, the others on stderr", arguments: ["graph", "trace", "check"])
  func recoverWarningInTheTool(command: String) throws {
    var args = [command, modelPath("two-phase-commit"), "--param", "N=2", "--recover", "Participant=1", "-q"]
    if command != "check" { args += ["--output", "-"] }
    if command == "trace" { args += ["--property", "termination"] }
    let (_, out, err) = try runTool(args)
    // check prints it in its report (stdout); the others on stderr; never twice.
    #expect((out + err).components(separatedBy: Self.recoverWarning).count - 1 == 1, "\(err)")
    #expect(err.contains(Self.recoverWarning) == (command != "check"))
  }

  // Pins: a `--rate` of a failure kind that no move has is a warning from the library
  // (`MarkovAnalysis.validate`, `warnings`) that the tool prints once (before: silent).
  @Test("--rate lose=0.1 without a loss budget is a warning, from the library and the tool")
  func unusedRate() throws {
    let model = try loadModel(path: modelPath("two-phase-commit"), options: Self.options { $0.parameters["N"] = 2 })
    var markov = MarkovOptions()
    markov.rates = ["lose": 0.1, "crash": 2, "vote_no": 3]
    let expected = [
      "commitcheck: warning: --rate crash=2: no process can crash: every crash budget is 0 (add --crash ROLE=K), so this rate is never used",
      "commitcheck: warning: --rate lose=0.1: no message can be lost: the loss budget is 0 (add --lose K), so this rate is never used",
    ]
    #expect(try MarkovAnalysis.validate(markov, for: model.system).map { $0.header(file: "m") } == expected)
    #expect(try model.markov(markov: markov).warnings.map { $0.header(file: "m") } == expected)
    let (code, _, err) = try runTool(["markov", modelPath("two-phase-commit"), "--param", "N=2", "--rate", "lose=0.1", "-q"])
    #expect(code == 0)
    #expect(err == expected[1] + "\n")
    // With a loss budget the rate is used: no warning.
    let (_, _, quiet) = try runTool(["markov", modelPath("two-phase-commit"), "--param", "N=2", "--lose", "1", "--rate", "lose=0.1", "-q"])
    #expect(quiet.isEmpty)
  }
}
