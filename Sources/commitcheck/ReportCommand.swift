import CommitCheck
import Foundation

/// `commitcheck report MODEL --output FILE.html`: one self-contained HTML page of a check.
struct ReportCommand {
  static let help = """
    usage: commitcheck report MODEL [options] --output FILE.html

    Checks MODEL as 'check --coverage' does and writes one self-contained HTML page (inline
    style, script and drawings; no network access): the run's figures, every property's
    verdict, each counterexample as an interactive message sequence chart (buttons, or ← and
    →, step through it; #PROPERTY/step/K in the URL opens a step), each role's state machine
    with what was never used greyed out (drawn by Graphviz when 'dot' is on the PATH), the
    coverage of every transition and, with --rate or rates in the model, the Markov outcome
    probabilities.

    options:
    \(ModelOptions.help())
      --rate NAME=X        a rate for the outcome probabilities, as in 'markov'; repeatable
      --output FILE        where the page goes ('-' for standard output); required
      --format html|json   html (default): nothing on standard output but the page with
                           '--output -'; json: also the check's JSON report (with coverage)
                           on standard output
      -h, --help           show this help

    exit codes: 0 all hold, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit

    """

  var model = ModelOptions()
  var report = ReportOptions()
  var output: String?
  var json = false

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "report", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--rate": try MarkovCommand.rate(&cursor, into: &report.rates)
      case "--output": output = try cursor.value()
      case "--format": json = try cursor.choice(["html": false, "json": true])
      default: return false
      }
      return true
    }
    self.model = model
    try model.rejectCompactHash("report")
    if output == nil { throw UsageError(message: "report needs --output FILE.html ('-' for standard output)") }
  }

  func run() -> Int32 {
    do throws(CommitCheckError) {
      let outputs = try model.outputs(json ? reportAndDrawing(output) : [("--output", output)])
      let loaded = try model.load()
      model.printCommandLineWarnings(loaded)
      let options = try model.explorerOptions(loaded)
      let made = try model.withProgress { progress throws(CommitCheckError) in
        try loaded.report(options: options, report: report, progress: progress)
      }
      var texts: [String] = []
      if json { texts.append(ReportWriter.json(made.check)) }
      texts.append(HtmlReportWriter.page(made))
      try outputs.write(texts, stop: stopSignal)
      return ExitCode.of(made.check.outcome)
    } catch {
      return fail(error)
    }
  }
}
