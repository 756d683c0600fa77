import CommitCheckModel
import Foundation

public struct ExplorerOptions: Sendable {
  /// Stop (a partial result) once this many states are stored.
  public var maxStates: Int = 50_000_000
  /// Keep every transition (needed for termination, `eventually` and graph exports).
  public var keepEdges: Bool = true
  public init() {}
}

/// A snapshot of a running exploration, for progress lines.
public struct ExplorationProgress: Sendable {
  public var states: Int
  public var transitions: Int
  public var depth: Int
  public var seconds: Double
  public var bytes: Int
}

public enum StopReason: String, Sendable {
  case maxStates = "max-states"
  case runtimeError = "model-error"
}

/// The explored state graph: states in discovery (BFS) order, parents, and edges in compressed
/// sparse rows when kept.
public struct Exploration: @unchecked Sendable {
  public let system: TransitionSystem
  var store: StateStore
  /// Parent of each state (`UInt32.max` for initial states).
  public internal(set) var parents: [UInt32] = []
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
  /// self-loop). Without one, livelocks need no graph analysis.
  public internal(set) var hasBackEdge = false

  public var stateCount: Int { store.count }
  public var complete: Bool { stopReason == nil }
  public var keptEdges: Bool { !edgeStart.isEmpty }
  /// True when a verdict could not be settled without the edges (a cyclic graph, or an
  /// `eventually` property): explore again with `keepEdges`.
  public var needsEdges: Bool {
    complete && !keptEdges
      && ((hasBackEdge && firstBlocked == nil && firstStuck == nil)
        || system.properties.contains { $0.kind == .eventually })
  }
  public var storeBytes: Int { store.bytes }
  public var bytesPerState: Double { store.count == 0 ? 0 : Double(store.bytes + parents.count * 4) / Double(store.count) }

  /// The unpacked slots of a stored state.
  public func state(_ id: UInt32) -> [Int] {
    var slots = Array(repeating: 0, count: system.layout.slotCount)
    system.layout.unpack(store.arena, at: Int(id) * store.wordsPerState, into: &slots)
    return slots
  }

  /// The id of a state given by its slots, if explored.
  public func id(of slots: [Int]) -> UInt32? {
    var words = Array(repeating: UInt64(0), count: system.layout.wordCount)
    system.layout.pack(slots, into: &words)
    return store.find(words)
  }

  public func edges(of id: UInt32) -> Range<Int> {
    edgeStart[Int(id)]..<edgeStart[Int(id) + 1]
  }
}

/// Breadth-first exploration of a transition system.
public struct Explorer: Sendable {
  public init() {}

  public func explore(_ system: TransitionSystem, options: ExplorerOptions = ExplorerOptions(),
                      progress: (ExplorationProgress) -> Void = { _ in }) -> Exploration {
    let started = Date()
    let generator = SuccessorGenerator(system)
    var ex = Exploration(system: system, store: StateStore(wordsPerState: system.layout.wordCount))
    ex.firstViolation = Array(repeating: nil, count: system.properties.count + 1)
    var words = Array(repeating: UInt64(0), count: system.layout.wordCount)
    let maxStates = min(options.maxStates, Int(UInt32.max) - 1)

    let initial: [[Int]]
    do {
      initial = try generator.initialStates()
    } catch {
      ex.runtimeError = (error, UInt32.max)
      ex.stopReason = .runtimeError
      return ex
    }
    for s in initial {
      system.layout.pack(s, into: &words)
      if ex.store.insert(words).inserted { ex.parents.append(UInt32.max) }
    }
    ex.initialCount = ex.store.count
    var slots = Array(repeating: 0, count: system.layout.slotCount)
    var current = words
    var id = 0
    var levelEnd = ex.store.count
    var level = 0
    var lastReport = started
    while id < ex.store.count {
      if id == levelEnd {
        level += 1
        levelEnd = ex.store.count
      }
      if ex.store.count >= maxStates {
        ex.stopReason = .maxStates
        break
      }
      system.layout.unpack(ex.store.arena, at: id * ex.store.wordsPerState, into: &slots)
      for w in 0..<current.count { current[w] = ex.store.arena[id * ex.store.wordsPerState + w] }
      let sid = UInt32(id)
      if ex.firstViolation[0] == nil, !generator.isAtomic(slots) { ex.firstViolation[0] = sid }
      if options.keepEdges { ex.edgeStart.append(ex.edgeTargets.count) }
      var protocolMoves = 0
      var selfLoops = 0
      var transitions = 0
      do {
        // Every property is evaluated on every state, so a model error in one shows here.
        for (i, property) in system.properties.enumerated() {
          let holds = try generator.evaluateChecked(property: i, in: slots)
          if property.kind == .invariant, !holds, ex.firstViolation[i + 1] == nil { ex.firstViolation[i + 1] = sid }
        }
        try generator.successors(of: slots) { action, next in
          transitions += 1
          for w in 0..<words.count { words[w] = current[w] }
          for slot in generator.changedSlots { system.layout.patch(&words, slot: slot, value: next[slot]) }
          let (inserted, target) = ex.store.insert(words)
          if inserted { ex.parents.append(sid) }
          if options.keepEdges {
            ex.edgeTargets.append(target)
            ex.edgeActions.append(action)
          }
          if !action.kind.isFailure {
            protocolMoves += 1
            // Ids grow along every path without a cycle, so a cycle needs an edge back to an
            // id no larger than its source: none (but self-loops) means no livelock elsewhere.
            if target == sid { selfLoops += 1 } else if target < sid { ex.hasBackEdge = true }
          }
        }
      } catch {
        ex.runtimeError = (error, sid)
        ex.stopReason = .runtimeError
        if options.keepEdges { ex.edgeStart.removeLast() }
        break
      }
      ex.transitions += transitions
      if options.keepEdges { ex.hasProtocolMove.append(protocolMoves > 0) }
      if (protocolMoves == 0 && ex.firstBlocked == nil) || (protocolMoves > 0 && selfLoops == protocolMoves && ex.firstStuck == nil),
         hasLiveUndecided(slots, generator) {
        // No protocol move at all: blocked. Only self-loops: every enabled move is taken on the
        // loop, so staying forever is a weakly fair run: a livelock of one state.
        if protocolMoves == 0 { ex.firstBlocked = sid } else { ex.firstStuck = sid }
      }
      id += 1
      ex.expanded = id
      ex.depth = level
      if id & 1023 == 0 {
        let now = Date()
        if now.timeIntervalSince(lastReport) >= 0.25 {
          lastReport = now
          progress(ExplorationProgress(states: ex.store.count, transitions: ex.transitions, depth: level,
                            seconds: now.timeIntervalSince(started), bytes: ex.store.bytes))
        }
      }
    }
    if options.keepEdges { ex.edgeStart.append(ex.edgeTargets.count) }
    ex.seconds = Date().timeIntervalSince(started)
    return ex
  }

  func hasLiveUndecided(_ slots: [Int], _ generator: SuccessorGenerator) -> Bool {
    for p in generator.system.processes.indices {
      if !generator.system.isCrashed(slots, process: p), generator.decisionCode(slots, process: p) == 0 {
        return true
      }
    }
    return false
  }
}
