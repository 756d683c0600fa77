import CommitCheck
import Foundation

/// Errors as JSON: when the command line asks for `--format json`, every error, usage errors
/// included, is also printed as one JSON object on standard output (`ErrorReportWriter`), so a
/// script never reads an empty output. The text form still goes to standard error.
enum JSONErrors {
  /// Whether `--format json` (or `--format=json`) is anywhere on the command line. Read from the
  /// raw arguments before any parsing, so that an error met before `--format` is reached
  /// (`check --bad --format json`) is JSON too.
  static let requested: Bool = asksForJSON(Array(CommandLine.arguments.dropFirst()))

  /// The command being run, as the command line names it.
  static let command: String? = CommandLine.arguments.dropFirst().first

  static func asksForJSON(_ args: [String]) -> Bool {
    args.indices.contains { i in
      args[i] == "--format=json" || (args[i] == "--format" && i + 1 < args.count && args[i + 1] == "json")
    }
  }

  /// Prints `report` on standard output when JSON was asked for.
  static func print(_ report: @autoclosure () -> ErrorReport) {
    guard requested else { return }
    FileHandle.standardOutput.write(Data(ErrorReportWriter.json(report()).utf8))
  }

  /// A usage error (`kind` usage, exit code 2).
  static func usage(_ message: String, command: String? = JSONErrors.command) -> ErrorReport {
    ErrorReport(command: command, kind: .usage, message: message, exitCode: ExitCode.badInput)
  }

  /// A library error, with the exit code `fail` gives it.
  static func report(_ error: CommitCheckError) -> ErrorReport {
    var report = ErrorReport(command: command, kind: .internalError, message: error.description,
                             exitCode: ExitCode.of(error))
    func stopped(_ reason: StopReason) {
      report.stopReason = reason
      report.kind = reason == .interrupted ? .interrupted : reason == .runtimeError ? .modelError : .limit
    }
    switch error {
    case .unreadable:
      report.kind = .unreadable
    case .invalidModel(let file, _, let diagnostics):
      report.kind = .invalidModel
      report.file = file
      report.diagnostics = diagnostics
      // One line: the first error's header (the text form adds the source line and a caret).
      if let first = diagnostics.first(where: { $0.severity == .error }) ?? diagnostics.first {
        report.message = first.range == .none ? first.message : first.header(file: file)
      }
    case .invalidOption(let option, let reason):
      report.kind = .invalidOption
      report.option = option.isEmpty ? nil : option
      report.message = reason
    case .unknownProperty:
      report.kind = .unknownProperty
      report.option = command == "graph" ? "--highlight" : "--property"
    case .modelError(let modelError):
      report.kind = .modelError
      report.trace = modelError.trace
    case .incomplete(let reason, _), .stopped(let reason, _):
      stopped(reason)
    case .unsupported:
      report.kind = .unsupported
    case .tooManyNodes:
      report.kind = .tooManyNodes
      report.option = "--max-nodes"
    case .internalError:
      report.kind = .internalError
    }
    return report
  }
}
