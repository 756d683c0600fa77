import Foundation
import Testing

/// The JSON Schemas of the reports (`Tests/CommitCheckTests/Resources/schemas`), one per
/// report kind, and `common.schema.json` with what they share.
let reportSchemaDirectory = "\(packageRoot)/Tests/CommitCheckTests/Resources/schemas"

let reportSchemas: SchemaValidator? = try? SchemaValidator(directory: reportSchemaDirectory)

/// The report kinds: each is a `"report"` value and names its schema (`check.schema.json`).
let reportKinds = ["check", "trace", "graph", "machines", "markov", "petri", "error"]

/// What is wrong with a report printed as JSON: it must parse, name its kind in `"report"`, and
/// follow that kind's schema. Empty when it is valid.
func reportProblems(_ text: String) -> [String] {
  guard let schemas = reportSchemas else { return ["the schemas in \(reportSchemaDirectory) do not load"] }
  let value: JSONValue
  do {
    value = try JSONParser.parse(text)
  } catch {
    return ["\(error)"]
  }
  guard let kind = value["report"]?.string, reportKinds.contains(kind) else {
    return ["no known \"report\" kind at the top level"]
  }
  do {
    return try schemas.validate(value, against: "\(kind).schema.json").map { "\(kind) report: \($0)" }
  } catch {
    return ["\(error)"]
  }
}

/// Whether a command line asks for JSON (`--format json` or `--format=json`).
func asksForJSON(_ arguments: [String]) -> Bool {
  arguments.indices.contains { i in
    arguments[i] == "--format=json" || (arguments[i] == "--format" && arguments.indices.contains(i + 1) && arguments[i + 1] == "json")
  }
}

/// What every run of the tool in the tests goes through: standard output that asks for JSON, or
/// looks like it, must be one valid report of its kind (an error report included), never empty.
func expectValidJSONOutput(_ arguments: [String], _ stdout: String, sourceLocation: SourceLocation = #_sourceLocation) {
  let requested = asksForJSON(arguments)
  guard requested || stdout.hasPrefix("{") else { return }
  if requested && arguments.contains(where: { $0 == "-h" || $0 == "--help" }) { return }
  let problems = reportProblems(stdout)
  #expect(problems.isEmpty, "\(arguments.joined(separator: " ")): \(problems.prefix(10).joined(separator: "\n"))",
          sourceLocation: sourceLocation)
}
