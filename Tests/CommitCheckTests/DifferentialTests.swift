import CommitCheck
@testable import CommitCheckExplorer
import Foundation
import Testing

/// Randomised differential tests: for small random models (see `RandomModel`), answers that
/// must agree are computed two ways and compared. Each case is one seed; a failure names the
/// seed and shows the model, which `RandomModel.source(seed:)` gives back exactly.
struct DifferentialTests {
  /// States one model may have: enough for failures and choices to matter, few enough that a
  /// debug build checks a model in a fraction of a second.
  static let stateBound = 20_000

  /// The checks a model went through, tallied so a generator drifting into trivial or
  /// unrepresentable models shows up as a failure of the coverage test below.
  struct Coverage: Sendable {
    var compiled = false
    var complete = false
    var violated = false
    var replayed = 0
    var dotRendered = false
    var petri = false
    var symmetry = false
  }

  static let noInvariants: InvariantLimits = {
    var limits = InvariantLimits()
    limits.rows = 0
    return limits
  }()

  /// Everything one model goes through; records issues with the seed and the model text.
  static func run(seed: UInt64, renderDot: Bool) throws -> Coverage {
    let source = RandomModel.source(seed: seed)
    let context = Comment(rawValue: "seed \(seed); reproduce with RandomModel.source(seed: \(seed)):\n\(source)")
    var coverage = Coverage()
    let model: LoadedModel
    do {
      model = try compileModel(source: source, file: "random-\(seed).commit")
    } catch {
      Issue.record("the generated model does not compile: \(error.description)\n\(context.rawValue)")
      return coverage
    }
    coverage.compiled = true

    // Sequential and parallel exploration: the same report, byte for byte.
    var one = ExplorerOptions()
    one.maxStates = stateBound
    var two = one
    two.threads = 2
    let report = check(model, options: one)
    let json = ReportWriter.json(report)
    #expect(json == ReportWriter.json(check(model, options: two)), context)
    // States are expanded on their packed words: the general path gives the same.
    var general = one
    general.packedExpansion = false
    #expect(json == ReportWriter.json(check(model, options: general)), context)
    coverage.complete = report.complete
    coverage.violated = report.violated

    // The JSON follows its schema, parses back and says what the report says.
    #expect(reportProblems(json) == [], context)
    let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    #expect(parsed?["complete"] as? Bool == report.complete, context)
    #expect((parsed?["properties"] as? [Any])?.count == report.properties.count, context)

    // Every counterexample is a path of the successor function.
    for property in report.properties {
      guard let trace = property.trace else { continue }
      #expect(replay(trace, in: model.system) != nil, "trace of '\(property.name)' does not replay; \(context.rawValue)")
      coverage.replayed += 1
    }
    if let trace = report.runtimeError?.trace {
      #expect(trace.steps.count >= 1 && replay(trace, in: model.system) != nil, context)
      coverage.replayed += 1
    }

    // With symmetry, where the model declares it and it applies: the same verdicts.
    if let symmetry = try? Symmetry(model.system), report.runtimeError == nil {
      var reduced = one
      reduced.symmetry = symmetry
      let quotient = check(model, options: reduced)
      if quotient.complete && report.complete {
        // Liveness included: seeds 33 and 45 once found a livelock on the quotient that the full
        // graph does not have (fixed by deciding liveness on the unreduced graph).
        #expect(quotient.properties.map { "\($0.name) \($0.verdict) \($0.kind.map(\.rawValue) ?? "")" }
          == report.properties.map { "\($0.name) \($0.verdict) \($0.kind.map(\.rawValue) ?? "")" }, context)
        #expect(quotient.states <= report.states, context)
        coverage.symmetry = true
      }
    }

    guard report.complete, report.runtimeError == nil else { return coverage }
    let exploration = Explorer().explore(model.system, options: one)
    #expect(exploration.stateCount == report.states, context)

    // Property values are memoized on the slots the compiler records as read: a read it missed
    // would let two states that differ in that slot share an answer. Every state, checked
    // against direct evaluation.
    let generator = SuccessorGenerator(model.system)
    var memoDisagreements = 0
    for id in 0..<exploration.stateCount {
      let state = exploration.state(UInt32(id))
      for i in model.system.properties.indices
      where generator.evaluate(property: i, in: state) != generator.evaluateUncached(property: i, in: state) {
        memoDisagreements += 1
      }
    }
    #expect(memoDisagreements == 0, context)
    // Likewise the moves of each process, memoized on the slots it reads.
    #expect(memoizedMoveMismatches(exploration).isEmpty, context)

    // DOT: the state graph (when small enough to draw), the role machines, a trace's chart.
    if renderDot, (try? dotExecutable()) != nil, exploration.stateCount <= 200 {
      _ = try renderSVG(DotWriter.stateGraph(exploration, marks: exploration.stateMarks()))
      _ = try renderSVG(DotWriter.machines(model.system, model.system.roleMachines))
      if let trace = report.properties.compactMap(\.trace).first {
        let chart = exploration.sequenceChart(trace)
        _ = try renderSVG(SequenceChartWriter.dot(chart, system: model.system, title: "seed \(seed)"))
      }
      coverage.dotRendered = true
    }

    // The Petri net's reachability graph is the state graph, where the model has a net.
    if exploration.stateCount <= 5_000,
       let analysis = try? PetriAnalysis(exploration: exploration, invariantLimits: Self.noInvariants) {
      let net = try PnmlNet(try XMLParser.parse(PnmlWriter.pnml(analysis.net)))
      let game = TokenGame(net)
      _ = try expectIsomorphic(net, game, exploration)
      coverage.petri = true
    }
    return coverage
  }

  /// Seeds of the fixed run; others can be tried with `COMMITCHECK_RANDOM_SEEDS=first-end`.
  static let seeds: [UInt64] = {
    let range = ProcessInfo.processInfo.environment["COMMITCHECK_RANDOM_SEEDS"]?.split(separator: "-")
    if let range, range.count == 2, let first = UInt64(range[0]), let end = UInt64(range[1]), first < end {
      return Array(first..<end)
    }
    return Array(0..<50)
  }()

  @Test("Random models agree across threads, symmetry, replay, JSON, DOT and their Petri nets")
  func randomModels() throws {
    var runs: [Coverage] = []
    for seed in Self.seeds { runs.append(try Self.run(seed: seed, renderDot: seed % 5 == 0)) }
    guard Self.seeds == Array(0..<50) else { return }
    // The fixed seeds reach every check often enough to mean something; a generator drifting
    // into trivial models fails here. Counted when written: 39 complete runs, 37 with a
    // violation, 70 traces replayed, 15 symmetry comparisons, 12 Petri nets, 5 DOT renderings.
    #expect(runs.allSatisfy { $0.compiled })
    #expect(runs.filter { $0.complete }.count >= 25)
    #expect(runs.filter { $0.violated }.count >= 10)
    #expect(runs.reduce(0) { $0 + $1.replayed } >= 20)
    #expect(runs.filter { $0.symmetry }.count >= 5)
    #expect(runs.filter { $0.petri }.count >= 5)
    #expect(runs.filter { $0.dotRendered }.count >= 3)
  }

  @Test("The generator is reproducible: a seed gives the same model every time")
  func reproducible() {
    #expect(RandomModel.source(seed: 7) == RandomModel.source(seed: 7))
    #expect(RandomModel.source(seed: 7) != RandomModel.source(seed: 8))
  }
}
