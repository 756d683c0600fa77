import CommitCheckModel

/// What one expanded state contributes to the merge.
struct SourceInfo {
  var successors: Int32 = 0
  var protocolMoves: Int32 = 0
  var selfLoops: Int32 = 0
  /// A weakly fair run may stay here forever: every enabled protocol move's fairness unit (its
  /// process, transition and message) has a self-loop here, so each can be taken without
  /// leaving (see `noteFairLoop`).
  var fairLoop = false
  var liveUndecided = false
  /// Under fair recovery, a crashed process may still recover here: the run cannot end here.
  var recoveryForced = false
  var atomicityViolated = false
  /// Successors the workers could not resolve (not stored before the batch, not self-loops).
  var unresolved: Int32 = 0
  /// A protocol move to a state stored before the batch with a smaller id than the source
  /// (never set on inline storage, whose merge looks every successor up).
  var knownBackEdge = false
  /// How many invariants the state violates (listed in the worker's `violations`).
  var violations: Int32 = 0
  /// A model error stopped the expansion here (the worker's `error`).
  var failed = false
}

extension SourceInfo {
  /// Sets `fairLoop` for a state whose moves are `actions[start...]`, listed by index (last) in
  /// `loops` (its self-loops) and `others`. Only a state with a protocol self-loop can be one; a
  /// unit's other moves may leave (a `choose` branch that stays and one that goes).
  mutating func noteFairLoop(actions: RawList<Action>, from start: Int, loops: RawList<Int32>, others: RawList<Int32>) {
    // Only the merge's livelock check reads it, for a live undecided state.
    guard selfLoops > 0 && liveUndecided else { return }
    if selfLoops == protocolMoves {
      fairLoop = true
      return
    }
    // The state's self-loops are the last of `loops`, its other moves the last of `others`;
    // a few self-loops at most, so each other move's unit is looked for among them (no
    // allocation: this runs on many states, and the first move that leaves usually decides).
    var first = loops.count
    while first > 0 && Int(loops[first - 1]) >= start { first -= 1 }
    var k = others.count - 1
    while k >= 0 && Int(others[k]) >= start {
      let move = actions[Int(others[k])]
      k -= 1
      if move.kind.isFailure { continue }
      var looped = false
      for l in first..<loops.count {
        let loop = actions[Int(loops[l])]
        if !loop.kind.isFailure && loop.fairnessUnit == move.fairnessUnit {
          looped = true
          break
        }
      }
      if !looped { return }
    }
    fairLoop = true
  }
}

/// What the expansion of a chunk hands to the merge: the successors' packed words and actions,
/// the lookups' results, and per-state facts.
///
/// Its lists are stored properties of a class, which Swift checks for exclusive access on
/// every access: the hot loops read each list once into a local (`ChunkLists`) or copy it out
/// and back, and the lists opt out of the checks, since one thread at a time uses an output.
final class ExpansionOutput {
  /// The index of the worker that fills it.
  let owner: Int
  init(owner: Int) { self.owner = owner }

  /// A successor's target while the lookups have not found it, and for a self-loop.
  static let unknown = UInt32.max
  static let selfLoop = UInt32.max - 1

  @exclusivity(unchecked) var sources = RawList<Int>()
  @exclusivity(unchecked) var info = RawList<SourceInfo>()
  @exclusivity(unchecked) var words = RawList<UInt64>()
  @exclusivity(unchecked) var actions = RawList<Action>()
  /// Per successor: its id when stored before the batch, `selfLoop`, or `unknown`.
  @exclusivity(unchecked) var targets = RawList<UInt32>()
  /// The successors to look up in the store (all but self-loops), and the self-loops.
  @exclusivity(unchecked) var pending = RawList<Int32>()
  @exclusivity(unchecked) var selfLoops = RawList<Int32>()
  /// After the lookups: the successors still unknown, by index, in order. With inline storage,
  /// which has no lookups here: every successor but the self-loops, whose words `words` then
  /// holds in that order, from its start.
  @exclusivity(unchecked) var unresolved = RawList<Int32>()
  /// After the lookups, per successor still unknown (in `unresolved`'s order): where its
  /// lookup ended, a hint for the insert, valid while the store's generation is `generation`.
  @exclusivity(unchecked) var hints = RawList<Int>()
  /// With inline storage: the chunk's successors listed so far, a small open-addressing table
  /// (see `InlineStore.lookUp`).
  @exclusivity(unchecked) var seen = RawList<UInt64>()
  @exclusivity(unchecked) var generation = 0
  /// The invariants each expanded state violates, in order (`SourceInfo.violations` each).
  @exclusivity(unchecked) var violations = RawList<Int32>()
  /// The model error that stopped the expansion, if any.
  @exclusivity(unchecked) var error: ModelRuntimeError?

  deinit {
    sources.free()
    info.free()
    words.free()
    actions.free()
    targets.free()
    pending.free()
    selfLoops.free()
    unresolved.free()
    hints.free()
    seen.free()
    violations.free()
  }

  /// The bytes its lists hold.
  var bytes: Int {
    sources.bytes + info.bytes + words.bytes + actions.bytes + targets.bytes + pending.bytes + selfLoops.bytes
      + unresolved.bytes + hints.bytes + seen.bytes + violations.bytes
  }

  func clear() {
    sources.removeAll()
    info.removeAll()
    words.removeAll()
    actions.removeAll()
    targets.removeAll()
    pending.removeAll()
    selfLoops.removeAll()
    unresolved.removeAll()
    hints.removeAll()
    violations.removeAll()
    error = nil
  }
}

/// An output's lists, read once for the merge: each access through the output would retain and
/// release its buffers.
struct ChunkLists {
  let sources: RawList<Int>
  let info: RawList<SourceInfo>
  let words: RawList<UInt64>
  let actions: RawList<Action>
  let targets: RawList<UInt32>
  let unresolved: RawList<Int32>
  let hints: RawList<Int>
  let violations: RawList<Int32>
  let generation: Int
  let error: ModelRuntimeError?

  init(_ out: ExpansionOutput) {
    (sources, info, words, actions) = (out.sources, out.info, out.words, out.actions)
    (targets, unresolved, hints, violations) = (out.targets, out.unresolved, out.hints, out.violations)
    generation = out.generation
    error = out.error
  }
}
