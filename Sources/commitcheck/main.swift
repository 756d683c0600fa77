import CommitCheck
import Foundation

// The command-line tool: parses arguments, calls the library, prints. Exit codes: 0 every
// property holds, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit.

let toolHelp = """
  commitcheck — a model checker for distributed commit protocols

  usage: commitcheck <command> [options]

  commands:
    check MODEL     explore a model's state space and check its properties
    trace MODEL     print one property's counterexample as a message sequence chart
    graph MODEL     write the reachable state graph as DOT
    machines MODEL  draw each role's state machine as DOT
    markov MODEL    outcome, transient and long-run probabilities; PRISM and Storm exports
    petri MODEL     an equivalent place/transition net: PNML, DOT and its analysis
    report MODEL    one self-contained HTML page: verdicts, charts, machines, coverage
    help [COMMAND]  show help for the tool or a command

  Run 'commitcheck <command> --help' for a command's options.
  Exit codes: 0 all properties hold, 1 a property is violated, 2 bad input or usage,
  3 stopped at a limit with nothing violated.

  """

/// Each command: its help text and how to run it on its arguments.
let commands: [(name: String, help: String, run: (ArraySlice<String>) throws(UsageError) -> Int32)] = [
  ("check", CheckCommand.help, { args throws(UsageError) in try CheckCommand(args).run() }),
  ("graph", GraphCommand.help, { args throws(UsageError) in try GraphCommand(args).run() }),
  ("machines", MachinesCommand.help, { args throws(UsageError) in try MachinesCommand(args).run() }),
  ("trace", TraceCommand.help, { args throws(UsageError) in try TraceCommand(args).run() }),
  ("markov", MarkovCommand.help, { args throws(UsageError) in try MarkovCommand(args).run() }),
  ("petri", PetriCommand.help, { args throws(UsageError) in try PetriCommand(args).run() }),
  ("report", ReportCommand.help, { args throws(UsageError) in try ReportCommand(args).run() }),
]

installSignalHandlers()
let arguments = CommandLine.arguments.dropFirst()
// Under `mpirun ... --mpi` only rank 0 speaks, usage errors included: the others write nowhere.
if arguments.contains("--mpi"), let rank = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"], rank != "0" {
  let null = open("/dev/null", O_WRONLY)
  dup2(null, 1)
  dup2(null, 2)
}
guard let name = arguments.first else {
  printError(toolHelp)
  exit(ExitCode.badInput)
}
let commandNames = commands.map(\.name) + ["help"]
switch name {
case "-h", "--help":
  print(toolHelp, terminator: "")
  exit(0)
case "help":
  guard let topic = arguments.dropFirst().first else {
    print(toolHelp, terminator: "")
    exit(0)
  }
  guard let command = commands.first(where: { $0.name == topic }) else {
    let message = "no help for '\(topic)': it is not a command" + Suggestion.hint(for: topic, among: commandNames)
    printError("commitcheck: error: \(message)\nRun 'commitcheck --help' for usage.")
    JSONErrors.print(JSONErrors.usage(message, command: "help"))
    exit(ExitCode.badInput)
  }
  print(command.help, terminator: "")
  exit(0)
case "--version":
  print("commitcheck 0.1.0")
  exit(0)
default:
  guard let command = commands.first(where: { $0.name == name }) else {
    let message = "unknown command '\(name)'" + Suggestion.hint(for: name, among: commandNames)
    printError("commitcheck: error: \(message)\nRun 'commitcheck --help' for usage.")
    JSONErrors.print(JSONErrors.usage(message, command: nil))
    exit(ExitCode.badInput)
  }
  do {
    exit(try command.run(arguments.dropFirst()))
  } catch {
    printError("commitcheck: error: \(error.message)\nRun 'commitcheck \(name) --help' for usage.")
    JSONErrors.print(JSONErrors.usage(error.message))
    exit(ExitCode.badInput)
  }
}
