import Foundation

/// The structure of a PNML 2009 place/transition net document, checked element by element.
///
/// Written from the published RELAX NG grammar: pnmlcoremodel.rng (the core model: pnml, net,
/// page, place, transition, reference nodes, arc, name, graphics, toolspecific), ptnet.pntd
/// (the P/T net type URI; initialMarking and inscription labels) and conventions.rng (their
/// text: a non-negative and a positive integer). Content models are interleaves, so children
/// may come in any order; what is checked is which children and attributes may occur, how
/// often, and the datatypes of their values. Then what the grammar states in words: ids are
/// unique (xsd:ID), references resolve (xsd:IDREF), and an arc joins a place and a transition.
enum PnmlGrammar {
  static let namespace = "http://www.pnml.org/version-2009/grammar/pnml"
  static let ptnetType = "http://www.pnml.org/version-2009/grammar/ptnet"

  /// An element's content: required and optional attributes, and each allowed child with its
  /// least and greatest number of occurrences (Int.max: unbounded).
  struct Content {
    var required: [String] = []
    var optional: [String] = []
    var children: [String: (min: Int, max: Int)] = [:]
    var text = false
  }

  static let many = Int.max
  /// `graphics` means three different things: a node's, an arc's and an annotation's.
  static let rules: [String: Content] = {
    let label = Content(children: ["text": (0, 1), "graphics@annotation": (0, 1), "toolspecific": (0, many)])
    let node: [String: (min: Int, max: Int)] = ["name": (0, 1), "toolspecific": (0, many), "graphics@node": (0, 1)]
    var page = node
    for object in ["place", "transition", "arc", "page", "referencePlace", "referenceTransition"] { page[object] = (0, many) }
    var place = node
    place["initialMarking"] = (0, 1)
    return [
      "pnml": Content(children: ["net": (1, many)]),
      "net": Content(required: ["id", "type"], children: ["name": (0, 1), "page": (1, many), "toolspecific": (0, many)]),
      "page": Content(required: ["id"], children: page),
      "place": Content(required: ["id"], children: place),
      "transition": Content(required: ["id"], children: node),
      "referencePlace": Content(required: ["id", "ref"], children: node),
      "referenceTransition": Content(required: ["id", "ref"], children: node),
      "arc": Content(required: ["id", "source", "target"],
                     children: ["name": (0, 1), "inscription": (0, 1), "graphics@edge": (0, 1), "toolspecific": (0, many)]),
      "name": label, "initialMarking": label, "inscription": label,
      "text": Content(text: true),
      "graphics@node": Content(children: ["position": (1, 1), "dimension": (0, 1), "fill": (0, 1), "line": (0, 1)]),
      "graphics@edge": Content(children: ["position": (0, many), "line": (0, 1)]),
      "graphics@annotation": Content(children: ["offset": (1, 1), "fill": (0, 1), "line": (0, 1), "font": (0, 1)]),
      "position": Content(required: ["x", "y"]),
      "offset": Content(required: ["x", "y"]),
      "dimension": Content(required: ["x", "y"]),
      "fill": Content(optional: ["color", "gradient-color", "gradient-rotation", "image"]),
      "line": Content(optional: ["shape", "color", "width", "style"]),
      "font": Content(optional: ["family", "style", "weight", "size", "decoration", "align", "rotation"]),
      "toolspecific": Content(required: ["tool", "version"]),
    ]
  }()

  /// Every violation found, empty for a valid document.
  static func errors(_ root: XMLNode) -> [String] {
    var errors: [String] = []
    var ids: [String: String] = [:]
    var references: [(from: String, attribute: String, id: String, element: String)] = []
    var arcs: [(id: String, source: String, target: String)] = []
    if root.name != "pnml" { errors.append("the root element is <\(root.name)>, not <pnml>") }
    if root.attributes["xmlns"] != namespace { errors.append("<pnml> is not in the namespace \(namespace)") }

    func check(_ e: XMLNode, as rule: String, path: String) {
      guard let content = rules[rule] else {
        errors.append("\(path): <\(e.name)> is not a PNML element here")
        return
      }
      for (attribute, value) in e.attributes {
        if attribute == "xmlns" {
          if value != namespace { errors.append("\(path): xmlns is '\(value)'") }
          continue
        }
        if attribute.hasPrefix("xmlns:") { continue }
        guard content.required.contains(attribute) || content.optional.contains(attribute) else {
          errors.append("\(path): attribute '\(attribute)' is not allowed")
          continue
        }
        if let problem = datatypeProblem(rule, attribute, value) { errors.append("\(path): \(problem)") }
      }
      for attribute in content.required where e.attributes[attribute] == nil {
        errors.append("\(path): attribute '\(attribute)' is missing")
      }
      if let id = e.attributes["id"], ["net", "page", "place", "transition", "arc", "referencePlace", "referenceTransition"].contains(rule) {
        if ids.updateValue(rule, forKey: id) != nil { errors.append("\(path): id '\(id)' is not unique") }
      }
      if rule == "arc" { arcs.append((e.attributes["id"] ?? "?", e.attributes["source"] ?? "", e.attributes["target"] ?? "")) }
      if rule == "referencePlace" || rule == "referenceTransition", let ref = e.attributes["ref"] {
        references.append((e.attributes["id"] ?? "?", "ref", ref, rule))
      }
      if !content.text && !e.text.allSatisfy({ $0.isWhitespace }) {
        errors.append("\(path): text is only allowed inside <text>")
      }
      if rule == "toolspecific" { return }  // anyElement: any content
      var counts: [String: Int] = [:]
      for child in e.children {
        guard !child.name.contains(":") else {
          errors.append("\(path): <\(child.name)> is outside the PNML namespace")
          continue
        }
        let childRule = child.name == "graphics" ? "graphics@" + graphicsKind(rule) : child.name
        guard content.children[childRule] != nil else {
          errors.append("\(path): <\(child.name)> is not allowed in <\(e.name)>")
          continue
        }
        counts[childRule, default: 0] += 1
        check(child, as: childRule, path: path + "/" + child.name + (child.attributes["id"].map { "[\($0)]" } ?? ""))
      }
      for (child, bounds) in content.children {
        let n = counts[child] ?? 0
        if n < bounds.min { errors.append("\(path): <\(child.split(separator: "@")[0])> is missing") }
        if n > bounds.max { errors.append("\(path): <\(child.split(separator: "@")[0])> occurs \(n) times") }
      }
      if rule == "text" {
        let value = e.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if path.hasSuffix("initialMarking/text"), !isInteger(value, least: 0) {
          errors.append("\(path): an initial marking must be a non-negative integer, found '\(value)'")
        }
        if path.hasSuffix("inscription/text"), !isInteger(value, least: 1) {
          errors.append("\(path): an arc inscription must be a positive integer, found '\(value)'")
        }
      }
    }
    check(root, as: "pnml", path: "pnml")

    for r in references {
      let wanted = r.element == "referencePlace" ? ["place", "referencePlace"] : ["transition", "referenceTransition"]
      if !wanted.contains(ids[r.id] ?? "") { errors.append("\(r.from): ref '\(r.id)' is not a \(wanted[0])") }
    }
    for arc in arcs {
      let source = ids[arc.source], target = ids[arc.target]
      guard let source, let target else {
        errors.append("arc \(arc.id): source or target is not an id of the document")
        continue
      }
      let placeLike: Set<String> = ["place", "referencePlace"], transitionLike: Set<String> = ["transition", "referenceTransition"]
      let joins = (placeLike.contains(source) && transitionLike.contains(target))
        || (transitionLike.contains(source) && placeLike.contains(target))
      if !joins { errors.append("arc \(arc.id) joins a \(source) to a \(target)") }
    }
    return errors
  }

  static func graphicsKind(_ parent: String) -> String {
    switch parent {
    case "arc": "edge"
    case "name", "initialMarking", "inscription": "annotation"
    default: "node"
    }
  }

  static func datatypeProblem(_ rule: String, _ attribute: String, _ value: String) -> String? {
    switch (rule, attribute) {
    case (_, "id"): return isNCName(value) ? nil : "id '\(value)' is not an XML name"
    case ("net", "type"): return value == ptnetType ? nil : "net type is '\(value)', not \(ptnetType)"
    case ("position", _), ("offset", _), ("font", "rotation"):
      return isDecimal(value) ? nil : "\(attribute) '\(value)' is not a decimal"
    case ("dimension", _), ("line", "width"):
      return isPositiveDecimal(value) ? nil : "\(attribute) '\(value)' is not a positive decimal (at most 999.9)"
    case ("fill", "gradient-rotation"): return ["vertical", "horizontal", "diagonal"].contains(value) ? nil : "bad \(attribute)"
    case ("line", "shape"): return ["line", "curve"].contains(value) ? nil : "bad \(attribute)"
    case ("line", "style"): return ["solid", "dash", "dot"].contains(value) ? nil : "bad \(attribute)"
    case ("font", "decoration"): return ["underline", "overline", "line-through"].contains(value) ? nil : "bad \(attribute)"
    case ("font", "align"): return ["left", "center", "right"].contains(value) ? nil : "bad \(attribute)"
    default: return nil
    }
  }

  static func isNCName(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first else { return false }
    func letter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || c == "_" }
    return letter(first) && s.unicodeScalars.allSatisfy { letter($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-" }
  }

  static func isDecimal(_ s: String) -> Bool {
    var body = Substring(s)
    if body.first == "-" || body.first == "+" { body = body.dropFirst() }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, !parts.joined().isEmpty else { return false }
    return parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
  }

  /// xsd:decimal with totalDigits 4, fractionDigits 1, minExclusive 0.
  static func isPositiveDecimal(_ s: String) -> Bool {
    guard isDecimal(s), !s.hasPrefix("-"), let v = Double(s), v > 0 else { return false }
    let parts = s.split(separator: ".")
    let fraction = parts.count == 2 ? parts[1].count : 0
    let total = parts[0].drop { $0 == "0" || $0 == "+" }.count + fraction
    return fraction <= 1 && total <= 4
  }

  static func isInteger(_ s: String, least: Int) -> Bool {
    guard let v = Int(s.hasPrefix("+") ? String(s.dropFirst()) : s) else { return false }
    return v >= least
  }
}
