import CommitCheckModel
import Foundation

/// The breadth-first search, over any store (`StateStorage`), specialized for each.
///
/// States are expanded in batches of chunks: workers (one per thread) compute the successors,
/// property values and flags of the chunks they claim, and one merge inserts the successors in
/// source order (the store's `merge`). The merge order is the sequential BFS order, so ids,
/// parents, counts, verdicts and traces are the same for any number of threads. While one batch
/// merges, the other threads already expand the next (when the store allows it), and the main
/// thread joins them after its merge.
struct Search<Store: StateStorage> {
  let system: TransitionSystem
  let options: ExplorerOptions
  /// Worker 0 runs on the calling thread; the others on the crew's.
  let workers: [ExpansionWorker]
  let threads: Int
  let started: Date
  var store: Store
  var run: MergeRun
  /// States per batch, and per chunk at most.
  let batchLimit: Int
  let chunkLimit: Int

  init(_ system: TransitionSystem, options: ExplorerOptions, workers: [ExpansionWorker], store: Store,
       started: Date) {
    self.system = system
    self.options = options
    self.workers = workers
    threads = workers.count
    self.started = started
    self.store = store
    var ex = Exploration(system: system, store: .exploring)
    // Parents take 4 bytes a state: the memory limit allows at most a quarter as many.
    if Store.keepsParents {
      ex.storedParents = ParentList(capacity: min(options.maxStates, Explorer.stateIDLimit, options.maxMemory / 4) + 1)
    }
    ex.symmetry = options.symmetry
    ex.firstViolation = Array(repeating: nil, count: system.properties.count + 1)
    run = MergeRun(ex, maxStates: min(options.maxStates, Explorer.stateIDLimit), keepEdges: options.keepEdges)
    batchLimit = threads == 1 ? 256 : max(1, options.batchStates)
    chunkLimit = threads == 1 ? batchLimit : max(1, min(256, batchLimit / 4))
  }

  /// Explores from the initial states until every state is expanded or a limit stops it.
  mutating func explore(progress: (ExplorationProgress) -> Void) -> Exploration {
    guard insertInitialStates() else { return finished() }
    let crew = threads > 1 ? Crew<Store>(Array(workers.dropFirst())) : nil
    defer { crew?.stop() }
    var lastReport = started
    var overlapping: ExpansionBatch<Store>?
    var stopped = false
    while run.next < store.count && !stopped {
      if let reason = limitReached() {
        run.ex.stopReason = reason
        break
      }
      let current: ExpansionBatch<Store>
      if let next = overlapping {
        current = next
      } else {
        current = batch(from: run.next)!
        crew?.post(current)
        current.work(workers[0])
        crew?.wait(current)
      }
      current.finish()
      overlapping = nil
      // While this batch merges, the other threads expand the next one: the states stored so
      // far, looked up in a snapshot of the store when the store allows it (see
      // `StateStorage.mayOverlapMerge`). The main thread joins them once the merge is done.
      let inserts = current.outputs.reduce(0) { $0 + $1.unresolved.count }
      if memoryPassed(inserting: inserts) {
        run.ex.stopReason = .maxMemory
        break
      }
      if let crew, store.mayOverlapMerge(inserting: inserts), let next = batch(from: current.ranges.last!.upperBound) {
        crew.post(next)
        overlapping = next
        run.ex.overlappedBatches += 1
      }
      // Merge in source order.
      for out in current.outputs where !store.merge(ChunkLists(out), into: &run) {
        stopped = true
        break
      }
      if let next = overlapping {
        next.work(workers[0])
        crew!.wait(next)
      }
      // Back to the workers that filled them (none is working now): each worker writes only
      // its own outputs, whose cache lines then move less between the processors' caches
      // (see `ExpansionWorker.output`).
      for out in current.outputs { workers[out.owner].giveBack(out) }
      store.forget(below: run.next)
      let now = Date()
      if now.timeIntervalSince(lastReport) >= 0.25 {
        lastReport = now
        progress(ExplorationProgress(states: store.count, transitions: run.ex.transitions, depth: run.level,
                                     seconds: now.timeIntervalSince(started), bytes: store.bytes))
      }
    }
    if options.keepEdges { run.ex.edgeStart.append(run.ex.edgeTargets.count) }
    run.ex.seconds = Date().timeIntervalSince(started)
    return finished()
  }

  /// Inserts the initial states; false when a model error stops the run there.
  private mutating func insertInitialStates() -> Bool {
    let initial: [[Int]]
    do {
      initial = try workers[0].generator.initialStates()
    } catch {
      run.ex.runtimeError = (error, UInt32.max)
      run.ex.stopReason = .runtimeError
      return false
    }
    var words = Array(repeating: UInt64(0), count: system.layout.wordCount)
    for var s in initial {
      options.symmetry?.canonicalize(&s)
      system.layout.pack(s, into: &words)
      store.insertInitial(words, into: &run)
    }
    run.ex.initialCount = store.count
    run.levelEnd = store.count
    return true
  }

  private func finished() -> Exploration {
    var ex = run.ex
    ex.store = store.erased
    return ex
  }

  /// The stored states from `lo` on (at most a batch), in chunks that threads claim in turn.
  /// A store that tells levels apart by flags keeps each batch within one level.
  private mutating func batch(from lo: Int) -> ExpansionBatch<Store>? {
    var hi = min(store.count, lo + batchLimit)
    if Store.batchesKeepToOneLevel, lo < run.levelEnd { hi = min(hi, run.levelEnd) }
    guard lo < hi else { return nil }
    // Chunks shrink towards the batch's end, so that the threads finish it close together.
    var ranges: [Range<Int>] = []
    var start = lo
    while start < hi {
      let size = threads == 1 ? chunkLimit : min(chunkLimit, max(32, (hi - start) / (2 * threads)))
      ranges.append(start..<min(hi, start + size))
      start += size
    }
    let made = ExpansionBatch(ranges: ranges, store: store)
    if threads > 1 { made.prefault = store.workAhead() }
    return made
  }

  /// The limit that stops exploration before the next batch, if any. Memory is checked before
  /// it is allocated, here for the batch's successors (see `memoryPassed` for the merge).
  private func limitReached() -> StopReason? {
    if let stop = options.stop, stop.requested != 0 { return .interrupted }
    if let timeout = options.timeout, Date().timeIntervalSince(started) >= timeout { return .timeout }
    let batch = (threads == 1 ? 256 : 8192) * 64 * (system.layout.wordCount * 8 + MemoryLayout<Action>.stride)
    if heldAndReserved() + batch > options.maxMemory { return .maxMemory }
    return nil
  }

  /// Whether merging a batch that found `inserts` successors not known yet could pass the
  /// memory limit: the store's growth for that many new states (`growthBytes`: an in-place
  /// doubling adds its new half, not a second copy of everything), and their parents.
  private func memoryPassed(inserting inserts: Int) -> Bool {
    let parents = Store.keepsParents ? inserts * 4 : 0
    return heldAndReserved() + store.growthBytes(inserting: inserts) + parents > options.maxMemory
  }

  /// What the exploration holds (edges included), plus room for the edge arrays' next doubling
  /// (an array's growth copies its elements into a new buffer) and the helpers' outputs.
  private func heldAndReserved() -> Int {
    let held = Exploration.heldBytes(storeBytes: store.bytes, of: run.ex)
    let edges = run.ex.edgeTargets.count * (4 + MemoryLayout<Action>.stride) + run.ex.edgeStart.count * 8
    let reserves = (threads - 1) * Explorer.outputReserve(options.maxMemory)
    return held + edges + reserves
  }
}
