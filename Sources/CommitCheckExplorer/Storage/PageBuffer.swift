#if canImport(Glibc)
import Glibc
#endif

/// Zero-filled memory straight from the kernel, for the state store's large tables.
///
/// Everything in `Storage/` is the module's raw memory, and nothing outside it holds a pointer:
/// the stores' tables and arenas, the expansion's lists, and the views workers read states
/// through. Each raw subscript checks its bounds in debug builds (`assert`); the names of the
/// paths that skip a check say `Unchecked`.
///
/// Lookups hit the index and the arena at random. On 4 KiB pages nearly every such access
/// also misses the TLB, and the page walk that follows is one more dependent memory access (two
/// levels of them in a virtual machine). From 2 MiB on, the buffer asks for transparent huge
/// pages (`madvise`), which this kernel grants only on request. Pages are touched, and so
/// become resident, only when written.
final class PageBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
  /// The first element; callers keep every access below `capacity` (see the subscript).
  let base: UnsafeMutablePointer<Element>
  let capacity: Int
  private let byteCount: Int

  static var hugePage: Int { 2 << 20 }

  /// Room for `capacity` elements, all zero bits. `reserve` maps the room without reserving
  /// swap for it (`MAP_NORESERVE`): for a buffer sized for the worst case, of which only the
  /// pages written ever become resident. Nil when a reservation is refused (an address-space
  /// limit, say); running out of memory otherwise stops the process with a message.
  init?(capacity: Int, reserve: Bool) {
    let wanted = max(1, capacity) * MemoryLayout<Element>.stride
    let page = wanted >= PageBuffer.hugePage ? PageBuffer.hugePage : 4096
    byteCount = (wanted + page - 1) / page * page
    self.capacity = byteCount / MemoryLayout<Element>.stride
    #if canImport(Glibc)
    let flags = MAP_PRIVATE | MAP_ANONYMOUS | (reserve ? MAP_NORESERVE : 0)
    let raw = mmap(nil, byteCount, PROT_READ | PROT_WRITE, flags, -1, 0)
    guard let raw, raw != UnsafeMutableRawPointer(bitPattern: -1) else {
      if reserve { return nil }
      fatalError("the state store could not map \(byteCount) bytes of memory (errno \(errno))")
    }
    if page == PageBuffer.hugePage { _ = madvise(raw, byteCount, MADV_HUGEPAGE) }
    base = raw.bindMemory(to: Element.self, capacity: self.capacity)
    #else
    let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    base = raw.bindMemory(to: Element.self, capacity: self.capacity)
    #endif
  }

  deinit {
    #if canImport(Glibc)
    munmap(UnsafeMutableRawPointer(base), byteCount)
    #else
    UnsafeMutableRawPointer(base).deallocate()
    #endif
  }

  /// Element `i`, checked against the capacity in debug builds.
  subscript(i: Int) -> Element {
    @inline(__always) get {
      assert(i >= 0 && i < capacity, "page buffer index out of range")
      return base[i]
    }
    @inline(__always) set {
      assert(i >= 0 && i < capacity, "page buffer index out of range")
      base[i] = newValue
    }
  }

  /// Room for `capacity` elements, all zero bits.
  convenience init(capacity: Int) { self.init(capacity: capacity, reserve: false)! }

  /// Gives the whole huge pages below element `end` back to the kernel, from element `from` on
  /// (what an earlier call returned); returns the new boundary. Those elements read as zero
  /// afterwards and take no memory.
  func release(below end: Int, from start: Int) -> Int {
    let perPage = PageBuffer.hugePage / MemoryLayout<Element>.stride
    let boundary = min(end, capacity) / perPage * perPage
    guard boundary > start else { return start }
    #if canImport(Glibc)
    _ = madvise(UnsafeMutableRawPointer(base + start), (boundary - start) * MemoryLayout<Element>.stride, MADV_DONTNEED)
    #endif
    return boundary
  }

  /// Makes the pages of elements `range` resident now (`MADV_POPULATE_WRITE`), so that the
  /// thread that writes them later does not stop for the kernel to zero them. Any thread may
  /// call it while others read and write the buffer; nothing changes but residency.
  func populate(_ range: Range<Int>) {
    let lo = max(0, range.lowerBound), hi = min(capacity, range.upperBound)
    guard lo < hi else { return }
    #if canImport(Glibc)
    let start = UInt(bitPattern: base + lo) / 4096 * 4096
    let end = UInt(bitPattern: base + hi)
    _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), 23)  // MADV_POPULATE_WRITE
    #endif
  }

  /// `populate` for `range`, split at huge page boundaries: each piece is one page's work for
  /// the kernel, small enough for threads to share out like chunks of states.
  func populating(_ range: Range<Int>) -> [@Sendable () -> Void] {
    let perPage = PageBuffer.hugePage / MemoryLayout<Element>.stride
    return stride(from: range.lowerBound, to: range.upperBound, by: perPage).map { lo in
      let piece = lo..<min(range.upperBound, (lo / perPage + 1) * perPage)
      return { self.populate(piece) }
    }
  }

  /// A new buffer of `capacity` elements starting with this one's first `count` (nil when a
  /// reservation is refused).
  func copy(count: Int, capacity: Int, reserve: Bool = false) -> PageBuffer? {
    guard let fresh = PageBuffer(capacity: capacity, reserve: reserve) else { return nil }
    fresh.base.update(from: base, count: count)
    return fresh
  }
}
