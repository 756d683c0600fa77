import CommitCheckModel
import CommitCheckPetri

/// Writes a net as Graphviz DOT: places as ellipses (their initial tokens and name inside),
/// transitions as black boxes (their caption inside, unique in its box), one cluster per process
/// holding its local states, crashed flags, incoming messages and moves; budgets, the partition
/// and network failures stay outside.
///
/// A process's name is a bold heading node `hK` at the left of its box (tied by an invisible
/// edge to the process's initial local state), not the cluster's label: Graphviz routes arcs
/// around nodes, but draws them across cluster labels.
///
/// A read arc (a place a transition only tests) is one double-headed edge; a weight above 1 is
/// the edge's label.
public enum PetriDotWriter {
  public static func dot(_ net: PetriNet) -> String {
    var out = "digraph \(Dot.quoted(net.name)) {\n"
    out += "  rankdir=LR;\n"
    out += "  node [fontname=\"Helvetica\", fontsize=10];\n"
    out += "  edge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.6];\n"
    for column in net.processNames.indices {
      out += "  subgraph \(Dot.quoted("cluster_\(column)")) {\n"
      out += "    h\(column + 1) [shape=plaintext, fontname=\"Helvetica-Bold\", fontsize=13, label=\(Dot.quoted(net.processNames[column]))];\n"
      out += nodes(net, column: column, indent: "    ")
      let start = net.places.indices.first { net.places[$0].column == column && net.places[$0].initial > 0 }
        ?? net.places.indices.first { net.places[$0].column == column }
      if let start { out += "    h\(column + 1) -> p\(start + 1) [style=invis];\n" }
      out += "  }\n"
    }
    out += nodes(net, column: -1, indent: "  ")
    for (t, tr) in net.transitions.enumerated() {
      let reads = tr.readPlaces
      for a in tr.inputs {
        let weight = a.weight > 1 ? "label=\(Dot.quoted(String(a.weight)))" : nil
        if reads.contains(a.place) {
          out += "  p\(a.place + 1) -> t\(t + 1) [\(["dir=both", weight].compactMap { $0 }.joined(separator: ", "))];\n"
        } else {
          out += "  p\(a.place + 1) -> t\(t + 1)\(weight.map { " [\($0)]" } ?? "");\n"
        }
      }
      for a in tr.outputs where !reads.contains(a.place) {
        let weight = a.weight > 1 ? " [label=\(Dot.quoted(String(a.weight)))]" : ""
        out += "  t\(t + 1) -> p\(a.place + 1)\(weight);\n"
      }
    }
    out += "}\n"
    return out
  }

  /// The places and transitions drawn in one column (-1: outside every process).
  ///
  /// Every label is inside its node (a place's name inside its ellipse, as CPN Tools draws
  /// them, under its tokens; a transition's caption inside its black box), so Graphviz lays
  /// labels out with the nodes: they cannot overlap each other or the arcs, and they sit in
  /// their process's box. (Outside labels, `xlabel`, are placed after the layout, across arcs
  /// and cluster borders.)
  static func nodes(_ net: PetriNet, column: Int, indent: String) -> String {
    var out = ""
    for (i, place) in net.places.enumerated() where place.column == column {
      let tokens = place.initial == 0 ? [] : [place.initial == 1 ? "●" : "\(place.initial) ●"]
      out += "\(indent)p\(i + 1) [shape=ellipse, margin=\"0.04,0.02\", label=\(Dot.quoted((tokens + place.caption).joined(separator: "\n"))), "
      out += "tooltip=\(Dot.quoted(place.name))];\n"
    }
    for (t, tr) in net.transitions.enumerated() where tr.column == column {
      out += "\(indent)t\(t + 1) [shape=box, style=filled, fillcolor=black, fontcolor=white, height=0.25, margin=\"0.06,0.03\", "
      out += "label=\(Dot.quoted(tr.caption)), tooltip=\(Dot.quoted(tr.name))];\n"
    }
    return out
  }
}
