import CommitCheckModel

/// Expands stored states with its own successor generator (one worker per thread).
final class ExpansionWorker {
  let generator: SuccessorGenerator
  let system: TransitionSystem
  // One thread at a time uses a worker: no access to these needs checking.
  @exclusivity(unchecked) private var slots: [Int]
  @exclusivity(unchecked) private var current: [UInt64]
  @exclusivity(unchecked) private var next: [UInt64]

  let symmetry: Symmetry?
  @exclusivity(unchecked) private var canonical: [Int]
  /// Which properties are invariants, read on every state (`system.properties` holds strings,
  /// which iterating it would retain and release).
  private let invariants: [Bool]
  /// Without symmetry, states are expanded on their packed words.
  private let packedMoves: PackedMoves?
  /// The worker's place among the explorer's (0: the calling thread's, which merges), and the
  /// outputs it may fill again, given back after each merge while no worker works, oldest
  /// first, with their bytes.
  let index: Int
  @exclusivity(unchecked) private var spare: [ExpansionOutput] = []
  @exclusivity(unchecked) private var spareBytes = 0
  /// A helper's outputs wait until this many bytes of others wait too (see `output`).
  private let reserve: Int

  init(_ system: TransitionSystem, symmetry: Symmetry?, options: ExplorerOptions, index: Int) {
    self.index = index
    reserve = index == 0 ? 0 : Explorer.outputReserve(options.maxMemory)
    self.system = system
    self.symmetry = symmetry
    invariants = system.properties.map { $0.kind == .invariant }
    canonical = Array(repeating: 0, count: system.layout.slotCount)
    generator = SuccessorGenerator(system)
    packedMoves = symmetry == nil && options.packedExpansion
      ? PackedMoves(generator, moveLimit: options.packedMoveLimit, giveUpMisses: options.packedGiveUpMisses)
      : nil
    slots = Array(repeating: 0, count: system.layout.slotCount)
    current = Array(repeating: 0, count: system.layout.wordCount)
    next = current
  }

  /// An output to fill. The merge reads a helper's outputs, and the lines it read stay in the
  /// merging thread's caches for a while: filling one again at once takes each of them back,
  /// which costs dearly when the two processors share no cache. So a helper fills the oldest of its outputs once `reserve` bytes of others
  /// wait, and new ones until then. The merging thread's own are still in its cache: it fills
  /// the newest.
  func output() -> ExpansionOutput {
    guard index == 0 ? !spare.isEmpty : spareBytes > reserve else { return ExpansionOutput(owner: index) }
    let out = index == 0 ? spare.removeLast() : spare.removeFirst()
    spareBytes -= out.bytes
    return out
  }

  /// Takes back an output of this worker's that the merge has read.
  func giveBack(_ out: ExpansionOutput) {
    spare.append(out)
    spareBytes += out.bytes
  }

  /// Expands the stored states `ids` into `out`. The store is only read, so workers share it;
  /// the lookups of successors already stored happen here, in parallel (`StateStorage.lookUp`;
  /// an inline table is not read at all: the merge looks every successor up).
  func expand<Store: StateStorage>(_ ids: Range<Int>, store: Store, into out: ExpansionOutput) {
    out.clear()
    out.generation = store.generation
    if let packedMoves {
      packedMoves.expand(ids, arena: store.arena, invariants: invariants, into: out)
    } else {
      generate(ids, arena: store.arena, into: out)
    }
    store.lookUp(out)
  }

  /// Expands the stored states `ids` into `out`, up to the lookups: their facts, invariant
  /// violations, and successors' words and actions. The general path, which unpacks every
  /// state: the one symmetry reduction takes, since it canonicalizes the unpacked successors.
  private func generate(_ ids: Range<Int>, arena: ArenaView, into out: ExpansionOutput) {
    let layout = system.layout
    let w = layout.wordCount
    for id in ids {
      out.sources.append(id)
      let state = arena.state(id)
      state.unpack(layout, into: &slots)
      for i in 0..<w { current[i] = state[i] }
      var facts = SourceInfo()
      let (atomic, liveUndecided, recoveryPending) = generator.decisionFacts(slots)
      facts.atomicityViolated = !atomic
      facts.liveUndecided = liveUndecided
      facts.recoveryForced = recoveryPending && system.fairRecovery
      do {
        // Every property is evaluated on every state, so a model error in one shows here.
        for i in invariants.indices {
          let holds = try generator.evaluateChecked(property: i, in: slots)
          if invariants[i], !holds {
            out.violations.append(Int32(i))
            facts.violations += 1
          }
        }
        let start = out.actions.count
        try generator.moves(of: slots) { action, writes in
          if let symmetry {
            for i in 0..<slots.count { canonical[i] = slots[i] }
            for k in stride(from: writes.startIndex, to: writes.endIndex, by: 2) { canonical[writes[k]] = writes[k + 1] }
            symmetry.canonicalize(&canonical)
            layout.pack(canonical, into: &next)
          } else {
            for i in 0..<w { next[i] = current[i] }
            for k in stride(from: writes.startIndex, to: writes.endIndex, by: 2) {
              layout.patch(&next, slot: writes[k], value: writes[k + 1])
            }
          }
          out.words.append(contentsOf: next)
          let loop = next == current
          if loop { out.selfLoops.append(Int32(out.actions.count)) } else { out.pending.append(Int32(out.actions.count)) }
          out.actions.append(action)
          if !action.kind.isFailure {
            facts.protocolMoves += 1
            if loop { facts.selfLoops += 1 }
          }
        }
        facts.successors = Int32(out.actions.count - start)
        facts.noteFairLoop(actions: out.actions, from: start, loops: out.selfLoops, others: out.pending)
      } catch {
        // The merge stops at this state, so its partial successors are never read.
        out.error = error
        facts.failed = true
      }
      out.info.append(facts)
      if facts.failed { break }
    }
  }
}
