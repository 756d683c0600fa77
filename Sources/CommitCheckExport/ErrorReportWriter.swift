import CommitCheckExplorer
import CommitCheckLanguage

/// Why a command gave no report, as values: what `--format json` prints on standard output
/// instead of a report, so that a script never reads an empty output.
public struct ErrorReport: Sendable {
  /// What went wrong, by who can fix it and how.
  public enum Kind: String, Sendable, CaseIterable {
    /// The command line: an unknown command or option, a bad value, a missing argument.
    case usage
    /// The model file cannot be read.
    case unreadable
    /// The model has errors (in `diagnostics`).
    case invalidModel = "invalid_model"
    /// An option the analysis cannot honour, an output that cannot be written.
    case invalidOption = "invalid_option"
    case unknownProperty = "unknown_property"
    /// Exploration met a model error (a value outside its domain, a full network).
    case modelError = "model_error"
    /// A limit (`--max-states`, `--max-memory`, `--timeout`) stopped an analysis that needs
    /// every state; exit code 3.
    case limit
    /// SIGINT or SIGTERM stopped it; exit code 130 or 143.
    case interrupted
    /// The analysis cannot represent this model.
    case unsupported
    case tooManyNodes = "too_many_nodes"
    /// A bug: an analysis failed its own consistency check.
    case internalError = "internal"
  }

  /// The command that failed; nil when the command itself is unknown.
  public var command: String?
  public var kind: Kind
  /// One line for people, as the text form says it.
  public var message: String
  /// The option blamed, when one is.
  public var option: String?
  public var stopReason: StopReason?
  /// For a model error: the trace to the state where it happened.
  public var trace: Trace?
  /// The model file the diagnostics point into.
  public var file = ""
  public var diagnostics: [Diagnostic] = []
  public var exitCode: Int32

  /// An error with no option, stop reason, trace or diagnostics; set those that apply.
  public init(command: String?, kind: Kind, message: String, exitCode: Int32) {
    self.command = command
    self.kind = kind
    self.message = message
    self.exitCode = exitCode
  }
}

/// Writes an `ErrorReport` as JSON (`error.schema.json`):
/// `{"report": "error", "command", "exit_code", "error": {"kind", "message", "option",
/// "stop_reason", "trace"}, "diagnostics": [{"file", "line", "column", "severity", "message"}]}`.
public enum ErrorReportWriter {
  public static func json(_ e: ErrorReport) -> String {
    JSON.object([
      ("report", .string("error")),
      ("command", .nullable(e.command)),
      ("exit_code", .int(Int(e.exitCode))),
      ("error", .object([
        ("kind", .string(e.kind.rawValue)),
        ("message", .string(e.message)),
        ("option", .nullable(e.option)),
        ("stop_reason", .nullable(e.stopReason?.rawValue)),
        ("trace", e.trace.map { .array($0.steps.map(JSONFields.step)) } ?? .null),
      ])),
      ("diagnostics", .array(e.diagnostics.map { JSONFields.diagnostic($0, file: e.file) })),
    ]).rendered()
  }
}
