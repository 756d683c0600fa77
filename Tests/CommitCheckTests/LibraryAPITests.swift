import CommitCheck
import Foundation
import Testing

// Written only against the library's public API: `import CommitCheck`, no `@testable`, no
// command-line code. Each analysis is one call on a model compiled once.

/// Two-phase commit as text, compiled from a string: the shipped model with two participants.
private func twoPhaseText() throws -> String {
  try String(contentsOfFile: "\(packageRoot)/models/two-phase-commit.commit", encoding: .utf8)
}

private func compiled(crashCoordinator: Bool) throws -> LoadedModel {
  var options = CompileOptions()
  options.parameters["N"] = 2
  if crashCoordinator { options.crash["Coordinator"] = 1 }
  return try compileModel(source: try twoPhaseText(), file: "two-phase-commit.commit", options: options)
}

struct LibraryAPITests {
  @Test("A model compiled from a string is checked, traced, solved as a Markov chain and built as a Petri net")
  func wholePipeline() throws {
    let model = try compiled(crashCoordinator: true)
    let report = model.check()
    #expect(report.complete)
    #expect(report.outcome == .violated)
    #expect(report.properties.first { $0.name == "termination" }?.kind == .blocked)

    // The counterexample is a real execution: every step is a move of the model.
    let trace = try model.trace(property: "termination")
    #expect(trace.property.verdict == .violated)
    let steps = try #require(trace.property.trace)
    let generator = SuccessorGenerator(model.system)
    var state = steps.steps[0].state
    #expect(try generator.initialStates().contains(state))
    for step in steps.steps.dropFirst() {
      var found = false
      try generator.successors(of: state) { action, next in
        if action == step.action && next == step.state { found = true }
      }
      #expect(found, "step \(step.index) is a move of the model")
      state = step.state
    }
    let chart = try #require(trace.chart)
    #expect(chart.steps.count == steps.steps.count - 1)
    #expect(chart.processes == ["Coordinator", "Participant[1]", "Participant[2]"])

    // Each participant votes yes or no at equal rates, and without failures the coordinator
    // commits exactly when both voted yes: P(commit) = (1/2)^2 (closed form).
    let plain = try compiled(crashCoordinator: false)
    let markov = try plain.markov()
    #expect(abs(markov.report.outcomes[Outcome.commit.rawValue] - 0.25) < 1e-12)
    #expect(abs(markov.report.outcomes[Outcome.abort.rawValue] - 0.75) < 1e-12)

    // The net's reachability graph is the state graph (the construction checks it, marking for
    // state and label for label), so it has the check's states and transitions.
    let petri = try model.petri()
    #expect(petri.states == report.states)
    #expect(petri.edges == report.transitions)
  }

  @Test("Errors are typed values of one type, for every stage")
  func typedErrors() throws {
    #expect {
      _ = try compileModel(source: "protocol P\nrole A { state s initial\n  on s step go { goto t } }\n", file: "x.commit")
    } throws: { error in
      guard let error = error as? CommitCheckError, case .invalidModel(_, _, let diagnostics) = error else { return false }
      return diagnostics.map { $0.header(file: "x.commit") } == ["x.commit:3:23: error: unknown state 't' in role 'A'; did you mean 's'?"]
    }
    let model = try compiled(crashCoordinator: false)
    #expect {
      _ = try model.trace(property: "atomicty")
    } throws: { error in
      guard case .unknownProperty("atomicty", let known)? = error as? CommitCheckError else { return false }
      return known.first == "atomicity"
    }
    var limited = ExplorerOptions()
    limited.maxStates = 5
    #expect {
      _ = try model.markov(options: limited)
    } throws: { error in
      guard case .incomplete(.maxStates, let states)? = error as? CommitCheckError else { return false }
      return states >= 5
    }
    // A check that stops at a limit is a partial report, not an error.
    #expect(model.check(options: limited).outcome == .stopped(.maxStates))
    let fifo = try twoPhaseText().replacingOccurrences(of: "network unordered", with: "network fifo")
    #expect {
      _ = try compileModel(source: fifo, file: "fifo.commit").petri()
    } throws: { error in
      guard case .unsupported? = error as? CommitCheckError else { return false }
      return true
    }
  }

  @Test("Cancellation is passed in: a stop already requested ends the run with a partial report")
  func cancellation() throws {
    let model = try compiled(crashCoordinator: true)
    var options = ExplorerOptions()
    let stop = StopSignal()
    stop.request(SIGINT)
    options.stop = stop
    let report = model.check(options: options)
    #expect(report.outcome == .stopped(.interrupted))
    #expect {
      _ = try model.stateGraph(options: options)
    } throws: { error in
      guard case .incomplete(.interrupted, _)? = error as? CommitCheckError else { return false }
      return true
    }
  }
}

/// The settings of the README's verdict table, with symmetry reduction where the model allows it.
private let agreementSettings: [(model: String, failure: String)] = [
  ("two-phase-commit", "none"), ("two-phase-commit", "Coordinator"), ("two-phase-commit", "Participant"),
  ("two-phase-commit-cooperative", "Coordinator"), ("three-phase-commit", "Coordinator"),
  ("three-phase-commit", "Participant"), ("three-phase-commit-timeouts", "Coordinator"),
  ("three-phase-commit-timeouts", "partition"), ("seed-naive-two-phase-commit", "none"),
  ("seed-naive-three-phase-commit", "none"), ("two-phase-tla", "none"),
]

/// The shipped models whose participants are interchangeable (declared `symmetric`, and no
/// instance refers to another).
private let symmetricModels: Set<String> = [
  "two-phase-commit", "seed-naive-two-phase-commit", "seed-naive-three-phase-commit", "two-phase-tla",
]

struct SymmetryAgreementTests {
  @Test("With symmetry, check, trace and a highlighted graph give every property the same verdict",
        arguments: agreementSettings.indices)
  func agree(setting: Int) throws {
    let (name, failure) = agreementSettings[setting]
    var compile = CompileOptions()
    compile.parameters["N"] = 3
    switch failure {
    case "none": break
    case "partition": compile.partition = 1
    default: compile.crash[failure] = 1
    }
    let model = try loadModel(path: modelPath(name), options: compile)
    var options = ExplorerOptions()
    guard let symmetry = try? model.symmetryReduction() else {
      // Refused with its reason (participants that message each other, or no symmetric role):
      // never reduced inexactly.
      #expect(!symmetricModels.contains(name))
      #expect(throws: CommitCheckError.self) { try model.symmetryReduction() }
      return
    }
    #expect(symmetricModels.contains(name))
    options.symmetry = symmetry
    let report = model.check(options: options)
    #expect(report.complete)
    var graphOptions = GraphOptions()
    graphOptions.maxNodes = 1_000_000
    for property in report.properties {
      let traced = try model.trace(property: property.name, options: options)
      #expect(traced.property.verdict == property.verdict, "\(name) \(failure): trace \(property.name)")
      #expect(traced.property.kind == property.kind)
      graphOptions.highlight = property.name
      let graph = try model.stateGraph(options: options, graph: graphOptions)
      let highlighted = try #require(graph.highlight)
      #expect(highlighted.result.verdict == property.verdict, "\(name) \(failure): graph \(property.name)")
      // A violation's counterexample is drawn on the (reduced) graph.
      #expect((highlighted.path != nil) == (property.verdict == .violated && property.trace != nil),
              "\(name) \(failure): highlighted path of \(property.name)")
    }
  }
}
