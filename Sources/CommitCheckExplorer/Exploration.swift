import CommitCheckModel

/// The explored state graph: states in discovery (BFS) order, parents, and edges in compressed
/// sparse rows when kept.
public struct Exploration: @unchecked Sendable {
  public let system: TransitionSystem
  /// The reduction the states were stored under, if any: ids then stand for orbits.
  public internal(set) var symmetry: Symmetry?
  var store: StoredStates
  /// Parent of each state (`UInt32.max` for initial states).
  ///
  /// Inline storage keeps none: read them from `replayed()`, whose ids number states alike.
  public var parents: ParentList {
    precondition(holdsStates, "an inline store keeps no parents: read them from `replayed()`")
    return storedParents
  }
  var storedParents = ParentList()
  /// Edges of state `i` are `edgeStart[i]..<edgeStart[i + 1]`; empty when edges were not kept.
  public internal(set) var edgeStart: [Int] = []
  public internal(set) var edgeTargets: [UInt32] = []
  public internal(set) var edgeActions: [Action] = []
  /// Per state: whether it has at least one protocol (non-failure) move.
  public internal(set) var hasProtocolMove: [Bool] = []
  public internal(set) var initialCount = 0
  public internal(set) var transitions = 0
  public internal(set) var depth = 0
  public internal(set) var expanded = 0
  public var seconds = 0.0
  public internal(set) var stopReason: StopReason?
  public internal(set) var runtimeError: (error: ModelRuntimeError, state: UInt32)?
  /// First state (in BFS order, so shortest) violating atomicity and each user invariant;
  /// index 0 is atomicity, index i + 1 is `system.properties[i]` (nil for `eventually`).
  public internal(set) var firstViolation: [UInt32?] = []
  /// First state where no protocol move is enabled while a live process is undecided.
  public internal(set) var firstBlocked: UInt32?
  /// First state whose protocol moves are all self-loops while a live process is undecided.
  public internal(set) var firstStuck: UInt32?
  /// Whether a protocol move leads back to an earlier state (a possible cycle other than a
  /// self-loop). Without one, livelocks need no graph analysis. With inline storage, which
  /// knows no ids: whether a protocol move leads to a state on the same breadth-first level or
  /// a lower one (which every move back to an earlier state does).
  public internal(set) var hasBackEdge = false
  /// Batches whose expansion began while the previous batch merged (several threads only).
  public internal(set) var overlappedBatches = 0
  /// Inline storage keeps no state once expanded: the options to explore again with (see
  /// `replayed()`).
  var replayOptions: ExplorerOptions?

  init(system: TransitionSystem, store: StoredStates) {
    self.system = system
    self.store = store
  }

  public var stateCount: Int { store.count }
  public var complete: Bool { stopReason == nil }
  public var keptEdges: Bool { !edgeStart.isEmpty }
  /// True when a verdict could not be settled without the edges (a cyclic graph, or an
  /// `eventually` property): explore again with `keepEdges`.
  public var needsEdges: Bool {
    complete && !keptEdges && !store.isCompact
      && ((hasBackEdge && firstBlocked == nil && firstStuck == nil)
        || system.properties.contains { $0.kind == .eventually })
  }
  public var storeBytes: Int { store.bytes }
  /// Whether states were stored as fingerprints (hash compaction).
  public var compactHash: Bool { store.isCompact }
  /// Hash compaction: slots in the fingerprint table, and an upper bound on the probability
  /// that a state was missed.
  public var hashTableSize: Int { store.tableSize }
  public var omissionBound: Double {
    if case .compact(let store) = store { return store.omissionBound }
    return 0
  }
  public var bytesPerState: Double {
    store.count == 0 ? 0 : Double(store.bytes + storedParents.count * 4) / Double(store.count)
  }

  /// Whether the states, parents and ids can be read (`state(_:)`, `parents`, `id(of:)`,
  /// `pathTo(_:)`): with every store but the inline one, which keeps no state once expanded
  /// and no parents. An inline exploration's are read from `replayed()`.
  public var holdsStates: Bool { !store.isInline }

  /// The unpacked slots of a stored state. Under hash compaction, a state already expanded is
  /// found again by replaying its parent path from an initial state.
  public func state(_ id: UInt32) -> [Int] {
    precondition(holdsStates, "an inline store keeps no expanded states: read them from `replayed()`")
    var slots = Array(repeating: 0, count: system.layout.slotCount)
    guard let words = store.words(of: Int(id)) else { return replayedState(id) }
    system.layout.unpack(words, into: &slots)
    return slots
  }

  /// The id of a state given by its slots, if explored.
  public func id(of slots: [Int]) -> UInt32? {
    precondition(holdsStates, "an inline store holds no ids: look states up in `replayed()`")
    var words = Array(repeating: UInt64(0), count: system.layout.wordCount)
    system.layout.pack(slots, into: &words)
    switch store {
    case .exact(let store): return store.find(words)
    case .compact(let store): return store.find(words)
    case .inline, .exploring: return nil
    }
  }

  public func edges(of id: UInt32) -> Range<Int> {
    edgeStart[Int(id)]..<edgeStart[Int(id) + 1]
  }
}

extension Exploration {
  /// The bytes the exploration holds: its states, parents and edges, as the search counts them
  /// against the memory limit.
  public var heldBytes: Int { Exploration.heldBytes(storeBytes: storeBytes, of: self) }

  /// What an exploration holds when its store takes `storeBytes`: the one formula of the search's
  /// memory check and of `heldBytes`.
  static func heldBytes(storeBytes: Int, of ex: Exploration) -> Int {
    storeBytes + ex.storedParents.count * 4 + ex.edgeTargets.count * (4 + MemoryLayout<Action>.stride)
      + ex.edgeStart.count * 8
  }
}
