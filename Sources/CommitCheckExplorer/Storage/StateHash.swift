/// The hash of packed words that the exact and compact stores share.
enum StateHash {
  @inline(__always)
  static func hash<Words: RandomAccessCollection<UInt64>>(_ words: Words, from offset: Int = 0, count: Int) -> Int
    where Words.Index == Int
  {
    Int(truncatingIfNeeded: fingerprint(words, from: offset, count: count))
  }

  /// A 64-bit hash of packed words; never 0 (0 marks an empty slot).
  @inline(__always)
  static func fingerprint<Words: RandomAccessCollection<UInt64>>(_ words: Words, from offset: Int = 0, count: Int)
    -> UInt64 where Words.Index == Int
  {
    var h: UInt64 = 0x243F_6A88_85A3_08D3
    for i in offset..<(offset + count) {
      h = (h ^ words[i]) &* 0x9E37_79B9_7F4A_7C15
      h ^= h >> 29
    }
    h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
    h ^= h >> 32
    return h == 0 ? 1 : h
  }

  /// The fingerprint of the `count` words from `words`.
  @inline(__always)
  static func fingerprint(_ words: UnsafePointer<UInt64>, count: Int) -> UInt64 {
    fingerprint(UnsafeBufferPointer(start: words, count: count), count: count)
  }
}

/// What one thread rebuilding a table set aside, to be placed afterwards; each thread writes
/// only its own list.
final class SpillList<Item>: @unchecked Sendable {
  var items: [Item] = []
}

/// Hands a value that is not `Sendable` to another thread.
///
/// Safe where used: one thread at a time works on the value (a crew's worker; a part of the
/// index that rehashing threads split between them).
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
