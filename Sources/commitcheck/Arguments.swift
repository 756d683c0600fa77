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

  /// The value of an option that names one of `choices` (`--format text`).
  mutating func choice<T>(_ choices: KeyValuePairs<String, T>) throws(UsageError) -> T {
    let option = current
    let text = try value()
    if let match = choices.first(where: { $0.key == text }) { return match.value }
    let names = choices.map { "'\($0.key)'" }
    let listed = names.dropLast().joined(separator: ", ") + " or " + names.last!
    throw UsageError(message: "\(option) must be \(listed), found '\(text)'")
  }
}

/// Reads a command's arguments: `-h`/`--help` prints `help` and exits, `own` takes the
/// command's own options (false when the name is not one of them), and the rest are model
/// options. A model file is required.
///
/// An option given twice is an error, except those the help calls repeatable, which take a
/// different NAME each time.
func parseArguments(_ args: ArraySlice<String>, command: String, help: String, model: inout ModelOptions,
                    own: (String, inout ArgumentCursor) throws(UsageError) -> Bool) throws(UsageError) {
  var cursor = ArgumentCursor(args)
  var seen: Set<String> = []
  while let name = cursor.next() {
    if name == "-h" || name == "--help" {
      print(help, terminator: "")
      exit(0)
    }
    let canonical = name == "-q" ? "--quiet" : name
    if name.hasPrefix("-"), name != "-", !repeatableOptions.contains(canonical), !seen.insert(canonical).inserted {
      throw UsageError(message: "\(name) is given twice")
    }
    if try own(name, &cursor) { continue }
    guard try model.accept(name, &cursor) else {
      throw UsageError(message: "unknown option '\(name)'" + Suggestion.hint(for: name, among: optionNames(in: help)))
    }
  }
  if model.model == nil { throw UsageError(message: "\(command) needs a model file") }
}

/// Options that accumulate, a different NAME each time (`--param N=3 --param K=2`).
let repeatableOptions: Set<String> = ["--param", "--crash", "--recover", "--rate"]

/// The options a help text lists (`--format`, `-q`): the names "did you mean" picks from.
func optionNames(in help: String) -> [String] {
  var names: [String] = []
  for word in help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "|" }) {
    guard word.hasPrefix("-"), word.count > 1, word.dropFirst().allSatisfy({ $0.isLetter || $0 == "-" }) else { continue }
    let name = String(word)
    if !names.contains(name) { names.append(name) }
  }
  return names
}

/// The options every command that explores a model shares: the model file, parameters,
/// failure budgets and limits.
struct ModelOptions {
  var model: String?
  var options: CheckOptions = {
    var o = CheckOptions()
    o.explorer.threads = ProcessInfo.processInfo.activeProcessorCount
    o.explorer.stop = stopSignal
    return o
  }()
  var quiet = false
  /// When the run started: `--timeout` counts from here for every phase.
  let started = Date()

  /// What stops the phases after exploration: the first signal, or `--timeout` passing.
  var cancellation: Cancellation { options.explorer.cancellation(from: started) }

  /// The help for the options every exploring command shares; `symmetry` and `compactHash` say
  /// whether the command accepts those two.
  static func help(symmetry: Bool = true, compactHash: Bool = false) -> String {
    var text = """
        --param NAME=VALUE   override a parameter (e.g. --param N=5); repeatable
        --crash ROLE=K       allow K crashes of processes of ROLE (e.g. --crash Coordinator=1); repeatable
        --recover ROLE=K     allow K recoveries of crashed processes of ROLE; repeatable
        --lose K             allow K message losses
        --duplicate K        allow K message duplications
        --partition          allow one network partition into two groups
        --fair-recovery      a crashed process whose role has recoveries left eventually recovers
        --max-states K       stop after K states with a partial report (default and at most 4,294,967,294)
        --threads K          worker threads (default: the number of cores); results do not depend on it
        --max-memory SIZE    stop before the explorer holds SIZE (e.g. 2G, 512M; default 85% of memory)
        --timeout SECONDS    stop after SECONDS with a partial report
      """
    if symmetry {
      text += "\n" + """
          --symmetry           store one state per orbit of the model's 'symmetric' role (exact)
        """
    }
    if compactHash {
      text += "\n" + """
          --compact-hash       keep a 64-bit fingerprint per state instead of the state: less memory
                               for large states, a state may be missed with the probability the report
                               prints; termination on cyclic graphs and 'eventually' become unknown
        """
    }
    return text + "\n" + """
        -q, --quiet          no progress line on stderr
      """
  }

  /// Takes the option under the cursor if it is a model option; false when it is not one.
  mutating func accept(_ name: String, _ cursor: inout ArgumentCursor) throws(UsageError) -> Bool {
    switch name {
    case "--param":
      let (k, v) = try cursor.assignment()
      guard options.compile.parameters.updateValue(v, forKey: k) == nil else { throw UsageError(message: "--param \(k) is given twice") }
    case "--crash":
      let (k, v) = try cursor.assignment()
      guard v >= 0 else { throw UsageError(message: "--crash \(k) needs a non-negative count") }
      guard options.compile.crash.updateValue(v, forKey: k) == nil else { throw UsageError(message: "--crash \(k) is given twice") }
    case "--recover":
      let (k, v) = try cursor.assignment()
      guard v >= 0 else { throw UsageError(message: "--recover \(k) needs a non-negative count") }
      guard options.compile.recover.updateValue(v, forKey: k) == nil else { throw UsageError(message: "--recover \(k) is given twice") }
    case "--lose": options.compile.lose = try cursor.count()
    case "--duplicate": options.compile.duplicate = try cursor.count()
    case "--partition":
      try cursor.noValue()
      options.compile.partition = 1
    case "--fair-recovery":
      try cursor.noValue()
      options.compile.fairRecovery = true
    case "--max-states":
      let v = try cursor.count()
      guard v > 0 else { throw UsageError(message: "--max-states must be at least 1") }
      guard v <= Explorer.stateIDLimit else {
        throw UsageError(message: "--max-states must be at most \(ReportWriter.grouped(Explorer.stateIDLimit)) (states have 32-bit ids)")
      }
      options.explorer.maxStates = v
    case "--threads":
      let v = try cursor.count()
      guard (1...256).contains(v) else { throw UsageError(message: "--threads must be between 1 and 256") }
      options.explorer.threads = v
    case "--max-memory":
      let text = try cursor.value()
      guard let bytes = parseSize(text), bytes > 0 else {
        throw UsageError(message: "--max-memory needs a size such as 512M or 2G, found '\(text)'")
      }
      options.explorer.maxMemory = bytes
      let physical = Int(clamping: ProcessInfo.processInfo.physicalMemory)
      if bytes > physical {
        printError("commitcheck: warning: --max-memory \(text) is more than this machine's memory "
          + "(\(physical >> 20) MiB): the system may run out of memory before the limit stops the run")
      }
    case "--timeout":
      let text = try cursor.value()
      guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
        throw UsageError(message: "--timeout needs a positive number of seconds, found '\(text)'")
      }
      options.explorer.timeout = seconds
    case "--symmetry":
      try cursor.noValue()
      options.symmetry = true
    case "--compact-hash":
      try cursor.noValue()
      options.explorer.compactHash = true
    case "-q", "--quiet": quiet = true
    default:
      if name.hasPrefix("-") && name != "-" { return false }
      if let model { throw UsageError(message: "only one model file, found '\(model)' and '\(name)'") }
      model = name
    }
    return true
  }

  /// Prints the warnings about values the command line gave (`--recover` for a role without a
  /// crash budget) on stderr, for commands whose output carries no warnings of its own.
  func printCommandLineWarnings(_ loaded: LoadedModel) {
    for w in loaded.warnings where w.range == .none { printError(w.header(file: loaded.file)) }
  }

  /// Commands that read every state or edge refuse hash compaction, which keeps neither.
  func rejectCompactHash(_ command: String) throws(UsageError) {
    if options.explorer.compactHash {
      throw UsageError(message: "--compact-hash does not apply to \(command): it needs every state, and compaction keeps only fingerprints")
    }
  }

  /// Loads and compiles the model.
  func load() throws(CommitCheckError) -> LoadedModel {
    guard let model else { throw .unreadable(path: "", reason: "no model file given") }
    return try loadModel(path: model, options: options.compile)
  }

  /// The run's outputs, each checked before any work: `(option, path)` pairs, where a nil path
  /// is standard output. They must never overwrite the model.
  func outputs(_ list: [(option: String, path: String?)]) throws(CommitCheckError) -> OutputFiles {
    var files = OutputFiles(inputs: model.map { [$0] } ?? [])
    for (option, path) in list { try files.add(path ?? "-", option: option) }
    return files
  }

  /// The explorer options for a loaded model, with its symmetry reduction when asked for.
  func explorerOptions(_ loaded: LoadedModel) throws(CommitCheckError) -> ExplorerOptions {
    var explorer = options.explorer
    if options.symmetry { explorer.symmetry = try loaded.symmetryReduction() }
    return explorer
  }

  /// Runs a library call with a progress line on stderr when it is a terminal (and not `-q`),
  /// cleared when the call returns.
  func withProgress<T>(_ body: ((ExplorationProgress) -> Void) throws(CommitCheckError) -> T) throws(CommitCheckError) -> T {
    let show = !quiet && isatty(2) != 0
    defer { if show { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
    return try body { p in if show { showProgress(p) } }
  }
}

/// The outputs of a command whose JSON report goes to standard output and whose drawing, if
/// any, to `--output` (which then cannot be standard output: the report is there).
func reportAndDrawing(_ output: String?) -> [(option: String, path: String?)] {
  [("the JSON report", nil)] + (output.map { [("--output", $0)] } ?? [])
}

/// `512M`, `2G`, `1.5G`, `4096K` or plain bytes.
func parseSize(_ text: String) -> Int? {
  let units: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824, "T": 1_099_511_627_776]
  var number = text.uppercased()
  if number.hasSuffix("B") { number.removeLast() }
  var scale = 1.0
  if let last = number.last, let unit = units[last] {
    scale = unit
    number.removeLast()
  }
  guard let value = Double(number), value > 0, value * scale < 9e18 else { return nil }
  return Int(value * scale)
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

/// Asks explorations to stop at their next safe point on the first SIGINT or SIGTERM; a second
/// one exits at once.
let stopSignal = StopSignal()
nonisolated(unsafe) var signalSources: [DispatchSourceSignal] = []

func installSignalHandlers() {
  for sig in [SIGINT, SIGTERM] {
    signal(sig, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
    source.setEventHandler {
      if stopSignal.requested != 0 {
        OutputFiles.removePendingTemporaries()
        _exit(128 + sig)
      }
      stopSignal.request(sig)
    }
    source.resume()
    signalSources.append(source)
  }
}
