import CommitCheck
import Foundation
import Testing

// Under a set network, the copies of a message sent only `to all` of a role share one slot
// (`Compiler.sharesBroadcastSlot`): one bit instead of one per receiver. The claim is that this
// changes the bits per state and nothing else. Here it is checked against the same model with
// sharing turned off: adding a send of the broadcast messages to one process, in a transition
// that can never fire, makes their flows point-to-point (so each receiver gets its own slot) without
// adding a state or a transition.

private let sharedText = """
  protocol Broadcast

  param N: 1...6 = 3
  network set

  message Prepared
  message Commit
  message Abort

  role RM[N] symmetric {
    state working initial
    state prepared
    state committed decides commit
    state aborted decides abort

    on working step prepare { send Prepared to TM; goto prepared }
    on working step refuse { goto aborted }
    on any receive Commit { goto committed }
    on any receive Abort { goto aborted }
  }

  role TM {
    var ready: set<RM>
    state init initial
    state committed decides commit
    state aborted decides abort

    on init receive Prepared from r { ready += r }
    on init step commit when ready == all RM { send Commit to all RM; goto committed }
    on init step abort { send Abort to all RM; goto aborted }
  }

  invariant consistent: all a in RM: all b in RM: not (a in aborted and b in committed)
  """

/// The same model (its text without the two spaces of indentation the literal strips), but for
/// one transition of the TM that never fires and sends the broadcast messages to one RM alone
/// (named by a variable, so that the RMs stay interchangeable).
private let separateText = sharedText.replacingOccurrences(
  of: "  on init step abort {",
  with: "  on init receive Prepared from r as never when false { send Commit to r; send Abort to r }\n  on init step abort {")

private func compiled(_ text: String, n: Int, crash: [String: Int] = [:], recover: [String: Int] = [:],
                      lose: Int? = nil, partition: Bool = false) throws -> LoadedModel {
  var options = CompileOptions()
  options.parameters["N"] = n
  options.crash = crash
  options.recover = recover
  options.lose = lose
  options.partition = partition ? 1 : nil
  return try compileModel(source: text, file: "broadcast.commit", options: options)
}

struct BroadcastSlotTests {
  @Test("Sharing a broadcast's slot changes the bits per state, not the states, transitions or verdicts",
        arguments: [1, 2, 3, 4])
  func sharingChangesOnlyTheLayout(n: Int) throws {
    let settings: [(crash: [String: Int], recover: [String: Int], partition: Bool)] = [
      ([:], [:], false), (["TM": 1], [:], false), (["TM": 1], ["TM": 1], false), (["RM": 1], [:], false),
      ([:], [:], true),
    ]
    for s in settings {
      let shared = try compiled(sharedText, n: n, crash: s.crash, recover: s.recover, partition: s.partition)
      let separate = try compiled(separateText, n: n, crash: s.crash, recover: s.recover, partition: s.partition)
      // Commit and Abort: one bit each instead of one per RM.
      #expect(separate.system.layout.bitCount - shared.system.layout.bitCount == 2 * (n - 1))
      // Symmetry reduction refuses partitions.
      for symmetry in s.partition ? [false] : [false, true] {
        var options = ExplorerOptions()
        if symmetry { options.symmetry = try shared.symmetryReduction() }
        let a = shared.check(options: options)
        if symmetry { options.symmetry = try separate.symmetryReduction() }
        let b = separate.check(options: options)
        #expect(a.states == b.states && a.transitions == b.transitions && a.depth == b.depth,
                "N=\(n) \(s) symmetry \(symmetry)")
        #expect(a.properties.map { "\($0.name) \($0.verdict) \($0.kind.map { "\($0)" } ?? "")" }
                == b.properties.map { "\($0.name) \($0.verdict) \($0.kind.map { "\($0)" } ?? "")" })
        #expect(a.properties.map { $0.trace?.steps.count } == b.properties.map { $0.trace?.steps.count })
      }
    }
  }

  @Test("A loss budget gives every receiver its own slot again: a lost copy is lost for one receiver only")
  func lossSeparatesTheCopies() throws {
    let shared = try compiled(sharedText, n: 3, lose: 1)
    let separate = try compiled(separateText, n: 3, lose: 1)
    #expect(shared.system.layout.bitCount == separate.system.layout.bitCount)
    let a = shared.check(), b = separate.check()
    #expect(a.states == b.states && a.transitions == b.transitions)
  }
}
