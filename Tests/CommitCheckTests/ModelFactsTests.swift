import CommitCheck
import Testing

/// What the compiler records of each transition: reads, writes, paths, trigger and guard text.
///
/// Every expected value below is read off the model text by hand. When the facts replaced the
/// syntax-tree scans that `petri` and `machines` used before, a test compared both on every
/// shipped model (N = 1, 2, 3) and on 400 random models, and found them equal; the role
/// machines drawn and the nets built are byte-identical to the earlier ones.
struct ModelFactsTests {
  func transition(_ system: TransitionSystem, _ name: String) throws -> TransitionInfo {
    try #require(system.transitions.first { $0.name == name })
  }

  func load(_ model: String, n: Int) throws -> TransitionSystem {
    var options = CompileOptions()
    options.parameters["N"] = n
    return try loadModel(path: modelPath(model), options: options).system
  }

  @Test("2PC: triggers, guards, paths, writes and start sends as the model text gives them")
  func twoPhaseCommit() throws {
    // Processes: Coordinator is 0, Participant[1] and [2] are 1 and 2.
    let system = try load("two-phase-commit", n: 2)
    let prepare = try #require(system.messages.firstIndex { $0.name == "Prepare" })
    let vote = try #require(system.messages.firstIndex { $0.name == "Vote" })
    let decision = try #require(system.messages.firstIndex { $0.name == "Decision" })
    #expect(system.roles[0].startSends == [MessageSend(message: prepare, text: "Prepare")])
    #expect(system.roles[1].startSends.isEmpty)

    // `on collecting receive Vote(yes: true) from p as collect_yes`, line 49: `yes += p`, then
    // an `if` that logs, sends the commit decision and goes to committed, or does neither.
    let collect = try transition(system, "collect_yes")
    #expect(collect.trigger == "receive Vote(yes: true)")
    #expect(collect.guardText == nil)
    #expect((collect.range.start.line, collect.range.start.column) == (49, 3))
    #expect(collect.reads == TransitionReads())
    #expect(collect.writes.variables == [0, 1] && collect.writes.messages == [decision])
    let committed = try #require(system.roles[0].states.firstIndex(of: "committed"))
    #expect(collect.paths == [
      TransitionPath(choice: 0, targets: [committed], sends: [MessageSend(message: decision, text: "Decision(commit: true)")]),
      TransitionPath(choice: 0, targets: nil, sends: []),
    ])

    // `vote_timeout when some p in Participant: crashed(p)` reads both participants' flags.
    let timeout = try transition(system, "vote_timeout")
    #expect(timeout.guardText == "some p in Participant: crashed(p)")
    #expect(timeout.reads.crashFlags == [1, 2] && timeout.reads.localStates.isEmpty && !timeout.reads.partition)

    // `vote` chooses vote_yes (branch 1) or vote_no (branch 2), each with its send and goto.
    let states = system.roles[1].states
    let voting = try transition(system, "vote")
    #expect(voting.paths == [
      TransitionPath(choice: 1, targets: [try #require(states.firstIndex(of: "prepared"))],
                     sends: [MessageSend(message: vote, text: "Vote(yes: true)")]),
      TransitionPath(choice: 2, targets: [try #require(states.firstIndex(of: "aborted"))],
                     sends: [MessageSend(message: vote, text: "Vote(yes: false)")]),
    ])
    #expect(voting.writes.variables == [0] && voting.writes.messages == [vote])
    // `goto d ? committed : aborted` may name either state.
    let learn = try transition(system, "learn_decision")
    #expect(learn.trigger == "receive Decision(commit: d)")
    #expect(learn.paths.map(\.targets) == [[states.firstIndex(of: "committed")!, states.firstIndex(of: "aborted")!]])
    // `coordinator_crashed when crashed(Coordinator)` reads process 0's flag only.
    #expect(try transition(system, "coordinator_crashed").reads.crashFlags == [0])
    #expect(system.transitions.allSatisfy { !$0.reads.asynchronous })
  }

  @Test("3PC with timeouts: 'unreachable' reads crashed flags and the partition; 'p in acks' reads no state")
  func threePhaseTimeouts() throws {
    let system = try load("three-phase-commit-timeouts", n: 2)
    // `(some p in Participant: unreachable(p)) and (all p in Participant: p in acks or
    // unreachable(p))`: both participants' flags and the partition; `acks` is the
    // coordinator's own set, not another process's state.
    let ack = try transition(system, "ack_timeout")
    #expect(ack.guardText == "(some p in Participant: unreachable(p)) and (all p in Participant: p in acks or unreachable(p))")
    #expect(ack.reads.crashFlags == [1, 2] && ack.reads.partition && ack.reads.localStates.isEmpty)
    // `unreachable(Coordinator) and (all q in Participant: q < self implies unreachable(q))`:
    // the coordinator's flag and every participant's, the acting one's included.
    let takeOver = try transition(system, "take_over_uncertain")
    #expect(takeOver.reads.crashFlags == [0, 1, 2] && takeOver.reads.partition)
    #expect(takeOver.trigger == "timeout")
    // followsBackup, leader (variables 1 and 2), and Takeover sent to all.
    let takeover = try #require(system.messages.firstIndex { $0.name == "Takeover" })
    #expect(takeOver.writes.variables == [1, 2] && takeOver.writes.messages == [takeover])
    #expect(try transition(system, "backup_abort").trigger == "step backup_abort")
  }

  @Test("The sender of a message only one role sends is known to be of that role")
  func senderOfKnownRole() throws {
    let system = try compile(narrowSender).system
    // Processes: A is 0, B[1] and B[2] are 1 and 2, D is 3. Only B sends Ping, so `crashed(q)`
    // reads B's flags, never D's.
    #expect(system.transitions[0].reads.crashFlags == [1, 2])
  }
}

/// A receive whose guard reads its sender's crashed flag, beside a third role that can crash.
let narrowSender = """
  protocol Narrow
  message Ping
  role A { state waiting initial
    state done
    on waiting receive Ping from q as hear when not crashed(q) { goto done } }
  role B[2] { state idle initial
    state sent
    on idle step ping { send Ping to A; goto sent } }
  role D { state idle initial
    state moved
    on idle step move { goto moved } }
  """
