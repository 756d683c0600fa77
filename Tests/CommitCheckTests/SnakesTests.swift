import CommitCheck
import Foundation
import Testing

/// Runs `python3 -c script args...` and returns its exit code, stdout and stderr.
func runPython(_ script: String, _ arguments: [String] = []) throws -> (Int32, String, String) {
  try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script] + arguments)
}

/// SNAKES (PyPI `snakes`, https://snakes.ibisc.univ-evry.fr), a Python Petri net library written
/// without us, reads our PNML and builds the net's reachability graph itself: it must be the
/// explored state graph. It once refused every file we wrote (`SnakesError: no child
/// 'multiaction'`: a transition's tool-specific `<action>` made it load its synchronisation
/// plugin), so this pins that the files load, and what SNAKES computes from them.
///
/// Runs where `python3 -c "import snakes"` works, and always in CI (`CI=true`), whose `.ci/run`
/// installs SNAKES: there a missing SNAKES fails the test instead of skipping it.
struct SnakesTests {
  static let available = (try? runPython("import snakes"))?.0 == 0
  static let required = ProcessInfo.processInfo.environment["CI"] == "true"

  /// Loads the PNML file given as argument with `snakes.pnml.loads`, builds the marking graph
  /// (`snakes.nets.StateGraph`), and prints each state's marking (`M id place=tokens ...`, marked
  /// places only) and each edge (`E source transition target`).
  static let script = """
    import sys
    import snakes.pnml, snakes.nets
    net = snakes.pnml.loads(open(sys.argv[1]).read())
    if isinstance(net, list):
        assert len(net) == 1, "one net per file"
        net = net[0]
    graph = snakes.nets.StateGraph(net)
    graph.build()
    for state in range(len(graph)):
        graph.goto(state)
        marking = graph.net.get_marking()
        print("M", state, " ".join("%s=%d" % (p, len(marking[p])) for p in sorted(marking) if len(marking[p]) > 0))
        for target, transition, mode in graph.successors(state):
            print("E", state, transition.name, target)
    """

  /// The reachability graph SNAKES computes: markings as (place id → tokens), edges by
  /// transition id.
  struct Graph {
    var markings: [[String: Int]] = []
    var edges: [(source: Int, transition: String, target: Int)] = []
  }

  static func snakesGraph(_ pnml: String) throws -> Graph {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-\(UUID().uuidString).pnml")
    try Data(pnml.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let (code, out, err) = try runPython(script, [file.path])
    try #require(code == 0, "SNAKES could not load or explore the net: \(err)")
    var graph = Graph()
    for line in out.split(separator: "\n") {
      let fields = line.split(separator: " ").map(String.init)
      switch fields.first {
      case "M":
        try #require(Int(fields[1]) == graph.markings.count, "SNAKES numbers its states densely")
        var marking: [String: Int] = [:]
        for entry in fields.dropFirst(2) {
          let parts = entry.split(separator: "=")
          marking[String(parts[0])] = Int(parts[1])
        }
        graph.markings.append(marking)
      case "E":
        graph.edges.append((Int(fields[1])!, fields[2], Int(fields[3])!))
      default:
        Issue.record("unexpected line from the SNAKES script: \(line)")
      }
    }
    return graph
  }

  /// An edge of either graph, with the explorer's state ids and the explorer's action.
  struct Edge: Hashable {
    var source: Int
    var action: Action
    var target: Int
  }

  @Test("SNAKES loads our PNML and its reachability graph is the explored state graph, edge for edge",
        .enabled(if: available || required, "SNAKES is not installed (pip install snakes); CI installs it"),
        arguments: PetriTests.unordered, [false, true])
  func reachabilityGraph(model: String, crashCoordinator: Bool) throws {
    let run = try PetriRun.shipped(model, n: 2) { if crashCoordinator { $0.crash["Coordinator"] = 1 } }
    let snakes = try Self.snakesGraph(run.pnml)
    // Sizes, as `commitcheck petri` reports them.
    #expect(snakes.markings.count == run.analysis.states)
    #expect(snakes.edges.count == run.analysis.edges)

    // Each explored state's marking, from what the file says each place stands for (our own
    // reader, not the construction's encoding); SNAKES's markings must be exactly these.
    let net = try PnmlNet(try XMLParser.parse(run.pnml))
    let meanings = try net.placeTool.map { try #require(PlaceMeaning($0, run.system)) }
    let ex = run.exploration
    var stateOf: [[String: Int]: Int] = [:]
    for s in 0..<ex.stateCount {
      let state = ex.state(UInt32(s))
      var marking: [String: Int] = [:]
      for (p, meaning) in meanings.enumerated() where meaning.tokens(in: state) > 0 {
        marking[net.placeIDs[p]] = meaning.tokens(in: state)
      }
      try #require(stateOf.updateValue(s, forKey: marking) == nil, "explored states have distinct markings")
    }
    let states = try snakes.markings.map { try #require(stateOf[$0], "SNAKES reaches a marking of no explored state: \($0)") }
    #expect(states.first == 0, "SNAKES starts from the initial state's marking")
    #expect(Set(states).count == ex.stateCount)

    // Edges: SNAKES's transition (named by its PNML id) carries the explorer's action.
    let actions = Dictionary(uniqueKeysWithValues: zip(net.transitionIDs, net.transitionTool.map(action)))
    var fromSnakes: [Edge] = []
    for e in snakes.edges {
      let a = try #require(actions[e.transition] ?? nil, "transition \(e.transition) names its action")
      fromSnakes.append(Edge(source: states[e.source], action: a, target: states[e.target]))
    }
    var explored: [Edge] = []
    for s in 0..<ex.stateCount {
      for e in ex.edges(of: UInt32(s)) {
        explored.append(Edge(source: s, action: ex.edgeActions[e], target: Int(ex.edgeTargets[e])))
      }
    }
    #expect(Set(fromSnakes).count == fromSnakes.count && Set(explored).count == explored.count)
    #expect(Set(fromSnakes) == Set(explored))
  }
}
