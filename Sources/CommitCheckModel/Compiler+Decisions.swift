import CommitCheckLanguage

/// Which roles decide, and which keep a history of the decisions they took.
///
/// Atomicity is judged over every decision a process ever took: a process that commits, crashes
/// and recovers to an undecided state has still committed, and so has one whose transition
/// leaves a decision state. Where a role's processes can do neither, its current control state
/// says everything, and no history is kept, so the state space is the same as without it.
/// Otherwise each process gets a hidden stable variable, `decision_taken` (none, commit, abort
/// or both), which every `goto` into a decision state (and a recovery into one) updates. A role
/// declared `forgetful` is judged on its current control state instead.
extension Compiler {
  static let historyName = "decision_taken"
  static let historyCases = ["none", "commit", "abort", "both"]

  func declareDecisionRoles() {
    var historyEnum: Int?
    for (r, role) in model.roles.enumerated() {
      roles[r].decides = role.nondeciding == nil
      roles[r].forgetful = role.forgetful != nil
      if role.nondeciding != nil {
        if let at = role.forgetful {
          error("role '\(role.name.name)' is 'nondeciding': it has no decision to forget", at)
        }
        for s in role.states where s.decision != nil {
          error("state '\(s.name.name)' decides \(s.decision!.rawValue), but role '\(role.name.name)' is 'nondeciding'",
            s.name.range)
        }
        continue
      }
      guard role.forgetful == nil, leavesDecision(role, r) else { continue }
      if let clash = role.vars.first(where: { $0.name.name == Self.historyName }) {
        error("variable name '\(Self.historyName)' is reserved for the decision history of role '\(role.name.name)'; rename it, or declare the role 'forgetful'",
          clash.name.range)
        continue
      }
      if historyEnum == nil {
        historyEnum = enums.count
        enums.append((name: "decision history", cases: Self.historyCases))
      }
      let offset = roles[r].vars.reduce(0) { $0 + slotCount($1.domain) }
      let initialCode = Int(Self.decisionCode(roles[r].decisions[roles[r].initialState]))
      roles[r].history = roles[r].vars.count
      roles[r].vars.append(VarInfo(name: Self.historyName, domain: .enumeration(historyEnum!), stable: true,
                                   offset: offset, initialCodes: [initialCode]))
    }
  }

  /// 0 none, 1 commit, 2 abort.
  static func decisionCode(_ d: Decision?) -> UInt8 { d == .commit ? 1 : d == .abort ? 2 : 0 }

  /// Whether a process of role `r` can leave a decision state for one with another decision
  /// (or none): by a recovery, or by a transition enabled in a decision state whose body may
  /// `goto` such a state. A `goto` whose target is not a plain state name or a conditional
  /// between them counts as able to go anywhere.
  func leavesDecision(_ role: RoleDecl, _ r: Int) -> Bool {
    let decisions = roles[r].decisions
    if budgets.crash[r] > 0 && budgets.recover[r] > 0 {
      let after = decisions[roles[r].recoverState]
      if decisions.contains(where: { $0 != nil && $0 != after }) { return true }
    }
    for t in role.transitions {
      let from: [Decision] = t.states.isEmpty
        ? decisions.compactMap { $0 }
        : t.states.compactMap { stateIndex[r][$0.name].flatMap { decisions[$0] } }
      guard !from.isEmpty else { continue }
      var targets: [String]? = []
      collectGotoTargets(t.body, into: &targets)
      guard let named = targets else { return true }
      for name in named {
        guard let s = stateIndex[r][name] else { return true }
        if from.contains(where: { $0 != decisions[s] }) { return true }
      }
    }
    return false
  }

  /// The state names every `goto` in `body` may name; nil when one names them by anything else.
  func collectGotoTargets(_ body: [Stmt], into targets: inout [String]?) {
    func names(_ e: Expr) -> [String]? {
      switch e.kind {
      case .name(let n): [n]
      case .conditional(_, let a, let b): names(a).flatMap { x in names(b).map { x + $0 } }
      default: nil
      }
    }
    for stmt in body {
      switch stmt.kind {
      case .goto(let e):
        if let n = names(e) { targets? += n } else { targets = nil }
      case .ifElse(_, let a, let b):
        collectGotoTargets(a, into: &targets)
        collectGotoTargets(b ?? [], into: &targets)
      case .choose(let branches):
        for branch in branches { collectGotoTargets(branch.body, into: &targets) }
      default:
        break
      }
    }
  }
}
