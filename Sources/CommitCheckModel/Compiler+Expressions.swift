import CommitCheckLanguage

/// What names mean where an expression is compiled.
struct Scope {
  /// The role of `self`; nil in properties and initializers.
  var role: Int?
  /// Only literals, parameters and arithmetic (parameter bounds, counts, ranges).
  var constantOnly = false
  /// No reads of the global state (initial values): constants, processes and sets of them.
  var stateless = false
  var locals: [(name: String, type: VType, index: Int, uid: Int)] = []
  var nextLocal = 0
  /// Names with one value for the whole transition: the parameters of a step, one valuation
  /// per compiled copy.
  var fixed: [(name: String, typed: Typed, uid: Int)] = []

  init(role: Int?, constantOnly: Bool = false) {
    self.role = role
    self.constantOnly = constantOnly
  }

  func local(_ name: String) -> (type: VType, index: Int, uid: Int)? {
    locals.last { $0.name == name }.map { ($0.type, $0.index, $0.uid) }
  }

  /// Whether `name` is bound here: by a pattern, a sender, a quantifier or a step parameter.
  func isBound(_ name: String) -> Bool { local(name) != nil || fixed.contains { $0.name == name } }
}

struct Typed {
  var type: VType
  var eval: Eval
  /// For a process: the processes it can be, when the compiler knows more than its type says
  /// (`self`, `Participant[1]`); nil for every process of the type's role.
  var processes: Set<Int>?
  /// The value, when the compiler knows it (literals, parameters, a step's parameters, and
  /// what is computed from them alone): a guard known false never needs evaluating.
  var known: Int?
  static let error = Typed(type: .error, eval: { _ in 0 })
}

extension Compiler {
  func bind(_ scope: inout Scope, _ name: String, _ type: VType) -> Int {
    let index = scope.nextLocal
    bindings += 1
    scope.locals.append((name, type, index, bindings))
    scope.nextLocal += 1
    maxLocals = max(maxLocals, scope.nextLocal)
    return index
  }

  /// The amount added to a stored code to get the value.
  func codeOffset(_ d: Domain) -> Int {
    switch d {
    case .range(let l, _): l
    case .process(let r): roles[r].firstProcess
    case .map(_, let v): codeOffset(v)
    default: 0
    }
  }

  var processBases: [Int] { processes.map(\.base) }

  /// The processes a value of type `.process(role)` can be: the role's, or all when unknown.
  func processes(of role: Int?) -> Range<Int> {
    guard let r = role else { return 0..<processes.count }
    return roles[r].firstProcess..<(roles[r].firstProcess + roles[r].count)
  }

  /// Records slots that compiled code may read, at each place that emits a read of `e.slots`.
  /// Property values and the moves of a process are memoized on these slots (see
  /// `SuccessorGenerator`), so a read not recorded here would make a memoized answer wrong:
  /// every read site must call this. Reads of the acting process's own slots (bare variable
  /// names) need not be recorded: a process's memo key always holds its own slots.
  func noteReads(of role: Int?, offsets: Range<Int>) {
    guard reads != nil else { return }
    for p in processes(of: role) {
      for off in offsets { reads!.insert(processes[p].base + off) }
    }
  }

  /// The slots one variable occupies in a process, relative to the process's base.
  func variableOffsets(_ v: VarInfo) -> Range<Int> {
    (2 + v.offset)..<(2 + v.offset + v.initialCodes.count)
  }

  func constantValue(_ value: Int, _ type: VType) -> Typed {
    Typed(type: type, eval: { _ in value }, known: value)
  }

  func compileExpr(_ expr: Expr, scope: Scope) -> Typed {
    switch expr.kind {
    case .int(let v): return constantValue(v, .int)
    case .bool(let b): return constantValue(b ? 1 : 0, .bool)
    case .real:
      error("a number with a fraction is only allowed as a rate", expr.range)
      return .error
    case .name(let n): return compileName(n, expr: expr, scope: scope)
    case .member:
      if scope.constantOnly { return notConstant(expr) }
      if scope.stateless { return readsState(expr) }
      guard let location = compileLocation(expr, scope: scope) else { return .error }
      return readLocation(location, expr: expr)
    case .index(let target, let key): return compileIndex(target, key, expr: expr, scope: scope)
    case .unary(let op, let operand):
      let a = compileExpr(operand, scope: scope)
      guard a.type != .error else { return .error }
      let f = a.eval
      switch op {
      case .not:
        guard expect(a, .bool, operand.range, "'not'") else { return .error }
        if let x = a.known { return constantValue(1 - x, .bool) }
        return Typed(type: .bool, eval: { e in 1 - f(e) })
      case .negate:
        guard expect(a, .int, operand.range, "'-'") else { return .error }
        return Typed(type: .int, eval: { e in Self.checked(0.subtractingReportingOverflow(f(e)), e) })
      }
    case .binary(let op, let lhs, let rhs): return compileBinary(op, lhs, rhs, expr: expr, scope: scope)
    case .conditional(let c, let a, let b):
      let tc = compileExpr(c, scope: scope), ta = compileExpr(a, scope: scope), tb = compileExpr(b, scope: scope)
      guard tc.type != .error, ta.type != .error, tb.type != .error else { return .error }
      guard expect(tc, .bool, c.range, "a condition") else { return .error }
      guard let t = unify(ta.type, tb.type) else {
        error("the branches of '?:' have different types: \(ta.type.describe(self)) and \(tb.type.describe(self))", expr.range)
        return .error
      }
      let (fc, fa, fb) = (tc.eval, ta.eval, tb.eval)
      var result = Typed(type: t, eval: { e in fc(e) != 0 ? fa(e) : fb(e) })
      if case .process = t { result.processes = denotation(ta).union(denotation(tb)) }
      return result
    case .call(let name, let args): return compileCall(name, args, expr: expr, scope: scope)
    case .quantifier(let kind, let variable, let domain, let body):
      if scope.constantOnly { return notConstant(expr) }
      return compileQuantifier(kind, variable, domain, body, scope: scope)
    case .range:
      error("a range 'lo...hi' is only allowed as the domain of a quantifier ('some k in 0...3: ...') or as a type", expr.range)
      return .error
    case .messageQuery(let kind, let query):
      if scope.constantOnly { return notConstant(expr) }
      if scope.stateless { return readsState(expr) }
      return compileMessageQuery(kind, query, expr: expr, scope: scope)
    case .allOf(let roleName):
      guard let r = roleIndex[roleName.name] else {
        error(unknownRole(roleName.name), roleName.range)
        return .error
      }
      return constantValue((1 << roles[r].count) - 1, .set(r))
    case .setLiteral(let elements):
      if elements.isEmpty { return constantValue(0, .emptySet) }
      var role: Int?
      var evals: [Eval] = []
      for el in elements {
        let t = compileExpr(el, scope: scope)
        guard t.type != .error else { return .error }
        guard case .process(let r?) = t.type, role == nil || role == r else {
          error("set elements must be processes of one role, found \(t.type.describe(self))", el.range)
          return .error
        }
        role = r
        evals.append(t.eval)
      }
      let first = roles[role!].firstProcess, elementEvals = evals
      return Typed(type: .set(role!), eval: { e in elementEvals.reduce(0) { $0 | (1 << ($1(e) - first)) } })
    }
  }

  /// The result of an arithmetic operation; an overflow is a model error, never a wrap-around.
  @inline(__always)
  static func checked(_ result: (partialValue: Int, overflow: Bool), _ e: Env) -> Int {
    if result.overflow, e.error == nil { e.error = "integer overflow in arithmetic" }
    return result.partialValue
  }

  func readsState(_ expr: Expr) -> Typed {
    error("an initial value cannot read the state of processes", expr.range)
    return .error
  }

  /// Records why instances of a role are not interchangeable (the first reason is kept).
  func breakSymmetry(_ role: Int, _ reason: String) {
    if symmetryBreakers[role] == nil { symmetryBreakers[role] = reason }
  }

  func notConstant(_ expr: Expr) -> Typed {
    error("expected a constant expression (literals and parameters only)", expr.range)
    return .error
  }

  func expect(_ t: Typed, _ type: VType, _ range: SourceRange, _ what: String) -> Bool {
    if t.type == type { return true }
    error("\(what) needs \(type.describe(self)), found \(t.type.describe(self))", range)
    return false
  }

  func unify(_ a: VType, _ b: VType) -> VType? {
    if a == b { return a }
    switch (a, b) {
    case (.emptySet, .set), (.set, .emptySet): return a == .emptySet ? b : a
    case (.process(let x), .process(let y)): return .process(x == y ? x : nil)
    default: return nil
    }
  }

  func compileName(_ n: String, expr: Expr, scope: Scope) -> Typed {
    if let local = scope.local(n) {
      usedBindings.insert(local.uid)
      let i = local.index
      return Typed(type: local.type, eval: { e in e.locals[i] })
    }
    if let parameter = scope.fixed.last(where: { $0.name == n }) {
      usedBindings.insert(parameter.uid)
      return parameter.typed
    }
    if n == "self" {
      guard let r = scope.role, !scope.constantOnly else {
        error("'self' is only meaningful inside a role", expr.range)
        return .error
      }
      return Typed(type: .process(r), eval: { e in e.selfProcess }, processes: [Self.selfProcess])
    }
    if scope.role != nil, !scope.constantOnly, isLocation(expr, scope: scope),
      let location = compileLocation(expr, scope: scope)
    {
      return readLocation(location, expr: expr)
    }
    if let v = params[n] { return constantValue(v, .int) }
    if let c = enumCase[n] { return constantValue(c.value, .enumeration(c.enumIndex)) }
    if let r = roleIndex[n] {
      if scope.constantOnly { return notConstant(expr) }
      guard roles[r].count == 1, model.roles[r].count == nil else {
        let count = roles[r].count == 1 ? "1 instance here but is declared with a count" : "\(roles[r].count) instances"
        error("role '\(n)' has \(count); name one ('\(n)[1]') or quantify ('all p in \(n): ...')", expr.range)
        return .error
      }
      return constantValue(roles[r].firstProcess, .process(r))
    }
    if failedParams.contains(n) { return .error }  // already reported
    if n == declaringParam {
      error("parameter '\(n)' is defined in terms of itself", expr.range)
      return .error
    }
    if declaringParam != nil, paramNames.contains(n) {
      error("parameter '\(n)' is used before it is declared; a parameter can only use those above it", expr.range)
      return .error
    }
    // A role met before roles are declared (in a count): a name, but not a constant.
    if scope.constantOnly, roleNames.contains(n) { return notConstant(expr) }
    if let r = scope.role, state(n, of: r) != nil {
      error("control state '\(n)' can only be tested with 'in' or used in 'goto'", expr.range)
      return .error
    }
    error(unknownName(n, scope: scope), expr.range)
    return .error
  }

  func compileIndex(_ target: Expr, _ key: Expr, expr: Expr, scope: Scope) -> Typed {
    if case .name(let n) = target.kind, !scope.isBound(n), let r = roleIndex[n] {
      let tk = compileExpr(key, scope: scope)
      guard tk.type != .error else { return .error }
      guard expect(tk, .int, key.range, "an instance number") else { return .error }
      breakSymmetry(r, "'\(n)[...]' names one instance (line \(expr.range.start.line))")
      let first = roles[r].firstProcess, count = roles[r].count, f = tk.eval, name = n
      var instance: Set<Int>?
      if case .int(let i) = key.kind, i >= 1, i <= count { instance = [first + i - 1] }
      return Typed(type: .process(r), eval: { e in
        let i = f(e)
        if i < 1 || i > count {
          e.error = "instance \(i) of role '\(name)' does not exist (1...\(count))"
          return first
        }
        return first + i - 1
      }, processes: instance)
    }
    if scope.constantOnly { return notConstant(expr) }
    guard isLocation(target, scope: scope) else {
      if case .name(let n) = target.kind, !scope.isBound(n) {
        let maps = scope.role.map { r in roles[r].vars.filter { if case .map = $0.domain { true } else { false } }.map(\.name) } ?? []
        error("unknown map or role '\(n)'" + Suggestion.hint(for: n, among: maps + roles.map(\.name)), target.range)
      } else {
        error("only maps and roles can be indexed", target.range)
      }
      return .error
    }
    guard let location = compileLocation(expr, scope: scope) else { return .error }
    return readLocation(location, expr: expr)
  }

  /// The slot of `map[key]`, given the map's first slot and the slots an entry takes.
  func mapSlot(_ base: @escaping Eval, _ r: Int, _ key: Expr, scope: Scope, stride: Int = 1) -> Eval? {
    let tk = compileExpr(key, scope: scope)
    guard tk.type != .error else { return nil }
    guard case .process(let kr) = tk.type, kr == nil || kr == r else {
      error("a map over '\(roles[r].name)' is indexed by a process of that role, found \(tk.type.describe(self))", key.range)
      return nil
    }
    let first = roles[r].firstProcess, count = roles[r].count, f = tk.eval, name = roles[r].name
    return { e in
      let i = f(e) - first
      if i < 0 || i >= count {
        e.error = "map key is not a process of role '\(name)'"
        return base(e)
      }
      return base(e) + i * stride
    }
  }

  func compileBinary(_ op: BinaryOp, _ lhs: Expr, _ rhs: Expr, expr: Expr, scope: Scope) -> Typed {
    if op == .in { return compileIn(lhs, rhs, scope: scope) }
    let a = compileExpr(lhs, scope: scope), b = compileExpr(rhs, scope: scope)
    guard a.type != .error, b.type != .error else { return .error }
    let (fa, fb) = (a.eval, b.eval)
    switch op {
    case .and, .or, .implies:
      guard expect(a, .bool, lhs.range, "'\(op.rawValue)'"), expect(b, .bool, rhs.range, "'\(op.rawValue)'") else {
        return .error
      }
      // A conjunct known to be false (a step parameter's value ruled out) decides the guard.
      if op == .and, a.known == 0 || b.known == 0 { return constantValue(0, .bool) }
      if let x = a.known, let y = b.known {
        let value = op == .and ? (x != 0 && y != 0) : op == .or ? (x != 0 || y != 0) : (x == 0 || y != 0)
        return constantValue(value ? 1 : 0, .bool)
      }
      switch op {
      case .and: return Typed(type: .bool, eval: { e in fa(e) != 0 && fb(e) != 0 ? 1 : 0 })
      case .or: return Typed(type: .bool, eval: { e in fa(e) != 0 || fb(e) != 0 ? 1 : 0 })
      default: return Typed(type: .bool, eval: { e in fa(e) == 0 || fb(e) != 0 ? 1 : 0 })
      }
    case .equal, .notEqual:
      guard unify(a.type, b.type) != nil, a.type != .real else {
        error("cannot compare \(a.type.describe(self)) with \(b.type.describe(self))", expr.range)
        return .error
      }
      if let x = a.known, let y = b.known { return constantValue((x == y) == (op == .equal) ? 1 : 0, .bool) }
      if op == .equal { return Typed(type: .bool, eval: { e in fa(e) == fb(e) ? 1 : 0 }) }
      return Typed(type: .bool, eval: { e in fa(e) != fb(e) ? 1 : 0 })
    case .less, .lessEqual, .greater, .greaterEqual:
      let ordered: Bool
      switch (a.type, b.type) {
      case (.int, .int), (.process, .process): ordered = true
      default: ordered = false
      }
      if case .process(let r) = a.type {
        let reason = "'\(op.rawValue)' orders processes (line \(expr.range.start.line))"
        if let r { breakSymmetry(r, reason) } else { for r in roles.indices { breakSymmetry(r, reason) } }
      }
      guard ordered else {
        error("'\(op.rawValue)' compares integers or processes, found \(a.type.describe(self)) and \(b.type.describe(self))", expr.range)
        return .error
      }
      switch op {
      case .less: return Typed(type: .bool, eval: { e in fa(e) < fb(e) ? 1 : 0 })
      case .lessEqual: return Typed(type: .bool, eval: { e in fa(e) <= fb(e) ? 1 : 0 })
      case .greater: return Typed(type: .bool, eval: { e in fa(e) > fb(e) ? 1 : 0 })
      default: return Typed(type: .bool, eval: { e in fa(e) >= fb(e) ? 1 : 0 })
      }
    case .plus, .minus:
      guard expect(a, .int, lhs.range, "'\(op.rawValue)'"), expect(b, .int, rhs.range, "'\(op.rawValue)'") else {
        return .error
      }
      if op == .plus { return Typed(type: .int, eval: { e in Self.checked(fa(e).addingReportingOverflow(fb(e)), e) }) }
      return Typed(type: .int, eval: { e in Self.checked(fa(e).subtractingReportingOverflow(fb(e)), e) })
    case .in:
      return .error
    }
  }
}
