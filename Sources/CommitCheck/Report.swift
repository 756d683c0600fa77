import CommitCheckExplorer
import CommitCheckExport
import CommitCheckMarkov
import CommitCheckModel
import Foundation

/// What `report` gathers besides the check.
public struct ReportOptions: Sendable {
  /// Rates for the Markov outcome probabilities (as `markov --rate`). With rates, or when the
  /// model declares some, the report solves the model's Markov chain.
  public var rates: [String: Double] = [:]
  /// Draw the role machines with Graphviz when `dot` is on the PATH; otherwise (or off) with the
  /// built-in layout.
  public var graphviz = true
  public init() {}
}

extension LoadedModel {
  /// Whether the model gives some transition or `choose` branch a rate other than 1.
  public var declaresRates: Bool {
    system.transitions.contains { $0.rate != 1 || $0.choiceRates.contains { $0 != 1 } }
  }

  /// The check with coverage, the counterexamples as charts, the role machines and (with rates)
  /// the Markov outcomes: what `HtmlReportWriter` draws. The check's verdicts are `check`'s.
  public func report(options: ExplorerOptions = ExplorerOptions(), report: ReportOptions = ReportOptions(),
                     progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> ModelReport {
    if options.compactHash {
      throw .invalidOption(option: "--compact-hash", reason: "the report's coverage reads the state graph's edges, which compaction does not keep")
    }
    let solve = !report.rates.isEmpty || declaresRates
    var markovOptions = MarkovOptions()
    markovOptions.rates = report.rates
    if solve {
      do {
        try MarkovAnalysis.validate(markovOptions, for: system)
      } catch {
        throw Self.libraryError(error)
      }
    }
    let run = run(options, coverage: true, progress: progress)
    var made = ModelReport(system: system, check: run.report,
                           counterexamples: run.report.properties.compactMap(run.exploration.counterexample),
                           machines: system.roleMachines)
    if report.graphviz, let dot = Graphviz.find() {
      let usage = run.report.coverage?.usage
      made.machineDrawings = made.machines.compactMap { machine in
        Graphviz.svg(DotWriter.machines(system, [machine], usage: usage, deadColor: HtmlReportWriter.deadColor), dot: dot)
      }
      if made.machineDrawings?.count != made.machines.count { made.machineDrawings = nil }
    }
    if solve, run.report.complete, run.report.runtimeError == nil {
      made.markov = try markov(options: options, markov: markovOptions, progress: progress).report
    } else if solve {
      made.markovSkipped = "the Markov chain needs the whole state space, and the exploration stopped early"
    }
    return made
  }
}

/// Runs Graphviz's `dot` for the report's drawings.
enum Graphviz {
  /// The `dot` executable on the PATH, if any.
  static func find() -> String? {
    let path = Foundation.ProcessInfo.processInfo.environment["PATH"] ?? ""
    for dir in path.split(separator: ":") {
      let candidate = "\(dir)/dot"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  /// The SVG `dot -Tsvg` makes of `source`; nil when it fails (the caller then draws its own).
  static func svg(_ source: String, dot: String) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: dot)
    process.arguments = ["-Tsvg"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return nil
    }
    // dot reads the whole graph before it writes anything, so writing it all first cannot
    // block on a full output pipe.
    input.fileHandleForWriting.write(Data(source.utf8))
    try? input.fileHandleForWriting.close()
    let svg = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(data: svg, encoding: .utf8)
  }
}
