import CommitCheck
import Testing

/// The verdict tables of Lamport's TCommit and of two-phase commit with presumed abort, and
/// their state counts from arguments made outside the checker.
struct NewModelTests {
  /// TCommit's reachable states by a search written here from TCommit.tla's actions (an
  /// independent implementation over arrays of 0 working, 1 prepared, 2 committed, 3 aborted).
  static func tcommitStates(_ n: Int) -> Int {
    var seen: Set<[Int]> = [Array(repeating: 0, count: n)]
    var queue = Array(seen)
    while let s = queue.popLast() {
      let canCommit = s.allSatisfy { $0 == 1 || $0 == 2 }
      let notCommitted = !s.contains(2)
      for r in 0..<n {
        var next: [[Int]] = []
        if s[r] == 0 { next.append(s.replacing(r, with: 1)) }                    // Prepare(r)
        if s[r] == 1 && canCommit { next.append(s.replacing(r, with: 2)) }       // Decide(r): commit
        if s[r] <= 1 && notCommitted { next.append(s.replacing(r, with: 3)) }    // Decide(r): abort
        for t in next where seen.insert(t).inserted { queue.append(t) }
      }
    }
    return seen.count
  }

  static func pow(_ b: Int, _ e: Int) -> Int { (0..<e).reduce(1) { r, _ in r * b } }

  @Test("TCommit: 3^N + 2^N - 1 states, TCConsistent and termination hold", arguments: 1...5)
  func tcommit(n: Int) throws {
    let report = try checkShipped("tcommit", n: n)
    // Closed form: with no committed RM every assignment of working, prepared and aborted is
    // reachable (3^N); once one has committed every RM was prepared and none aborted, so the
    // others are prepared or committed (2^N - 1 with at least one committed). 4, 12, 34
    // (TLC's count for three RMs), 96, 274.
    let closedForm = Self.pow(3, n) + Self.pow(2, n) - 1
    #expect(report.states == closedForm)
    #expect(Self.tcommitStates(n) == closedForm)
    #expect(report.complete)
    #expect(report.properties.allSatisfy { $0.verdict == .holds })
    #expect(report.property("TCConsistent") != nil)
  }

  @Test("TCommit with --symmetry stores one state per orbit: C(N+2, 2) + N", arguments: [1, 2, 3, 8, 16])
  func tcommitOrbits(n: Int) throws {
    var options = CheckOptions()
    options.compile.parameters["N"] = n
    let model = try loadModel(path: modelPath("tcommit"), options: options.compile)
    options.explorer.symmetry = try model.symmetryReduction()
    let report = model.check(options: options.explorer)
    // An orbit is a multiset of RM states: without a commit a multiset of {working, prepared,
    // aborted} (C(N+2, 2)), with one a multiset of {prepared, committed} holding a commit (N).
    #expect(report.states == (n + 2) * (n + 1) / 2 + n)
    #expect(report.properties.allSatisfy { $0.verdict == .holds })
  }

  enum Failures: String, CustomTestStringConvertible, Sendable, CaseIterable {
    case none, coordinator, participant, both
    var testDescription: String { rawValue }
    func apply(_ o: inout CompileOptions) {
      if self == .coordinator || self == .both {
        o.crash["Coordinator"] = 1
        o.recover["Coordinator"] = 1
      }
      if self == .participant || self == .both {
        o.crash["Participant"] = 1
        o.recover["Participant"] = 1
      }
    }
  }

  struct Row: CustomTestStringConvertible, Sendable {
    var model: String
    var failures: Failures
    var fair: Bool
    var atomicity: Verdict
    var termination: ViolationKind?
    var testDescription: String { "\(model) \(failures.rawValue)\(fair ? " fair" : "")" }
  }

  static let presumedAbort = "two-phase-commit-presumed-abort"
  static let unforced = "two-phase-commit-presumed-abort-unforced"

  /// The verdict table of the README and models/README.md.
  static let rows: [Row] = [
    Row(model: presumedAbort, failures: .none, fair: false, atomicity: .holds, termination: nil),
    Row(model: presumedAbort, failures: .coordinator, fair: false, atomicity: .holds, termination: .blocked),
    Row(model: presumedAbort, failures: .coordinator, fair: true, atomicity: .holds, termination: nil),
    Row(model: presumedAbort, failures: .participant, fair: false, atomicity: .holds, termination: nil),
    Row(model: presumedAbort, failures: .both, fair: false, atomicity: .holds, termination: .blocked),
    Row(model: presumedAbort, failures: .both, fair: true, atomicity: .holds, termination: nil),
    Row(model: unforced, failures: .none, fair: false, atomicity: .holds, termination: nil),
    Row(model: unforced, failures: .coordinator, fair: true, atomicity: .violated, termination: nil),
    Row(model: unforced, failures: .coordinator, fair: false, atomicity: .violated, termination: .blocked),
  ]

  @Test("Presumed-abort 2PC gets its verdicts", arguments: rows, [2, 3])
  func presumedAbortVerdicts(row: Row, n: Int) throws {
    let report = try checkShipped(row.model, n: n) {
      row.failures.apply(&$0)
      $0.fairRecovery = row.fair
    }
    #expect(report.complete)
    #expect(report.property("atomicity")?.verdict == row.atomicity)
    let termination = try #require(report.property("termination"))
    #expect(termination.verdict == (row.termination == nil ? .holds : .violated))
    #expect(termination.kind == row.termination)
    if row.atomicity == .holds { #expect(report.property("validity")?.verdict == .holds) }
    let system = try loadModel(path: modelPath(row.model), options: {
      var o = CompileOptions()
      o.parameters["N"] = n
      row.failures.apply(&o)
      return o
    }()).system
    for property in report.properties where property.verdict == .violated {
      let trace = try #require(property.trace)
      #expect(replay(trace, in: system) != nil, "trace of \(property.name) does not replay")
    }
  }

  @Test("Without a forced commit record a restarted coordinator presumes abort after committing")
  func unforcedCounterexample() throws {
    let report = try checkShipped(Self.unforced, n: 2) {
      $0.crash["Coordinator"] = 1
      $0.recover["Coordinator"] = 1
    }
    let steps = try #require(report.property("atomicity")?.trace).steps
    let kinds = steps.compactMap { $0.action?.kind }
    // The coordinator commits, crashes before the record is written, recovers, and aborts.
    #expect(kinds.suffix(3) == [.crash, .recover, .step])
    #expect(steps.last?.text.contains("aborted") == true)
  }

  @Test("Presumed-abort 2PC corresponds state for state to 2PC without participant failures", arguments: [2, 3])
  func presumedAbortIsTwoPhaseCommit(n: Int) throws {
    // Without participant failures each state matches one of two-phase-commit's: a
    // participant's log is none exactly when 2PC's votedYes is false, and commit_record exactly
    // when it is committed; the coordinators are the same (two-phase-commit recovers from its
    // log the same way); no participant restarts, so no Inquire is ever sent, and no Decision
    // is in flight twice to one participant beyond 2PC's own, so the capacities (3 against 2)
    // never differ. So the counts agree, with and without coordinator failures.
    for coordinator in [false, true] {
      let configure: (inout CompileOptions) -> Void = {
        if coordinator {
          $0.crash["Coordinator"] = 1
          $0.recover["Coordinator"] = 1
        }
      }
      let states = try checkShipped(Self.presumedAbort, n: n, configure).states
      #expect(states == (try checkShipped("two-phase-commit", n: n, configure).states))
    }
  }
}

extension Array {
  func replacing(_ i: Int, with value: Element) -> [Element] {
    var copy = self
    copy[i] = value
    return copy
  }
}
