/// Expressions, by precedence from lowest to highest, and types.
///
/// The binary levels are parsed by precedence climbing, so a parenthesis costs a handful of small
/// stack frames rather than one per precedence level. Each operator applied counts as a level of
/// nesting, so a chain of thousands of `+` is refused like thousands of `(`: both make a tree too
/// deep to walk (or free) recursively.
extension Parser {
  /// The binary precedence levels of the spec's table, loosest first; `not` sits between `and`
  /// and the comparisons.
  enum Precedence: Int, Comparable {
    case implies = 1, or, and, not, comparison, additive
    /// Unary `-` and tighter: no binary operator at all.
    case unary
    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// The level just above this one.
    var next: Self { Self(rawValue: rawValue + 1) ?? .unary }
  }

  /// The binary operator a token spells, with its precedence.
  func binaryOperator(_ token: Token) -> (op: BinaryOp, precedence: Precedence)? {
    switch token.kind {
    case .keyword(.implies): (.implies, .implies)
    case .keyword(.or): (.or, .or)
    case .keyword(.and): (.and, .and)
    case .punct(.equalEqual): (.equal, .comparison)
    case .punct(.notEqual): (.notEqual, .comparison)
    case .punct(.less): (.less, .comparison)
    case .punct(.lessEqual): (.lessEqual, .comparison)
    case .punct(.greater): (.greater, .comparison)
    case .punct(.greaterEqual): (.greaterEqual, .comparison)
    case .keyword(.in): (.in, .comparison)
    case .punct(.plus): (.plus, .additive)
    case .punct(.minus): (.minus, .additive)
    default: nil
    }
  }

  // The recursive functions below stay thin, so one level of nesting costs little stack and the
  // 256 levels fit in a 512 KB thread stack: they write their result through `inout` (every
  // call site of a function returning a 56-byte `Expr` gets its own stack slot, an `inout`
  // target is shared), and whatever does not recurse (building nodes, messages, lookahead)
  // lives in `@inline(never)` helpers.

  /// A whole expression: the conditional level (quantifiers are primaries).
  mutating func parseExpression() throws(ParseAbort) -> Expr {
    var result = Self.placeholder
    try parseExpression(into: &result)
    return result
  }

  /// A value for `inout` results to start from, shared so it costs no allocation.
  static let placeholder = Expr(.bool(false), range: .none)

  private mutating func parseExpression(into result: inout Expr) throws(ParseAbort) {
    try parseBinary(.implies, into: &result)
    if current.isPunct(.question) { try parseConditional(into: &result) }
  }

  /// `c ? a : b`, right associative; `result` holds `c` on entry.
  @inline(never)
  private mutating func parseConditional(into result: inout Expr) throws(ParseAbort) {
    try nest()
    defer { unnest() }
    try advance()
    let then = try parseExpression()
    try expect(.colon, "in the conditional expression")
    let otherwise = try parseExpression()
    result = Expr(.conditional(result, then, otherwise), range: result.range.to(otherwise.range))
  }

  /// An expression whose operators all bind at least as tightly as `minimum`.
  ///
  /// `implies` is right associative, the others left; comparisons do not associate at all, so
  /// `a < b < c` is an error rather than a surprise.
  mutating func parseBinary(_ minimum: Precedence) throws(ParseAbort) -> Expr {
    var result = Self.placeholder
    try parseBinary(minimum, into: &result)
    return result
  }

  private mutating func parseBinary(_ minimum: Precedence, into left: inout Expr) throws(ParseAbort) {
    if minimum <= .not && current.isKeyword(.not) {
      try parseNot(into: &left)
    } else {
      try parseNegation(into: &left)
    }
    var levels = 0
    defer { unnest(levels) }
    var right = Self.placeholder
    while let (op, precedence) = binaryOperator(current), precedence >= minimum {
      try nest()
      levels += 1
      try advance()
      // The right operand binds tighter, except for right-associative `implies`.
      try parseBinary(precedence == .implies ? .implies : precedence.next, into: &right)
      if precedence == .comparison, binaryOperator(current)?.precedence == .comparison {
        throw chainedComparison()
      }
      Self.combine(&left, op, right)
    }
  }

  @inline(never)
  private mutating func chainedComparison() -> ParseAbort {
    fail(.error("comparison operators cannot be chained; use 'and'", at: current.range))
  }

  /// Replaces `left` with `left op right`.
  @inline(never)
  private static func combine(_ left: inout Expr, _ op: BinaryOp, _ right: Expr) {
    left = Expr(.binary(op, left, right), range: left.range.to(right.range))
  }

  /// `not e`, whose operand is a comparison: `not a == b` is `not (a == b)`.
  @inline(never)
  private mutating func parseNot(into result: inout Expr) throws(ParseAbort) {
    let start = current.range.start
    try nest()
    defer { unnest() }
    try advance()
    try parseBinary(.not, into: &result)
    Self.wrap(&result, .not, from: start)
  }

  /// Unary `-`, looser than postfix: `-p.x` is `-(p.x)`.
  private mutating func parseNegation(into result: inout Expr) throws(ParseAbort) {
    guard current.isPunct(.minus) else { return try parsePostfix(into: &result) }
    let start = current.range.start
    try nest()
    defer { unnest() }
    try advance()
    try parseNegation(into: &result)
    Self.wrap(&result, .negate, from: start)
  }

  /// Replaces `operand` with `op operand`, its range starting at the operator.
  @inline(never)
  private static func wrap(_ operand: inout Expr, _ op: UnaryOp, from start: SourceLocation) {
    operand = Expr(.unary(op, operand), range: SourceRange(start, operand.range.end))
  }

  /// `e.member` and `e[index]`, any number of times.
  private mutating func parsePostfix(into base: inout Expr) throws(ParseAbort) {
    try parsePrimary(into: &base)
    var levels = 0
    defer { unnest(levels) }
    while current.isPunct(.dot) || current.isPunct(.leftBracket) {
      try nest()
      levels += 1
      if current.isPunct(.dot) {
        try parseMember(of: &base)
      } else {
        try parseIndex(of: &base)
      }
    }
  }

  /// `.member` after `base`.
  @inline(never)
  private mutating func parseMember(of base: inout Expr) throws(ParseAbort) {
    try advance()
    let member = try expectIdentifier("a member name after '.'")
    base = Expr(.member(base, member), range: base.range.to(member.range))
  }

  /// `[index]` after `base`.
  @inline(never)
  private mutating func parseIndex(of base: inout Expr) throws(ParseAbort) {
    try advance()
    let index = try parseExpression()
    let close = try expect(.rightBracket, "to close the index")
    base = Expr(.index(base, index), range: base.range.to(close.range))
  }

  private mutating func parsePrimary(into result: inout Expr) throws(ParseAbort) {
    switch current.kind {
    case .punct(.leftParen): try parseParenthesized(into: &result)
    case .punct(.leftBrace): try parseSetLiteral(into: &result)
    case .keyword(.count) where startsMessageQuery(): try parseMessageQuery(into: &result)
    case .keyword(.all), .keyword(.some), .keyword(.count): try parseQuantifier(into: &result)
    case .identifier("exists") where peek(1).identifier != nil: try parseMessageQuery(into: &result)
    case .identifier where nextIsLeftParen(): try parseCall(into: &result)
    default: try parseAtom(into: &result)
    }
  }

  @inline(never)
  private mutating func nextIsLeftParen() -> Bool { peek(1).isPunct(.leftParen) }

  /// `count Msg ...` counts messages; `count p in ...:` is a quantifier.
  @inline(never)
  private mutating func startsMessageQuery() -> Bool {
    peek(1).identifier != nil && !peek(2).isKeyword(.in)
  }

  /// `exists Msg(field: e, ...) from p to q` or `count Msg(...) ...`: current is `exists` or
  /// `count`. The sender and receiver are postfix expressions, so `exists M from p and x` reads
  /// as `(exists M from p) and x`.
  @inline(never)
  private mutating func parseMessageQuery(into result: inout Expr) throws(ParseAbort) {
    let start = current.range.start
    let kind: MessageQueryKind = current.isKeyword(.count) ? .count : .exists
    try nest()
    defer { unnest() }
    try advance()
    let message = try expectIdentifier("a message name after '\(kind.rawValue)'")
    var fields: [FieldArg] = []
    if try consume(.leftParen) {
      repeat {
        let field = try expectIdentifier("a field name in the pattern of '\(message.name)'")
        try expect(.colon, "after field name '\(field.name)'")
        fields.append(FieldArg(field: field, value: try parseExpression()))
      } while try consume(.comma)
      try expect(.rightParen, "or ',' after the fields of '\(message.name)'")
    }
    var query = MessageQuery(message: message, fields: fields, sender: nil, receiver: nil)
    if try consume(.from) { query.sender = try parseBinary(.unary) }
    if try consume(.to) { query.receiver = try parseBinary(.unary) }
    result = Expr(.messageQuery(kind, query), range: range(from: start))
  }

  /// A primary without parts: a literal, a name or `self`.
  @inline(never)
  private mutating func parseAtom(into result: inout Expr) throws(ParseAbort) {
    let range = current.range
    let kind: ExprKind
    switch current.kind {
    case .integer(let value): kind = .int(value)
    case .real(let value): kind = .real(value)
    case .keyword(.true): kind = .bool(true)
    case .keyword(.false): kind = .bool(false)
    case .keyword(.self): kind = .name("self")
    case .identifier(let name): kind = .name(name)
    default: throw expected("an expression")
    }
    try advance()
    result = Expr(kind, range: range)
  }

  /// `( e )`; the parentheses belong to the range, so an operator's range covers all it was
  /// written with.
  @inline(never)
  private mutating func parseParenthesized(into result: inout Expr) throws(ParseAbort) {
    let start = current.range.start
    try nest()
    defer { unnest() }
    try advance()
    try parseExpression(into: &result)
    try expect(.rightParen, "to close '('")
    result.range = range(from: start)
  }

  /// `crashed(p)`: current is the callee's name.
  @inline(never)
  private mutating func parseCall(into result: inout Expr) throws(ParseAbort) {
    let callee = try expectIdentifier("a function name")
    try nest()
    defer { unnest() }
    try advance()
    var arguments: [Expr] = []
    if !current.isPunct(.rightParen) {
      repeat {
        arguments.append(try parseExpression())
      } while try consume(.comma)
    }
    try expect(.rightParen, "or ',' in the arguments of '\(callee.name)'")
    result = Expr(.call(callee, arguments), range: range(from: callee.range.start))
  }

  /// `{}` or `{a, b}`.
  @inline(never)
  private mutating func parseSetLiteral(into result: inout Expr) throws(ParseAbort) {
    let start = current.range.start
    try nest()
    defer { unnest() }
    try advance()
    var elements: [Expr] = []
    if !current.isPunct(.rightBrace) {
      repeat {
        elements.append(try parseExpression())
      } while try consume(.comma)
    }
    try expect(.rightBrace, "or ',' in the set literal")
    result = Expr(.setLiteral(elements), range: range(from: start))
  }

  /// `all p in Participant: body` (and `some`, `count`), or `all Participant`.
  @inline(never)
  private mutating func parseQuantifier(into result: inout Expr) throws(ParseAbort) {
    if try parseAllOf(into: &result) { return }
    try nest()
    defer { unnest() }
    // `result` holds the quantifier with a placeholder body until the body is parsed.
    try parseQuantifierHead(into: &result)
    var body = Self.placeholder
    try parseExpression(into: &body)
    Self.attach(body, to: &result)
  }

  /// `all Role`, when `all` is not followed by `name in`; false for a quantifier.
  @inline(never)
  private mutating func parseAllOf(into result: inout Expr) throws(ParseAbort) -> Bool {
    guard current.isKeyword(.all), let role = peek(1).identifier, !peek(2).isKeyword(.in) else {
      return false
    }
    let start = current.range.start
    try advance()
    let roleRange = current.range
    try advance()
    result = Expr(.allOf(Identifier(role, range: roleRange)), range: range(from: start))
    return true
  }

  /// `all p in Participant:`, as a quantifier whose body is still to come.
  @inline(never)
  private mutating func parseQuantifierHead(into result: inout Expr) throws(ParseAbort) {
    let start = current.range
    let kind: QuantifierKind = current.isKeyword(.all) ? .all : current.isKeyword(.some) ? .some : .count
    try advance()
    let variable = try expectIdentifier(
      kind == .all ? "a role or a variable name after 'all'" : "a variable name after '\(kind.rawValue)'")
    try expect(.in, "after quantifier variable '\(variable.name)'")
    guard canStartExpression(current) else {
      throw expected("a role, an enum, a set or a range 'lo...hi' after 'in'")
    }
    var domain = try parseBinary(.additive)
    if try consume(.ellipsis) {
      let high = try parseBinary(.additive)
      domain = Expr(.range(domain, high), range: domain.range.to(high.range))
    }
    if !current.isPunct(.colon) {
      let written = sourceText(domain.range)
      throw expected("':' after '\(kind.rawValue) \(variable.name) in \(written)'")
    }
    try advance()
    result = Expr(.quantifier(kind, variable: variable, domain: domain, body: Self.placeholder), range: start)
  }

  /// The source text of a range, abbreviated, as a message quotes it.
  func sourceText(_ range: SourceRange) -> String { Lexer.abbreviated(lexer.text(of: range)) }

  /// Puts `body` into the quantifier `head` (from `parseQuantifierHead`).
  @inline(never)
  private static func attach(_ body: Expr, to head: inout Expr) {
    guard case .quantifier(let kind, let variable, let domain, _) = head.kind else { return }
    head = Expr(.quantifier(kind, variable: variable, domain: domain, body: body), range: head.range.to(body.range))
  }

  // MARK: Types

  /// `bool`, `set<Role>`, `map<Role, T>`, a name, or a range `lo...hi` with additive bounds.
  mutating func parseType() throws(ParseAbort) -> TypeExpr {
    let start = current.range
    if current.isWord("bool") {
      try advance()
      return .bool(start)
    }
    if current.isWord("set") && peek(1).isPunct(.less) {
      try advance()
      try advance()
      let element = try expectIdentifier("a role name in 'set<...>'")
      try expectClosingAngle("after 'set<\(element.name)'")
      return .set(element, range(from: start.start))
    }
    if current.isWord("map") && peek(1).isPunct(.less) {
      try advance()
      try advance()
      let key = try expectIdentifier("a role name as the key of 'map<...>'")
      try expect(.comma, "after the key of 'map<\(key.name)'")
      try nest()
      let value = try parseType()
      unnest()
      try expectClosingAngle("after the value type of 'map<\(key.name), ...'")
      return .map(key, value, range(from: start.start))
    }
    if let name = current.identifier, !startsRangeBound(peek(1)) {
      try advance()
      return .named(Identifier(name, range: start))
    }
    guard canStartExpression(current) else {
      throw expected("a type ('bool', 'set<...>', 'map<...>', a name or a range 'lo...hi')")
    }
    let low = try parseBinary(.additive)
    try expect(.ellipsis, "in the range type")
    let high = try parseBinary(.additive)
    return .range(low, high, low.range.to(high.range))
  }

  /// Whether a token after an identifier in a type makes it the start of a range bound (`N-1...N`).
  private func startsRangeBound(_ token: Token) -> Bool {
    guard case .punct(let p) = token.kind else { return false }
    return [.ellipsis, .plus, .minus, .dot, .leftBracket, .leftParen].contains(p)
  }

  func canStartExpression(_ token: Token) -> Bool {
    switch token.kind {
    case .integer, .real, .identifier: true
    case .keyword(let k): [.true, .false, .self, .not, .all, .some, .count].contains(k)
    case .punct(let p): [.leftParen, .leftBrace, .minus].contains(p)
    case .endOfFile, .invalid: false
    }
  }

  /// Consumes the `>` closing `set<`/`map<`, splitting a `>=` (as in `map<P, bool>= x`).
  private mutating func expectClosingAngle(_ context: @autoclosure () -> String) throws(ParseAbort) {
    if current.isPunct(.greaterEqual) {
      let r = current.range
      let middle = SourceLocation(line: r.start.line, column: r.start.column + 1, offset: r.start.offset + 1)
      previousEnd = middle
      current = Token(kind: .punct(.assign), range: SourceRange(middle, r.end))
      return
    }
    try expect(.greater, context())
  }
}
