@testable import CommitCheckExplorer
import CommitCheckModel
import Testing

/// The inline store's workers list each chunk's successors for the merge (`InlineStore.lookUp`)
/// and leave out those the chunk listed already: the merge would only find them again, with the
/// flags it found before. A protocol move whose state the chunk listed only from failures is
/// listed all the same, since the merge's back-edge flag counts protocol moves alone.
struct InlineListingTests {
  static let step = Action(kind: .step, process: 0)
  static let lose = Action(kind: .lose, process: -1)

  /// An output of a chunk whose sources have the successors `successors` (word, action), none
  /// a self-loop.
  func chunk(_ successors: [[(UInt64, Action)]]) -> ExpansionOutput {
    let out = ExpansionOutput(owner: 0)
    for (source, list) in successors.enumerated() {
      out.sources.append(source)
      var info = SourceInfo()
      info.successors = Int32(list.count)
      out.info.append(info)
      for (word, action) in list {
        out.pending.append(Int32(out.actions.count))
        out.words.append(word)
        out.actions.append(action)
      }
    }
    return out
  }

  /// The successors listed (their indices), their words, and how many per source.
  func listed(_ out: ExpansionOutput) throws -> (indices: [Int32], words: [UInt64], perSource: [Int32]) {
    let store = try #require(InlineStore(escape: 1 << 61, maxMemory: 1 << 20))
    store.lookUp(out)
    let indices = Array(out.unresolved.buffer)
    return (indices, Array(out.words.buffer.prefix(indices.count)), (0..<out.info.count).map { out.info[$0].unresolved })
  }

  @Test("A chunk lists each state once, at its first occurrence, across its sources")
  func firstOccurrences() throws {
    let out = chunk([[(7, Self.step), (9, Self.step), (7, Self.step)], [(9, Self.step), (11, Self.step)], [(7, Self.step)]])
    let (indices, words, perSource) = try listed(out)
    #expect(indices == [0, 1, 4])
    #expect(words == [7, 9, 11])
    #expect(perSource == [2, 1, 0])
  }

  @Test("A protocol move to a state listed from failures only is listed; a failure after any is not")
  func protocolMovesAfterFailures() throws {
    // 5: a loss, then a step (listed), then a step and a loss (not). 6: a step, then a loss (not).
    let out = chunk([[(5, Self.lose), (6, Self.step)], [(5, Self.step), (6, Self.lose)], [(5, Self.step), (5, Self.lose)]])
    let (indices, words, perSource) = try listed(out)
    #expect(indices == [0, 1, 2])
    #expect(words == [5, 6, 5])
    #expect(perSource == [2, 1, 0])
  }

  @Test("Many distinct states, each listed once, in order, whatever the chunk's table collides on")
  func manyStates() throws {
    // 3,000 states, each twice (the second time in reverse order): the table of the chunk has
    // 8,192 slots (2 × 6,000 rounded up to a power of two), so probes collide and wrap.
    let words = (0..<3_000).map { UInt64($0) &* 0x9E37_79B9 & ((1 << 40) - 1) }
    let out = chunk([words.map { ($0, Self.step) }, words.reversed().map { ($0, Self.step) }])
    let (indices, listedWords, perSource) = try listed(out)
    #expect(indices == (0..<3_000).map(Int32.init))
    #expect(listedWords == words)
    #expect(perSource == [3_000, 0])
  }
}
