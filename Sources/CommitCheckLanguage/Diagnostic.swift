/// A position in a source file: 1-based line and column (columns count Unicode scalars, a tab is
/// one column), and the UTF-8 byte offset.
public struct SourceLocation: Sendable, Hashable, Comparable {
  public var line: Int
  public var column: Int
  public var offset: Int
  public init(line: Int, column: Int, offset: Int) {
    self.line = line
    self.column = column
    self.offset = offset
  }
  public static func < (a: Self, b: Self) -> Bool { a.offset < b.offset }
}

public struct SourceRange: Sendable, Hashable {
  public var start: SourceLocation
  public var end: SourceLocation
  public init(_ start: SourceLocation, _ end: SourceLocation) {
    self.start = start
    self.end = end
  }
  /// The range from the start of `self` to the end of `other`.
  public func to(_ other: SourceRange) -> SourceRange { SourceRange(start, other.end) }
  /// A range for things that have no place in a file (command-line overrides).
  public static let none = SourceRange(
    SourceLocation(line: 0, column: 0, offset: 0), SourceLocation(line: 0, column: 0, offset: 0))
}

public enum Severity: String, Sendable, Hashable {
  case error, warning, note
}

/// A finding about a model file: a value with a source range, rendered by `render(in:)`.
public struct Diagnostic: Sendable, Hashable, Error {
  public var severity: Severity
  public var message: String
  public var range: SourceRange

  public init(_ severity: Severity, _ message: String, at range: SourceRange) {
    self.severity = severity
    self.message = message
    self.range = range
  }
  public static func error(_ message: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(.error, message, at: range)
  }
  public static func warning(_ message: String, at range: SourceRange) -> Diagnostic {
    Diagnostic(.warning, message, at: range)
  }

  /// `file:line:column: error: message`, without the source line.
  public func header(file: String) -> String {
    if range == .none { return "\(file): \(severity.rawValue): \(message)" }
    return "\(file):\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)"
  }

  /// The header, then the offending line and a caret under the range's start (tildes to its end
  /// when the range stays on one line).
  public func render(file: String, source: String) -> String {
    var out = header(file: file)
    guard range != .none else { return out }
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    let index = range.start.line - 1
    guard index >= 0, index < lines.count else { return out }
    var line = String(lines[index])
    if line.hasSuffix("\r") { line.removeLast() }
    out += "\n" + line + "\n"
    // Keep tabs in the marker line so the caret lines up under tabbed source.
    var marker = ""
    for (i, ch) in line.unicodeScalars.enumerated() where i < range.start.column - 1 {
      marker.unicodeScalars.append(ch == "\t" ? "\t" : " ")
    }
    marker += "^"
    if range.end.line == range.start.line, range.end.column - range.start.column > 1 {
      marker += String(repeating: "~", count: range.end.column - range.start.column - 1)
    }
    out += marker
    return out
  }
}
