import CommitCheck
import Foundation

/// `commitcheck markov MODEL`: the model's Markov chain, solved and exported.
struct MarkovCommand {
  static let help = """
    usage: commitcheck markov MODEL [options]

    Explores MODEL and turns its state graph into a continuous-time Markov chain: every move
    happens at its rate (declared in the model with 'rate', 1 by default, or set here with
    --rate); the DTMC is the chain of jumps, each move taken with probability rate / total rate.
    Reports how likely a run ends in commit, abort, blocked, livelock or an atomicity
    violation, the expected steps and time until it ends, and, when asked, the distribution
    after K steps or at time T, the long run with restarts, and the most likely ends.

    options:
    \(ModelOptions.help())
      --rate NAME=X        rate X > 0 for a transition ('vote_no', 'Coordinator.collect_yes'),
                           a choice branch, or a failure kind (crash, recover, lose, duplicate,
                           partition); repeatable
      --steps K            the DTMC's distribution after K steps
      --time T             the CTMC's distribution at time T (uniformization)
      --long-run RATE      terminal states restart the transaction at RATE: long-run fractions
      --top K              the K most probable terminal states (bottom components)
      --only CLASS,...     only the probabilities of these outcome classes (commit, abort,
                           blocked, livelock, violation): no expected steps or time, and only
                           the states that graph search leaves undecided are solved
      --tolerance X        precision of the sound iteration on cyclic chains: every figure's
                           guaranteed error bound within X of it, relative (default 1e-12)
      --format text|json|csv  report format (default text)
      --export-prism PREFIX   write PREFIX.tra, PREFIX.sta and PREFIX.lab (PRISM explicit files)
      --export-drn FILE    write the chain in Storm's DRN format
      --ctmc               export the CTMC (rates, DRN exit rates) instead of the embedded DTMC
      --timing             put seconds in the report (then it is not reproducible)
      -h, --help           show this help

    exit codes: 0 solved, 2 bad input or usage, 3 stopped at a limit (the chain needs every state)

    """

  enum Format { case text, json, csv }

  var model = ModelOptions()
  var markov = MarkovOptions()
  var format = Format.text
  var timing = false
  var prismPrefix: String?
  var drnPath: String?
  var ctmc = false

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "markov", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--rate": try Self.rate(&cursor, into: &markov.rates)
      case "--steps": markov.steps = try cursor.count()
      case "--time": markov.time = try Self.number(&cursor, positive: false)
      case "--long-run": markov.longRunRate = try Self.number(&cursor, positive: true)
      case "--top": markov.top = try cursor.count()
      case "--only": markov.only = try Self.outcomes(&cursor, adding: markov.only ?? [])
      case "--tolerance":
        let t = try Self.number(&cursor, positive: true)
        guard t < 1 else { throw UsageError(message: "--tolerance must be below 1, found '\(t)'") }
        markov.tolerance = t
      case "--format": format = try cursor.choice(["text": .text, "json": .json, "csv": .csv])
      case "--export-prism": prismPrefix = try cursor.value()
      case "--export-drn": drnPath = try cursor.value()
      case "--ctmc":
        try cursor.noValue()
        ctmc = true
      case "--timing":
        try cursor.noValue()
        timing = true
      default: return false
      }
      return true
    }
    self.model = model
    try model.rejectCompactHash("markov")
    if markov.only != nil && markov.longRunRate != nil {
      throw UsageError(message: "--only leaves out the expected time that --long-run needs; give one of them")
    }
    if ctmc && prismPrefix == nil && drnPath == nil {
      throw UsageError(message: "--ctmc says what --export-prism and --export-drn write; give one of them")
    }
  }


  /// `--rate NAME=X`: a positive rate, each NAME once.
  static func rate(_ cursor: inout ArgumentCursor, into rates: inout [String: Double]) throws(UsageError) {
    let text = try cursor.value()
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty else { throw UsageError(message: "--rate needs NAME=X, found '\(text)'") }
    guard let rate = Double(parts[1]), rate.isFinite, rate > 0 else {
      throw UsageError(message: "--rate \(parts[0]) needs a positive number, found '\(parts[1])'")
    }
    guard rates.updateValue(rate, forKey: parts[0]) == nil else {
      throw UsageError(message: "--rate \(parts[0]) is given twice")
    }
  }

  /// `--only CLASS,...`: outcome class names, added to those of earlier `--only`s.
  static func outcomes(_ cursor: inout ArgumentCursor, adding earlier: Set<Outcome>) throws(UsageError) -> Set<Outcome> {
    let text = try cursor.value()
    var classes = earlier
    for name in text.split(separator: ",", omittingEmptySubsequences: false) {
      guard let o = Outcome.allCases.first(where: { $0.name == name }) else {
        throw UsageError(message: "--only needs outcome classes (commit, abort, blocked, livelock, violation), "
          + "found '\(name)'")
      }
      classes.insert(o)
    }
    return classes
  }

  /// A finite number after the current option: positive, or at least zero.
  static func number(_ cursor: inout ArgumentCursor, positive: Bool) throws(UsageError) -> Double {
    let option = cursor.current
    let text = try cursor.value()
    guard let v = Double(text), v.isFinite, positive ? v > 0 : v >= 0 else {
      throw UsageError(message: "\(option) needs a \(positive ? "positive" : "non-negative") number, found '\(text)'")
    }
    return v
  }

  func run() -> Int32 {
    do throws(CommitCheckError) {
      var files: [(option: String, path: String?)] = [("the report", nil)]
      if let prefix = prismPrefix { files += ["tra", "sta", "lab"].map { ("--export-prism", "\(prefix).\($0)") } }
      if let drnPath { files.append(("--export-drn", drnPath)) }
      let outputs = try model.outputs(files)
      let loaded = try model.load()
      for w in loaded.warnings + MarkovAnalysis.warnings(markov, for: loaded.system) {
        printError(w.render(file: loaded.file, source: loaded.source))
      }
      let options = try model.explorerOptions(loaded)
      let analysis = try model.withProgress { progress throws(CommitCheckError) in
        try loaded.markov(options: options, markov: markov, progress: progress)
      }
      for w in analysis.chainWarnings { printError(w.render(file: loaded.file, source: loaded.source)) }
      let report = analysis.report
      let exploreSeconds = analysis.exploration.seconds
      let output = switch format {
      case .text: MarkovWriter.text(report, timing: timing, exploreSeconds: exploreSeconds)
      case .json: MarkovWriter.json(report, timing: timing, exploreSeconds: exploreSeconds)
      case .csv: MarkovWriter.csv(report, timing: timing, exploreSeconds: exploreSeconds)
      }
      var texts = [output]
      if prismPrefix != nil {
        texts += [PrismWriter.transitions(analysis, ctmc: ctmc), PrismWriter.states(analysis), PrismWriter.labelFile(analysis)]
      }
      if drnPath != nil { texts.append(DrnWriter.text(analysis, ctmc: ctmc)) }
      try outputs.write(texts, stop: stopSignal)
      return ExitCode.interrupted(or: ExitCode.holds)
    } catch {
      return fail(error)
    }
  }
}
