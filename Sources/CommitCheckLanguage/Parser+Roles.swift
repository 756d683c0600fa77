/// Roles (variables, states, transitions) and the `failures` block.
///
/// Kept apart from the file-level declarations because role bodies are where most of a model's
/// text, and most of its parse errors, live.
extension Parser {
  /// `role Participant[N] symmetric { ... }`; the flags `symmetric`, `nondeciding` and
  /// `forgetful` in any order, each at most once.
  mutating func parseRole() throws(ParseAbort) -> RoleDecl {
    let start = current.range.start
    try advance()
    let name = try expectIdentifier("a role name after 'role'")
    var count: Expr?
    if try consume(.leftBracket) {
      count = try parseExpression()
      try expect(.rightBracket, "after the instance count of role '\(name.name)'")
    }
    var role = RoleDecl(name: name, count: count, symmetric: false, range: range(from: start))
    while let flag = current.identifier, ["symmetric", "nondeciding", "forgetful"].contains(flag) {
      let at = current.range
      let repeated = switch flag {
      case "symmetric": role.symmetric
      case "nondeciding": role.nondeciding != nil
      default: role.forgetful != nil
      }
      if repeated { throw fail(.error("duplicate '\(flag)' on role '\(name.name)'", at: at)) }
      switch flag {
      case "symmetric": role.symmetric = true
      case "nondeciding": role.nondeciding = at
      default: role.forgetful = at
      }
      try advance()
    }
    try expect(.leftBrace, "to open role '\(name.name)'")
    while !current.isPunct(.rightBrace) {
      try parseRoleItem(into: &role)
    }
    try advance()
    role.range = range(from: start)
    return role
  }

  /// One item of a role body, added to `role`.
  private mutating func parseRoleItem(into role: inout RoleDecl) throws(ParseAbort) {
    let roleName = role.name.name
    let keyword: Keyword? = if case .keyword(let k) = current.kind { k } else { nil }
    switch keyword {
    case .var, .stable:
      role.vars.append(try parseVar())
    case .state:
      role.states.append(try parseState())
    case .start:
      let start = current.range
      try advance()
      let body = try parseBlock(opening: "after 'start'")
      if role.start != nil {
        throw fail(.error("duplicate 'start' block in role '\(roleName)'", at: start))
      }
      role.start = body
    case .recover:
      let start = current.range.start
      try advance()
      try expect(.to, "after 'recover'")
      let state = try expectIdentifier("a state name after 'recover to'")
      if role.recoverState != nil {
        throw fail(.error("duplicate 'recover to' in role '\(roleName)'", at: range(from: start)))
      }
      role.recoverState = state
    case .on:
      role.transitions.append(try parseTransition())
    default:
      if atDeclarationBoundary { throw expected("'}' to close role '\(roleName)'") }
      throw expected(
        "a role item ('var', 'stable', 'state', 'start', 'recover' or 'on') or '}' in role '\(roleName)'")
    }
  }

  /// `stable var votedYes: bool = false`
  private mutating func parseVar() throws(ParseAbort) -> VarDecl {
    let stable = try consume(.stable)
    try expect(.var, "after 'stable'")
    let name = try expectIdentifier("a variable name after 'var'")
    try expect(.colon, "after variable name '\(name.name)'")
    let type = try parseType()
    var initial: Expr?
    if try consume(.assign) {
      initial = try parseExpression()
    }
    return VarDecl(name: name, type: type, initial: initial, stable: stable)
  }

  /// `state committed decides commit`, `state working initial`
  private mutating func parseState() throws(ParseAbort) -> StateDecl {
    try advance()
    let name = try expectIdentifier("a state name after 'state'")
    var state = StateDecl(name: name, initial: false, decision: nil)
    while true {
      if current.isWord("initial") {
        state.initial = true
        try advance()
      } else if current.isWord("decides") {
        let start = current.range.start
        try advance()
        guard let word = current.identifier, let decision = Decision(rawValue: word) else {
          throw expected("'commit' or 'abort' after 'decides'")
        }
        try advance()
        if let previous = state.decision {
          throw fail(.error(
            "state '\(name.name)' already decides '\(previous.rawValue)'", at: range(from: start)))
        }
        state.decision = decision
      } else {
        return state
      }
    }
  }

  /// `on waiting, prepared receive Vote(yes: v) from p as tally when g rate 2 { ... }`
  private mutating func parseTransition() throws(ParseAbort) -> TransitionDecl {
    let start = current.range.start
    try advance()
    var states: [Identifier] = []
    if current.isWord("any") {
      try advance()
    } else {
      states.append(try expectIdentifier("a state name or 'any' after 'on'"))
      while try consume(.comma) {
        states.append(try expectIdentifier("a state name after ','"))
      }
    }
    let trigger: Trigger
    var name: Identifier?
    var parameters: [FieldDecl] = []
    if try consume(.receive) {
      let message = try expectIdentifier("a message name after 'receive'")
      var fields: [FieldPattern] = []
      if try consume(.leftParen) {
        repeat {
          let field = try expectIdentifier("a field name in the pattern of '\(message.name)'")
          try expect(.colon, "after field name '\(field.name)'")
          fields.append(FieldPattern(field: field, value: try parseExpression()))
        } while try consume(.comma)
        try expect(.rightParen, "or ',' after the fields of '\(message.name)'")
      }
      var sender: Identifier?
      if try consume(.from) {
        sender = try expectIdentifier("a name for the sender after 'from'")
      }
      trigger = .receive(message: message, fields: fields, sender: sender)
    } else if try consume(.step) {
      let stepName = try expectIdentifier("a step name after 'step'")
      name = stepName
      trigger = .step
      if try consume(.leftParen) {
        repeat {
          let parameter = try expectIdentifier("a parameter name in step '\(stepName.name)'")
          try expect(.colon, "after parameter name '\(parameter.name)'")
          parameters.append(FieldDecl(name: parameter, type: try parseType()))
        } while try consume(.comma)
        try expect(.rightParen, "or ',' after the parameters of step '\(stepName.name)'")
      }
    } else if try consume(.timeout) {
      trigger = .timeout
    } else {
      throw expected("'receive', 'step' or 'timeout' after the states of a transition")
    }
    if try consume(.as) {
      name = try expectIdentifier("a transition name after 'as'")
    }
    var guardExpr: Expr?
    if try consume(.when) {
      guardExpr = try parseExpression()
      try refuseAssignmentAfterCondition()
    }
    var rate: Expr?
    if try consume(.rate) {
      rate = try parseExpression()
    }
    let body = try parseBlock(opening: "to open the body of the transition")
    return TransitionDecl(
      states: states, trigger: trigger, name: name, guardExpr: guardExpr, rate: rate, body: body,
      range: range(from: start), parameters: parameters)
  }

  /// `failures { crash Coordinator: 1  lose: 1  partition }`, one declaration per line item;
  /// `fair recovery` sets `fairRecovery`.
  mutating func parseFailures(fairRecovery: inout SourceRange?) throws(ParseAbort) -> [FailureDecl] {
    try advance()
    try expect(.leftBrace, "after 'failures'")
    var items: [FailureDecl] = []
    while !current.isPunct(.rightBrace) {
      let start = current.range.start
      if current.isWord("fair") {
        try advance()
        guard current.isWord("recovery") else { throw expected("'recovery' after 'fair'") }
        try advance()
        fairRecovery = range(from: start)
        continue
      }
      let word = current.isKeyword(.recover) ? "recover" : current.identifier ?? ""
      guard let kind = FailureKind(rawValue: word) else {
        if atDeclarationBoundary { throw expected("'}' to close 'failures'") }
        throw expected("'crash', 'recover', 'lose', 'duplicate', 'partition', 'fair recovery' or '}' in 'failures'")
      }
      try advance()
      var role: Identifier?
      var budget: Expr?
      switch kind {
      case .crash, .recover:
        let target = try expectIdentifier("a role name after '\(word)'")
        try expect(.colon, "after role '\(target.name)'")
        role = target
        budget = try parseExpression()
      case .lose, .duplicate:
        try expect(.colon, "after '\(word)'")
        budget = try parseExpression()
      case .partition:
        if try consume(.colon) {
          budget = try parseExpression()
        }
      }
      items.append(FailureDecl(kind: kind, role: role, budget: budget, range: range(from: start)))
    }
    try advance()
    return items
  }
}
