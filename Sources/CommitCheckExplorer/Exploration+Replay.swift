import CommitCheckModel
import Foundation

extension Exploration {
  /// The exploration again, on the arena, as far as `last` and every state a report names
  /// (first violations, blocked and stuck states, a model error): an inline store keeps no
  /// state once expanded and no parents, and the replay does. It merges in the same order, so
  /// its ids stand for the same states. Its figures and verdicts are this run's; its states
  /// (`stateCount`) are those up to the last it had to reach. Any other exploration is its own
  /// replay.
  ///
  /// Nothing reads an inline table once the exploration is over: the replay first gives the
  /// table's memory back to the kernel, for good, and may hold what the first run was allowed.
  public func replayed(through last: UInt32? = nil) -> Exploration {
    guard case .inline(let table) = store, let options = replayOptions else { return self }
    let named = firstViolation.compactMap { $0 } + [firstBlocked, firstStuck, runtimeError?.state].compactMap { $0 }
    let wanted = (named.map { Int($0) }.filter { $0 < stateCount } + (last.map { [Int($0)] } ?? [])).max()
    var replay = self
    replay.replayOptions = nil
    guard let wanted else {
      replay.store = .exact(ExactStore(wordsPerState: system.layout.wordCount))
      return replay
    }
    table.releaseTable()
    let arena = Explorer().replay(system, options: options, states: wanted + 1)
    replay.store = arena.store
    replay.storedParents = arena.storedParents
    return replay
  }

  /// Hash compaction: the state `id` stands for, rebuilt along its parent path. Each step takes
  /// the first successor (canonical under symmetry) whose fingerprint is the next id's.
  func replayedState(_ id: UInt32) -> [Int] {
    let generator = SuccessorGenerator(system)
    let path = pathTo(id)
    func canonical(_ s: [Int]) -> [Int] {
      var c = s
      symmetry?.canonicalize(&c)
      return c
    }
    var current = ((try? generator.initialStates()) ?? []).map(canonical).first { self.id(of: $0) == path[0] }
    for next in path.dropFirst() {
      guard let from = current else { break }
      current = nil
      try? generator.successors(of: from) { _, successor in
        if current == nil {
          let c = canonical(successor)
          if self.id(of: c) == next { current = c }
        }
      }
    }
    // Only a fingerprint collision (which `omissionBound` bounds) can break the path.
    return current ?? Array(repeating: 0, count: system.layout.slotCount)
  }

}

extension Explorer {
  /// The exploration of `system` with `options` again, on the arena and without edges, until
  /// `count` states are stored (see `Exploration.replayed`).
  func replay(_ system: TransitionSystem, options: ExplorerOptions, states count: Int) -> Exploration {
    var options = options
    options.maxStates = count
    // The replay must reach the states a report names, and never stores more than the first run
    // did, but per state it holds up to about twice what the inline table did (an index of
    // 4-byte ids at most half full, the words and the parents: 20 to 28 bytes, against 11 to 21
    // for a slot of the table at most three quarters full). So it may hold twice the limit, but
    // not past 90% of memory unless the limit itself is higher: the first run's table was given
    // back before it starts.
    let doubled = options.maxMemory.multipliedReportingOverflow(by: 2).overflow ? Int.max : 2 * options.maxMemory
    let physical = Int(Double(ProcessInfo.processInfo.physicalMemory) * 0.9)
    options.maxMemory = max(options.maxMemory, min(physical, doubled))
    options.keepEdges = false
    options.inlineStates = false
    options.timeout = nil
    options.stop = nil
    return explore(system, options: options)
  }
}
