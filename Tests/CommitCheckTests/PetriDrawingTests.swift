import CommitCheck
import Foundation
import Testing

/// Graphviz's own layout of a DOT text (`dot -Tjson`): node boxes, cluster boxes and edge
/// splines in points, read back to check the drawing rather than the text.
struct DotLayout {
  struct Node {
    var name: String
    var ellipse: Bool
    /// Centre and half extents.
    var x, y, halfWidth, halfHeight: Double

    /// Whether `p` is inside the node, a little inside its border (an arc ends on the border).
    func contains(_ p: (x: Double, y: Double)) -> Bool {
      let dx = (p.x - x) / halfWidth, dy = (p.y - y) / halfHeight
      return ellipse ? dx * dx + dy * dy < 0.9 : abs(dx) < 0.95 && abs(dy) < 0.9
    }

    func overlaps(_ o: Node) -> Bool {
      abs(x - o.x) < halfWidth + o.halfWidth && abs(y - o.y) < halfHeight + o.halfHeight
    }
  }

  var nodes: [Int: Node] = [:]
  /// Cluster name → its box (x0, y0, x1, y1) and its nodes' ids.
  var clusters: [String: (box: [Double], nodes: [Int])] = [:]
  /// Per visible edge: its two ends and the cubic Bézier pieces of its spline.
  var edges: [(tail: Int, head: Int, pieces: [[(x: Double, y: Double)]])] = []

  init(_ dot: String) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-layout-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.dot")
    try Data(dot.utf8).write(to: input)
    let (code, output, errors) = try runProcess(try dotExecutable(), ["-Tjson", input.path])
    try #require(code == 0, "dot -Tjson failed: \(errors)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    func point(_ text: Substring) -> (x: Double, y: Double) {
      let xy = text.split(separator: ",").suffix(2).map { Double($0)! }
      return (xy[0], xy[1])
    }
    for object in json["objects"] as? [[String: Any]] ?? [] {
      let id = object["_gvid"] as! Int, name = object["name"] as! String
      if let bb = object["bb"] as? String, name.hasPrefix("cluster") {
        clusters[name] = (bb.split(separator: ",").map { Double($0)! }, object["nodes"] as? [Int] ?? [])
      } else if let pos = object["pos"] as? String {
        let (x, y) = point(Substring(pos))
        nodes[id] = Node(name: name, ellipse: object["shape"] as? String == "ellipse", x: x, y: y,
                         halfWidth: Double(object["width"] as! String)! * 36, halfHeight: Double(object["height"] as! String)! * 36)
      }
    }
    for edge in json["edges"] as? [[String: Any]] ?? [] where edge["style"] as? String != "invis" {
      let controls = (edge["pos"] as! String).split(separator: " ").filter { !$0.hasPrefix("e,") && !$0.hasPrefix("s,") }.map(point)
      let pieces = stride(from: 0, to: controls.count - 3, by: 3).map { Array(controls[$0...($0 + 3)]) }
      edges.append((edge["tail"] as! Int, edge["head"] as! Int, pieces))
    }
  }

  /// Points along a cubic Bézier piece.
  static func samples(_ p: [(x: Double, y: Double)], count: Int = 24) -> [(x: Double, y: Double)] {
    (0...count).map { k in
      let t = Double(k) / Double(count), u = 1 - t
      let (a, b, c, d) = (u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t)
      return (a * p[0].x + b * p[1].x + c * p[2].x + d * p[3].x, a * p[0].y + b * p[1].y + c * p[2].y + d * p[3].y)
    }
  }
}

/// The Petri net's DOT drawing is readable at N = 2 (issue 18). Before, 2PC's coordinator had
/// four transitions all labelled `collect_yes` (only SVG tooltips told them apart), and the
/// labels were `xlabel`s, which Graphviz places after the layout: over each other, over the
/// arcs, and outside their process's box.
struct PetriDrawingTests {
  static func drawing(_ model: String) throws -> (net: PetriNet, dot: String) {
    let run = try PetriRun.shipped(model, n: 2) { $0.crash["Coordinator"] = 1 }
    return (run.analysis.net, PetriDotWriter.dot(run.analysis.net))
  }

  // Pins: transition labels unique per process box (failed before: `collect_yes` four times).
  @Test("Every transition's label is unique in its process's box", arguments: PetriTests.unordered)
  func uniqueLabels(model: String) throws {
    let (net, dot) = try Self.drawing(model)
    let graph = try DotGraph(dot)
    var labels: [String: Set<String>] = [:]
    for t in net.transitions.indices {
      let attributes = try #require(graph.nodes["t\(t + 1)"])
      let label = try #require(attributes["label"])
      let box = graph.clusterOf["t\(t + 1)"] ?? "outside every process"
      #expect(labels[box, default: []].insert(label).inserted, "'\(label)' twice in \(box)")
    }
  }

  @Test("2PC's coordinator at N = 2 has its four collect_yes transitions numbered in net order")
  func numberedCaptions() throws {
    let (net, _) = try Self.drawing("two-phase-commit")
    let collect = net.transitions.filter { $0.label == "Coordinator collect_yes" }
    // One per voter and yes set it finds: 2 voters × the 2 yes sets that lack the voter = 4.
    #expect(collect.map(\.caption) == ["collect_yes #1", "collect_yes #2", "collect_yes #3", "collect_yes #4"])
    // A move the box holds once keeps its plain name.
    #expect(net.transitions.contains { $0.caption == "crash" && $0.column == 0 })
  }

  // Pins: labels inside their nodes, so Graphviz lays them out (failed before: every label was
  // an `xlabel`), and the layout Graphviz computes has no overlapping nodes, every node inside
  // its process's box, and no arc through a node it does not join.
  @Test("Graphviz lays the drawing out with labels inside nodes, nothing overlapping, each node in its box",
        arguments: PetriTests.unordered)
  func layout(model: String) throws {
    let (net, dot) = try Self.drawing(model)
    let graph = try DotGraph(dot)
    #expect(graph.nodes.values.allSatisfy { $0["xlabel"] == nil })
    for (i, place) in net.places.enumerated() {
      #expect(graph.nodes["p\(i + 1)"]?["label"]?.contains(place.caption.last!) == true)
    }
    let layout = try DotLayout(dot)
    // A heading per process box (its name, a node so that arcs go around it), the places and
    // the transitions.
    #expect(layout.nodes.count == net.processNames.count + net.places.count + net.transitions.count)
    #expect(layout.clusters.values.allSatisfy { c in c.nodes.contains { layout.nodes[$0]!.name.hasPrefix("h") } })
    let nodes = layout.nodes.sorted { $0.key < $1.key }
    for (k, a) in nodes.enumerated() {
      for b in nodes[(k + 1)...] where a.value.overlaps(b.value) {
        Issue.record("\(a.value.name) and \(b.value.name) overlap")
      }
    }
    #expect(layout.clusters.count == net.processNames.count)
    for (name, cluster) in layout.clusters {
      for id in cluster.nodes {
        let n = layout.nodes[id]!
        let inside = cluster.box[0] <= n.x - n.halfWidth && n.x + n.halfWidth <= cluster.box[2]
          && cluster.box[1] <= n.y - n.halfHeight && n.y + n.halfHeight <= cluster.box[3]
        #expect(inside, "\(n.name) sticks out of \(name)")
      }
    }
    for edge in layout.edges {
      let points = edge.pieces.flatMap { DotLayout.samples($0) }
      for (id, n) in layout.nodes where id != edge.tail && id != edge.head && points.contains(where: n.contains) {
        Issue.record("the arc \(layout.nodes[edge.tail]!.name) → \(layout.nodes[edge.head]!.name) crosses \(n.name)")
      }
    }
  }
}
