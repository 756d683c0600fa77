import CommitCheck
@testable import CommitCheckExplorer
@testable import CommitCheckModel
import Testing

/// States of one word live inline in the table when no edges are kept: the table holds the
/// states and two flags, not ids. Everything an exploration records must equal the arena's,
/// except the back-edge flag, which inline storage sets for any protocol move to the same
/// breadth-first level or a lower one (the arena: to a smaller id).
struct InlineStoreTests {
  /// A fixed pseudo-random sequence (SplitMix64), so failures repeat.
  struct Sequence {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      return InlineSlot.mix(state)
    }
  }

  /// 300,000 distinct states of 40 bits, 0 and the largest among them (neither may read as an
  /// empty slot), and the sequence they were drawn from, to draw more.
  static func randomWords() -> (words: [UInt64], seen: Set<UInt64>, random: Sequence) {
    let bits = 40
    var random = Sequence(state: 7)
    var words: [UInt64] = [0, (1 << UInt64(bits)) - 1]
    var seen: Set<UInt64> = Set(words)
    while words.count < 300_000 {
      let word = random.next() >> UInt64(64 - bits)
      if seen.insert(word).inserted { words.append(word) }
    }
    return (words, seen, random)
  }

  // The last growths (from 2^15 slots on) move 2 to 32 regions, in rounds shared out between
  // the threads: with two, regions of one round move at once.
  @Test("The inline table finds every state with its flags after growing in place many times",
        arguments: [1, 2])
  func growsInPlace(threads: Int) throws {
    let bits = 40
    var store = try #require(InlineStore(escape: 1 << 61, maxMemory: 64 << 20))
    store.growThreads = threads
    let (words, seen, drawn) = Self.randomWords()
    var random = drawn
    for (k, word) in words.enumerated() {
      #expect(store.insert(word, level: k % 3).inserted)
    }
    store.checkInvariants()
    // 300,000 states at most three quarters full: 2^19 slots (393,216 states at most), grown 15
    // times from 16.
    #expect(store.count == words.count && store.tableSize == 1 << 19 && store.generation == 15)
    // Every third state expanded: its first flag clears, its parity stays.
    let expanded = stride(from: 0, to: words.count, by: 3).map { words[$0] }
    expanded.withUnsafeBufferPointer { store.markExpanded($0.baseAddress!, count: $0.count) }
    func flags(_ k: Int) -> UInt64 { (k % 3 == 0 ? 0 : InlineSlot.unexpanded) | InlineSlot.parity(k % 3) }
    var wrong = 0
    for (k, word) in words.enumerated() {
      let (inserted, found) = store.insert(word, level: 1)
      if inserted || found != flags(k) { wrong += 1 }
    }
    #expect(wrong == 0 && store.count == words.count)
    // States never stored are new, also when the insert starts where a probe for them from
    // their home does (the merge's hint).
    let absent = (0..<1000).map { _ in random.next() >> UInt64(64 - bits) }.filter { !seen.contains($0) }
    // (A draw of 40 bits meets one of the 300,000 stored with odds of about 3 in 10^7.)
    #expect(absent.count == 1000)
    #expect(absent.allSatisfy { store.insert($0, level: 2, hint: store.home($0)).inserted })
    #expect(store.count == words.count + absent.count)
  }

  @Test("Growing the inline table with two threads lays it out as one thread does")
  func growthLayoutIsTheSame() throws {
    let words = Self.randomWords().words
    var tables: [[UInt64]] = []
    for threads in [1, 2] {
      var store = try #require(InlineStore(escape: 1 << 61, maxMemory: 64 << 20))
      store.growThreads = threads
      for word in words { _ = store.insert(word, level: 0) }
      store.checkInvariants()
      tables.append((0..<store.tableSize).map { store.table[$0] })
    }
    #expect(tables[0].count == 1 << 19 && tables[0].filter { $0 != 0 }.count == words.count)
    #expect(tables[0] == tables[1])
  }

  @Test("The escape word is one no state can be")
  func escapeWord() throws {
    // 62 bits, whose first slot (3 values in 2 bits) never holds the pattern 11, which escapes.
    let tight = StateLayout(maxValues: [2] + Array(repeating: 3, count: 30), names: Array(repeating: "x", count: 31))
    #expect(InlineSlot.escape(tight) == 3 << tight.shifts[0])
    // TwoPhase at N = 11 takes 48 bits (2 per RM's control state, 1 per RM in tmPrepared and per
    // Prepared message, 2 for the TM's state, 1 each for the broadcast Commit and Abort, whose
    // copies share a slot), so it is stored inline; at 61 bits or less the escape is bit 61.
    var options = CompileOptions()
    options.parameters["N"] = 11
    let layout = try loadModel(path: modelPath("two-phase-tla"), options: options).system.layout
    #expect(layout.wordCount == 1 && layout.bitCount == 48)
    #expect(InlineSlot.escape(layout) == 1 << 61)
    // 62 bits whose every pattern may occur (31 slots of 0...3), and 63 bits: no escape.
    #expect(InlineSlot.escape(StateLayout(maxValues: Array(repeating: 3, count: 31), names: Array(repeating: "x", count: 31))) == nil)
    #expect(InlineSlot.escape(StateLayout(maxValues: [1] + Array(repeating: 3, count: 31), names: Array(repeating: "x", count: 32))) == nil)
  }

  func explore(_ model: LoadedModel, inline: Bool, threads: Int, maxStates: Int = Explorer.stateIDLimit) -> Exploration {
    var options = ExplorerOptions()
    options.keepEdges = false
    options.inlineStates = inline
    options.threads = threads
    options.batchStates = 256
    options.maxStates = maxStates
    return Explorer().explore(model.system, options: options)
  }

  func expectSame(_ arena: Exploration, _ inline: Exploration, _ context: String) {
    #expect(inline.store.isInline && !arena.store.isInline, "\(context)")
    inline.store.checkInvariants()
    arena.store.checkInvariants()
    #expect(arena.stateCount == inline.stateCount && arena.transitions == inline.transitions
            && arena.depth == inline.depth, "\(context)")
    // Inline storage keeps no parents: its states must be numbered alike. These runs are small
    // enough that the queue still holds every state (pages go back a 2 MiB page at a time).
    let held = (0..<arena.stateCount).filter { inline.store.words(of: $0) != nil }
    #expect(held.count == arena.stateCount, "\(context)")
    #expect(held.allSatisfy { inline.store.words(of: $0) == arena.store.words(of: $0) }, "\(context)")
    // Its parents, states and ids are read from a replay on the arena, which numbers them alike.
    let replay = inline.replayed(through: UInt32(arena.stateCount - 1))
    replay.store.checkInvariants()
    #expect(inline.storedParents.isEmpty && arena.parents == replay.parents, "\(context)")
    #expect(arena.firstViolation == inline.firstViolation && arena.firstBlocked == inline.firstBlocked
            && arena.firstStuck == inline.firstStuck, "\(context)")
    #expect(arena.runtimeError?.state == inline.runtimeError?.state, "\(context)")
    #expect(arena.stopReason == inline.stopReason, "\(context)")
    // States no longer held are read from a second exploration, which numbers them alike.
    let count = arena.stateCount
    let sample = Array(Set([0, 1, count / 3, count / 2, count - 2, count - 1].filter { $0 >= 0 && $0 < count }))
    #expect(sample.allSatisfy { arena.state(UInt32($0)) == replay.state(UInt32($0)) }, "\(context)")
    #expect(sample.allSatisfy { replay.id(of: arena.state(UInt32($0))) == UInt32($0) }, "\(context)")
  }

  /// Whether a protocol move of an expanded state leads to a state on its level or a lower one,
  /// counted on the explored graph's edges.
  func movesBack(_ edges: Exploration) -> Bool {
    var level = [Int](repeating: 0, count: edges.stateCount)
    for id in 0..<edges.stateCount where edges.parents[id] != UInt32.max { level[id] = level[Int(edges.parents[id])] + 1 }
    return (0..<edges.expanded).contains { s in
      edges.edges(of: UInt32(s)).contains { e in
        let t = Int(edges.edgeTargets[e])
        return !edges.edgeActions[e].kind.isFailure && t != s && level[t] <= level[s]
      }
    }
  }

  func withEdges(_ model: LoadedModel, maxStates: Int = Explorer.stateIDLimit) -> Exploration {
    var options = ExplorerOptions()
    options.maxStates = maxStates
    return Explorer().explore(model.system, options: options)
  }

  @Test("Inline states give the arena's counts, parents, verdicts and states", arguments: shippedModelNames)
  func sameAsArena(_ name: String) throws {
    for crashes in [false, true] {
      let model = try shippedWithFailures(name, crashes: crashes)
      let arena = explore(model, inline: false, threads: 1)
      #expect(arena.stateCount > nontrivialStateCount(name))
      let fits = InlineSlot.escape(model.system.layout) != nil
      let back = movesBack(withEdges(model))
      for threads in [1, 2] {
        let inline = explore(model, inline: true, threads: threads)
        let context = "\(name), crashes \(crashes), \(threads) threads"
        if fits {
          expectSame(arena, inline, context)
          #expect(inline.hasBackEdge == back && (!arena.hasBackEdge || back), "\(context)")
        } else {
          #expect(!inline.store.isInline, "\(context)")
        }
      }
      // A partial exploration stops at the same state.
      let half = arena.stateCount / 2
      if fits {
        let partial = explore(model, inline: true, threads: 2, maxStates: half)
        expectSame(explore(model, inline: false, threads: 1, maxStates: half), partial, "\(name), partial")
        #expect(partial.hasBackEdge == movesBack(withEdges(model, maxStates: half)), "\(name), partial")
      }
    }
  }

  @Test("Two threads, in small batches that overlap the merges, give the arena's exploration")
  func twoThreads() throws {
    // Small enough for ThreadSanitizer: batches of 64 states, so that many lookups, flag
    // clearings and prefaults race with merges.
    for name in ["two-phase-tla", "seed-naive-three-phase-commit"] {
      let model = try shippedWithFailures(name, crashes: true)
      var options = ExplorerOptions()
      options.keepEdges = false
      options.batchStates = 64
      options.inlineStates = false
      let arena = Explorer().explore(model.system, options: options)
      options.threads = 2
      options.inlineStates = true
      let inline = Explorer().explore(model.system, options: options)
      #expect(inline.overlappedBatches > 0, "\(name)")
      expectSame(arena, inline, name)
    }
  }

  @Test("A move across one level sets the back-edge flag, and TwoPhase has none")
  func backEdges() throws {
    // From s, A moves to a or b (level 1), and then between a and b forever: a cycle whose
    // moves stay on level 1.
    let toggle = try compileModel(source: """
      protocol Toggle
      role A {
        state s initial
        state a
        state b
        on s step left { goto a }
        on s step right { goto b }
        on a step toB { goto b }
        on b step toA { goto a }
      }
      """, file: "toggle.commit")
    let arena = explore(toggle, inline: false, threads: 1)
    let inline = explore(toggle, inline: true, threads: 1)
    #expect(arena.hasBackEdge && inline.hasBackEdge)
    expectSame(arena, inline, "toggle")
    // TwoPhase's moves all go to the next level (each adds one to a count of steps taken), so
    // termination needs no second exploration with edges. N = 7 takes 32 bits, N = 11 (in the
    // benchmark) 48.
    var options = CompileOptions()
    options.parameters["N"] = 7
    let twoPhase = try loadModel(path: modelPath("two-phase-tla"), options: options)
    let explored = explore(twoPhase, inline: true, threads: 2)
    #expect(explored.store.isInline && !explored.hasBackEdge && !explored.needsEdges)
    #expect(explored.stateCount == 296_448)  // 6^7 + 4^7 + 2^7 (see models/two-phase-tla.commit)
    // An expanded state is read from a replay on the arena, which first gives the table's
    // memory back to the kernel: the table reads as empty from then on.
    let initial = try #require(try SuccessorGenerator(twoPhase.system).initialStates().first)
    var word = [UInt64](repeating: 0, count: 1)
    twoPhase.system.layout.pack(initial, into: &word)
    #expect(isStored(explored.store, word[0]))
    let replay = explored.replayed(through: 0)
    #expect(replay.state(0) == initial && replay.id(of: initial) == 0)
    #expect(!isStored(explored.store, word[0]))
  }

  /// Whether the inline table holds `word`: a probe from its home, as the merge's make.
  func isStored(_ stored: StoredStates, _ word: UInt64) -> Bool {
    guard case .inline(let store) = stored else { return false }
    return store.contains(word)
  }
}
