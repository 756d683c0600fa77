import CommitCheckLanguage

/// Predicates on processes: control state and set membership (`in`), `crashed`, `unreachable`,
/// `decided`, `size`.
extension Compiler {
  /// `p in committed`, `p in {committed, aborted}` (control state tests) or `p in someSet`.
  func compileIn(_ lhs: Expr, _ rhs: Expr, scope: Scope) -> Typed {
    if scope.constantOnly { return notConstant(lhs) }
    if scope.stateless { return readsState(lhs) }
    let a = compileExpr(lhs, scope: scope)
    guard a.type != .error else { return .error }
    guard case .process(let pr) = a.type else {
      error("the left side of 'in' must be a process, found \(a.type.describe(self))", lhs.range)
      return .error
    }
    let fa = a.eval
    var stateNames: [(String, SourceRange)]?
    if case .name(let n) = rhs.kind, !scope.isBound(n), let r = pr, state(n, of: r) != nil {
      stateNames = [(n, rhs.range)]
    } else if case .setLiteral(let els) = rhs.kind, !els.isEmpty {
      var names: [(String, SourceRange)] = []
      for el in els {
        if case .name(let n) = el.kind, !scope.isBound(n), let r = pr, state(n, of: r) != nil {
          names.append((n, el.range))
        }
      }
      if names.count == els.count { stateNames = names }
    }
    if let stateNames, let r = pr {
      noteReads(of: r, offsets: 0..<1)
      noteProcessRead(.localState, of: a)
      let bases = processBases
      let indices = stateNames.map { state($0.0, of: r)! }
      // A mask of 64 bits covers the states of most roles; past it, a table of flags.
      guard roles[r].states.count <= 63 else {
        var member = Array(repeating: false, count: roles[r].states.count)
        for i in indices { member[i] = true }
        let table = member
        return Typed(type: .bool, eval: { e in table[e.slots[bases[fa(e)]]] ? 1 : 0 })
      }
      let stateMask = indices.reduce(0) { $0 | 1 << $1 }
      return Typed(type: .bool, eval: { e in (stateMask >> e.slots[bases[fa(e)]]) & 1 })
    }
    if case .name(let n) = rhs.kind, pr == nil, stateIndex.contains(where: { $0[n] != nil }) {
      error("cannot test the control state of a process whose role is not known", lhs.range)
      return .error
    }
    if case .name(let n) = rhs.kind, let r = pr, isFreshName(n, scope: scope), n != "self" {
      error("'\(n)' is neither a state of role '\(roles[r].name)' nor a set" + Suggestion.hint(for: n, among: roles[r].states), rhs.range)
      return .error
    }
    let b = compileExpr(rhs, scope: scope)
    guard b.type != .error else { return .error }
    guard case .set(let r) = b.type else {
      if case .name(let n) = rhs.kind, let r = pr {
        error("'\(n)' is neither a state of role '\(roles[r].name)' nor a set" + Suggestion.hint(for: n, among: roles[r].states), rhs.range)
      } else {
        error("the right side of 'in' must be a control state or a set, found \(b.type.describe(self))", rhs.range)
      }
      return .error
    }
    if let pr, pr != r {
      error("a process of role '\(roles[pr].name)' is never in a set<\(roles[r].name)>", rhs.range)
      return .error
    }
    let first = roles[r].firstProcess, count = roles[r].count, fb = b.eval
    return Typed(type: .bool, eval: { e in
      let i = fa(e) - first
      return i >= 0 && i < count ? (fb(e) >> i) & 1 : 0
    })
  }

  func compileCall(_ name: Identifier, _ args: [Expr], expr: Expr, scope: Scope) -> Typed {
    if scope.constantOnly { return notConstant(expr) }
    if scope.stateless && name.name != "size" { return readsState(expr) }
    let known = ["crashed", "unreachable", "decided", "size"]
    guard known.contains(name.name) else {
      error("unknown function '\(name.name)'" + (Suggestion.closest(to: name.name, among: known).map { "; did you mean '\($0)'?" }
        ?? "; expected one of \(known.map { "'\($0)'" }.joined(separator: ", "))"), name.range)
      return .error
    }
    guard args.count == 1 else {
      error("'\(name.name)' takes one argument, found \(args.count)", expr.range)
      return .error
    }
    let a = compileExpr(args[0], scope: scope)
    guard a.type != .error else { return .error }
    let fa = a.eval
    if name.name == "size" {
      switch a.type {
      case .set, .emptySet:
        if let bits = a.known { return constantValue(bits.nonzeroBitCount, .int) }
        return Typed(type: .int, eval: { e in fa(e).nonzeroBitCount })
      default:
        error("'size' needs a set, found \(a.type.describe(self))", args[0].range)
        return .error
      }
    }
    guard case .process(let role) = a.type else {
      error("'\(name.name)' needs a process, found \(a.type.describe(self))", args[0].range)
      return .error
    }
    // crashed: the crashed flag; decided: the control state; unreachable: both and the mask.
    noteReads(of: role, offsets: name.name == "crashed" ? 1..<2 : name.name == "decided" ? 0..<1 : 0..<2)
    if name.name == "unreachable", reads != nil { reads!.insert(globals.partitionMask) }
    noteProcessRead(name.name == "crashed" ? .crashFlag : name.name == "decided" ? .localState : .reachability, of: a)
    let bases = processBases
    switch name.name {
    case "crashed":
      return Typed(type: .bool, eval: { e in e.slots[bases[fa(e)] + 1] })
    case "decided":
      let decides: [[Bool]] = processes.map { p in roles[p.role].decisions.map { $0 != nil } }
      return Typed(type: .bool, eval: { e in
        let p = fa(e)
        return decides[p][e.slots[bases[p]]] ? 1 : 0
      })
    default:
      guard scope.role != nil else {
        error("'unreachable' is only meaningful inside a role (unreachable from 'self')", name.range)
        return .error
      }
      let maskSlot = globals.partitionMask
      return Typed(type: .bool, eval: { e in
        let p = fa(e)
        if e.slots[bases[p] + 1] != 0 { return 1 }
        let mask = e.slots[maskSlot]
        return ((mask >> p) ^ (mask >> e.selfProcess)) & 1
      })
    }
  }
}
