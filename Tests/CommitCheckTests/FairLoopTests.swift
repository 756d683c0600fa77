import CommitCheck
import CommitCheckExplorer
import Testing

/// A livelock of one state: a weakly fair run may stay in a state forever when every enabled
/// fairness unit (process, transition, message; not the `choose` branch) has a move back to it.
/// The first pass, without edges, must find the livelocks the search with edges finds (a model
/// with an `eventually` property keeps its edges from the start), and no others.
struct FairLoopTests {
  /// A's `go` stays (branch `a`) or decides (branch `b`): taking `go` forever by `a` is weakly
  /// fair, so A may never decide. With `split`, staying and deciding are two transitions, and
  /// weak fairness forces `leave`: A decides on every fair run.
  func model(split: Bool, eventually: Bool) -> String {
    let moves = split
      ? "on s step stay { skip }\n  on s step leave { goto d }"
      : "on s step go {\n    choose {\n      a: { skip }\n      b: { goto d }\n    }\n  }"
    return """
      protocol Loop
      role A {
        state s initial
        state d decides commit
        \(moves)
      }
      """ + (eventually ? "\neventually decided: A in d\n" : "\n")
  }

  func termination(split: Bool, eventually: Bool) throws -> PropertyResult {
    let loaded = try compileModel(source: model(split: split, eventually: eventually), file: "loop.commit")
    return try #require(loaded.check().properties.first { $0.name == "termination" })
  }

  @Test("A choice that may stay forever is a livelock, with edges kept or not")
  func choiceThatStays() throws {
    for eventually in [false, true] {
      let result = try termination(split: false, eventually: eventually)
      #expect(result.verdict == .violated && result.kind == .livelock, "eventually: \(eventually)")
      // The initial state, then `go.a` back to it.
      #expect(result.trace?.steps.count == 2 && result.trace?.loopStart == 0, "eventually: \(eventually)")
    }
  }

  @Test("A transition that stays beside one that leaves is no livelock: fairness takes the other")
  func transitionThatStays() throws {
    for eventually in [false, true] {
      #expect(try termination(split: true, eventually: eventually).verdict == .holds, "eventually: \(eventually)")
    }
  }
}
