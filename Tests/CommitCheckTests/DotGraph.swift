import Foundation
import Testing

/// A DOT file read back: its explicitly declared nodes with their attributes, and its edges
/// (a chain `a -> b -> c` is two edges). Written for the tests from the DOT grammar, not from the
/// writers: it tokenizes quoted strings (with `\"`), HTML strings (nested `<...>`), comments,
/// subgraphs and attribute lists, so a label that breaks out of its string shows up as extra
/// statements.
struct DotGraph {
  struct Edge {
    var from: String
    var to: String
    var attributes: [String: String]
  }

  struct ParseError: Error, CustomStringConvertible {
    var description: String
  }

  /// Node id → attributes; quoted values without their quotes (escapes kept), HTML values
  /// without their outer `<>`.
  var nodes: [String: [String: String]] = [:]
  var edges: [Edge] = []
  var clusters = 0
  /// Node id → the name of the innermost cluster that declares it (nodes outside every cluster
  /// are not listed).
  var clusterOf: [String: String] = [:]
  private var clusterStack: [String] = []
  /// Edge ends that no node statement declares (Graphviz would create them silently).
  var undeclared: Set<String> {
    Set(edges.flatMap { [$0.from, $0.to] }).subtracting(nodes.keys)
  }

  enum Token: Equatable {
    case id(String), quoted(String), html(String), punct(String)
    var text: String {
      switch self {
      case .id(let s), .quoted(let s), .html(let s), .punct(let s): s
      }
    }
  }

  private var tokens: [Token] = []
  private var position = 0

  init(_ text: String) throws {
    tokens = try Self.tokenize(Array(text.unicodeScalars))
    if case .id(let s) = peek(), s.lowercased() == "strict" { position += 1 }
    guard case .id(let kind) = next(), kind.lowercased() == "digraph" else { throw ParseError(description: "expected digraph") }
    if peek() != .punct("{") { position += 1 }
    try block()
    guard position == tokens.count else { throw ParseError(description: "text after the graph: \(tokens[position])") }
  }

  private func peek() -> Token? { position < tokens.count ? tokens[position] : nil }
  private mutating func next() -> Token? {
    defer { position += 1 }
    return peek()
  }

  private mutating func expect(_ p: String) throws {
    guard next() == .punct(p) else { throw ParseError(description: "expected '\(p)' at token \(position - 1)") }
  }

  /// `{ stmt (;)? ... }`
  private mutating func block() throws {
    try expect("{")
    while let t = peek(), t != .punct("}") {
      try statement()
      if peek() == .punct(";") { position += 1 }
    }
    try expect("}")
  }

  private mutating func statement() throws {
    guard let first = peek() else { throw ParseError(description: "unexpected end") }
    if first == .punct("{") { return try block() }
    if case .id(let word) = first, word.lowercased() == "subgraph" {
      position += 1
      var cluster: String?
      if case .id(let name)? = peek() {
        if name.hasPrefix("cluster") { cluster = name }
        position += 1
      } else if case .quoted(let name)? = peek() {
        if name.hasPrefix("cluster") { cluster = name }
        position += 1
      }
      if let cluster {
        clusters += 1
        clusterStack.append(cluster)
      }
      defer { if cluster != nil { clusterStack.removeLast() } }
      return try block()
    }
    if case .id(let word) = first, ["graph", "node", "edge"].contains(word.lowercased()) {
      position += 1
      _ = try attributes()
      return
    }
    let id = try identifier()
    if peek() == .punct("=") {
      position += 1
      _ = try identifier()
      return
    }
    var chain = [id]
    while peek() == .punct("->") {
      position += 1
      chain.append(try identifier())
    }
    let attrs = try attributes()
    if chain.count == 1 {
      nodes[id, default: [:]].merge(attrs) { _, new in new }
      if let cluster = clusterStack.last { clusterOf[id] = cluster }
    } else {
      for k in 1..<chain.count { edges.append(Edge(from: chain[k - 1], to: chain[k], attributes: attrs)) }
    }
  }

  private mutating func identifier() throws -> String {
    switch next() {
    case .id(let s)?, .quoted(let s)?, .html(let s)?: return s
    case let t: throw ParseError(description: "expected an identifier, found \(String(describing: t))")
    }
  }

  /// `[a=b, c=d][e=f]`
  private mutating func attributes() throws -> [String: String] {
    var out: [String: String] = [:]
    while peek() == .punct("[") {
      position += 1
      while peek() != .punct("]") {
        let key = try identifier()
        try expect("=")
        out[key] = try identifier()
        if peek() == .punct(",") || peek() == .punct(";") { position += 1 }
      }
      try expect("]")
    }
    return out
  }

  static func tokenize(_ s: [Unicode.Scalar]) throws -> [Token] {
    var out: [Token] = []
    var i = 0
    func isIDChar(_ c: Unicode.Scalar) -> Bool {
      c == "_" || c.value >= 0x80 || CharacterSet.alphanumerics.contains(c) || c == "."
    }
    while i < s.count {
      let c = s[i]
      if c == " " || c == "\n" || c == "\t" || c == "\r" { i += 1; continue }
      if c == "/", i + 1 < s.count, s[i + 1] == "/" {
        while i < s.count && s[i] != "\n" { i += 1 }
        continue
      }
      if c == "/", i + 1 < s.count, s[i + 1] == "*" {
        i += 2
        while i + 1 < s.count && !(s[i] == "*" && s[i + 1] == "/") { i += 1 }
        i += 2
        continue
      }
      if c == "\"" {
        var text = ""
        i += 1
        while i < s.count && s[i] != "\"" {
          if s[i] == "\\", i + 1 < s.count {
            text.unicodeScalars.append(s[i])
            i += 1
          }
          text.unicodeScalars.append(s[i])
          i += 1
        }
        guard i < s.count else { throw ParseError(description: "unterminated string") }
        i += 1
        out.append(.quoted(text))
        continue
      }
      if c == "<" {
        var depth = 1
        var text = ""
        i += 1
        while i < s.count {
          if s[i] == "<" { depth += 1 }
          if s[i] == ">" { depth -= 1; if depth == 0 { break } }
          text.unicodeScalars.append(s[i])
          i += 1
        }
        guard i < s.count else { throw ParseError(description: "unterminated HTML string") }
        i += 1
        out.append(.html(text))
        continue
      }
      if c == "-", i + 1 < s.count, s[i + 1] == ">" {
        out.append(.punct("->"))
        i += 2
        continue
      }
      if "{}[];,=".unicodeScalars.contains(c) {
        out.append(.punct(String(c)))
        i += 1
        continue
      }
      if isIDChar(c) || c == "-" {
        var text = String(c)
        i += 1
        while i < s.count && isIDChar(s[i]) {
          text.unicodeScalars.append(s[i])
          i += 1
        }
        out.append(.id(text))
        continue
      }
      throw ParseError(description: "unexpected character '\(c)'")
    }
    return out
  }
}

/// The label text a quoted DOT value stands for (only `\"` and `\\` undone; `\n` stays).
func unescapeQuoted(_ s: String) -> String {
  var out = ""
  var escaped = false
  for ch in s {
    if escaped {
      if ch != "\"" && ch != "\\" { out.append("\\") }
      out.append(ch)
      escaped = false
    } else if ch == "\\" {
      escaped = true
    } else {
      out.append(ch)
    }
  }
  return out
}

struct ToolMissing: Error, CustomStringConvertible {
  var description: String
}

/// The Graphviz `dot` on the PATH. Missing is an error, never a skip: `.ci/run` installs it.
func dotExecutable() throws -> URL {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
    let candidate = "\(dir)/dot"
    if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
  }
  throw ToolMissing(description: "Graphviz 'dot' is not installed (apt-get install graphviz); the DOT tests need it")
}

/// Renders DOT to SVG with `dot -Tsvg`; fails the test on a non-zero exit or any stderr output
/// (warnings included).
func renderSVG(_ dot: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-dot-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  let input = dir.appendingPathComponent("in.dot"), output = dir.appendingPathComponent("out.svg")
  let errors = dir.appendingPathComponent("err.txt")
  try Data(dot.utf8).write(to: input)
  _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
  let process = Process()
  process.executableURL = try dotExecutable()
  process.arguments = ["-Tsvg", input.path, "-o", output.path]
  let errorHandle = try FileHandle(forWritingTo: errors)
  process.standardError = errorHandle
  try process.run()
  process.waitUntilExit()
  try errorHandle.close()
  let stderr = String(decoding: try Data(contentsOf: errors), as: UTF8.self)
  #expect(process.terminationStatus == 0, "dot failed: \(stderr)", sourceLocation: sourceLocation)
  #expect(stderr.isEmpty, "dot wrote to stderr: \(stderr)", sourceLocation: sourceLocation)
  return String(decoding: try Data(contentsOf: output), as: UTF8.self)
}

/// The package's executable `name` as built beside the test bundle.
func builtExecutable(_ name: String) throws -> URL {
  let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  var tool = bundle.appendingPathComponent(name)
  for _ in 0..<4 where !FileManager.default.isExecutableFile(atPath: tool.path) {
    tool = tool.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name)
  }
  guard FileManager.default.isExecutableFile(atPath: tool.path) else {
    throw ToolMissing(description: "no \(name) executable near \(bundle.path); build it first")
  }
  return tool
}

/// Runs the built `commitcheck` (next to the test bundle), in `directory` if given, and returns
/// its exit code, stdout, stderr.
func runTool(_ arguments: [String], in directory: URL? = nil) throws -> (Int32, String, String) {
  let (code, stdout, stderr) = try runProcess(try builtExecutable("commitcheck"), arguments, in: directory)
  expectValidJSONOutput(arguments, stdout)
  return (code, stdout, stderr)
}

/// Runs `executable` with `arguments` (stdin empty), in `directory` if given, and returns its exit
/// code, stdout, stderr.
func runProcess(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> (Int32, String, String) {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-run-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
  _ = FileManager.default.createFile(atPath: out.path, contents: nil)
  _ = FileManager.default.createFile(atPath: err.path, contents: nil)
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
  process.standardOutput = outHandle
  process.standardError = errHandle
  process.standardInput = FileHandle.nullDevice
  if let directory { process.currentDirectoryURL = directory }
  try process.run()
  process.waitUntilExit()
  try outHandle.close()
  try errHandle.close()
  return (process.terminationStatus, String(decoding: try Data(contentsOf: out), as: UTF8.self),
          String(decoding: try Data(contentsOf: err), as: UTF8.self))
}

func firstMatch(_ pattern: String, in text: String) -> String? { allMatches(pattern, in: text).first }

/// The first capture group of every match.
func allMatches(_ pattern: String, in text: String) -> [String] {
  guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
  let range = NSRange(text.startIndex..., in: text)
  return regex.matches(in: text, range: range).compactMap { m in
    Range(m.range(at: 1), in: text).map { String(text[$0]) }
  }
}

extension String {
  func occurrences(of needle: String) -> Int { components(separatedBy: needle).count - 1 }
}
