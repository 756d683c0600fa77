import CommitCheck
@testable import CommitCheckExplorer
import Testing

/// Each store checks its own invariants (`checkInvariants`: a power-of-two table at most half
/// full, every stored state found again, counts and flags consistent). These runs grow every
/// table many times, merge batches that overlap, and replay an inline run on the arena.
struct StoreInvariantTests {
  /// 2PC at N = 4 with a coordinator crash: several thousand states of more than one word.
  func twoPhase() throws -> LoadedModel {
    var options = CompileOptions()
    options.parameters["N"] = 4
    options.crash["Coordinator"] = 1
    return try loadModel(path: modelPath("two-phase-commit"), options: options)
  }

  func explore(_ model: LoadedModel, threads: Int, _ configure: (inout ExplorerOptions) -> Void = { _ in })
    -> Exploration
  {
    var options = ExplorerOptions()
    options.keepEdges = false
    options.threads = threads
    options.batchStates = 64
    configure(&options)
    return Explorer().explore(model.system, options: options)
  }

  @Test("The exact store keeps its invariants through growth and overlapping merges", arguments: [1, 2])
  func exact(threads: Int) throws {
    // Its states would fit inline: kept on the arena here.
    let ex = explore(try twoPhase(), threads: threads) { $0.inlineStates = false }
    guard case .exact(let store) = ex.store else { Issue.record("not an exact store"); return }
    #expect(store.generation > 5 && store.count == ex.stateCount)
    store.checkInvariants()
  }

  @Test("The compact store keeps its invariants once it forgets expanded states", arguments: [1, 2])
  func compact(threads: Int) throws {
    let ex = explore(try twoPhase(), threads: threads) { $0.compactHash = true }
    guard case .compact(let store) = ex.store else { Issue.record("not a compact store"); return }
    #expect(store.generation > 5 && store.arenaStates.first > 0)
    store.checkInvariants()
  }

  @Test("The inline store keeps its invariants, and so does its replay on the arena", arguments: [1, 2])
  func inline(threads: Int) throws {
    var options = CompileOptions()
    options.parameters["N"] = 4
    let model = try loadModel(path: modelPath("two-phase-tla"), options: options)
    let ex = explore(model, threads: threads)
    guard case .inline(let store) = ex.store else { Issue.record("not an inline store"); return }
    #expect(store.generation > 5 && store.expandedCount == ex.stateCount)
    store.checkInvariants()
    #expect(!ex.holdsStates)
    let replay = ex.replayed(through: UInt32(ex.stateCount - 1))
    #expect(replay.holdsStates && replay.stateCount == ex.stateCount)
    replay.store.checkInvariants()
  }
}
