import CommitCheck
import Testing

/// Symmetry reduction is exact: one stored state per orbit, checked by brute force over every
/// permutation, and every verdict is the same as without it.
struct SymmetryTests {
  static func permutations(_ n: Int) -> [[Int]] {
    if n == 0 { return [[]] }
    return permutations(n - 1).flatMap { p in (0...p.count).map { i in var q = p; q.insert(n - 1, at: i); return q } }
  }

  static let cases: [(String, Int, String)] = [
    ("two-phase-tla", 3, "none"), ("two-phase-tla", 4, "none"),
    ("two-phase-commit", 3, "crash"), ("two-phase-commit", 4, "none"),
    ("seed-naive-two-phase-commit", 3, "none"), ("two-phase-commit", 3, "participant"),
    // Participants that recover keep a decision history, part of their blocks.
    ("two-phase-commit-presumed-abort", 3, "recover"),
  ]

  func options(_ n: Int, _ failure: String) -> CompileOptions {
    var o = CompileOptions()
    o.parameters["N"] = n
    if failure == "crash" { o.crash["Coordinator"] = 1 }
    if failure == "participant" { o.crash["Participant"] = 1 }
    if failure == "recover" {
      o.crash["Participant"] = 1
      o.recover["Participant"] = 1
      o.fairRecovery = true
    }
    return o
  }

  @Test("The reduced state count equals the number of orbits, counted by brute force", arguments: cases)
  func orbitCount(model: String, n: Int, failure: String) throws {
    let loaded = try loadModel(path: modelPath(model), options: options(n, failure))
    let symmetry = try Symmetry(loaded.system)
    let full = Explorer().explore(loaded.system)
    var reduced = ExplorerOptions()
    reduced.symmetry = symmetry
    let quotient = Explorer().explore(loaded.system, options: reduced)
    // Brute force: the smallest image of each state under all n! permutations names its orbit.
    let perms = Self.permutations(symmetry.instanceCount)
    var reachable: Set<[Int]> = []
    for id in 0..<full.stateCount { reachable.insert(full.state(UInt32(id))) }
    var orbits: Set<[Int]> = []
    for s in reachable {
      let images = perms.map { symmetry.permute(s, $0) }
      // The permutations are symmetries of the system: every image is reachable too.
      #expect(images.allSatisfy { reachable.contains($0) })
      orbits.insert(images.min { $0.lexicographicallyPrecedes($1) }!)
    }
    #expect(quotient.stateCount == orbits.count)
    #expect(quotient.stateCount < full.stateCount)
  }

  @Test("Verdicts are the same with and without symmetry, and traces are real executions", arguments: cases)
  func sameVerdicts(model: String, n: Int, failure: String) throws {
    let loaded = try loadModel(path: modelPath(model), options: options(n, failure))
    var reduced = ExplorerOptions()
    reduced.symmetry = try Symmetry(loaded.system)
    let plain = check(loaded), quotient = check(loaded, options: reduced)
    #expect(plain.properties.map(\.verdict) == quotient.properties.map(\.verdict))
    #expect(plain.properties.map(\.kind) == quotient.properties.map(\.kind))
    for p in quotient.properties where p.verdict == .violated {
      let trace = try #require(p.trace)
      #expect(replay(trace, in: loaded.system) != nil, "trace of \(p.name) is not an execution")
      // Shortest in the quotient is shortest concretely: same length as without reduction.
      #expect(trace.steps.count == plain.properties.first { $0.name == p.name }?.trace?.steps.count)
    }
  }

  @Test("TwoPhase orbits follow the closed form C(N+3,3) + (N+1) + C(N+5,5)", arguments: [5, 10, 12])
  func twoPhaseOrbits(n: Int) throws {
    func choose(_ a: Int, _ b: Int) -> Int { (0..<b).reduce(1) { $0 * (a - $1) / ($1 + 1) } }
    // Multisets of per-RM kinds: 4 kinds with TM in init, 2 committed, 6 aborted (see the
    // 6^N + 4^N + 2^N derivation in ExplorerTests), so C(N+3,3) + C(N+1,1) + C(N+5,5) orbits.
    var options = CompileOptions()
    options.parameters["N"] = n
    let loaded = try loadModel(path: modelPath("two-phase-tla"), options: options)
    var reduced = ExplorerOptions()
    reduced.symmetry = try Symmetry(loaded.system)
    let ex = Explorer().explore(loaded.system, options: reduced)
    #expect(ex.stateCount == choose(n + 3, 3) + (n + 1) + choose(n + 5, 5))
  }

  @Test("Models whose instances are not interchangeable are refused with the reason")
  func refusals() throws {
    let cooperative = try loadModel(path: modelPath("two-phase-commit-cooperative"))
    #expect(throws: SymmetryError.self) { try Symmetry(cooperative.system) }
    do {
      _ = try Symmetry(cooperative.system)
    } catch {
      #expect(error.message == "instances of 'Participant' are not interchangeable: they send messages 'DecisionRequest' to each other")
    }
    let named = try compile("""
      protocol P
      role A[2] symmetric { state s initial }
      invariant i: A[1] in s
      """)
    do {
      _ = try Symmetry(named.system)
      Issue.record("expected a refusal")
    } catch {
      #expect(error.message == "instances of 'A' are not interchangeable: 'A[...]' names one instance (line 3)")
    }
  }
}

/// Markov results on the symmetry quotient equal those on the full chain: the quotient is the
/// lumped chain (moves into one orbit add their rates), and per-instance figures are the mean
/// over the symmetric instances, which by symmetry is each instance's own marginal.
struct SymmetricMarkovTests {
  @Test("Outcomes, expected steps and time, transient and long-run figures agree with and without symmetry",
        arguments: [("two-phase-commit", "crash"), ("two-phase-commit", "participant"), ("two-phase-tla", "none")])
  func agree(model: String, failure: String) throws {
    var compile = CompileOptions()
    compile.parameters["N"] = 3
    if failure == "crash" { compile.crash["Coordinator"] = 1 }
    if failure == "participant" { compile.crash["Participant"] = 1 }
    let loaded = try loadModel(path: modelPath(model), options: compile)
    var markov = MarkovOptions()
    markov.rates = ["crash": 0.01]
    markov.steps = 4
    markov.time = 2
    markov.longRunRate = 0.1
    var plain = ExplorerOptions()
    plain.keepEdges = true
    var reduced = plain
    reduced.symmetry = try Symmetry(loaded.system)
    let a = try MarkovAnalysis(exploration: Explorer().explore(loaded.system, options: plain), file: "", options: markov).report
    let b = try MarkovAnalysis(exploration: Explorer().explore(loaded.system, options: reduced), file: "", options: markov).report
    #expect(b.states < a.states)
    func close(_ x: [Double], _ y: [Double]) -> Bool { x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) < 1e-9 } }
    #expect(close(a.outcomes, b.outcomes))
    #expect(abs(a.expectedSteps - b.expectedSteps) < 1e-9)
    #expect(abs(a.expectedTime - b.expectedTime) < 1e-9)
    for (x, y) in [(a.afterSteps?.summary, b.afterSteps?.summary), (a.atTime?.summary, b.atTime?.summary),
                   (a.longRun?.summary, b.longRun?.summary)] {
      let x = try #require(x), y = try #require(y)
      #expect(close(x.outcomes, y.outcomes))
      #expect(close(x.controlStates.flatMap { $0 }, y.controlStates.flatMap { $0 }))
      #expect(close(x.crashed, y.crashed))
    }
  }
}
