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
/// ranks (`rank(keys:parents:first:)`), giving each state its single-process id. So the first violation
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
  /// How many distinct initial states there are (global ids below it).
  var initialCount: UInt64 = 0
  /// Figures summed over the ranks once the search ends.
  var transitions = 0
  /// Transitions of the levels before this one, and whether a state of this level met a model
  /// error (the level is still expanded to its end, see `stop(at:keys:reason:)`).
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
  /// Where a stop at the state limit or a model error cut the last level: the number of the
  /// first state a single process did not merge.
  var cut: UInt64?

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
  ///
  /// `--max-states` and model errors stop where a single process does (`stop(at:keys:reason:)`):
  /// a level is expanded to its end, then the first state a single process would not have
  /// merged is found from the keys.
  mutating func explore(progress: (ExplorationProgress) -> Void) {
    guard insertInitialStates() else { return }
    var lastReport = started
    while true {
      depth = level
      // A single process checks the limit before merging each state: with the states up to this
      // level stored, it merges none of this level.
      if levelBase + levelCount >= UInt64(options.maxStates) {
        stop(at: levelBase, keys: [], reason: .maxStates)
        return
      }
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
        let now = Date()
        if world.rank == 0, now.timeIntervalSince(lastReport) >= 0.25 {
          lastReport = now
          progress(.figures(states: stored, depth: level, seconds: now.timeIntervalSince(started), bytes: store.bytes))
        }
        failing = failing || code[2] != 0
        if code[1] == 0 { break }
      }
      // Number the next level (its keys kept: a stop inside this level counts by them).
      let found = levelEnd..<store.count
      let keys = found.map { store.global[$0] }
      let first = levelBase + levelCount
      let (numbers, count) = rank(keys: keys, parents: levelBase..<first, first: first)
      var cut: (at: UInt64, reason: StopReason)?
      if failing { cut = (world.minimum([firstError?.global ?? UInt64.max])[0], .runtimeError) }
      if first + count >= UInt64(options.maxStates) {
        // The single process stores its `maxStates`-th state (number maxStates - 1) while
        // merging that state's parent, and stops before merging the next state. At an equal
        // place the limit comes first: it is checked before a state's error is looked at.
        let target = UInt64(options.maxStates) - 1
        let mine = zip(numbers, keys).first { $0.0 == target }.map { ($0.1 >> 16) + 1 } ?? 0
        let at = world.maximum([mine])[0]
        if cut == nil || at <= cut!.at { cut = (at, .maxStates) }
      }
      if let cut {
        stop(at: cut.at, keys: keys, reason: cut.reason)
        return
      }
      if count == 0 { return }
      for (k, id) in found.enumerated() { store.global[id] = numbers[k] }
      transitionsBefore = transitions
      levelBase += levelCount
      levelCount = count
      levelStart = levelEnd
      levelEnd = store.count
      level += 1
    }
  }

  /// Stops where a single process stops on this level: before merging the state numbered
  /// `cut` (a model error's state, or the one after the state limit was reached), having
  /// merged the states before it. The level was expanded to its end, so this counts what the
  /// states before it found: the next level's states whose smallest key (`keys`) is theirs,
  /// and their moves. So the figures of the report are a single process's too.
  private mutating func stop(at cut: UInt64, keys: [UInt64], reason: StopReason) {
    var found: UInt64 = 0
    for key in keys where key >> 16 < cut { found += 1 }
    var moves = transitionsBefore
    var slots = [Int](repeating: 0, count: system.layout.slotCount)
    for id in levelStart..<levelEnd where store.global[id] < cut {
      forEachMove(of: id, slots: &slots) { _, _ in moves += 1 }
    }
    transitions = moves
    totalStates = Int(levelBase + levelCount + world.sum([found])[0])
    // A single process sets the depth when it finishes a state: the one at the cut it does not.
    depth = cut == levelBase ? max(0, level - 1) : level
    stopReason = reason
    self.cut = cut
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
    initialCount = global
    levelEnd = store.count
    totalStates = Int(global)
    return true
  }

  /// Expands local states `ids` on their packed words (the explorer's memoized moves): records
  /// their facts, and appends each successor other than a self-loop to its owner's list.
  private mutating func expand(_ ids: Range<Int>, into outgoing: inout [[UInt64]]) {
    let w = w
    let ranks = world.size
    // The words are only read while expanding: a copy of the array shares them.
    let words = store.words
    words.withUnsafeBufferPointer { words in
      expander.expand(ids, words: words, wordsPerState: w) { id, facts, successors, actions in
        let g = store.global[id]
        if facts.atomicityViolated { note(&firstViolation[0], g, id) }
        // As in a single process: under fair recovery, a state a recovery must leave is no
        // candidate for blocking or a livelock.
        let candidate = facts.liveUndecided && !facts.recoveryForced
        if candidate { store.flags[id] |= PartitionStore.Flag.candidate }
        for i in facts.violated { note(&firstViolation[i + 1], g, id) }
        if facts.error != nil {
          note(&firstError, g, id)
          return
        }
        precondition(actions.count <= Self.moveLimit, "a state with more than \(Self.moveLimit) moves")
        var protocolMoves = 0
        let source = UInt64(id) | (candidate ? Move.fromCandidate : 0)
        let current = id * w
        for k in 0..<actions.count {
          let action = actions[k]
          let isProtocol = !action.kind.isFailure
          if isProtocol { protocolMoves += 1 }
          let next = UnsafeBufferPointer(rebasing: successors[(k * w)..<((k + 1) * w)])
          var loop = true
          for i in 0..<w where next[i] != words[current + i] { loop = false }
          if loop { continue }
          let dest = PartitionStore.owner(hash: PartitionStore.hash(next), ranks: ranks)
          outgoing[dest].append(contentsOf: next)
          outgoing[dest].append(g << 16 | UInt64(k))
          outgoing[dest].append(source | (isProtocol ? Move.protocolMove : 0))
        }
        transitions += actions.count
        if candidate {
          if protocolMoves == 0 { note(&firstBlocked, g, id) }
          // A self-loop for every enabled fairness unit: a livelock of one state, found by the
          // expansion as a single process finds it (`SourceInfo.fairLoop`).
          if facts.fairLoop {
            note(&firstStuck, g, id)
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

  /// Numbers states by their keys (parent's number << 16 | move index) across the ranks, the
  /// smallest key first: each key goes to the rank that ranks its range of `parents`, which sorts
  /// them; the ranges' sizes, summed across the ranks, give each range its first number
  /// (`first` for the first range); the numbers go back to the keys' ranks. Returns the numbers
  /// of this rank's `keys`, in order, and how many keys all ranks gave. Collective.
  func rank(keys: [UInt64], parents: Range<UInt64>, first: UInt64) -> (numbers: [UInt64], total: UInt64) {
    let ranks = UInt64(world.size)
    let parentCount = UInt64(parents.count)
    var outgoing = [[UInt64]](repeating: [], count: world.size)
    var sentTo = [[Int]](repeating: [], count: world.size)
    for (k, key) in keys.enumerated() {
      let range = parentCount == 0 ? 0 : Int(((key >> 16) - parents.lowerBound) * ranks / parentCount)
      outgoing[range].append(key)
      sentTo[range].append(k)
    }
    let (received, starts) = world.exchange(outgoing)
    let order = received.indices.sorted { received[$0] < received[$1] }
    var sizes = [UInt64](repeating: 0, count: world.size)
    sizes[world.rank] = UInt64(received.count)
    sizes = world.sum(sizes)
    let start = first + sizes[..<world.rank].reduce(0, +)
    var ids = [UInt64](repeating: 0, count: received.count)
    for (place, k) in order.enumerated() { ids[k] = start + UInt64(place) }
    let replies = (0..<world.size).map { Array(ids[starts[$0]..<starts[$0 + 1]]) }
    let (back, backStarts) = world.exchange(replies)
    var numbers = [UInt64](repeating: 0, count: keys.count)
    for range in 0..<world.size {
      for (k, at) in sentTo[range].enumerated() { numbers[at] = back[backStarts[range] + k] }
    }
    return (numbers, sizes.reduce(0, +))
  }
}
