import CommitCheckLanguage

extension Compiler {
  /// Records which roles send and receive each message, to type `from p` bindings.
  func scanSends() {
    senders = Array(repeating: [], count: messages.count)
    receivers = Array(repeating: [], count: messages.count)
    func walk(_ block: [Stmt], _ r: Int) {
      for s in block {
        switch s.kind {
        case .send(let m, _, _): if let i = messageIndex[m.name] { senders[i].insert(r) }
        case .ifElse(_, let a, let b): walk(a, r); walk(b ?? [], r)
        case .choose(let branches): for b in branches { walk(b.body, r) }
        default: break
        }
      }
    }
    for (r, role) in model.roles.enumerated() {
      walk(role.start ?? [], r)
      for t in role.transitions {
        walk(t.body, r)
        if case .receive(let m, _, _) = t.trigger, let i = messageIndex[m.name] { receivers[i].insert(r) }
      }
    }
  }

  /// One transition with its step parameters (if any) fixed to one valuation, named `label`.
  func compileTransition(_ t: TransitionDecl, role r: Int, fixed: [(name: String, typed: Typed, uid: Int)] = [],
                         label: String? = nil) -> (TransitionInfo, CompiledTransition)? {
    var states = Array(repeating: t.states.isEmpty, count: roles[r].states.count)
    for s in t.states {
      guard let i = state(s.name, of: r) else {
        error(unknownState(s.name, role: r), s.range)
        return nil
      }
      states[i] = true
    }
    var scope = Scope(role: r)
    scope.fixed = fixed
    transitionFacts = FactRecorder()
    defer { transitionFacts = nil }
    var code = CompiledTransition(role: r, kind: .step, states: states, body: [])
    var patternNames: [(uid: Int, name: String, range: SourceRange)] = []
    var name = t.name?.name ?? "step"
    switch t.trigger {
    case .step:
      code.kind = .step
    case .timeout:
      code.kind = .timeout
      code.asynchronous = t.guardExpr == nil
      name = t.name?.name ?? "timeout"
    case .receive(let messageName, let fields, let sender):
      code.kind = .receive
      guard let m = messageIndex[messageName.name] else {
        error(unknownMessage(messageName.name), messageName.range)
        return nil
      }
      code.message = m
      name = t.name?.name ?? "receive_\(messageName.name)"
      for f in fields {
        guard let k = messages[m].fieldNames.firstIndex(of: f.field.name) else {
          error(unknownField(f.field.name, message: m), f.field.range)
          continue
        }
        let fieldType = type(of: messages[m].fieldDomains[k])
        if case .name(let n) = f.value.kind, isFreshName(n, scope: scope) {
          code.patterns.append(PatternField(field: k, match: nil, bind: bind(&scope, n, fieldType)))
          patternNames.append((bindings, n, f.value.range))
          continue
        }
        let typed = compileExpr(f.value, scope: scope)
        guard typed.type != .error else { continue }
        guard unify(typed.type, fieldType) != nil else {
          error("field '\(f.field.name)' is \(fieldType.describe(self)), but the pattern is \(typed.type.describe(self))", f.value.range)
          continue
        }
        code.patterns.append(PatternField(field: k, match: typed.eval, bind: nil))
      }
      if let sender {
        guard isFreshName(sender.name, scope: scope) else {
          error("'\(sender.name)' is already declared; 'from' binds a new name to the sender", sender.range)
          return nil
        }
        let roles = senders[m]
        code.senderLocal = bind(&scope, sender.name, .process(roles.count == 1 ? roles.first : nil))
      }
    }
    if let label { name = label }
    if let g = t.guardExpr {
      let typed = compileExpr(g, scope: scope)
      if typed.type != .error, expect(typed, .bool, g.range, "a 'when' guard") {
        code.guardEval = typed.eval
        // Never enabled (a valuation of a step's parameters the guard rules out): it stays a
        // transition, in no control state's list.
        if typed.known == 0 { code.states = code.states.map { _ in false } }
      }
    }
    var rate = 1.0
    if let re = t.rate { rate = rateValue(re) ?? 1 }
    choiceNames = []
    choiceRates = []
    let body = compileBlock(t.body, scope: scope)
    code.body = body.code
    let depth = choiceDepth(t.body)
    if depth > Limits.choiceDepth {
      error("transition '\(name)' can take \(depth) 'choose' in a row; at most \(Limits.choiceDepth) are supported",
        t.range)
    }
    for p in patternNames where !usedBindings.contains(p.uid) {
      diagnostics.append(.warning(
        "'\(p.name)' matches any value and is never used; if it is meant as a constant, it is not declared",
        at: p.range))
    }
    let facts = transitionFacts ?? FactRecorder()
    let info = TransitionInfo(
      name: name, named: t.name != nil, role: r, kind: code.kind, message: code.message, choiceNames: choiceNames,
      choiceRates: choiceRates, range: t.range, rate: rate, trigger: triggerText(t),
      guardText: t.guardExpr.map { sourceText($0.range) }, reads: facts.reads(asynchronous: code.asynchronous),
      writes: facts.writes, paths: Self.paths(through: body.outline))
    return (info, code)
  }

  /// The most `choose` statements one run of `block` takes (each records a branch in the action).
  func choiceDepth(_ block: [Stmt]) -> Int {
    block.reduce(0) { total, s in
      switch s.kind {
      case .ifElse(_, let a, let b): total + max(choiceDepth(a), choiceDepth(b ?? []))
      case .choose(let branches): total + 1 + (branches.map { choiceDepth($0.body) }.max() ?? 0)
      default: total
      }
    }
  }

  func rateValue(_ e: Expr) -> Double? {
    if case .real(let d) = e.kind {
      if d > 0 { return d }
    } else if let v = constant(e) {
      if v > 0 { return Double(v) }
    } else {
      return nil  // `constant` said why
    }
    error("a rate must be a positive number", e.range)
    return nil
  }

  /// A name in a pattern binds when it means nothing yet.
  func isFreshName(_ n: String, scope: Scope) -> Bool {
    if scope.isBound(n) || n == "self" || params[n] != nil || enumCase[n] != nil || roleIndex[n] != nil {
      return false
    }
    if let r = scope.role, variable(n, of: r) != nil { return false }
    return true
  }

  /// A block's code, and its outline for the paths through it.
  func compileBlock(_ block: [Stmt], scope: Scope) -> (code: [CStmt], outline: [PathStep]) {
    var code: [CStmt] = []
    var outline: [PathStep] = []
    for s in block {
      let (c, step) = compileStmt(s, scope: scope)
      if let c { code.append(c) }
      if let step { outline.append(step) }
    }
    return (code, outline)
  }

  func compileStmt(_ s: Stmt, scope: Scope) -> (CStmt?, PathStep?) {
    switch s.kind {
    case .skip: return (nil, nil)
    case .ifElse(let c, let a, let b):
      let tc = compileExpr(c, scope: scope)
      let then = compileBlock(a, scope: scope), otherwise = compileBlock(b ?? [], scope: scope)
      guard tc.type != .error, expect(tc, .bool, c.range, "'if'") else { return (nil, nil) }
      return (.ifElse(tc.eval, then.code, otherwise.code), .ifElse(then.outline, otherwise.outline))
    case .choose(let branches):
      var seen: Set<String> = []
      for b in branches where !seen.insert(b.name.name).inserted {
        error("duplicate choice '\(b.name.name)'", b.name.range)
      }
      var compiled: [(id: Int32, body: [CStmt])] = []
      var outline: [(id: Int32, body: [PathStep])] = []
      for b in branches {
        choiceNames.append(b.name.name)
        choiceRates.append(b.rate.flatMap { rateValue($0) } ?? 1)
        if choiceNames.count > 15 { error("a transition has at most 15 choice branches in all", b.name.range) }
        let id = Int32(choiceNames.count), body = compileBlock(b.body, scope: scope)
        compiled.append((id: id, body: body.code))
        outline.append((id: id, body: body.outline))
      }
      return (.choose(compiled), .choose(outline))
    case .goto(let target):
      guard let r = scope.role, let (f, targets) = compileStateExpr(target, role: r, scope: scope) else {
        return (nil, nil)
      }
      return (.simple({ e in e.gotoState = f(e) }), .goto(targets))
    case .assign(let target, let path, let op, let value):
      return (compileAssign(target, path, op, value, scope: scope).map { .simple($0) }, nil)
    case .send(let m, let args, let target):
      guard let code = compileSend(m, args, target, range: s.range, scope: scope), let mi = messageIndex[m.name] else {
        return (nil, nil)
      }
      let text = messageText(m.name, args.map { ($0.field.name, $0.value.range) })
      return (.simple(code), .send(MessageSend(message: mi, text: text)))
    }
  }

  /// A `goto`'s target, and the states it may name (in source order, each once).
  func compileStateExpr(_ e: Expr, role r: Int, scope: Scope) -> (Eval, [Int])? {
    switch e.kind {
    case .name(let n) where !scope.isBound(n):
      guard let i = state(n, of: r) else {
        error(unknownState(n, role: r), e.range)
        return nil
      }
      return ({ _ in i }, [i])
    case .conditional(let c, let a, let b):
      let tc = compileExpr(c, scope: scope)
      let ta = compileStateExpr(a, role: r, scope: scope), tb = compileStateExpr(b, role: r, scope: scope)
      guard tc.type != .error, expect(tc, .bool, c.range, "a condition"), let (fa, sa) = ta, let (fb, sb) = tb else {
        return nil
      }
      let fc = tc.eval
      return ({ env in fc(env) != 0 ? fa(env) : fb(env) }, sa + sb.filter { !sa.contains($0) })
    default:
      error("expected a state of role '\(roles[r].name)' after 'goto'", e.range)
      return nil
    }
  }

  func compileAssign(_ target: Identifier, _ path: [Selector], _ op: AssignOp, _ value: Expr, scope: Scope) -> Exec? {
    guard let r = scope.role else { return nil }
    guard !scope.isBound(target.name), let v = variable(target.name, of: r) else {
      if !path.isEmpty, scope.isBound(target.name) || roleIndex[target.name] != nil {
        // `C.yes += p`, `Participant[1].x = 1`: the variable of another process.
        let written = target.name + path.map { selector in
          switch selector {
          case .index(let key): "[\(sourceText(key.range))]"
          case .field(let field): ".\(field.name)"
          }
        }.joined()
        error("a process can assign only its own variables: '\(written)' belongs to another process; send it a message instead",
          target.range)
      } else if scope.isBound(target.name) || params[target.name] != nil {
        error("cannot assign to '\(target.name)'; only the role's variables can be assigned", target.range)
      } else {
        error(unknownVariable(target.name, scope: scope), target.range)
      }
      return nil
    }
    usedVariables.insert("\(r).\(target.name)")
    transitionFacts?.variables.insert(varIndex[r][target.name]!)
    let off = 2 + v.offset
    var slotEval: Eval = { e in e.selfBase + off }
    var d = v.domain
    var written = v.name
    for selector in path {
      switch (selector, d) {
      case (.index(let key), .map(let mr, let vd)):
        guard let s = mapSlot(slotEval, mr, key, scope: scope, stride: slotCount(vd)) else { return nil }
        slotEval = s
        d = vd
        written += "[\(sourceText(key.range))]"
      case (.field(let field), .record(let recordName, let fields, let domains)):
        guard let k = fields.firstIndex(of: field.name) else {
          error("record '\(recordName)' has no field '\(field.name)'" + Suggestion.hint(for: field.name, among: fields),
            field.range)
          return nil
        }
        let offset = domains[..<k].reduce(0) { $0 + slotCount($1) }, base = slotEval
        slotEval = { e in base(e) + offset }
        d = domains[k]
        written += ".\(field.name)"
      case (.index, _):
        error("'\(written)' is not a map and cannot be indexed", target.range)
        return nil
      case (.field(let field), _):
        error("'\(written)' is not a record and has no field '\(field.name)'", field.range)
        return nil
      }
    }
    switch d {
    case .map:
      error("assign to one entry of map '\(written)', as in '\(written)[p] = ...'", target.range)
      return nil
    case .record(_, let fields, _):
      error("assign record '\(written)' field by field, as in '\(written).\(fields.first ?? "field") = ...'", target.range)
      return nil
    default:
      break
    }
    let tv = compileExpr(value, scope: scope)
    guard tv.type != .error else { return nil }
    // Messages name the variable; a record's field by its path (`aState[r].mbal`).
    let isField = path.contains { if case .field = $0 { true } else { false } }
    let fv = tv.eval, name = isField ? written : v.name, k = codeOffset(d), limit = size(d), domainText = describe(d)
    let slot = slotEval
    switch (op, d) {
    case (.set, _):
      guard compatible(tv.type, with: d) else {
        error("cannot assign \(tv.type.describe(self)) to '\(name)' of type \(domainText)", value.range)
        return nil
      }
      return { e in
        let value = fv(e)
        if e.error != nil { return }  // the value's own error (an overflow) says more
        guard let code = Compiler.code(of: value, offset: k, limit: limit) else {
          e.error = "value \(value) is outside \(domainText), the domain of '\(name)'"
          return
        }
        e.set(slot(e), code)
      }
    case (.add, .set(let sr)), (.remove, .set(let sr)):
      let first = roles[sr].firstProcess, count = roles[sr].count, add = op == .add, roleName = roles[sr].name
      let isSet: Bool
      switch tv.type {
      case .process(let pr) where pr == nil || pr == sr: isSet = false
      case .set(sr), .emptySet: isSet = true
      default:
        error("'\(op.rawValue)' on set<\(roles[sr].name)> needs a process of that role or a set, found \(tv.type.describe(self))", value.range)
        return nil
      }
      return { e in
        var bits = fv(e)
        if !isSet {
          let i = bits - first
          if i < 0 || i >= count {
            e.error = "process is not an instance of '\(roleName)'"
            return
          }
          bits = 1 << i
        }
        let s = slot(e)
        e.set(s, add ? (e.slots[s] | bits) : (e.slots[s] & ~bits))
      }
    case (.add, .range), (.remove, .range):
      guard expect(tv, .int, value.range, "'\(op.rawValue)'") else { return nil }
      let add = op == .add
      return { e in
        let s = slot(e)
        let current = e.slots[s] + k, delta = fv(e)
        if e.error != nil { return }
        let (value, overflow) = add ? current.addingReportingOverflow(delta) : current.subtractingReportingOverflow(delta)
        guard !overflow, let code = Compiler.code(of: value, offset: k, limit: limit) else {
          let shown = overflow ? "\(current) \(add ? "+" : "-") \(delta)" : "\(value)"
          e.error = "value \(shown) is outside \(domainText), the domain of '\(name)'"
          return
        }
        e.set(s, code)
      }
    default:
      error("'\(op.rawValue)' needs a set or integer variable; '\(name)' is \(domainText)", target.range)
      return nil
    }
  }

  /// The code of `value` in a domain whose codes are `0..<limit` and whose values start at
  /// `offset`; nil outside it (overflow included: values come from arbitrary arithmetic).
  @inline(__always)
  static func code(of value: Int, offset: Int, limit: Int) -> Int? {
    let (code, overflow) = value.subtractingReportingOverflow(offset)
    return overflow || code < 0 || code >= limit ? nil : code
  }

  func compileSend(_ m: Identifier, _ args: [FieldArg], _ target: SendTarget, range: SourceRange, scope: Scope) -> Exec? {
    guard let r = scope.role else { return nil }
    guard let mi = messageIndex[m.name] else {
      error(unknownMessage(m.name), m.range)
      return nil
    }
    let info = messages[mi]
    transitionFacts?.messages.insert(mi)
    var fieldEvals: [(Eval, Int, Int)] = Array(repeating: ({ _ in 0 }, 0, 1), count: info.fieldNames.count)
    var given = Array(repeating: false, count: info.fieldNames.count)
    var stride = 1
    var strides: [Int] = []
    for d in info.fieldDomains {
      strides.append(stride)
      stride *= size(d)
    }
    for a in args {
      guard let k = info.fieldNames.firstIndex(of: a.field.name) else {
        error(unknownField(a.field.name, message: mi), a.field.range)
        continue
      }
      if given[k] {
        error("field '\(a.field.name)' is given twice", a.field.range)
        continue
      }
      given[k] = true
      let t = compileExpr(a.value, scope: scope)
      guard t.type != .error else { continue }
      let d = info.fieldDomains[k]
      guard compatible(t.type, with: d) else {
        error("field '\(a.field.name)' of '\(m.name)' is \(describe(d)), found \(t.type.describe(self))", a.value.range)
        continue
      }
      fieldEvals[k] = (t.eval, codeOffset(d), size(d))
    }
    if let missing = given.firstIndex(of: false) {
      error("missing field '\(info.fieldNames[missing])' in message '\(m.name)'", range)
      return nil
    }
    let evals = fieldEvals, fieldStrides = strides
    let valuation: Eval = { e in
      var v = 0
      for (k, (f, off, size)) in evals.enumerated() {
        let value = f(e)
        if e.error != nil { return 0 }
        guard let code = Compiler.code(of: value, offset: off, limit: size) else {
          e.error = "field '\(info.fieldNames[k])' of '\(info.name)' is out of its domain"
          return 0
        }
        v += code * fieldStrides[k]
      }
      return v
    }
    let net = network
    switch target {
    case .all(let roleName):
      guard let tr = roleIndex[roleName.name] else {
        error(unknownRole(roleName.name), roleName.range)
        return nil
      }
      flows.insert([mi, r, tr])
      let first = roles[tr].firstProcess, end = first + roles[tr].count
      return { e in
        let v = valuation(e)
        for p in first..<end where p != e.selfProcess { net.deliver(e, mi, v, to: p) }
      }
    case .process(let pe):
      let t = compileExpr(pe, scope: scope)
      guard t.type != .error else { return nil }
      guard case .process(let tr) = t.type else {
        error("a message is sent to a process or to 'all Role', found \(t.type.describe(self))", pe.range)
        return nil
      }
      for rr in tr.map({ [$0] }) ?? (receivers[mi].isEmpty ? Set(roles.indices) : receivers[mi]) {
        flows.insert([mi, r, rr])
        pointFlows.insert([mi, r, rr])
      }
      let ft = t.eval
      return { e in
        let v = valuation(e)
        net.deliver(e, mi, v, to: ft(e))
      }
    }
  }

  /// Each property's code, and the slots it reads (sorted).
  func compileProperties() -> [(eval: Eval, reads: [Int], queries: Set<Int>)] {
    var evals: [(eval: Eval, reads: [Int], queries: Set<Int>)] = []
    var seen: Set<String> = ["atomicity", "termination"]
    for p in model.properties {
      if !seen.insert(p.name.name).inserted {
        error(p.name.name == "atomicity" || p.name.name == "termination"
          ? "'\(p.name.name)' is a built-in property; choose another name" : "duplicate property '\(p.name.name)'",
          p.name.range)
      }
      reads = []
      messageReads = []
      let t = compileExpr(p.expr, scope: Scope(role: nil))
      if t.type != .error { _ = expect(t, .bool, p.expr.range, "a property") }
      evals.append((t.eval, reads!.sorted(), messageReads!))
      reads = nil
      messageReads = nil
    }
    return evals
  }
}
