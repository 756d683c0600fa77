/// The tokens of the model language, as the lexer hands them to the parser.
///
/// Tokens carry decoded payloads (names, integer values) so the parser never looks at source
/// bytes again, except to quote a literal's text in a diagnostic.

/// A reserved word: never an identifier.
///
/// Contextual words (`initial`, `decides`, `any`, `bool`, ...) are not here: they stay identifiers
/// and the parser recognises them only where they mean something.
enum Keyword: String, Sendable, CaseIterable {
  case `protocol`, param, network, `enum`, message, role, `var`, stable, state, start, recover
  case on, receive, from, `as`, when, rate, step, timeout, send, to, goto, `if`, `else`, choose
  case skip, failures, invariant, eventually, all, some, count, `in`, and, or, not, implies
  case `true`, `false`, `self`

  /// Keywords by spelling, so the lexer classifies a word with one hash lookup.
  static let bySpelling: [String: Keyword] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}

/// A punctuation token.
enum Punct: String, Sendable {
  case equalEqual = "==", notEqual = "!=", lessEqual = "<=", greaterEqual = ">="
  case less = "<", greater = ">", assign = "=", plusAssign = "+=", minusAssign = "-="
  case plus = "+", minus = "-", question = "?", colon = ":", comma = ",", dot = "."
  case ellipsis = "...", leftParen = "(", rightParen = ")", leftBrace = "{", rightBrace = "}"
  case leftBracket = "[", rightBracket = "]", semicolon = ";"
}

enum TokenKind: Sendable {
  case identifier(String)
  case keyword(Keyword)
  case integer(Int)
  case real(Double)
  case punct(Punct)
  case endOfFile
  /// A lexical error (an index into `Lexer.diagnostics`, which keeps tokens small); the parser
  /// throws it when the token becomes current, so errors surface in source order even though the
  /// parser peeks ahead.
  case invalid(Int)
}

struct Token: Sendable {
  var kind: TokenKind
  var range: SourceRange

  /// The identifier's name, or `nil` for any other token.
  var identifier: String? {
    if case .identifier(let name) = kind { return name }
    return nil
  }

  func isKeyword(_ keyword: Keyword) -> Bool {
    if case .keyword(let k) = kind { return k == keyword }
    return false
  }

  func isPunct(_ punct: Punct) -> Bool {
    if case .punct(let p) = kind { return p == punct }
    return false
  }

  /// True for an identifier spelled `word` (a contextual word such as `initial`).
  func isWord(_ word: String) -> Bool { identifier == word }

  var isEndOfFile: Bool {
    if case .endOfFile = kind { return true }
    return false
  }
}
