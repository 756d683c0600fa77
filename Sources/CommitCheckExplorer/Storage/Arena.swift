/// Packed states by id in one page buffer, from id `first` on: append-only while exploring, so
/// a copy of the store made earlier still reads its own states.
///
/// Past `inPlace` words it moves once into a mapping as large as `limit` (the memory limit
/// allows) and grows in place from then on, instead of holding an old and a new copy at each
/// doubling.
struct Arena {
  let wordsPerState: Int
  private(set) var buffer: PageBuffer<UInt64>
  /// Words in use, from the start of `buffer`.
  private(set) var wordCount = 0
  /// The id of the first state held (the compact store forgets expanded states).
  private(set) var first = 0
  /// Words below this were given back to the kernel (the inline store's queue).
  private(set) var releasedWords = 0
  /// Words the arena may need at most (see the type comment).
  var limit = 0
  static let inPlace = 1 << 23

  init(wordsPerState: Int, capacity: Int) {
    self.wordsPerState = wordsPerState
    buffer = PageBuffer(capacity: capacity * wordsPerState)
  }

  /// An arena in `buffer`, a mapping reserved for `limit` words.
  init(wordsPerState: Int, reserved buffer: PageBuffer<UInt64>) {
    self.wordsPerState = wordsPerState
    self.buffer = buffer
    limit = buffer.capacity
  }

  /// The bytes of the words held.
  var bytes: Int { (wordCount - releasedWords) * 8 }
  /// Bytes that appending `n` states adds at its peak: their words, and when they pass the
  /// buffer, a copy of the words held (pages of the new buffer become resident only as they
  /// are written). In its reserved mapping the arena grows in place.
  func growthBytes(adding n: Int) -> Int {
    let added = n * wordsPerState
    let copies = wordCount + added > buffer.capacity && !(limit > 0 && buffer.capacity >= limit)
    return added * 8 + (copies ? wordCount * 8 : 0)
  }

  /// The states held, `first` up to `end`, for the workers.
  func view(end: Int) -> ArenaView {
    ArenaView(UnsafePointer(buffer.base), first: first, end: end, wordsPerState: wordsPerState)
  }

  /// Appends the state whose words start at `words`.
  @inline(__always)
  mutating func append(_ words: UnsafePointer<UInt64>) {
    makeRoom()
    for i in 0..<wordsPerState { buffer[wordCount + i] = words[i] }
    wordCount += wordsPerState
  }

  /// Appends a one-word state.
  @inline(__always)
  mutating func append(_ word: UInt64) {
    makeRoom()
    buffer[wordCount] = word
    wordCount += 1
  }

  @inline(__always)
  private mutating func makeRoom() {
    guard wordCount + wordsPerState > buffer.capacity else { return }
    let doubled = 2 * (wordCount + wordsPerState)
    let reserve = doubled > Arena.inPlace && limit > doubled
    buffer = (reserve ? buffer.copy(count: wordCount, capacity: limit, reserve: true) : nil)
      ?? buffer.copy(count: wordCount, capacity: doubled)!
  }

  /// Calls `body` with the words of the `n` states from `id` on (held), which must not escape
  /// it.
  @inline(__always)
  func withStates<R>(from id: Int, count n: Int, _ body: (UnsafePointer<UInt64>) -> R) -> R {
    assert(id >= first && (id - first + n) * wordsPerState <= wordCount, "states not in the arena")
    return body(buffer.base + (id - first) * wordsPerState)
  }

  /// Whether state `id` (held) has the words at `words`.
  @inline(__always)
  func equals(_ id: Int, _ words: UnsafePointer<UInt64>) -> Bool {
    let at = (id - first) * wordsPerState
    assert(at >= 0 && at + wordsPerState <= wordCount, "state \(id) is not in the arena")
    for i in 0..<wordsPerState where buffer.base[at + i] != words[i] { return false }
    return true
  }

  /// The words of state `id`, if still held (`count` states are stored).
  func words(of id: Int, count: Int) -> [UInt64]? {
    guard id >= first, id < count, id * wordsPerState >= releasedWords else { return nil }
    return Array(UnsafeBufferPointer(start: buffer.base + (id - first) * wordsPerState, count: wordsPerState))
  }

  /// Keeps only the states from `id` on (of `count`), in a fresh buffer: ids below `id` are
  /// forgotten.
  mutating func keep(from id: Int, count: Int) {
    let kept = (count - id) * wordsPerState
    let fresh = PageBuffer<UInt64>(capacity: 2 * kept + wordsPerState)
    fresh.base.update(from: buffer.base + (id - first) * wordsPerState, count: kept)
    buffer = fresh
    wordCount = kept
    first = id
  }

  /// Gives the pages of the states below `id` back to the kernel (whole huge pages only).
  mutating func release(below id: Int) {
    releasedWords = buffer.release(below: id * wordsPerState, from: releasedWords)
  }

  /// `PageBuffer.populating` for the words of states `states`.
  func populating(_ states: Range<Int>) -> [@Sendable () -> Void] {
    buffer.populating((states.lowerBound * wordsPerState)..<(states.upperBound * wordsPerState))
  }

  /// Checks that the words held and the ids agree, for `count` states stored.
  func checkInvariants(count: Int) {
    precondition(wordCount == (count - first) * wordsPerState, "arena words and state count disagree")
    precondition(wordCount <= buffer.capacity && releasedWords <= wordCount, "arena past its buffer")
  }
}
