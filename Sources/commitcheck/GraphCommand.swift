import CommitCheck
import Foundation

/// `commitcheck graph MODEL`: the reachable state graph as Graphviz DOT.
struct GraphCommand {
  static let help = """
    usage: commitcheck graph MODEL [options]

    Writes the reachable state graph of MODEL as Graphviz DOT: a node per state (each process's
    control state, decisions in colour, crashed processes struck out, messages in flight), an
    edge per transition labelled with the process and transition (failures dashed). Violating
    states are red, blocked states orange. Render it with 'dot -Tsvg'.

    options:
    \(ModelOptions.help)
      --collapse           merge states in which every process has the same control state (and
                           crashed flag); each node and edge says how many it stands for
      --highlight NAME     draw the counterexample of property NAME in bold
      --max-nodes K        refuse to draw more than K nodes (default 2,000)
      --output FILE        write to FILE instead of standard output
      -h, --help           show this help

    exit codes: 0 written, 2 bad input, usage or too many nodes, 3 exploration stopped at a limit

    """

  var model = ModelOptions()
  var collapse = false
  var highlight: String?
  var maxNodes = 2_000
  var output: String?

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "graph", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--collapse":
        try cursor.noValue()
        collapse = true
      case "--highlight": highlight = try cursor.value()
      case "--max-nodes":
        maxNodes = try cursor.count()
        guard maxNodes > 0 else { throw UsageError(message: "--max-nodes must be at least 1") }
      case "--output": output = try cursor.value()
      default: return false
      }
      return true
    }
    self.model = model
    try model.rejectCompactHash("graph")
  }


  func run() -> Int32 {
    guard let loaded = model.load() else { return 2 }
    if let highlight, !propertyNames(loaded.system).contains(highlight) {
      printError("commitcheck: unknown property '\(highlight)'; the model has "
        + propertyNames(loaded.system).map { "'\($0)'" }.joined(separator: ", "))
      return 2
    }
    let exploration = model.explore(loaded)
    if let code = refuseIncomplete(exploration, loaded) { return code }
    let nodes = collapse ? exploration.controlClassCount() : exploration.stateCount
    if nodes > maxNodes {
      var message = "commitcheck: the graph would have \(ReportWriter.grouped(nodes)) nodes, more than --max-nodes "
        + ReportWriter.grouped(maxNodes)
      if collapse {
        message += "; raise --max-nodes, or lower N with --param"
      } else {
        message += "; --collapse merges states with the same control states into "
          + "\(ReportWriter.grouped(exploration.controlClassCount())) nodes, or raise --max-nodes"
      }
      printError(message)
      return 2
    }
    let marks = exploration.stateMarks()
    var shown: DotWriter.Highlight?
    if let highlight {
      guard let result = exploration.checkProperties().first(where: { $0.name == highlight }) else { return 2 }
      if let trace = result.trace, let path = exploration.path(of: trace) {
        shown = DotWriter.Highlight(property: highlight, path: path)
      } else {
        printError("commitcheck: property '\(highlight)' \(result.verdict == .holds ? "holds" : "has no counterexample"); nothing to highlight")
      }
    }
    let dot = collapse
      ? DotWriter.collapsedGraph(exploration, quotient: exploration.controlQuotient(marks: marks), highlight: shown)
      : DotWriter.stateGraph(exploration, marks: marks, highlight: shown)
    return emit(dot, to: output) ? 0 : 2
  }
}

/// The names `--highlight` and `--property` accept: the built-in properties and the model's own.
func propertyNames(_ system: TransitionSystem) -> [String] {
  ["atomicity", "termination"] + system.properties.map(\.name)
}

/// Exit code and message when an exploration cannot be drawn: a model error (2) or a limit (3).
func refuseIncomplete(_ exploration: Exploration, _ loaded: LoadedModel) -> Int32? {
  if exploration.runtimeError != nil {
    let report = CheckReport(exploration: exploration, file: loaded.file, warnings: [])
    printError("commitcheck: model error: \(report.runtimeError?.message ?? "?")")
    return 2
  }
  if !exploration.complete {
    printError("commitcheck: exploration stopped at the state limit (--max-states) after "
      + "\(ReportWriter.grouped(exploration.stateCount)) states; raise --max-states or lower N with --param")
    return 3
  }
  return nil
}
