import CommitCheckExplorer
import CommitCheckModel
import Foundation

/// The breadth-first search of one process of a distributed run.
///
/// Each state lives on the rank its hash picks (`PartitionStore.owner`). The search is level
/// synchronous: every rank expands its states of level L in batches, and after each batch the
/// ranks swap the successors with one all-to-all exchange, each successor going to its owner,
/// which stores it if new. Collectives after each batch carry the limits and a stop request,
/// so every rank stops at the same point.
///
/// **The single-process order, exactly.** A single process numbers states in discovery order:
/// level L + 1 in the order of the key (parent's id, index of the move among the parent's moves),
/// taking for each state its smallest key (its first discovery). Each successor here carries its
/// key, its owner keeps the smallest, and once level L is done the keys are ranked across the
/// ranks (`numberNextLevel`), giving each state its single-process id. So the first violation
/// of each invariant, the first blocked state, the parents, and every trace are the ones a single
/// process finds, for any number of ranks.
struct DistributedSearch {
  let world: DistributedWorld
  let system: TransitionSystem
  let generator: SuccessorGenerator
  /// The explorer's expansion on packed words, with its memoized moves.
  let expander: PackedExpander
  let options: ExplorerOptions
  let started: Date
  var store: PartitionStore
  let w: Int
  let invariants: [Bool]
  /// States expanded per rank between two exchanges.
  let batch: Int

  // This level: local ids [levelStart, levelEnd), global ids [levelBase, levelBase + levelCount).
  var levelStart = 0
  var levelEnd = 0
  var levelBase: UInt64 = 0
  var levelCount: UInt64 = 0
  var level = 0
  /// Figures summed over the ranks once the search ends.
  var transitions = 0
  /// Transitions of the levels before this one, and whether a state of this level met a model
  /// error (the level is still expanded to its end, see `stopAtModelError`).
  var transitionsBefore = 0
  var failing = false
  var hasBackEdge = false
  var totalStates = 0
  var depth = 0
  var stopReason: StopReason?
  /// The smallest global id of this rank's states that violate atomicity (0) and each property
  /// (i + 1), are blocked, stuck, or failed with a model error, and their local ids.
  var firstViolation: [(global: UInt64, local: Int)?]
  var firstBlocked: (global: UInt64, local: Int)?
  var firstStuck: (global: UInt64, local: Int)?
  var firstError: (global: UInt64, local: Int)?

  init(world: DistributedWorld, system: TransitionSystem, options: ExplorerOptions) {
    self.world = world
    self.system = system
    generator = SuccessorGenerator(system)
    self.options = options
    started = Date()
    w = system.layout.wordCount
    store = PartitionStore(wordsPerState: w)
    invariants = system.properties.map { $0.kind == .invariant }
    firstViolation = Array(repeating: nil, count: system.properties.count + 1)
    batch = 16_384
    expander = PackedExpander(system)
  }

  /// A successor's record: its words, its key, then the sender's local id of its parent with
  /// the move's `Move` bits above.
  var recordWords: Int { w + 2 }

  enum Move {
    static let protocolMove: UInt64 = 1 << 32
    static let fromCandidate: UInt64 = 2 << 32
  }

  /// Moves per state at most: a key holds the move's index in 16 bits.
  static let moveLimit = 1 << 16

  /// Explores until every state is expanded, a limit stops it, or a model error.
  mutating func explore(progress: (ExplorationProgress) -> Void) {
    guard insertInitialStates() else { return }
    var lastReport = started
    while true {
      depth = level
      // Expand this level in batches; every rank takes part in every exchange.
      var next = levelStart
      while true {
        let end = min(levelEnd, next + batch)
        var outgoing = [[UInt64]](repeating: [], count: world.size)
        expand(next..<end, into: &outgoing)
        next = end
        receive(world.exchange(outgoing))
        // One collective settles the limits: the largest stop code wins on every rank.
        let code = world.maximum([stopCode(), next < levelEnd ? 1 : 0, firstError == nil ? 0 : 1])
        let stored = Int(world.sum([UInt64(store.count)])[0])
        totalStates = stored
        if let reason = Self.reason(code[0]) {
          stopReason = reason
          return
        }
        if stored >= options.maxStates {
          stopReason = .maxStates
          return
        }
        let now = Date()
        if world.rank == 0, now.timeIntervalSince(lastReport) >= 0.25 {
          lastReport = now
          progress(.figures(states: stored, depth: level, seconds: now.timeIntervalSince(started), bytes: store.bytes))
        }
        failing = failing || code[2] != 0
        if code[1] == 0 { break }
      }
      if failing {
        stopAtModelError()
        return
      }
      let count = numberNextLevel()
      if count == 0 { return }
      transitionsBefore = transitions
      levelBase += levelCount
      levelCount = count
      levelStart = levelEnd
      levelEnd = store.count
      level += 1
    }
  }

  /// A model error on this level: a single process stops at the first failing state in its
  /// order, having merged the states before it. The level was expanded to its end, so this
  /// counts what the states before it found: the next level's states whose smallest key is
  /// theirs, and their moves. So the figures of the report are a single process's too.
  private mutating func stopAtModelError() {
    let failed = world.minimum([firstError?.global ?? UInt64.max])[0]
    var found: UInt64 = 0
    for id in levelEnd..<store.count where store.global[id] >> 16 < failed { found += 1 }
    var moves = transitionsBefore
    var slots = [Int](repeating: 0, count: system.layout.slotCount)
    for id in levelStart..<levelEnd where store.global[id] < failed {
      forEachMove(of: id, slots: &slots) { _, _ in moves += 1 }
    }
    transitions = moves
    totalStates = Int(levelBase + levelCount + world.sum([found])[0])
    // A single process sets the depth when it finishes a state: the failing one does not.
    depth = failed == levelBase ? max(0, level - 1) : level
    stopReason = .runtimeError
  }

  /// The limit codes, the most urgent highest (the maximum over the ranks wins).
  private func stopCode() -> UInt64 {
    if let stop = options.stop, stop.requested != 0 { return 4 }
    if let timeout = options.timeout, Date().timeIntervalSince(started) >= timeout { return 3 }
    // Arrays grow by doubling: count what is held twice, as the single-process search does, and
    // a batch of successors.
    if 2 * store.bytes + batch * 16 * (recordWords * 8) > options.maxMemory { return 2 }
    return 0
  }

  private static func reason(_ code: UInt64) -> StopReason? {
    switch code {
    case 4: .interrupted
    case 3: .timeout
    case 2: .maxMemory
    default: nil
    }
  }

  /// Every rank computes the initial states; each stores those it owns. Their global ids are
  /// their places in the generator's list, as in a single process.
  private mutating func insertInitialStates() -> Bool {
    let initial: [[Int]]
    do {
      initial = try generator.initialStates()
    } catch {
      stopReason = .runtimeError
      return false
    }
    var words = [UInt64](repeating: 0, count: w)
    var seen = Set<[UInt64]>()
    var global: UInt64 = 0
    for s in initial {
      system.layout.pack(s, into: &words)
      guard seen.insert(words).inserted else { continue }
      words.withUnsafeBufferPointer { b in
        let h = PartitionStore.hash(b)
        if PartitionStore.owner(hash: h, ranks: world.size) == world.rank {
          _ = store.append(b, hash: h, global: global, parent: PartitionStore.noParent)
        }
      }
      global += 1
    }
    levelCount = global
    levelEnd = store.count
    totalStates = Int(global)
    return true
  }

  /// Unit lists `expand` reuses from state to state.
  var enabled: [Int64] = []
  var looping: [Int64] = []

  /// Expands local states `ids` on their packed words (the explorer's memoized moves): records
  /// their facts, and appends each successor other than a self-loop to its owner's list.
  private mutating func expand(_ ids: Range<Int>, into outgoing: inout [[UInt64]]) {
    let w = w
    let ranks = world.size
    // The words are only read while expanding: a copy of the array shares them.
    let words = store.words
    var enabled = self.enabled
    var looping = self.looping
    defer { (self.enabled, self.looping) = (enabled, looping) }
    words.withUnsafeBufferPointer { words in
      expander.expand(ids, words: words, wordsPerState: w) { id, facts, successors, actions in
        let g = store.global[id]
        if facts.atomicityViolated { note(&firstViolation[0], g, id) }
        if facts.liveUndecided { store.flags[id] |= PartitionStore.Flag.candidate }
        for i in facts.violated { note(&firstViolation[i + 1], g, id) }
        if facts.error != nil {
          note(&firstError, g, id)
          return
        }
        precondition(actions.count <= Self.moveLimit, "a state with more than \(Self.moveLimit) moves")
        var protocolMoves = 0
        var selfLoops = 0
        enabled.removeAll(keepingCapacity: true)
        looping.removeAll(keepingCapacity: true)
        let source = UInt64(id) | (facts.liveUndecided ? Move.fromCandidate : 0)
        let current = id * w
        for k in 0..<actions.count {
          let action = actions[k]
          let isProtocol = !action.kind.isFailure
          if isProtocol {
            protocolMoves += 1
            enabled.append(action.fairnessUnit)
          }
          let next = UnsafeBufferPointer(rebasing: successors[(k * w)..<((k + 1) * w)])
          var loop = true
          for i in 0..<w where next[i] != words[current + i] { loop = false }
          if loop {
            if isProtocol {
              selfLoops += 1
              looping.append(action.fairnessUnit)
            }
            continue
          }
          let dest = PartitionStore.owner(hash: PartitionStore.hash(next), ranks: ranks)
          outgoing[dest].append(contentsOf: next)
          outgoing[dest].append(g << 16 | UInt64(k))
          outgoing[dest].append(source | (isProtocol ? Move.protocolMove : 0))
        }
        transitions += actions.count
        if facts.liveUndecided {
          if protocolMoves == 0 { note(&firstBlocked, g, id) }
          if protocolMoves > 0, selfLoops == protocolMoves { note(&firstStuck, g, id) }
          if selfLoops > 0, enabled.allSatisfy({ looping.contains($0) }) {
            store.flags[id] |= PartitionStore.Flag.fairLoop
          }
        }
      }
    }
  }

  private func note(_ first: inout (global: UInt64, local: Int)?, _ g: UInt64, _ id: Int) {
    if first == nil || g < first!.global { first = (g, id) }
  }

  /// Stores the successors sent here: a new state goes to the next level with its key; one
  /// already on the next level keeps the smaller key (and that key's parent).
  ///
  /// Lookups miss the caches: the index line of record k + 16 and the stored words its first
  /// slot names for record k + 8 are asked for while record k is looked up.
  private mutating func receive(_ incoming: (data: [UInt64], starts: [Int])) {
    let r = recordWords
    let total = incoming.starts[world.size] / r
    var hashes = [UInt64](repeating: 0, count: total)
    var senders = [UInt32](repeating: 0, count: total)
    incoming.data.withUnsafeBufferPointer { data in
      for rank in 0..<world.size {
        for k in (incoming.starts[rank] / r)..<(incoming.starts[rank + 1] / r) {
          hashes[k] = PartitionStore.hash(UnsafeBufferPointer(rebasing: data[(k * r)..<(k * r + w)]))
          senders[k] = UInt32(rank)
        }
      }
      for k in 0..<total {
        if k + 16 < total { store.prefetchSlot(hash: hashes[k + 16]) }
        if k + 8 < total { store.prefetchWords(hash: hashes[k + 8]) }
        let at = k * r
        let words = UnsafeBufferPointer(rebasing: data[at..<(at + w)])
        let key = data[at + w]
        let meta = data[at + w + 1]
        let parent = UInt64(senders[k]) << 32 | (meta & 0xFFFF_FFFF)
        let h = hashes[k]
        let counts = meta & Move.protocolMove != 0 && meta & Move.fromCandidate != 0
        if let id = store.find(words, hash: h) {
          if id < levelEnd {
            if meta & Move.protocolMove != 0 { hasBackEdge = true }
          } else if key < store.global[id] {
            store.global[id] = key
            store.parent[id] = parent
          }
          if counts { store.inDegree[id] += 1 }
        } else {
          let id = store.append(words, hash: h, global: key, parent: parent)
          if counts { store.inDegree[id] = 1 }
        }
      }
    }
  }

  /// Gives the states found on the next level their single-process ids: each key goes to the
  /// rank that ranks its range of parents, which sorts them; the ranges' sizes, summed across
  /// the ranks, give each range's first id; the ids go back to the states' owners. Returns the
  /// next level's size.
  private mutating func numberNextLevel() -> UInt64 {
    let ranks = UInt64(world.size)
    let found = levelEnd..<store.count
    var outgoing = [[UInt64]](repeating: [], count: world.size)
    var sentTo = [[Int]](repeating: [], count: world.size)
    for id in found {
      let key = store.global[id]
      let parent = key >> 16
      let range = levelCount == 0 ? 0 : Int((parent - levelBase) * ranks / levelCount)
      outgoing[range].append(key)
      sentTo[range].append(id)
    }
    let (keys, starts) = world.exchange(outgoing)
    let order = keys.indices.sorted { keys[$0] < keys[$1] }
    var sizes = [UInt64](repeating: 0, count: world.size)
    sizes[world.rank] = UInt64(keys.count)
    sizes = world.sum(sizes)
    let first = levelBase + levelCount + sizes[..<world.rank].reduce(0, +)
    var ids = [UInt64](repeating: 0, count: keys.count)
    for (place, k) in order.enumerated() { ids[k] = first + UInt64(place) }
    let replies = (0..<world.size).map { Array(ids[starts[$0]..<starts[$0 + 1]]) }
    let (back, backStarts) = world.exchange(replies)
    for range in 0..<world.size {
      for (k, id) in sentTo[range].enumerated() { store.global[id] = back[backStarts[range] + k] }
    }
    return sizes.reduce(0, +)
  }
}
