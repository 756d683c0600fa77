import CommitCheckModel

/// Expands states on their packed words (without symmetry reduction), never unpacking a state
/// whose moves and property values are all memoized.
///
/// The generator memoizes each process's moves on the slots the process reads, but it works on
/// unpacked slots. Here each process's memo is keyed on those slots' bits, cut out of the words
/// in runs of adjacent bits, and a memoized move is kept, per word, as the bits it clears and
/// the bits it sets: a successor's word is `word & ~clear | set`. Property values are memoized
/// the same way, and the decision facts are read off the words. The failure moves (crashes,
/// losses, ...) are one more memo, keyed on the slots they read. The generator runs, on the
/// unpacked slots, only when a memo misses.
///
/// Moves, their order and model errors are the generator's: an entry is made of the generator's
/// own moves for the process, which depend only on the slots its key holds, and nothing is
/// memoized from a computation that met a model error.
final class PackedMoves {
  let generator: SuccessorGenerator
  let layout: StateLayout
  let w: Int
  let processes: Int
  let properties: Int
  /// Per process: its control slot and crashed flag, and where its decision codes start in
  /// `decisionCodes` (`SuccessorGenerator.decisionFacts`).
  let control: Table<Field>
  let crashed: Table<Field>
  let decisionStart: Table<Int>
  let decisionCodes: Table<UInt8>
  /// Per process: its decision history (a field that reads 0 without one), whether it decides,
  /// and its role's recovery budget; whether recovery is fair. `plainDecisions` when none of
  /// these matters (no history, every role decides, recovery not fair): the decision facts
  /// then read control states and crashed flags only, as they did before these existed.
  let history: Table<Field>
  let deciding: Table<Bool>
  let recoveryBudget: Table<Field>
  let fairRecovery: Bool
  let plainDecisions: Bool
  /// Key `k` (process `k`; at `processes`, the failure moves; then property
  /// `k - processes - 1`) is two words, `keyBits[k]` bits in all (`Int.max` when they do not
  /// fit, or once a process's memo is dropped): the runs `runStart[k]..<runSplit[k]` make the first word and
  /// `runSplit[k]..<runStart[k + 1]` the second, each placed at its `position`.
  let runs: Table<(field: Field, position: UInt64)>
  let runStart: Table<Int>
  let runSplit: Table<Int>
  let keyBits: Table<Int>
  /// Moves of process `p` (of the failures, at `p == processes`): keys of at most `directBits`
  /// bits index `moveTable` from `tableBase[p]` directly; longer ones (up to two words) go to
  /// `caches[p]`. A table or cache entry is an entry id + 1 (0: not yet known). Entry `e` is
  /// moves `entryStart[e]..<entryEnd[e]`; move `m` is `moveAction[m]`, clearing the bits
  /// `moveClear[m * w + i]` of word `i` and setting `moveSet[m * w + i]`.
  let tableBase: Table<Int>
  let moveTable: Table<Int32>
  let caches: Table<Cache>
  let entryStart: Table<Int32>
  let entryEnd: Table<Int32>
  let moveClear: Table<UInt64>
  let moveSet: Table<UInt64>
  let moveAction: Table<Action>
  let moveLimit: Int
  // One thread at a time uses a worker's memo: no access to these needs checking.
  @exclusivity(unchecked) var entries = 0
  /// States expanded so far.
  @exclusivity(unchecked) var expanded = 0
  @exclusivity(unchecked) var moveCount = 0
  /// Property `i`: keys of at most `propertyDirectBits` bits index `propertyTable` from
  /// `propertyBase[i]` (0 unknown, 1 false, 2 true); longer ones (up to 61 bits) go to a
  /// direct-mapped cache of `key << 2 | value` from `propertyCacheBase[i]`.
  let propertyBase: Table<Int>
  let propertyCacheBase: Table<Int>
  let propertyTable: Table<UInt8>
  let propertyCache: Table<UInt64>
  /// The unpacked state, filled on a memo miss.
  @exclusivity(unchecked) var slots: [Int]

  /// A direct-mapped cache of memo entries: line `l` holds an entry id + 1 in `entries[l]` for
  /// the key `keys[2 * l], keys[2 * l + 1]`. It starts small and doubles, up to 2^`cacheBits`
  /// lines, whenever it has missed twice as often as it has lines: a process meets few
  /// distinct keys in one model and hundreds of thousands in another. A process whose key
  /// differs in nearly every state (a coordinator that reads every channel) misses on more than
  /// half of the states; past `giveUpMisses` such misses its memo is dropped, and its moves are
  /// computed directly, which is cheaper than a memo that never hits.
  struct Cache {
    var entries: RawBuffer<Int32>
    var keys: RawBuffer<UInt64>
    var lines: Int
    var misses = 0

    init(lines: Int) {
      self.lines = lines
      entries = RawBuffer(repeating: 0, count: lines)
      keys = RawBuffer(repeating: 0, count: 2 * lines)
    }

    func free() {
      entries.free()
      keys.free()
    }
  }

  /// Bits of one word: `(words[word] >> shift) & mask`, `shift` below 64.
  struct Field {
    var word: Int
    var shift: UInt64
    var mask: UInt64

    /// Masking shifts (`&>>`, `&<<`) here and in keys: every shift is below 64, and a plain
    /// shift would test for larger ones on every read.
    @inline(__always)
    func read(_ words: PackedState) -> UInt64 { (words[word] &>> shift) & mask }
  }

  static let directBits = 16
  static let cacheBits = 18
  static let initialCacheBits = 10
  static let giveUpMisses = 1 << 16
  let giveUpMisses: Int
  static let propertyDirectBits = 22
  static let propertyCacheLines = 1 << 16
  /// Memoized moves (and entries) at most, by default; past it the memo starts over.
  static let moveLimit = 1 << 18

  init(_ generator: SuccessorGenerator, moveLimit: Int = PackedMoves.moveLimit,
       giveUpMisses: Int = PackedMoves.giveUpMisses) {
    let system = generator.system
    let layout = system.layout
    self.generator = generator
    self.layout = layout
    self.moveLimit = max(1, moveLimit)
    self.giveUpMisses = giveUpMisses
    w = layout.wordCount
    processes = system.processes.count
    properties = system.properties.count
    func field(_ slot: Int) -> Field {
      Field(word: layout.wordIndex[slot], shift: layout.shifts[slot], mask: layout.masks[slot])
    }
    let bases = generator.processBases
    control = Table(bases.map { field($0) })
    crashed = Table(bases.map { field($0 + 1) })
    decisionStart = Table(generator.decisionStart)
    decisionCodes = Table(generator.decisionCodes)
    history = Table(generator.historySlots.map { $0 < 0 ? Field(word: 0, shift: 0, mask: 0) : field($0) })
    deciding = Table(generator.deciding)
    recoveryBudget = Table(generator.recoverySlots.map { field($0) })
    fairRecovery = system.fairRecovery
    plainDecisions = !fairRecovery && generator.historySlots.allSatisfy { $0 < 0 } && generator.deciding.allSatisfy { $0 }
    var runList: [(field: Field, position: UInt64)] = [], starts = [0], splits: [Int] = [], bits: [Int] = []
    let keys = generator.moveReads + [generator.failureReads] + (0..<properties).map { generator.propertyReads($0) }
    for slots in keys {
      // Slots are packed in order, so sorted slots have increasing (word, bit) positions.
      var position: UInt64 = 0
      var keyWord = 0
      var split = -1
      var open: (word: Int, shift: UInt64, width: UInt64)?
      func close() {
        guard var run = open else { return }
        open = nil
        while run.width > 0 {
          if position == 64 {
            // The key's next word.
            keyWord += 1
            position = 0
            if keyWord == 1 { split = runList.count }
          }
          let width = min(run.width, 64 - position)
          let mask: UInt64 = width >= 64 ? ~0 : (1 << width) - 1
          runList.append((Field(word: run.word, shift: run.shift, mask: mask), position))
          position += width
          run = (run.word, run.shift + width, run.width - width)
        }
      }
      for slot in Set(slots).sorted() {
        let width = UInt64(StateLayout.bitWidth(layout.maxValues[slot]))
        guard width > 0 else { continue }
        let word = layout.wordIndex[slot], shift = layout.shifts[slot]
        if let run = open, run.word == word, run.shift + run.width == shift {
          open = (word, run.shift, run.width + width)
        } else {
          close()
          open = (word, shift, width)
        }
      }
      close()
      splits.append(split < 0 ? runList.count : split)
      starts.append(runList.count)
      bits.append(keyWord <= 1 ? 64 * keyWord + Int(position) : Int.max)
    }
    runs = Table(runList)
    runStart = Table(starts)
    runSplit = Table(splits)
    keyBits = Table(bits)
    var tableBases: [Int] = [], tableSize = 0
    for p in 0...processes {
      tableBases.append(tableSize)
      if bits[p] <= PackedMoves.directBits { tableSize += 1 << bits[p] }
    }
    tableBase = Table(tableBases)
    moveTable = Table(repeating: 0, count: tableSize)
    caches = Table((0...processes).map { p in
      Cache(lines: bits[p] <= PackedMoves.directBits || bits[p] > 128 ? 1 : 1 << PackedMoves.initialCacheBits)
    })
    entryStart = Table(uninitialized: self.moveLimit)
    entryEnd = Table(uninitialized: self.moveLimit)
    moveClear = Table(uninitialized: self.moveLimit * w)
    moveSet = Table(uninitialized: self.moveLimit * w)
    moveAction = Table(uninitialized: self.moveLimit)
    var propertyBases: [Int] = [], propertyCacheBases: [Int] = [], propertySize = 0, propertyCacheSize = 0
    for i in 0..<properties {
      let b = bits[processes + 1 + i]
      propertyBases.append(propertySize)
      propertyCacheBases.append(propertyCacheSize)
      if b <= PackedMoves.propertyDirectBits {
        propertySize += 1 << b
      } else if b <= 61 {
        propertyCacheSize += PackedMoves.propertyCacheLines
      }
    }
    propertyBase = Table(propertyBases)
    propertyCacheBase = Table(propertyCacheBases)
    propertyTable = Table(repeating: 0, count: propertySize)
    propertyCache = Table(repeating: 0, count: propertyCacheSize)
    slots = Array(repeating: 0, count: layout.slotCount)
  }

  /// The first word of key `k`, all of it when `keyBits[k] <= 64`.
  @inline(__always)
  func key(_ k: Int, _ state: PackedState) -> UInt64 {
    var key: UInt64 = 0
    for r in runStart[k]..<runSplit[k] {
      let run = runs[r]
      key |= run.field.read(state) &<< run.position
    }
    return key
  }

  /// The second word of key `k` (0 when `keyBits[k] <= 64`).
  @inline(__always)
  func keyHigh(_ k: Int, _ state: PackedState) -> UInt64 {
    var key: UInt64 = 0
    for r in runSplit[k]..<runStart[k + 1] {
      let run = runs[r]
      key |= run.field.read(state) &<< run.position
    }
    return key
  }

  deinit {
    for p in 0...processes { caches[p].free() }
  }

  @inline(__always)
  static func line(_ key: UInt64, _ high: UInt64 = 0, lines: Int) -> Int {
    var h = (key ^ (high &* 0xC2B2_AE3D_27D4_EB4F)) &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 29
    return Int(truncatingIfNeeded: h >> 20) & (lines - 1)
  }

  func unpack(_ state: PackedState, _ unpacked: inout Bool) {
    guard !unpacked else { return }
    state.unpack(layout, into: &slots)
    unpacked = true
  }

  /// Whether property `i` holds in `state`.
  @inline(__always)
  func property(_ i: Int, _ state: PackedState, _ unpacked: inout Bool)
    throws(ModelRuntimeError) -> Bool
  {
    let bits = keyBits[processes + 1 + i]
    let key = key(processes + 1 + i, state)
    var line = -1
    if bits <= PackedMoves.propertyDirectBits {
      let known = propertyTable[propertyBase[i] + Int(key)]
      if known != 0 { return known == 2 }
    } else if bits <= 61 {
      line = propertyCacheBase[i] + PackedMoves.line(key, lines: PackedMoves.propertyCacheLines)
      let entry = propertyCache[line]
      if entry & 3 != 0 && entry >> 2 == key { return entry & 3 == 2 }
    }
    unpack(state, &unpacked)
    let holds = try generator.evaluateChecked(property: i, in: slots)
    if bits <= PackedMoves.propertyDirectBits {
      propertyTable[propertyBase[i] + Int(key)] = holds ? 2 : 1
    } else if line >= 0 {
      propertyCache[line] = key << 2 | (holds ? 2 : 1)
    }
    return holds
  }

  /// The memo entry of process `p`'s moves in `state` (whose key is not too long to memoize),
  /// computed on a miss; nil when the moves are too many to memoize.
  @inline(__always)
  func entry(_ p: Int, _ state: PackedState, _ unpacked: inout Bool)
    throws(ModelRuntimeError) -> Int?
  {
    let key = key(p, state)
    guard keyBits[p] > PackedMoves.directBits else {
      let line = tableBase[p] + Int(key)
      let known = moveTable[line]
      if known != 0 { return Int(known - 1) }
      return try miss(p, state, &unpacked, key: (key, 0), line: line, keyLine: -1)
    }
    let high = keyHigh(p, state)
    let cache = caches[p]
    let line = PackedMoves.line(key, high, lines: cache.lines)
    let known = cache.entries[line]
    if known != 0 && cache.keys[2 * line] == key && cache.keys[2 * line + 1] == high { return Int(known - 1) }
    return try miss(p, state, &unpacked, key: (key, high), line: line, keyLine: 2 * line)
  }

  /// Computes and memoizes the moves of process `p` in `state`, at `line` of the table, or of
  /// its cache when `keyLine` (the key's place there) is not -1.
  func miss(_ p: Int, _ state: PackedState, _ unpacked: inout Bool, key: (UInt64, UInt64),
                    line: Int, keyLine: Int) throws(ModelRuntimeError) -> Int?
  {
    unpack(state, &unpacked)
    var clears: [UInt64] = [], sets: [UInt64] = [], actions: [Action] = []
    let masks = layout.masks, shifts = layout.shifts, wordIndex = layout.wordIndex, w = w
    func add(_ action: Action, _ writes: UnsafeBufferPointer<Int>) {
      let first = clears.count
      clears.append(contentsOf: repeatElement(0, count: w))
      sets.append(contentsOf: repeatElement(0, count: w))
      for k in stride(from: 0, to: writes.count, by: 2) {
        let slot = writes[k], i = first + wordIndex[slot]
        let bits = masks[slot] << shifts[slot]
        clears[i] |= bits
        sets[i] = (sets[i] & ~bits) | ((UInt64(truncatingIfNeeded: writes[k + 1]) & masks[slot]) << shifts[slot])
      }
      actions.append(action)
    }
    if p == processes {
      try generator.failureMoves(of: slots, add)
    } else {
      try generator.moves(of: slots, process: p, add)
    }
    guard actions.count <= moveLimit else { return nil }
    if moveCount + actions.count > moveLimit || entries == moveLimit {
      // Start over: every entry is forgotten (a cache line is valid only with its table entry),
      // and this one made anew below.
      moveTable.fill(0)
      for q in 0...processes { caches[q].entries.fill(0) }
      entries = 0
      moveCount = 0
    }
    for m in actions.indices {
      moveAction[moveCount + m] = actions[m]
      for i in 0..<w {
        moveClear[(moveCount + m) * w + i] = clears[m * w + i]
        moveSet[(moveCount + m) * w + i] = sets[m * w + i]
      }
    }
    entryStart[entries] = Int32(moveCount)
    moveCount += actions.count
    entryEnd[entries] = Int32(moveCount)
    if keyLine < 0 {
      moveTable[line] = Int32(entries + 1)
    } else {
      var cache = caches[p]
      cache.misses += 1
      if cache.misses >= giveUpMisses && 2 * cache.misses > expanded {
        // Not worth memoizing: from now on this process's moves are computed directly.
        keyBits[p] = Int.max
        cache.free()
        cache = Cache(lines: 1)
        caches[p] = cache
        entries += 1
        return entries - 1
      }
      if cache.misses > 2 * cache.lines && cache.lines < 1 << PackedMoves.cacheBits {
        // Too small for the keys this process meets: start over twice as large.
        cache.free()
        cache = Cache(lines: 2 * cache.lines)
      }
      let at = PackedMoves.line(key.0, key.1, lines: cache.lines)
      cache.entries[at] = Int32(entries + 1)
      (cache.keys[2 * at], cache.keys[2 * at + 1]) = key
      caches[p] = cache
    }
    entries += 1
    return entries - 1
  }
}
