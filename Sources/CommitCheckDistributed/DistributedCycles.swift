import CommitCheckExplorer
import CommitCheckModel
import Foundation

/// Termination on a graph with cycles, decided across the ranks.
///
/// A livelock is a fair cycle of protocol moves among states where a live process is
/// undecided (the candidates). Every such cycle of two states or more survives **Kahn's
/// peeling**: each rank removes its candidates with no protocol move into them from a
/// candidate other than themselves (the in-degrees the search counted), re-expands them and
/// tells the owners of their successors, whose in-degrees drop; waves repeat until no rank
/// removes one (an all-reduce). What remains (the residual) holds every such cycle, and is
/// empty exactly when there is none. A cycle of one state (a self-loop) is fair when every
/// unit enabled there has a self-loop (`PartitionStore.Flag.fairLoop`, decided on expansion).
///
/// The residual, the first such one-state cycle outside it, and their moves are then gathered
/// on rank 0, which runs the single-process analysis (strongly connected components under weak
/// fairness) on them; when they would take more than a quarter of the memory limit, the verdict
/// is left unknown, with the reason.
///
/// The same peeling serves `eventually` (`DistributedEventually`), over other candidates: the
/// candidates and in-degrees are a `CycleMarks` the caller fills.
extension DistributedSearch {
  /// Per local state: `PartitionStore.Flag` bits (candidate, fair loop, peeled) and the protocol
  /// moves into it from other candidates.
  struct CycleMarks {
    var flags: [UInt8]
    var inDegree: [UInt32]
  }

  /// The termination analysis's marks, which the search filled in the store (moved out of it:
  /// the search is over).
  mutating func takeTerminationMarks() -> CycleMarks {
    defer { (store.flags, store.inDegree) = ([], []) }
    return CycleMarks(flags: store.flags, inDegree: store.inDegree)
  }

  /// A gathered state: its global id and location, its words, and its moves (each target's
  /// words and the action).
  struct CoreState {
    var global: UInt64
    var location: UInt64
    var words: [UInt64]
    var moves: [(target: [UInt64], action: Action)]
  }

  /// Peels the candidates; false when a limit or a signal stopped it (`stopReason` says which).
  mutating func peel(_ marks: inout CycleMarks) -> Bool {
    var queue: [Int] = []
    for id in 0..<store.count
    where marks.flags[id] & PartitionStore.Flag.candidate != 0 && marks.inDegree[id] == 0 {
      marks.flags[id] |= PartitionStore.Flag.peeled
      queue.append(id)
    }
    var slots = [Int](repeating: 0, count: system.layout.slotCount)
    var at = 0
    while true {
      let end = min(queue.count, at + batch)
      var outgoing = [[UInt64]](repeating: [], count: world.size)
      for id in queue[at..<end] {
        forEachMove(of: id, slots: &slots) { action, next in
          guard !action.kind.isFailure, next != Array(store.state(id)) else { return }
          let h = next.withUnsafeBufferPointer { PartitionStore.hash($0) }
          outgoing[PartitionStore.owner(hash: h, ranks: world.size)].append(contentsOf: next)
        }
      }
      at = end
      let (data, starts) = world.exchange(outgoing)
      data.withUnsafeBufferPointer { data in
        var k = 0
        while k < starts[world.size] {
          let words = UnsafeBufferPointer(rebasing: data[k..<(k + w)])
          k += w
          guard let id = store.find(words, hash: PartitionStore.hash(words)) else { continue }
          let f = marks.flags[id]
          guard f & PartitionStore.Flag.candidate != 0, f & PartitionStore.Flag.peeled == 0 else { continue }
          marks.inDegree[id] -= 1
          if marks.inDegree[id] == 0 {
            marks.flags[id] |= PartitionStore.Flag.peeled
            queue.append(id)
          }
        }
      }
      let code = world.maximum([stopCodeForPeeling(), at < queue.count ? 1 : 0])
      if code[0] != 0 {
        stopReason = code[0] == 4 ? .interrupted : .timeout
        return false
      }
      if code[1] == 0 { return true }
    }
  }

  func stopCodeForPeeling() -> UInt64 {
    if let stop = options.stop, stop.requested != 0 { return 4 }
    if let timeout = options.timeout, Date().timeIntervalSince(started) >= timeout { return 3 }
    return 0
  }

  /// The residual's size over all ranks, and the smallest global id of a fair one-state cycle
  /// outside it (`UInt64.max` for none).
  func residual(_ marks: CycleMarks) -> (count: Int, loneLoop: UInt64) {
    var count: UInt64 = 0
    var lone = UInt64.max
    for id in 0..<store.count where marks.flags[id] & PartitionStore.Flag.candidate != 0 {
      if marks.flags[id] & PartitionStore.Flag.peeled == 0 {
        count += 1
      } else if marks.flags[id] & PartitionStore.Flag.fairLoop != 0 {
        lone = min(lone, store.global[id])
      }
    }
    return (Int(world.sum([count])[0]), world.minimum([lone])[0])
  }

  /// The residual states and the given one-state cycle with their moves, on rank 0 (empty on
  /// the others); nil on every rank when they would pass `limit` bytes.
  func gatherCore(_ marks: CycleMarks, loneLoop: UInt64, limit: Int) -> [CoreState]? {
    var words: [UInt64] = []
    var slots = [Int](repeating: 0, count: system.layout.slotCount)
    for id in 0..<store.count where marks.flags[id] & PartitionStore.Flag.candidate != 0 {
      guard marks.flags[id] & PartitionStore.Flag.peeled == 0 || store.global[id] == loneLoop else { continue }
      words.append(store.global[id])
      words.append(UInt64(world.rank) << 32 | UInt64(id))
      words.append(contentsOf: store.state(id))
      let countAt = words.count
      words.append(0)
      forEachMove(of: id, slots: &slots) { action, next in
        words.append(contentsOf: next)
        words.append(UInt64(UInt32(bitPattern: action.process)) << 32 | UInt64(UInt32(bitPattern: action.transition)))
        words.append(UInt64(UInt32(bitPattern: action.message)) << 32 | UInt64(UInt32(bitPattern: action.choice)))
        words.append(UInt64(action.kind.rawValue))
        words[countAt] += 1
      }
    }
    let total = world.sum([UInt64(words.count)])[0]
    guard total * 8 <= UInt64(limit), total < UInt64(Int32.max) else { return nil }
    guard let all = world.gather(words) else { return [] }
    var core: [CoreState] = []
    var k = 0
    while k < all.count {
      var state = CoreState(global: all[k], location: all[k + 1], words: Array(all[(k + 2)..<(k + 2 + w)]), moves: [])
      k += 2 + w
      let n = Int(all[k])
      k += 1
      for _ in 0..<n {
        let target = Array(all[k..<(k + w)])
        let a = all[k + w], b = all[k + w + 1], kind = ActionKind(rawValue: UInt8(all[k + w + 2]))!
        let action = Action(kind: kind, process: Int32(bitPattern: UInt32(a >> 32)),
                            transition: Int32(bitPattern: UInt32(a & 0xFFFF_FFFF)),
                            message: Int32(bitPattern: UInt32(b >> 32)), choice: Int32(bitPattern: UInt32(b & 0xFFFF_FFFF)))
        state.moves.append((target, action))
        k += w + 3
      }
      core.append(state)
    }
    return core.sorted { $0.global < $1.global }
  }

  /// Calls `body` with every move of local state `id` and its successor's words, in the
  /// successor function's order (the search has already met any model error here).
  func forEachMove(of id: Int, slots: inout [Int], _ body: (Action, [UInt64]) -> Void) {
    let layout = system.layout
    let current = Array(store.state(id))
    layout.unpack(current, into: &slots)
    var next = current
    try? generator.moves(of: slots) { action, writes in
      for i in 0..<w { next[i] = current[i] }
      for k in stride(from: writes.startIndex, to: writes.endIndex, by: 2) {
        layout.patch(&next, slot: writes[k], value: writes[k + 1])
      }
      body(action, next)
    }
  }
}
