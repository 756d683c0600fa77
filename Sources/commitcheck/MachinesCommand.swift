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
    \(ModelOptions.help)
      --output FILE        write to FILE instead of standard output
      -h, --help           show this help

    exit codes: 0 written, 2 bad input or usage, 3 exploration stopped at a limit

    """

  var model = ModelOptions()
  var explore = false
  var output: String?

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "machines", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--explore":
        try cursor.noValue()
        explore = true
      case "--output": output = try cursor.value()
      default: return false
      }
      return true
    }
    self.model = model
    try model.rejectCompactHash("machines")
  }


  func run() -> Int32 {
    guard let loaded = model.load() else { return 2 }
    let machines = loaded.system.roleMachines
    var usage: MachineUsage?
    if explore {
      let exploration = model.explore(loaded)
      if let code = refuseIncomplete(exploration, loaded) { return code }
      let used = exploration.machineUsage()
      let unused = DotWriter.unusedParts(loaded.system, machines, usage: used)
      printError(unused.isEmpty
        ? "every control state and transition is used in the \(ReportWriter.grouped(exploration.stateCount)) states explored"
        : "never used in the \(ReportWriter.grouped(exploration.stateCount)) states explored:\n"
          + unused.map { "  " + $0 }.joined(separator: "\n"))
      usage = used
    }
    return emit(DotWriter.machines(loaded.system, machines, usage: usage), to: output) ? 0 : 2
  }
}
