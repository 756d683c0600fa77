import CommitCheckLanguage

/// Failure budgets: the model's `failures` blocks, then the command line's overrides.
///
/// A budget the model declares is blamed on its line; one the command line gives has no place in
/// the file (`SourceRange.none`), so its message starts with the option and value that gave it
/// (`--crash Coordinator=256: ...`), as the user typed them.
extension Compiler {
  func declareFailures() {
    budgets.crash = Array(repeating: 0, count: roles.count)
    budgets.recover = Array(repeating: 0, count: roles.count)
    /// Per role, the model line that last set its recovery budget.
    var recoverDeclared: [Int: SourceRange] = [:]
    for f in model.failures {
      var value = 1
      if let b = f.budget {
        guard let v = constant(b) else { continue }
        if let problem = Self.budgetProblem(v) {
          error(problem, b.range)
          continue
        }
        value = v
      }
      switch f.kind {
      case .crash, .recover:
        guard let id = f.role, let r = roleIndex[id.name] else {
          let name = f.role?.name ?? ""
          error("unknown role '\(name)' in '\(f.kind.rawValue)'" + Suggestion.hint(for: name, among: roles.map(\.name)),
            f.role?.range ?? f.range)
          continue
        }
        if f.kind == .crash {
          budgets.crash[r] = value
        } else {
          budgets.recover[r] = value
          recoverDeclared[r] = f.range
        }
      case .lose: budgets.lose = value
      case .duplicate: budgets.duplicate = value
      case .partition:
        if value > 1 {
          error("at most one partition is supported (partition budget \(value))", f.budget?.range ?? f.range)
          continue
        }
        budgets.partition = value
      }
    }
    for (name, v) in options.crash.sorted(by: { $0.key < $1.key }) {
      if let r = commandLineRole(name, v, option: "--crash") { budgets.crash[r] = v }
    }
    for (name, v) in options.recover.sorted(by: { $0.key < $1.key }) {
      if let r = commandLineRole(name, v, option: "--recover") { budgets.recover[r] = v }
    }
    if let v = options.lose, commandLineBudget(v, option: "--lose \(v)") { budgets.lose = v }
    if let v = options.duplicate, commandLineBudget(v, option: "--duplicate \(v)") { budgets.duplicate = v }
    if let v = options.partition {
      if v == 0 || v == 1 {
        budgets.partition = v
      } else {
        error("--partition \(v): at most one partition is supported", .none)
      }
    }
    if hasErrors { return }
    warnRecoveryWithoutCrash(declaredAt: recoverDeclared)
    if options.fairRecovery || model.fairRecovery != nil,
       !roles.indices.contains(where: { budgets.crash[$0] > 0 && budgets.recover[$0] > 0 }) {
      let reason = "no role has both a crash and a recovery budget, so no process ever recovers"
      if options.fairRecovery {
        diagnostics.append(.warning("--fair-recovery: " + reason, at: .none))
      } else {
        diagnostics.append(.warning("'fair recovery' has no effect: " + reason, at: model.fairRecovery!))
      }
    }
    let processCount = roles.reduce(0) { $0 + $1.count }
    if budgets.partition > 0 && processCount > Limits.partitionProcesses {
      let reason = "a partition is explored as every split of the processes (2^\(processCount - 1) - 1 here); with a partition budget a model has at most \(Limits.partitionProcesses) processes"
      if options.partition != nil {
        error("--partition: " + reason, .none)
      } else {
        error(reason, model.failures.last { $0.kind == .partition }?.range ?? model.name.range)
      }
    }
  }

  /// Why `value` cannot be a failure budget, or nil when it can.
  static func budgetProblem(_ value: Int) -> String? {
    if value < 0 { return "a failure budget cannot be negative" }
    if value > Limits.budget { return "a failure budget is at most \(Limits.budget)" }
    return nil
  }

  /// The role a `--crash ROLE=K` or `--recover ROLE=K` names, when it exists and K is a budget;
  /// otherwise nil, with an error that quotes the option.
  func commandLineRole(_ name: String, _ value: Int, option: String) -> Int? {
    let given = "\(option) \(name)=\(value)"
    guard let r = roleIndex[name] else {
      let known = roles.map { "'\($0.name)'" }.joined(separator: ", ")
      error("\(given): unknown role '\(name)'" + Suggestion.hint(for: name, among: roles.map(\.name)) + " (roles are \(known))",
        .none)
      return nil
    }
    return commandLineBudget(value, option: given) ? r : nil
  }

  /// Whether a budget the command line gives is one; if not, an error that quotes the option.
  func commandLineBudget(_ value: Int, option: String) -> Bool {
    guard let problem = Self.budgetProblem(value) else { return true }
    error("\(option): \(problem)", .none)
    return false
  }

  /// A recovery budget for a role that cannot crash is never used: the user most likely forgot
  /// the crash budget, and would otherwise read "holds" as "holds under recoveries".
  func warnRecoveryWithoutCrash(declaredAt declared: [Int: SourceRange]) {
    for r in roles.indices where budgets.recover[r] > 0 && budgets.crash[r] == 0 {
      let name = roles[r].name
      if let v = options.recover[name] {
        diagnostics.append(.warning(
          "--recover \(name)=\(v): role '\(name)' has no crash budget, so its processes never crash and never recover; add --crash \(name)=K",
          at: .none))
      } else if let range = declared[r] {
        diagnostics.append(.warning(
          "role '\(name)' has a recovery budget but no crash budget, so its processes never crash and never recover",
          at: range))
      }
    }
  }
}
