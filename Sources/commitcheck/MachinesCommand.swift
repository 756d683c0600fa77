import CommitCheck
import Foundation

/// `commitcheck machines MODEL`: each role's state machine as Graphviz DOT.
struct MachinesCommand {
  static let help = """
    usage: commitcheck machines MODEL [options]

    Draws each role's state machine from MODEL as Graphviz DOT: one cluster per role, its control
    states (decisions in colour) and an edge per transition path, labelled
    'trigger [guard] / send ...'. With --explore it also explores the model (with the check
    options below) and greys out the control states and transitions that no reachable state
    uses, listing them on standard error: dead protocol code under those failures.

    options:
      --explore            explore the model and mark what it never uses
    \(ModelOptions.help())
      --format dot|json    the DOT drawing (default), or a JSON summary on standard output (roles,
                           control states, transitions with their lines, and with --explore what
                           is never used); with json the DOT is written only to --output
      --output FILE        write the DOT to FILE instead of standard output
      -h, --help           show this help

    exit codes: 0 written, 2 bad input or usage, 3 exploration stopped at a limit

    """

  var model = ModelOptions()
  var explore = false
  var output: String?
  var json = false

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "machines", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--explore":
        try cursor.noValue()
        explore = true
      case "--output": output = try cursor.value()
      case "--format": json = try cursor.choice(["dot": false, "json": true])
      default: return false
      }
      return true
    }
    self.model = model
    try model.rejectCompactHash("machines")
  }


  func run() -> Int32 {
    do throws(CommitCheckError) {
      let outputs = try model.outputs(json ? reportAndDrawing(output) : [("--output", output)])
      let loaded = try model.load()
      model.printCommandLineWarnings(loaded)
      let options = explore ? try model.explorerOptions(loaded) : nil
      let drawn = try model.withProgress { progress throws(CommitCheckError) in
        try loaded.roleMachines(exploring: options, progress: progress)
      }
      if let usage = drawn.usage, !json {
        let unused = DotWriter.unusedParts(loaded.system, drawn.machines, usage: usage)
        printError(unused.isEmpty
          ? "every control state and transition is used in the \(ReportWriter.grouped(drawn.states)) states explored"
          : "never used in the \(ReportWriter.grouped(drawn.states)) states explored:\n"
            + unused.map { "  " + $0 }.joined(separator: "\n"))
      }
      var texts: [String] = []
      if json {
        texts.append(DrawingSummaryWriter.machines(loaded.system, file: loaded.file, drawn.machines, usage: drawn.usage,
                                                   states: drawn.usage == nil ? nil : drawn.states, output: output))
      }
      if !json || output != nil { texts.append(DotWriter.machines(loaded.system, drawn.machines, usage: drawn.usage)) }
      try outputs.write(texts, stop: stopSignal)
      return ExitCode.interrupted(or: ExitCode.holds)
    } catch {
      return fail(error)
    }
  }
}
