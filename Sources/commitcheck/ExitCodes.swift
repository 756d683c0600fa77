import CommitCheck
import Foundation

/// The tool's exit codes, decided here and nowhere else: 0 every property holds, 1 a property is
/// violated, 2 bad input or usage (a model error included), 3 stopped at a limit or a verdict
/// left unknown, and the shell's 128 + N when signal N interrupted the run.
enum ExitCode {
  static let holds: Int32 = 0
  static let violated: Int32 = 1
  static let badInput: Int32 = 2
  static let limit: Int32 = 3

  /// The code of a check's outcome.
  static func of(_ outcome: CheckOutcome) -> Int32 {
    switch outcome {
    case .allHold: interrupted(or: holds)
    case .violated: interrupted(or: violated)
    case .modelError: interrupted(or: badInput)
    case .stopped, .undecided: interrupted(or: limit)
    }
  }

  /// The code of an analysis that gave no result.
  static func of(_ error: CommitCheckError) -> Int32 {
    switch error {
    case .incomplete, .stopped: interrupted(or: limit)
    case .unreadable, .invalidModel, .invalidOption, .unknownProperty, .modelError, .unsupported,
      .tooManyNodes, .internalError:
      interrupted(or: badInput)
    }
  }

  /// `code`, unless a signal interrupted the run: then the shell's code for that signal.
  static func interrupted(or code: Int32) -> Int32 {
    stopSignal.requested != 0 ? 128 + stopSignal.requested : code
  }
}

/// Prints why an analysis gave no result (and, with `--format json`, the same as JSON on
/// standard output) and returns the exit code for it.
func fail(_ error: CommitCheckError) -> Int32 {
  JSONErrors.print(JSONErrors.report(error))
  if case .invalidModel(let file, let source, let diagnostics) = error {
    // A diagnostic without a place in the file is about a value the command line gave.
    for d in diagnostics {
      printError(d.range == .none ? "commitcheck: \(d.severity.rawValue): \(d.message)" : d.render(file: file, source: source))
    }
  } else {
    printError("commitcheck: error: " + error.description)
  }
  return ExitCode.of(error)
}
