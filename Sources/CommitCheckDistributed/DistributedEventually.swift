import CommitCheckExplorer
import CommitCheckModel
import Foundation

/// `eventually P`, decided across the ranks with the single-process verdict and counterexample.
///
/// A single process searches breadth-first from the initial states where P does not hold,
/// following every move (failures too) into states where P does not hold: the restricted
/// region. Its first state in that search's order with no protocol move (and no recovery
/// forced) is a blocked violation; otherwise a fair cycle of protocol moves inside the region
/// (avoiding states a recovery must leave) is a livelock, the one in the strongly connected
/// component with the smallest state id. Traces follow the restricted search's parents.
///
/// Here the restricted search is level synchronous like the main one: successors travel with
/// the key (restricted number of the parent, move index), owners keep the smallest, and each
/// level is numbered by ranking the keys (`rank(keys:parents:first:)`), so the numbers and
/// parents are the single process's. The blocked state is the smallest number among those
/// found, and the search stops at the level that has one. The region's protocol moves between
/// candidates are counted as in-degrees on the way, and the cycle search is the termination
/// analysis's (`DistributedCycles`): Kahn's peeling, then the residual and the first fair
/// one-state cycle gathered on rank 0, which picks the cycle as a single process does.
extension DistributedSearch {
  /// What the analysis of one property found; every rank gets the same case.
  enum EventuallyFinding {
    case holds
    /// The states of the counterexample, first to last (on rank 0; empty on the others), and
    /// for a livelock the step its cycle returns to.
    case violated(path: [[UInt64]], loopStart: Int?)
    case unknown(String)
    /// A signal or the timeout stopped it (`stopReason` says which).
    case stopped
  }

  /// The restricted search's state on this rank, by local id.
  private struct Region {
    /// Whether the property holds, and whether a recovery must leave the state.
    var holds: [Bool]
    var forced: [Bool]
    /// The restricted number (`UInt64.max`: outside); while on the next level, its key.
    var number: [UInt64]
    var parent: [UInt64]
    var queued: [Bool]
    var marks: CycleMarks
    /// The states of the level being expanded and those found for the next.
    var level: [Int] = []
    var next: [Int] = []
    /// The smallest restricted number with no protocol move, and its local id.
    var blocked: (number: UInt64, local: Int)?
  }

  /// Decides `eventually` property `i`. Collective.
  mutating func decideEventually(_ i: Int, limit: Int) -> EventuallyFinding {
    var region = startRegion(i)
    var first: UInt64 = 0
    var parents: Range<UInt64> = 0..<initialCount
    while true {
      let (numbers, total) = rank(keys: region.next.map { region.number[$0] }, parents: parents, first: first)
      for (k, id) in region.next.enumerated() {
        region.number[id] = numbers[k]
        region.queued[id] = false
      }
      if total == 0 { break }
      (region.level, region.next) = (region.next, [])
      parents = first..<(first + total)
      first += total
      guard expandLevel(&region) else { return .stopped }
      let blocked = world.minimum([region.blocked?.number ?? UInt64.max])[0]
      if blocked != UInt64.max {
        let mine = region.blocked.map { $0.number == blocked ? (UInt64(world.rank) << 32 | UInt64($0.local)) + 1 : 0 }
        let place = world.maximum([mine ?? 0])[0] - 1
        let steps = path(from: place, self, parents: region.parent)
        return .violated(path: steps.map(\.words), loopStart: nil)
      }
    }
    guard peel(&region.marks) else { return .stopped }
    let (count, lone) = residual(region.marks)
    if count == 0 && lone == UInt64.max { return .holds }
    guard let core = gatherCore(region.marks, loneLoop: lone, limit: limit) else {
      return .unknown("the \(count) states left after peeling the states where it never holds (with their moves) would take more than a quarter of --max-memory on one process")
    }
    // Rank 0 finds the cycle; every rank learns where it starts.
    var cycle: [[UInt64]] = []
    var start = UInt64.max
    if world.rank == 0 {
      let parts = WitnessParts(core: core, paths: [])
      if let found = parts.exploration(system, firsts: nil).firstFairCycle(amongFirst: core.count) {
        cycle = found.map { parts.states[Int($0)] }
        start = core[Int(found[0])].location
      }
    }
    start = world.broadcast([start], count: 1, root: 0)[0]
    if start == UInt64.max { return .holds }
    let prefix = path(from: start, self, parents: region.parent).map(\.words)
    return .violated(path: prefix + cycle.dropFirst(), loopStart: prefix.count - 1)
  }

  /// The property and the forced recoveries evaluated on every local state, and the initial
  /// states where the property does not hold queued with their global ids as keys.
  private func startRegion(_ i: Int) -> Region {
    let n = store.count
    var region = Region(holds: [Bool](repeating: false, count: n), forced: [Bool](repeating: false, count: n),
                        number: [UInt64](repeating: UInt64.max, count: n),
                        parent: [UInt64](repeating: PartitionStore.noParent, count: n),
                        queued: [Bool](repeating: false, count: n),
                        marks: CycleMarks(flags: [UInt8](repeating: 0, count: n), inDegree: [UInt32](repeating: 0, count: n)))
    var slots = [Int](repeating: 0, count: system.layout.slotCount)
    for id in 0..<n {
      system.layout.unpack(Array(store.state(id)), into: &slots)
      region.holds[id] = generator.evaluate(property: i, in: slots)
      region.forced[id] = system.fairRecovery && system.processes.indices.contains { generator.mayRecover(slots, process: $0) }
      if store.global[id] < initialCount && !region.holds[id] {
        region.number[id] = store.global[id] << 16
        region.queued[id] = true
        region.next.append(id)
      }
    }
    return region
  }

  /// Expands the level's states in batches, each followed by an exchange of their successors
  /// and a collective for the limits; false when a signal or the timeout stopped it.
  private mutating func expandLevel(_ region: inout Region) -> Bool {
    var at = 0
    var scratch = [UInt64](repeating: 0, count: min(batch, max(1, region.level.count)) * w)
    while true {
      let end = min(region.level.count, at + batch)
      var outgoing = [[UInt64]](repeating: [], count: world.size)
      expand(region.level[at..<end], &region, scratch: &scratch, into: &outgoing)
      at = end
      receive(world.exchange(outgoing), &region)
      let code = world.maximum([stopCodeForPeeling(), at < region.level.count ? 1 : 0])
      if code[0] != 0 {
        stopReason = code[0] == 4 ? .interrupted : .timeout
        return false
      }
      if code[1] == 0 { return true }
    }
  }

  /// Expands `ids` (copied next to each other, for the explorer's expansion): notes the first
  /// blocked one and the fair one-state cycles, and sends each successor other than a
  /// self-loop to its owner with its key.
  private func expand(_ ids: ArraySlice<Int>, _ region: inout Region, scratch: inout [UInt64],
                      into outgoing: inout [[UInt64]]) {
    let w = w
    for (k, id) in ids.enumerated() {
      for j in 0..<w { scratch[k * w + j] = store.words[id * w + j] }
    }
    var enabled: [Int64] = []
    var looping: [Int64] = []
    scratch.withUnsafeBufferPointer { words in
      expander.expand(0..<ids.count, words: words, wordsPerState: w) { k, _, successors, actions in
        let id = ids[ids.startIndex + k]
        let candidate = !region.forced[id]
        let source = UInt64(id) | (candidate ? Move.fromCandidate : 0)
        let key = region.number[id] << 16
        var protocolMoves = 0
        var selfLoops = 0
        enabled.removeAll(keepingCapacity: true)
        looping.removeAll(keepingCapacity: true)
        for m in 0..<actions.count {
          let isProtocol = !actions[m].kind.isFailure
          if isProtocol {
            protocolMoves += 1
            enabled.append(actions[m].fairnessUnit)
          }
          let next = UnsafeBufferPointer(rebasing: successors[(m * w)..<((m + 1) * w)])
          var loop = true
          for j in 0..<w where next[j] != words[k * w + j] { loop = false }
          if loop {
            if isProtocol {
              selfLoops += 1
              looping.append(actions[m].fairnessUnit)
            }
            continue
          }
          let dest = PartitionStore.owner(hash: PartitionStore.hash(next), ranks: world.size)
          outgoing[dest].append(contentsOf: next)
          outgoing[dest].append(key | UInt64(m))
          outgoing[dest].append(source | (isProtocol ? Move.protocolMove : 0))
        }
        guard candidate else { return }
        region.marks.flags[id] |= PartitionStore.Flag.candidate
        if protocolMoves == 0, region.blocked == nil || region.number[id] < region.blocked!.number {
          region.blocked = (region.number[id], id)
        }
        if selfLoops > 0, enabled.allSatisfy({ looping.contains($0) }) {
          region.marks.flags[id] |= PartitionStore.Flag.fairLoop
        }
      }
    }
  }

  /// Takes in the successors sent here: one where the property does not hold joins the next
  /// level with its key, or keeps the smaller key; a protocol move between candidates (the
  /// region's states no recovery must leave) counts in the target's in-degree.
  private func receive(_ incoming: (data: [UInt64], starts: [Int]), _ region: inout Region) {
    let r = recordWords
    incoming.data.withUnsafeBufferPointer { data in
      for sender in 0..<world.size {
        for k in (incoming.starts[sender] / r)..<(incoming.starts[sender + 1] / r) {
          let words = UnsafeBufferPointer(rebasing: data[(k * r)..<(k * r + w)])
          guard let id = store.find(words, hash: PartitionStore.hash(words)) else {
            preconditionFailure("a successor of an explored state is not stored")
          }
          if region.holds[id] { continue }
          let key = data[k * r + w]
          let meta = data[k * r + w + 1]
          let parent = UInt64(sender) << 32 | (meta & 0xFFFF_FFFF)
          if meta & Move.protocolMove != 0, meta & Move.fromCandidate != 0, !region.forced[id] {
            region.marks.inDegree[id] += 1
          }
          if region.number[id] == UInt64.max {
            region.number[id] = key
            region.parent[id] = parent
            region.queued[id] = true
            region.next.append(id)
          } else if region.queued[id], key < region.number[id] {
            region.number[id] = key
            region.parent[id] = parent
          }
        }
      }
    }
  }
}
