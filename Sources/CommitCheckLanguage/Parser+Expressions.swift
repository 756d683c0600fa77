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
    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
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

  /// A whole expression: the conditional level (quantifiers are primaries).
  mutating func parseExpression() throws(ParseAbort) -> Expr {
    let condition = try parseBinary(.implies)
    guard current.isPunct(.question) else { return condition }
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
    var left: Expr
    if minimum <= .not && current.isKeyword(.not) {
      // `not e`, whose operand is a comparison: `not a == b` is `not (a == b)`.
      let start = current.range.start
      try nest()
      try advance()
      let operand = try parseBinary(.not)
      unnest()
      left = Expr(.unary(.not, operand), range: SourceRange(start, operand.range.end))
    } else {
      left = try parseNegation()
    }
    var levels = 0
    defer { unnest(levels) }
    while let (op, precedence) = binaryOperator(current), precedence >= minimum {
      try nest()
      levels += 1
      try advance()
      let right: Expr
      switch precedence {
      case .implies: right = try parseBinary(.implies)
      case .or: right = try parseBinary(.and)
      case .and: right = try parseBinary(.not)
      case .not, .comparison: right = try parseBinary(.additive)
      case .additive: right = try parseNegation()
      }
      if precedence == .comparison, binaryOperator(current)?.precedence == .comparison {
        throw fail(.error("comparison operators cannot be chained; use 'and'", at: current.range))
      }
      left = Expr(.binary(op, left, right), range: left.range.to(right.range))
    }
    return left
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
        try advance()
        let member = try expectIdentifier("a member name after '.'")
        base = Expr(.member(base, member), range: base.range.to(member.range))
      } else if current.isPunct(.leftBracket) {
        try nest()
        levels += 1
        try advance()
        let index = try parseExpression()
        let close = try expect(.rightBracket, "to close the index")
        base = Expr(.index(base, index), range: base.range.to(close.range))
      } else {
        return base
      }
    }
  }

  private mutating func parsePrimary() throws(ParseAbort) -> Expr {
    let token = current
    switch token.kind {
    case .integer(let value):
      try advance()
      return Expr(.int(value), range: token.range)
    case .real(let value):
      try advance()
      return Expr(.real(value), range: token.range)
    case .keyword(.true), .keyword(.false):
      try advance()
      return Expr(.bool(token.isKeyword(.true)), range: token.range)
    case .keyword(.self):
      try advance()
      return Expr(.name("self"), range: token.range)
    case .identifier(let name):
      try advance()
      guard current.isPunct(.leftParen) else { return Expr(.name(name), range: token.range) }
      return try parseCall(Identifier(name, range: token.range))
    case .punct(.leftParen):
      try nest()
      defer { unnest() }
      try advance()
      var inner = try parseExpression()
      let close = try expect(.rightParen, "to close '('")
      // The parentheses belong to the range, so an operator's range covers all it was written with.
      inner.range = token.range.to(close.range)
      return inner
    case .punct(.leftBrace):
      return try parseSetLiteral()
    case .keyword(.all), .keyword(.some), .keyword(.count):
      return try parseQuantifier()
    default:
      throw expected("an expression")
    }
  }

  /// `crashed(p)`: current is the `(` after the callee's name.
  private mutating func parseCall(_ callee: Identifier) throws(ParseAbort) -> Expr {
    try nest()
    defer { unnest() }
    try advance()
    var arguments: [Expr] = []
    if !current.isPunct(.rightParen) {
      repeat {
        arguments.append(try parseExpression())
      } while try consume(.comma)
    }
    let close = try expect(.rightParen, "or ',' in the arguments of '\(callee.name)'")
    return Expr(.call(callee, arguments), range: callee.range.to(close.range))
  }

  /// `{}` or `{a, b}`.
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
  private mutating func parseQuantifier() throws(ParseAbort) -> Expr {
    let keyword = current
    let kind: QuantifierKind =
      keyword.isKeyword(.all) ? .all : keyword.isKeyword(.some) ? .some : .count
    if kind == .all, let role = peek(1).identifier, !peek(2).isKeyword(.in) {
      try advance()
      let roleRange = current.range
      try advance()
      return Expr(.allOf(Identifier(role, range: roleRange)), range: keyword.range.to(roleRange))
    }
    try nest()
    defer { unnest() }
    try advance()
    let what = kind == .all ? "a role or a variable name after 'all'" : "a variable name after '\(kind.rawValue)'"
    let variable = try expectIdentifier(what)
    try expect(.in, "after quantifier variable '\(variable.name)'")
    let role = try expectIdentifier("a role name after 'in'")
    try expect(.colon, "after '\(kind.rawValue) \(variable.name) in \(role.name)'")
    let body = try parseExpression()
    return Expr(
      .quantifier(kind, variable: variable, role: role, body: body), range: keyword.range.to(body.range))
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
