import CommitCheckLanguage

/// Declarations: parameters, enums, messages, roles with their states and variables.
extension Compiler {

  /// Evaluates a constant expression (literals, parameters, arithmetic).
  func constant(_ expr: Expr) -> Int? {
    let typed = compileExpr(expr, scope: Scope(role: nil, constantOnly: true))
    guard typed.type != .error else { return nil }
    guard typed.type == .int || typed.type == .bool else {
      error("expected a constant integer, found \(typed.type.describe(self))", expr.range)
      return nil
    }
    let env = Env(localCount: 0)
    let value = typed.eval(env)
    if let message = env.error {
      error(message, expr.range)
      return nil
    }
    return value
  }

  func declareParameters() {
    for p in model.params {
      if params[p.name.name] != nil || failedParams.contains(p.name.name) {
        error("duplicate parameter '\(p.name.name)'", p.name.range)
        continue
      }
      declaringParam = p.name.name
      defer { declaringParam = nil }
      guard let low = constant(p.low), let high = constant(p.high), let def = constant(p.defaultValue) else {
        failedParams.insert(p.name.name)
        continue
      }
      if low > high {
        error("empty range \(low)...\(high) for parameter '\(p.name.name)'", p.range)
        failedParams.insert(p.name.name)
        continue
      }
      // The declared default must lie in its range even when `--param` replaces it: otherwise the
      // model is broken for everyone who runs it without that override.
      if !(low...high).contains(def) {
        error("default \(def) of parameter '\(p.name.name)' is outside its range \(low)...\(high)",
          p.defaultValue.range)
        failedParams.insert(p.name.name)
      }
      var value = def
      if let override = options.parameters[p.name.name] {
        value = override
        if !(low...high).contains(value) {
          error("--param \(p.name.name)=\(value): out of the range \(low)...\(high) of parameter '\(p.name.name)'", .none)
          failedParams.insert(p.name.name)
        }
      }
      if failedParams.contains(p.name.name) { continue }
      params[p.name.name] = value
      paramOrder.append((p.name.name, value))
    }
    let declared = model.params.map(\.name.name)
    for (name, value) in options.parameters.sorted(by: { $0.key < $1.key }) where !declared.contains(name) {
      let given = "--param \(name)=\(value): unknown parameter '\(name)'"
      if let close = Suggestion.closest(to: name, among: declared) {
        error(given + "; did you mean '\(close)'?", .none)
      } else {
        let known = declared.map { "'\($0)'" }.joined(separator: ", ")
        error(given + (known.isEmpty ? " (the model declares no parameter)" : " (the model declares \(known))"), .none)
      }
    }
  }

  func declareEnums() {
    for e in model.enums {
      if enumIndex[e.name.name] != nil {
        error("duplicate enum '\(e.name.name)'", e.name.range)
        continue
      }
      if e.cases.count > Limits.enumCases {
        error("enum '\(e.name.name)' has \(e.cases.count) cases; at most \(Limits.enumCases) are supported",
          e.name.range)
        continue
      }
      enumIndex[e.name.name] = enums.count
      var cases: [String] = []
      for c in e.cases {
        if enumCase[c.name] != nil {
          error("duplicate enum case '\(c.name)'", c.range)
          continue
        }
        enumCase[c.name] = (enums.count, cases.count)
        cases.append(c.name)
      }
      enums.append((e.name.name, cases))
    }
  }

  /// Resolves a type as written to a domain.
  func domain(_ type: TypeExpr, rolesDeclared: Bool = true) -> Domain? {
    switch type {
    case .bool: return .bool
    case .range(let lo, let hi, let range):
      guard let l = constant(lo), let h = constant(hi) else { return nil }
      if l > h {
        error("empty range \(l)...\(h)", range)
        return nil
      }
      // `h - l` overflows for bounds of opposite signs far apart; such a range is too wide anyway.
      let (width, overflow) = h.subtractingReportingOverflow(l)
      if overflow || width >= Limits.rangeWidth {
        error("range \(l)...\(h) has more than \(Limits.rangeWidth) values", range)
        return nil
      }
      return .range(l, h)
    case .named(let id):
      if let e = enumIndex[id.name] { return .enumeration(e) }
      if let r = roleIndex[id.name] { return .process(role: r) }
      if let record = recordDomain(id) { return record }
      if recordIndex[id.name] != nil { return nil }  // its own error is reported
      error(unknownType(id.name), id.range)
      return nil
    case .set(let id, _):
      guard let r = roleIndex[id.name] else {
        error(unknownRole(id.name) + " in set type", id.range)
        return nil
      }
      return .set(role: r)
    case .map(let id, let value, let range):
      guard let r = roleIndex[id.name] else {
        error(unknownRole(id.name) + " in map type", id.range)
        return nil
      }
      guard let v = domain(value) else { return nil }
      let map = Domain.map(role: r, value: v)
      if map.slotCount(roles) > Limits.slots {
        error("\(describe(map)) takes more than \(Limits.slots) slots; a state has at most \(Limits.slots)", range)
        return nil
      }
      return map
    }
  }

  /// Number of codes a (non-map) domain has.
  func size(_ d: Domain) -> Int {
    switch d {
    case .bool: 2
    case .range(let l, let h): h - l + 1
    case .enumeration(let e): max(enums[e].cases.count, 1)
    case .set(let r): 1 << roles[r].count
    case .process(let r): roles[r].count
    // Composite values are stored slot by slot, so their sizes only bound loops: saturate.
    case .map(let r, let v): Self.saturatingProduct(Array(repeating: size(v), count: roles[r].count))
    case .record(_, _, let domains): Self.saturatingProduct(domains.map(size))
    }
  }

  static func saturatingProduct(_ factors: [Int]) -> Int {
    factors.reduce(1) { product, factor in
      let (p, overflow) = product.multipliedReportingOverflow(by: factor)
      return overflow ? Int.max : p
    }
  }

  func slotCount(_ d: Domain) -> Int { d.slotCount(roles) }

  /// The domain of record type `id`, resolving its fields on first use; nil (reported once)
  /// when a field's type is wrong or the record contains itself.
  func recordDomain(_ id: Identifier) -> Domain? {
    guard let i = recordIndex[id.name] else { return nil }
    if let done = recordDomains[i] { return done }
    let decl = model.records[i]
    if recordsResolving.contains(i) {
      error("record '\(id.name)' contains itself", id.range)
      recordFailed.insert(i)
      return nil
    }
    // Each level of a record inside a record is a frame of this recursion.
    if recordsResolving.count >= Limits.recordNesting {
      error("records nested more than \(Limits.recordNesting) deep", id.range)
      recordFailed.insert(i)
      return nil
    }
    if recordFailed.contains(i) { return nil }
    recordsResolving.insert(i)
    defer { recordsResolving.remove(i) }
    var names: [String] = []
    var domains: [Domain] = []
    for f in decl.fields {
      if names.contains(f.name.name) {
        error("duplicate field '\(f.name.name)' in record '\(decl.name.name)'", f.name.range)
        recordFailed.insert(i)
        continue
      }
      guard let d = domain(f.type) else {
        recordFailed.insert(i)
        continue
      }
      names.append(f.name.name)
      domains.append(d)
    }
    if recordFailed.contains(i) { return nil }
    let record = Domain.record(name: decl.name.name, fields: names, domains: domains)
    if record.slotCount(roles) > Limits.slots {
      error("record '\(decl.name.name)' takes more than \(Limits.slots) slots; a state has at most \(Limits.slots)", decl.name.range)
      recordFailed.insert(i)
      return nil
    }
    recordDomains[i] = record
    return record
  }

  func declareRecords() {
    for (i, r) in model.records.enumerated() {
      if recordIndex[r.name.name] != nil || enumIndex[r.name.name] != nil {
        error("duplicate type '\(r.name.name)'", r.name.range)
        continue
      }
      recordIndex[r.name.name] = i
    }
    recordDomains = Array(repeating: nil, count: model.records.count)
  }

  func declareMessages() {
    for m in model.messages {
      if messageIndex[m.name.name] != nil {
        error("duplicate message '\(m.name.name)'", m.name.range)
        continue
      }
      messageIndex[m.name.name] = messages.count
      messages.append(MessageInfo(name: m.name.name, fieldNames: [], fieldDomains: [], valuations: 1))
    }
  }

  /// Message fields may name roles, so they are resolved after roles are declared.
  func resolveMessageFields() {
    for m in model.messages {
      guard let i = messageIndex[m.name.name], messages[i].fieldNames.isEmpty else { continue }
      var valuations = 1
      var seen: Set<String> = []
      for f in m.fields {
        if !seen.insert(f.name.name).inserted {
          error("duplicate field '\(f.name.name)' in message '\(m.name.name)'", f.name.range)
          continue
        }
        guard let d = domain(f.type) else { continue }
        if case .map = d {
          error("message fields cannot be maps", f.type.range)
          continue
        }
        if case .record(let name, _, _) = d {
          error("message fields cannot be records; give the message the fields of '\(name)'", f.type.range)
          continue
        }
        if case .set = d {
          error("message fields cannot be sets", f.type.range)
          continue
        }
        messages[i].fieldNames.append(f.name.name)
        messages[i].fieldDomains.append(d)
        valuations *= size(d)
        if valuations > Limits.networkSlots {
          error("message '\(m.name.name)' has more than \(Limits.networkSlots) field valuations", f.type.range)
          return
        }
      }
      messages[i].valuations = valuations
    }
  }

  func declareRoles() {
    if model.roles.isEmpty {
      error("the protocol declares no role", model.name.range)
      return
    }
    for role in model.roles {
      if roleIndex[role.name.name] != nil {
        error("duplicate role '\(role.name.name)'", role.name.range)
        continue
      }
      var count = 1
      if let c = role.count {
        guard let value = constant(c) else { continue }
        if value < 1 {
          error("role '\(role.name.name)' needs at least 1 instance, but its count is \(value)", c.range)
          continue
        }
        count = value
      }
      roleIndex[role.name.name] = roles.count
      roles.append(RoleInfo(
        name: role.name.name, count: count, firstProcess: 0, symmetric: role.symmetric, states: [],
        decisions: [], initialState: 0, recoverState: 0, vars: []))
      stateIndex.append([:])
      varIndex.append([:])
    }
    if hasErrors { return }
    // Counts are checked as they add up, so parameters near `Int.max` cannot overflow the sum.
    var total = 0
    for (r, role) in roles.enumerated() {
      total += min(role.count, Limits.processes + 1)
      if total > Limits.processes {
        let place = model.roles[r].count?.range ?? model.roles[r].name.range
        let count = role.count > Limits.processes ? "role '\(role.name)' has \(role.count) instances"
          : "the model has \(total) processes"
        error("\(count); at most \(Limits.processes) processes are supported", place)
        return
      }
    }
    var first = 0
    for r in roles.indices {
      roles[r].firstProcess = first
      first += roles[r].count
    }
    resolveMessageFields()
    for (r, role) in model.roles.enumerated() { declareStatesAndVars(role, r) }
  }

  func declareStatesAndVars(_ role: RoleDecl, _ r: Int) {
    if role.states.count > Limits.states {
      error("role '\(role.name.name)' has \(role.states.count) states; at most \(Limits.states) are supported",
        role.name.range)
      return
    }
    var initial: [Int] = []
    for s in role.states {
      if stateIndex[r][s.name.name] != nil {
        error("duplicate state '\(s.name.name)' in role '\(role.name.name)'", s.name.range)
        continue
      }
      if s.initial { initial.append(roles[r].states.count) }
      stateIndex[r][s.name.name] = roles[r].states.count
      roles[r].states.append(s.name.name)
      roles[r].decisions.append(s.decision)
    }
    if roles[r].states.isEmpty {
      error("role '\(role.name.name)' declares no state", role.name.range)
      return
    }
    if initial.isEmpty {
      error("role '\(role.name.name)' has no initial state; mark one 'state NAME initial'", role.name.range)
    } else if initial.count > 1 {
      error("role '\(role.name.name)' has more than one initial state", role.states[initial[1]].name.range)
    }
    roles[r].initialState = initial.first ?? 0
    roles[r].recoverState = roles[r].initialState
    if let rs = role.recoverState {
      if let i = stateIndex[r][rs.name] {
        roles[r].recoverState = i
      } else {
        error(unknownState(rs.name, role: r), rs.range)
      }
    }
    var offset = 0
    var declared: Set<String> = []
    for v in role.vars {
      if !declared.insert(v.name.name).inserted {
        error("duplicate variable '\(v.name.name)' in role '\(role.name.name)'", v.name.range)
        continue
      }
      if stateIndex[r][v.name.name] != nil {
        error("variable '\(v.name.name)' has the name of a state of role '\(role.name.name)'", v.name.range)
        continue
      }
      guard let d = domain(v.type) else { continue }
      var codes = Array(repeating: 0, count: slotCount(d))
      if let initExpr = v.initial {
        guard let code = initialCode(initExpr, domain: d, name: v.name.name) else { continue }
        codes = Array(repeating: code, count: codes.count)
      }
      if offset + codes.count > Limits.slots {
        error("the variables of role '\(role.name.name)' take more than \(Limits.slots) slots; a state has at most \(Limits.slots)",
          v.name.range)
        return
      }
      varIndex[r][v.name.name] = roles[r].vars.count
      roles[r].vars.append(VarInfo(name: v.name.name, domain: d, stable: v.stable, offset: offset, initialCodes: codes))
      offset += codes.count
      if offset > Limits.slots {
        error("the variables of role '\(role.name.name)' take more than \(Limits.slots) slots; a state has at most \(Limits.slots)",
          v.name.range)
        return
      }
    }
  }

  /// The variable `name` of role `r`.
  func variable(_ name: String, of r: Int) -> VarInfo? {
    varIndex[r][name].map { roles[r].vars[$0] }
  }

  /// The index of control state `name` of role `r`.
  func state(_ name: String, of r: Int) -> Int? { stateIndex[r][name] }

  /// The code of a variable's declared initial value (for a map: of every entry).
  func initialCode(_ expr: Expr, domain d: Domain, name: String) -> Int? {
    var valueDomain = d
    while case .map(_, let v) = valueDomain { valueDomain = v }
    if case .record(let recordName, _, _) = valueDomain {
      error("a record has no initial value as a whole; its fields start at their types' first values (record '\(recordName)')", expr.range)
      return nil
    }
    var scope = Scope(role: nil)
    scope.stateless = true
    let typed = compileExpr(expr, scope: scope)
    guard typed.type != .error else { return nil }
    guard compatible(typed.type, with: valueDomain) else {
      error("initial value of '\(name)' is \(typed.type.describe(self)), expected \(describe(valueDomain))", expr.range)
      return nil
    }
    let value = typed.eval(Env(localCount: maxLocals))
    guard let code = encode(value, valueDomain) else {
      error("initial value \(value) of '\(name)' is outside \(describe(valueDomain))", expr.range)
      return nil
    }
    return code
  }

  /// Lays out every process's slots; false (with an error) when they would pass `Limits.slots`,
  /// which is checked before any slot is made.
}
