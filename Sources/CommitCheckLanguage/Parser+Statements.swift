/// Blocks and statements: the bodies of `start`, transitions, `if` and `choose`.
///
/// Statements need no separators because each starts with a distinct token (an identifier or
/// `send`, `goto`, `if`, `choose`, `skip`); a `;` may follow any of them.
extension Parser {
  /// `{ stmt* }`; `opening` says where the `{` was expected, for the error when it is missing.
  mutating func parseBlock(opening: @autoclosure () -> String) throws(ParseAbort) -> [Stmt] {
    guard current.isPunct(.leftBrace) else { throw expected("'{' \(opening())") }
    try nest()
    defer { unnest() }
    try advance()
    var body: [Stmt] = []
    while !current.isPunct(.rightBrace) {
      if current.isEndOfFile { throw expected("'}' to close the block") }
      body.append(try parseStatement())
      _ = try consume(.semicolon)
    }
    try advance()
    return body
  }

  /// One statement.
  mutating func parseStatement() throws(ParseAbort) -> Stmt {
    let start = current.range.start
    let kind: StmtKind
    if let name = current.identifier {
      kind = try parseAssignment(to: Identifier(name, range: current.range))
    } else if try consume(.send) {
      kind = try parseSend()
    } else if try consume(.goto) {
      kind = .goto(try parseExpression())
    } else if current.isKeyword(.if) {
      return try parseIf()
    } else if try consume(.choose) {
      kind = try parseChoose()
    } else if try consume(.skip) {
      kind = .skip
    } else {
      throw expected("a statement or '}'")
    }
    return Stmt(kind, range: range(from: start))
  }

  /// `x = e`, `yes += p`, `votes[p] = true`, `aState[r].mbal = b` (current is the target's
  /// identifier). Whether `x.f` is a field of the process's own record or another process's
  /// variable (which cannot be assigned) is the compiler's to tell.
  private mutating func parseAssignment(to target: Identifier) throws(ParseAbort) -> StmtKind {
    try advance()
    var path: [Selector] = []
    var levels = 0
    defer { unnest(levels) }
    while current.isPunct(.leftBracket) || current.isPunct(.dot) {
      try nest()
      levels += 1
      if try consume(.dot) {
        path.append(.field(try expectIdentifier("a field name after '.'")))
      } else {
        try advance()
        path.append(.index(try parseExpression()))
        try expect(.rightBracket, "to close the index of '\(target.name)'")
      }
    }
    let op: AssignOp
    switch current.kind {
    case .punct(.assign): op = .set
    case .punct(.plusAssign): op = .add
    case .punct(.minusAssign): op = .remove
    default: throw expected("'=', '+=' or '-=' after '\(target.name)'")
    }
    try advance()
    return .assign(target: target, path: path, op: op, value: try parseExpression())
  }

  /// `send Vote(yes: true) to c`, `send Prepare to all Participant` (after `send`).
  private mutating func parseSend() throws(ParseAbort) -> StmtKind {
    let message = try expectIdentifier("a message name after 'send'")
    var args: [FieldArg] = []
    if try consume(.leftParen) {
      repeat {
        let field = try expectIdentifier("a field name in the arguments of '\(message.name)'")
        try expect(.colon, "after field name '\(field.name)'")
        args.append(FieldArg(field: field, value: try parseExpression()))
      } while try consume(.comma)
      try expect(.rightParen, "or ',' after the arguments of '\(message.name)'")
    }
    try expect(.to, "after message '\(message.name)'")
    // `to all Role` is the broadcast; `to all p in Role: ...` would be a (meaningless) quantifier.
    if current.isKeyword(.all), let role = peek(1).identifier, !peek(2).isKeyword(.in) {
      try advance()
      let roleRange = current.range
      try advance()
      return .send(message: message, args: args, target: .all(Identifier(role, range: roleRange)))
    }
    return .send(message: message, args: args, target: .process(try parseExpression()))
  }

  /// `if c { } else if d { } else { }`; an `else if` becomes a one-statement `else` block.
  private mutating func parseIf() throws(ParseAbort) -> Stmt {
    let start = current.range.start
    try advance()
    let condition = try parseExpression()
    try refuseAssignmentAfterCondition()
    let then = try parseBlock(opening: "after the condition of 'if'")
    var otherwise: [Stmt]?
    if try consume(.else) {
      if current.isKeyword(.if) {
        try nest()
        otherwise = [try parseIf()]
        unnest()
      } else {
        otherwise = try parseBlock(opening: "or 'if' after 'else'")
      }
    }
    return Stmt(.ifElse(condition: condition, then: then, otherwise: otherwise), range: range(from: start))
  }

  /// `choose { voteYes: { ... } voteNo rate 0.1: { ... } }` (after `choose`).
  private mutating func parseChoose() throws(ParseAbort) -> StmtKind {
    try expect(.leftBrace, "after 'choose'")
    var branches: [ChoiceBranch] = []
    repeat {
      let what = branches.isEmpty ? "a branch name in 'choose'" : "a branch name or '}' in 'choose'"
      let name = try expectIdentifier(what)
      var rate: Expr?
      if try consume(.rate) {
        rate = try parseExpression()
      }
      try expect(.colon, "after branch name '\(name.name)'")
      let body = try parseBlock(opening: "to open branch '\(name.name)'")
      branches.append(ChoiceBranch(name: name, rate: rate, body: body))
    } while !current.isPunct(.rightBrace)
    try advance()
    return .choose(branches)
  }
}
