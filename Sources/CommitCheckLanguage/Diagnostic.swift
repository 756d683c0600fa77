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

  /// `file:line:column: error: message`, without the source line. A diagnostic without a place
  /// in the file is about a value the command line gave (its message starts with the option), so
  /// it is the tool's: `commitcheck: warning: --recover A=1: ...`.
  public func header(file: String) -> String {
    if range == .none { return "commitcheck: \(severity.rawValue): \(message)" }
    return "\(file):\(range.start.line):\(range.start.column): \(severity.rawValue): \(message)"
  }

  /// The header, then the offending line and a caret under the range's start (tildes to its end
  /// when the range stays on one line).
  ///
  /// The line is found from the range's byte offset and shown at most `context` bytes either side
  /// of the caret ("..." marks a cut), so rendering costs the same for a huge one-line file as
  /// for a normal one, and every diagnostic of a large file does not rescan it.
  public func render(file: String, source: String) -> String {
    var out = header(file: file)
    let bytes = source.utf8
    guard range != .none, range.start.offset >= 0, range.start.offset <= bytes.count else { return out }
    let newline = UInt8(ascii: "\n")
    let caret = bytes.index(bytes.startIndex, offsetBy: range.start.offset)
    // Back to the line's start, or to a scalar boundary `context` bytes away.
    var start = caret
    var cutBefore = false
    while start > bytes.startIndex {
      let before = bytes.index(before: start)
      if bytes[before] == newline { break }
      if bytes.distance(from: start, to: caret) >= Self.context, bytes[start] & 0xC0 != 0x80 {
        cutBefore = true
        break
      }
      start = before
    }
    // On to the line's end (before a "\r\n"), or to a scalar boundary `context` bytes away.
    var end = caret
    var cutAfter = false
    while end < bytes.endIndex, bytes[end] != newline {
      if bytes.distance(from: caret, to: end) >= Self.context, bytes[end] & 0xC0 != 0x80 {
        cutAfter = true
        break
      }
      end = bytes.index(after: end)
    }
    var line = String(decoding: bytes[start..<end], as: UTF8.self)
    if !cutAfter && line.hasSuffix("\r") { line.removeLast() }
    let before = String(decoding: bytes[start..<caret], as: UTF8.self)
    out += "\n" + (cutBefore ? "..." : "") + line + (cutAfter ? "..." : "") + "\n"
    // Keep tabs in the marker line so the caret lines up under tabbed source.
    var marker = cutBefore ? "   " : ""
    for ch in before.unicodeScalars {
      marker.unicodeScalars.append(ch == "\t" ? "\t" : " ")
    }
    marker += "^"
    if range.end.line == range.start.line, range.end.column - range.start.column > 1 {
      let shown = line.unicodeScalars.count - before.unicodeScalars.count - 1
      marker += String(repeating: "~", count: max(0, min(range.end.column - range.start.column - 1, shown)))
    }
    out += marker
    return out
  }

  /// Bytes of source shown either side of a caret.
  static let context = 120
}
