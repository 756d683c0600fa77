import CommitCheck
import Foundation
import Testing

/// A model's net, built and exported; tests read the PNML back with their own reader.
struct PetriRun {
  var loaded: LoadedModel
  var exploration: Exploration
  var analysis: PetriAnalysis
  var pnml: String

  var system: TransitionSystem { loaded.system }

  init(source: String, file: String, options: CompileOptions, invariants: Bool) throws {
    loaded = try compileModel(source: source, file: file, options: options)
    exploration = Explorer().explore(loaded.system)
    var limits = InvariantLimits()
    if !invariants { limits.rows = 0 }
    analysis = try PetriAnalysis(exploration: exploration, invariantLimits: limits)
    pnml = PnmlWriter.pnml(analysis.net)
  }

  static func shipped(_ name: String, n: Int, invariants: Bool = false,
                      _ configure: (inout CompileOptions) -> Void = { _ in }) throws -> PetriRun {
    var options = CompileOptions()
    options.parameters["N"] = n
    configure(&options)
    return try PetriRun(source: try readModel(path: modelPath(name)), file: modelPath(name), options: options,
                        invariants: invariants)
  }

  static func source(_ text: String, invariants: Bool = false) throws -> PetriRun {
    try PetriRun(source: text, file: "test.commit", options: CompileOptions(), invariants: invariants)
  }
}

/// Why building a net failed, or nil when it did not.
func petriRefusal(_ source: String, _ options: CompileOptions = CompileOptions(),
                  maxStates: Int = 1_000_000) throws -> PetriError? {
  let loaded = try compileModel(source: source, file: "test.commit", options: options)
  var explorer = ExplorerOptions()
  explorer.maxStates = maxStates
  let exploration = Explorer().explore(loaded.system, options: explorer)
  do {
    _ = try PetriAnalysis(exploration: exploration)
    return nil
  } catch {
    return error
  }
}

let actionKinds: [String: ActionKind] = [
  "step": .step, "receive": .receive, "timeout": .timeout, "crash": .crash, "recover": .recover,
  "lose": .lose, "duplicate": .duplicate, "partition": .partition,
]

/// The explorer's action a PNML transition's `toolspecific` element names.
func action(_ node: XMLNode?) -> Action? {
  guard let node, node.name == "move", let kind = actionKinds[node.attributes["kind"] ?? ""],
        let process = Int32(node.attributes["process"] ?? ""), let transition = Int32(node.attributes["transition"] ?? ""),
        let message = Int32(node.attributes["message"] ?? ""), let choice = Int32(node.attributes["choice"] ?? "")
  else { return nil }
  return Action(kind: kind, process: process, transition: transition, message: message, choice: choice)
}

/// What a place stands for, read from its `toolspecific` element.
enum PlaceMeaning {
  case local(slots: [Int], values: [Int])
  case alive(slot: Int), crashed(slot: Int), count(slot: Int), partition(slot: Int, mask: Int)

  init?(_ info: XMLNode?, _ system: TransitionSystem) {
    guard let info else { return nil }
    func int(_ key: String) -> Int? { Int(info.attributes[key] ?? "") }
    switch info.name {
    case "local":
      guard let p = int("process") else { return nil }
      let process = system.processes[p]
      let varSlots = system.roles[process.role].vars.reduce(0) { $0 + $1.initialCodes.count }
      self = .local(slots: [process.base] + Array((process.base + 2)..<(process.base + 2 + varSlots)),
                    values: (info.attributes["values"] ?? "").split(separator: ",").compactMap { Int($0) })
    case "alive": guard let p = int("process") else { return nil }; self = .alive(slot: system.processes[p].base + 1)
    case "crashed": guard let p = int("process") else { return nil }; self = .crashed(slot: system.processes[p].base + 1)
    case "message": guard let c = int("channel") else { return nil }; self = .count(slot: system.channels[c].slot)
    case "budget": guard let slot = int("slot") else { return nil }; self = .count(slot: slot)
    case "partition": guard let m = int("mask") else { return nil }; self = .partition(slot: system.partitionSlot, mask: m)
    default: return nil
    }
  }

  /// The tokens the place must hold in a state, computed from the state's slots without the
  /// construction's code.
  func tokens(in state: [Int]) -> Int {
    switch self {
    case .local(let slots, let values): slots.map { state[$0] } == values ? 1 : 0
    case .alive(let slot): 1 - state[slot]
    case .crashed(let slot): state[slot]
    case .count(let slot): state[slot]
    case .partition(let slot, let mask): state[slot] == mask ? 1 : 0
    }
  }
}

/// Checks that the token game's graph is the explored graph: a bijection of markings and states
/// that pairs the initial marking with the initial state, each edge with an edge of the same
/// label to the paired target, and gives every place the tokens its meaning has in the state.
/// Returns the state paired with each marking.
@discardableResult
func expectIsomorphic(_ net: PnmlNet, _ game: TokenGame, _ ex: Exploration) throws -> [Int] {
  let labels = net.transitionTool.map(action)
  try #require(labels.allSatisfy { $0 != nil }, "every transition names its action")
  let meanings = net.placeTool.map { PlaceMeaning($0, ex.system) }
  try #require(meanings.allSatisfy { $0 != nil }, "every place says what it stands for")
  try #require(ex.initialCount == 1)
  var stateOf = Array(repeating: -1, count: game.markings.count)
  var markingOf = Array(repeating: -1, count: ex.stateCount)
  stateOf[0] = 0
  markingOf[0] = 0
  var queue = [(0, 0)], head = 0
  while head < queue.count {
    let (s, m) = queue[head]
    head += 1
    let state = ex.state(UInt32(s))
    for (p, meaning) in meanings.enumerated() where game.markings[m][p] != meaning!.tokens(in: state) {
      Issue.record("place \(net.placeIDs[p]) has \(game.markings[m][p]) tokens in the marking of state \(s)")
      return stateOf
    }
    var explored: [Action: Int] = [:], fired: [Action: Int] = [:]
    for e in ex.edges(of: UInt32(s)) {
      try #require(explored.updateValue(Int(ex.edgeTargets[e]), forKey: ex.edgeActions[e]) == nil, "labels of state \(s) are distinct")
    }
    for (t, target) in game.edges[m] {
      try #require(fired.updateValue(target, forKey: labels[t]!) == nil, "labels of marking \(m) are distinct")
    }
    try #require(Set(explored.keys) == Set(fired.keys), "state \(s) and its marking have the same moves")
    for (a, s2) in explored {
      let m2 = fired[a]!
      if stateOf[m2] == -1 && markingOf[s2] == -1 {
        stateOf[m2] = s2
        markingOf[s2] = m2
        queue.append((s2, m2))
      } else {
        try #require(stateOf[m2] == s2 && markingOf[s2] == m2, "edge \(ex.system.actionName(a)) from state \(s)")
      }
    }
  }
  #expect(queue.count == ex.stateCount && queue.count == game.markings.count, "every state and marking is paired")
  #expect(game.edges.reduce(0) { $0 + $1.count } == ex.edgeTargets.count)
  return stateOf
}

struct PetriTests {
  static let unordered = [
    "two-phase-commit", "two-phase-commit-cooperative", "three-phase-commit", "three-phase-commit-timeouts",
    "seed-naive-two-phase-commit", "seed-naive-three-phase-commit",
  ]

  enum Failures: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case crashCoordinator, crashParticipant, recoverParticipant, loseAndDuplicate, partition
    var testDescription: String { rawValue }
    func apply(_ o: inout CompileOptions) {
      switch self {
      case .crashCoordinator: o.crash["Coordinator"] = 1
      case .crashParticipant: o.crash["Participant"] = 1
      case .recoverParticipant:
        o.crash["Participant"] = 1
        o.recover["Participant"] = 1
      case .loseAndDuplicate:
        o.lose = 1
        o.duplicate = 1
      case .partition: o.partition = 1
      }
    }
  }

  /// Exports, validates, reads back and replays one net against its explored graph.
  func roundTrip(_ run: PetriRun) throws {
    let root = try XMLParser.parse(run.pnml)
    #expect(PnmlGrammar.errors(root) == [])
    let net = try PnmlNet(root)
    #expect(net.placeIDs.count == run.analysis.net.places.count)
    #expect(net.transitionIDs.count == run.analysis.net.transitions.count)
    #expect(net.arcCount == run.analysis.net.arcCount)
    let game = TokenGame(net)
    let stateOf = try expectIsomorphic(net, game, run.exploration)
    // Dead markings are the terminal states, and each bound is the most tokens the token game
    // ever puts on the place.
    let dead = game.edges.indices.filter { game.edges[$0].isEmpty }.map { UInt32(stateOf[$0]) }.sorted()
    #expect(run.analysis.deadStates == dead)
    let terminal = (0..<run.exploration.stateCount).filter { run.exploration.edges(of: UInt32($0)).isEmpty }
    #expect(dead.map(Int.init) == terminal)
    let bounds = net.placeIDs.indices.map { p in game.markings.reduce(0) { max($0, $1[p]) } }
    #expect(run.analysis.bounds == bounds)
  }

  @Test("The PNML of each shipped unordered model replays its explored graph, edge for edge",
        arguments: unordered, [2, 3])
  func shippedModel(model: String, n: Int) throws {
    try roundTrip(try PetriRun.shipped(model, n: n))
  }

  @Test("Crashes, recoveries, losses, duplicates and partitions keep the net equivalent",
        arguments: unordered, Failures.allCases)
  func shippedModelWithFailures(model: String, failures: Failures) throws {
    try roundTrip(try PetriRun.shipped(model, n: 2, failures.apply))
  }

  @Test("At N = 3, 2PC with a crashed coordinator and 3PC with timeouts under a partition stay equivalent")
  func largerFailureNets() throws {
    try roundTrip(try PetriRun.shipped("two-phase-commit", n: 3) { $0.crash["Coordinator"] = 1 })
    try roundTrip(try PetriRun.shipped("three-phase-commit-timeouts", n: 3) { $0.partition = 1 })
  }

  @Test("2PC has 2^(N+1) - 1 + 10N places and N·2^N + 4N transitions", arguments: [2, 3])
  func twoPhaseCommitSize(n: Int) throws {
    let net = try PetriRun.shipped("two-phase-commit", n: n).analysis.net
    // Hand count. Places: the coordinator collects with any yes set short of all N (2^N - 1),
    // commits with all of them (1), aborts with any set short of all (2^N - 1); a participant
    // is working, prepared, committed, or aborted having voted yes or not (5 each; at N = 1 no
    // one can vote yes and then abort, hence N >= 2); messages
    // are Prepare, Vote yes, Vote no, Decision commit and Decision abort per participant (5N).
    #expect(net.places.count == (1 << (n + 1)) - 1 + 10 * n)
    // Transitions: collect_yes and collect_no each from every yes set Y short of all, for a
    // participant not in Y (N·2^(N-1) each); per participant vote_yes, vote_no and
    // learn_decision for commit and for abort (4).
    #expect(net.transitions.count == n * (1 << n) + 4 * n)
  }

  @Test("A perfect failure detector reads the crashed place: 'coordinator_crashed' tests it, never takes it")
  func crashedIsAReadArc() throws {
    let net = try PetriRun.shipped("two-phase-commit", n: 2) { $0.crash["Coordinator"] = 1 }.analysis.net
    let crashed = try #require(net.places.firstIndex { $0.kind == .crashed(process: 0) })
    let timeouts = net.transitions.filter { $0.label == "Participant[1] coordinator_crashed" }
    // Participant[1] gives up from 'working' once, whatever else holds.
    #expect(timeouts.count == 1)
    #expect(timeouts.allSatisfy { $0.readPlaces.contains(crashed) })
    // The coordinator's vote_timeout reads every participant's crashed flag but none crash here.
    #expect(!net.transitions.contains { $0.label == "Coordinator vote_timeout" })
  }

  @Test("A guard on another process's control state becomes a read arc on that process's place")
  func guardOnAnotherProcess() throws {
    let run = try PetriRun.source("""
      protocol Watch
      message Go
      role Leader { state idle initial
        state done
        on idle step finish { send Go to Follower; goto done } }
      role Follower { state waiting initial
        state seen
        state told
        on waiting step peek when Leader in done { goto seen }
        on waiting receive Go as hear { goto told } }
      """)
    try roundTrip(run)
    let net = run.analysis.net
    let done = try #require(net.places.firstIndex { $0.name == "Leader done" })
    let peek = try #require(net.transitions.first { $0.label == "Follower peek" })
    #expect(peek.readPlaces == [done])
  }

  @Test("A guard on the sender reads only the sender's role: no read arc on a third one, and the net stays equivalent")
  func senderReadArcs() throws {
    var options = CompileOptions()
    options.crash["B"] = 1
    options.crash["D"] = 1
    let run = try PetriRun(source: narrowSender, file: "test.commit", options: options, invariants: false)
    try roundTrip(run)
    let net = run.analysis.net
    let ofD = Set(net.places.indices.filter {
      switch net.places[$0].kind {
      case .local(let q, _), .alive(let q), .crashed(let q): q == 3
      default: false
      }
    })
    let hears = net.transitions.filter { $0.label == "A hear" }
    // Hand count: A hears the Ping of B[i] while B[i] is alive, and reads whether the other B
    // is alive or crashed (both happen with one crash of B allowed): 2 × 2 transitions, none
    // of them split again on D's crashed flag.
    #expect(hears.count == 4)
    #expect(hears.allSatisfy { $0.readPlaces.isDisjoint(with: ofD) })
  }

  @Test("An asynchronous timeout that never races a message is kept, as a plain transition")
  func harmlessAsynchronousTimeout() throws {
    try roundTrip(try PetriRun.source("""
      protocol Lonely
      role A { state waiting initial
        state gave_up
        on waiting timeout as give_up { goto gave_up } }
      """))
  }

  @Test("Models a place/transition net cannot express are refused, each with its reason")
  func refusals() throws {
    let tla = try readModel(path: modelPath("two-phase-tla"))
    let set = try #require(try petriRefusal(tla))
    #expect(set.reason == .notRepresentable && set.message.contains("'set'"))

    let fifo = try #require(try petriRefusal("""
      protocol Queue
      network fifo
      message M
      role A { state a initial
        state b
        on a step go { send M to B; goto b } }
      role B { state w initial
        state got
        on w receive M { goto got } }
      """))
    #expect(fifo.reason == .notRepresentable && fifo.message.contains("'fifo'"))

    // B's timeout fires in the initial state (nothing to receive), so its transition exists;
    // after A sends, the model disables it, and no arc of a P/T net can.
    let racing = try #require(try petriRefusal("""
      protocol Racing
      message Ping
      role A { state a initial
        state sent
        on a step send_ping { send Ping to B; goto sent } }
      role B { state w initial
        state got
        state gave_up
        on w receive Ping { goto got }
        on w timeout as give_up { goto gave_up } }
      """))
    #expect(racing.reason == .notRepresentable && racing.message.contains("'give_up' of role 'B' is a timeout without 'when'"))

    let twoStarts = try #require(try petriRefusal("""
      protocol TwoStarts
      role A { var v: bool
        state a initial
        start { choose { yes: { v = true } no: { v = false } } } }
      """))
    #expect(twoStarts.reason == .notRepresentable && twoStarts.message.contains("2 initial states"))

    let cut = try #require(try petriRefusal(try readModel(path: modelPath("two-phase-commit")), maxStates: 5))
    #expect(cut.reason == .incompleteExploration && cut.message.contains("max-states"))

    // Under symmetry reduction a state stands for an orbit: no longer the net's graph.
    let source = try readModel(path: modelPath("two-phase-commit"))
    let loaded = try compileModel(source: source, file: "2pc", options: CompileOptions())
    var reduced = ExplorerOptions()
    reduced.symmetry = try Symmetry(loaded.system)
    let exploration = Explorer().explore(loaded.system, options: reduced)
    let symmetric = try #require(throws: PetriError.self) { try PetriAnalysis(exploration: exploration) }
    #expect(symmetric.reason == .notRepresentable && symmetric.message.contains("symmetry reduction"))
  }

  @Test("The DOT drawing has an ellipse per place, a black box per transition, a cluster per process, and renders")
  func dotDrawing() throws {
    let run = try PetriRun.shipped("two-phase-commit", n: 2) { $0.crash["Coordinator"] = 1 }
    let net = run.analysis.net
    let dot = PetriDotWriter.dot(net)
    let graph = try DotGraph(dot)
    #expect(graph.clusters == run.system.processes.count)
    // A heading node per process box, then the places and transitions.
    #expect(graph.nodes.count == run.system.processes.count + net.places.count + net.transitions.count)
    #expect(graph.nodes.values.count { $0["shape"] == "ellipse" } == net.places.count)
    #expect(graph.nodes.values.count { $0["shape"] == "box" && $0["fillcolor"] == "black" } == net.transitions.count)
    #expect(graph.undeclared.isEmpty)
    // A read arc (in and out with the same weight) is drawn once, double-headed.
    let reads = net.transitions.reduce(0) { $0 + $1.readPlaces.count }
    #expect(reads > 0)
    let arcs = graph.edges.filter { $0.attributes["style"] != "invis" }
    #expect(arcs.count == net.arcCount - reads)
    #expect(arcs.count { $0.attributes["dir"] == "both" } == reads)
    _ = try renderSVG(dot)
  }

  @Test("PNML, DOT and the report are byte-identical from one run to the next")
  func deterministic() throws {
    let a = try PetriRun.shipped("three-phase-commit", n: 2, invariants: true) { $0.crash["Participant"] = 1 }
    let b = try PetriRun.shipped("three-phase-commit", n: 2, invariants: true) { $0.crash["Participant"] = 1 }
    #expect(a.pnml == b.pnml)
    #expect(PetriDotWriter.dot(a.analysis.net) == PetriDotWriter.dot(b.analysis.net))
    #expect(PetriReportWriter.json(a.analysis, file: "m") == PetriReportWriter.json(b.analysis, file: "m"))
    #expect(reportProblems(PetriReportWriter.json(a.analysis, file: "m")) == [])
    #expect(PetriReportWriter.text(a.analysis, file: "m") == PetriReportWriter.text(b.analysis, file: "m"))
  }
}
