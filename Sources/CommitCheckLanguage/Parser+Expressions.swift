/// Expressions, by precedence from lowest to highest, and types.
///
/// The binary levels are parsed by precedence climbing, so a parenthesis costs five stack frames
/// rather than one per level. Each operator applied counts as a level of nesting, so a chain of
/// thousands of `+` is refused like thousands of `(`: both make a tree too deep to walk safely.
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

  // The recursive functions below stay thin: whatever does not recurse (building nodes, error
  // messages, lookahead) lives in `@inline(never)` helpers, so that one level of nesting costs
  // little stack and the 256 levels fit comfortably in a secondary thread's stack.

  /// A whole expression: the conditional level (quantifiers are primaries).
  mutating func parseExpression() throws(ParseAbort) -> Expr {
    let condition = try parseBinary(.implies)
    guard current.isPunct(.question) else { return condition }
    return try parseConditional(condition)
  }

  /// `c ? a : b` after `c`, right associative.
  @inline(never)
  private mutating func parseConditional(_ condition: Expr) throws(ParseAbort) -> Expr {
    try nest()
    defer { unnest() }
    try advance()
    let then = try parseExpression()
    try expect(.colon, "in the conditional expression")
    let otherwise = try parseExpression()
    return Expr(.conditional(condition, then, otherwise), range: condition.range.to(otherwise.range))
  }

  /// An expression whose operators all bind at least as tightly as `minimum`.
  ///
  /// `implies` is right associative, the others left; comparisons do not associate at all, so
  /// `a < b < c` is an error rather than a surprise.
  mutating func parseBinary(_ minimum: Precedence) throws(ParseAbort) -> Expr {
    if minimum == .unary { return try parseNegation() }
    var left = try minimum <= .not && current.isKeyword(.not) ? parseNot() : parseNegation()
    var levels = 0
    defer { unnest(levels) }
    while let (op, precedence) = binaryOperator(current), precedence >= minimum {
      try nest()
      levels += 1
      try advance()
      // The right operand binds tighter, except for right-associative `implies`.
      let right = try parseBinary(precedence == .implies ? .implies : precedence.next)
      if precedence == .comparison, binaryOperator(current)?.precedence == .comparison {
        throw chainedComparison()
      }
      left = Self.binary(op, left, right)
    }
    return left
  }

  @inline(never)
  private mutating func chainedComparison() -> ParseAbort {
    fail(.error("comparison operators cannot be chained; use 'and'", at: current.range))
  }

  @inline(never)
  private static func binary(_ op: BinaryOp, _ left: Expr, _ right: Expr) -> Expr {
    Expr(.binary(op, left, right), range: left.range.to(right.range))
  }

  /// `not e`, whose operand is a comparison: `not a == b` is `not (a == b)`.
  @inline(never)
  private mutating func parseNot() throws(ParseAbort) -> Expr {
    let start = current.range.start
    try nest()
    defer { unnest() }
    try advance()
    let operand = try parseBinary(.not)
    return Expr(.unary(.not, operand), range: SourceRange(start, operand.range.end))
  }

  /// Unary `-`, looser than postfix: `-p.x` is `-(p.x)`.
  private mutating func parseNegation() throws(ParseAbort) -> Expr {
    guard current.isPunct(.minus) else { return try parsePostfix() }
    let start = current.range.start
    try nest()
    defer { unnest() }
    try advance()
    let operand = try parseNegation()
    return Expr(.unary(.negate, operand), range: SourceRange(start, operand.range.end))
  }

  /// `e.member` and `e[index]`, any number of times.
  private mutating func parsePostfix() throws(ParseAbort) -> Expr {
    var base = try parsePrimary()
    var levels = 0
    defer { unnest(levels) }
    while true {
      if current.isPunct(.dot) {
        try nest()
        levels += 1
        base = try parseMember(of: base)
      } else if current.isPunct(.leftBracket) {
        try nest()
        levels += 1
        try advance()
        let index = try parseExpression()
        base = try finishIndex(base, index)
      } else {
        return base
      }
    }
  }

  /// `.member` after `base`.
  @inline(never)
  private mutating func parseMember(of base: Expr) throws(ParseAbort) -> Expr {
    try advance()
    let member = try expectIdentifier("a member name after '.'")
    return Expr(.member(base, member), range: base.range.to(member.range))
  }

  /// The `]` of `base[index]`.
  @inline(never)
  private mutating func finishIndex(_ base: Expr, _ index: Expr) throws(ParseAbort) -> Expr {
    let close = try expect(.rightBracket, "to close the index")
    return Expr(.index(base, index), range: base.range.to(close.range))
  }

  @inline(never)
  private mutating func parsePrimary() throws(ParseAbort) -> Expr {
    switch current.kind {
    case .punct(.leftParen): return try parseParenthesized()
    case .punct(.leftBrace): return try parseSetLiteral()
    case .keyword(.all), .keyword(.some), .keyword(.count): return try parseQuantifier()
    case .identifier where nextIsLeftParen(): return try parseCall()
    default: return try parseAtom()
    }
  }

  @inline(never)
  private mutating func nextIsLeftParen() -> Bool { peek(1).isPunct(.leftParen) }

  /// A primary without parts: a literal, a name or `self`.
  @inline(never)
  private mutating func parseAtom() throws(ParseAbort) -> Expr {
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
    return Expr(kind, range: range)
  }

  /// `( e )`; the parentheses belong to the range, so an operator's range covers all it was
  /// written with.
  @inline(never)
  private mutating func parseParenthesized() throws(ParseAbort) -> Expr {
    let start = current.range.start
    try nest()
    defer { unnest() }
    try advance()
    var inner = try parseExpression()
    try expect(.rightParen, "to close '('")
    inner.range = range(from: start)
    return inner
  }

  /// `crashed(p)`: current is the callee's name.
  @inline(never)
  private mutating func parseCall() throws(ParseAbort) -> Expr {
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
    return Expr(.call(callee, arguments), range: range(from: callee.range.start))
  }

  /// `{}` or `{a, b}`.
  @inline(never)
  private mutating func parseSetLiteral() throws(ParseAbort) -> Expr {
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
    return Expr(.setLiteral(elements), range: range(from: start))
  }

  /// `all p in Participant: body` (and `some`, `count`), or `all Participant`.
  @inline(never)
  private mutating func parseQuantifier() throws(ParseAbort) -> Expr {
    if let allOf = try parseAllOf() { return allOf }
    try nest()
    defer { unnest() }
    let head = try parseQuantifierHead()
    let body = try parseExpression()
    return Self.quantifier(head, body)
  }

  /// `all Role`, when `all` is not followed by `name in`.
  @inline(never)
  private mutating func parseAllOf() throws(ParseAbort) -> Expr? {
    guard current.isKeyword(.all), let role = peek(1).identifier, !peek(2).isKeyword(.in) else {
      return nil
    }
    let start = current.range.start
    try advance()
    let roleRange = current.range
    try advance()
    return Expr(.allOf(Identifier(role, range: roleRange)), range: range(from: start))
  }

  /// `all p in Participant:`, as a quantifier whose body is still to come.
  @inline(never)
  private mutating func parseQuantifierHead() throws(ParseAbort) -> Expr {
    let start = current.range
    let kind: QuantifierKind = current.isKeyword(.all) ? .all : current.isKeyword(.some) ? .some : .count
    try advance()
    let variable = try expectIdentifier(
      kind == .all ? "a role or a variable name after 'all'" : "a variable name after '\(kind.rawValue)'")
    try expect(.in, "after quantifier variable '\(variable.name)'")
    let role = try expectIdentifier("a role name after 'in'")
    try expect(.colon, "after '\(kind.rawValue) \(variable.name) in \(role.name)'")
    return Expr(.quantifier(kind, variable: variable, role: role, body: Expr(.bool(true), range: start)), range: start)
  }

  /// The quantifier `head` (from `parseQuantifierHead`) with its body.
  @inline(never)
  private static func quantifier(_ head: Expr, _ body: Expr) -> Expr {
    guard case .quantifier(let kind, let variable, let role, _) = head.kind else { return head }
    return Expr(.quantifier(kind, variable: variable, role: role, body: body), range: head.range.to(body.range))
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

  private func canStartExpression(_ token: Token) -> Bool {
    switch token.kind {
    case .integer, .real, .identifier: true
    case .keyword(let k): [.true, .false, .self, .not, .all, .some, .count].contains(k)
    case .punct(let p): [.leftParen, .leftBrace, .minus].contains(p)
    case .endOfFile, .invalid: false
    }
  }

  /// Consumes the `>` closing `set<`/`map<`, splitting a `>=` (as in `map<P, bool>= x`).
  private mutating func expectClosingAngle(_ context: String) throws(ParseAbort) {
    if current.isPunct(.greaterEqual) {
      let r = current.range
      let middle = SourceLocation(line: r.start.line, column: r.start.column + 1, offset: r.start.offset + 1)
      previousEnd = middle
      current = Token(kind: .punct(.assign), range: SourceRange(middle, r.end))
      return
    }
    try expect(.greater, context)
  }
}
