import CommitCheckModel

/// The packed words of one stored state, read in place: a handle valid while the store copy it
/// came from lives (the owner's later inserts never move or overwrite a state a copy holds).
struct PackedState {
  private let words: UnsafePointer<UInt64>
  let count: Int

  init(_ words: UnsafePointer<UInt64>, count: Int) {
    self.words = words
    self.count = count
  }

  subscript(i: Int) -> UInt64 {
    @inline(__always) get {
      assert(i >= 0 && i < count, "packed state word out of range")
      return words[i]
    }
  }

  /// Unpacks the state into `slots`.
  @inline(__always)
  func unpack(_ layout: StateLayout, into slots: inout [Int]) { layout.unpack(words, into: &slots) }
}

/// The words of the states a store holds from id `first` up to `end`, read in place by the
/// workers (see `PackedState`).
struct ArenaView {
  private let words: UnsafePointer<UInt64>
  let first: Int
  let end: Int
  let wordsPerState: Int

  init(_ words: UnsafePointer<UInt64>, first: Int, end: Int, wordsPerState: Int) {
    self.words = words
    self.first = first
    self.end = end
    self.wordsPerState = wordsPerState
  }

  /// State `id`, which the store must still hold.
  @inline(__always)
  func state(_ id: Int) -> PackedState {
    assert(id >= first && id < end, "state \(id) is not in the arena")
    return PackedState(words + (id - first) * wordsPerState, count: wordsPerState)
  }
}

extension RawList where Element == UInt64 {
  /// Writes one slot's value into the packed state whose words start at element `at`.
  @inline(__always)
  func patch(at: Int, _ layout: StateLayout, slot: Int, value: Int) {
    assert(at >= 0 && at + layout.wordIndex[slot] < count, "patch out of range")
    layout.patch(base + at, slot: slot, value: value)
  }
}

/// A fixed number of plain values with no reference counting: the owner frees them (`free`).
/// Copies share the storage.
struct RawBuffer<Element: BitwiseCopyable> {
  private let base: UnsafeMutablePointer<Element>
  let count: Int

  init(repeating value: Element, count: Int) {
    self.count = max(1, count)
    base = UnsafeMutablePointer.allocate(capacity: self.count)
    base.initialize(repeating: value, count: self.count)
  }

  func free() { base.deallocate() }

  func fill(_ value: Element) { base.update(repeating: value, count: count) }

  subscript(i: Int) -> Element {
    @inline(__always) get {
      assert(i >= 0 && i < count, "raw buffer index out of range")
      return base[i]
    }
    @inline(__always) nonmutating set {
      assert(i >= 0 && i < count, "raw buffer index out of range")
      base[i] = newValue
    }
  }
}

/// One optional value per chunk of a batch, each written by the one thread that expanded the
/// chunk and read once every chunk is done. Frees its storage with its owner.
final class ChunkSlots<Value>: @unchecked Sendable {
  private let values: UnsafeMutablePointer<Value?>
  let count: Int

  init(count: Int) {
    self.count = count
    values = UnsafeMutablePointer.allocate(capacity: max(1, count))
    values.initialize(repeating: nil, count: count)
  }

  subscript(i: Int) -> Value? {
    get {
      precondition(i >= 0 && i < count, "chunk index out of range")
      return values[i]
    }
    set {
      precondition(i >= 0 && i < count, "chunk index out of range")
      values[i] = newValue
    }
  }

  deinit {
    values.deinitialize(count: count)
    values.deallocate()
  }
}
