/// Splits a model's source into tokens, one at a time, on demand.
///
/// It walks the UTF-8 bytes once (no per-character `String` work), counting lines and columns as
/// it goes: a column is a Unicode scalar, so only bytes that start a scalar advance it, and the
/// `\r` of a `\r\n` advances nothing, which gives CRLF files the positions of LF files.
/// Lexical errors become `.invalid` tokens rather than throws, so they surface only when the
/// parser reaches them.
struct Lexer {
  private let bytes: [UInt8]
  private var position = 0
  private var line = 1
  private var column = 1

  /// The `///` lines of the current run, and the line the run ended on.
  private var docLines: [String] = []
  private var docEndLine = 0
  /// The doc comment directly before the first token (joined `///` lines), set by the first
  /// `next()`.
  private(set) var leadingDoc = ""
  /// The lexical errors met so far; `.invalid` tokens index into it.
  private(set) var diagnostics: [Diagnostic] = []
  private var producedFirstToken = false

  init(_ source: String) {
    bytes = Array(source.utf8)
    // A byte order mark is not part of the text: skip it without taking a column.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  /// The source text of a range (used to quote literals in diagnostics).
  func text(of range: SourceRange) -> String {
    let start = max(0, min(range.start.offset, bytes.count))
    let end = max(start, min(range.end.offset, bytes.count))
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }

  private var location: SourceLocation {
    SourceLocation(line: line, column: column, offset: position)
  }

  private func byte(at index: Int) -> UInt8? {
    index < bytes.count ? bytes[index] : nil
  }

  /// Advances over one ASCII byte on the current line.
  private mutating func advanceASCII(_ count: Int = 1) {
    position += count
    column += count
  }

  /// Returns the next token; after the end it keeps returning `.endOfFile`.
  mutating func next() -> Token {
    if let error = skipTrivia() { return invalid(error) }
    let start = location
    if !producedFirstToken {
      producedFirstToken = true
      if !docLines.isEmpty && docEndLine == line - 1 {
        leadingDoc = docLines.joined(separator: "\n")
      }
    }
    guard position < bytes.count else { return Token(kind: .endOfFile, range: SourceRange(start, start)) }
    let b = bytes[position]
    let kind: TokenKind
    if isIdentifierStart(b) {
      kind = lexWord()
      if position - start.offset > Self.identifierLimit {
        let range = SourceRange(start, location)
        return invalid(.error(
          "identifier '\(Self.abbreviated(text(of: range)))' is \(position - start.offset) characters long; at most \(Self.identifierLimit) are allowed",
          at: range))
      }
    } else if isDigit(b) {
      if let error = lexNumber(from: start) { return invalid(error) }
      kind = lastNumber
    } else if let punct = lexPunct() {
      kind = .punct(punct)
    } else {
      return invalid(unexpectedCharacter(at: start))
    }
    return Token(kind: kind, range: SourceRange(start, location))
  }

  /// An `.invalid` token for `error`, which goes to `diagnostics`.
  private mutating func invalid(_ error: Diagnostic) -> Token {
    diagnostics.append(error)
    return Token(kind: .invalid(diagnostics.count - 1), range: error.range)
  }

  /// Skips whitespace and comments, remembering `///` runs; returns an unterminated block comment.
  private mutating func skipTrivia() -> Diagnostic? {
    while position < bytes.count {
      switch bytes[position] {
      case UInt8(ascii: " "), UInt8(ascii: "\t"):
        advanceASCII()
      case UInt8(ascii: "\n"):
        position += 1
        line += 1
        column = 1
      case UInt8(ascii: "\r"):
        // The `\r` of a `\r\n` takes no column; a lone `\r` is a blank like a space.
        position += 1
        if byte(at: position) != UInt8(ascii: "\n") { column += 1 }
      case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "/"):
        skipLineComment()
      case UInt8(ascii: "/") where byte(at: position + 1) == UInt8(ascii: "*"):
        if let error = skipBlockComment() { return error }
      default:
        return nil
      }
    }
    return nil
  }

  private mutating func skipLineComment() {
    let commentLine = line
    let isDoc = byte(at: position + 2) == UInt8(ascii: "/") && byte(at: position + 3) != UInt8(ascii: "/")
    var textStart = position + (isDoc ? 3 : 2)
    if isDoc && byte(at: textStart) == UInt8(ascii: " ") { textStart += 1 }
    while position < bytes.count && bytes[position] != UInt8(ascii: "\n") {
      if bytes[position] & 0xC0 != 0x80 { column += 1 }
      position += 1
    }
    guard isDoc else {
      docLines = []
      return
    }
    var textEnd = max(textStart, position)
    if textEnd > textStart && bytes[textEnd - 1] == UInt8(ascii: "\r") { textEnd -= 1 }
    let text = String(decoding: bytes[textStart..<textEnd], as: UTF8.self)
    if docLines.isEmpty || docEndLine != commentLine - 1 { docLines = [] }
    docLines.append(text)
    docEndLine = commentLine
  }

  private mutating func skipBlockComment() -> Diagnostic? {
    let start = location
    docLines = []
    advanceASCII(2)
    while position < bytes.count {
      let b = bytes[position]
      if b == UInt8(ascii: "*") && byte(at: position + 1) == UInt8(ascii: "/") {
        advanceASCII(2)
        return nil
      }
      position += 1
      if b == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if b == UInt8(ascii: "\r") && byte(at: position) == UInt8(ascii: "\n") {
        continue
      } else if b & 0xC0 != 0x80 {
        column += 1
      }
    }
    let end = SourceLocation(line: start.line, column: start.column + 2, offset: start.offset + 2)
    return .error("unterminated block comment", at: SourceRange(start, end))
  }

  private func isIdentifierStart(_ b: UInt8) -> Bool {
    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
      || b == UInt8(ascii: "_")
  }

  private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

  private mutating func lexWord() -> TokenKind {
    let start = position
    advanceASCII()
    while let b = byte(at: position), isIdentifierStart(b) || isDigit(b) { advanceASCII() }
    let word = String(decoding: bytes[start..<position], as: UTF8.self)
    if let keyword = Keyword.bySpelling[word] { return .keyword(keyword) }
    return .identifier(word)
  }

  /// The literal `lexNumber` read last.
  private var lastNumber = TokenKind.integer(0)

  /// Reads an integer, or a real when digits follow a single '.' (so `1...10` stays INT '...' INT),
  /// into `lastNumber`; returns the error for a literal too large.
  private mutating func lexNumber(from start: SourceLocation) -> Diagnostic? {
    var value = 0
    var overflow = false
    while let b = byte(at: position), isDigit(b) {
      let (times10, o1) = value.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times10.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
      overflow = overflow || o1 || o2
      value = sum
      advanceASCII()
    }
    if byte(at: position) == UInt8(ascii: "."), let after = byte(at: position + 1), isDigit(after) {
      advanceASCII()
      while let b = byte(at: position), isDigit(b) { advanceASCII() }
      let range = SourceRange(start, location)
      let text = self.text(of: range)
      guard let real = Double(text), real.isFinite else {
        return .error("number '\(Self.abbreviated(text))' is too large", at: range)
      }
      lastNumber = .real(real)
      return nil
    }
    if overflow {
      let range = SourceRange(start, location)
      return .error("integer literal '\(Self.abbreviated(text(of: range)))' is too large", at: range)
    }
    lastNumber = .integer(value)
    return nil
  }

  private mutating func lexPunct() -> Punct? {
    let b = bytes[position]
    let next = byte(at: position + 1)
    let two: Punct? =
      switch (b, next) {
      case (UInt8(ascii: "="), UInt8(ascii: "=")): .equalEqual
      case (UInt8(ascii: "!"), UInt8(ascii: "=")): .notEqual
      case (UInt8(ascii: "<"), UInt8(ascii: "=")): .lessEqual
      case (UInt8(ascii: ">"), UInt8(ascii: "=")): .greaterEqual
      case (UInt8(ascii: "+"), UInt8(ascii: "=")): .plusAssign
      case (UInt8(ascii: "-"), UInt8(ascii: "=")): .minusAssign
      default: nil
      }
    if let two {
      advanceASCII(2)
      return two
    }
    if b == UInt8(ascii: "."), next == UInt8(ascii: "."), byte(at: position + 2) == UInt8(ascii: ".") {
      advanceASCII(3)
      return .ellipsis
    }
    guard b < 0x80, let one = Punct(rawValue: String(UnicodeScalar(b))) else { return nil }
    advanceASCII()
    return one
  }

  /// The error for the character at the current position (which it skips), with a hint for the
  /// operators of other languages (`&&`, `||`, `!`).
  private mutating func unexpectedCharacter(at start: SourceLocation) -> Diagnostic {
    let b = bytes[position]
    let next = byte(at: position + 1)
    var spelling: String
    var hint = ""
    if b == UInt8(ascii: "&") && next == UInt8(ascii: "&") {
      spelling = "&&"
      hint = "; use 'and'"
      advanceASCII(2)
    } else if b == UInt8(ascii: "|") && next == UInt8(ascii: "|") {
      spelling = "||"
      hint = "; use 'or'"
      advanceASCII(2)
    } else {
      let length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
      let end = min(position + length, bytes.count)
      let scalar = String(decoding: bytes[position..<end], as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
      spelling = Self.display(scalar)
      if b == UInt8(ascii: "!") { hint = "; use 'not'" }
      position = end
      column += 1
    }
    return .error("unexpected character '\(spelling)'\(hint)", at: SourceRange(start, location))
  }

  /// The longest identifier: names go into every message and slot name that mentions them.
  static let identifierLimit = 256

  /// A literal or name as quoted in a message: its first 40 characters, then "...".
  static func abbreviated(_ text: String) -> String {
    text.unicodeScalars.count <= 40 ? text : String(text.unicodeScalars.prefix(40)) + "..."
  }

  /// A scalar as it reads in a message: itself if visible, else `\u{HEX}`.
  static func display(_ scalar: Unicode.Scalar) -> String {
    let invisible: Bool
    switch scalar.properties.generalCategory {
    case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .unassigned,
      .privateUse, .surrogate:
      invisible = true
    default:
      invisible = false
    }
    if invisible { return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" }
    return String(scalar)
  }
}
