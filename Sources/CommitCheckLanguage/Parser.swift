/// Reads model files into the syntax tree in `AST.swift`.
///
/// The one public entry point of the parser: everything else in the parser files is internal.
public enum ModelParser {
  /// Parses a whole model file; throws the first syntax error.
  public static func parse(_ source: String) throws(Diagnostic) -> ProtocolDecl {
    var parser = Parser(source)
    do {
      var model = try parser.parseFile()
      model.source = source
      return model
    } catch {
      throw parser.failure ?? .error("internal parser error: no diagnostic", at: .none)
    }
  }
}

/// Thrown inside the parser, which keeps the diagnostic in `Parser.failure`.
///
/// An empty error travels in registers; throwing the 72-byte `Diagnostic` itself would reserve
/// a slot for it in every frame, and the frames of the recursive functions are what bound the
/// nesting the parser can afford on a thread's stack.
struct ParseAbort: Error {}

/// A recursive-descent parser over the lexer's token stream, with a few tokens of lookahead.
///
/// Every recursive construct (parentheses, operators, blocks) goes through `nest()`, which caps
/// the nesting depth, so hostile input gets an error instead of a stack overflow here or in the
/// later stages that walk the tree recursively.
struct Parser {
  static let depthLimit = 256

  var lexer: Lexer
  /// The token being looked at; never `.invalid` once parsing has started (`advance` throws).
  var current: Token
  /// Tokens after `current` that `peek` has already read.
  private var lookahead: [Token] = []
  /// Where the last consumed token ended: the end of the construct just parsed.
  var previousEnd: SourceLocation
  private var depth = 0
  /// The syntax error that stopped the parse.
  private(set) var failure: Diagnostic?

  init(_ source: String) {
    lexer = Lexer(source)
    current = lexer.next()
    previousEnd = current.range.start
  }

  // MARK: Token stream

  /// Moves to the next token; throws if it is a lexical error.
  @inline(never)
  mutating func advance() throws(ParseAbort) {
    previousEnd = current.range.end
    current = lookahead.isEmpty ? lexer.next() : lookahead.removeFirst()
    try checkCurrent()
  }

  @inline(never)
  mutating func checkCurrent() throws(ParseAbort) {
    if case .invalid(let index) = current.kind { throw fail(lexer.diagnostics[index]) }
  }

  /// The token `distance` places after `current` (1 is the next one), read but not consumed.
  @inline(never)
  mutating func peek(_ distance: Int = 1) -> Token {
    while lookahead.count < distance { lookahead.append(lexer.next()) }
    return lookahead[distance - 1]
  }

  // MARK: Diagnostics

  /// How a token reads in "found ..." messages.
  @inline(never)
  func describe(_ token: Token) -> String {
    switch token.kind {
    case .identifier(let name): "identifier '\(name)'"
    case .keyword(let keyword): "'\(keyword.rawValue)'"
    case .integer: "integer '\(Lexer.abbreviated(lexer.text(of: token.range)))'"
    case .real: "number '\(Lexer.abbreviated(lexer.text(of: token.range)))'"
    case .punct(let punct): "'\(punct.rawValue)'"
    case .endOfFile: "end of file"
    case .invalid(let index): lexer.diagnostics[index].message
    }
  }

  /// Records `diagnostic` as the parse's error, to throw what this returns.
  @inline(never)
  mutating func fail(_ diagnostic: Diagnostic) -> ParseAbort {
    failure = diagnostic
    return ParseAbort()
  }

  /// Fails with "expected `what`, found <current token>", at the current token.
  @inline(never)
  mutating func expected(_ what: String) -> ParseAbort {
    fail(.error("expected \(what), found \(describe(current))", at: current.range))
  }

  /// After a condition (a guard, a property): a `=` there is a comparison written as an
  /// assignment.
  mutating func refuseAssignmentAfterCondition() throws(ParseAbort) {
    if current.isPunct(.assign) {
      throw fail(.error("'=' assigns; to compare, write '=='", at: current.range))
    }
  }

  /// Consumes `punct` or throws "expected 'punct' `context`, found ..."; the context is built
  /// only for the error, so the success path allocates nothing.
  @discardableResult @inline(never)
  mutating func expect(
    _ punct: Punct, _ context: @autoclosure () -> String
  ) throws(ParseAbort) -> Token {
    guard current.isPunct(punct) else { throw expected("'\(punct.rawValue)' \(context())") }
    let token = current
    try advance()
    return token
  }

  /// Consumes `keyword` or throws "expected 'keyword' `context`, found ...".
  @inline(never)
  mutating func expect(_ keyword: Keyword, _ context: @autoclosure () -> String) throws(ParseAbort) {
    guard current.isKeyword(keyword) else { throw expected("'\(keyword.rawValue)' \(context())") }
    try advance()
  }

  /// Consumes an identifier or throws "expected `what`, found ...".
  @inline(never)
  mutating func expectIdentifier(_ what: @autoclosure () -> String) throws(ParseAbort) -> Identifier {
    guard let name = current.identifier else { throw expected(what()) }
    let identifier = Identifier(name, range: current.range)
    try advance()
    return identifier
  }

  /// Consumes `punct` if it is the current token.
  mutating func consume(_ punct: Punct) throws(ParseAbort) -> Bool {
    guard current.isPunct(punct) else { return false }
    try advance()
    return true
  }

  /// Consumes `keyword` if it is the current token.
  mutating func consume(_ keyword: Keyword) throws(ParseAbort) -> Bool {
    guard current.isKeyword(keyword) else { return false }
    try advance()
    return true
  }

  /// The range from `start` to the end of the last consumed token.
  func range(from start: SourceLocation) -> SourceRange { SourceRange(start, previousEnd) }

  // MARK: Nesting

  /// Enters one level of nesting; throws at the current token past the limit.
  @inline(never)
  mutating func nest() throws(ParseAbort) {
    depth += 1
    if depth > Self.depthLimit {
      throw fail(.error("expression nested too deeply (limit \(Self.depthLimit))", at: current.range))
    }
  }

  mutating func unnest(_ levels: Int = 1) { depth -= levels }

  // MARK: File and declarations

  /// The keywords that start a top-level declaration (where an unclosed body must have ended).
  static let declarationKeywords: Set<Keyword> = [
    .param, .network, .enum, .message, .role, .failures, .invariant, .eventually, .protocol,
  ]

  /// True at the end of the file or at a keyword that starts a top-level declaration.
  var atDeclarationBoundary: Bool {
    if current.isEndOfFile { return true }
    if case .keyword(let keyword) = current.kind { return Self.declarationKeywords.contains(keyword) }
    return false
  }

  mutating func parseFile() throws(ParseAbort) -> ProtocolDecl {
    try checkCurrent()
    guard current.isKeyword(.protocol) else {
      throw expected("'protocol' at the start of the model")
    }
    let doc = lexer.leadingDoc
    try advance()
    let name = try expectIdentifier("a protocol name after 'protocol'")
    var file = ProtocolDecl(name: name, doc: doc)
    while !current.isEndOfFile {
      let keyword: Keyword? = if case .keyword(let k) = current.kind { k } else { nil }
      switch keyword {
      case .param: file.params.append(try parseParam())
      case .network:
        let network = try parseNetwork()
        if let first = file.network {
          throw fail(.error(
            "duplicate 'network' declaration; the first is at line \(first.range.start.line)",
            at: network.range))
        }
        file.network = network
      case .enum: file.enums.append(try parseEnum())
      case .message: file.messages.append(try parseMessage())
      case .role: file.roles.append(try parseRole())
      case .failures: file.failures += try parseFailures(fairRecovery: &file.fairRecovery)
      case .invariant, .eventually: file.properties.append(try parseProperty())
      default:
        // `record` is a contextual word: a declaration only where one is expected.
        if current.isWord("record") && peek(1).identifier != nil {
          file.records.append(try parseRecord())
          continue
        }
        throw expected(
          "a declaration ('param', 'network', 'enum', 'record', 'message', 'role', 'failures', 'invariant' or 'eventually')")
      }
    }
    return file
  }

  /// `param N: 1...10 = 3`
  mutating func parseParam() throws(ParseAbort) -> ParamDecl {
    let start = current.range.start
    try advance()
    let name = try expectIdentifier("a parameter name after 'param'")
    try expect(.colon, "after parameter name")
    let low = try parseExpression()
    try expect(.ellipsis, "between the bounds of parameter '\(name.name)'")
    let high = try parseExpression()
    try expect(.assign, "and a default value after the range of parameter '\(name.name)'")
    let value = try parseExpression()
    return ParamDecl(name: name, low: low, high: high, defaultValue: value, range: range(from: start))
  }

  /// `network fifo capacity 2`
  mutating func parseNetwork() throws(ParseAbort) -> NetworkDecl {
    let start = current.range.start
    try advance()
    guard let kindName = current.identifier else {
      throw expected("network semantics ('unordered', 'fifo' or 'set') after 'network'")
    }
    guard ["unordered", "fifo", "set"].contains(kindName) else {
      throw fail(.error(
        "unknown network semantics '\(kindName)'; expected 'unordered', 'fifo' or 'set'", at: current.range))
    }
    let kind = Identifier(kindName, range: current.range)
    try advance()
    var capacity: Expr?
    if current.isWord("capacity") {
      try advance()
      capacity = try parseExpression()
    }
    return NetworkDecl(kind: kind, capacity: capacity, range: range(from: start))
  }

  /// `enum Phase { idle, busy }`
  mutating func parseEnum() throws(ParseAbort) -> EnumDecl {
    try advance()
    let name = try expectIdentifier("an enum name after 'enum'")
    try expect(.leftBrace, "after enum name '\(name.name)'")
    var cases = [try expectIdentifier("a case name in enum '\(name.name)'")]
    while try consume(.comma) {
      if try consume(.rightBrace) { return EnumDecl(name: name, cases: cases) }
      cases.append(try expectIdentifier("a case name in enum '\(name.name)'"))
    }
    try expect(.rightBrace, "or ',' in enum '\(name.name)'")
    return EnumDecl(name: name, cases: cases)
  }

  /// `record Instance { mbal: 0...2, val: Value }`; a trailing comma is allowed.
  mutating func parseRecord() throws(ParseAbort) -> RecordDecl {
    try advance()
    let name = try expectIdentifier("a record name after 'record'")
    try expect(.leftBrace, "after record name '\(name.name)'")
    var fields: [FieldDecl] = []
    repeat {
      if !fields.isEmpty && current.isPunct(.rightBrace) { break }
      let field = try expectIdentifier("a field name in record '\(name.name)'")
      try expect(.colon, "after field name '\(field.name)'")
      try nest()
      fields.append(FieldDecl(name: field, type: try parseType()))
      unnest()
    } while try consume(.comma)
    try expect(.rightBrace, "or ',' after the fields of record '\(name.name)'")
    return RecordDecl(name: name, fields: fields)
  }

  /// `message Vote(yes: bool)`
  mutating func parseMessage() throws(ParseAbort) -> MessageDecl {
    try advance()
    let name = try expectIdentifier("a message name after 'message'")
    var fields: [FieldDecl] = []
    if try consume(.leftParen) {
      repeat {
        let field = try expectIdentifier("a field name in message '\(name.name)'")
        try expect(.colon, "after field name '\(field.name)'")
        fields.append(FieldDecl(name: field, type: try parseType()))
      } while try consume(.comma)
      try expect(.rightParen, "or ',' after the fields of message '\(name.name)'")
    }
    return MessageDecl(name: name, fields: fields)
  }

  /// `invariant validity: expr`, `eventually done: expr`
  mutating func parseProperty() throws(ParseAbort) -> PropertyDecl {
    let start = current.range.start
    let kind: PropertyKind = current.isKeyword(.invariant) ? .invariant : .eventually
    try advance()
    let name = try expectIdentifier("a property name after '\(kind.rawValue)'")
    try expect(.colon, "after property name '\(name.name)'")
    let expr = try parseExpression()
    try refuseAssignmentAfterCondition()
    return PropertyDecl(kind: kind, name: name, expr: expr, range: range(from: start))
  }
}
