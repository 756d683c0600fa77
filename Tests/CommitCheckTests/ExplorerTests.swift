import CommitCheck
import Testing

/// Exploration semantics on models small enough to count by hand. Each count's derivation is in
/// the comment beside it.
struct ExplorerTests {
  @Test("A counter stepping 0 to 3 has 4 states, 3 transitions, depth 3, and ends blocked")
  func counter() throws {
    let report = try checkSource("""
      protocol Counter
      role A { var x: 0...3
        state s initial
        on s step inc when x < 3 { x += 1 } }
      """)
    // x = 0, 1, 2, 3: one state each, one step between neighbours.
    #expect(report.states == 4)
    #expect(report.transitions == 3)
    #expect(report.depth == 3)
    #expect(report.property("termination")?.kind == .blocked)
    #expect(report.property("termination")?.trace?.steps.count == 4)
  }

  static let twoPhase = """
    protocol TwoPhaseCommit
    param N: 1...10 = 1
    network unordered
    message Prepare
    message Vote(yes: bool)
    message Decision(commit: bool)
    role Coordinator {
      var yes: set<Participant>
      state waiting initial
      state committed decides commit
      state aborted decides abort
      start { send Prepare to all Participant }
      on waiting receive Vote(yes: true) from p {
        yes += p
        if yes == all Participant { send Decision(commit: true) to all Participant; goto committed }
      }
      on waiting receive Vote(yes: false) { send Decision(commit: false) to all Participant; goto aborted }
    }
    role Participant[N] {
      state working initial
      state prepared
      state committed decides commit
      state aborted decides abort
      on working receive Prepare from c {
        choose {
          vote_yes: { send Vote(yes: true) to c; goto prepared }
          vote_no: { send Vote(yes: false) to c; goto aborted }
        }
      }
      on prepared receive Decision(commit: d) { goto d ? committed : aborted }
    }
    """

  @Test("Two-phase commit with one participant has 6 states and 5 transitions (hand count)")
  func twoPhaseOne() throws {
    let report = try checkSource(Self.twoPhase)
    // s0 Prepare in flight; P votes yes (s1) or no (s2); C commits on yes (s3) or aborts on no
    // (s4, P already aborted, the Decision stays in flight); P receives commit (s5).
    #expect(report.states == 6)
    #expect(report.transitions == 5)
    #expect(report.depth == 3)
    #expect(report.properties.allSatisfy { $0.verdict == .holds })
  }

  @Test("A start block runs before exploration: its messages are in flight in the initial state")
  func startBlock() throws {
    let model = try compile(Self.twoPhase)
    let initial = try SuccessorGenerator(model.system).initialStates()
    #expect(initial.count == 1)
    #expect(model.system.messagesInFlight(initial[0]).map(\.text) == ["Prepare"])
  }

  @Test("Lamport's TwoPhase has 6^N + 4^N + 2^N states, as TLC and SPIN count them", arguments: 1...5)
  func twoPhaseTLA(n: Int) throws {
    let report = try checkShipped("two-phase-tla", n: n)
    // Closed form, RM by RM (rmState, Prepared message sent, RM in tmPrepared):
    // TM init: working; prepared unrecorded; prepared recorded; aborted by choice: 4 per RM.
    // TM aborted: those 4 (tmPrepared frozen) plus the two prepared ones aborted by the Abort
    // message: 6 per RM. TM committed: every RM recorded, prepared or committed: 2 per RM.
    // TLC reports 288 for N = 3 and SPIN 61,515,776 for N = 10, both matching.
    let expected = Int(pow(6, n)) + Int(pow(4, n)) + Int(pow(2, n))
    #expect(report.states == expected)
    #expect(report.property("TCConsistent")?.verdict == .holds)
  }

  func pow(_ base: Int, _ exponent: Int) -> Int { (0..<exponent).reduce(1) { acc, _ in acc * base } }

  @Test("An asynchronous timeout fires only when the process has nothing to receive")
  func asynchronousTimeout() throws {
    let report = try checkSource("""
      protocol Timeouts
      message Ping
      role A { state a initial
        state sent
        on a step send_ping { send Ping to B; goto sent } }
      role B { state w initial
        state got decides commit
        state gave_up decides abort
        on w receive Ping { goto got }
        on w timeout { goto gave_up } }
      """)
    // s0 -send-> s1 (Ping in flight), s0 -timeout-> s2; s1 -receive-> s3 (no timeout: Ping is
    // receivable); s2 -send-> s4. 5 states; 4 transitions (5 if the timeout ignored the Ping).
    #expect(report.states == 5)
    #expect(report.transitions == 4)
  }

  static let ping = """
    protocol Ping
    message Ping
    role A { state a initial
      state sent decides commit
      on a step send_ping { send Ping to B; goto sent } }
    role B { state w initial
      state got decides commit
      on w receive Ping { goto got } }
    """

  @Test("Message loss within its budget can leave a receiver blocked")
  func loss() throws {
    let plain = try checkSource(Self.ping)
    #expect(plain.states == 3)  // send, receive
    #expect(plain.property("termination")?.verdict == .holds)
    var options = CompileOptions()
    options.lose = 1
    let lossy = try checkSource(Self.ping, options)
    // The three states (budget 1) plus the Ping lost (budget 0): 4 states, 3 transitions.
    #expect(lossy.states == 4)
    #expect(lossy.transitions == 3)
    let termination = try #require(lossy.property("termination"))
    #expect(termination.kind == .blocked)
    #expect(termination.trace?.steps.map(\.kind) == ["initial", "step", "lose"])
    #expect(termination.notes == ["B in 'w' waits for Ping"])
  }

  @Test("Duplication puts a second copy in flight")
  func duplication() throws {
    var options = CompileOptions()
    options.duplicate = 1
    let report = try checkSource(Self.ping, options)
    // s0, s1 (Ping), s2 (received), s3 (Ping ×2, budget 0), s4 (one copy left after receipt).
    #expect(report.states == 5)
    #expect(report.transitions == 4)
  }

  @Test("Crash-recovery keeps stable variables and resets the others")
  func crashRecovery() throws {
    let source = """
      protocol Recovery
      role A { stable var kept: bool
        var lost: bool
        state s initial
        state t
        on s step go { kept = true; lost = true; goto t } }
      invariant resetOnRecovery: not (A in s and A.lost)
      """
    var options = CompileOptions()
    options.crash["A"] = 1
    options.recover["A"] = 1
    let report = try checkSource(source, options)
    // s0, go → s1, crash s0 → s2, crash s1 → s3, recover s2 → s4 (kept false), recover s3 → s5
    // (kept true, lost reset), go from s4 and from s5 both reach (t, kept, lost, budgets 0): 7.
    #expect(report.states == 7)
    #expect(report.transitions == 7)
    #expect(report.property("resetOnRecovery")?.verdict == .holds)
  }

  @Test("One partition of three processes has three ways to split")
  func partition() throws {
    var options = CompileOptions()
    options.partition = 1
    let report = try checkSource("protocol Split\nrole A[3] { state s initial decides commit }\n", options)
    // {1}|{2,3}, {1,2}|{3}, {1,3}|{2}: 2^(3-1) - 1 = 3 splits, each a new state.
    #expect(report.states == 4)
    #expect(report.transitions == 3)
  }

  static let ordering = """
    protocol Ordering
    network NETWORK
    message M(v: 1...2)
    role A { state a0 initial
      state a1
      state a2 decides commit
      on a0 step first { send M(v: 1) to B; goto a1 }
      on a1 step second { send M(v: 2) to B; goto a2 } }
    role B { var last: 0...2
      var outOfOrder: bool
      state b initial decides commit
      on b receive M(v: x) { if x < last { outOfOrder = true }  last = x } }
    invariant inOrder: not B.outOfOrder
    """

  @Test("A fifo network delivers in order; an unordered one may not")
  func fifoOrder() throws {
    let fifo = try checkSource(Self.ordering.replacingOccurrences(of: "NETWORK", with: "fifo"))
    #expect(fifo.property("inOrder")?.verdict == .holds)
    let unordered = try checkSource(Self.ordering.replacingOccurrences(of: "NETWORK", with: "unordered"))
    let violated = try #require(unordered.property("inOrder"))
    #expect(violated.verdict == .violated)
    #expect(violated.trace?.steps.last?.text == "B receives M(v: 1) from A [receive_M]; last = 1, outOfOrder = true")
  }

  @Test("A fair cycle where a process never decides is a livelock, with the cycle marked")
  func livelock() throws {
    let report = try checkSource("""
      protocol PingPong
      message Ball
      role A { state a initial
        start { send Ball to B }
        on a receive Ball { send Ball to B } }
      role B { state b initial
        on b receive Ball { send Ball to A } }
      """)
    let termination = try #require(report.property("termination"))
    #expect(termination.kind == .livelock)
    let trace = try #require(termination.trace)
    #expect(trace.loopStart == 0)
    #expect(trace.steps.first?.state == trace.steps.last?.state)
    #expect(ReportWriter.text(report).contains("↻ back to step 0"))
  }

  @Test("Weak fairness: a cycle that starves a continuously enabled move is not a livelock")
  func unfairCycle() throws {
    let report = try checkSource("""
      protocol Fair
      role A { state s initial
        state done decides commit
        on s step spin { skip }
        on s step finish { goto done } }
      """)
    #expect(report.property("termination")?.verdict == .holds)
    let starving = try checkSource("""
      protocol Starving
      role A { state s initial
        on s step spin { skip } }
      role B { state w initial
        state done decides commit
        on w step finish { goto done } }
      """)
    // A can spin forever and never decide: a fair livelock for A.
    #expect(starving.property("termination")?.kind == .livelock)
  }

  @Test("'eventually' is violated by a run that ends without ever satisfying it")
  func eventually() throws {
    let source = """
      protocol Eventually
      role A { var x: 0...2
        state s initial
        state e decides commit
        on s step a { x = 1; goto e }
        on s step b { x = 2; goto e } }
      eventually two: A.x == 2
      eventually decided: A in e
      """
    let report = try checkSource(source)
    let two = try #require(report.property("two"))
    #expect(two.verdict == .violated)
    #expect(two.kind == .blocked)
    #expect(two.trace?.steps.last?.transition == "a")
    #expect(report.property("decided")?.verdict == .holds)
  }

  @Test("The state limit stops cleanly: partial report, unknown verdicts, exit code 3")
  func stateLimit() throws {
    let report = try checkSource(Self.twoPhase.replacingOccurrences(of: "= 1", with: "= 3"), maxStates: 20)
    #expect(!report.complete)
    #expect(report.stopReason == .maxStates)
    #expect(report.properties.allSatisfy { $0.verdict == .unknown })
    #expect(report.outcome == .stopped(.maxStates))  // exit code 3
    #expect(ReportWriter.json(report).contains("\"complete\": false"))
    #expect(reportProblems(ReportWriter.json(report)) == [])
  }
}

/// Parallel exploration must not change anything a user can see.
struct ThreadEquivalenceTests {
  /// The shipped 2PC with `participants` participants and a coordinator that may crash once.
  func twoPhaseWithCoordinatorCrash(participants: Int) throws -> LoadedModel {
    var options = CompileOptions()
    options.parameters["N"] = participants
    options.crash["Coordinator"] = 1
    return try loadModel(path: modelPath("two-phase-commit"), options: options)
  }

  @Test("The index rebuilt by several threads finds every state, with the same parents")
  func parallelRehash() throws {
    // Past 4,096 states two or three threads rebuild the index when it grows
    // (ExactStore.rehash); this model has enough states for that to happen three times.
    let model = try twoPhaseWithCoordinatorCrash(participants: 5)
    var parents: [[UInt32]] = []
    for threads in [1, 2, 3] {
      var explorer = ExplorerOptions()
      explorer.threads = threads
      explorer.keepEdges = false
      // Its states fit inline: ids, states and parents are read from its replay on the arena,
      // which rebuilds the index with as many threads.
      let explored = Explorer().explore(model.system, options: explorer)
      let ex = explored.replayed(through: UInt32(explored.stateCount - 1))
      #expect(ex.stateCount > 4 * 4_096)
      let lost = (0..<UInt32(ex.stateCount)).filter { ex.id(of: ex.state($0)) != $0 }
      #expect(lost.isEmpty, "\(threads) threads: \(lost.count) states not found again")
      parents.append(Array(ex.parents))
    }
    #expect(parents[1] == parents[0] && parents[2] == parents[0])
  }

  @Test("Two and three threads give the same counts, verdicts, traces and JSON as one",
        arguments: [("two-phase-commit", "crash"), ("three-phase-commit-timeouts", "partition"),
                    ("two-phase-tla", "none"), ("seed-naive-three-phase-commit", "none")])
  func sameResults(model: String, failure: String) throws {
    var reports: [String] = []
    for threads in [1, 2, 3] {
      var options = CheckOptions()
      options.compile.parameters["N"] = 3
      if failure == "crash" { options.compile.crash["Coordinator"] = 1 }
      if failure == "partition" { options.compile.partition = 1 }
      options.explorer.threads = threads
      reports.append(ReportWriter.json(try check(path: modelPath(model), options: options)))
    }
    #expect(reports[0] == reports[1])
    #expect(reports[0] == reports[2])
    #expect(reportProblems(reports[0]) == [])
  }

  @Test("Expanding a batch while the previous one merges changes nothing, with or without edges")
  func overlappedBatches() throws {
    // Batches of 64 states: every level of this model spans several, so most batches begin
    // while the one before merges, and their lookups race with its inserts.
    let model = try twoPhaseWithCoordinatorCrash(participants: 4)
    for keepEdges in [false, true] {
      var results: [Exploration] = []
      for threads in [1, 2, 3] {
        var explorer = ExplorerOptions()
        explorer.threads = threads
        explorer.keepEdges = keepEdges
        explorer.batchStates = 64
        results.append(Explorer().explore(model.system, options: explorer))
      }
      // Without edges its states fit inline: ids, states and parents are read from a replay.
      func replayed(_ ex: Exploration) -> Exploration { ex.replayed(through: UInt32(ex.stateCount - 1)) }
      for explored in results.dropFirst() {
        let ex = replayed(explored)
        #expect(explored.overlappedBatches > 10)
        #expect(explored.stateCount == results[0].stateCount && explored.transitions == results[0].transitions)
        #expect(ex.parents == replayed(results[0]).parents)
        #expect(explored.edgeTargets == results[0].edgeTargets && explored.edgeActions == results[0].edgeActions)
        #expect(explored.firstViolation == results[0].firstViolation && explored.firstBlocked == results[0].firstBlocked)
        #expect(explored.hasBackEdge == results[0].hasBackEdge)
        let lost = (0..<UInt32(ex.stateCount)).filter { ex.id(of: ex.state($0)) != $0 }
        #expect(lost.isEmpty, "\(lost.count) states not found again")
      }
      #expect(results[0].overlappedBatches == 0)
    }
  }

  @Test("With edges kept, the graph is identical for any number of threads")
  func sameGraph() throws {
    var options = CompileOptions()
    options.parameters["N"] = 3
    options.crash["Participant"] = 1
    let model = try loadModel(path: modelPath("three-phase-commit"), options: options)
    var one = ExplorerOptions()
    one.threads = 1
    var two = one
    two.threads = 2
    let a = Explorer().explore(model.system, options: one), b = Explorer().explore(model.system, options: two)
    #expect(a.stateCount == b.stateCount)
    #expect(a.edgeTargets == b.edgeTargets)
    #expect(a.edgeActions == b.edgeActions)
    #expect(a.parents == b.parents)
  }
}
