import CommitCheckLanguage

/// The network's layout once every send is known, and the warnings about unused declarations.
extension Compiler {
  func layOutNetwork() {
    let P = processes.count
    network.processCount = P
    network.processNames = processes.map(\.name)
    network.messageNames = messages.map(\.name)
    if let decl = model.network {
      guard let sem = NetworkSemantics(rawValue: decl.kind.name) else {
        let known = ["unordered", "fifo", "set"]
        error("unknown network semantics '\(decl.kind.name)'" + (Suggestion.closest(to: decl.kind.name, among: known).map { "; did you mean '\($0)'?" }
          ?? "; expected 'unordered', 'fifo' or 'set'"), decl.kind.range)
        return
      }
      network.semantics = sem
      network.capacity = sem == .fifo ? 4 : 2
      if let c = decl.capacity, let value = constant(c) {
        guard (1...Limits.capacity).contains(value) else {
          error("network capacity must be between 1 and \(Limits.capacity)", c.range)
          return
        }
        network.capacity = value
      }
    }
    var base = 0
    for m in messages {
      network.valuationBase.append(base)
      base += m.valuations
    }
    let sortedFlows = flows.sorted { $0.lexicographicallyPrecedes($1) }
    // The slots the layout below makes, counted before any is made.
    var needed = 0
    if network.semantics == .fifo {
      let pairs = Set(sortedFlows.map { [$0[1], $0[2]] })
      for pr in pairs { needed += roles[pr[0]].count * roles[pr[1]].count * network.capacity }
    } else {
      for f in sortedFlows {
        needed += min(messages[f[0]].valuations, Limits.slots + 1) * roles[f[1]].count * roles[f[2]].count
        if needed > Limits.slots { break }
      }
    }
    if slotMax.count + needed > Limits.slots {
      error("the network needs at least \(needed) slots; with the \(slotMax.count) of the processes and budgets that passes the limit of \(Limits.slots) slots per state",
        model.network?.range ?? model.name.range)
      return
    }
    if network.semantics == .fifo {
      // A queue entry is a message code; the tables that decode codes have one entry each.
      guard base <= Limits.networkSlots else {
        error("the messages have \(base) field valuations in all; a fifo network supports at most \(Limits.networkSlots)",
          model.network?.range ?? model.name.range)
        return
      }
      network.codeMessage = messages.indices.flatMap { m in Array(repeating: m, count: messages[m].valuations) }
      network.codeValuation = messages.indices.flatMap { m in Array(0..<messages[m].valuations) }
      network.channelIndex = Array(repeating: -1, count: P * P)
      var pairs: Set<[Int]> = []
      for f in sortedFlows { pairs.insert([f[1], f[2]]) }
      for pr in pairs.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        for s in processes.indices where processes[s].role == pr[0] {
          for t in processes.indices where processes[t].role == pr[1] && network.channelIndex[s * P + t] < 0 {
            network.channelIndex[s * P + t] = network.channels.count
            var first = -1
            for k in 0..<network.capacity {
              let slot = newSlot("\(processes[s].name)->\(processes[t].name)[\(k)]", max: base)
              if k == 0 { first = slot }
            }
            network.channels.append(ChannelInfo(source: s, target: t, message: -1, valuation: -1, slot: first))
          }
        }
      }
    } else {
      let keys = base * P * P
      guard keys <= Limits.networkSlots * 16 else {
        error("the network has too many possible messages (\(keys)); reduce field domains or processes", model.name.range)
        return
      }
      network.slotIndex = Array(repeating: -1, count: keys)
      let maxCount = network.semantics == .set ? 1 : network.capacity
      for f in sortedFlows {
        let (m, sr, tr) = (f[0], f[1], f[2])
        let shared = sharesBroadcastSlot(f)
        for v in 0..<messages[m].valuations {
          for s in processes.indices where processes[s].role == sr {
            var broadcastSlot: Int?
            for t in processes.indices where processes[t].role == tr {
              let key = ((network.valuationBase[m] + v) * P + s) * P + t
              guard network.slotIndex[key] < 0 else { continue }
              let slot: Int
              if shared && t != s {
                slot = broadcastSlot ?? newSlot("\(messages[m].name)#\(v) \(processes[s].name)->all \(roles[tr].name)", max: 1)
                broadcastSlot = slot
              } else {
                slot = newSlot("\(messages[m].name)#\(v) \(processes[s].name)->\(processes[t].name)", max: maxCount)
              }
              network.slotIndex[key] = slot
              network.channels.append(ChannelInfo(source: s, target: t, message: m, valuation: v, slot: slot))
              if network.channels.count > Limits.networkSlots {
                error("the network has more than \(Limits.networkSlots) message slots", model.name.range)
                return
              }
            }
          }
        }
      }
    }
    network.channelsByTarget = Array(repeating: [], count: P)
    for (i, c) in network.channels.enumerated() { network.channelsByTarget[c.target].append(i) }
  }

  /// Whether the copies of a message that flow `f` (message, source role, target role) sends
  /// can share one slot: one bit per (message, field values, sender), instead of one per
  /// receiver. So they can when the network is a set, every send of the flow goes `to all` of
  /// the target role, and no message can be lost. A broadcast then puts the same copy in flight
  /// to every other process of the role at once, a set network never takes a message back
  /// (receiving leaves it, duplicating changes nothing), and crashes and partitions leave the
  /// network as it is: the receivers' bits would always be equal. Each receiver still has its
  /// own channel (traces, Petri places and symmetry see one message per receiver), and the
  /// states, transitions and verdicts are the same; only the bits per state shrink, which lets
  /// larger instances fit one word (TwoPhase N=11 needs 48 bits instead of 68).
  func sharesBroadcastSlot(_ f: [Int]) -> Bool {
    network.semantics == .set && budgets.lose == 0 && !pointFlows.contains(f)
  }

  func warnUnused(compiled: [CompiledTransition]) {
    for (i, m) in model.messages.enumerated() where i < messages.count {
      if senders[i].isEmpty {
        diagnostics.append(.warning("message '\(m.name.name)' is declared but never sent", at: m.name.range))
      } else if receivers[i].isEmpty && !queryPlans.contains(where: { $0.message == i }) {
        diagnostics.append(.warning("message '\(m.name.name)' is sent but never received", at: m.name.range))
      }
    }
    for (r, role) in model.roles.enumerated() {
      for v in role.vars where !usedVariables.contains("\(r).\(v.name.name)") {
        diagnostics.append(.warning("variable '\(v.name.name)' of role '\(role.name.name)' is never used", at: v.name.range))
      }
    }
  }
}

extension NetworkTable {
  /// Puts one message in flight, or records that the network's bound was exceeded.
  func deliver(_ e: Env, _ message: Int, _ valuation: Int, to target: Int) {
    if e.error != nil { return }
    let source = e.selfProcess
    switch semantics {
    case .unordered, .set:
      let s = slot(message: message, valuation: valuation, source: source, target: target)
      if s < 0 {
        e.error = "no network slot for this message (internal error)"
        return
      }
      if semantics == .set {
        e.set(s, 1)
      } else if e.slots[s] >= capacity {
        e.error = "network capacity exceeded: \(capacity) copies of \(messageNames[message]) from \(processNames[source]) to \(processNames[target]) already in flight; raise 'network unordered capacity'"
      } else {
        e.set(s, e.slots[s] + 1)
      }
    case .fifo:
      let c = channelIndex[source * processCount + target]
      if c < 0 {
        e.error = "no channel for this message (internal error)"
        return
      }
      let first = channels[c].slot
      for k in 0..<capacity where e.slots[first + k] == 0 {
        e.set(first + k, valuationBase[message] + valuation + 1)
        return
      }
      e.error = "fifo channel from \(processNames[source]) to \(processNames[target]) is full (\(capacity) messages); raise 'network fifo capacity'"
    }
  }
}
