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
/// Holds a reusable environment, so one generator serves one thread; make one per worker. Its
/// memo tables are stored properties of a class, read and written on every move: with one
/// thread per generator no two accesses overlap, so they opt out of dynamic exclusivity checks.
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
  /// Per process: the slot of its decision history (`RoleInfo.history`), or -1 without one;
  /// whether its role decides; the slot of its role's recovery budget.
  public let historySlots: [Int]
  public let deciding: [Bool]
  public let recoverySlots: [Int]
  /// No process keeps a history and every role decides: a decision is a control state's.
  let plainDecisions: Bool
  @exclusivity(unchecked) var stack: [ArraySlice<CStmt>] = []
  /// Property values memoized on the slots each property reads (`Program.propertyReads`): per
  /// property, the bit position of each read slot in the key (empty when its slots take more
  /// than 62 bits: not memoized). Keys of at most `memoBits` bits index a table of 0 (not yet
  /// known), 1 (false) or 2 (true); longer keys go to a direct-mapped cache of
  /// `key << 2 | value` entries. Both are allocated on first use.
  let memoShifts: [[Int]]
  let memoKeyBits: [Int]
  @exclusivity(unchecked) var memoTables: [[UInt8]]
  @exclusivity(unchecked) var memoCaches: [[UInt64]]
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
  @exclusivity(unchecked) var moveTable: [Int32] = []
  @exclusivity(unchecked) var moveCacheKeys: [UInt64] = []
  @exclusivity(unchecked) var entryStart: [Int32] = []
  @exclusivity(unchecked) var entryEnd: [Int32] = []
  @exclusivity(unchecked) var moveAction: [Action] = []
  @exclusivity(unchecked) var moveWriteStart: [Int32] = [0]
  @exclusivity(unchecked) var moveWrites: [Int] = []
  /// Writes of the move being emitted, when not memoized.
  @exclusivity(unchecked) var scratchWrites: [Int] = []
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
    historySlots = system.processes.map { p in
      let role = system.roles[p.role]
      return role.history.map { p.base + 2 + role.vars[$0].offset } ?? -1
    }
    deciding = system.processes.map { system.roles[$0.role].decides }
    recoverySlots = system.processes.map { system.program.globals.recover[$0.role] }
    plainDecisions = historySlots.allSatisfy { $0 < 0 } && deciding.allSatisfy { $0 }
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
      let blockEnd = info.base + 2 + (role.vars.map { v in v.offset + v.initialCodes.count }.max() ?? 0)
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
    // A recovery into a decision state adds to the history.
    failureSlots.formUnion(historySlots.filter { $0 >= 0 })
    if system.layout.maxValues[g.lose] > 0 || system.layout.maxValues[g.duplicate] > 0 {
      let net = system.program.network
      let width = net.semantics == .fifo ? net.capacity : 1
      for channel in net.channels { failureSlots.formUnion(channel.slot..<(channel.slot + width)) }
    }
    failureReads = failureSlots.sorted().filter { system.layout.maxValues[$0] > 0 }
  }

  /// The initial states: the declared initial values, then each process's `start` block.
  public func initialStates() throws(ModelRuntimeError) -> [[Int]] {
    var seen: Set<[Int]> = []
    return try initialOutcomes().map(\.slots).filter { seen.insert($0).inserted }
  }

  /// Every outcome of the `start` blocks, duplicates kept: the state, and per process the
  /// branches its `start` took (`choose` ids, four bits each as in `Action.choice`; 0 when it
  /// took none), so that a Markov chain can weigh the initial states by the branches' rates.
  public func initialOutcomes() throws(ModelRuntimeError) -> [(slots: [Int], choices: [Int32])] {
    let processes = system.processes.count
    var outcomes: [(slots: [Int], choices: [Int32])] = [(program.initialSlots, Array(repeating: 0, count: processes))]
    for (p, info) in system.processes.enumerated() {
      guard let start = program.starts[info.role] else { continue }
      var next: [(slots: [Int], choices: [Int32])] = []
      for o in outcomes {
        reset(o.slots, process: p)
        try execute(start, process: p, transition: -1) {
          var choices = o.choices
          choices[p] = self.env.choice
          next.append((self.env.slots, choices))
        }
      }
      outcomes = next
    }
    return outcomes
  }

  /// The decisions process `p` holds, as bits (1 commit, 2 abort): its control state's, and
  /// with a decision history every one it ever took (3 when it took both).
  public func decisionCode(_ state: [Int], process p: Int) -> UInt8 {
    let current = decisionCodes[decisionStart[p] + state[processBases[p]]]
    let h = historySlots[p]
    return h < 0 ? current : current | UInt8(state[h])
  }

  /// Whether process `p` is one termination waits for: it decides, has not crashed, and holds
  /// no decision.
  public func isLiveUndecided(_ state: [Int], process p: Int) -> Bool {
    deciding[p] && state[processBases[p] + 1] == 0 && decisionCode(state, process: p) == 0
  }

  /// Whether process `p` has crashed and its role has recovery budget left: with fair
  /// recovery, it must eventually recover.
  public func mayRecover(_ state: [Int], process p: Int) -> Bool {
    state[processBases[p] + 1] != 0 && state[recoverySlots[p]] > 0
  }

  /// True when no two processes hold conflicting decisions.
  public func isAtomic(_ state: [Int]) -> Bool { decisionFacts(state).atomic }

  /// In one pass over the processes: whether no two hold conflicting decisions, whether one
  /// that decides and has not crashed has not decided either, and whether a crashed process
  /// may still recover.
  public func decisionFacts(_ state: [Int]) -> (atomic: Bool, liveUndecided: Bool, recoveryPending: Bool) {
    var seen: UInt8 = 0
    var live = false
    var pending = false
    for p in processBases.indices {
      let base = processBases[p]
      var code = decisionCodes[decisionStart[p] + state[base]]
      if !plainDecisions, historySlots[p] >= 0 { code |= UInt8(state[historySlots[p]]) }
      seen |= code
      let down = state[base + 1] != 0
      if code == 0 && !down && (plainDecisions || deciding[p]) { live = true }
      if down && state[recoverySlots[p]] > 0 { pending = true }
    }
    return (seen & 3 != 3, live, pending)
  }

  /// Moves process `p`, whose transition ran, to the control state its `goto` chose (when it
  /// chose one), and adds that state's decision to the process's history.
  @inline(__always)
  func enterGotoState(_ p: Int) {
    guard env.gotoState >= 0 else { return }
    env.set(processBases[p], env.gotoState)
    let h = historySlots[p]
    if h >= 0 {
      let code = Int(decisionCodes[decisionStart[p] + env.gotoState])
      if code != 0 && env.slots[h] | code != env.slots[h] { env.set(h, env.slots[h] | code) }
    }
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
}
