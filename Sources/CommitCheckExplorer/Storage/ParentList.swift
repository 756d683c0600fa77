/// The parent of each state, by id (`UInt32.max` for initial states), in a mapping reserved for
/// as many states as the memory limit allows: it grows in place, so a large run never holds an
/// old and a new copy at once, as a doubling array would (a quarter of the peak memory at the
/// moment it doubles).
///
/// Copies share the storage: only the exploration that owns the list appends, and it never
/// reads beyond its own `count`, so a copy made earlier reads what it holds.
public struct ParentList: RandomAccessCollection, Equatable, Sendable {
  private var buffer: PageBuffer<UInt32>
  public private(set) var count = 0

  /// Room for `capacity` parents, reserved (without becoming resident) when that is large;
  /// more needs a copy. An empty list when nothing could be reserved.
  init(capacity: Int = 16) {
    buffer = PageBuffer(capacity: capacity, reserve: true) ?? PageBuffer(capacity: 16)
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { count }

  public subscript(id: Int) -> UInt32 {
    precondition(id >= 0 && id < count, "no state \(id)")
    return buffer[id]
  }

  mutating func append(_ parent: UInt32) {
    if count == buffer.capacity { buffer = buffer.copy(count: count, capacity: 2 * count)! }
    buffer[count] = parent
    count += 1
  }

  public static func == (a: ParentList, b: ParentList) -> Bool { a.elementsEqual(b) }
}
