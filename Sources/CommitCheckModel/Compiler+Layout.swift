import CommitCheckLanguage

/// The state layout: process blocks, failure budgets, and how values map to slot codes.
extension Compiler {
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
          // One slot per scalar inside (a map's entries, a record's fields): the size of the
          // whole value may not even fit an `Int`. Keys in slot names are instance numbers.
          for leaf in v.domain.leaves(roles, keyName: { _, k in "\(k + 1)" }) {
            slotMax.append(size(leaf.domain) - 1)
            slotNames.append("\(name).\(v.name)\(leaf.path.joined())")
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
    case .record(let name, _, _): "record '\(name)'"
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
    case .map, .record: nil
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
    case .record(let name, _, _): .record(name)
    }
  }
}
