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
    \(ModelOptions.help())
      --collapse           merge states in which every process has the same control state (and
                           crashed flag); each node and edge says how many it stands for
      --highlight NAME     draw the counterexample of property NAME in bold
      --max-nodes K        refuse to draw more than K nodes (default 2,000)
      --format dot|json    the DOT drawing (default), or a JSON summary on standard output (states,
                           edges, nodes drawn, the highlighted property's verdict); with json the
                           DOT is written only to --output
      --output FILE        write the DOT to FILE instead of standard output
      -h, --help           show this help

    exit codes: 0 written, 2 bad input, usage or too many nodes, 3 exploration stopped at a limit

    """

  var model = ModelOptions()
  var collapse = false
  var highlight: String?
  var maxNodes = 2_000
  var output: String?
  var json = false

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
      case "--format": json = try cursor.choice(["dot": false, "json": true])
      default: return false
      }
      return true
    }
    self.model = model
    try model.rejectCompactHash("graph")
  }


  func run() -> Int32 {
    do throws(CommitCheckError) {
      let outputs = try model.outputs(json ? reportAndDrawing(output) : [("--output", output)])
      let loaded = try model.load()
      model.printCommandLineWarnings(loaded)
      let options = try model.explorerOptions(loaded)
      var request = GraphOptions()
      request.collapse = collapse
      request.highlight = highlight
      request.maxNodes = maxNodes
      let graph = try model.withProgress { progress throws(CommitCheckError) in
        try loaded.stateGraph(options: options, graph: request, progress: progress)
      }
      var shown: DotWriter.Highlight?
      if let (result, path) = graph.highlight {
        if let path {
          shown = DotWriter.Highlight(property: result.name, path: path)
        } else {
          printError("commitcheck: property '\(result.name)' \(result.verdict == .holds ? "holds" : "has no counterexample"); nothing to highlight")
        }
      }
      var texts: [String] = []
      if json {
        texts.append(DrawingSummaryWriter.graph(graph.exploration, file: loaded.file, marks: graph.marks,
                                                quotient: graph.quotient, highlight: graph.highlight, output: output))
      }
      if !json || output != nil {
        let cancellation = model.cancellation
        texts.append(graph.quotient.map {
          DotWriter.collapsedGraph(graph.exploration, quotient: $0, highlight: shown, cancellation: cancellation)
        } ?? DotWriter.stateGraph(graph.exploration, marks: graph.marks, highlight: shown, cancellation: cancellation))
        if let reason = cancellation.reason { throw .stopped(reason: reason, phase: "drawing the state graph") }
      }
      try outputs.write(texts, stop: stopSignal)
      return ExitCode.interrupted(or: ExitCode.holds)
    } catch {
      return fail(error)
    }
  }
}
