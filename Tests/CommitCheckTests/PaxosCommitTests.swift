import CommitCheck
import Foundation
import Testing

/// Gray and Lamport's Paxos Commit (`models/paxos-commit.commit`) against the TLA+ spec
/// PaxosCommit.tla (tlaplus/Examples, specifications/transaction_commit).
///
/// Why the counts are the spec's: a TLA+ state is (rmState, aState, msgs). A CommitCheck state
/// is the RMs' control states (rmState), each acceptor's `aState` map (TLA+'s aState column of
/// that acceptor), the Leader's control state (it has one state and no variables, so it is the
/// same in every state), the crashed flags and failure budgets (always 0: no failures) and the
/// `set` network. Each TLA+ message is sent by exactly one process determined by its fields
/// (phase 2a of ballot 0 by RM `ins`, phase 1b and 2b by acceptor `acc`, everything else by the
/// Leader) to a fixed set of receivers, all at once, and a `set` network never removes a
/// message: so the network's slots hold exactly `msgs`, one fixed group of slots per message.
/// The map from CommitCheck states to TLA+ states is therefore injective, and each TLA+ action
/// is one CommitCheck transition with the same effect (Decide as its two disjuncts): both
/// tools count the same reachable states, the initial one included. TLC counts a stuttering
/// step (an action that changes nothing, such as a second Decide) as no new state, and so does
/// CommitCheck.
struct PaxosCommitTests {
  /// A direct transcription of PaxosCommit.tla: states hold the message set as a set of
  /// values, and every action is written as in the spec (sets of majorities, Maximum, CHOOSE),
  /// sharing nothing with the model language. Its breadth-first search is the independent count.
  struct Reference {
    enum RMState: UInt8, Hashable { case working, prepared, committed, aborted }
    enum Value: UInt8, Hashable { case none, prepared, aborted }
    struct Instance: Hashable { var mbal = 0, bal = -1, val = Value.none }
    enum Message: Hashable {
      case phase1a(ins: Int, bal: Int)
      case phase1b(ins: Int, mbal: Int, bal: Int, val: Value, acc: Int)
      case phase2a(ins: Int, bal: Int, val: Value)
      case phase2b(acc: Int, ins: Int, bal: Int, val: Value)
      case commit, abort
    }
    struct State: Hashable {
      var rmState: [RMState]
      var aState: [[Instance]]  // [ins][acc]
      var msgs: Set<Message>
    }

    let rms: Int, acceptors: Int, maxBallot: Int, majorities: [Set<Int>]

    init(rms: Int, acceptors: Int, maxBallot: Int, quorum: Int) {
      self.rms = rms
      self.acceptors = acceptors
      self.maxBallot = maxBallot
      majorities = (0..<(1 << acceptors)).map { bits in Set((0..<acceptors).filter { (bits >> $0) & 1 != 0 }) }
        .filter { $0.count == quorum }
    }

    func next(_ s: State) -> [State] {
      var out: [State] = []
      func sending(_ m: Message, _ change: (inout State) -> Void = { _ in }) {
        var t = s
        t.msgs.insert(m)
        change(&t)
        out.append(t)
      }
      for rm in 0..<rms {
        if s.rmState[rm] == .working {
          sending(.phase2a(ins: rm, bal: 0, val: .prepared)) { $0.rmState[rm] = .prepared }
          sending(.phase2a(ins: rm, bal: 0, val: .aborted)) { $0.rmState[rm] = .aborted }
        }
        if s.msgs.contains(.commit) { var t = s; t.rmState[rm] = .committed; out.append(t) }
        if s.msgs.contains(.abort) { var t = s; t.rmState[rm] = .aborted; out.append(t) }
      }
      for bal in 1...maxBallot {
        for rm in 0..<rms {
          sending(.phase1a(ins: rm, bal: bal))
          let sent2a = s.msgs.contains { if case .phase2a(rm, bal, _) = $0 { true } else { false } }
          if sent2a { continue }
          for ms in majorities {
            let mset = s.msgs.compactMap { m -> (bal: Int, val: Value, acc: Int)? in
              if case .phase1b(rm, bal, let b, let v, let acc) = m, ms.contains(acc) { return (b, v, acc) }
              return nil
            }
            guard ms.allSatisfy({ ac in mset.contains { $0.acc == ac } }) else { continue }
            let maxbal = mset.map(\.bal).max()!
            let val = maxbal == -1 ? Value.aborted : mset.first { $0.bal == maxbal }!.val
            sending(.phase2a(ins: rm, bal: bal, val: val))
          }
        }
      }
      func decided(_ rm: Int, _ v: Value) -> Bool {
        (0...maxBallot).contains { b in
          majorities.contains { ms in ms.allSatisfy { s.msgs.contains(.phase2b(acc: $0, ins: rm, bal: b, val: v)) } }
        }
      }
      if (0..<rms).allSatisfy({ decided($0, .prepared) }) { sending(.commit) }
      if (0..<rms).contains(where: { decided($0, .aborted) }) { sending(.abort) }
      for acc in 0..<acceptors {
        for m in s.msgs {
          switch m {
          case .phase1a(let ins, let bal) where s.aState[ins][acc].mbal < bal:
            let a = s.aState[ins][acc]
            sending(.phase1b(ins: ins, mbal: bal, bal: a.bal, val: a.val, acc: acc)) { $0.aState[ins][acc].mbal = bal }
          case .phase2a(let ins, let bal, let val) where s.aState[ins][acc].mbal <= bal:
            sending(.phase2b(acc: acc, ins: ins, bal: bal, val: val)) {
              $0.aState[ins][acc] = Instance(mbal: bal, bal: bal, val: val)
            }
          default: break
          }
        }
      }
      return out
    }

    /// The number of reachable states, and whether TCConsistent holds in all of them.
    func explore() -> (states: Int, consistent: Bool) {
      let initial = State(rmState: Array(repeating: .working, count: rms),
                          aState: Array(repeating: Array(repeating: Instance(), count: acceptors), count: rms), msgs: [])
      var seen: Set<State> = [initial]
      var frontier = [initial]
      var consistent = true
      while !frontier.isEmpty {
        var following: [State] = []
        for s in frontier {
          if s.rmState.contains(.committed) && s.rmState.contains(.aborted) { consistent = false }
          for t in next(s) where seen.insert(t).inserted { following.append(t) }
        }
        frontier = following
      }
      return (seen.count, consistent)
    }
  }

  @Test("Paxos Commit has the states of a direct transcription of PaxosCommit.tla", arguments: [
    (1, 1, 1, 1), (1, 2, 1, 2), (1, 3, 1, 2), (2, 1, 1, 1),
  ])
  func smallConfigurations(rms: Int, acceptors: Int, maxBallot: Int, quorum: Int) throws {
    let reference = Reference(rms: rms, acceptors: acceptors, maxBallot: maxBallot, quorum: quorum).explore()
    var options = CheckOptions()
    options.compile.parameters = ["R": rms, "A": acceptors, "MaxBallot": maxBallot, "Quorum": quorum]
    let report = try check(path: modelPath("paxos-commit"), options: options)
    #expect(report.complete)
    #expect(report.runtimeError == nil)
    #expect(report.states == reference.states)
    #expect(reference.consistent)
    #expect(report.property("TCConsistent")?.verdict == .holds)
    #expect(report.property("validity")?.verdict == .holds)
    #expect(report.property("atomicity")?.verdict == .holds)
  }

  /// The release binary, which `.ci/run` builds before the tests; the debug build explores
  /// the 1.3 million states too slowly for a unit test.
  static let releaseBinary = "\(packageRoot)/.build/release/commitcheck"

  @Test("Paxos Commit with 2 RMs, 3 acceptors, ballots 0 and 1 has TLC's 1,321,761 states",
        .enabled(if: FileManager.default.isExecutableFile(atPath: releaseBinary), "needs swift build -c release"))
  func tlcConfiguration() throws {
    // TLC's published figure for PaxosCommit.tla with RM = {r1, r2}, Acceptor = {a1, a2, a3},
    // Ballot = {0, 1}, Majority = {{a1, a2}, {a1, a3}, {a2, a3}}: 1,321,761 distinct states
    // (the model's defaults). The argument in this suite's comment makes the counts equal.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.releaseBinary)
    process.arguments = ["check", modelPath("paxos-commit"), "--format", "json", "-q"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["states"] as? Int == 1_321_761)
    #expect(json["complete"] as? Bool == true)
    let verdicts = (json["properties"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
      $0[$1["name"] as? String ?? ""] = $1["verdict"] as? String
    }
    #expect(verdicts["TCConsistent"] == "holds")
    #expect(verdicts["validity"] == "holds")
    #expect(verdicts["atomicity"] == "holds")
    // Acceptors and the leader are `nondeciding`: termination waits for the RMs only, and under
    // weak fairness of the leader's steps every RM decides.
    #expect(verdicts["termination"] == "holds")
  }
}
