import CommitCheck
@testable import CommitCheckExplorer
import Testing

/// States are expanded on their packed words (`PackedMoves`), with their own memo of moves and
/// property values. Everything an exploration records must equal the general path's, which
/// unpacks every state.
struct PackedExpansionTests {
  func explore(_ model: LoadedModel, packed: Bool, keepEdges: Bool, threads: Int, moveLimit: Int,
               giveUp: Int = PackedMoves.giveUpMisses) -> Exploration {
    var options = ExplorerOptions()
    options.packedExpansion = packed
    options.keepEdges = keepEdges
    options.threads = threads
    options.packedMoveLimit = moveLimit
    options.packedGiveUpMisses = giveUp
    options.batchStates = 256
    return Explorer().explore(model.system, options: options)
  }

  /// The parents, read from a replay on the arena when the store is inline (it keeps none).
  func parents(_ e: Exploration) -> ParentList {
    e.replayed(through: e.stateCount > 0 ? UInt32(e.stateCount - 1) : nil).parents
  }

  func expectSame(_ a: Exploration, _ b: Exploration, _ context: String) {
    #expect(a.stateCount == b.stateCount && a.transitions == b.transitions && a.depth == b.depth, "\(context)")
    #expect(parents(a) == parents(b), "\(context)")
    #expect(a.edgeStart == b.edgeStart && a.edgeTargets == b.edgeTargets && a.edgeActions == b.edgeActions,
            "\(context)")
    #expect(a.hasProtocolMove == b.hasProtocolMove, "\(context)")
    #expect(a.firstViolation == b.firstViolation && a.firstBlocked == b.firstBlocked
            && a.firstStuck == b.firstStuck && a.hasBackEdge == b.hasBackEdge, "\(context)")
    #expect(a.runtimeError?.state == b.runtimeError?.state
            && a.runtimeError?.error.message == b.runtimeError?.error.message, "\(context)")
    #expect(a.stopReason == b.stopReason, "\(context)")
  }

  @Test("States expanded on their packed words give the general path's graph, verdicts and parents",
        arguments: shippedModelNames)
  func sameAsGeneral(_ name: String) throws {
    // Every kind of failure at once, so that failure moves, crashed processes and partitions
    // all go through the packed path. The 2PC models fit in one word this way, the 3PC ones
    // take more; both paths of the successor loop run.
    let model = try shippedWithFailures(name, crashes: true)
    for keepEdges in [true, false] {
      let general = explore(model, packed: false, keepEdges: keepEdges, threads: 1, moveLimit: PackedMoves.moveLimit)
      #expect(general.stateCount > nontrivialStateCount(name))
      // A memo of 8 moves starts over again and again; two threads expand with two memos; a
      // memo dropped after 4 misses (where a process misses on half of the states) leaves
      // that process to the generator.
      let settings = [(1, PackedMoves.moveLimit, PackedMoves.giveUpMisses), (1, 8, PackedMoves.giveUpMisses),
                      (2, PackedMoves.moveLimit, PackedMoves.giveUpMisses), (1, PackedMoves.moveLimit, 4)]
      for (threads, limit, giveUp) in settings {
        let packed = explore(model, packed: true, keepEdges: keepEdges, threads: threads, moveLimit: limit,
                             giveUp: giveUp)
        expectSame(general, packed, "\(name), \(model.system.layout.wordCount) words, edges \(keepEdges), "
                   + "\(threads) threads, memo of \(limit) moves, dropped after \(giveUp) misses")
      }
    }
  }

  @Test("A model error met on the packed path stops at the same state with the same message")
  func sameRuntimeError() throws {
    // x counts to 3 in a domain of 0...2: the fourth step writes a value out of range.
    let model = try compileModel(source: """
      protocol Overflow
      role A { var x: 0...2
        state s initial
        on s step inc { x += 1 } }
      role B { state t initial
        state u
        on t step go { goto u } }
      """, file: "overflow.commit")
    let general = explore(model, packed: false, keepEdges: true, threads: 1, moveLimit: PackedMoves.moveLimit)
    let packed = explore(model, packed: true, keepEdges: true, threads: 1, moveLimit: PackedMoves.moveLimit)
    #expect(general.runtimeError != nil)
    expectSame(general, packed, "overflow")
  }
}
