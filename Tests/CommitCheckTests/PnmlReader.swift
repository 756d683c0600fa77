import Foundation

// An independent reader of PNML files, for checking the exported nets: a small XML parser, the
// P/T net it describes, its reachability graph by the token game, and a structural check of
// the document against the PNML 2009 P/T grammar. It shares no code with the construction.

/// An XML element: its name as written (with any prefix), attributes, child elements and the
/// text directly inside it.
struct XMLNode {
  var name: String
  var attributes: [String: String] = [:]
  var children: [XMLNode] = []
  var text = ""

  func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
  func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
}

struct XMLError: Error, CustomStringConvertible {
  var description: String
}

/// Parses an XML document: declaration, comments, elements, attributes in either quotes, text,
/// the five predefined entities and character references. No DTDs, no CDATA.
struct XMLParser {
  private let s: [Unicode.Scalar]
  private var i = 0

  static func parse(_ text: String) throws -> XMLNode {
    var parser = XMLParser(s: Array(text.unicodeScalars))
    parser.skipMisc()
    let root = try parser.element()
    parser.skipMisc()
    guard parser.i == parser.s.count else { throw XMLError(description: "content after the root element") }
    return root
  }

  private init(s: [Unicode.Scalar]) { self.s = s }

  private func starts(_ prefix: String) -> Bool {
    let p = Array(prefix.unicodeScalars)
    return i + p.count <= s.count && Array(s[i..<(i + p.count)]) == p
  }

  private mutating func skipSpace() {
    while i < s.count, s[i] == " " || s[i] == "\n" || s[i] == "\t" || s[i] == "\r" { i += 1 }
  }

  /// Whitespace, comments and processing instructions (the XML declaration) between elements.
  private mutating func skipMisc() {
    while true {
      skipSpace()
      if starts("<?") {
        while i < s.count, !starts("?>") { i += 1 }
        i += 2
      } else if starts("<!--") {
        while i < s.count, !starts("-->") { i += 1 }
        i += 3
      } else {
        return
      }
    }
  }

  private mutating func name() throws -> String {
    var out = ""
    while i < s.count, !" \n\t\r/>=".unicodeScalars.contains(s[i]) {
      out.unicodeScalars.append(s[i])
      i += 1
    }
    guard !out.isEmpty else { throw XMLError(description: "expected a name at offset \(i)") }
    return out
  }

  private mutating func decode(until end: Unicode.Scalar) throws -> String {
    var out = ""
    while i < s.count, s[i] != end {
      if s[i] == "&" {
        var entity = ""
        i += 1
        while i < s.count, s[i] != ";" {
          entity.unicodeScalars.append(s[i])
          i += 1
        }
        i += 1
        switch entity {
        case "amp": out += "&"
        case "lt": out += "<"
        case "gt": out += ">"
        case "quot": out += "\""
        case "apos": out += "'"
        default:
          let hex = entity.hasPrefix("#x")
          guard entity.hasPrefix("#"), let v = UInt32(entity.dropFirst(hex ? 2 : 1), radix: hex ? 16 : 10),
                let scalar = Unicode.Scalar(v) else { throw XMLError(description: "unknown entity '&\(entity);'") }
          out.unicodeScalars.append(scalar)
        }
      } else {
        if s[i] == "<" && end != "<" { throw XMLError(description: "'<' in an attribute value") }
        out.unicodeScalars.append(s[i])
        i += 1
      }
    }
    return out
  }

  private mutating func element() throws -> XMLNode {
    guard starts("<") else { throw XMLError(description: "expected '<' at offset \(i)") }
    i += 1
    var node = XMLNode(name: try name())
    while true {
      skipSpace()
      if starts("/>") {
        i += 2
        return node
      }
      if starts(">") {
        i += 1
        break
      }
      let attribute = try name()
      skipSpace()
      guard starts("=") else { throw XMLError(description: "expected '=' after attribute '\(attribute)'") }
      i += 1
      skipSpace()
      guard i < s.count, s[i] == "\"" || s[i] == "'" else { throw XMLError(description: "expected a quoted value") }
      let quote = s[i]
      i += 1
      let value = try decode(until: quote)
      i += 1
      guard node.attributes.updateValue(value, forKey: attribute) == nil else {
        throw XMLError(description: "attribute '\(attribute)' repeated on <\(node.name)>")
      }
    }
    while true {
      node.text += try decode(until: "<")
      guard i < s.count else { throw XMLError(description: "<\(node.name)> is not closed") }
      if starts("<!--") {
        skipMisc()
      } else if starts("</") {
        i += 2
        let closing = try name()
        guard closing == node.name else { throw XMLError(description: "</\(closing)> closes <\(node.name)>") }
        skipSpace()
        guard starts(">") else { throw XMLError(description: "expected '>' after </\(closing)") }
        i += 1
        return node
      } else {
        node.children.append(try element())
      }
    }
  }
}

/// A P/T net as a PNML file describes it: places with initial markings, transitions, and the
/// weighted arcs between them, each node with its `toolspecific` content.
struct PnmlNet {
  var placeIDs: [String] = []
  var placeTool: [XMLNode?] = []
  var initial: [Int] = []
  var transitionIDs: [String] = []
  var transitionTool: [XMLNode?] = []
  /// Per transition: (place index, weight) of the arcs in and out.
  var pre: [[(place: Int, weight: Int)]] = []
  var post: [[(place: Int, weight: Int)]] = []
  var arcCount = 0

  /// Reads the nodes of every page (pages may nest), then the arcs.
  init(_ root: XMLNode) throws {
    guard let net = root.child("net") else { throw XMLError(description: "no <net>") }
    var places: [String: Int] = [:], transitions: [String: Int] = [:]
    var arcs: [XMLNode] = []
    func visit(_ page: XMLNode) throws {
      for node in page.children {
        switch node.name {
        case "place":
          let id = node.attributes["id"] ?? ""
          places[id] = placeIDs.count
          placeIDs.append(id)
          placeTool.append(node.child("toolspecific")?.children.first)
          let text = node.child("initialMarking")?.child("text")?.text.trimmingCharacters(in: .whitespacesAndNewlines)
          guard let tokens = Int(text ?? "0") else { throw XMLError(description: "bad initial marking of \(id)") }
          initial.append(tokens)
        case "transition":
          let id = node.attributes["id"] ?? ""
          transitions[id] = transitionIDs.count
          transitionIDs.append(id)
          transitionTool.append(node.child("toolspecific")?.children.first)
        case "arc": arcs.append(node)
        case "page": try visit(node)
        default: break
        }
      }
    }
    for page in net.all("page") { try visit(page) }
    pre = Array(repeating: [], count: transitionIDs.count)
    post = pre
    for arc in arcs {
      let source = arc.attributes["source"] ?? "", target = arc.attributes["target"] ?? ""
      let text = arc.child("inscription")?.child("text")?.text.trimmingCharacters(in: .whitespacesAndNewlines)
      guard let weight = Int(text ?? "1") else { throw XMLError(description: "bad inscription on \(arc.attributes["id"] ?? "?")") }
      if let p = places[source], let t = transitions[target] {
        pre[t].append((p, weight))
      } else if let t = transitions[source], let p = places[target] {
        post[t].append((p, weight))
      } else {
        throw XMLError(description: "arc \(arc.attributes["id"] ?? "?") does not join a place and a transition")
      }
      arcCount += 1
    }
  }

  func isEnabled(_ t: Int, _ m: [Int]) -> Bool { pre[t].allSatisfy { m[$0.place] >= $0.weight } }

  func fire(_ t: Int, _ m: [Int]) -> [Int] {
    var next = m
    for a in pre[t] { next[a.place] -= a.weight }
    for a in post[t] { next[a.place] += a.weight }
    return next
  }
}

/// The reachability graph of a net by the token game, breadth first from the initial marking.
struct TokenGame {
  var markings: [[Int]] = []
  /// Per marking: (transition fired, marking reached).
  var edges: [[(transition: Int, target: Int)]] = []

  init(_ net: PnmlNet, limit: Int = 1_000_000) {
    // Only transitions with an input place that holds a token can be enabled.
    var consumers = Array(repeating: [Int](), count: net.placeIDs.count)
    var sourceless: [Int] = []
    for t in net.transitionIDs.indices {
      if let first = net.pre[t].first { consumers[first.place].append(t) } else { sourceless.append(t) }
    }
    var index: [[Int]: Int] = [net.initial: 0]
    markings = [net.initial]
    var k = 0
    while k < markings.count, markings.count <= limit {
      let m = markings[k]
      var candidates = sourceless
      for p in m.indices where m[p] > 0 { candidates += consumers[p] }
      var out: [(Int, Int)] = []
      for t in candidates.sorted() where net.isEnabled(t, m) {
        let next = net.fire(t, m)
        if let j = index[next] {
          out.append((t, j))
        } else {
          index[next] = markings.count
          out.append((t, markings.count))
          markings.append(next)
        }
      }
      edges.append(out)
      k += 1
    }
  }
}
