import CommitCheckModel

public enum Verdict: String, Sendable {
  case holds, violated, unknown
}

public enum ViolationKind: String, Sendable {
  case invariant, blocked, livelock
}

/// What kind of property a verdict is about: the two built in, or the model's own.
public enum PropertyCategory: String, Sendable {
  case atomicity, termination, invariant, eventually
}

/// The verdict on one property, with its shortest counterexample when violated.
public struct PropertyResult: Sendable {
  public var name: String
  public var category: PropertyCategory
  public var verdict: Verdict
  public var kind: ViolationKind?
  public var trace: Trace?
  /// For a blocked state: who waits for what. For unknown: why.
  public var notes: [String] = []
}

extension Exploration {
  /// Verdicts of atomicity, termination and the model's own properties, in that order.
  public func checkProperties() -> [PropertyResult] {
    var results: [PropertyResult] = []
    let incompleteNote = "exploration stopped before the whole state space was seen"
    func invariantResult(_ name: String, _ category: PropertyCategory, _ violation: UInt32?) -> PropertyResult {
      if let v = violation {
        return PropertyResult(name: name, category: category, verdict: .violated, kind: .invariant,
                              trace: trace(along: pathTo(v)))
      }
      return PropertyResult(name: name, category: category, verdict: complete ? .holds : .unknown,
                            notes: complete ? [] : [incompleteNote])
    }
    results.append(invariantResult("atomicity", .atomicity, firstViolation[0]))
    results.append(terminationResult(incompleteNote))
    for (i, p) in system.properties.enumerated() {
      switch p.kind {
      case .invariant:
        results.append(invariantResult(p.name, .invariant, firstViolation[i + 1]))
      case .eventually:
        results.append(eventuallyResult(i, incompleteNote))
      }
    }
    return results
  }

  func terminationResult(_ incompleteNote: String) -> PropertyResult {
    var result = PropertyResult(name: "termination", category: .termination, verdict: .holds)
    if let b = firstBlocked {
      result.verdict = .violated
      result.kind = .blocked
      result.trace = trace(along: pathTo(b))
      result.notes = waitingDescription(state(b)) + unspentRecoveries(state(b))
      return result
    }
    guard complete else {
      result.verdict = .unknown
      result.notes = [incompleteNote]
      return result
    }
    if !keptEdges {
      if let s = firstStuck {
        result.verdict = .violated
        result.kind = .livelock
        let prefix = pathTo(s)
        result.trace = trace(along: prefix + [s], loopStart: prefix.count - 1)
        let slots = state(s)
        let generator = SuccessorGenerator(system)
        let undecided = system.processes.indices.filter { generator.isLiveUndecided(slots, process: $0) }
          .map { system.processes[$0].name }
        result.notes = ["a fair run can stay in this state forever (every enabled transition has a move back to it), "
          + "where \(undecided.joined(separator: ", ")) never decides"]
      } else if hasBackEdge {
        result.verdict = .unknown
        result.notes = [compactHash
          ? "the state graph has cycles: termination needs its edges, which --compact-hash does not keep"
          : "the state graph has cycles: termination needs its edges (explore with edges kept)"]
      }
      return result
    }
    let generator = SuccessorGenerator(system)
    let count = stateCount
    // Undecided live processes of each state, as a bit mask. Under fair recovery a state where
    // a crashed process may still recover is on no fair cycle of protocol moves (see
    // `recoveryForced`), so it gets none.
    var undecided = [UInt64](repeating: 0, count: count)
    for id in 0..<count {
      let s = state(UInt32(id))
      if recoveryForced(s, generator) { continue }
      for p in system.processes.indices where generator.isLiveUndecided(s, process: p) {
        undecided[id] |= 1 << UInt64(p)
      }
    }
    let candidates = (0..<count).filter { undecided[$0] != 0 }.map { UInt32($0) }
    var scratch = TarjanScratch(count: count)
    for component in nontrivialComponents(candidates, member: { undecided[Int($0)] != 0 }, scratch: &scratch) {
      let union = component.reduce(UInt64(0)) { $0 | undecided[Int($1)] }
      for p in system.processes.indices where (union >> UInt64(p)) & 1 != 0 {
        let bit = UInt64(1) << UInt64(p)
        let inner = component.filter { undecided[Int($0)] & bit != 0 }
        let pieces = inner.count == component.count
          ? [component] : nontrivialComponents(inner, member: { undecided[Int($0)] & bit != 0 }, scratch: &scratch)
        for piece in pieces {
          if let cycle = fairCycle(piece) {
            result.verdict = .violated
            result.kind = .livelock
            let prefix = pathTo(cycle[0])
            result.trace = trace(along: prefix + cycle.dropFirst(), loopStart: prefix.count - 1)
            result.notes = ["\(system.processes[p].name) never decides on this fair cycle"]
            return result
          }
        }
      }
    }
    return result
  }

  func eventuallyResult(_ i: Int, _ incompleteNote: String) -> PropertyResult {
    let name = system.properties[i].name
    var result = PropertyResult(name: name, category: .eventually, verdict: .holds)
    guard complete, keptEdges else {
      result.verdict = .unknown
      result.notes = [!complete ? incompleteNote
        : compactHash ? "'eventually' needs the state graph's edges, which --compact-hash does not keep"
        : "'eventually' needs the state graph's edges"]
      return result
    }
    // Breadth-first over the states reachable without ever satisfying the property.
    let generator = SuccessorGenerator(system)
    let forced = system.fairRecovery ? (0..<stateCount).map { recoveryForced(state(UInt32($0)), generator) } : []
    func isForced(_ id: UInt32) -> Bool { !forced.isEmpty && forced[Int(id)] }
    var inside = [Bool](repeating: false, count: stateCount)
    var parent = [UInt32](repeating: UInt32.max, count: stateCount)
    var queue: [UInt32] = []
    for id in 0..<initialCount where !generator.evaluate(property: i, in: state(UInt32(id))) {
      inside[id] = true
      queue.append(UInt32(id))
    }
    var head = 0
    while head < queue.count {
      let id = queue[head]
      head += 1
      if !hasProtocolMove[Int(id)] && !isForced(id) {
        return eventuallyViolation(i, along: restrictedPath(to: id, parent), loopStart: nil)
      }
      for e in edges(of: id) {
        let t = edgeTargets[e]
        if inside[Int(t)] || generator.evaluate(property: i, in: state(t)) { continue }
        inside[Int(t)] = true
        parent[Int(t)] = id
        queue.append(t)
      }
    }
    for component in nontrivialComponents(queue.filter { !isForced($0) }, member: { inside[Int($0)] && !isForced($0) }) {
      if let cycle = fairCycle(component) {
        let prefix = restrictedPath(to: cycle[0], parent)
        return eventuallyViolation(i, along: prefix + cycle.dropFirst(), loopStart: prefix.count - 1)
      }
    }
    return result
  }

  /// `eventually` property `i` violated along `path`, a path of states where it never holds
  /// from an initial state: blocked at its end, or, with `loopStart`, on the fair cycle from
  /// that step back to it.
  package func eventuallyViolation(_ i: Int, along path: [UInt32], loopStart: Int?) -> PropertyResult {
    let name = system.properties[i].name
    return PropertyResult(name: name, category: .eventually, verdict: .violated,
                          kind: loopStart == nil ? .blocked : .livelock, trace: trace(along: path, loopStart: loopStart),
                          notes: [loopStart == nil ? "no move of the protocol is enabled here, and '\(name)' never held"
                                    : "a fair cycle on which '\(name)' never holds"])
  }

  /// Whether fair recovery forces a move out of `slots`: a crashed process may still recover.
  ///
  /// Every infinite run ends in protocol moves only, since failures have budgets. Those moves
  /// change no crashed flag and no budget, so along the run's end a crashed process whose role
  /// has recovery budget left stays so: its recovery is enabled forever and never taken, which
  /// strong fairness for recovery forbids. (The budget is the role's, shared by its instances,
  /// but it only shrinks by recoveries, none of which happen there.) So a fair run never ends,
  /// and never cycles, in such a state.
  func recoveryForced(_ slots: [Int], _ generator: SuccessorGenerator) -> Bool {
    system.fairRecovery && system.processes.indices.contains { generator.mayRecover(slots, process: $0) }
  }

  /// For a blocked state without fair recovery: each crashed process that may still recover,
  /// with the budget left.
  func unspentRecoveries(_ slots: [Int]) -> [String] {
    guard !system.fairRecovery else { return [] }
    let generator = SuccessorGenerator(system)
    return system.processes.indices.filter { generator.mayRecover(slots, process: $0) }.map { p in
      let left = slots[generator.recoverySlots[p]]
      return "\(system.processes[p].name) is crashed and may still recover (\(left) \(left == 1 ? "recovery" : "recoveries") left); pass --fair-recovery to require that it does"
    }
  }

  func restrictedPath(to id: UInt32, _ parent: [UInt32]) -> [UInt32] {
    var path = [id]
    var cur = id
    while parent[Int(cur)] != UInt32.max {
      cur = parent[Int(cur)]
      path.append(cur)
    }
    return path.reversed()
  }

  /// Strongly connected components (Tarjan, iterative) of the protocol-move subgraph induced by
  /// `member`, keeping only those that contain a cycle.
  func nontrivialComponents(_ nodes: [UInt32], member: (UInt32) -> Bool) -> [[UInt32]] {
    var scratch = TarjanScratch(count: stateCount)
    return nontrivialComponents(nodes, member: member, scratch: &scratch)
  }

  func nontrivialComponents(_ nodes: [UInt32], member: (UInt32) -> Bool, scratch s: inout TarjanScratch)
    -> [[UInt32]]
  {
    var result: [[UInt32]] = []
    var touched: [UInt32] = []
    var counter: Int32 = 0
    for root in nodes where s.index[Int(root)] < 0 {
      var work: [(node: UInt32, edge: Int)] = [(root, edges(of: root).lowerBound)]
      s.visit(root, &counter)
      touched.append(root)
      while let (v, e) = work.last {
        let vi = Int(v)
        if e < edgeStart[vi + 1] {
          work[work.count - 1].edge = e + 1
          let w = edgeTargets[e]
          guard !edgeActions[e].kind.isFailure, member(w) else { continue }
          let wi = Int(w)
          if s.index[wi] < 0 {
            s.visit(w, &counter)
            touched.append(w)
            work.append((w, edges(of: w).lowerBound))
          } else if s.onStack[wi] {
            s.low[vi] = min(s.low[vi], s.index[wi])
          }
          continue
        }
        work.removeLast()
        if let parent = work.last?.node { s.low[Int(parent)] = min(s.low[Int(parent)], s.low[vi]) }
        if s.low[vi] == s.index[vi] {
          var component: [UInt32] = []
          while true {
            let w = s.stack.removeLast()
            s.onStack[Int(w)] = false
            component.append(w)
            if w == v { break }
          }
          let cyclic = component.count > 1 || edges(of: v).contains { e in
            edgeTargets[e] == v && !edgeActions[e].kind.isFailure
          }
          if cyclic { result.append(component.sorted()) }
        }
      }
    }
    for t in touched { s.index[Int(t)] = -1 }
    return result.sorted { $0[0] < $1[0] }
  }

  /// A cycle through a component that is weakly fair: every fairness unit enabled in all of the
  /// component's states is taken on it. Nil when the component admits no fair cycle.
  ///
  /// Under weak fairness a component either is fair as a whole or contains no fair cycle: a
  /// unit enabled everywhere and never taken inside is enabled everywhere on every sub-cycle.
  func fairCycle(_ component: [UInt32]) -> [UInt32]? {
    if component.count == 1 {
      // A state with self-loops: fair when every enabled unit has a self-loop.
      let v = component[0]
      var loops: [Int64] = []
      var enabled: [Int64] = []
      for e in edges(of: v) where !edgeActions[e].kind.isFailure {
        enabled.append(edgeActions[e].fairnessUnit)
        if edgeTargets[e] == v { loops.append(edgeActions[e].fairnessUnit) }
      }
      return enabled.allSatisfy { loops.contains($0) } ? [v, v] : nil
    }
    let members = Set(component)
    var enabledEverywhere: Set<Int64>?
    var taken: [Int64: (from: UInt32, to: UInt32)] = [:]
    for v in component {
      var here: Set<Int64> = []
      for e in edges(of: v) where !edgeActions[e].kind.isFailure {
        let unit = edgeActions[e].fairnessUnit
        here.insert(unit)
        if members.contains(edgeTargets[e]), taken[unit] == nil { taken[unit] = (v, edgeTargets[e]) }
      }
      enabledEverywhere = enabledEverywhere.map { $0.intersection(here) } ?? here
    }
    let required = (enabledEverywhere ?? []).sorted()
    guard required.allSatisfy({ taken[$0] != nil }) else { return nil }
    // Walk from the first state through one edge of each required unit, then back.
    let start = component[0]
    var cycle: [UInt32] = [start]
    var current = start
    for unit in required {
      let (from, to) = taken[unit]!
      cycle += shortestPath(from: current, to: from, within: members).dropFirst()
      cycle.append(to)
      current = to
    }
    if cycle.count == 1 || current != start {
      if cycle.count == 1 {
        // No unit is required: take any edge inside, then come back.
        guard let e = edges(of: start).first(where: {
          !edgeActions[$0].kind.isFailure && members.contains(edgeTargets[$0])
        }) else { return nil }
        cycle.append(edgeTargets[e])
        current = edgeTargets[e]
      }
      if current != start { cycle += shortestPath(from: current, to: start, within: members).dropFirst() }
    }
    // The witness must itself be fair: a unit enabled in every state it visits must be taken
    // on it. Add a detour for each such unit, through an edge of that unit or through a state
    // of the component where it is disabled (one exists, since the component is fair).
    for _ in 0...required.count + component.count {
      guard let unit = starvedUnit(on: cycle) else { return cycle }
      let detourTo: UInt32
      var via: UInt32?
      if let (from, to) = taken[unit] {
        detourTo = from
        via = to
      } else if let x = component.first(where: { v in
        !edges(of: v).contains { !edgeActions[$0].kind.isFailure && edgeActions[$0].fairnessUnit == unit }
      }) {
        detourTo = x
      } else {
        return cycle
      }
      cycle += shortestPath(from: start, to: detourTo, within: members).dropFirst()
      var end = detourTo
      if let via {
        cycle.append(via)
        end = via
      }
      cycle += shortestPath(from: end, to: start, within: members).dropFirst()
    }
    return cycle
  }

  /// A protocol unit enabled in every state of a closed walk but taken on none of its steps
  /// (each step counted as the first move between its two states, as traces print it).
  func starvedUnit(on cycle: [UInt32]) -> Int64? {
    var enabled: Set<Int64>?
    for v in Set(cycle) {
      let here = Set(edges(of: v).filter { !edgeActions[$0].kind.isFailure }.map { edgeActions[$0].fairnessUnit })
      enabled = enabled.map { $0.intersection(here) } ?? here
    }
    var taken: Set<Int64> = []
    for (a, b) in zip(cycle, cycle.dropFirst()) {
      if let e = edges(of: a).first(where: { !edgeActions[$0].kind.isFailure && edgeTargets[$0] == b }) {
        taken.insert(edgeActions[e].fairnessUnit)
      }
    }
    return (enabled ?? []).subtracting(taken).min()
  }

  /// Breadth-first path over protocol moves inside `members` (both ends included).
  func shortestPath(from: UInt32, to: UInt32, within members: Set<UInt32>) -> [UInt32] {
    if from == to { return [from] }
    var parent: [UInt32: UInt32] = [from: from]
    var queue = [from]
    var head = 0
    while head < queue.count {
      let v = queue[head]
      head += 1
      for e in edges(of: v) where !edgeActions[e].kind.isFailure {
        let w = edgeTargets[e]
        guard members.contains(w), parent[w] == nil else { continue }
        parent[w] = v
        if w == to {
          var path = [w]
          var cur = w
          while cur != from {
            cur = parent[cur]!
            path.append(cur)
          }
          return path.reversed()
        }
        queue.append(w)
      }
    }
    return [from, to]
  }
}

/// Per-state arrays for Tarjan's algorithm, allocated once and reset after each use.
struct TarjanScratch {
  var index: [Int32]
  var low: [Int32]
  var onStack: [Bool]
  var stack: [UInt32] = []

  init(count: Int) {
    index = Array(repeating: -1, count: count)
    low = Array(repeating: 0, count: count)
    onStack = Array(repeating: false, count: count)
  }

  mutating func visit(_ v: UInt32, _ counter: inout Int32) {
    index[Int(v)] = counter
    low[Int(v)] = counter
    counter += 1
    stack.append(v)
    onStack[Int(v)] = true
  }
}
