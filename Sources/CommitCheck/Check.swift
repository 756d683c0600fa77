import CommitCheckExplorer
import CommitCheckModel

/// What a model is checked with when it is given by path: compile options and explorer options,
/// and whether to reduce by the model's symmetric role.
public struct CheckOptions: Sendable {
  public var compile = CompileOptions()
  public var explorer = ExplorerOptions()
  /// Reduce by the model's `symmetric` role (built once the model is compiled).
  public var symmetry = false
  public init() {}
}

/// A finished check: the report, and the explorations its verdicts were read from.
struct CheckRun {
  var report: CheckReport
  /// The last exploration made with `options` (reduced when they ask for symmetry).
  var exploration: Exploration
}

extension LoadedModel {
  /// Explores the state space and checks every property.
  ///
  /// The first pass keeps no edges: blocked states and one-state livelocks are found on the fly,
  /// and a graph whose only cycles are self-loops has no other livelock. Only when the graph has
  /// other cycles (or the model has `eventually` properties) does a second pass keep the edges
  /// for the strongly-connected-component analysis.
  public func check(options: ExplorerOptions = ExplorerOptions(),
                    progress: (ExplorationProgress) -> Void = { _ in }) -> CheckReport {
    run(options, progress: progress).report
  }

  /// `check(options:progress:)`, and with `coverage` also how often each transition fired and
  /// how many states it found first (`CheckReport.coverage`). Coverage reads the state graph's
  /// edges, so the first pass keeps them (hash compaction, which keeps none, is refused); the
  /// default check pays nothing for it.
  public func check(options: ExplorerOptions = ExplorerOptions(), coverage: Bool,
                    progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> CheckReport {
    if coverage && options.compactHash {
      throw .invalidOption(option: "--coverage", reason: "coverage reads the state graph's edges, which --compact-hash does not keep")
    }
    return run(options, coverage: coverage, progress: progress).report
  }

  func run(_ options: ExplorerOptions, coverage: Bool = false, progress: (ExplorationProgress) -> Void) -> CheckRun {
    var first = options
    first.keepEdges = coverage
    var exploration = Explorer().explore(system, options: first, progress: progress)
    let cyclic = exploration.hasBackEdge || exploration.firstStuck != nil
      || system.properties.contains { $0.kind == .eventually }
    if options.symmetry != nil, exploration.complete, exploration.firstBlocked == nil, cyclic {
      // The first pass's `hasBackEdge` over-approximates (any move to the same or an earlier
      // level). The quotient's edges tell exactly: every concrete cycle maps to a closed walk of
      // the quotient, so a quotient without a cycle (self-loops included) has a concrete graph
      // without one. Then no livelock exists, and every verdict is one of orbits: blocked states,
      // invariants, and (on an acyclic graph) `eventually`, since each path of the quotient lifts
      // to a concrete path and the properties cannot tell instances apart.
      var withEdges = options
      withEdges.keepEdges = true
      var quotient = Explorer().explore(system, options: withEdges, progress: progress)
      quotient.seconds += exploration.seconds
      guard quotient.complete, let cycle = quotient.cycle() else {
        return CheckRun(report: report(quotient, coverage: coverage), exploration: quotient)
      }
      // Weak fairness is per instance, and a cycle of the quotient may take a move of one
      // instance where the concrete run takes another's: livelocks and `eventually` are decided
      // on the unreduced graph. Blocked states and invariants are properties of orbits.
      exploration = quotient
      var full = options
      full.symmetry = nil
      var report = run(full, coverage: coverage, progress: progress).report
      let reduced = self.report(exploration)
      report.properties = report.properties.map { p in
        p.category == .termination || p.category == .eventually ? p : reduced.properties.first { $0.name == p.name } ?? p
      }
      report.notes.append(.decidedWithoutSymmetry(cycle: quotient.describeCycle(cycle)))
      return CheckRun(report: report, exploration: exploration)
    }
    if exploration.needsEdges {
      var second = options
      second.keepEdges = true
      let seconds = exploration.seconds
      exploration = Explorer().explore(system, options: second, progress: progress)
      exploration.seconds += seconds
    }
    return CheckRun(report: report(exploration, coverage: coverage), exploration: exploration)
  }

  func report(_ exploration: Exploration, coverage: Bool = false) -> CheckReport {
    var report = CheckReport(exploration: exploration, file: file, source: source, warnings: warnings)
    if coverage { report.coverage = exploration.coverage() }
    return report
  }
}

/// Reads, compiles and checks a model file.
public func check(path: String, options: CheckOptions = CheckOptions(),
                  progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError) -> CheckReport {
  let model = try loadModel(path: path, options: options.compile)
  var explorer = options.explorer
  if options.symmetry { explorer.symmetry = try model.symmetryReduction() }
  return model.check(options: explorer, progress: progress)
}

/// Checks a compiled model (the same as `model.check(options:progress:)`).
public func check(_ model: LoadedModel, options: ExplorerOptions = ExplorerOptions(),
                  progress: (ExplorationProgress) -> Void = { _ in }) -> CheckReport {
  model.check(options: options, progress: progress)
}
