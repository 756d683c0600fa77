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
  /// Per process: its first slot (its control state; the next is its crashed flag), and its
  /// decision code by control state (0 none, 1 commit, 2 abort) from `decisionStart[p]` in
  /// `decisionCodes`. Flat arrays of plain integers: read on every state.
  public let processBases: [Int]
  public let decisionStart: [Int]
  public let decisionCodes: [UInt8]
  var stack: [ArraySlice<CStmt>] = []
  /// Property values memoized on the slots each property reads (`Program.propertyReads`): per
  /// property, the bit position of each read slot in the key (empty when its slots take more
  /// than 62 bits: not memoized). Keys of at most `memoBits` bits index a table of 0 (not yet
  /// known), 1 (false) or 2 (true); longer keys go to a direct-mapped cache of
  /// `key << 2 | value` entries. Both are allocated on first use.
  let memoShifts: [[Int]]
  let memoKeyBits: [Int]
  var memoTables: [[UInt8]]
  var memoCaches: [[UInt64]]
  static let memoBits = 22
  static let cacheBits = 16

  /// The moves of a process memoized on the slots they read (`processMoves`), for processes
  /// whose key takes at most 62 bits. Process `p`'s key is the values of
  /// `moveKeySlots[moveKeyRange[p]]` at bit positions `moveKeyShifts[moveKeyRange[p]]` (an empty
  /// range: not memoized). Its table of entry ids (-1: not yet known) starts at
  /// `moveTableBase[p]` in `moveTable`: keys of at most `moveKeyBits` bits index it directly,
  /// longer ones go to a direct-mapped cache of `moveCacheLines` lines whose keys + 1 are in
  /// `moveCacheKeys` from `moveCacheBase[p]`. Flat arrays: nested ones would retain and release
  /// on every access. Entry `e` is moves `entryStart[e]..<entryEnd[e]`; move `m` is
  /// `moveAction[m]` writing the slot and value pairs
  /// `moveWrites[moveWriteStart[m]..<moveWriteStart[m + 1]]`. Past `moveWriteLimit` writes the
  /// whole memo is flushed.
  let moveKeySlots: [Int]
  let moveKeyShifts: [Int]
  let moveKeyRange: [Range<Int>]
  let moveKeyWidth: [Int]
  let moveTableBase: [Int]
  let moveCacheBase: [Int]
  let moveTableSize: Int
  let moveCacheSize: Int
  /// Per process: every slot its moves read (sorted, leaving out slots that are always 0), as
  /// `processMoves` documents; its moves are a function of these slots' values.
  public let moveReads: [[Int]]
  /// Every slot `failures(of:)` reads (sorted, leaving out slots that are always 0): the crashed
  /// flags, the budgets, the partition mask and, when messages can be lost or duplicated, the
  /// network. The failure moves are a function of these slots' values.
  public let failureReads: [Int]
  /// Whether any failure budget is above zero: without one, no state has a failure move.
  public let failuresPossible: Bool
  /// Allocated on the first call of `moves`.
  var moveTable: [Int32] = []
  var moveCacheKeys: [UInt64] = []
  var entryStart: [Int32] = []
  var entryEnd: [Int32] = []
  var moveAction: [Action] = []
  var moveWriteStart: [Int32] = [0]
  var moveWrites: [Int] = []
  /// Writes of the move being emitted, when not memoized.
  var scratchWrites: [Int] = []
  static let moveKeyBits = 16
  static let moveCacheLines = 1 << 12
  /// The memo is flushed past this many stored writes (eight megabytes).
  static let moveWriteLimit = 1 << 20

  public init(_ system: TransitionSystem) {
    self.system = system
    self.program = system.program
    self.env = Env(localCount: system.program.localCount)
    let tables = system.processes.map { p in
      system.roles[p.role].decisions.map { d -> UInt8 in d == .commit ? 1 : d == .abort ? 2 : 0 }
    }
    processBases = system.processes.map(\.base)
    decisionStart = tables.indices.map { p in tables[..<p].reduce(0) { $0 + $1.count } }
    decisionCodes = tables.flatMap { $0 }
    var keyBits: [Int] = []
    memoShifts = system.program.propertyReads.map { reads in
      let (shifts, bits) = system.layout.keyLayout(reads)
      keyBits.append(bits)
      return bits <= 62 && !reads.isEmpty ? shifts : []
    }
    memoKeyBits = keyBits
    memoTables = Array(repeating: [], count: memoShifts.count)
    memoCaches = memoTables.map { _ in [] }
    var keySlots: [Int] = [], keyShifts: [Int] = [], keyRange: [Range<Int>] = [], keyWidth: [Int] = []
    var tableBase: [Int] = [], cacheBase: [Int] = [], tableSize = 0, cacheSize = 0
    var reads: [[Int]] = []
    for (p, info) in system.processes.enumerated() {
      let role = system.roles[info.role]
      let blockEnd = info.base + 2 + (role.vars.map { v in
        if case .map(let r, _) = v.domain { return v.offset + system.roles[r].count }
        return v.offset + 1
      }.max() ?? 0)
      var slots = Set(info.base..<blockEnd)
      for c in system.channels where c.target == p || (c.source == p && system.network != .set) {
        let width = system.network == .fifo ? system.capacity : 1
        slots.formUnion(c.slot..<(c.slot + width))
      }
      slots.insert(system.program.globals.partitionMask)
      slots.formUnion(system.program.roleReads[info.role])
      // Slots that are always 0 take no bits.
      let sorted = slots.sorted().filter { system.layout.maxValues[$0] > 0 }
      reads.append(sorted)
      let (shifts, bits) = system.layout.keyLayout(sorted)
      let memoized = bits <= 62 && !sorted.isEmpty
      let direct = bits <= SuccessorGenerator.moveKeyBits
      keyRange.append(keySlots.count..<(keySlots.count + (memoized ? sorted.count : 0)))
      if memoized {
        keySlots += sorted
        keyShifts += shifts
      }
      keyWidth.append(bits)
      tableBase.append(tableSize)
      cacheBase.append(cacheSize)
      if memoized { tableSize += direct ? 1 << bits : SuccessorGenerator.moveCacheLines }
      if memoized && !direct { cacheSize += SuccessorGenerator.moveCacheLines }
    }
    (moveKeySlots, moveKeyShifts, moveKeyRange, moveKeyWidth) = (keySlots, keyShifts, keyRange, keyWidth)
    (moveTableBase, moveCacheBase, moveTableSize, moveCacheSize) = (tableBase, cacheBase, tableSize, cacheSize)
    moveReads = reads
    let g = system.program.globals
    let budgets = g.crash + g.recover + [g.lose, g.duplicate, g.partitionBudget]
    failuresPossible = budgets.contains { system.layout.maxValues[$0] > 0 }
    var failureSlots = Set(budgets + [g.partitionMask] + system.processes.map { $0.base + 1 })
    if system.layout.maxValues[g.lose] > 0 || system.layout.maxValues[g.duplicate] > 0 {
      let net = system.program.network
      let width = net.semantics == .fifo ? net.capacity : 1
      for channel in net.channels { failureSlots.formUnion(channel.slot..<(channel.slot + width)) }
    }
    failureReads = failureSlots.sorted().filter { system.layout.maxValues[$0] > 0 }
  }

  /// The initial states: the declared initial values, then each process's `start` block.
  public func initialStates() throws(ModelRuntimeError) -> [[Int]] {
    var states = [program.initialSlots]
    for (p, info) in system.processes.enumerated() {
      guard let start = program.starts[info.role] else { continue }
      var next: [[Int]] = []
      for s in states {
        reset(s, process: p)
        try execute(start, process: p, transition: -1) { next.append(self.env.slots) }
      }
      states = next
    }
    var seen: Set<[Int]> = []
    return states.filter { seen.insert($0).inserted }
  }

  /// 0 none, 1 commit, 2 abort: the decision of process `p`'s control state.
  public func decisionCode(_ state: [Int], process p: Int) -> UInt8 {
    decisionCodes[decisionStart[p] + state[processBases[p]]]
  }

  /// True when no two processes hold conflicting decisions.
  public func isAtomic(_ state: [Int]) -> Bool { decisionFacts(state).atomic }

  /// In one pass over the processes: whether no two hold conflicting decisions, and whether one
  /// that has not crashed has not decided either.
  public func decisionFacts(_ state: [Int]) -> (atomic: Bool, liveUndecided: Bool) {
    var seen: UInt8 = 0
    var live = false
    for p in processBases.indices {
      let base = processBases[p]
      let code = decisionCodes[decisionStart[p] + state[base]]
      seen |= code
      if code == 0 && state[base + 1] == 0 { live = true }
    }
    return (seen != 3, live)
  }

  /// Evaluates user property `index` (an `invariant` or `eventually` expression).
  ///
  /// The explorer evaluates every property on every state with `evaluateChecked`, so once a
  /// state space is explored without a model error this can no longer meet one.
  public func evaluate(property index: Int, in state: [Int]) -> Bool {
    let shifts = memoShifts[index]
    let exact = memoKeyBits[index] <= SuccessorGenerator.memoBits
    var key = 0
    var line = 0
    if !shifts.isEmpty {
      let reads = program.propertyReads[index]
      for k in 0..<shifts.count { key |= state[reads[k]] << shifts[k] }
      if exact {
        if memoTables[index].isEmpty { memoTables[index] = Array(repeating: 0, count: 1 << memoKeyBits[index]) }
        let known = memoTables[index][key]
        if known != 0 {
          env.error = nil
          return known == 2
        }
      } else {
        if memoCaches[index].isEmpty { memoCaches[index] = Array(repeating: 0, count: 1 << SuccessorGenerator.cacheBits) }
        var h = UInt64(key) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        line = Int(truncatingIfNeeded: h) & ((1 << SuccessorGenerator.cacheBits) - 1)
        let entry = memoCaches[index][line]
        if entry & 3 != 0, entry >> 2 == UInt64(key) {
          env.error = nil
          return entry & 3 == 2
        }
      }
    }
    reset(state, process: -1)
    let value = program.propertyEvals[index](env) != 0
    if !shifts.isEmpty, env.error == nil {
      if exact {
        memoTables[index][key] = value ? 2 : 1
      } else {
        memoCaches[index][line] = UInt64(key) << 2 | (value ? 2 : 1)
      }
    }
    return value
  }

  /// Evaluates a property without the memo (for tests of the memo itself).
  public func evaluateUncached(property index: Int, in state: [Int]) -> Bool {
    reset(state, process: -1)
    return program.propertyEvals[index](env) != 0
  }

  /// Evaluates a property, throwing when it hits a model error (an instance that does not
  /// exist, a map key of the wrong role).
  public func evaluateChecked(property index: Int, in state: [Int]) throws(ModelRuntimeError) -> Bool {
    let value = evaluate(property: index, in: state)
    if let message = env.error {
      throw ModelRuntimeError(message: "in property '\(system.properties[index].name)': \(message)", process: -1, transition: -1)
    }
    return value
  }

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
    if env.gotoState >= 0 { env.set(system.processes[p].base, env.gotoState) }
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
    if env.gotoState >= 0, p >= 0 { env.set(system.processes[p].base, env.gotoState) }
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
  /// may repeat, the last value counts). The writes are only valid during the call.
  ///
  /// A process's moves are a function of the slots `processMoves` reads, so they are memoized
  /// on those slots' values: a process met again in the same situation costs one lookup.
  public func moves(of state: [Int], _ emit: (Action, UnsafeBufferPointer<Int>) -> Void) throws(ModelRuntimeError) {
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
  public func moves(of state: [Int], process p: Int, _ emit: (Action, UnsafeBufferPointer<Int>) -> Void)
    throws(ModelRuntimeError)
  {
    reset(state, process: -1)
    try processMoves(p, state) { action in emitCurrent(action, emit) }
  }

  /// The failure moves of `state` (crashes, recoveries, losses, duplications, partitions), as
  /// `moves(of:_:)` emits them after the process moves.
  public func failureMoves(of state: [Int], _ emit: (Action, UnsafeBufferPointer<Int>) -> Void)
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
          var writes = [(base + 1, 0), (budget, state[budget] - 1), (base, system.roles[info.role].recoverState)]
          for (slot, code) in program.volatileSlots[p] { writes.append((slot, code)) }
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
