import Dispatch

extension InlineStore {
  /// Doubles the table in place. A state's slot is its hash's top bits, or the first free slot
  /// after, so the table is in hash order and a state's new home is at least twice its old
  /// one. The old table is cut into regions of equal size (`growthRegions`), and region `r`
  /// moves into the slots that regions `2r` and `2r + 1` held. So the regions move top down
  /// in rounds: each round moves the upper half of the regions left, whose targets the round
  /// before vacated (the first round's lie above the old table). Regions of one round touch
  /// disjoint slots, and `growThreads` threads share them out. Region 0 moves last, into
  /// itself and the slots region 1 held. The states of the run that wraps around to the start
  /// are set aside first, and those that cannot move within their region's targets (see
  /// `moveRegion`) during the rounds; they are inserted last, as usual. The table comes out
  /// the same for any number of threads.
  mutating func grow() {
    generation += 1
    let old = tableSize, size = 2 * old
    precondition(size <= table.capacity, "the inline state table outgrew its mapping")
    let table = table
    let newShift = shift - 1
    var aside: [UInt64] = []
    var start = 0
    while table[start] != 0 {
      aside.append(table[start])
      table[start] = 0
      start += 1
    }
    let regions = InlineStore.growthRegions(old)
    let length = old / regions
    let spilled = (0..<regions).map { _ in SpillList<UInt64>() }
    @Sendable func move(_ r: Int) {
      InlineStore.moveRegion(table, r * length..<(r + 1) * length, shift: newShift, spill: spilled[r])
    }
    var high = regions
    while high > 1 {
      let low = high / 2
      if growThreads > 1 && low > 1 {
        DispatchQueue.concurrentPerform(iterations: low) { move(low + $0) }
      } else {
        for r in low..<high { move(r) }
      }
      high = low
    }
    move(0)
    mask = size - 1
    shift = newShift
    for entry in aside + spilled.flatMap(\.items) {
      var slot = Int(truncatingIfNeeded: InlineSlot.mix(entry & InlineSlot.stateMask) >> newShift)
      while table[slot] != 0 { slot = (slot + 1) & mask }
      table[slot] = entry
    }
  }

  /// The regions a table of `slots` slots grows in (see `grow`): one region of 2^14 slots
  /// (128 KB) or more, for up to 64 regions (a power of two), from 2^15 slots on.
  static func growthRegions(_ slots: Int) -> Int {
    var regions = 1
    while regions < 64 && regions << 15 <= slots { regions <<= 1 }
    return regions
  }

  /// Moves the states in the old table's slots `region` to their places in the table twice as
  /// large (homes `mix >> newShift`), walking down from the region's top. No state there lies
  /// below its home: the run that wraps around to the start was set aside. The region's
  /// targets, the slots from twice its start to twice its end, are empty but for the states
  /// this walk moved there and, in region 0, the states below the walk, not yet moved. A state
  /// moves to the first free slot from its new home on, passing only full slots, which stay
  /// full. It goes to `spill` instead when its new home lies below the targets or below the
  /// walk (a state pushed across from a region further down, or far from a home near the
  /// start), or when its probe would run past the targets.
  private static func moveRegion(_ table: PageBuffer<UInt64>, _ region: Range<Int>, shift newShift: UInt64,
                                 spill: SpillList<UInt64>) {
    let lowest = 2 * region.lowerBound, end = 2 * region.upperBound
    var position = region.upperBound - 1
    while position >= region.lowerBound {
      let entry = table[position]
      if entry != 0 {
        table[position] = 0
        var slot = Int(truncatingIfNeeded: InlineSlot.mix(entry & InlineSlot.stateMask) >> newShift)
        if slot < position || slot < lowest {
          spill.items.append(entry)
        } else {
          while slot < end && table[slot] != 0 { slot += 1 }
          if slot == end { spill.items.append(entry) } else { table[slot] = entry }
        }
      }
      position -= 1
    }
  }
}
