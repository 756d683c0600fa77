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
      --format text|dot|json  a chart for a 100-column terminal (default), Graphviz DOT, or a
                           JSON report on standard output (the verdict, the counterexample's
                           steps and the chart's arrows); with json, --output gets the DOT chart
      --width K            the text chart's width in columns (default 100)
      --output FILE        write the chart to FILE instead of standard output
      -h, --help           show this help

    exit codes: 1 a counterexample was written, 0 the property holds, 2 bad input or usage,
    3 stopped at a limit with the property unknown

    """

  var model = ModelOptions()
  var property: String?
  enum Format { case text, dot, json }

  var format = Format.text
  var width = 100
  var output: String?

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "trace", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--property": property = try cursor.value()
      case "--format": format = try cursor.choice(["text": .text, "dot": .dot, "json": .json])
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
      let outputs = try model.outputs(format == .json ? reportAndDrawing(output) : [("--output", output)])
      let loaded = try model.load()
      model.printCommandLineWarnings(loaded)
      let options = try model.explorerOptions(loaded)
      let result = try model.withProgress { progress throws(CommitCheckError) in
        try loaded.trace(property: property, options: options, progress: progress)
      }
      let code = ExitCode.interrupted(or: result.chart != nil ? ExitCode.violated
        : result.property.verdict == .holds ? ExitCode.holds : ExitCode.limit)
      let title = SequenceChartWriter.title(loaded.system, result.property)
      if format == .json {
        // The DOT chart goes to --output, when there is a chart to draw.
        let dot = output == nil ? nil : result.chart.map { SequenceChartWriter.dot($0, system: loaded.system, title: title) }
        let report = ReportWriter.json(trace: result.property, chart: result.chart, report: result.report,
                                       output: dot == nil ? nil : output)
        if let dot {
          try outputs.write([report, dot], stop: stopSignal)
        } else {
          try model.outputs(reportAndDrawing(nil)).write([report], stop: stopSignal)
        }
        return code
      }
      guard let chart = result.chart else {
        if result.property.verdict == .holds {
          printError("\(property) holds: there is no counterexample to draw")
          return code
        }
        let why = result.report.stopReason.map {
          "exploration \($0.sentence) after \(ReportWriter.grouped(result.report.states)) states"
        } ?? result.property.notes.joined(separator: "; ")
        printError("\(property) is unknown: \(why)")
        return code
      }
      let text = format == .dot
        ? SequenceChartWriter.dot(chart, system: loaded.system, title: title)
        : SequenceChartWriter.text(chart, system: loaded.system, title: title, width: width)
      try outputs.write([text], stop: stopSignal)
      return code
    } catch {
      return fail(error)
    }
  }
}
