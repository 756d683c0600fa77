import CommitCheckPrefetch
import Foundation
import Synchronization

/// The threads that expand batches beside the calling thread, for one exploration.
///
/// They stay for the whole exploration and wait for each batch by spinning for a while
/// before they sleep; the caller waits for a batch's end the same way. Batches follow each
/// other every few milliseconds, and waking a sleeping thread takes a good part of one on a
/// virtual machine (the host must run its processor again): a thread from Dispatch woken per
/// batch left the helper idle far longer (see the README's performance section).
final class Crew<Store: StateStorage>: @unchecked Sendable {
  /// Posts so far; the helpers spin on it. Changed only under `condition`.
  private let posted = Atomic<Int>(0)
  private let condition = NSCondition()
  /// The last batch posted (nil: stop). Guarded by `condition`.
  private var batch: ExpansionBatch<Store>?
  private let helpers: Int

  /// Rounds of spinning before a thread sleeps: up to a millisecond or so.
  static var spins: Int { 20_000 }

  /// Starts a thread for each of `workers`.
  init(_ workers: [ExpansionWorker]) {
    helpers = workers.count
    for worker in workers {
      let box = UncheckedBox(worker)
      let thread = Thread { [self] in run(box.value) }
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  private func run(_ worker: ExpansionWorker) {
    var seen = 0
    while true {
      Crew.spin { posted.load(ordering: .acquiring) != seen }
      condition.lock()
      while posted.load(ordering: .relaxed) == seen { condition.wait() }
      seen = posted.load(ordering: .relaxed)
      let batch = batch
      condition.unlock()
      guard let batch else { return }
      batch.work(worker)
      // Counted before the lock is taken: a caller that saw the old count sleeps before the
      // broadcast can be made.
      batch.helpersDone.add(1, ordering: .releasing)
      condition.lock()
      condition.broadcast()
      condition.unlock()
    }
  }

  /// Has the helpers work on `batch` (see `ExpansionBatch.work`); `wait` waits for them.
  func post(_ batch: ExpansionBatch<Store>) {
    condition.lock()
    self.batch = batch
    posted.add(1, ordering: .releasing)
    condition.broadcast()
    condition.unlock()
  }

  /// Waits until every helper is done with `batch`.
  func wait(_ batch: ExpansionBatch<Store>) {
    Crew.spin { batch.helpersDone.load(ordering: .acquiring) == helpers }
    condition.lock()
    while batch.helpersDone.load(ordering: .acquiring) < helpers { condition.wait() }
    condition.unlock()
  }

  /// Ends the helpers' threads once they are done with the last batch posted.
  func stop() {
    condition.lock()
    batch = nil
    posted.add(1, ordering: .releasing)
    condition.broadcast()
    condition.unlock()
  }

  /// Spins until `done` holds, or for `spins` rounds.
  @inline(__always)
  private static func spin(until done: () -> Bool) {
    var round = 0
    while round < spins && !done() {
      commitcheck_pause()
      round += 1
    }
  }
}
