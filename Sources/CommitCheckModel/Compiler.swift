import CommitCheckLanguage

/// Values that replace a model's declared parameters and failure budgets.
public struct CompileOptions: Sendable, Hashable {
  public var parameters: [String: Int] = [:]
  public var crash: [String: Int] = [:]
  public var recover: [String: Int] = [:]
  public var lose: Int?
  public var duplicate: Int?
  public var partition: Int?
  /// Strong fairness for recovery, whatever the model declares (`--fair-recovery`).
  public var fairRecovery = false
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
  case record(String)
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
    case .record(let name): "record '\(name)'"
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
  /// Record types by name (index into `model.records`), resolved on first use.
  var recordIndex: [String: Int] = [:]
  var recordDomains: [Domain?] = []
  var recordsResolving: Set<Int> = []
  var recordFailed: Set<Int> = []
  /// Network queries, completed once the network is laid out.
  var queryPlans: [QueryPlan] = []
  /// While a property or a role's transitions compile: the messages its network queries read.
  var messageReads: Set<Int>?
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
  /// The flows that some send to one process (not `to all`) can produce.
  var pointFlows: Set<[Int]> = []
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
  /// While a property or a role's transitions compile: every slot of the state its code may
  /// read (see `noteReads`), apart from the acting process's own slots.
  var reads: Set<Int>?
  /// While a transition compiles: what it reads of other processes and what it writes.
  var transitionFacts: FactRecorder?
  lazy var sourceBytes = Array(model.source.utf8)

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
    declareRecords()
    declareMessages()
    declareRoles()
    // Records no variable uses are still checked.
    for record in model.records where recordIndex[record.name.name] != nil { _ = recordDomain(record.name) }
    if hasErrors { return nil }
    declareFailures()
    if hasErrors { return nil }
    declareDecisionRoles()
    if hasErrors { return nil }
    guard layOutProcesses() else { return nil }
    allocateBudgetSlots()
    scanSends()
    if let excess = model.roles.lazy.flatMap(\.transitions).dropFirst(Limits.transitions).first {
      error("the model has more than \(Limits.transitions) transitions", excess.range)
      return nil
    }
    var roleQueries: [Set<Int>] = []
    var infos: [TransitionInfo] = []
    var compiled: [CompiledTransition] = []
    var starts: [[CStmt]?] = []
    var roleReads: [[Int]] = []
    for (r, role) in model.roles.enumerated() {
      if let start = role.start {
        choiceNames = []
        choiceRates = []
        let block = compileBlock(start, scope: Scope(role: r))
        starts.append(block.code)
        roles[r].startSends = Self.sends(in: block.outline)
        (roles[r].startChoiceNames, roles[r].startChoiceRates) = (choiceNames, choiceRates)
        if let first = start.first, choiceDepth(start) > Limits.choiceDepth {
          error("the 'start' block of '\(role.name.name)' can take \(choiceDepth(start)) 'choose' in a row; at most "
            + "\(Limits.choiceDepth) are supported", first.range)
        }
      } else {
        starts.append(nil)
      }
      reads = []
      messageReads = []
      for t in role.transitions {
        for (info, code) in compileTransitions(t, role: r) {
          infos.append(info)
          compiled.append(code)
        }
        if infos.count > Limits.transitions {
          error("the model has more than \(Limits.transitions) transitions (counting each valuation of a step's parameters)", t.range)
          return nil
        }
      }
      roleReads.append(reads!.sorted())
      roleQueries.append(messageReads!)
      reads = nil
      messageReads = nil
    }
    let propertyEvals = compileProperties()
    if hasErrors { return nil }
    layOutNetwork()
    if hasErrors { return nil }
    completeQueries()
    roleReads = roleReads.indices.map { withQueryReads(roleReads[$0], roleQueries[$0]) }
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
      propertyEvals: propertyEvals.map(\.eval),
      propertyReads: propertyEvals.map { withQueryReads($0.reads, $0.queries) }, roleReads: roleReads, network: network, localCount: maxLocals,
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
      failures: budgets, fairRecovery: options.fairRecovery || model.fairRecovery != nil, layout: StateLayout(maxValues: slotMax, names: slotNames),
      symmetryBreakers: symmetryBreakers,
      warnings: diagnostics.filter { $0.severity == .warning }, program: program,
      origin: (model, options))
  }
}
