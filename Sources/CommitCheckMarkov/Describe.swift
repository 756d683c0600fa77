import CommitCheckModel

extension MarkovAnalysis {
  /// A state told like a trace state: each process's control state, with the variables that
  /// differ from their initial values and a crash mark; then the messages in flight, the
  /// partition and the failure budgets left. Two distinct states never read the same.
  func describe(_ id: UInt32) -> String {
    let system = exploration.system
    let slots = exploration.state(id)
    var parts: [String] = []
    for (p, info) in system.processes.enumerated() {
      let role = system.roles[info.role]
      var text = "\(info.name) \(role.states[system.controlState(slots, process: p)])"
      var notes = changedVariables(system, slots, p)
      if system.isCrashed(slots, process: p) { notes.append("crashed") }
      if !notes.isEmpty { text += " (" + notes.joined(separator: ", ") + ")" }
      parts.append(text)
    }
    var text = parts.joined(separator: ", ")
    let inFlight = system.messagesInFlight(slots).map { m in
      "\(m.text) \(system.processes[m.source].name)→\(system.processes[m.target].name)" + (m.copies > 1 ? " ×\(m.copies)" : "")
    }
    if !inFlight.isEmpty { text += "; in flight: " + inFlight.joined(separator: ", ") }
    let mask = slots[system.partitionSlot]
    if mask != 0 {
      let (a, b) = system.partitionGroups(mask)
      text += "; partitioned {\(a.joined(separator: ", "))} | {\(b.joined(separator: ", "))}"
    }
    var budgets: [String] = []
    for (i, name) in system.layout.names.enumerated() where name.hasPrefix("budget.") && slots[i] > 0 {
      budgets.append(name.dropFirst("budget.".count).replacingOccurrences(of: ".", with: " ") + " \(slots[i])")
    }
    if !budgets.isEmpty { text += "; failures left: " + budgets.joined(separator: ", ") }
    return text
  }

  /// `name = value` for each variable of process `p` whose slots differ from the initial ones.
  func changedVariables(_ system: TransitionSystem, _ slots: [Int], _ p: Int) -> [String] {
    let info = system.processes[p]
    var out: [String] = []
    for v in system.roles[info.role].vars {
      let base = info.base + 2 + v.offset
      if !v.domain.isScalar {
        out += system.slotTexts(of: v, slots, base: base) { k in slots[base + k] != v.initialCodes[k] }
      } else if slots[base] != v.initialCodes[0] {
        let value = system.value(code: slots[base], domain: v.domain)
        out.append("\(v.name) = \(system.describe(value: value, domain: v.domain))")
      }
    }
    return out
  }
}
