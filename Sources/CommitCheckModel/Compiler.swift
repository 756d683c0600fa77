import CommitCheckLanguage

/// Values that replace a model's declared parameters and failure budgets.
public struct CompileOptions: Sendable, Hashable {
  public var parameters: [String: Int] = [:]
  public var crash: [String: Int] = [:]
  public var recover: [String: Int] = [:]
  public var lose: Int?
  public var duplicate: Int?
  public var partition: Int?
  public init() {}
}

/// Compiles a parsed model into a `TransitionSystem` for concrete parameter values.
public enum ModelCompiler {
  /// Checks names, types and domains; throws every error found (warnings travel on the system).
  public static func compile(_ model: ProtocolDecl, options: CompileOptions = CompileOptions())
    throws(CompileFailure) -> TransitionSystem
  {
    let compiler = Compiler(model: model, options: options)
    if let system = compiler.run(), !compiler.diagnostics.contains(where: { $0.severity == .error }) {
      return system
    }
    throw CompileFailure(diagnostics: compiler.diagnostics)
  }
}

public struct CompileFailure: Error, Sendable {
  public var diagnostics: [Diagnostic]
}

/// The static type of a compiled expression.
indirect enum VType: Equatable {
  case bool, int, real
  case enumeration(Int)
  case set(Int)
  case emptySet
  case process(Int?)
  case map(Int, Domain)
  case error

  func describe(_ c: Compiler) -> String {
    switch self {
    case .bool: "bool"
    case .int: "int"
    case .real: "number"
    case .enumeration(let e): "enum '\(c.enums[e].name)'"
    case .set(let r): "set<\(c.roles[r].name)>"
    case .emptySet: "empty set"
    case .process(let r): r.map { "process of role '\(c.roles[$0].name)'" } ?? "process"
    case .map(let r, _): "map<\(c.roles[r].name), ...>"
    case .error: "error"
    }
  }
}

/// One run of the checker and code generator over a model.
final class Compiler {
  let model: ProtocolDecl
  let options: CompileOptions
  var diagnostics: [Diagnostic] = []

  var params: [String: Int] = [:]
  var paramOrder: [(String, Int)] = []
  var enums: [(name: String, cases: [String])] = []
  var enumIndex: [String: Int] = [:]
  var enumCase: [String: (enumIndex: Int, value: Int)] = [:]
  var roles: [RoleInfo] = []
  var roleIndex: [String: Int] = [:]
  /// Per role, its control states and variables by name (`RoleInfo` keeps them in arrays).
  var stateIndex: [[String: Int]] = []
  var varIndex: [[String: Int]] = []
  /// Parameters whose declaration failed (already reported), and the one being declared.
  var failedParams: Set<String> = []
  var declaringParam: String?
  lazy var paramNames = Set(model.params.map(\.name.name))
  lazy var roleNames = Set(model.roles.map(\.name.name))
  var processes: [ProcessInfo] = []
  var messages: [MessageInfo] = []
  var messageIndex: [String: Int] = [:]
  var network = NetworkTable()
  var globals = GlobalSlots(crash: [], recover: [], lose: 0, duplicate: 0, partitionBudget: 0, partitionMask: 0)
  var slotMax: [Int] = []
  var slotNames: [String] = []
  var budgets = FailureBudgets(crash: [], recover: [], lose: 0, duplicate: 0, partition: 0)

  /// (message, source role, target role) triples that some send can produce.
  var flows: Set<[Int]> = []
  /// Roles with a receive for each message.
  var receivers: [Set<Int>] = []
  /// Roles with a send of each message.
  var senders: [Set<Int>] = []
  var maxLocals = 0
  /// Branch names and rates of the transition being compiled.
  var choiceNames: [String] = []
  var choiceRates: [Double] = []
  /// Why each role's instances are not interchangeable, if something in the model says so.
  var symmetryBreakers: [Int: String] = [:]
  /// Bindings made so far (pattern names, senders, quantifier variables), and those read.
  var bindings = 0
  var usedBindings: Set<Int> = []
  /// "role.variable" for every variable some expression or statement mentions.
  var usedVariables: Set<String> = []

  init(model: ProtocolDecl, options: CompileOptions) {
    self.model = model
    self.options = options
  }

  func error(_ message: String, _ range: SourceRange) {
    diagnostics.append(.error(message, at: range))
  }

  var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

  func run() -> TransitionSystem? {
    checkNameClashes()
    declareParameters()
    declareEnums()
    declareMessages()
    declareRoles()
    if hasErrors { return nil }
    declareFailures()
    if hasErrors { return nil }
    guard layOutProcesses() else { return nil }
    allocateBudgetSlots()
    scanSends()
    if let excess = model.roles.lazy.flatMap(\.transitions).dropFirst(Limits.transitions).first {
      error("the model has more than \(Limits.transitions) transitions", excess.range)
      return nil
    }
    var infos: [TransitionInfo] = []
    var compiled: [CompiledTransition] = []
    var starts: [[CStmt]?] = []
    for (r, role) in model.roles.enumerated() {
      starts.append(role.start.map { compileBlock($0, scope: Scope(role: r)) })
      for t in role.transitions {
        if let (info, code) = compileTransition(t, role: r) {
          infos.append(info)
          compiled.append(code)
        }
      }
    }
    let propertyEvals = compileProperties()
    if hasErrors { return nil }
    layOutNetwork()
    if hasErrors { return nil }
    guard checkLayout() else { return nil }
    warnUnused(compiled: compiled)

    var byRoleState: [[[Int]]] = roles.map { Array(repeating: [], count: $0.states.count) }
    let order: [ActionKind] = [.receive, .step, .timeout]
    for kind in order {
      for (i, t) in compiled.enumerated() where t.kind == kind {
        for s in 0..<roles[t.role].states.count where t.states[s] { byRoleState[t.role][s].append(i) }
      }
    }
    var initial = Array(repeating: 0, count: slotMax.count)
    var volatile: [[(slot: Int, code: Int)]] = []
    for p in processes {
      let role = roles[p.role]
      initial[p.base] = role.initialState
      var resets: [(slot: Int, code: Int)] = []
      for v in role.vars {
        for (k, code) in v.initialCodes.enumerated() {
          initial[p.base + 2 + v.offset + k] = code
          if !v.stable { resets.append((p.base + 2 + v.offset + k, code)) }
        }
      }
      volatile.append(resets)
    }
    for r in 0..<roles.count {
      initial[globals.crash[r]] = budgets.crash[r]
      initial[globals.recover[r]] = budgets.recover[r]
    }
    initial[globals.lose] = budgets.lose
    initial[globals.duplicate] = budgets.duplicate
    initial[globals.partitionBudget] = budgets.partition

    let program = Program(
      globals: globals, transitions: compiled.map(TransitionCode.init), byRoleState: byRoleState, starts: starts,
      propertyEvals: propertyEvals, network: network, localCount: maxLocals,
      fieldDecoders: messages.map { m in
        var stride = 1
        return m.fieldDomains.map { d in
          defer { stride *= size(d) }
          return (stride: stride, size: size(d), offset: codeOffset(d))
        }
      },
      initialSlots: initial, volatileSlots: volatile)
    return TransitionSystem(
      name: model.name.name, doc: model.doc, parameters: paramOrder.map { (name: $0.0, value: $0.1) },
      network: network.semantics, capacity: network.capacity, roles: roles, processes: processes,
      messages: messages, enumCases: enums.map(\.cases), channels: network.channels, transitions: infos,
      properties: model.properties.map { PropertyInfo(name: $0.name.name, kind: $0.kind, range: $0.range) },
      failures: budgets, layout: StateLayout(maxValues: slotMax, names: slotNames),
      symmetryBreakers: symmetryBreakers,
      warnings: diagnostics.filter { $0.severity == .warning }, program: program)
  }

  // MARK: Declarations

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
      var value = def
      if let override = options.parameters[p.name.name] {
        value = override
        if !(low...high).contains(value) {
          error("parameter '\(p.name.name)' = \(value) is out of its range \(low)...\(high)", .none)
          failedParams.insert(p.name.name)
          continue
        }
      } else if !(low...high).contains(def) {
        error("default \(def) of parameter '\(p.name.name)' is outside its range \(low)...\(high)",
          p.defaultValue.range)
        failedParams.insert(p.name.name)
        continue
      }
      params[p.name.name] = value
      paramOrder.append((p.name.name, value))
    }
    for name in options.parameters.keys.sorted() where !model.params.contains(where: { $0.name.name == name }) {
      let known = model.params.map { "'\($0.name.name)'" }.joined(separator: ", ")
      error("unknown parameter '\(name)'" + (known.isEmpty ? "; the model declares none" : "; the model declares \(known)"), .none)
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
      error("unknown type '\(id.name)'; expected 'bool', a range such as '0...3', an enum, a role, 'set<Role>' or 'map<Role, T>'", id.range)
      return nil
    case .set(let id, _):
      guard let r = roleIndex[id.name] else {
        error("unknown role '\(id.name)' in set type", id.range)
        return nil
      }
      return .set(role: r)
    case .map(let id, let value, let range):
      guard let r = roleIndex[id.name] else {
        error("unknown role '\(id.name)' in map type", id.range)
        return nil
      }
      guard let v = domain(value) else { return nil }
      if case .map = v {
        error("a map's values cannot be maps", range)
        return nil
      }
      return .map(role: r, value: v)
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
    case .map(let r, let v): roles[r].count * size(v)
    }
  }

  func slotCount(_ d: Domain) -> Int {
    if case .map(let r, _) = d { return roles[r].count }
    return 1
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
        error("unknown state '\(rs.name)' in role '\(role.name.name)'", rs.range)
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
    if case .map(_, let v) = d { valueDomain = v }
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
  func layOutProcesses() -> Bool {
    var total = 0
    for r in roles.indices {
      let perProcess = 2 + roles[r].vars.reduce(0) { $0 + slotCount($1.domain) }
      total += roles[r].count * perProcess
      if total > Limits.slots {
        error("the processes' states and variables take \(total) slots or more; a state has at most \(Limits.slots)",
          model.roles[r].name.range)
        return false
      }
    }
    var pid = 0
    for r in roles.indices {
      for i in 0..<roles[r].count {
        let name = roles[r].count == 1 && model.roles[r].count == nil ? roles[r].name : "\(roles[r].name)[\(i + 1)]"
        processes.append(ProcessInfo(name: name, role: r, index: i, base: slotMax.count))
        slotMax.append(roles[r].states.count - 1)
        slotNames.append("\(name).state")
        // The crashed flag takes no bits when processes of the role cannot crash.
        slotMax.append(budgets.crash[r] > 0 ? 1 : 0)
        slotNames.append("\(name).crashed")
        for v in roles[r].vars {
          let n = slotCount(v.domain)
          // A map's slots hold its values: the size of the whole map may not even fit an `Int`.
          let maxCode: Int
          if case .map(_, let vd) = v.domain { maxCode = size(vd) - 1 } else { maxCode = size(v.domain) - 1 }
          for k in 0..<n {
            slotMax.append(maxCode)
            slotNames.append(n == 1 ? "\(name).\(v.name)" : "\(name).\(v.name)[\(k + 1)]")
          }
        }
        pid += 1
      }
    }
    return true
  }

  func newSlot(_ name: String, max: Int) -> Int {
    slotMax.append(max)
    slotNames.append(name)
    return slotMax.count - 1
  }

  func declareFailures() {
    budgets.crash = Array(repeating: 0, count: roles.count)
    budgets.recover = Array(repeating: 0, count: roles.count)
    for f in model.failures {
      var value = 1
      if let b = f.budget {
        guard let v = constant(b) else { continue }
        if v < 0 {
          error("a failure budget cannot be negative", b.range)
          continue
        }
        value = v
      }
      switch f.kind {
      case .crash, .recover:
        guard let id = f.role, let r = roleIndex[id.name] else {
          error("unknown role '\(f.role?.name ?? "")' in '\(f.kind.rawValue)'", f.role?.range ?? f.range)
          continue
        }
        if f.kind == .crash { budgets.crash[r] = value } else { budgets.recover[r] = value }
      case .lose: budgets.lose = value
      case .duplicate: budgets.duplicate = value
      case .partition: budgets.partition = value
      }
    }
    for (name, v) in options.crash.sorted(by: { $0.key < $1.key }) {
      guard let r = roleIndex[name] else {
        error("unknown role '\(name)' in --crash; roles are \(roles.map { "'\($0.name)'" }.joined(separator: ", "))", .none)
        continue
      }
      budgets.crash[r] = v
    }
    for (name, v) in options.recover.sorted(by: { $0.key < $1.key }) {
      guard let r = roleIndex[name] else {
        error("unknown role '\(name)' in --recover; roles are \(roles.map { "'\($0.name)'" }.joined(separator: ", "))", .none)
        continue
      }
      budgets.recover[r] = v
    }
    if let v = options.lose { budgets.lose = v }
    if let v = options.duplicate { budgets.duplicate = v }
    if let v = options.partition { budgets.partition = v }
    let all = budgets.crash + budgets.recover + [budgets.lose, budgets.duplicate, budgets.partition]
    if all.contains(where: { $0 < 0 || $0 > 255 }) {
      error("failure budgets must be between 0 and 255", .none)
      return
    }
    if budgets.partition > 1 {
      error("at most one partition is supported (partition budget \(budgets.partition))", .none)
    }
    let processCount = roles.reduce(0) { $0 + $1.count }
    if budgets.partition > 0 && processCount > Limits.partitionProcesses {
      let place = model.failures.last { $0.kind == .partition && options.partition == nil }?.range ?? .none
      error("a partition is explored as every split of the processes (2^\(processCount - 1) - 1 here); with a partition budget a model has at most \(Limits.partitionProcesses) processes",
        place)
    }
  }

  func allocateBudgetSlots() {
    for r in roles.indices {
      globals.crash.append(newSlot("budget.crash.\(roles[r].name)", max: budgets.crash[r]))
      globals.recover.append(newSlot("budget.recover.\(roles[r].name)", max: budgets.recover[r]))
    }
    globals.lose = newSlot("budget.lose", max: budgets.lose)
    globals.duplicate = newSlot("budget.duplicate", max: budgets.duplicate)
    globals.partitionBudget = newSlot("budget.partition", max: budgets.partition)
    globals.partitionMask = newSlot("partition", max: budgets.partition > 0 ? (1 << processes.count) - 1 : 0)
  }

  func describe(_ d: Domain) -> String {
    switch d {
    case .bool: "bool"
    case .range(let l, let h): "\(l)...\(h)"
    case .enumeration(let e): "enum '\(enums[e].name)'"
    case .set(let r): "set<\(roles[r].name)>"
    case .process(let r): "role '\(roles[r].name)'"
    case .map(let r, let v): "map<\(roles[r].name), \(describe(v))>"
    }
  }

  /// The code a value is stored as, or nil when it is outside the domain.
  func encode(_ value: Int, _ d: Domain) -> Int? {
    switch d {
    case .bool: (value == 0 || value == 1) ? value : nil
    case .range(let l, let h): (l...h).contains(value) ? value - l : nil
    case .enumeration(let e): (0..<enums[e].cases.count).contains(value) ? value : nil
    case .set(let r): value >= 0 && value < (1 << roles[r].count) ? value : nil
    case .process(let r):
      (roles[r].firstProcess..<roles[r].firstProcess + roles[r].count).contains(value)
        ? value - roles[r].firstProcess : nil
    case .map: nil
    }
  }

  /// How a value type relates to a domain it is stored into.
  func compatible(_ t: VType, with d: Domain) -> Bool {
    switch (t, d) {
    case (.bool, .bool), (.int, .range): true
    case (.enumeration(let a), .enumeration(let b)): a == b
    case (.set(let a), .set(let b)): a == b
    case (.emptySet, .set): true
    case (.process(let a), .process(let b)): a == nil || a == b
    default: false
    }
  }

  func type(of d: Domain) -> VType {
    switch d {
    case .bool: .bool
    case .range: .int
    case .enumeration(let e): .enumeration(e)
    case .set(let r): .set(r)
    case .process(let r): .process(r)
    case .map(let r, let v): .map(r, v)
    }
  }
}
