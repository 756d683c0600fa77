import CommitCheckLanguage

extension SuccessorGenerator {
  /// Throws the error compiled code recorded while evaluating a guard or pattern, if any.
  @inline(__always)
  func checkError(process p: Int, transition t: Int) throws(ModelRuntimeError) {
    if let message = env.error { throw ModelRuntimeError(message: message, process: p, transition: t) }
  }

  /// Loads a state into the environment (copying into its own buffer, so later writes never
  /// trigger copy-on-write) and clears the undo log.
  func reset(_ state: [Int], process p: Int) {
    if env.slots.count == state.count {
      for i in 0..<state.count { env.slots[i] = state[i] }
    } else {
      env.slots = Array(state)
    }
    env.undoSlots.removeAll(keepingCapacity: true)
    env.undoValues.removeAll(keepingCapacity: true)
    select(process: p)
  }

  /// Prepares the environment for a move of process `p` on the loaded state.
  @inline(__always)
  func select(process p: Int) {
    env.selfProcess = p
    env.selfBase = p >= 0 ? system.processes[p].base : 0
    env.gotoState = -1
    env.choice = 0
    env.choiceDepth = 0
    env.error = nil
  }


  /// Runs statements to completion, forking at each `choose`; calls `done` once per outcome.
  func execute(_ body: [CStmt], process p: Int, transition t: Int, _ done: () -> Void)
    throws(ModelRuntimeError)
  {
    stack.removeAll(keepingCapacity: true)
    stack.append(body[...])
    try run(process: p, transition: t, done)
  }

  /// Runs a transition's body with its one outcome, or with the statement stack when it has
  /// choices.
  @inline(__always)
  func execute(_ t: TransitionCode, process p: Int, transition ti: Int, _ done: () -> Void)
    throws(ModelRuntimeError)
  {
    guard t.straight else { return try execute(t.body, process: p, transition: ti, done) }
    try runStraight(t.body, process: p, transition: ti)
    enterGotoState(p)
    done()
  }

  /// Runs statements without `choose` in order.
  func runStraight(_ body: [CStmt], process p: Int, transition t: Int) throws(ModelRuntimeError) {
    for stmt in body {
      switch stmt {
      case .simple(let f):
        f(env)
        try checkError(process: p, transition: t)
      case .ifElse(let c, let a, let b):
        let taken = c(env) != 0
        try checkError(process: p, transition: t)
        try runStraight(taken ? a : b, process: p, transition: t)
      case .choose:
        preconditionFailure("a straight body has no choose")
      }
    }
  }

  /// Runs the statement stack; a `choose` runs the rest once per branch on a copy of the stack.
  func run(process p: Int, transition t: Int, _ done: () -> Void) throws(ModelRuntimeError) {
    while var top = stack.popLast() {
      guard let stmt = top.first else { continue }
      top = top.dropFirst()
      stack.append(top)
      switch stmt {
      case .simple(let f):
        f(env)
        try checkError(process: p, transition: t)
      case .ifElse(let c, let a, let b):
        let taken = c(env) != 0
        try checkError(process: p, transition: t)
        stack.append(taken ? a[...] : b[...])
      case .choose(let branches):
        let mark = env.undoSlots.count
        let state = (env.gotoState, env.choice, env.choiceDepth)
        for branch in branches {
          env.rollback(to: mark)
          (env.gotoState, env.choice, env.choiceDepth) = state
          env.choice |= branch.id << (4 * state.2)
          env.choiceDepth = state.2 + 1
          let saved = stack
          stack.append(branch.body[...])
          try run(process: p, transition: t, done)
          stack = saved
        }
        return
      }
    }
    if p >= 0 { enterGotoState(p) }
    done()
  }

  /// Calls `emit` for every enabled move of `state`: process transitions (each outcome of its
  /// choices) and failures within their remaining budgets. The emitted array is only valid
  /// during the call.
  public func successors(of state: [Int], _ emit: (Action, [Int]) -> Void) throws(ModelRuntimeError) {
    reset(state, process: -1)
    for p in system.processes.indices {
      try processMoves(p, state) { action in emit(action, env.slots) }
    }
    if failuresPossible { try failures(of: state, emit) }
  }

  /// The moves of process `p` in `state`, which the environment holds with an empty undo log:
  /// calls `emit` while the environment holds each move's successor (its writes in the undo
  /// log), then undoes the move. Reads only `p`'s own slots, the network slots it receives
  /// from or sends to, the partition mask and `Program.roleReads` (what the move memo keys on).
  func processMoves(_ p: Int, _ state: [Int], _ emit: (Action) -> Void) throws(ModelRuntimeError) {
    let net = program.network
    let mask = state[program.globals.partitionMask]
    let info = system.processes[p]
    // Hoisted: each array read below would otherwise retain and release.
    let byRoleState = program.byRoleState, transitions = program.transitions
    let channels = net.channels, channelsByTarget = net.channelsByTarget
    let base = info.base
    if state[base + 1] != 0 { return }
    var receiveEnabled = false
    for ti in byRoleState[info.role][state[base]] {
      let t = transitions[ti]
      switch t.kind {
      case .receive:
        for ch in channelsByTarget[p] {
          let channel = channels[ch]
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
          select(process: p)
          let matched = bindPattern(t, valuation)
          try checkError(process: p, transition: ti)
          guard matched else { continue }
          if let local = t.senderLocal { env.locals[local] = channel.source }
          if let g = t.guardEval {
            let enabled = g(env) != 0
            try checkError(process: p, transition: ti)
            if !enabled { continue }
          }
          receiveEnabled = true
          switch net.semantics {
          case .unordered: env.set(channel.slot, state[channel.slot] - 1)
          case .set: break
          case .fifo:
            for k in 0..<(net.capacity - 1) { env.set(channel.slot + k, state[channel.slot + k + 1]) }
            env.set(channel.slot + net.capacity - 1, 0)
          }
          try execute(t, process: p, transition: ti) {
            emit(Action(kind: .receive, process: Int32(p), transition: Int32(ti), message: Int32(ch),
                        choice: env.choice))
          }
          env.rollback(to: 0)
        }
      case .step, .timeout:
        if t.asynchronous && receiveEnabled { continue }
        select(process: p)
        if let g = t.guardEval {
          let enabled = g(env) != 0
          try checkError(process: p, transition: ti)
          if !enabled { continue }
        }
        try execute(t, process: p, transition: ti) {
          emit(Action(kind: t.kind, process: Int32(p), transition: Int32(ti), choice: env.choice))
        }
        env.rollback(to: 0)
      default:
        break
      }
    }
  }

  /// The enabled moves of `state` as writes, in the order of `successors(of:_:)`: each move's
  /// action and the slots it changes with their new values (alternating slot and value; a slot
  /// may repeat, the last value counts). The writes are only valid during the call, and must
  /// not escape it: `package`, for the explorer's packed expansion; the public shape is
  /// `successors(of:_:)`.
  ///
  /// A process's moves are a function of the slots `processMoves` reads, so they are memoized
  /// on those slots' values: a process met again in the same situation costs one lookup.
  package func moves(of state: [Int], _ emit: (Action, UnsafeBufferPointer<Int>) -> Void) throws(ModelRuntimeError) {
    // The environment is loaded only for moves not memoized: a state whose moves all are
    // never needs it.
    var loaded = false
    func load() {
      if !loaded { reset(state, process: -1) }
      loaded = true
    }
    if moveTable.isEmpty && moveTableSize > 0 {
      moveTable = Array(repeating: -1, count: moveTableSize)
      moveCacheKeys = Array(repeating: 0, count: moveCacheSize)
    }
    // Read once per state: each read through `self` would retain and release.
    let keyRanges = moveKeyRange, keySlots = moveKeySlots, keyShifts = moveKeyShifts
    let keyWidths = moveKeyWidth, tableBases = moveTableBase, cacheBases = moveCacheBase
    for p in keyRanges.indices {
      let range = keyRanges[p]
      guard !range.isEmpty else {
        load()
        try processMoves(p, state) { action in emitCurrent(action, emit) }
        continue
      }
      var key = 0
      for k in range { key |= state[keySlots[k]] << keyShifts[k] }
      let direct = keyWidths[p] <= SuccessorGenerator.moveKeyBits
      var line = tableBases[p] + key
      var keyLine = 0
      if !direct {
        var h = UInt64(key) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 29
        let offset = Int(truncatingIfNeeded: h >> 20) & (SuccessorGenerator.moveCacheLines - 1)
        line = tableBases[p] + offset
        keyLine = cacheBases[p] + offset
      }
      let entry = direct || moveCacheKeys[keyLine] == UInt64(key) + 1 ? Int(moveTable[line]) : -1
      if entry >= 0 {
        // Buffer pointers, not slices: a slice would retain the array for every move.
        moveWrites.withUnsafeBufferPointer { writes in
          for m in Int(entryStart[entry])..<Int(entryEnd[entry]) {
            emit(moveAction[m], UnsafeBufferPointer(rebasing: writes[Int(moveWriteStart[m])..<Int(moveWriteStart[m + 1])]))
          }
        }
        continue
      }
      if moveWrites.count >= SuccessorGenerator.moveWriteLimit { flushMoveMemo() }
      let first = moveAction.count, writesMark = moveWrites.count
      load()
      do {
        try processMoves(p, state) { action in
          let from = moveWrites.count
          appendWrites(to: &moveWrites)
          moveAction.append(action)
          moveWriteStart.append(Int32(moveWrites.count))
          moveWrites.withUnsafeBufferPointer { emit(action, UnsafeBufferPointer(rebasing: $0[from...])) }
        }
      } catch {
        // Nothing is memoized for a state whose moves meet a model error.
        moveAction.removeSubrange(first...)
        moveWriteStart.removeSubrange((first + 1)...)
        moveWrites.removeSubrange(writesMark...)
        throw error
      }
      moveTable[line] = Int32(entryStart.count)
      if !direct { moveCacheKeys[keyLine] = UInt64(key) + 1 }
      entryStart.append(Int32(first))
      entryEnd.append(Int32(moveAction.count))
    }
    if failuresPossible {
      load()
      try failures(of: state) { action, _ in emitCurrent(action, emit) }
    }
  }

  /// The moves of process `p` alone in `state`, unmemoized, as `moves(of:_:)` emits them.
  package func moves(of state: [Int], process p: Int, _ emit: (Action, UnsafeBufferPointer<Int>) -> Void)
    throws(ModelRuntimeError)
  {
    reset(state, process: -1)
    try processMoves(p, state) { action in emitCurrent(action, emit) }
  }

  /// The failure moves of `state` (crashes, recoveries, losses, duplications, partitions), as
  /// `moves(of:_:)` emits them after the process moves.
  package func failureMoves(of state: [Int], _ emit: (Action, UnsafeBufferPointer<Int>) -> Void)
    throws(ModelRuntimeError)
  {
    reset(state, process: -1)
    try failures(of: state) { action, _ in emitCurrent(action, emit) }
  }

  /// The slots user property `index` reads: its value is a function of theirs.
  public func propertyReads(_ index: Int) -> [Int] { program.propertyReads[index] }

  /// Forgets every memoized move (the memo grew past its limit).
  private func flushMoveMemo() {
    for i in moveTable.indices { moveTable[i] = -1 }
    entryStart.removeAll(keepingCapacity: true)
    entryEnd.removeAll(keepingCapacity: true)
    moveAction.removeAll(keepingCapacity: true)
    moveWriteStart.removeAll(keepingCapacity: true)
    moveWriteStart.append(0)
    moveWrites.removeAll(keepingCapacity: true)
  }

  /// How many processes have their moves memoized.
  public var memoizedProcesses: Int { moveKeyRange.filter { !$0.isEmpty }.count }

  /// Emits the move the environment holds, with its writes as slot and value pairs.
  private func emitCurrent(_ action: Action, _ emit: (Action, UnsafeBufferPointer<Int>) -> Void) {
    scratchWrites.removeAll(keepingCapacity: true)
    appendWrites(to: &scratchWrites)
    scratchWrites.withUnsafeBufferPointer { emit(action, $0) }
  }

  /// Appends the slot and new value of each write in the undo log.
  @inline(__always)
  private func appendWrites(to out: inout [Int]) {
    for slot in env.undoSlots {
      out.append(slot)
      out.append(env.slots[slot])
    }
  }
}
