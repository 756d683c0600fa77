import CommitCheck
@testable import CommitCheckExport
import Foundation
import Testing

/// DOT exports: every kind of drawing of every shipped model goes through Graphviz `dot -Tsvg`
/// (any message on its stderr fails the test), and is parsed back to compare with the explorer.
///
/// Counts are checked twice, independently: by `DotGraph` (a DOT parser written for these tests)
/// and by counting the `class="node"` and `class="edge"` groups in the SVG Graphviz writes.
struct DotTests {
  /// A shipped model at N = 2 with the failures that make its graph interesting.
  struct Case: CustomTestStringConvertible, Sendable {
    var model: String
    var crash: String? = nil
    var partition = false
    /// The parameters: N = 2, or the smallest Paxos Commit (one RM, one acceptor: 45 states).
    var parameters: [String: Int] { model == "paxos-commit" ? ["R": 1, "A": 1, "Quorum": 1] : ["N": 2] }
    var testDescription: String {
      model + (crash.map { " --crash \($0)=1" } ?? "") + (partition ? " --partition" : "")
    }

    func load() throws -> LoadedModel {
      var o = CompileOptions()
      o.parameters = parameters
      if let crash { o.crash[crash] = 1 }
      if partition { o.partition = 1 }
      return try loadModel(path: modelPath(model), options: o)
    }

    func explore() throws -> Exploration { Explorer().explore(try load().system) }
  }

  static let cases: [Case] = [
    Case(model: "two-phase-commit", crash: "Coordinator"),
    Case(model: "two-phase-commit-cooperative", crash: "Coordinator"),
    Case(model: "three-phase-commit", crash: "Coordinator"),
    Case(model: "three-phase-commit-timeouts", partition: true),
    Case(model: "seed-naive-two-phase-commit"),
    Case(model: "seed-naive-three-phase-commit"),
    Case(model: "two-phase-tla"),
    Case(model: "paxos-commit", crash: "Leader"),
    Case(model: "tcommit"),
    Case(model: "two-phase-commit-presumed-abort", crash: "Coordinator"),
    Case(model: "two-phase-commit-presumed-abort-unforced", crash: "Coordinator"),
  ]

  /// The shipped models with an `N` parameter, and Paxos Commit.
  static let shipped = shippedModelNames + ["paxos-commit"]

  @Test("Shipped models are all covered", arguments: [()])
  func everyShippedModelIsCovered(_: Void) throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: "\(packageRoot)/models")
      .filter { $0.hasSuffix(".commit") }.map { String($0.dropLast(".commit".count)) }.sorted()
    #expect(files == Self.shipped.sorted())
    #expect(Set(Self.cases.map(\.model)) == Set(files))
    // TCommit has no messages and no failure that breaks it: nothing to violate.
    #expect(Set(Self.violated.map(\.model)) == Set(files).subtracting(["tcommit"]))
  }

  @Test("State graph has a node per state and an edge per transition", arguments: cases)
  func stateGraph(_ c: Case) throws {
    let ex = try c.explore()
    let dot = DotWriter.stateGraph(ex, marks: ex.stateMarks())
    let graph = try DotGraph(dot)
    #expect(graph.nodes.count == ex.stateCount)
    #expect(graph.edges.count == ex.transitions)
    #expect(graph.undeclared.isEmpty)
    // Initial states have a double border; failures are dashed (counted from the explorer's edges).
    #expect(graph.nodes.values.filter { $0["peripheries"] == "2" }.count == ex.initialCount)
    #expect(graph.edges.filter { $0.attributes["style"] == "dashed" }.count
      == ex.edgeActions.filter { $0.kind.isFailure }.count)
    let svg = try renderSVG(dot)
    #expect(svg.occurrences(of: "class=\"node\"") == ex.stateCount)
    #expect(svg.occurrences(of: "class=\"edge\"") == ex.transitions)
  }

  @Test("Collapsed graph merges states by control states, and its counts add up", arguments: cases)
  func collapsedGraph(_ c: Case) throws {
    let ex = try c.explore()
    let dot = DotWriter.collapsedGraph(ex, quotient: ex.controlQuotient(marks: ex.stateMarks()))
    let graph = try DotGraph(dot)
    // The classes, computed here from each state's control states and crashed flags.
    let system = ex.system
    let classes = Set((0..<ex.stateCount).map { id -> [Int] in
      let s = ex.state(UInt32(id))
      return system.processes.indices.flatMap { [system.controlState(s, process: $0), system.isCrashed(s, process: $0) ? 1 : 0] }
    })
    #expect(graph.nodes.count == classes.count)
    // A state made of control states alone (TCommit: no variables, no messages) is its class.
    let controlOnly = system.roles.allSatisfy(\.vars.isEmpty) && system.messages.isEmpty
    #expect(controlOnly ? graph.nodes.count == ex.stateCount : graph.nodes.count < ex.stateCount)
    let states = graph.nodes.values.map { Int(firstMatch(#"(\d+) states?<"#, in: $0["label"] ?? "") ?? "0")! }
    #expect(states.reduce(0, +) == ex.stateCount)
    let transitions = graph.edges.map { Int(firstMatch(#"×(\d+)$"#, in: $0.attributes["label"] ?? "") ?? "1")! }
    #expect(transitions.reduce(0, +) == ex.transitions)
    let svg = try renderSVG(dot)
    #expect(svg.occurrences(of: "class=\"node\"") == classes.count)
    #expect(svg.occurrences(of: "class=\"edge\"") == graph.edges.count)
  }

  @Test("2PC with a coordinator crash at N = 2 highlights a blocked state and the path to it",
        arguments: [false, true])
  func highlightBlocked(collapsed: Bool) throws {
    let ex = try Case(model: "two-phase-commit", crash: "Coordinator").explore()
    let termination = try #require(ex.checkProperties().first { $0.name == "termination" })
    #expect(termination.kind == .blocked)
    let trace = try #require(termination.trace)
    let path = try #require(ex.path(of: trace))
    let highlight = DotWriter.Highlight(property: "termination", path: path)
    let marks = ex.stateMarks()
    let dot = collapsed
      ? DotWriter.collapsedGraph(ex, quotient: ex.controlQuotient(marks: marks), highlight: highlight)
      : DotWriter.stateGraph(ex, marks: marks, highlight: highlight)
    let graph = try DotGraph(dot)
    // The bold edges form one walk from an initial node to a blocked one, a step per trace step.
    let bold = graph.edges.filter { $0.attributes["penwidth"] == "3" }
    let quotient = ex.controlQuotient(marks: marks)
    #expect(bold.count == (collapsed ? Set(path.edges.map { quotient.edgeOf[$0] }).count : trace.steps.count - 1))
    var node = try #require(graph.nodes.first { $0.value["peripheries"] == "2" && $0.value["penwidth"] == "3" }?.key)
    var remaining = bold
    while let i = remaining.firstIndex(where: { $0.from == node }) {
      node = remaining.remove(at: i).to
    }
    #expect(remaining.isEmpty, "the bold edges are not one path")
    let end = try #require(graph.nodes[node])
    #expect(end["label"]?.contains("blocked") == true)
    #expect(end["fillcolor"] == Dot.blockedFill)
    #expect(!marks.blocked.isEmpty)
    _ = try renderSVG(dot)
  }

  @Test("Role state machines draw every state, and every move the explorer makes", arguments: shipped)
  func machines(_ model: String) throws {
    // Drawn at the parameters explored below: a step's parameters make transitions per value.
    var drawnOptions = CompileOptions()
    drawnOptions.parameters = Case(model: model).parameters
    let loaded = try loadModel(path: modelPath(model), options: drawnOptions)
    let system = loaded.system
    let machines = system.roleMachines
    let dot = DotWriter.machines(system, machines)
    let graph = try DotGraph(dot)
    let stateCount = system.roles.map(\.states.count).reduce(0, +)
    let edgeCount = machines.map(\.edges.count).reduce(0, +)
    // One node per control state and a start dot per role; the start dot's edge enters the initial state.
    #expect(graph.nodes.count == stateCount + system.roles.count)
    #expect(graph.edges.count == edgeCount + system.roles.count)
    #expect(graph.clusters == system.roles.count)
    let svg = try renderSVG(dot)
    #expect(svg.occurrences(of: "class=\"node\"") == stateCount + system.roles.count)
    #expect(svg.occurrences(of: "class=\"edge\"") == edgeCount + system.roles.count)
    // Cross-check the arrows read off the syntax tree with the compiled successor function: under
    // crashes of every role (and a partition) each move taken is one of the drawn edges.
    var options = CompileOptions()
    options.parameters = Case(model: model).parameters
    for role in system.roles { options.crash[role.name] = 1 }
    options.partition = 1
    let ex = Explorer().explore(try loadModel(path: modelPath(model), options: options).system)
    #expect(ex.complete)
    let drawn = Set(machines.flatMap(\.edges).map {
      MachineMove(transition: $0.transition, choice: $0.choice, from: $0.from, to: $0.to)
    })
    let usage = ex.machineUsage()
    #expect(usage.moves.subtracting(drawn).isEmpty, "moves missing from the drawing: \(usage.moves.subtracting(drawn))")
    _ = try renderSVG(DotWriter.machines(system, machines, usage: usage))
  }

  @Test("machines --explore greys and lists what a run never uses")
  func deadCode() throws {
    // 3PC without failures: the termination protocol (backup states, takeovers) is dead code.
    let ex3 = try Case(model: "three-phase-commit").explore()
    let m3 = ex3.system.roleMachines
    let usage3 = ex3.machineUsage()
    let unused3 = DotWriter.unusedParts(ex3.system, m3, usage: usage3)
    #expect(unused3.contains("Participant: state 'backup_prepared' is never reached"))
    #expect(unused3.contains("Participant: transition 'take_over_uncertain' never fires"))
    let graph = try DotGraph(DotWriter.machines(ex3.system, m3, usage: usage3))
    let grey = graph.nodes.filter { $0.value["style"]?.contains("dashed") == true }.count
    #expect(grey == usage3.occupied.joined().filter { !$0 }.count)
    #expect(grey == 2)  // backup_prepared, backup_precommitted
    // 2PC with a coordinator crash: only the coordinator's vote timeout is dead, since no
    // participant ever crashes, and its recovery, since it never recovers (hand count over the
    // model's 10 transitions and their paths).
    let ex2 = try Case(model: "two-phase-commit", crash: "Coordinator").explore()
    let m2 = ex2.system.roleMachines
    #expect(DotWriter.unusedParts(ex2.system, m2, usage: ex2.machineUsage())
      == ["Coordinator: state 'recovering' is never reached", "Coordinator: transition 'vote_timeout' never fires",
          "Coordinator: transition 'resume' never fires"])
  }

  /// A configuration of every shipped model in which some property is violated.
  static let violated: [Case] = [
    Case(model: "two-phase-commit", crash: "Coordinator"),
    Case(model: "two-phase-commit-cooperative", crash: "Coordinator"),
    Case(model: "three-phase-commit", partition: true),
    Case(model: "three-phase-commit-timeouts", partition: true),
    Case(model: "seed-naive-two-phase-commit"),
    Case(model: "seed-naive-three-phase-commit"),
    Case(model: "two-phase-tla", partition: true),
    Case(model: "paxos-commit", crash: "Leader"),
    Case(model: "two-phase-commit-presumed-abort", crash: "Coordinator"),
    Case(model: "two-phase-commit-presumed-abort-unforced", crash: "Coordinator"),
  ]

  @Test("Sequence chart of a counterexample fits 100 columns, draws every message and renders",
        arguments: violated)
  func sequenceChart(_ c: Case) throws {
    let ex = try c.explore()
    let results = ex.checkProperties().filter { $0.trace != nil }
    #expect(!results.isEmpty)
    for result in results {
      let trace = try #require(result.trace)
      let chart = ex.sequenceChart(trace)
      let title = SequenceChartWriter.title(ex.system, result)
      let text = SequenceChartWriter.text(chart, system: ex.system, title: title)
      for line in text.split(separator: "\n") { #expect(line.count <= 100, "too wide: \(line)") }
      #expect(text.split(separator: "\n").filter { $0.hasPrefix("   ") && $0.contains("│") }.count >= trace.steps.count)
      // Every receipt in the trace is an arrow from its sender, sent at an earlier step.
      for step in trace.steps.dropFirst() where step.kind == "receive" {
        let s = chart.steps[step.index - 1]
        let arrow = chart.arrows[try #require(s.arrow)]
        #expect(chart.processes[arrow.source] == step.messageFrom)
        #expect(arrow.text == step.message)
        #expect(arrow.sent < step.index && arrow.ended == step.index)
      }
      let dot = SequenceChartWriter.dot(chart, system: ex.system, title: title)
      let graph = try DotGraph(dot)
      let p = chart.processes.count, rows = chart.steps.count + 2
      let drawnArrows = chart.arrows.filter { $0.ended != nil }.count
      #expect(graph.nodes.count == p * rows)
      #expect(graph.edges.filter { $0.attributes["constraint"] == "false" }.count == drawnArrows)
      #expect(graph.edges.count == p * (rows - 1) + (p - 1) * rows + drawnArrows)
      #expect(graph.undeclared.isEmpty)
      let svg = try renderSVG(dot)
      #expect(svg.occurrences(of: "class=\"node\"") == p * rows)
    }
  }

  @Test("3PC with timeouts under a partition: the chart shows the two sides deciding differently")
  func partitionChart() throws {
    let ex = try Case(model: "three-phase-commit-timeouts", partition: true).explore()
    let atomicity = try #require(ex.checkProperties().first { $0.name == "atomicity" })
    let chart = ex.sequenceChart(try #require(atomicity.trace))
    let partition = try #require(chart.steps.first { $0.kind == .partition })
    let final = try #require(chart.steps.last?.status)
    let committed = final.indices.filter { final[$0].decision == .commit }
    let aborted = final.indices.filter { final[$0].decision == .abort }
    #expect(!committed.isEmpty && !aborted.isEmpty)
    #expect(Set(committed.map { final[$0].side }).count == 1)
    #expect(Set(aborted.map { final[$0].side }).count == 1)
    #expect(final[committed[0]].side != final[aborted[0]].side, "commit and abort on the same side")
    #expect(chart.steps.filter { $0.decision != nil }.allSatisfy { $0.index > partition.index })
    let text = SequenceChartWriter.text(chart, system: ex.system, title: "t")
    let end = try #require(text.split(separator: "\n").first { $0.hasPrefix("  end") })
    #expect(end.contains("✓") && end.contains("✗"))
    #expect(text.contains("network partitions"))
    #expect(text.contains("║"))
  }

  @Test("Losses, fifo queues and livelock cycles are drawn")
  func lossesAndCycles() throws {
    // Two processes that pass a message back and forth forever over fifo queues: a livelock
    // whose cycle is the two receipts after the first (hand-traced: 3 states).
    let ping = try compile("""
      protocol PingPong
      network fifo
      message Ping(n: 0...1)
      message Pong
      role A {
        state idle initial
        state done decides commit
        start { send Ping(n: 0) to B }
        on idle receive Pong from b { send Ping(n: 1) to b }
      }
      role B {
        state idle initial
        state done decides commit
        on idle receive Ping(n: x) from a { send Pong to a }
      }
      """)
    let ex = Explorer().explore(ping.system)
    #expect(ex.stateCount == 3)
    let termination = try #require(ex.checkProperties().first { $0.name == "termination" })
    #expect(termination.kind == .livelock)
    let chart = ex.sequenceChart(try #require(termination.trace))
    #expect(chart.loopStart == 1 && chart.steps.count == 3)
    #expect(chart.steps.map { chart.arrows[$0.arrow!].sent } == [0, 1, 2])
    let text = SequenceChartWriter.text(chart, system: ex.system, title: "t")
    #expect(text.contains("↻ the cycle starts here") && text.contains("↻ back to step 1"))
    _ = try renderSVG(SequenceChartWriter.dot(chart, system: ex.system, title: "t"))
    _ = try renderSVG(DotWriter.stateGraph(ex, marks: ex.stateMarks()))

    // 2PC where the network may lose a message: termination fails when a Prepare is lost; the
    // lost message's arrow ends at the loss, drawn with a bar head.
    var options = CompileOptions()
    options.parameters["N"] = 2
    options.lose = 1
    let lossy = Explorer().explore(try loadModel(path: modelPath("two-phase-commit"), options: options).system)
    let blocked = try #require(lossy.checkProperties().first { $0.name == "termination" }?.trace)
    let lossChart = lossy.sequenceChart(blocked)
    let lost = lossChart.arrows.filter { $0.fate == .lost }
    #expect(lost.count == 1 && lost[0].text == "Prepare")
    let graph = try DotGraph(SequenceChartWriter.dot(lossChart, system: lossy.system, title: "t"))
    #expect(graph.edges.filter { $0.attributes["arrowhead"] == "tee" }.count == 1)
    #expect(SequenceChartWriter.text(lossChart, system: lossy.system, title: "t").contains("network loses Prepare"))
    _ = try renderSVG(DotWriter.collapsedGraph(lossy, quotient: lossy.controlQuotient(marks: lossy.stateMarks())))
  }

  @Test("Quotes, backslashes and markup in labels survive the trip through dot")
  func escaping() throws {
    let hostile = "a \"quoted\" \\N back\\slash <b>&amp; x</b> é → ×\nsecond line"
    let dot = """
      digraph \(Dot.quoted("name \"with\" quotes")) {
        a [label=\(Dot.quoted(hostile))]
        b [label=<\(Dot.html(hostile))>]
        a -> b [label=\(Dot.quoted("}\"; c -> d [label=x"))]
      }
      """
    let graph = try DotGraph(dot)
    #expect(graph.nodes.count == 2 && graph.edges.count == 1)
    #expect(unescapeQuoted(graph.nodes["a"]?["label"] ?? "")
      == hostile.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\n", with: "\\n"))
    let svg = try renderSVG(dot)
    #expect(svg.occurrences(of: "class=\"node\"") == 2)
    // Both labels show the text as given (XML-escaped in the SVG), `\N` included.
    #expect(svg.occurrences(of: ">a &quot;quoted&quot; \\N back\\slash &lt;b&gt;&amp;amp; x&lt;/b&gt; é → ×") == 2)
    #expect(svg.contains("}&quot;; c &#45;&gt; d [label=x<"))
  }

  @Test("Drawings are byte-identical from one run to the next")
  func deterministic() throws {
    let c = Case(model: "three-phase-commit-timeouts", partition: true)
    func draw() throws -> [String] {
      let ex = try c.explore()
      let marks = ex.stateMarks()
      let result = try #require(ex.checkProperties().first { $0.name == "atomicity" })
      let chart = ex.sequenceChart(try #require(result.trace))
      return [DotWriter.stateGraph(ex, marks: marks), DotWriter.collapsedGraph(ex, quotient: ex.controlQuotient(marks: marks)),
              SequenceChartWriter.text(chart, system: ex.system, title: "t"),
              SequenceChartWriter.dot(chart, system: ex.system, title: "t")]
    }
    #expect(try draw() == draw())
  }

  @Test("Committed models/<name>.svg are the current machines drawings", arguments: shipped)
  func committedSVG(_ model: String) throws {
    let system = try loadModel(path: modelPath(model)).system
    let machines = system.roleMachines
    let graph = try DotGraph(DotWriter.machines(system, machines))
    let path = "\(packageRoot)/models/\(model).svg"
    let svg = try #require(FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) },
                           "missing \(path): commitcheck machines models/\(model).commit | dot -Tsvg -o \(path)")
    // Node titles are the DOT node ids; edge labels are compared as the SVG writes them.
    let titles = Set(allMatches(#"<g id="node\d+" class="node">\s*<title>([^<]*)</title>"#, in: svg))
    #expect(titles == Set(graph.nodes.keys), "regenerate \(path)")
    #expect(svg.occurrences(of: "class=\"edge\"") == graph.edges.count, "regenerate \(path)")
  }

  @Test("graph refuses more than --max-nodes in one line that suggests --collapse")
  func maxNodes() throws {
    let (code, out, err) = try runTool(["graph", modelPath("two-phase-commit"), "--param", "N=3", "--max-nodes", "100", "-q"])
    #expect(code == 2)
    #expect(out.isEmpty)
    #expect(err.split(separator: "\n").count == 1)
    // 179 states (the N = 3 graph above), 54 control-state classes (its collapsed graph).
    #expect(err.contains("179 nodes") && err.contains("--collapse") && err.contains("54 nodes"))
    let (collapsed, dot, _) = try runTool(["graph", modelPath("two-phase-commit"), "--param", "N=3", "--max-nodes", "100",
                                           "--collapse", "-q"])
    #expect(collapsed == 0)
    #expect(try DotGraph(dot).nodes.count == 54)
    let (traced, chart, _) = try runTool(["trace", modelPath("two-phase-commit"), "--param", "N=2", "--crash",
                                          "Coordinator=1", "--property", "termination", "-q"])
    #expect(traced == 1 && chart.contains("termination violated (blocked)"))
    let (unknown, _, message) = try runTool(["trace", modelPath("two-phase-commit"), "--property", "liveness", "-q"])
    #expect(unknown == 2 && message.contains("unknown property 'liveness'"))
  }
}
