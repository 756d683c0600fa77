import CommitCheck
import Foundation
import Testing

/// `check --coverage`: per transition, the moves it made and the states it found first. The
/// counts must add up to the report's own figures on every shipped model and failure setting of
/// the verdict table, and what never fires or is never reached must be what `machines --explore`
/// lists.
struct CoverageTests {
  /// The verdict table of the README (`ShippedModelTests.rows`, TwoPhase.tla and TCommit without
  /// failures, presumed abort and its unforced variant with a coordinator crash).
  static let settings: [(model: String, failure: ShippedModelTests.Failure)] =
    ShippedModelTests.rows.map { ($0.model, $0.failure) } + [
      ("two-phase-tla", .none), ("tcommit", .none), ("two-phase-commit-presumed-abort", .crashCoordinator),
      ("two-phase-commit-presumed-abort-unforced", .crashCoordinator),
    ]

  static func load(_ model: String, _ failure: ShippedModelTests.Failure, n: Int = 3) throws -> LoadedModel {
    var options = CompileOptions()
    options.parameters["N"] = n
    failure.apply(&options)
    return try loadModel(path: modelPath(model), options: options)
  }

  @Test("A counter's coverage, counted by hand")
  func handCount() throws {
    let model = try compile("""
      protocol Counter
      role A { var x: 0...2
        state s initial
        state t
        on s step inc when x < 2 { x += 1 }
        on s step wrap when x == 2 { x = 0 }
        on s step never when x > 2 { goto t } }
      """)
    let report = try model.check(coverage: true)
    let coverage = try #require(report.coverage)
    // x = 0, 1, 2: three states. inc moves 0→1 and 1→2 (both new), wrap moves 2→0 (not new),
    // never is always disabled, and no state is in t.
    #expect(report.states == 3 && report.transitions == 3)
    #expect(coverage.entries.map(\.transition) == ["inc", "wrap", "never"])
    #expect(coverage.entries.map(\.fired) == [2, 1, 0])
    #expect(coverage.entries.map(\.newStates) == [2, 0, 0])
    #expect(coverage.entries.map(\.line) == [5, 6, 7])
    #expect(coverage.initialStates == 1)
    #expect(coverage.neverFired.map(\.transition) == ["never"])
    #expect(coverage.unreachedStates.map(\.state) == ["t"])
  }

  @Test("Coverage adds up to the report's transitions and states", arguments: settings.indices)
  func sums(_ i: Int) throws {
    let (name, failure) = Self.settings[i]
    let model = try Self.load(name, failure)
    let report = try model.check(coverage: true)
    let coverage = try #require(report.coverage)
    #expect(coverage.entries.reduce(0) { $0 + $1.fired } == report.transitions)
    #expect(coverage.entries.reduce(0) { $0 + $1.newStates } + coverage.initialStates == report.states)
    // Coverage changes no figure and no verdict of the check.
    let plain = model.check()
    #expect(plain.states == report.states && plain.transitions == report.transitions && plain.depth == report.depth)
    #expect(plain.properties.map(\.verdict) == report.properties.map(\.verdict))
    // What never fires or is never reached is what `machines --explore` lists.
    let machines = try model.roleMachines(exploring: ExplorerOptions())
    let unused = DotWriter.unusedParts(model.system, machines.machines, usage: try #require(machines.usage))
    let listed = coverage.neverFired.map { "\($0.role!): transition '\($0.transition)' never fires" }
      + coverage.unreachedStates.map { "\($0.role): state '\($0.state)' is never reached" }
    #expect(Set(listed) == Set(unused.filter { $0.hasSuffix("never fires") || $0.hasSuffix("is never reached") }))
  }

  @Test("Coverage is the same for any number of threads and with symmetry it sums to the orbits")
  func threads() throws {
    let model = try Self.load("three-phase-commit-timeouts", .partition)
    var one = ExplorerOptions()
    one.threads = 1
    var two = ExplorerOptions()
    two.threads = 2
    two.batchStates = 64
    let a = try #require(try model.check(options: one, coverage: true).coverage)
    let b = try #require(try model.check(options: two, coverage: true).coverage)
    #expect(a.entries == b.entries)
    // Two shipped models whose participants are interchangeable: the counts are of orbits.
    for (name, failure) in [("two-phase-commit", ShippedModelTests.Failure.crashCoordinator), ("two-phase-tla", .none)] {
      let symmetric = try Self.load(name, failure)
      var reduced = ExplorerOptions()
      reduced.symmetry = try symmetric.symmetryReduction()
      let report = try symmetric.check(options: reduced, coverage: true)
      let c = try #require(report.coverage)
      #expect(c.entries.reduce(0) { $0 + $1.newStates } + c.initialStates == report.states, "\(name)")
      #expect(c.entries.reduce(0) { $0 + $1.fired } == report.transitions, "\(name)")
    }
  }

  @Test("check --coverage prints the same numbers as text and as JSON; --compact-hash is refused")
  func commandLine() throws {
    let args = ["check", modelPath("two-phase-commit"), "--crash", "Coordinator=1", "-q", "--coverage"]
    let (code, text, _) = try runTool(args)
    #expect(code == 1)
    let (jsonCode, json, _) = try runTool(args + ["--format", "json"])
    #expect(jsonCode == 1)
    let parsed = try JSONParser.parse(json)
    guard case .array(let entries)? = parsed["coverage"] else {
      Issue.record("no coverage list in \(json.prefix(200))")
      return
    }
    #expect(!entries.isEmpty)
    let lines = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    for e in entries {
      guard case .string(let transition)? = e["transition"], case .number(let fired)? = e["fired"],
            case .number(let found)? = e["new_states"] else {
        Issue.record("entry without transition, fired or new_states")
        continue
      }
      // The text table's row: role, transition, line, fired, new states.
      let row: [String]? = lines.first { $0.count == 5 && $0[1] == transition }
      let cells: [String] = try #require(row)
      #expect(Array(cells.suffix(2)) == [ReportWriter.grouped(Int(fired)), ReportWriter.grouped(Int(found))])
    }
    let (refused, _, error) = try runTool(args + ["--compact-hash"])
    #expect(refused == 2)
    #expect(error.contains("--coverage"))
  }
}
