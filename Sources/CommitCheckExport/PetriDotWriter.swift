import CommitCheckModel
import CommitCheckPetri

/// Writes a net as Graphviz DOT: places as circles (their initial tokens inside), transitions as
/// black bars, one cluster per process holding its local states, crashed flags, incoming
/// messages and moves; budgets, the partition and network failures stay outside.
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
      out += "    label=\(Dot.quoted(net.processNames[column]));\n"
      out += nodes(net, column: column, indent: "    ")
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
  static func nodes(_ net: PetriNet, column: Int, indent: String) -> String {
    var out = ""
    for (i, place) in net.places.enumerated() where place.column == column {
      let tokens = place.initial == 0 ? "" : place.initial == 1 ? "●" : String(place.initial)
      out += "\(indent)p\(i + 1) [shape=circle, fixedsize=true, width=0.35, label=\(Dot.quoted(tokens)), "
      out += "xlabel=\(Dot.quoted(shortName(place.name, column: column, net))), tooltip=\(Dot.quoted(place.name))];\n"
    }
    for (t, tr) in net.transitions.enumerated() where tr.column == column {
      out += "\(indent)t\(t + 1) [shape=box, style=filled, fillcolor=black, fixedsize=true, width=0.08, height=0.4, "
      out += "label=\"\", xlabel=\(Dot.quoted(shortName(tr.label, column: column, net))), tooltip=\(Dot.quoted(tr.name))];\n"
    }
    return out
  }

  /// The name without the process prefix its cluster already shows.
  static func shortName(_ name: String, column: Int, _ net: PetriNet) -> String {
    guard column >= 0 else { return name }
    let prefix = net.processNames[column] + " "
    return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
  }
}
