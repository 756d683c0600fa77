import CommitCheckLanguage

/// Human-readable names for values, messages and actions, as traces print them.
extension TransitionSystem {
  public func describe(value: Int, domain: Domain) -> String {
    switch domain {
    case .bool: return value != 0 ? "true" : "false"
    case .range: return String(value)
    case .enumeration(let e): return e < enumCases.count && value < enumCases[e].count ? enumCases[e][value] : String(value)
    case .process: return value >= 0 && value < processes.count ? processes[value].name : "?"
    case .set(let r):
      let role = roles[r]
      let members = (0..<role.count).filter { (value >> $0) & 1 != 0 }
        .map { processes[role.firstProcess + $0].name }
      return "{" + members.joined(separator: ", ") + "}"
    case .map, .record: return "?"
    }
  }

  /// The value stored as `code` in a slot of `domain` (codes are offsets from the domain's start).
  public func value(code: Int, domain: Domain) -> Int {
    switch domain {
    case .range(let l, _): code + l
    case .process(let r): code + roles[r].firstProcess
    case .map(_, let v): value(code: code, domain: v)
    default: code
    }
  }

  /// `Vote(yes: true)` for a message type and field valuation.
  public func messageText(_ message: Int, valuation: Int) -> String {
    let m = messages[message]
    if m.fieldNames.isEmpty { return m.name }
    let parts = messageFields(message, valuation: valuation).map { "\($0.name): \(describe(value: $0.value, domain: $0.domain))" }
    return "\(m.name)(\(parts.joined(separator: ", ")))"
  }

  /// Each field of a message type under a valuation: its name, value and domain, in declaration
  /// order.
  public func messageFields(_ message: Int, valuation: Int) -> [(name: String, value: Int, domain: Domain)] {
    let m = messages[message]
    var stride = 1
    var fields: [(String, Int, Domain)] = []
    for (k, d) in m.fieldDomains.enumerated() {
      let size = domainSize(d)
      let code = (valuation / stride) % size
      stride *= size
      fields.append((m.fieldNames[k], value(code: code, domain: d), d))
    }
    return fields
  }

  func domainSize(_ d: Domain) -> Int {
    switch d {
    case .bool: 2
    case .range(let l, let h): h - l + 1
    case .enumeration(let e): max(enumCases[e].count, 1)
    case .set(let r): 1 << roles[r].count
    case .process(let r): roles[r].count
    case .map(let r, let v): roles[r].count * domainSize(v)
    case .record(_, _, let domains): domains.reduce(1) { $0 * domainSize($1) }
    }
  }

  /// Messages in flight in a state: (source, target, text, copies) and the message type and
  /// valuation the text shows, in channel order.
  public func messagesInFlight(_ slots: [Int])
    -> [(source: Int, target: Int, text: String, copies: Int, message: Int, valuation: Int)]
  {
    var out: [(Int, Int, String, Int, Int, Int)] = []
    for c in channels {
      if network == .fifo {
        for k in 0..<capacity where slots[c.slot + k] != 0 {
          let (m, v) = fifoMessage(code: slots[c.slot + k] - 1)
          out.append((c.source, c.target, messageText(m, valuation: v), 1, m, v))
        }
      } else if slots[c.slot] > 0 {
        out.append((c.source, c.target, messageText(c.message, valuation: c.valuation), slots[c.slot], c.message, c.valuation))
      }
    }
    return out
  }

  /// The message type and valuation of a fifo queue entry's code.
  public func fifoMessage(code: Int) -> (message: Int, valuation: Int) {
    (program.network.codeMessage[code], program.network.codeValuation[code])
  }

  /// The transition's name, with the `choose` branches an action took: `on_prepare.vote_yes`.
  public func actionName(_ a: Action) -> String {
    switch a.kind {
    case .crash, .recover, .lose, .duplicate, .partition: return a.kind.name
    default:
      let t = transitions[Int(a.transition)]
      var branches: [String] = []
      var c = a.choice
      while c != 0 {
        let id = Int(c & 0xF)
        if id >= 1 && id <= t.choiceNames.count { branches.append(t.choiceNames[id - 1]) }
        c >>= 4
      }
      // A named choice says more than the default name of the transition around it.
      if !branches.isEmpty && !t.named { return branches.joined(separator: ".") }
      return ([t.name] + branches).joined(separator: ".")
    }
  }

  /// The failure budgets in force, in a fixed order (`crash Coordinator` 1, `lose` 2, ...),
  /// leaving out those that are 0.
  public var failureList: [FailureAllowance] {
    var out: [FailureAllowance] = []
    for (r, role) in roles.enumerated() {
      if failures.crash[r] > 0 { out.append(FailureAllowance(kind: .crash, role: role.name, budget: failures.crash[r])) }
      if failures.recover[r] > 0 {
        var recover = FailureAllowance(kind: .recover, role: role.name, budget: failures.recover[r])
        recover.fair = fairRecovery
        out.append(recover)
      }
    }
    if failures.lose > 0 { out.append(FailureAllowance(kind: .lose, role: nil, budget: failures.lose)) }
    if failures.duplicate > 0 { out.append(FailureAllowance(kind: .duplicate, role: nil, budget: failures.duplicate)) }
    if failures.partition > 0 { out.append(FailureAllowance(kind: .partition, role: nil, budget: failures.partition)) }
    return out
  }

  /// The transitions a process of `role` may take in control state `state` (guards aside).
  public func transitionsEnabledIn(role: Int, state: Int) -> [Int] {
    program.byRoleState[role][state]
  }

  /// The partition groups of a mask: processes with the mask's bit clear, then set.
  public func partitionGroups(_ mask: Int) -> ([String], [String]) {
    let a = processes.indices.filter { (mask >> $0) & 1 == 0 }.map { processes[$0].name }
    let b = processes.indices.filter { (mask >> $0) & 1 != 0 }.map { processes[$0].name }
    return (a, b)
  }
}

extension ActionKind {
  public var name: String {
    switch self {
    case .step: "step"
    case .receive: "receive"
    case .timeout: "timeout"
    case .crash: "crash"
    case .recover: "recover"
    case .lose: "lose"
    case .duplicate: "duplicate"
    case .partition: "partition"
    }
  }
}

/// One failure budget in force: how many failures of a kind a run may have, and for crashes and
/// recoveries, of which role's processes.
public struct FailureAllowance: Sendable, Hashable {
  public var kind: FailureKind
  /// The role, for `crash` and `recover`; nil for the network's failures.
  public var role: String?
  public var budget: Int
  /// For `recover`: recovery is fair (`--fair-recovery`).
  public var fair = false

  public init(kind: FailureKind, role: String?, budget: Int) {
    self.kind = kind
    self.role = role
    self.budget = budget
  }

  /// `crash Coordinator`, `lose`: the budget's name as reports print it.
  public var name: String { role.map { "\(kind.rawValue) \($0)" } ?? kind.rawValue }

  /// `crash Coordinator 1`, `recover Coordinator 1 (fair)`: the budget as reports print it.
  public var label: String { "\(name) \(budget)" + (fair ? " (fair)" : "") }
}
