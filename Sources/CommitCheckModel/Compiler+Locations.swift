import CommitCheckLanguage

/// A place in the state: a variable, an entry of a map, a field of a record, of the acting
/// process or of another one.
struct Location {
  /// The first slot it takes.
  var slot: Eval
  var domain: Domain
  /// The variable it lies in.
  var variable: VarInfo
}

/// Reading variables and the parts of composite ones (`votes[p]`, `aState[r].mbal`,
/// `p.aState[r][a]`), and quantifiers over roles, enums, ranges and sets.
extension Compiler {
  /// Whether `expr` names a place in the state rather than computing a value: an own variable,
  /// `x.f` (a field, or another process's variable), or `x[k]` where `x` is not a role.
  func isLocation(_ expr: Expr, scope: Scope) -> Bool {
    switch expr.kind {
    case .name(let n):
      guard !scope.isBound(n), let r = scope.role else { return false }
      return variable(n, of: r) != nil
    case .member: return true
    case .index(let target, _):
      if case .name(let n) = target.kind, !scope.isBound(n), roleIndex[n] != nil { return false }
      return isLocation(target, scope: scope)
    default: return false
    }
  }

  /// The place `expr` names (see `isLocation`); nil when an error was reported.
  func compileLocation(_ expr: Expr, scope: Scope) -> Location? {
    switch expr.kind {
    case .name(let n):
      guard !scope.isBound(n), let r = scope.role, let v = variable(n, of: r) else { return nil }
      usedVariables.insert("\(r).\(n)")
      let off = 2 + v.offset
      return Location(slot: { e in e.selfBase + off }, domain: v.domain, variable: v)
    case .member(let target, let member):
      if isLocation(target, scope: scope) {
        guard let outer = compileLocation(target, scope: scope) else { return nil }
        if case .record(let recordName, let fields, let domains) = outer.domain {
          guard let k = fields.firstIndex(of: member.name) else {
            error("record '\(recordName)' has no field '\(member.name)'" + Suggestion.hint(for: member.name, among: fields),
              member.range)
            return nil
          }
          let offset = domains[..<k].reduce(0) { $0 + slotCount($1) }, base = outer.slot
          return Location(slot: { e in base(e) + offset }, domain: domains[k], variable: outer.variable)
        }
        // A process-valued variable: `leader.x` is a variable of that process.
        let process = readLocation(outer, expr: target)
        guard process.type != .error else { return nil }
        return processMember(process, target, member)
      }
      let process = compileExpr(target, scope: scope)
      guard process.type != .error else { return nil }
      return processMember(process, target, member)
    case .index(let target, let key):
      guard let outer = compileLocation(target, scope: scope) else { return nil }
      guard case .map(let r, let valueDomain) = outer.domain else {
        error("'\(sourceText(target.range))' is not a map and cannot be indexed", target.range)
        return nil
      }
      guard let slot = mapSlot(outer.slot, r, key, scope: scope, stride: slotCount(valueDomain)) else { return nil }
      return Location(slot: slot, domain: valueDomain, variable: outer.variable)
    default:
      return nil
    }
  }

  /// Variable `member` of the process `process` denotes (`p.votedYes`).
  func processMember(_ process: Typed, _ target: Expr, _ member: Identifier) -> Location? {
    guard case .process(let r?) = process.type else {
      error("'.\(member.name)' needs a process of a known role, found \(process.type.describe(self))", target.range)
      return nil
    }
    guard let v = variable(member.name, of: r) else {
      error(noVariable(member.name, role: r, process: sourceText(target.range)), member.range)
      return nil
    }
    usedVariables.insert("\(r).\(member.name)")
    noteReads(of: r, offsets: variableOffsets(v))
    noteProcessRead(.localState, of: process)
    let bases = processBases
    let off = 2 + v.offset
    let pe = process.eval
    return Location(slot: { e in bases[pe(e)] + off }, domain: v.domain, variable: v)
  }

  /// The value at a place that holds one value; maps and records are read entry by entry.
  func readLocation(_ location: Location, expr: Expr) -> Typed {
    let text = sourceText(expr.range)
    switch location.domain {
    case .map:
      let name = location.domain == location.variable.domain ? location.variable.name : text
      error("map '\(name)' must be indexed, as in '\(name)[p]'", expr.range)
      return .error
    case .record(_, let fields, _):
      error("record '\(text)' is read field by field, as in '\(text).\(fields.first ?? "field")'", expr.range)
      return .error
    default:
      let k = codeOffset(location.domain), slot = location.slot
      return Typed(type: type(of: location.domain), eval: { e in e.slots[slot(e)] + k })
    }
  }

  /// `all x in D: body`, `some`, `count`, where D is a role, an enum, `bool`, a constant range
  /// `lo...hi` or a set-valued expression (`yes`, `p.acks`, `{a, b}`).
  func compileQuantifier(_ kind: QuantifierKind, _ variable: Identifier, _ domain: Expr, _ body: Expr,
                         scope: Scope) -> Typed {
    let head = "\(kind.rawValue) \(variable.name) in \(sourceText(domain.range))"
    // The values ranged over: a fixed list, or the members of a set computed in the state.
    var values: [Int] = []
    var members: (eval: Eval, first: Int)?
    let type: VType
    switch domain.kind {
    case .name(let n) where !scope.isBound(n) && !isOwnVariable(n, scope: scope) && roleIndex[n] != nil:
      let r = roleIndex[n]!
      values = Array(processes(of: r))
      type = .process(r)
    case .name(let n) where !scope.isBound(n) && !isOwnVariable(n, scope: scope) && enumIndex[n] != nil:
      let e = enumIndex[n]!
      values = Array(enums[e].cases.indices)
      type = .enumeration(e)
    case .name("bool") where !scope.isBound("bool") && !isOwnVariable("bool", scope: scope):
      values = [0, 1]
      type = .bool
    case .name(let n) where !scope.isBound(n) && !isOwnVariable(n, scope: scope) && params[n] == nil
      && enumCase[n] == nil && n != "self":
      let sets = scope.role.map { r in roles[r].vars.filter { if case .set = $0.domain { true } else { false } }.map(\.name) } ?? []
      // Where no set variable is in scope, the name can only have meant a role (or an enum).
      if sets.isEmpty {
        error(unknownRole(n), domain.range)
        return .error
      }
      error("unknown role, enum or set '\(n)' in '\(head)'"
        + Suggestion.hint(for: n, among: model.roles.map(\.name.name) + model.enums.map(\.name.name) + sets), domain.range)
      return .error
    case .range(let lo, let hi):
      guard let low = constant(lo), let high = constant(hi) else { return .error }
      guard low <= high else {
        error("empty range \(low)...\(high) in '\(head)'", domain.range)
        return .error
      }
      guard high - low < Limits.rangeWidth else {
        error("range \(low)...\(high) has more than \(Limits.rangeWidth) values", domain.range)
        return .error
      }
      values = Array(low...high)
      type = .int
    default:
      let set = compileExpr(domain, scope: scope)
      guard set.type != .error else { return .error }
      switch set.type {
      case .set(let r):
        members = (set.eval, roles[r].firstProcess)
        type = .process(r)
      case .emptySet:
        type = .process(nil)
      default:
        error("'\(kind.rawValue) \(variable.name) in ...' ranges over a role, an enum, a range 'lo...hi' or a set, found \(set.type.describe(self))",
          domain.range)
        return .error
      }
    }
    var inner = scope
    let slot = bind(&inner, variable.name, type)
    let tb = compileExpr(body, scope: inner)
    guard tb.type != .error else { return .error }
    guard expect(tb, .bool, body.range, "the body of '\(head)'") else { return .error }
    let f = tb.eval
    // Each kind stops as early as its answer is known; `count` adds the body's 0 or 1.
    let stopOn: Int? = kind == .all ? 0 : kind == .some ? 1 : nil
    let result: Eval
    if let members {
      let fs = members.eval, first = members.first
      result = { e in
        var bits = fs(e), n = 0
        while bits != 0 {
          e.locals[slot] = first + bits.trailingZeroBitCount
          bits &= bits - 1
          let b = f(e)
          if let stopOn, b == stopOn { return stopOn }
          n += b
        }
        return stopOn.map { 1 - $0 } ?? n
      }
    } else {
      let list = values
      result = { e in
        var n = 0
        for v in list {
          e.locals[slot] = v
          let b = f(e)
          if let stopOn, b == stopOn { return stopOn }
          n += b
        }
        return stopOn.map { 1 - $0 } ?? n
      }
    }
    return Typed(type: kind == .count ? .int : .bool, eval: result)
  }

  func isOwnVariable(_ n: String, scope: Scope) -> Bool {
    scope.role.map { variable(n, of: $0) != nil } ?? false
  }
}
