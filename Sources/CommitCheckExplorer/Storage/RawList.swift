/// A growable list of plain values without reference counting, copy-on-write or exclusivity
/// checks, for the expansion's per-successor output.
///
/// Copies share the storage: only one copy may append (growing frees the old storage), and
/// the others read only while it does not. The owner frees the storage (`free`).
struct RawList<Element: BitwiseCopyable> {
  private(set) var base: UnsafeMutablePointer<Element>
  private(set) var count = 0
  private(set) var capacity: Int

  init(capacity: Int = 64) {
    self.capacity = max(1, capacity)
    base = UnsafeMutablePointer.allocate(capacity: self.capacity)
  }

  func free() { base.deallocate() }

  /// Makes room for `extra` more values, so that as many appends need no check.
  @inline(__always)
  mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(to: count + extra) }
  }

  private mutating func grow(to needed: Int) {
    var size = capacity * 2
    while size < needed { size *= 2 }
    let fresh = UnsafeMutablePointer<Element>.allocate(capacity: size)
    fresh.initialize(from: base, count: count)
    base.deallocate()
    base = fresh
    capacity = size
  }

  @inline(__always)
  mutating func append(_ value: Element) {
    if count == capacity { grow(to: count + 1) }
    base[count] = value
    count += 1
  }

  /// Appends after `reserve` made room.
  @inline(__always)
  mutating func appendReserved(_ value: Element) {
    assert(count < capacity, "append without room reserved")
    base[count] = value
    count += 1
  }

  mutating func append(contentsOf values: [Element]) {
    reserve(values.count)
    values.withUnsafeBufferPointer { values in
      if let first = values.baseAddress { (base + count).initialize(from: first, count: values.count) }
    }
    count += values.count
  }

  /// Adds `n` values left unwritten, for the caller to write before anything reads them.
  mutating func extend(by n: Int) {
    reserve(n)
    count += n
  }

  mutating func removeAll() { count = 0 }

  mutating func removeLast(_ n: Int) {
    assert(n >= 0 && n <= count)
    count -= n
  }

  subscript(i: Int) -> Element {
    @inline(__always) get {
      assert(i >= 0 && i < count, "raw list index out of range")
      return base[i]
    }
    @inline(__always) nonmutating set {
      assert(i >= 0 && i < count, "raw list index out of range")
      base[i] = newValue
    }
  }

  /// The bytes it holds.
  var bytes: Int { capacity * MemoryLayout<Element>.stride }

  var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }
  var mutableBuffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}

/// A fixed-size table of plain values, read without reference counting in the hot loops.
/// Copies share it; the last one frees it.
struct Table<Element: BitwiseCopyable>: @unchecked Sendable {
  private let base: UnsafeMutablePointer<Element>
  private let owner: TableStorage
  let count: Int

  init(_ values: [Element]) {
    base = UnsafeMutablePointer.allocate(capacity: max(1, values.count))
    base.initialize(from: values, count: values.count)
    owner = TableStorage(base)
    count = values.count
  }

  init(repeating value: Element, count: Int) {
    base = UnsafeMutablePointer.allocate(capacity: max(1, count))
    base.initialize(repeating: value, count: count)
    owner = TableStorage(base)
    self.count = count
  }

  /// Room for `count` values, each written before it is read (untouched pages stay unmapped).
  init(uninitialized count: Int) {
    base = UnsafeMutablePointer.allocate(capacity: max(1, count))
    owner = TableStorage(base)
    self.count = count
  }

  subscript(i: Int) -> Element {
    @inline(__always) get {
      assert(i >= 0 && i < count, "table index out of range")
      return base[i]
    }
    @inline(__always) nonmutating set {
      assert(i >= 0 && i < count, "table index out of range")
      base[i] = newValue
    }
  }

  func fill(_ value: Element) { base.update(repeating: value, count: count) }
}

/// Frees a `Table`'s memory with its last copy.
private final class TableStorage {
  let pointer: UnsafeMutableRawPointer
  init<Element>(_ base: UnsafeMutablePointer<Element>) { pointer = UnsafeMutableRawPointer(base) }
  deinit { pointer.deallocate() }
}
