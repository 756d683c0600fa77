/// The fixed layout of a global state: a vector of small non-negative integers (slots), each
/// stored in just the bits its domain needs, packed into 64-bit words.
///
/// Slots never straddle a word, so reading one is a shift and a mask. Successor computation
/// works on the unpacked vector; the explorer stores the packed words.
public struct StateLayout: Sendable {
  /// The largest value each slot can hold.
  public let maxValues: [Int]
  /// Human-readable slot names, for errors and debugging.
  public let names: [String]
  public let wordIndex: [Int]
  public let shifts: [UInt64]
  public let masks: [UInt64]
  /// Words per packed state.
  public let wordCount: Int

  init(maxValues: [Int], names: [String]) {
    self.maxValues = maxValues
    self.names = names
    var wordIndex: [Int] = []
    var shifts: [UInt64] = []
    var masks: [UInt64] = []
    var word = 0
    var used = 0
    for maxValue in maxValues {
      let width = StateLayout.bitWidth(maxValue)
      if used + width > 64 {
        word += 1
        used = 0
      }
      wordIndex.append(word)
      shifts.append(UInt64(used))
      masks.append(width >= 64 ? ~0 : (UInt64(1) << UInt64(width)) - 1)
      used += width
    }
    self.wordIndex = wordIndex
    self.shifts = shifts
    self.masks = masks
    self.wordCount = max(1, used == 0 ? word : word + 1)
  }

  /// Bits needed for values `0...maxValue`: none for a slot that is always 0.
  public static func bitWidth(_ maxValue: Int) -> Int {
    maxValue <= 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount
  }

  public var slotCount: Int { maxValues.count }

  /// A memo key made of the values of `slots`, each in its bits: where each starts, and the
  /// key's total width.
  func keyLayout(_ slots: [Int]) -> (shifts: [Int], bits: Int) {
    var shifts: [Int] = []
    var bits = 0
    for slot in slots {
      shifts.append(bits)
      bits += StateLayout.bitWidth(maxValues[slot])
    }
    return (shifts, bits)
  }

  /// Total bits of state, before word alignment.
  public var bitCount: Int { maxValues.reduce(0) { $0 + StateLayout.bitWidth($1) } }

  @inlinable
  public func pack(_ slots: [Int], into words: inout [UInt64]) {
    for i in 0..<words.count { words[i] = 0 }
    for i in 0..<slots.count {
      words[wordIndex[i]] |= (UInt64(truncatingIfNeeded: slots[i]) & masks[i]) << shifts[i]
    }
  }

  /// The word holding `slot` (`wordIndex[slot]`), with the slot set to `value`.
  @inlinable
  public func patched(_ word: UInt64, slot: Int, value: Int) -> UInt64 {
    (word & ~(masks[slot] << shifts[slot])) | ((UInt64(truncatingIfNeeded: value) & masks[slot]) << shifts[slot])
  }

  /// Writes one slot's value into packed words.
  @inlinable
  public func patch(_ words: inout [UInt64], slot: Int, value: Int) {
    let w = wordIndex[slot]
    words[w] = patched(words[w], slot: slot, value: value)
  }

  /// Writes one slot's value into the packed words that start at `words`: the explorer's
  /// in-place path, whose callers keep `words` valid for `wordCount` words.
  @inlinable
  package func patch(_ words: UnsafeMutablePointer<UInt64>, slot: Int, value: Int) {
    let w = wordIndex[slot]
    words[w] = patched(words[w], slot: slot, value: value)
  }

  /// Unpacks the state whose words start at `words` (`wordCount` of them, which the caller
  /// keeps valid): the explorer's in-place path.
  @inlinable
  package func unpack(_ words: UnsafePointer<UInt64>, into slots: inout [Int]) {
    for i in 0..<slots.count {
      slots[i] = Int((words[wordIndex[i]] >> shifts[i]) & masks[i])
    }
  }

  @inlinable
  public func unpack(_ words: [UInt64], into slots: inout [Int]) {
    for i in 0..<slots.count {
      slots[i] = Int((words[wordIndex[i]] >> shifts[i]) & masks[i])
    }
  }
}
