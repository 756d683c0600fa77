import CommitCheckModel
import CommitCheckPetri

/// Writes a net as a PNML 2009 place/transition net
/// (`http://www.pnml.org/version-2009/grammar/ptnet`), the format TINA, LoLA, GreatSPN and
/// CPN Tools read.
///
/// Every place and transition has a readable name and a position: one column per process
/// (its local states, crashed flags and incoming messages, with its transitions beside them),
/// and a last column for the failure budgets, the partition and the network's failures. A
/// `toolspecific` element on each node records what it stands for in the model (the state
/// slots of a place, the explorer's action of a transition), so the file can be checked
/// against the explored graph.
///
/// Readers that interpret tool-specific content by element name must not mistake ours for
/// theirs: SNAKES loads a plugin for every element name one of its plugins claims, whatever the
/// `tool` attribute says, and refuses the file when the content is not that plugin's (its
/// synchronisation plugin claims `action`). So a transition's action is a `<move>`, and no
/// element name here is one SNAKES claims; a test loads every exported net in SNAKES.
public enum PnmlWriter {
  public static let namespace = "http://www.pnml.org/version-2009/grammar/pnml"
  public static let netType = "http://www.pnml.org/version-2009/grammar/ptnet"
  public static let tool = "CommitCheck"
  public static let toolVersion = "0.1.0"

  /// Horizontal distance between process columns, and between a column's places and its bars.
  static let columnWidth = 360
  static let barOffset = 180

  public static func pnml(_ net: PetriNet) -> String {
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out += "<pnml xmlns=\"\(namespace)\">\n"
    out += "  <net id=\"net\" type=\"\(netType)\">\n"
    out += "    <name><text>\(escape(net.name))</text></name>\n"
    out += "    <page id=\"page\">\n"
    let positions = layout(net)
    for (i, place) in net.places.enumerated() {
      out += "      <place id=\"p\(i + 1)\">\n"
      out += "        <name><text>\(escape(place.name))</text><graphics><offset x=\"0\" y=\"-22\"/></graphics></name>\n"
      out += "        <graphics><position x=\"\(positions.places[i].x)\" y=\"\(positions.places[i].y)\"/></graphics>\n"
      if place.initial > 0 { out += "        <initialMarking><text>\(place.initial)</text></initialMarking>\n" }
      out += "        <toolspecific tool=\"\(tool)\" version=\"\(toolVersion)\">\(placeInfo(place.kind))</toolspecific>\n"
      out += "      </place>\n"
    }
    for (t, tr) in net.transitions.enumerated() {
      let a = tr.action
      out += "      <transition id=\"t\(t + 1)\">\n"
      out += "        <name><text>\(escape(tr.name))</text><graphics><offset x=\"0\" y=\"-16\"/></graphics></name>\n"
      out += "        <graphics><position x=\"\(positions.transitions[t].x)\" y=\"\(positions.transitions[t].y)\"/></graphics>\n"
      out += "        <toolspecific tool=\"\(tool)\" version=\"\(toolVersion)\"><move kind=\"\(a.kind.name)\" process=\"\(a.process)\" transition=\"\(a.transition)\" message=\"\(a.message)\" choice=\"\(a.choice)\"/></toolspecific>\n"
      out += "      </transition>\n"
    }
    for (k, arc) in net.arcs.enumerated() {
      let (source, target) = arc.toTransition ? ("p\(arc.place + 1)", "t\(arc.transition + 1)")
        : ("t\(arc.transition + 1)", "p\(arc.place + 1)")
      out += "      <arc id=\"a\(k + 1)\" source=\"\(source)\" target=\"\(target)\">"
      out += "<inscription><text>\(arc.weight)</text></inscription></arc>\n"
    }
    out += "    </page>\n"
    out += "  </net>\n"
    out += "</pnml>\n"
    return out
  }

  /// What a place stands for, for tools (and tests) that relate the net to the model.
  static func placeInfo(_ kind: PlaceKind) -> String {
    switch kind {
    case .local(let p, let values):
      "<local process=\"\(p)\" values=\"\(values.map(String.init).joined(separator: ","))\"/>"
    case .alive(let p): "<alive process=\"\(p)\"/>"
    case .crashed(let p): "<crashed process=\"\(p)\"/>"
    case .message(let c): "<message channel=\"\(c)\"/>"
    case .budget(let slot, let failure, _): "<budget slot=\"\(slot)\" failure=\"\(failure.name)\"/>"
    case .partition(let mask): "<partition mask=\"\(mask)\"/>"
    }
  }

  /// Positions in the columns: places top to bottom at the column's left, transitions top to
  /// bottom to their right.
  static func layout(_ net: PetriNet) -> (places: [(x: Int, y: Int)], transitions: [(x: Int, y: Int)]) {
    let columns = net.processNames.count + 1
    func column(_ c: Int) -> Int { c < 0 ? columns - 1 : c }
    var placeRows = Array(repeating: 0, count: columns), barRows = Array(repeating: 0, count: columns)
    let places = net.places.map { place -> (x: Int, y: Int) in
      let c = column(place.column)
      placeRows[c] += 1
      return (60 + c * columnWidth, 40 + placeRows[c] * 80)
    }
    let transitions = net.transitions.map { tr -> (x: Int, y: Int) in
      let c = column(tr.column)
      barRows[c] += 1
      return (60 + c * columnWidth + barOffset, 40 + barRows[c] * 50)
    }
    return (places, transitions)
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for ch in s {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default: out.append(ch)
      }
    }
    return out
  }
}
