import CommitCheck
import Foundation

/// `commitcheck check MODEL`: explore and report every property's verdict.
struct CheckCommand {
  static let help = """
    usage: commitcheck check MODEL [options]

    Explores every reachable state of MODEL (a .commit file) and checks atomicity, termination
    and the model's own invariants and eventualities. Violations come with the shortest trace.

    options:
    \(ModelOptions.help(compactHash: true))
      --format text|json   report format (default text)
      --timing             put seconds and states/s in the report (then it is not reproducible)
      --coverage           per transition: moves made and states found first; what never
                           fires or is never reached (keeps the state graph's edges)
      -h, --help           show this help

    exit codes: 0 all hold, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit

    """

  var model = ModelOptions()
  var json = false
  var timing = false
  var coverage = false

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "check", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--format": json = try cursor.choice(["text": false, "json": true])
      case "--timing": timing = true
      case "--coverage":
        try cursor.noValue()
        coverage = true
      default: return false
      }
      return true
    }
    self.model = model
  }


  func run() -> Int32 {
    do throws(CommitCheckError) {
      let loaded = try model.load()
      let options = try model.explorerOptions(loaded)
      let report = try model.withProgress { progress throws(CommitCheckError) in 
        try loaded.check(options: options, coverage: coverage, progress: progress)
      }
      let output = json ? ReportWriter.json(report, timing: timing) : ReportWriter.text(report, timing: timing)
      FileHandle.standardOutput.write(Data(output.utf8))
      if !timing && !json && !model.quiet {
        printError("time: \(String(format: "%.3f", report.seconds)) s, \(ReportWriter.grouped(Int(report.statesPerSecond))) states/s")
      }
      return ExitCode.of(report.outcome)
    } catch {
      return fail(error)
    }
  }
}
