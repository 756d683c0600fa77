import Synchronization

/// A batch of stored states in chunks, which threads claim one at a time and expand into an
/// output of their own. The merge reads the outputs in chunk order, which is source order.
final class ExpansionBatch<Store: StateStorage>: @unchecked Sendable {
  let ranges: [Range<Int>]
  /// Per chunk, the output its worker filled: written by that worker alone, read once every
  /// chunk is done (`finish`).
  private let filled: ChunkSlots<ExpansionOutput>
  /// The chunks' outputs in chunk order, once every chunk is done.
  private(set) var outputs: [ExpansionOutput] = []
  /// The store as the batch began: read-only for the workers. Released once every chunk is
  /// done, so that a growing table does not keep the old one alive.
  private var store: Store?
  private let claimed = Atomic<Int>(0)
  /// The helper threads done with the batch (see `Crew`).
  let helpersDone = Atomic<Int>(0)

  init(ranges: [Range<Int>], store: Store) {
    self.ranges = ranges
    filled = ChunkSlots(count: ranges.count)
    self.store = store
  }

  /// Work claimed before the chunks, by whichever threads come first (see
  /// `StateStorage.workAhead`). Set before any thread works on the batch.
  var prefault: [@Sendable () -> Void] = []

  /// Does the prefault pieces and expands chunks with `worker` until none is left unclaimed.
  /// Pieces come first: a thread that meets the last of them still finds chunks to balance.
  func work(_ worker: ExpansionWorker) {
    while true {
      let claim = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
      if claim < prefault.count {
        prefault[claim]()
        continue
      }
      let chunk = claim - prefault.count
      guard chunk < ranges.count, let store else { return }
      let out = worker.output()
      worker.expand(ranges[chunk], store: store, into: out)
      filled[chunk] = out
    }
  }

  /// Called once every chunk is done (after `work` on every thread, and `Crew.wait`).
  func finish() {
    store = nil
    outputs = (0..<ranges.count).map { filled[$0]! }
  }
}
