import CommitCheckLanguage

/// A model error that only shows while exploring: a value outside its domain, a full network.
public struct ModelRuntimeError: Error, Sendable {
  public var message: String
  /// The process whose transition failed, or -1.
  public var process: Int
  /// The transition that failed, or -1 (a failure move).
  public var transition: Int
}

/// Computes initial states and successors of a `TransitionSystem`.
///
/// Holds a reusable environment, so one generator serves one thread; make one per worker.
public final class SuccessorGenerator {
  public let system: TransitionSystem
  let program: Program
  let env: Env
  let decisionTable: [[UInt8]]
  var stack: [ArraySlice<CStmt>] = []

  public init(_ system: TransitionSystem) {
    self.system = system
    self.program = system.program
    self.env = Env(localCount: system.program.localCount)
    decisionTable = system.processes.map { p in
      system.roles[p.role].decisions.map { d in d == .commit ? 1 : d == .abort ? 2 : 0 }
    }
  }

  /// The initial states: the declared initial values, then each process's `start` block.
  public func initialStates() throws(ModelRuntimeError) -> [[Int]] {
    var states = [program.initialSlots]
    for (p, info) in system.processes.enumerated() {
      guard let start = program.starts[info.role] else { continue }
      var next: [[Int]] = []
      for s in states {
        reset(s, process: p)
        try execute([start[...]], process: p, transition: -1) { next.append(self.env.slots) }
      }
      states = next
    }
    var seen: Set<[Int]> = []
    return states.filter { seen.insert($0).inserted }
  }

  /// 0 none, 1 commit, 2 abort: the decision of process `p`'s control state.
  public func decisionCode(_ state: [Int], process p: Int) -> UInt8 {
    decisionTable[p][state[system.processes[p].base]]
  }

  /// True when no two processes hold conflicting decisions.
  public func isAtomic(_ state: [Int]) -> Bool {
    var seen: UInt8 = 0
    for p in 0..<decisionTable.count { seen |= decisionTable[p][state[system.processes[p].base]] }
    return seen != 3
  }

  /// Evaluates user property `index` (an `invariant` or `eventually` expression).
  public func evaluate(property index: Int, in state: [Int]) -> Bool {
    reset(state, process: -1)
    return program.propertyEvals[index](env) != 0
  }

  func reset(_ state: [Int], process p: Int) {
    env.slots = state
    env.selfProcess = p
    env.selfBase = p >= 0 ? system.processes[p].base : 0
    env.gotoState = -1
    env.choice = 0
    env.choiceDepth = 0
    env.error = nil
  }

  /// Runs statements to completion, forking at each `choose`; calls `done` once per outcome.
  func execute(_ initial: [ArraySlice<CStmt>], process p: Int, transition t: Int, _ done: () -> Void)
    throws(ModelRuntimeError)
  {
    var stack = initial
    while var top = stack.popLast() {
      guard let stmt = top.first else { continue }
      top = top.dropFirst()
      stack.append(top)
      switch stmt {
      case .simple(let f):
        f(env)
        if let message = env.error { throw ModelRuntimeError(message: message, process: p, transition: t) }
      case .ifElse(let c, let a, let b):
        let taken = c(env) != 0
        if let message = env.error { throw ModelRuntimeError(message: message, process: p, transition: t) }
        stack.append(taken ? a[...] : b[...])
      case .choose(let branches):
        let saved = (env.slots, env.locals, env.gotoState, env.choice, env.choiceDepth)
        for branch in branches {
          (env.slots, env.locals, env.gotoState, env.choice, env.choiceDepth) = saved
          env.choice |= branch.id << (4 * saved.4)
          env.choiceDepth = saved.4 + 1
          try execute(stack + [branch.body[...]], process: p, transition: t, done)
        }
        return
      }
    }
    if env.gotoState >= 0, p >= 0 { env.slots[system.processes[p].base] = env.gotoState }
    done()
  }

  /// Calls `emit` for every enabled move of `state`: process transitions (each outcome of its
  /// choices) and failures within their remaining budgets.
  public func successors(of state: [Int], _ emit: (Action, [Int]) -> Void) throws(ModelRuntimeError) {
    let net = program.network
    let maskSlot = program.globals.partitionMask
    let mask = state[maskSlot]
    for (p, info) in system.processes.enumerated() {
      let base = info.base
      if state[base + 1] != 0 { continue }
      var receiveEnabled = false
      for ti in program.byRoleState[info.role][state[base]] {
        let t = program.transitions[ti]
        switch t.kind {
        case .receive:
          for ch in net.channelsByTarget[p] {
            let channel = net.channels[ch]
            if ((mask >> channel.source) ^ (mask >> p)) & 1 != 0 { continue }
            let valuation: Int
            if net.semantics == .fifo {
              let head = state[channel.slot]
              if head == 0 || net.codeMessage[head - 1] != t.message { continue }
              valuation = net.codeValuation[head - 1]
            } else {
              if channel.message != t.message || state[channel.slot] == 0 { continue }
              valuation = channel.valuation
            }
            reset(state, process: p)
            guard bindPattern(t, valuation) else { continue }
            if let local = t.senderLocal { env.locals[local] = channel.source }
            if let g = t.guardEval, g(env) == 0 { continue }
            receiveEnabled = true
            switch net.semantics {
            case .unordered: env.slots[channel.slot] -= 1
            case .set: break
            case .fifo:
              for k in 0..<(net.capacity - 1) { env.slots[channel.slot + k] = env.slots[channel.slot + k + 1] }
              env.slots[channel.slot + net.capacity - 1] = 0
            }
            try execute([t.body[...]], process: p, transition: ti) {
              emit(Action(kind: .receive, process: Int32(p), transition: Int32(ti), message: Int32(ch),
                          choice: env.choice), env.slots)
            }
          }
        case .step, .timeout:
          if t.asynchronous && receiveEnabled { continue }
          reset(state, process: p)
          if let g = t.guardEval, g(env) == 0 { continue }
          try execute([t.body[...]], process: p, transition: ti) {
            emit(Action(kind: t.kind, process: Int32(p), transition: Int32(ti), choice: env.choice), env.slots)
          }
        default:
          break
        }
      }
    }
    try failures(of: state, emit)
  }

  func bindPattern(_ t: CompiledTransition, _ valuation: Int) -> Bool {
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

  func failures(of state: [Int], _ emit: (Action, [Int]) -> Void) throws(ModelRuntimeError) {
    let g = program.globals
    let net = program.network
    var next = state
    for (p, info) in system.processes.enumerated() {
      let base = info.base
      if state[base + 1] == 0 {
        let budget = g.crash[info.role]
        if state[budget] > 0 {
          next[base + 1] = 1
          next[budget] -= 1
          emit(Action(kind: .crash, process: Int32(p)), next)
          next = state
        }
      } else {
        let budget = g.recover[info.role]
        if state[budget] > 0 {
          next[base + 1] = 0
          next[budget] -= 1
          next[base] = system.roles[info.role].recoverState
          for (slot, code) in program.volatileSlots[p] { next[slot] = code }
          emit(Action(kind: .recover, process: Int32(p)), next)
          next = state
        }
      }
    }
    if state[g.lose] > 0 {
      for (ch, channel) in net.channels.enumerated() {
        if net.semantics == .fifo {
          for k in 0..<net.capacity where state[channel.slot + k] != 0 {
            for j in k..<(net.capacity - 1) { next[channel.slot + j] = state[channel.slot + j + 1] }
            next[channel.slot + net.capacity - 1] = 0
            next[g.lose] -= 1
            emit(Action(kind: .lose, process: -1, message: Int32(ch), choice: Int32(k)), next)
            next = state
          }
        } else if state[channel.slot] > 0 {
          next[channel.slot] -= 1
          next[g.lose] -= 1
          emit(Action(kind: .lose, process: -1, message: Int32(ch)), next)
          next = state
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
            next[channel.slot + free] = state[channel.slot + k]
            next[g.duplicate] -= 1
            emit(Action(kind: .duplicate, process: -1, message: Int32(ch), choice: Int32(k)), next)
            next = state
          }
        } else if state[channel.slot] > 0 {
          guard state[channel.slot] < net.capacity else {
            throw ModelRuntimeError(
              message: "network capacity exceeded when duplicating: \(net.capacity) copies of \(net.messageNames[channel.message]) from \(net.processNames[channel.source]) to \(net.processNames[channel.target]) already in flight; raise 'network unordered capacity'",
              process: -1, transition: -1)
          }
          next[channel.slot] += 1
          next[g.duplicate] -= 1
          emit(Action(kind: .duplicate, process: -1, message: Int32(ch)), next)
          next = state
        }
      }
    }
    if state[g.partitionBudget] > 0 && state[g.partitionMask] == 0 {
      let others = system.processes.count - 1
      if others > 0 {
        for sub in 1..<(1 << others) {
          next[g.partitionMask] = sub << 1
          next[g.partitionBudget] -= 1
          emit(Action(kind: .partition, process: -1, message: Int32(sub << 1)), next)
          next = state
        }
      }
    }
  }
}
