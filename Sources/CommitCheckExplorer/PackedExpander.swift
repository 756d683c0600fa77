import CommitCheckModel

/// The explorer's expansion on packed words (`PackedMoves`), for a search in another module
/// (the distributed one): the same facts, invariant checks and successors, in the successor
/// function's order, as the explorer's own workers compute.
package final class PackedExpander {
  private let moves: PackedMoves
  private let invariants: [Bool]
  private let out = ExpansionOutput(owner: 0)

  package init(_ system: TransitionSystem) {
    moves = PackedMoves(SuccessorGenerator(system))
    invariants = system.properties.map { $0.kind == .invariant }
  }

  /// What expanding one state found besides its successors.
  package struct Facts {
    package var atomicityViolated = false
    package var liveUndecided = false
    /// Under fair recovery, a crashed process may still recover here: no fair run ends or
    /// cycles here, so the state is neither blocked nor on a livelock.
    package var recoveryForced = false
    /// A live undecided state where every enabled fairness unit has a self-loop: a livelock of
    /// one state (`SourceInfo.fairLoop`).
    package var fairLoop = false
    /// The invariants (indices into `system.properties`) the state violates.
    package var violated: [Int] = []
    /// The model error met here; the state's successors are then not given.
    package var error: ModelRuntimeError?
  }

  /// Expands the states `ids` of `words` (`wordsPerState` words each, state 0 first): calls
  /// `body` with each one's id, facts, successors' words and actions, valid during the call.
  package func expand(_ ids: Range<Int>, words: UnsafeBufferPointer<UInt64>, wordsPerState w: Int,
                      _ body: (Int, Facts, UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<Action>) -> Void) {
    guard let base = words.baseAddress, !ids.isEmpty else { return }
    precondition(ids.upperBound * w <= words.count)
    let view = ArenaView(base, first: 0, end: ids.upperBound, wordsPerState: w)
    var next = ids.lowerBound
    // `PackedMoves.expand` stops after a state that meets a model error: go on after it.
    while next < ids.upperBound {
      out.clear()
      moves.expand(next..<ids.upperBound, arena: view, invariants: invariants, into: out)
      var successor = 0
      var violation = 0
      for k in 0..<out.sources.count {
        let info = out.info[k]
        var facts = Facts(atomicityViolated: info.atomicityViolated, liveUndecided: info.liveUndecided,
                          recoveryForced: info.recoveryForced, fairLoop: info.fairLoop)
        for v in violation..<(violation + Int(info.violations)) { facts.violated.append(Int(out.violations[v])) }
        violation += Int(info.violations)
        next = out.sources[k] + 1
        if info.failed {
          facts.error = out.error
          body(out.sources[k], facts, UnsafeBufferPointer(start: nil, count: 0), UnsafeBufferPointer(start: nil, count: 0))
          break
        }
        let n = Int(info.successors)
        body(out.sources[k], facts, UnsafeBufferPointer(start: out.words.base + successor * w, count: n * w),
             UnsafeBufferPointer(start: out.actions.base + successor, count: n))
        successor += n
      }
    }
  }
}
