import CommitCheck
import Testing

/// Property values are memoized on the slots the compiler records as read by each property
/// (`SuccessorGenerator.evaluate`). A read site that forgot to record its slots would let two
/// states differing only there share one answer; these properties each read one kind of slot.
@Suite struct PropertyMemoTests {
  static let source = """
    protocol Memo
    param N: 1...4 = 2
    message Ping(hops: 0...3)
    message Done

    role Hub {
      var seen: set<Spoke>
      var pings: 0...5
      var last: map<Spoke, 0...3>
      state listening initial
      state finished decides commit
      on listening receive Ping(hops: h) from s {
        seen += s
        last[s] = h
        pings += 1
        if seen == all Spoke { send Done to all Spoke; goto finished }
      }
    }

    role Spoke[N] {
      var hops: 0...3
      state idle initial
      state waiting
      state done decides commit
      on idle step ping {
        choose {
          one: { hops = 1 }
          two: { hops = 2 }
        }
        send Ping(hops: hops) to Hub
        goto waiting
      }
      on waiting receive Done { goto done }
    }

    invariant crashedOnlyIdle: all s in Spoke: not crashed(s) or s in idle
    invariant noneDecided: all s in Spoke: not decided(s) or s.hops > 2
    invariant lastAtMostOne: all s in Spoke: Hub.last[s] <= 1
    invariant seenFirst: not (Spoke[1] in Hub.seen)
    invariant fewSeen: size(Hub.seen) < 2
    invariant fewPings: Hub.pings < 2
    invariant hopsSmall: all s in Spoke: s.hops < 2
    invariant hubListening: Hub in listening
    """

  @Test("Memoized property values equal direct evaluation on every reachable state")
  func memoMatchesDirectEvaluation() throws {
    var options = CompileOptions()
    options.crash["Spoke"] = 1
    let model = try compile(Self.source, options)
    let exploration = Explorer().explore(model.system)
    #expect(exploration.complete)
    let generator = SuccessorGenerator(model.system)
    var disagreements: [String] = []
    var outcomes = Array(repeating: Set<Bool>(), count: model.system.properties.count)
    for id in 0..<exploration.stateCount {
      let state = exploration.state(UInt32(id))
      for (i, property) in model.system.properties.enumerated() {
        let memo = generator.evaluate(property: i, in: state)
        let direct = generator.evaluateUncached(property: i, in: state)
        outcomes[i].insert(direct)
        if memo != direct { disagreements.append("\(property.name) at state \(id)") }
      }
    }
    #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    // Each property is both true and false somewhere, so a wrong shared answer would show.
    for (i, property) in model.system.properties.enumerated() {
      #expect(outcomes[i] == [false, true], "\(property.name) is constant: \(outcomes[i])")
    }
    // The Hub reads its map and counters, the Spokes their own slots and the network.
    #expect(memoizedMoveMismatches(exploration).isEmpty)
  }

  @Test("Memoized moves equal the successor function on every state of every shipped model",
        arguments: shippedModelNames)
  func memoizedMoves(_ name: String) throws {
    // Failures change what a process reads (crash flags, partition mask): all of them at once.
    for crashes in [false, true] {
      let loaded = try shippedWithFailures(name, crashes: crashes)
      var explorer = ExplorerOptions()
      explorer.maxStates = 200_000
      let exploration = Explorer().explore(loaded.system, options: explorer)
      #expect(exploration.stateCount > nontrivialStateCount(name))
      #expect(memoizedMoveMismatches(exploration).isEmpty, "\(name)")
    }
  }
}
