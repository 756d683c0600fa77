import CommitCheck
import Foundation

// commitcheck-bench: a fixed suite of exploration cases, each run once in-process after a
// warm-up, one row per case. Speed and memory targets live here, never in timed tests.

struct BenchCase {
  var name: String
  var model: String
  var n: Int
  var crash: [String: Int] = [:]
  var partition = false
  /// Plain exploration (no properties beyond invariants, no edges) instead of a full check.
  var plain = false
  /// Left out of the default suite (long); run with `--case`.
  var long = false
  /// Exact symmetry reduction over the model's symmetric role.
  var symmetry = false
  /// Hash compaction instead of exact storage.
  var compactHash = false
  /// A Markov analysis after the exploration (edges kept), then P(commit) alone: seconds cover
  /// all three; the verdicts column gives the exploration's, each chain's building and each
  /// solving apart, and P(commit).
  var markov = false
  var lose = 0
}

let cases: [BenchCase] = {
  var list: [BenchCase] = []
  for n in 5...7 {
    list.append(BenchCase(name: "2pc-n\(n)", model: "two-phase-commit", n: n))
    list.append(BenchCase(name: "2pc-crash-coordinator-n\(n)", model: "two-phase-commit", n: n, crash: ["Coordinator": 1]))
    list.append(BenchCase(name: "2pc-crash-participant-n\(n)", model: "two-phase-commit", n: n, crash: ["Participant": 1],
                          long: n == 7))
  }
  list.append(BenchCase(name: "2pc-crash-coordinator-n7-plain", model: "two-phase-commit", n: 7,
                        crash: ["Coordinator": 1], plain: true))
  for n in 3...5 {
    list.append(BenchCase(name: "3pc-n\(n)", model: "three-phase-commit", n: n))
    list.append(BenchCase(name: "3pc-crash-coordinator-n\(n)", model: "three-phase-commit", n: n,
                          crash: ["Coordinator": 1], long: n == 5))
  }
  list.append(BenchCase(name: "3pc-timeouts-partition-n4", model: "three-phase-commit-timeouts", n: 4, partition: true))
  list.append(BenchCase(name: "3pc-crash-coordinator-n5-compact", model: "three-phase-commit", n: 5,
                        crash: ["Coordinator": 1], long: true, compactHash: true))
  // N=11 (366,993,408 states, about 6 GB) is the largest that fits this machine's 24 GiB.
  for n in 5...11 {
    list.append(BenchCase(name: "twophase-n\(n)", model: "two-phase-tla", n: n, long: n >= 9))
  }
  list.append(BenchCase(name: "markov-twophase-n8", model: "two-phase-tla", n: 8, long: true, markov: true))
  list.append(BenchCase(name: "markov-coop-2pc-crash-coordinator-n4", model: "two-phase-commit-cooperative", n: 4,
                        crash: ["Coordinator": 1], markov: true))
  list.append(BenchCase(name: "markov-coop-2pc-crash-coordinator-lose-n4", model: "two-phase-commit-cooperative", n: 4,
                        crash: ["Coordinator": 1], long: true, markov: true, lose: 1))
  list.append(BenchCase(name: "twophase-n20-symmetry", model: "two-phase-tla", n: 20, symmetry: true))
  list.append(BenchCase(name: "twophase-n30-symmetry", model: "two-phase-tla", n: 30, long: true, symmetry: true))
  return list
}()

struct Row {
  var name: String
  var states: Int
  var transitions: Int
  var depth: Int
  var seconds: Double
  var storeBytesPerState: Double
  var peakBytesPerState: Double
  var threads: Int
  var verdicts: String
  /// Every run's seconds, in order, with `--repeat` (the row is the fastest run's).
  var allSeconds: [Double] = []
}

/// Peak resident memory of this process (VmHWM), in bytes.
func peakResidentBytes() -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) } ?? 0
    return kb * 1024
  }
  return 0
}

/// Resets the peak-resident figure so each case measures its own (Linux clear_refs, value 5).
func resetPeak() {
  try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func modelsDirectory() -> String {
  var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  for _ in 0..<4 {
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("models/two-phase-commit.commit").path) {
      return url.appendingPathComponent("models").path
    }
    url.deleteLastPathComponent()
  }
  return "models"
}

func run(_ c: BenchCase, threads: Int, maxStates: Int?) throws -> Row {
  var compile = CompileOptions()
  compile.parameters["N"] = c.n
  compile.crash = c.crash
  if c.partition { compile.partition = 1 }
  if c.lose > 0 { compile.lose = c.lose }
  let model = try loadModel(path: "\(modelsDirectory())/\(c.model).commit", options: compile)
  var options = ExplorerOptions()
  options.threads = threads
  options.keepEdges = false
  options.compactHash = c.compactHash
  if c.symmetry { options.symmetry = try Symmetry(model.system) }
  // Warm-up: the first states of the same model.
  var warm = options
  warm.maxStates = 20_000
  _ = Explorer().explore(model.system, options: warm)
  if let maxStates { options.maxStates = maxStates }
  resetPeak()
  let before = peakResidentBytes()
  let started = Date()
  let states: Int, transitions: Int, depth: Int, storeBytes: Double
  var verdicts = ""
  if c.markov {
    options.keepEdges = true
    let ex = Explorer().explore(model.system, options: options)
    let explored = Date()
    var markov = MarkovOptions()
    markov.threads = threads
    let r = try MarkovAnalysis(exploration: ex, file: model.file, options: markov).report
    // P(commit) alone (`--only commit`): the chain built again, then solved for that class only.
    markov.only = [.commit]
    let alone = try MarkovAnalysis(exploration: ex, file: model.file, options: markov).report
    (states, transitions, depth, storeBytes) = (ex.stateCount, ex.transitions, ex.depth, ex.bytesPerState)
    func seconds(_ s: Double) -> String { String(format: "%.2fs", s) }
    verdicts = "P(commit)=\(MarkovWriter.number(r.outcomes[0])) explore=" + seconds(explored.timeIntervalSince(started))
      + " build=" + seconds(r.buildSeconds) + " solve=" + seconds(r.seconds - r.buildSeconds)
      + " commit-only: build=" + seconds(alone.buildSeconds) + " solve=" + seconds(alone.seconds - alone.buildSeconds)
  } else if c.plain {
    let ex = Explorer().explore(model.system, options: options)
    (states, transitions, depth, storeBytes) = (ex.stateCount, ex.transitions, ex.depth, ex.bytesPerState)
    verdicts = ex.complete ? "explored" : "incomplete"
  } else {
    let report = check(model, options: options)
    (states, transitions, depth, storeBytes) = (report.states, report.transitions, report.depth, report.bytesPerState)
    verdicts = report.properties.map { "\($0.name)=\($0.verdict.rawValue)" }.joined(separator: " ")
  }
  let seconds = Date().timeIntervalSince(started)
  let peak = max(peakResidentBytes(), before)
  return Row(name: c.name, states: states, transitions: transitions, depth: depth, seconds: seconds,
             storeBytesPerState: storeBytes, peakBytesPerState: Double(peak) / Double(max(states, 1)),
             threads: threads, verdicts: verdicts)
}

func format(_ rows: [Row]) -> String {
  func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
    s.count >= n ? s : (left ? s + String(repeating: " ", count: n - s.count) : String(repeating: " ", count: n - s.count) + s)
  }
  var out = pad("case", 34, left: true) + pad("states", 13) + pad("transitions", 15) + pad("depth", 7)
    + pad("seconds", 9) + pad("states/s", 12) + pad("trans/s", 13) + pad("store B/st", 11)
    + pad("peak B/st", 10) + pad("thr", 5) + "\n"
  for r in rows {
    let s = max(r.seconds, 1e-6)
    out += pad(r.name, 34, left: true) + pad(ReportWriter.grouped(r.states), 13)
      + pad(ReportWriter.grouped(r.transitions), 15) + pad(String(r.depth), 7)
      + pad(String(format: "%.2f", r.seconds), 9) + pad(ReportWriter.grouped(Int(Double(r.states) / s)), 12)
      + pad(ReportWriter.grouped(Int(Double(r.transitions) / s)), 13)
      + pad(String(format: "%.1f", r.storeBytesPerState), 11) + pad(String(format: "%.1f", r.peakBytesPerState), 10)
      + pad(String(r.threads), 5) + "\n"
  }
  return out
}

func json(_ rows: [Row]) -> String {
  JSON.array(rows.map { r in
    .object([
      ("case", .string(r.name)), ("states", .int(r.states)), ("transitions", .int(r.transitions)),
      ("depth", .int(r.depth)), ("seconds", .double(r.seconds)),
      ("states_per_second", .double((Double(r.states) / max(r.seconds, 1e-6)).rounded())),
      ("transitions_per_second", .double((Double(r.transitions) / max(r.seconds, 1e-6)).rounded())),
      ("store_bytes_per_state", .double(r.storeBytesPerState)),
      ("peak_bytes_per_state", .double(r.peakBytesPerState)), ("threads", .int(r.threads)),
      ("verdicts", .string(r.verdicts)), ("all_seconds", .array(r.allSeconds.map { .double($0) })),
    ])
  }).rendered()
}

let help = """
  usage: commitcheck-bench [--case NAME]... [--all] [--threads K] [--max-states K] [--repeat K] [--json]
                           [--svg FILE] [--list]

  Runs the benchmark suite (release build: swift run -c release commitcheck-bench). Each case runs
  once in-process after a warm-up; rows give states, transitions, depth, seconds, states/s,
  transitions/s, store bytes per state, peak resident bytes per state and threads.
  --repeat K runs each case K times in a row and gives the fastest run's row; standard error
  lists every run's seconds, and so does the JSON (all_seconds). On a machine whose speed
  drifts, compare the best of several runs, interleaved with the code compared against.
  The default suite leaves out the long cases (marked * by --list); --all or --case runs them.
  The markov-* cases also build and solve the Markov chain (all outcomes, expected steps and
  time), then build it again and solve for P(commit) alone (markov --only commit): their seconds
  include the exploration and both analyses, and the last column gives the exploration's, each
  chain's building and each solving apart (solving counts the components and the graph search),
  with P(commit).
  --svg FILE also draws how the cost of TwoPhase grows with N: time per state for each
  twophase-nN case run (at least two), e.g. --case twophase-n5 ... --case twophase-n10.

  """

var selected: [String] = []
var asJSON = false
var all = false
var threads = ProcessInfo.processInfo.activeProcessorCount
var maxStates: Int?
var svgPath: String?
var repeats = 1
var args = CommandLine.arguments.dropFirst().makeIterator()
while let arg = args.next() {
  switch arg {
  case "--case": if let v = args.next() { selected.append(v) }
  case "--json": asJSON = true
  case "--all": all = true
  case "--threads": threads = args.next().flatMap { Int($0) }.map { max(1, $0) } ?? threads
  case "--max-states": maxStates = args.next().flatMap { Int($0) }
  case "--repeat":
    guard let k = args.next().flatMap({ Int($0) }), k >= 1 else {
      FileHandle.standardError.write(Data("commitcheck-bench: --repeat needs a count of at least 1\n".utf8))
      exit(2)
    }
    repeats = k
  case "--svg":
    guard let path = args.next() else {
      FileHandle.standardError.write(Data("commitcheck-bench: --svg needs a file\n".utf8))
      exit(2)
    }
    svgPath = path
  case "--list":
    for c in cases { print((c.long ? "* " : "  ") + c.name) }
    exit(0)
  case "-h", "--help":
    print(help, terminator: "")
    exit(0)
  default:
    FileHandle.standardError.write(Data("commitcheck-bench: unknown argument '\(arg)'\n\(help)".utf8))
    exit(2)
  }
}
let chosen = selected.isEmpty ? cases.filter { all || !$0.long } : cases.filter { selected.contains($0.name) }
if chosen.isEmpty {
  FileHandle.standardError.write(Data("commitcheck-bench: no such case; --list shows them\n".utf8))
  exit(2)
}
if svgPath != nil, chosen.filter({ chartedN($0.name) != nil }).count < 2 {
  FileHandle.standardError.write(Data("commitcheck-bench: --svg needs at least two twophase-nN cases\n".utf8))
  exit(2)
}
var rows: [Row] = []
for c in chosen {
  do {
    var runs: [Row] = []
    for _ in 0..<repeats { runs.append(try run(c, threads: threads, maxStates: maxStates)) }
    var row = runs.min { $0.seconds < $1.seconds }!
    row.allSeconds = runs.map(\.seconds)
    rows.append(row)
    var line = "\(c.name): \(row.verdicts)"
    if repeats > 1 {
      line += " (seconds: " + row.allSeconds.map { String(format: "%.2f", $0) }.joined(separator: ", ") + ")"
    }
    if !asJSON { FileHandle.standardError.write(Data((line + "\n").utf8)) }
  } catch {
    FileHandle.standardError.write(Data("commitcheck-bench: \(c.name): \(error)\n".utf8))
    exit(2)
  }
}
print(asJSON ? json(rows) : format(rows), terminator: "")
if let svgPath, let chart = costChart(rows, threads: threads) {
  do {
    try Data(chart.utf8).write(to: URL(fileURLWithPath: svgPath), options: .atomic)
  } catch {
    FileHandle.standardError.write(Data("commitcheck-bench: cannot write \(svgPath): \(error.localizedDescription)\n".utf8))
    exit(2)
  }
}
