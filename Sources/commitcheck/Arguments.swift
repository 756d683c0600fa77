import CommitCheck
import Foundation

/// A usage mistake: printed with a pointer to `--help`, exit code 2.
struct UsageError: Error {
  var message: String
}

/// Walks command-line arguments, accepting `--name value` and `--name=value`.
struct ArgumentCursor {
  private var args: [String]
  private var position = 0
  /// The option being read, and its inline `=value` if any.
  private(set) var current = ""
  private var inline: String?

  init(_ args: ArraySlice<String>) { self.args = Array(args) }

  /// The next argument, split at `=` when it is a `--long=value` option.
  mutating func next() -> String? {
    guard position < args.count else { return nil }
    let arg = args[position]
    position += 1
    inline = nil
    current = arg
    if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
      current = String(arg[..<eq])
      inline = String(arg[arg.index(after: eq)...])
    }
    return current
  }

  /// The value of the current option.
  mutating func value() throws(UsageError) -> String {
    if let inline {
      self.inline = nil
      return inline
    }
    guard position < args.count else { throw UsageError(message: "\(current) needs a value") }
    position += 1
    return args[position - 1]
  }

  /// Refuses `--flag=value` for options that take none.
  func noValue() throws(UsageError) {
    if inline != nil { throw UsageError(message: "\(current) takes no value") }
  }

  mutating func count() throws(UsageError) -> Int {
    let text = try value()
    let cleaned = text.replacingOccurrences(of: "_", with: "").replacingOccurrences(of: ",", with: "")
    guard let v = Int(cleaned), v >= 0 else {
      throw UsageError(message: "\(current) needs a non-negative integer, found '\(text)'")
    }
    return v
  }

  mutating func assignment() throws(UsageError) -> (String, Int) {
    let option = current
    let text = try value()
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty else {
      throw UsageError(message: "\(option) needs NAME=VALUE, found '\(text)'")
    }
    guard let v = Int(parts[1]) else {
      throw UsageError(message: "\(option) \(parts[0]) needs an integer value, found '\(parts[1])'")
    }
    return (parts[0], v)
  }
}

/// The options every command that explores a model shares: the model file, parameters,
/// failure budgets and limits.
struct ModelOptions {
  var model: String?
  var options: CheckOptions = {
    var o = CheckOptions()
    o.explorer.threads = ProcessInfo.processInfo.activeProcessorCount
    return o
  }()
  var quiet = false

  static let help = """
      --param NAME=VALUE   override a parameter (e.g. --param N=5)
      --crash ROLE=K       allow K crashes of processes of ROLE (e.g. --crash Coordinator=1)
      --recover ROLE=K     allow K recoveries of crashed processes of ROLE
      --lose K             allow K message losses
      --duplicate K        allow K message duplications
      --partition          allow one network partition into two groups
      --max-states K       stop after K states with a partial report (default 50,000,000)
      --threads K          worker threads (default: the number of cores); results do not depend on it
      -q, --quiet          no progress line on stderr
    """

  /// Takes the option under the cursor if it is a model option; false when it is not one.
  mutating func accept(_ name: String, _ cursor: inout ArgumentCursor) throws(UsageError) -> Bool {
    switch name {
    case "--param":
      let (k, v) = try cursor.assignment()
      options.compile.parameters[k] = v
    case "--crash":
      let (k, v) = try cursor.assignment()
      guard v >= 0 else { throw UsageError(message: "--crash \(k) needs a non-negative count") }
      options.compile.crash[k] = v
    case "--recover":
      let (k, v) = try cursor.assignment()
      guard v >= 0 else { throw UsageError(message: "--recover \(k) needs a non-negative count") }
      options.compile.recover[k] = v
    case "--lose": options.compile.lose = try cursor.count()
    case "--duplicate": options.compile.duplicate = try cursor.count()
    case "--partition":
      try cursor.noValue()
      options.compile.partition = 1
    case "--max-states":
      let v = try cursor.count()
      guard v > 0 else { throw UsageError(message: "--max-states must be at least 1") }
      options.explorer.maxStates = v
    case "--threads":
      let v = try cursor.count()
      guard (1...256).contains(v) else { throw UsageError(message: "--threads must be between 1 and 256") }
      options.explorer.threads = v
    case "-q", "--quiet": quiet = true
    default:
      if name.hasPrefix("-") && name != "-" { return false }
      if let model { throw UsageError(message: "only one model file, found '\(model)' and '\(name)'") }
      model = name
    }
    return true
  }

  /// Loads the model, printing its diagnostics on failure.
  func load() -> LoadedModel? {
    guard let model else {
      printError("commitcheck: a model file is needed")
      return nil
    }
    do {
      return try loadModel(path: model, options: options.compile)
    } catch {
      printError(error.description)
      return nil
    }
  }

  /// Checks every property, with a progress line on stderr when it is a terminal.
  func check(_ loaded: LoadedModel) -> CheckReport {
    let show = !quiet && isatty(2) != 0
    let report = CommitCheck.check(loaded, options: options.explorer) { p in
      if show { showProgress(p) }
    }
    if show { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return report
  }

  /// Explores with a progress line on stderr when it is a terminal.
  func explore(_ loaded: LoadedModel) -> Exploration {
    let show = !quiet && isatty(2) != 0
    let exploration = Explorer().explore(loaded.system, options: options.explorer) { p in
      if show { showProgress(p) }
    }
    if show { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return exploration
  }
}

func showProgress(_ p: ExplorationProgress) {
  let rate = Int(Double(p.states) / max(p.seconds, 0.001))
  let mb = String(format: "%.0f", Double(p.bytes) / 1_048_576)
  let line = "\r\u{1B}[K\(ReportWriter.grouped(p.states)) states, \(ReportWriter.grouped(rate)) states/s, depth \(p.depth), \(mb) MB"
  FileHandle.standardError.write(Data(line.utf8))
}

func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes output to a file, or to stdout when no path is given.
func emit(_ text: String, to path: String?) -> Bool {
  guard let path else {
    FileHandle.standardOutput.write(Data(text.utf8))
    return true
  }
  do {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    return true
  } catch {
    printError("commitcheck: cannot write '\(path)': \(error.localizedDescription)")
    return false
  }
}
