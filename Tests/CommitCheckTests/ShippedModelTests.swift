import CommitCheck
import Testing

/// The verdict table of the README and models/README.md: each shipped model under its failures
/// gets its textbook verdict at N = 2, 3 and 4, and every counterexample replays.
struct ShippedModelTests {
  enum Failure: String, CustomTestStringConvertible, Sendable {
    case none, crashCoordinator, crashParticipant, partition
    var testDescription: String { rawValue }
    func apply(_ o: inout CompileOptions) {
      switch self {
      case .none: break
      case .crashCoordinator: o.crash["Coordinator"] = 1
      case .crashParticipant: o.crash["Participant"] = 1
      case .partition: o.partition = 1
      }
    }
  }

  /// Expected termination: nil when the table says "—" (not checked).
  struct Row: CustomTestStringConvertible, Sendable {
    var model: String
    var failure: Failure
    var atomicity: Verdict
    var termination: ViolationKind??
    var testDescription: String { "\(model) \(failure.rawValue)" }
  }

  static let rows: [Row] = [
    Row(model: "two-phase-commit", failure: .none, atomicity: .holds, termination: .some(nil)),
    Row(model: "two-phase-commit", failure: .crashCoordinator, atomicity: .holds, termination: .blocked),
    Row(model: "two-phase-commit", failure: .crashParticipant, atomicity: .holds, termination: .some(nil)),
    Row(model: "two-phase-commit-cooperative", failure: .crashCoordinator, atomicity: .holds, termination: .blocked),
    Row(model: "three-phase-commit", failure: .crashCoordinator, atomicity: .holds, termination: .some(nil)),
    Row(model: "three-phase-commit", failure: .crashParticipant, atomicity: .holds, termination: .some(nil)),
    Row(model: "three-phase-commit-timeouts", failure: .crashCoordinator, atomicity: .holds, termination: .some(nil)),
    Row(model: "three-phase-commit-timeouts", failure: .partition, atomicity: .violated, termination: .some(nil)),
    Row(model: "seed-naive-two-phase-commit", failure: .none, atomicity: .violated, termination: .some(nil)),
    Row(model: "seed-naive-three-phase-commit", failure: .none, atomicity: .violated, termination: .some(nil)),
  ]

  @Test("Shipped models get their textbook verdicts", arguments: rows, [2, 3, 4])
  func verdict(row: Row, n: Int) throws {
    let report = try checkShipped(row.model, n: n, row.failure.apply)
    #expect(report.complete)
    #expect(report.runtimeError == nil)
    let atomicity = try #require(report.property("atomicity"))
    #expect(atomicity.verdict == row.atomicity)
    if case .some(let expected) = row.termination {
      let termination = try #require(report.property("termination"))
      #expect(termination.verdict == (expected == nil ? .holds : .violated))
      #expect(termination.kind == expected)
    }
    if atomicity.verdict == .holds {
      #expect(report.property("validity")?.verdict == .holds, "validity must hold wherever atomicity does")
    }
    let model = try loadModel(path: modelPath(row.model), options: { var o = CompileOptions(); o.parameters["N"] = n; row.failure.apply(&o); return o }())
    for property in report.properties where property.verdict == .violated {
      let trace = try #require(property.trace)
      let last = try #require(replay(trace, in: model.system), "trace of \(property.name) does not replay")
      let generator = SuccessorGenerator(model.system)
      switch property.kind {
      case .invariant?:
        if property.name == "atomicity" { #expect(!generator.isAtomic(last)) }
      case .blocked?:
        var protocolMoves = 0
        try generator.successors(of: last) { a, _ in if !a.kind.isFailure { protocolMoves += 1 } }
        #expect(protocolMoves == 0)
      default:
        break
      }
    }
  }

  @Test("Cooperative 2PC blocks only when every live participant is prepared", arguments: [2, 3, 4])
  func cooperativeBlock(n: Int) throws {
    var options = CompileOptions()
    options.parameters["N"] = n
    options.crash["Coordinator"] = 1
    let model = try loadModel(path: modelPath("two-phase-commit-cooperative"), options: options)
    let report = check(model)
    let trace = try #require(report.property("termination")?.trace)
    let last = try #require(trace.steps.last?.state)
    let system = model.system
    // Prepared: the participant voted yes (its stable 'votedYes') and has not decided.
    let role = try #require(system.roles.firstIndex { $0.name == "Participant" })
    let votedYes = try #require(system.roles[role].vars.first { $0.name == "votedYes" })
    for p in system.processes.indices where system.processes[p].role == role {
      if system.isCrashed(last, process: p) { continue }
      #expect(system.decision(last, process: p) == nil)
      #expect(last[system.processes[p].base + 2 + votedYes.offset] == 1)
    }
  }

  @Test("The 2PC coordinator-crash report names who waits for what")
  func blockedExplanation() throws {
    let report = try checkShipped("two-phase-commit", n: 2) { $0.crash["Coordinator"] = 1 }
    let termination = try #require(report.property("termination"))
    #expect(termination.notes.count == 2)
    #expect(termination.notes.allSatisfy { $0.contains("in 'prepared' waits for") })
    #expect(report.outcome == .violated)  // exit code 1
  }

  @Test("Reports are deterministic: two runs give byte-identical JSON and text")
  func determinism() throws {
    for (model, failure) in [("two-phase-commit", Failure.crashCoordinator), ("three-phase-commit-timeouts", .partition)] {
      let a = try checkShipped(model, n: 3, failure.apply)
      let b = try checkShipped(model, n: 3, failure.apply)
      #expect(ReportWriter.json(a) == ReportWriter.json(b))
      #expect(reportProblems(ReportWriter.json(a)) == [])
      #expect(ReportWriter.text(a) == ReportWriter.text(b))
    }
  }
}
