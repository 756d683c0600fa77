import CommitCheck
import Foundation

/// The command-line tool: parses arguments, calls the library, prints. Exit codes: 0 every
/// property holds, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit.

let toolHelp = """
  commitcheck — a model checker for distributed commit protocols

  usage: commitcheck <command> [options]

  commands:
    check MODEL     explore a model's state space and check its properties
    help [COMMAND]  show help for the tool or a command

  Run 'commitcheck check --help' for the options of check.
  Exit codes: 0 all properties hold, 1 a property is violated, 2 bad input or usage,
  3 stopped at a limit with nothing violated.

  """

let checkHelp = """
  usage: commitcheck check MODEL [options]

  Explores every reachable state of MODEL (a .commit file) and checks atomicity, termination
  and the model's own invariants and eventualities. Violations come with the shortest trace.

  options:
    --param NAME=VALUE   override a parameter (e.g. --param N=5)
    --crash ROLE=K       allow K crashes of processes of ROLE (e.g. --crash Coordinator=1)
    --recover ROLE=K     allow K recoveries of crashed processes of ROLE
    --lose K             allow K message losses
    --duplicate K        allow K message duplications
    --partition          allow one network partition into two groups
    --max-states K       stop after K states with a partial report (default 50,000,000)
    --format text|json   report format (default text)
    --timing             include seconds and states/s in the report (not reproducible)
    -q, --quiet          no progress line on stderr
    -h, --help           show this help

  exit codes: 0 all hold, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit

  """

struct UsageError: Error {
  var message: String
}

func fail(_ message: String, help: String) -> Never {
  FileHandle.standardError.write(Data("commitcheck: \(message)\n\(help.isEmpty ? "" : "Run '\(help)' for usage.\n")".utf8))
  exit(2)
}

func parseCount(_ text: String, _ option: String) throws(UsageError) -> Int {
  let cleaned = text.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ",", with: "")
  guard let v = Int(cleaned), v >= 0 else {
    throw UsageError(message: "\(option) needs a non-negative integer, found '\(text)'")
  }
  return v
}

func parseAssignment(_ text: String, _ option: String) throws(UsageError) -> (String, Int) {
  let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
  guard parts.count == 2, !parts[0].isEmpty else {
    throw UsageError(message: "\(option) needs NAME=VALUE, found '\(text)'")
  }
  let valueText = parts[1]
  guard let v = Int(valueText) else {
    throw UsageError(message: "\(option) \(parts[0]) needs an integer value, found '\(valueText)'")
  }
  return (parts[0], v)
}

struct CheckCommand {
  var model: String?
  var options = CheckOptions()
  var json = false
  var timing = false
  var quiet = false

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var it = args.makeIterator()
    func value(_ option: String) throws(UsageError) -> String {
      guard let v = it.next() else { throw UsageError(message: "\(option) needs a value") }
      return v
    }
    while let arg = it.next() {
      var name = arg
      var inline: String?
      if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
        name = String(arg[..<eq])
        inline = String(arg[arg.index(after: eq)...])
      }
      func next() throws(UsageError) -> String {
        if let inline { return inline }
        return try value(name)
      }
      switch name {
      case "-h", "--help":
        print(checkHelp, terminator: "")
        exit(0)
      case "--param":
        let (k, v) = try parseAssignment(try next(), name)
        options.compile.parameters[k] = v
      case "--crash":
        let (k, v) = try parseAssignment(try next(), name)
        guard v >= 0 else { throw UsageError(message: "--crash \(k) needs a non-negative count") }
        options.compile.crash[k] = v
      case "--recover":
        let (k, v) = try parseAssignment(try next(), name)
        guard v >= 0 else { throw UsageError(message: "--recover \(k) needs a non-negative count") }
        options.compile.recover[k] = v
      case "--lose": options.compile.lose = try parseCount(try next(), name)
      case "--duplicate": options.compile.duplicate = try parseCount(try next(), name)
      case "--partition":
        if inline != nil { throw UsageError(message: "--partition takes no value") }
        options.compile.partition = 1
      case "--max-states":
        let v = try parseCount(try next(), name)
        guard v > 0 else { throw UsageError(message: "--max-states must be at least 1") }
        options.explorer.maxStates = v
      case "--format":
        switch try next() {
        case "text": json = false
        case "json": json = true
        case let other: throw UsageError(message: "--format must be 'text' or 'json', found '\(other)'")
        }
      case "--timing": timing = true
      case "-q", "--quiet": quiet = true
      default:
        if arg.hasPrefix("-") && arg != "-" { throw UsageError(message: "unknown option '\(arg)'") }
        if model != nil { throw UsageError(message: "only one model file, found '\(model!)' and '\(arg)'") }
        model = arg
      }
    }
  }

  func run() -> Int32 {
    guard let model else { fail("check needs a model file", help: "commitcheck check --help") }
    let loaded: LoadedModel
    do {
      loaded = try loadModel(path: model, options: options.compile)
    } catch {
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      return 2
    }
    let showProgress = !quiet && isatty(2) != 0
    let report = check(loaded, options: options.explorer) { p in
      guard showProgress else { return }
      let mb = Double(p.bytes) / 1_048_576
      let line = "\r\u{1B}[K\(ReportWriter.grouped(p.states)) states, \(ReportWriter.grouped(Int(Double(p.states) / max(p.seconds, 0.001)))) states/s, depth \(p.depth), \(String(format: "%.0f", mb)) MB"
      FileHandle.standardError.write(Data(line.utf8))
    }
    if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    let output = json ? ReportWriter.json(report, timing: timing) : ReportWriter.text(report, timing: timing)
    FileHandle.standardOutput.write(Data(output.utf8))
    if !timing && !json && !quiet {
      let line = "time: \(String(format: "%.3f", report.seconds)) s, \(ReportWriter.grouped(Int(report.statesPerSecond))) states/s\n"
      FileHandle.standardError.write(Data(line.utf8))
    }
    return report.exitCode
  }
}

let arguments = CommandLine.arguments.dropFirst()
guard let command = arguments.first else {
  print(toolHelp, terminator: "")
  exit(2)
}
switch command {
case "-h", "--help":
  print(toolHelp, terminator: "")
  exit(0)
case "help":
  print(arguments.dropFirst().first == "check" ? checkHelp : toolHelp, terminator: "")
  exit(0)
case "--version":
  print("commitcheck 0.1.0")
  exit(0)
case "check":
  do {
    exit(try CheckCommand(arguments.dropFirst()).run())
  } catch {
    fail(error.message, help: "commitcheck check --help")
  }
default:
  fail("unknown command '\(command)'", help: "commitcheck --help")
}
