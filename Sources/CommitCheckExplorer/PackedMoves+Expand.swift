import CommitCheckModel

/// An output's lists, copied out for an expansion and written back at its end: appending
/// through the output object would retain and release its buffers on every append.
struct ExpansionLists {
  var sources: RawList<Int>
  var info: RawList<SourceInfo>
  var words: RawList<UInt64>
  var actions: RawList<Action>
  var pending: RawList<Int32>
  var selfLoops: RawList<Int32>
  var violations: RawList<Int32>

  init(_ out: ExpansionOutput) {
    (sources, info, words, actions) = (out.sources, out.info, out.words, out.actions)
    (pending, selfLoops, violations) = (out.pending, out.selfLoops, out.violations)
  }

  func store(into out: ExpansionOutput) {
    (out.sources, out.info, out.words, out.actions) = (sources, info, words, actions)
    (out.pending, out.selfLoops, out.violations) = (pending, selfLoops, violations)
  }

  /// Makes room for `n` more successors of `w` words.
  @inline(__always)
  mutating func reserve(_ n: Int, words w: Int) {
    words.reserve(n * w)
    actions.reserve(n)
    selfLoops.reserve(n)
    pending.reserve(n)
  }

  /// Records one successor, whose words were just appended; `reserve` made room.
  @inline(__always)
  mutating func record(_ action: Action, loop: Bool, _ facts: inout SourceInfo) {
    let index = Int32(actions.count)
    actions.appendReserved(action)
    if loop { selfLoops.appendReserved(index) } else { pending.appendReserved(index) }
    if !action.kind.isFailure {
      facts.protocolMoves += 1
      if loop { facts.selfLoops += 1 }
    }
  }
}

extension PackedMoves {
  /// Expands the stored states `ids` (read from `arena`) into `out`, as
  /// `ExpansionWorker.expand` does before the lookups.
  func expand(_ ids: Range<Int>, arena: ArenaView, invariants: [Bool], into out: ExpansionOutput) {
    var lists = ExpansionLists(out)
    defer { lists.store(into: out) }
    lists.sources.reserve(ids.count)
    lists.info.reserve(ids.count)
    for id in ids {
      expanded += 1
      lists.sources.appendReserved(id)
      let facts = expand(arena.state(id), invariants: invariants, into: &lists, out)
      lists.info.appendReserved(facts)
      if facts.failed { break }
    }
  }

  /// Expands one state into `lists`: its facts, invariant violations, and successors' words and
  /// actions. A model error is recorded in `out` (`error`) and in the facts (`failed`).
  @inline(__always)
  private func expand(_ state: PackedState, invariants: [Bool], into lists: inout ExpansionLists,
                      _ out: ExpansionOutput) -> SourceInfo {
    let w = w
    var facts = SourceInfo()
    var seen: UInt8 = 0
    if plainDecisions {
      for p in 0..<processes {
        let code = decisionCodes[decisionStart[p] + Int(control[p].read(state))]
        seen |= code
        if code == 0 && crashed[p].read(state) == 0 { facts.liveUndecided = true }
      }
    } else {
      for p in 0..<processes {
        let code = decisionCodes[decisionStart[p] + Int(control[p].read(state))] | UInt8(history[p].read(state))
        seen |= code
        let down = crashed[p].read(state) != 0
        if code == 0 && !down && deciding[p] { facts.liveUndecided = true }
        if fairRecovery && down && recoveryBudget[p].read(state) > 0 { facts.recoveryForced = true }
      }
    }
    facts.atomicityViolated = seen & 3 == 3
    var unpacked = false
    // A move the memo does not hold: its writes patched into a copy of the state.
    func emit(_ action: Action, _ writes: UnsafeBufferPointer<Int>) {
      lists.reserve(1, words: w)
      let at = lists.words.count
      for i in 0..<w { lists.words.appendReserved(state[i]) }
      for k in stride(from: 0, to: writes.count, by: 2) {
        lists.words.patch(at: at, layout, slot: writes[k], value: writes[k + 1])
      }
      var loop = true
      for i in 0..<w where lists.words[at + i] != state[i] { loop = false }
      lists.record(action, loop: loop, &facts)
    }
    do {
      // Every property is evaluated on every state, so a model error in one shows here.
      for i in 0..<properties {
        let holds = try property(i, state, &unpacked)
        if invariants[i] && !holds {
          lists.violations.append(Int32(i))
          facts.violations += 1
        }
      }
      let start = lists.actions.count
      // The processes' moves, then the failures'.
      for p in 0..<(generator.failuresPossible ? processes + 1 : processes) {
        guard keyBits[p] <= 128, let e = try entry(p, state, &unpacked) else {
          unpack(state, &unpacked)
          if p == processes {
            try generator.failureMoves(of: slots, emit)
          } else {
            try generator.moves(of: slots, process: p, emit)
          }
          continue
        }
        let lo = Int(entryStart[e]), hi = Int(entryEnd[e])
        lists.reserve(hi - lo, words: w)
        if w == 1 {
          let word = state[0]
          for m in lo..<hi {
            let next = (word & ~moveClear[m]) | moveSet[m]
            lists.words.appendReserved(next)
            lists.record(moveAction[m], loop: next == word, &facts)
          }
        } else {
          for m in lo..<hi {
            var loop = true
            for i in 0..<w {
              let next = (state[i] & ~moveClear[m * w + i]) | moveSet[m * w + i]
              lists.words.appendReserved(next)
              loop = loop && next == state[i]
            }
            lists.record(moveAction[m], loop: loop, &facts)
          }
        }
      }
      facts.successors = Int32(lists.actions.count - start)
      facts.noteFairLoop(actions: lists.actions, from: start, loops: lists.selfLoops, others: lists.pending)
    } catch {
      // The merge stops at this state, so its partial successors are never read.
      out.error = error
      facts.failed = true
    }
    return facts
  }
}
