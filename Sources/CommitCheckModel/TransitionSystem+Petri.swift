import CommitCheckLanguage

/// What a transition's guard and body read besides its own process's local state and the message
/// it consumes: the state a place/transition net has to test with read arcs.
///
/// The compiled guards and bodies are closures, so what they read is recovered from the syntax
/// tree. The scan over-approximates (a quantifier over a role reads every instance of it); a net
/// built on it stays exact, it only splits a move into more transitions than needed.
public struct TransitionReads: Sendable, Hashable {
  /// Processes whose control state or variables the transition may read, ascending (the acting
  /// process itself may be among them when a quantifier ranges over its role).
  public var localStates: [Int] = []
  /// Processes whose crashed flag it may read (`crashed(p)`, `unreachable(p)`), ascending.
  public var crashFlags: [Int] = []
  /// Whether it reads the partition (`unreachable(p)`).
  public var partition = false
  /// A timeout without `when`: enabled only while the process can receive nothing, a test for
  /// the absence of messages.
  public var asynchronous = false

  public init() {}
}

/// The slots of the failure budgets and of the partition, for analyses that map a state's slots
/// onto something else (places of a Petri net).
public struct FailureSlots: Sendable {
  /// Remaining crash and recovery budgets, by role index.
  public var crash: [Int]
  public var recover: [Int]
  public var lose: Int
  public var duplicate: Int
  public var partitionBudget: Int
  /// The processes cut off from process 0, as a bit mask (0 while there is no partition).
  public var partitionMask: Int
}

extension TransitionSystem {
  public var failureSlots: FailureSlots {
    let g = program.globals
    return FailureSlots(crash: g.crash, recover: g.recover, lose: g.lose, duplicate: g.duplicate,
                        partitionBudget: g.partitionBudget, partitionMask: g.partitionMask)
  }

  /// The slots of process `p`'s local state: its control state, then its variables (its crashed
  /// flag, the slot in between, is not part of it).
  public func localSlots(of p: Int) -> [Int] {
    let info = processes[p]
    let count = roles[info.role].vars.reduce(0) { max($0, $1.offset + $1.initialCodes.count) }
    return [info.base] + Array((info.base + 2)..<(info.base + 2 + count))
  }

  /// What each transition reads outside its own process, in `transitions` order; nil when `model`
  /// is not the syntax tree this system was compiled from.
  public func transitionReads(in model: ProtocolDecl) -> [TransitionReads]? {
    var result: [TransitionReads] = []
    for (r, role) in model.roles.enumerated() {
      for decl in role.transitions {
        let i = result.count
        guard i < transitions.count, transitions[i].range == decl.range, transitions[i].role == r else { return nil }
        var scanner = ReadScanner(system: self, role: r)
        scanner.scan(decl)
        var reads = TransitionReads()
        reads.localStates = scanner.locals.filter { $0 >= 0 }.sorted()
        reads.crashFlags = scanner.crashes.filter { $0 >= 0 }.sorted()
        reads.partition = scanner.partition
        reads.asynchronous = program.transitions[i].asynchronous
        result.append(reads)
      }
    }
    return result.count == transitions.count ? result : nil
  }
}

/// Walks one transition's patterns, guard and body, collecting the processes it reads.
///
/// A process-valued expression denotes a set of process ids; -1 stands for `self`, whose state
/// is the transition's own.
struct ReadScanner {
  let system: TransitionSystem
  let role: Int
  var bound: [(name: String, processes: Set<Int>)] = []
  var locals: Set<Int> = []
  var crashes: Set<Int> = []
  var partition = false

  init(system: TransitionSystem, role: Int) {
    self.system = system
    self.role = role
  }

  var everyProcess: Set<Int> { Set(system.processes.indices) }

  func processes(ofRole r: Int) -> Set<Int> {
    Set(system.roles[r].firstProcess..<(system.roles[r].firstProcess + system.roles[r].count))
  }

  func roleIndex(_ name: String) -> Int? { system.roles.firstIndex { $0.name == name } }

  func processes(in domain: Domain) -> Set<Int> {
    switch domain {
    case .process(let r): processes(ofRole: r)
    case .map(_, let value): processes(in: value)
    default: everyProcess
    }
  }

  /// The processes a process-valued expression may denote.
  func denote(_ e: Expr) -> Set<Int> {
    switch e.kind {
    case .name(let n):
      if let b = bound.last(where: { $0.name == n }) { return b.processes }
      if n == "self" { return [-1] }
      if let v = system.roles[role].vars.first(where: { $0.name == n }) { return processes(in: v.domain) }
      if let r = roleIndex(n) { return processes(ofRole: r) }
      return everyProcess
    case .index(let target, let key):
      if case .name(let n) = target.kind, !bound.contains(where: { $0.name == n }), let r = roleIndex(n) {
        if case .int(let i) = key.kind, i >= 1, i <= system.roles[r].count { return [system.roles[r].firstProcess + i - 1] }
        return processes(ofRole: r)
      }
      if case .name(let n) = target.kind, let v = system.roles[role].vars.first(where: { $0.name == n }) {
        return processes(in: v.domain)
      }
      return everyProcess
    case .conditional(_, let a, let b):
      return denote(a).union(denote(b))
    default:
      return everyProcess
    }
  }

  /// True when `rhs` of `x in rhs` names control states (a state test) rather than a set.
  func isStateTest(_ rhs: Expr) -> Bool {
    func isState(_ e: Expr) -> Bool {
      guard case .name(let n) = e.kind, !bound.contains(where: { $0.name == n }) else { return false }
      return system.roles.contains { $0.states.contains(n) }
    }
    if case .setLiteral(let elements) = rhs.kind { return elements.contains(where: isState) }
    return isState(rhs)
  }

  /// A pattern name binds when it means nothing yet (the compiler's rule).
  func isFresh(_ n: String) -> Bool {
    if bound.contains(where: { $0.name == n }) || n == "self" || roleIndex(n) != nil { return false }
    if system.parameters.contains(where: { $0.name == n }) { return false }
    if system.enumCases.contains(where: { $0.contains(n) }) { return false }
    return !system.roles[role].vars.contains { $0.name == n }
  }

  mutating func scan(_ t: TransitionDecl) {
    if case .receive(let messageName, let fields, let sender) = t.trigger {
      let message = system.messages.first { $0.name == messageName.name }
      for f in fields {
        if case .name(let n) = f.value.kind, isFresh(n) {
          let k = message?.fieldNames.firstIndex(of: f.field.name)
          let domain = k.flatMap { message?.fieldDomains[$0] }
          bound.append((n, domain.map { processes(in: $0) } ?? everyProcess))
        } else {
          scan(f.value)
        }
      }
      if let sender { bound.append((sender.name, everyProcess)) }
    }
    if let g = t.guardExpr { scan(g) }
    scan(t.body)
  }

  mutating func scan(_ block: [Stmt]) {
    for s in block {
      switch s.kind {
      case .assign(_, let index, _, let value):
        if let index { scan(index) }
        scan(value)
      case .send(_, let args, let target):
        for a in args { scan(a.value) }
        if case .process(let e) = target { scan(e) }
      case .goto(let e): scan(e)
      case .ifElse(let c, let a, let b):
        scan(c)
        scan(a)
        scan(b ?? [])
      case .choose(let branches):
        for b in branches { scan(b.body) }
      case .skip: break
      }
    }
  }

  mutating func scan(_ e: Expr) {
    switch e.kind {
    case .member(let target, _):
      locals.formUnion(denote(target))
      scan(target)
    case .binary(.in, let lhs, let rhs) where isStateTest(rhs):
      locals.formUnion(denote(lhs))
      scan(lhs)
    case .call(let name, let args):
      if let first = args.first {
        switch name.name {
        case "crashed": crashes.formUnion(denote(first))
        case "unreachable":
          crashes.formUnion(denote(first))
          partition = true
        case "decided": locals.formUnion(denote(first))
        default: break
        }
      }
      for a in args { scan(a) }
    case .quantifier(_, let variable, let roleName, let body):
      bound.append((variable.name, roleIndex(roleName.name).map { processes(ofRole: $0) } ?? everyProcess))
      scan(body)
      bound.removeLast()
    case .unary(_, let a): scan(a)
    case .binary(_, let a, let b):
      scan(a)
      scan(b)
    case .conditional(let c, let a, let b):
      scan(c)
      scan(a)
      scan(b)
    case .index(let a, let b):
      scan(a)
      scan(b)
    case .setLiteral(let elements):
      for el in elements { scan(el) }
    case .int, .bool, .name, .allOf, .real:
      break
    }
  }
}
