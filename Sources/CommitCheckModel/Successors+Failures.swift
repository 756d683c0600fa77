import CommitCheckLanguage

extension SuccessorGenerator {
  func bindPattern(_ t: TransitionCode, _ valuation: Int) -> Bool {
    for pattern in t.patterns {
      let decode = program.fieldDecoders[t.message][pattern.field]
      let value = (valuation / decode.stride) % decode.size + decode.offset
      if let m = pattern.match {
        if m(env) != value { return false }
      } else if let b = pattern.bind {
        env.locals[b] = value
      }
    }
    return true
  }

  /// Emits one failure move made of the given writes, then undoes them.
  @inline(__always)
  func emitFailure(_ action: Action, _ writes: [(Int, Int)], _ emit: (Action, [Int]) -> Void) {
    for (slot, value) in writes { env.set(slot, value) }
    emit(action, env.slots)
    env.rollback(to: 0)
  }

  func failures(of state: [Int], _ emit: (Action, [Int]) -> Void) throws(ModelRuntimeError) {
    let g = program.globals
    let net = program.network
    select(process: -1)
    for (p, info) in system.processes.enumerated() {
      let base = info.base
      if state[base + 1] == 0 {
        let budget = g.crash[info.role]
        if state[budget] > 0 {
          emitFailure(Action(kind: .crash, process: Int32(p)), [(base + 1, 1), (budget, state[budget] - 1)], emit)
        }
      } else {
        let budget = g.recover[info.role]
        if state[budget] > 0 {
          let role = system.roles[info.role]
          var writes = [(base + 1, 0), (budget, state[budget] - 1), (base, role.recoverState)]
          for (slot, code) in program.volatileSlots[p] { writes.append((slot, code)) }
          let h = historySlots[p]
          let code = Int(decisionCodes[decisionStart[p] + role.recoverState])
          if h >= 0 && state[h] | code != state[h] { writes.append((h, state[h] | code)) }
          emitFailure(Action(kind: .recover, process: Int32(p)), writes, emit)
        }
      }
    }
    if state[g.lose] > 0 {
      for (ch, channel) in net.channels.enumerated() {
        if net.semantics == .fifo {
          for k in 0..<net.capacity where state[channel.slot + k] != 0 {
            var writes = [(g.lose, state[g.lose] - 1)]
            for j in k..<(net.capacity - 1) { writes.append((channel.slot + j, state[channel.slot + j + 1])) }
            writes.append((channel.slot + net.capacity - 1, 0))
            emitFailure(Action(kind: .lose, process: -1, message: Int32(ch), choice: Int32(k)), writes, emit)
          }
        } else if state[channel.slot] > 0 {
          emitFailure(Action(kind: .lose, process: -1, message: Int32(ch)),
                      [(channel.slot, state[channel.slot] - 1), (g.lose, state[g.lose] - 1)], emit)
        }
      }
    }
    if state[g.duplicate] > 0 && net.semantics != .set {
      for (ch, channel) in net.channels.enumerated() {
        if net.semantics == .fifo {
          for k in 0..<net.capacity where state[channel.slot + k] != 0 {
            guard let free = (0..<net.capacity).first(where: { state[channel.slot + $0] == 0 }) else {
              throw ModelRuntimeError(
                message: "fifo channel from \(net.processNames[channel.source]) to \(net.processNames[channel.target]) is full (\(net.capacity) messages) when duplicating; raise 'network fifo capacity'",
                process: -1, transition: -1)
            }
            emitFailure(Action(kind: .duplicate, process: -1, message: Int32(ch), choice: Int32(k)),
                        [(channel.slot + free, state[channel.slot + k]), (g.duplicate, state[g.duplicate] - 1)], emit)
          }
        } else if state[channel.slot] > 0 {
          guard state[channel.slot] < net.capacity else {
            throw ModelRuntimeError(
              message: "network capacity exceeded when duplicating: \(net.capacity) copies of \(net.messageNames[channel.message]) from \(net.processNames[channel.source]) to \(net.processNames[channel.target]) already in flight; raise 'network unordered capacity'",
              process: -1, transition: -1)
          }
          emitFailure(Action(kind: .duplicate, process: -1, message: Int32(ch)),
                      [(channel.slot, state[channel.slot] + 1), (g.duplicate, state[g.duplicate] - 1)], emit)
        }
      }
    }
    if state[g.partitionBudget] > 0 && state[g.partitionMask] == 0 {
      let others = system.processes.count - 1
      if others > 0 {
        for sub in 1..<(1 << others) {
          emitFailure(Action(kind: .partition, process: -1, message: Int32(sub << 1)),
                      [(g.partitionMask, sub << 1), (g.partitionBudget, state[g.partitionBudget] - 1)], emit)
        }
      }
    }
  }
}
