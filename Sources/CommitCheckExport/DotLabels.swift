import CommitCheckModel

/// Escaping for the two kinds of DOT labels the writers produce, and the short process names
/// that keep labels narrow.
///
/// Every string that reaches a DOT file goes through `quoted` or `html`, so no model name,
/// message value or file name can end a string early or inject markup.
enum Dot {
  /// A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\n` (centred
  /// lines), `&` as `&amp;` (Graphviz decodes entities in every label). Other control characters
  /// become spaces.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for ch in text.unicodeScalars {
      switch ch {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "&": out += "&amp;"
      case "\n": out += "\\n"
      case _ where ch.value < 0x20 || ch.value == 0x7F: out += " "
      default: out.unicodeScalars.append(ch)
      }
    }
    return out + "\""
  }

  /// Text inside an HTML-like label: markup characters as entities, backslashes doubled (Graphviz
  /// reads `\N` in HTML text as the node's name, even when written `&#92;N`).
  static func html(_ text: String) -> String {
    var out = ""
    for ch in text.unicodeScalars {
      switch ch {
      case "\\": out += "\\\\"
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case _ where ch.value < 0x20 || ch.value == 0x7F: out += " "
      default: out.unicodeScalars.append(ch)
      }
    }
    return out
  }

  /// `<FONT ...>text</FONT>` with the text escaped; attributes are the writer's own constants.
  static func font(_ text: String, color: String? = nil, size: Int? = nil) -> String {
    var attributes = ""
    if let color { attributes += " COLOR=\"\(color)\"" }
    if let size { attributes += " POINT-SIZE=\"\(size)\"" }
    return "<FONT\(attributes)>\(html(text))</FONT>"
  }

  static let commitColor = "#1a7f37"
  static let abortColor = "#c0392b"
  static let crashedColor = "#8c8c8c"
  static let messageColor = "#3a5a8c"
  static let violationFill = "#ffd9d6"
  static let violationLine = "#c0392b"
  static let blockedFill = "#ffe8c2"
  static let blockedLine = "#d35400"
  static let pathColor = "#1f4eb4"
  static let deadColor = "#b0b0b0"

  /// `N = 2, crash Coordinator 1`: the parameters and failure budgets a picture was made with.
  static func setting(_ system: TransitionSystem) -> String {
    var setting = system.parameters.map { "\($0.name) = \($0.value)" }
    let f = system.failures
    for (r, role) in system.roles.enumerated() {
      if f.crash[r] > 0 { setting.append("crash \(role.name) \(f.crash[r])") }
      if f.recover[r] > 0 { setting.append("recover \(role.name) \(f.recover[r])") }
    }
    if f.lose > 0 { setting.append("lose \(f.lose)") }
    if f.duplicate > 0 { setting.append("duplicate \(f.duplicate)") }
    if f.partition > 0 { setting.append("partition") }
    return setting.joined(separator: ", ")
  }

  /// The graph, node and edge defaults every writer starts with.
  static func header(name: String, nodesep: String = "0.3", ranksep: String = "0.45") -> String {
    """
    digraph \(quoted(name)) {
      graph [fontname="Helvetica", fontsize=11, labelloc=t, labeljust=l, nodesep=\(nodesep), ranksep=\(ranksep)]
      node [fontname="Helvetica", fontsize=10]
      edge [fontname="Helvetica", fontsize=9]

    """
  }
}

/// Short, unique names for processes (`C`, `P1`, `P2`), so that a node lists every process on a
/// few narrow lines. A legend in the graph label gives the full names.
struct ProcessNames {
  var short: [String]
  var full: [String]

  init(_ system: TransitionSystem) {
    full = system.processes.map(\.name)
    let roleNames = system.roles.map(\.name)
    var prefix = roleNames.map { name -> String in
      let capitals = name.filter { $0.isUppercase }
      return capitals.isEmpty ? String(name.prefix(1)) : String(capitals)
    }
    // Lengthen colliding abbreviations to a prefix of the role name until they differ.
    for length in 1...max(1, roleNames.map(\.count).max() ?? 1) {
      let counts = Dictionary(prefix.map { ($0, 1) }, uniquingKeysWith: +)
      guard counts.values.contains(where: { $0 > 1 }) else { break }
      for r in prefix.indices where counts[prefix[r]]! > 1 { prefix[r] = String(roleNames[r].prefix(length)) }
    }
    short = system.processes.map { p in
      let indexed = p.name.hasSuffix("]")
      let base = prefix[p.role]
      if !indexed { return base }
      let separator = base.last?.isNumber == true ? "." : ""
      return base + separator + String(p.index + 1)
    }
    if Set(short).count != short.count { short = full }
  }

  /// `C = Coordinator, P1..P3 = Participant[1..3]`: one entry per role.
  func legend(_ system: TransitionSystem) -> String {
    system.roles.map { role -> String in
      let first = role.firstProcess, last = role.firstProcess + role.count - 1
      if role.count == 0 { return "" }
      if first == last { return short[first] == full[first] ? full[first] : "\(short[first]) = \(full[first])" }
      return "\(short[first])…\(short[last]) = \(full[first])…\(full[last])"
    }.filter { !$0.isEmpty }.joined(separator: ", ")
  }
}
