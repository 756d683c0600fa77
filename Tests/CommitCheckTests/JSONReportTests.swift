import CommitCheck
import Foundation
import Testing

/// A row of the README's table "The shipped models and their verdicts": a model and its failure
/// setting.
struct VerdictRow: CustomTestStringConvertible, Sendable {
  var model: String
  var failures: [String]
  var testDescription: String { ([model] + failures).joined(separator: " ") }
}

/// `--format json` on every command: each report follows its schema (the tool runner checks
/// every JSON output it sees, see `expectValidJSONOutput`), errors are JSON too, and the
/// structured fields say what the text says.
struct JSONReportTests {
  /// The README's verdict table, row by row.
  static let verdictTable: [VerdictRow] = [
    VerdictRow(model: "two-phase-commit", failures: []),
    VerdictRow(model: "two-phase-commit", failures: ["--crash", "Coordinator=1"]),
    VerdictRow(model: "two-phase-commit", failures: ["--crash", "Participant=1"]),
    VerdictRow(model: "two-phase-commit-cooperative", failures: ["--crash", "Coordinator=1"]),
    VerdictRow(model: "three-phase-commit", failures: ["--crash", "Coordinator=1"]),
    VerdictRow(model: "three-phase-commit", failures: ["--crash", "Participant=1"]),
    VerdictRow(model: "three-phase-commit-timeouts", failures: ["--crash", "Coordinator=1"]),
    VerdictRow(model: "three-phase-commit-timeouts", failures: ["--partition"]),
    VerdictRow(model: "seed-naive-two-phase-commit", failures: []),
    VerdictRow(model: "seed-naive-three-phase-commit", failures: []),
    VerdictRow(model: "two-phase-tla", failures: []),
  ]

  /// Runs the tool, which checks the JSON against its schema, and parses what it printed.
  func runJSON(_ arguments: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> (Int32, JSONValue) {
    let (code, out, err) = try runTool(arguments)
    #expect(!out.isEmpty, "\(arguments.joined(separator: " ")): empty standard output; \(err)", sourceLocation: sourceLocation)
    return (code, try JSONParser.parse(out))
  }

  @Test("Every command's JSON report for every row of the verdict table, at N = 2, follows its schema",
        arguments: verdictTable)
  func everyCommand(row: VerdictRow) throws {
    let base = [modelPath(row.model), "--param", "N=2", "-q", "--format", "json"] + row.failures
    let (checkCode, check) = try runJSON(["check"] + base)
    #expect(checkCode == 0 || checkCode == 1)
    #expect(check["report"] == .string("check"))
    let properties = try #require(check["properties"]?.array)
    for property in properties {
      let name = try #require(property["name"]?.string)
      let (code, trace) = try runJSON(["trace"] + base + ["--property", name])
      #expect(trace["report"] == .string("trace"))
      #expect(trace["property"] == property, "trace --property \(name) gives check's verdict and steps")
      #expect(code == (property["verdict"] == .string("violated") ? 1 : 0))
      #expect((trace["chart"] == .null) == (property["verdict"] != .string("violated")))
    }
    let explored = ["states": check["states"], "transitions": check["transitions"]]
    // `states` and `transitions` count the same explored graph in every report that explores.
    var reports: [JSONValue] = []
    for arguments in [["graph", "--highlight", "atomicity", "--max-nodes", "100000"], ["graph", "--collapse"],
                      ["markov", "--steps", "3", "--time", "1", "--long-run", "1", "--top", "3"], ["petri"]] {
      let (code, report) = try runJSON([arguments[0]] + base + arguments.dropFirst())
      #expect(report["report"] == .string(arguments[0]) || report["report"] == .string("error"))
      if report["report"] == .string("error") {
        // Only Petri refuses a model: two-phase-tla's set network.
        #expect(arguments[0] == "petri" && row.model == "two-phase-tla" && code == 2)
        #expect(report["error"]?["kind"] == .string("unsupported"))
        continue
      }
      #expect(code == 0)
      reports.append(report)
    }
    for report in reports {
      #expect(report["states"] == explored["states"] && report["transitions"] == explored["transitions"],
              "\(report["report"]!): states and transitions differ from check's")
    }
    for arguments in [["machines"], ["machines", "--explore"]] {
      let (code, machines) = try runJSON([arguments[0]] + base + arguments.dropFirst())
      #expect(code == 0)
      #expect(machines["explored"] == .bool(arguments.count == 2))
    }
  }

  /// Argument vectors that fail, the error kind and exit code they get. `MODEL` is replaced by
  /// the two-phase commit model, `BAD` by a model with a syntax error, `FULL` by one whose
  /// network overflows.
  static let errorCases: [(arguments: [String], kind: String, code: Int32)] = [
    (["check", "--bad", "--format", "json"], "usage", 2),
    (["check", "MODEL", "--format", "json", "--param"], "usage", 2),
    (["check", "--format", "json"], "usage", 2),
    (["check", "MODEL", "--format=json", "--format", "text"], "usage", 2),
    (["chek", "MODEL", "--format", "json"], "usage", 2),
    (["help", "nosuch", "--format", "json"], "usage", 2),
    (["trace", "MODEL", "--format", "json"], "usage", 2),
    (["check", "/no/such/model.commit", "--format", "json"], "unreadable", 2),
    (["check", "BAD", "--format", "json"], "invalid_model", 2),
    (["check", "MODEL", "--crash", "Coordinater=1", "--format", "json"], "invalid_model", 2),
    (["trace", "MODEL", "--property", "nosuch", "--format", "json"], "unknown_property", 2),
    (["graph", "MODEL", "--highlight", "nosuch", "--format", "json"], "unknown_property", 2),
    (["graph", "MODEL", "--max-nodes", "5", "--format", "json"], "too_many_nodes", 2),
    (["graph", "MODEL", "--format", "json", "--output", "-"], "invalid_option", 2),
    (["markov", "MODEL", "--rate", "nosuch=2", "--format", "json"], "invalid_option", 2),
    (["check", "models/three-phase-commit.commit", "--symmetry", "--format", "json"], "invalid_option", 2),
    (["petri", "models/two-phase-tla.commit", "--format", "json"], "unsupported", 2),
    (["markov", "MODEL", "--max-states", "10", "--format", "json"], "limit", 3),
    (["machines", "MODEL", "--explore", "--max-states", "10", "--format", "json"], "limit", 3),
    (["trace", "FULL", "--property", "atomicity", "--format", "json"], "model_error", 2),
    (["petri", "FULL", "--format", "json"], "model_error", 2),
  ]

  @Test("Errors are one JSON object on standard output, with the text form's exit code",
        arguments: errorCases.indices)
  func errors(index: Int) throws {
    let (arguments, kind, expectedCode) = Self.errorCases[index]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-json-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("bad.commit").path
    try "protocol X\nrole A { state s initial\n  on s step { goto t } }\n".write(toFile: bad, atomically: true, encoding: .utf8)
    let full = dir.appendingPathComponent("full.commit").path
    try "protocol Flood\nnetwork unordered capacity 1\nmessage Ping\nrole A { state s initial\n  on s step ping { send Ping to A } }\n"
      .write(toFile: full, atomically: true, encoding: .utf8)
    let resolved = arguments.map { a in
      switch a {
      case "MODEL": modelPath("two-phase-commit")
      case "BAD": bad
      case "FULL": full
      case let path where path.hasPrefix("models/"): "\(packageRoot)/\(path)"
      default: a
      }
    } + ["-q"]
    let (code, out, err) = try runTool(resolved)
    #expect(code == expectedCode, "\(err)")
    let report = try JSONParser.parse(out)
    #expect(report["report"] == .string("error"))
    #expect(report["error"]?["kind"] == .string(kind), "\(out)")
    #expect(report["exit_code"]?.int == Int(expectedCode))
    #expect(!err.isEmpty, "the text form still goes to standard error")
    switch kind {
    case "invalid_model" where arguments[1] == "BAD":
      #expect(report["diagnostics"] == (try JSONParser.parse("""
        [{"file": "\(bad)", "line": 3, "column": 13, "severity": "error",
          "message": "expected a step name after 'step', found '{'"}]
        """)))
    case "invalid_model":
      // A value the command line gave has no place in the file.
      let diagnostic = try #require(report["diagnostics"]?.array?.first)
      #expect(diagnostic["file"] == .null && diagnostic["line"] == .null && diagnostic["severity"] == .string("error"))
    case "limit":
      #expect(report["error"]?["stop_reason"] == .string("max-states"))
    case "model_error":
      #expect((report["error"]?["trace"]?.array?.count ?? 0) >= 2, "the trace to the overflowing send")
    case "invalid_option" where arguments.contains("--output"):
      #expect(report["error"]?["option"] == .string("--output"))
    case "unknown_property":
      #expect(report["error"]?["option"] == .string(arguments[0] == "graph" ? "--highlight" : "--property"))
    default: break
    }
  }

  @Test("An interrupted analysis prints an 'interrupted' error report and exits 130")
  func interrupted() throws {
    let arguments = ["markov", modelPath("two-phase-commit-cooperative"), "--param", "N=5", "--crash", "Coordinator=1",
                     "-q", "--threads", "2", "--format", "json"]
    let (code, out, _) = try runTool(arguments, signal: SIGINT, after: 1.5)
    #expect(code == 130)
    let report = try JSONParser.parse(out)
    #expect(report["error"]?["kind"] == .string("interrupted"))
    #expect(report["error"]?["stop_reason"] == .string("interrupted"))
  }

  @Test("Failures are objects with kind, role and budget, in the order the text lists them")
  func failures() throws {
    let (_, check) = try runJSON(["check", modelPath("two-phase-commit"), "--param", "N=2", "-q", "--format", "json",
                                  "--crash", "Participant=1", "--recover", "Participant=1", "--crash", "Coordinator=1",
                                  "--lose", "2", "--duplicate", "1", "--partition", "--max-states", "50"])
    // failures: crash Coordinator 1, crash Participant 1, recover Participant 1, lose 2, duplicate 1, partition 1
    #expect(check["failures"] == (try JSONParser.parse("""
      [{"kind": "crash", "role": "Coordinator", "budget": 1}, {"kind": "crash", "role": "Participant", "budget": 1},
       {"kind": "recover", "role": "Participant", "budget": 1}, {"kind": "lose", "role": null, "budget": 2},
       {"kind": "duplicate", "role": null, "budget": 1}, {"kind": "partition", "role": null, "budget": 1}]
      """)))
  }

  @Test("Trace steps give messages with typed fields, sends with both ends, changes with the value before")
  func structuredSteps() throws {
    let source = """
      protocol Fields
      param N: 1...3 = 2
      enum Choice { left, right }
      message Report(ok: bool, hops: 0...3, pick: Choice, who: Worker)
      role Boss {
        var got: map<Worker, Choice>
        state waiting initial
        state done decides commit
        on waiting receive Report(ok: true, pick: k) from w { got[w] = k; goto done }
      }
      role Worker[N] {
        var sent: set<Worker>
        state idle initial
        state over decides commit
        on idle step report { sent += self; send Report(ok: true, hops: 2, pick: right, who: self) to Boss; goto over }
      }
      invariant never: not (Boss in done)
      """
    let model = try compile(source)
    let report = check(model)
    let violated = try #require(report.property("never")?.trace)
    let json = try JSONParser.parse(ReportWriter.json(report))
    #expect(reportProblems(ReportWriter.json(report)) == [])
    let steps = try #require(json["properties"]?.array?.first { $0["name"] == .string("never") }?["trace"]?.array)
    #expect(steps.count == violated.steps.count)
    // Step 1: Worker[1] reports; step 2: Boss receives it.
    #expect(steps[1]["sends"] == (try JSONParser.parse("""
      [{"message": {"name": "Report", "fields": {"ok": true, "hops": 2, "pick": "right", "who": "Worker[1]"},
                    "text": "Report(ok: true, hops: 2, pick: right, who: Worker[1])"},
        "from": "Worker[1]", "to": "Boss", "copies": 1}]
      """)))
    #expect(steps[1]["changes"] == (try JSONParser.parse("""
      [{"process": "Worker[1]", "variable": "sent", "key": null, "value": "{Worker[1]}", "previous": "{}"}]
      """)))
    #expect(steps[2]["message"]?["fields"]?["pick"] == .string("right"))
    #expect(steps[2]["changes"] == (try JSONParser.parse("""
      [{"process": "Boss", "variable": "got", "key": "Worker[1]", "value": "right", "previous": "left"}]
      """)))
    // The text says the same, as it did before the structured fields.
    #expect(steps[2]["text"]?.string?.hasSuffix("; got[Worker[1]] = right") == true)
  }

  @Test("JSON reports are byte-identical run to run, for every command")
  func deterministic() throws {
    let base = [modelPath("two-phase-commit"), "--param", "N=2", "--crash", "Coordinator=1", "-q", "--format", "json"]
    for command in [["check"], ["trace", "--property", "termination"], ["graph"], ["machines", "--explore"],
                    ["markov", "--steps", "2"], ["petri"]] {
      let arguments = [command[0]] + base + command.dropFirst()
      let (_, first, _) = try runTool(arguments)
      let (_, second, _) = try runTool(arguments + ["--threads", "1"])
      #expect(first == second, "\(command[0])")
    }
  }

  @Test("With --format json the report goes to standard output and the drawing only to --output")
  func drawingGoesToOutput() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-json-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = [modelPath("two-phase-commit"), "--param", "N=2", "--crash", "Coordinator=1", "-q", "--format", "json"]
    for command in [["graph"], ["machines"], ["trace", "--property", "termination"]] {
      let dot = dir.appendingPathComponent("\(command[0]).dot").path
      let (code, report) = try runJSON([command[0]] + base + command.dropFirst() + ["--output", dot])
      #expect(code == (command[0] == "trace" ? 1 : 0))
      #expect(report["output"] == .string(dot))
      #expect(try String(contentsOfFile: dot, encoding: .utf8).hasPrefix("digraph"), "\(command[0]) writes DOT to --output")
      let (_, alone) = try runJSON([command[0]] + base + command.dropFirst())
      #expect(alone["output"] == .null, "without --output no drawing is written")
    }
    // A property that holds has no chart: nothing goes to --output.
    let unused = dir.appendingPathComponent("unused.dot").path
    let (code, holds) = try runJSON(["trace"] + base + ["--property", "atomicity", "--output", unused])
    #expect(code == 0 && holds["output"] == .null && holds["chart"] == .null)
    #expect(!FileManager.default.fileExists(atPath: unused))
  }
}
