import CommitCheck
import Foundation

/// `commitcheck trace MODEL --property NAME`: one counterexample as a message sequence chart.
struct TraceCommand {
  static let help = """
    usage: commitcheck trace MODEL --property NAME [options]

    Explores MODEL and prints the shortest counterexample of property NAME as a message sequence
    chart: a lifeline per process, each message an arrow from its sender to its receiver (with
    the step that sent it), local steps, crashes, losses, partitions and decisions marked.

    options:
      --property NAME      the property to explain (atomicity, termination or the model's own)
    \(ModelOptions.help(compactHash: true))
      --format text|dot    a chart for a 100-column terminal (default), or Graphviz DOT
      --width K            the text chart's width in columns (default 100)
      --output FILE        write to FILE instead of standard output
      -h, --help           show this help

    exit codes: 1 a counterexample was written, 0 the property holds, 2 bad input or usage,
    3 stopped at a limit with the property unknown

    """

  var model = ModelOptions()
  var property: String?
  var dot = false
  var width = 100
  var output: String?

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "trace", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--property": property = try cursor.value()
      case "--format": dot = try cursor.choice(["text": false, "dot": true])
      case "--width":
        width = try cursor.count()
        guard width >= 40 else { throw UsageError(message: "--width must be at least 40") }
      case "--output": output = try cursor.value()
      default: return false
      }
      return true
    }
    self.model = model
    if property == nil { throw UsageError(message: "trace needs --property NAME") }
  }


  func run() -> Int32 {
    guard let property else { return ExitCode.badInput }
    do throws(CommitCheckError) {
      let outputs = try model.outputs([("--output", output)])
      let loaded = try model.load()
      model.printCommandLineWarnings(loaded)
      let options = try model.explorerOptions(loaded)
      let result = try model.withProgress { progress throws(CommitCheckError) in
        try loaded.trace(property: property, options: options, progress: progress)
      }
      guard let chart = result.chart else {
        if result.property.verdict == .holds {
          printError("\(property) holds: there is no counterexample to draw")
          return ExitCode.interrupted(or: ExitCode.holds)
        }
        let why = result.report.stopReason.map {
          "exploration \($0.sentence) after \(ReportWriter.grouped(result.report.states)) states"
        } ?? result.property.notes.joined(separator: "; ")
        printError("\(property) is unknown: \(why)")
        return ExitCode.interrupted(or: ExitCode.limit)
      }
      let title = SequenceChartWriter.title(loaded.system, result.property)
      let text = dot
        ? SequenceChartWriter.dot(chart, system: loaded.system, title: title)
        : SequenceChartWriter.text(chart, system: loaded.system, title: title, width: width)
      try outputs.write([text], stop: stopSignal)
      return ExitCode.interrupted(or: ExitCode.violated)
    } catch {
      return fail(error)
    }
  }
}
