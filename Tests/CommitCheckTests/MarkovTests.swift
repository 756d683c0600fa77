import CommitCheck
import Foundation
import Testing

/// Markov analysis against numbers derived independently: closed forms, sums worked out by hand
/// (each derivation beside its number), the same chain solved another way (DTMC steps, CTMC
/// uniformization), and the exported files solved again by a separate value iteration.
struct MarkovTests {
  static func analyze(_ loaded: LoadedModel, _ configure: (inout MarkovOptions) -> Void = { _ in })
    throws -> MarkovAnalysis
  {
    var options = MarkovOptions()
    configure(&options)
    return try MarkovAnalysis(exploration: explore(loaded), file: loaded.file, options: options)
  }

  /// The whole state graph, edges kept (the chain is built from them).
  static func explore(_ loaded: LoadedModel) -> Exploration {
    var options = ExplorerOptions()
    options.keepEdges = true
    return Explorer().explore(loaded.system, options: options)
  }

  static func shipped(_ name: String, n: Int, _ configure: (inout CompileOptions) -> Void = { _ in }) throws -> LoadedModel {
    var options = CompileOptions()
    options.parameters["N"] = n
    configure(&options)
    return try loadModel(path: modelPath(name), options: options)
  }

  static func p(_ r: MarkovReport, _ o: Outcome) -> Double { r.outcomes[o.rawValue] }

  @Test("2PC without failures commits with probability (1/(1+q))^N when vote_no has rate q",
        arguments: [1, 2, 3], [0.25, 3.0])
  func twoPhaseClosedForm(n: Int, q: Double) throws {
    let r = try Self.analyze(Self.shipped("two-phase-commit", n: n)) { $0.rates["vote_no"] = q }.report
    // Each participant votes once, yes at rate 1 and no at rate q, whatever else is enabled:
    // yes with probability 1/(1+q), independently. The coordinator commits iff all vote yes.
    let commit = pow(1 / (1 + q), Double(n))
    #expect(abs(Self.p(r, .commit) - commit) < 1e-12)
    #expect(abs(Self.p(r, .abort) - (1 - commit)) < 1e-12)
    #expect(Self.p(r, .blocked) == 0 && Self.p(r, .livelock) == 0 && Self.p(r, .violation) == 0)
    #expect(abs(r.residual) < 1e-12)
    #expect(r.solver.method == .exact)
  }

  @Test("A rate declared on a choose branch in the model counts like a --rate override")
  func declaredBranchRate() throws {
    let source = try readModel(path: modelPath("two-phase-commit")).replacingOccurrences(
      of: "vote_no: {", with: "vote_no rate 0.25: {")
    var options = CompileOptions()
    options.parameters["N"] = 2
    let declared = try Self.analyze(try compileModel(source: source, file: "declared.commit", options: options)).report
    let qualified = try Self.analyze(Self.shipped("two-phase-commit", n: 2)) { $0.rates["Participant.vote_no"] = 0.25 }.report
    // (1/(1 + 0.25))^2 = 0.64.
    #expect(abs(Self.p(declared, .commit) - 0.64) < 1e-12)
    #expect(abs(Self.p(qualified, .commit) - 0.64) < 1e-12)
  }

  @Test("2PC with N = 1: expected steps and time worked out by hand", arguments: [1.0, 0.5])
  func twoPhaseExpectedSteps(q: Double) throws {
    let r = try Self.analyze(Self.shipped("two-phase-commit", n: 1)) { $0.rates["vote_no"] = q }.report
    // The only first move is the vote (rates 1 and q, so 1/(1+q) time units). Yes: the
    // coordinator collects it (rate 1), then the participant learns the decision (rate 1):
    // 3 steps. No: the coordinator collects it and aborts; the participant has already aborted
    // and the Decision it is sent waits forever: 2 steps.
    let yes = 1 / (1 + q), no = q / (1 + q)
    #expect(abs(r.expectedSteps - (3 * yes + 2 * no)) < 1e-12)
    #expect(abs(r.expectedTime - (3 + q) / (1 + q)) < 1e-12)
    #expect(abs(r.conditionalSteps[Outcome.commit.rawValue]! - 3) < 1e-12)
    #expect(abs(r.conditionalSteps[Outcome.abort.rawValue]! - 2) < 1e-12)
    #expect(abs(r.conditionalTime[Outcome.commit.rawValue]! - (1 / (1 + q) + 2)) < 1e-12)
    #expect(abs(r.conditionalTime[Outcome.abort.rawValue]! - (1 / (1 + q) + 1)) < 1e-12)
    #expect(r.conditionalSteps[Outcome.blocked.rawValue] == nil)
  }

  @Test("2PC with N = 1 and a coordinator crash at rate c blocks with the probability worked out by hand")
  func twoPhaseCrashRate() throws {
    let c = 0.5
    let r = try Self.analyze(Self.shipped("two-phase-commit", n: 1) { $0.crash["Coordinator"] = 1 }) {
      $0.rates["crash"] = c
    }.report
    // First move: yes (1), no (1) or crash (c). After a crash first, the participant votes yes
    // (1, then blocks: the vote never arrives), no (1) or times out (1): blocked 1/3. After yes
    // first, the coordinator collects (1) or crashes (c, then the prepared participant blocks);
    // once it has collected, its Decision still reaches the participant. After no first, abort.
    let blocked = c / (2 + c) / 3 + 1 / (2 + c) * c / (1 + c)
    let commit = 1 / (2 + c) * 1 / (1 + c)
    #expect(abs(Self.p(r, .blocked) - blocked) < 1e-12)
    #expect(abs(Self.p(r, .commit) - commit) < 1e-12)
    #expect(abs(Self.p(r, .abort) - (1 - blocked - commit)) < 1e-12)
  }

  /// A sender retransmits after a loss the receiver reports (Nack): a cycle of two states.
  static let retransmit = """
    protocol Retransmit
    network unordered
    message Data
    message Ack
    message Nack
    role Sender {
      state waiting initial
      state done decides commit
      state gave_up decides abort
      start { send Data to Receiver }
      on waiting receive Ack as got_ack { goto done }
      on waiting receive Nack as after_loss {
        choose {
          retry: { send Data to Receiver }
          give_up: { goto gave_up }
        }
      }
    }
    role Receiver {
      state idle initial
      state delivered decides commit
      on idle receive Data as deliver {
        choose {
          ok rate 3: { send Ack to Sender; goto delivered }
          drop: { send Nack to Sender }
        }
      }
    }
    """

  @Test("Retransmission after loss: a cyclic chain solved by sound value iteration matches the paper solution")
  func retransmission() throws {
    let a = try Self.analyze(compile(Self.retransmit))
    let r = a.report
    // S0 (Data in flight) → S1 (Ack) w.p. 3/4, → S2 (Nack) w.p. 1/4; S1 → commit; S2 → S0
    // (retry) or gave_up with the receiver idle (blocked), 1/2 each. x0 = 3/4 + 1/4 · 1/2 · x0,
    // so P(commit) = (3/4) / (7/8) = 6/7. Steps: m0 = 1 + 3/4 · 1 + 1/4 (1 + m0 / 2), so
    // m0 = 2 / (7/8) = 16/7; either ending takes 2 steps after the same number of cycles, so
    // 16/7 given each outcome too. Time: t0 = 1/4 + 3/4 · 1 + 1/4 (1/2 + t0 / 2), t0 = 9/7.
    #expect(r.states == 5)
    #expect(abs(Self.p(r, .commit) - 6.0 / 7) < 1e-10)
    #expect(abs(Self.p(r, .blocked) - 1.0 / 7) < 1e-10)
    #expect(abs(r.expectedSteps - 16.0 / 7) < 1e-10)
    #expect(abs(r.expectedTime - 9.0 / 7) < 1e-10)
    #expect(abs(r.conditionalSteps[Outcome.commit.rawValue]! - 16.0 / 7) < 1e-9)
    #expect(abs(r.conditionalSteps[Outcome.blocked.rawValue]! - 16.0 / 7) < 1e-9)
    #expect(r.solver.method == .soundValueIteration)
    #expect(r.solver.cyclicComponents == 1 && r.solver.largestCyclicComponent == 2)
    #expect(r.solver.iterations > 1 && r.solver.converged)
    // The exact values lie within the bounds the report gives.
    #expect(abs(Self.p(r, .commit) - 6.0 / 7) <= r.outcomeBounds[Outcome.commit.rawValue] + 1e-15)
    #expect(abs(r.expectedSteps - 16.0 / 7) <= r.expectedStepsBound + 1e-15)
    #expect(abs(r.expectedTime - 9.0 / 7) <= r.expectedTimeBound + 1e-15)
  }

  @Test("DTMC steps and CTMC uniformization end where the absorption probabilities say",
        arguments: ["retransmit", "2pc-crash-lose"])
  func dtmcAndCtmcAgree(model: String) throws {
    let loaded = model == "retransmit" ? try compile(Self.retransmit)
      : try Self.shipped("two-phase-commit", n: 2) { $0.crash["Coordinator"] = 1; $0.lose = 1 }
    let r = try Self.analyze(loaded) {
      $0.rates["crash"] = 0.5
      $0.rates["lose"] = 0.5
      $0.steps = 400
      $0.time = 150
    }.report
    // Both runs start from the initial state and push the distribution forward; they share no
    // code with the backward solution of the absorption probabilities. The retransmit cycle
    // leaves with probability 5/8 a round, so (3/8)^200 of the mass is left after 400 steps;
    // the slowest exit rate of either chain is 0.5, so e^-75 at time 150.
    for o in Outcome.allCases {
      #expect(abs(r.afterSteps!.summary.outcomes[o.rawValue] - Self.p(r, o)) < 1e-12)
      #expect(abs(r.atTime!.summary.outcomes[o.rawValue] - Self.p(r, o)) < 1e-9)
    }
    #expect(r.afterSteps!.summary.running < 1e-12 && r.atTime!.summary.running < 1e-9)
  }

  @Test("Outcome probabilities sum to 1 on shipped models with failures", arguments: [
    ("two-phase-commit", 2, true), ("two-phase-commit-cooperative", 2, true), ("three-phase-commit", 2, false),
  ])
  func outcomesSumToOne(model: String, n: Int, blocks: Bool) throws {
    let r = try Self.analyze(Self.shipped(model, n: n) { $0.crash["Coordinator"] = 1 }) {
      $0.rates["crash"] = 0.1
      $0.top = 1_000_000
    }.report
    #expect(abs(r.outcomes.reduce(0, +) - 1) < 1e-12)
    // The arrivals into the bottom components come from the forward solve (expected visits),
    // the outcomes from the backward one (absorption probabilities): per class they agree.
    for o in Outcome.allCases {
      let arrivals = r.top.filter { $0.outcome == o }.reduce(0) { $0 + $1.probability }
      #expect(abs(arrivals - Self.p(r, o)) < 1e-12)
    }
    // The models' own verdicts: 2PC and its cooperative variant block when the coordinator
    // crashes; 3PC satisfies termination then, so no run can block or livelock.
    #expect((Self.p(r, .blocked) > 0) == blocks)
    #expect(Self.p(r, .livelock) == 0 && Self.p(r, .violation) == 0)
  }

  @Test("Independent decisions violate atomicity with probability 3/4; the violating states stop")
  func violation() throws {
    let a = try Self.analyze(compile("""
      protocol Split
      role A[3] {
        state w initial
        state c decides commit
        state x decides abort
        on w step decide { choose { yes: { goto c } no: { goto x } } }
      }
      """))
    let r = a.report
    // The three decisions are independent fair coins, and a run stops at its first conflict:
    // all commit 1/8, all abort 1/8, otherwise a violation (3/4). A state where two processes
    // conflict and the third has not decided yet has its moves cut.
    #expect(abs(Self.p(r, .commit) - 0.125) < 1e-12)
    #expect(abs(Self.p(r, .abort) - 0.125) < 1e-12)
    #expect(abs(Self.p(r, .violation) - 0.75) < 1e-12)
    #expect(r.cutStates > 0)
  }

  static let wander = """
    protocol Wander
    role A {
      state s initial
      state u
      state v
      state done decides commit
      on s step finish { goto done }
      on s step stray { goto u }
      on u step go { goto v }
      on v step back rate 3 { goto u }
    }
    """

  @Test("A bottom cycle without a decision is a livelock, and takes the whole long run")
  func livelock() throws {
    let r = try Self.analyze(compile(Self.wander)) {
      $0.longRunRate = 2
      $0.top = 2
    }.report
    // finish and stray race at rate 1 each. The long run: done restarts, the u–v cycle never
    // does, so the chain ends up cycling there; it stays in u for 1 time unit (rate 1) and in v
    // for 1/3, so 3/4 of the time in u and 1/4 in v.
    #expect(abs(Self.p(r, .commit) - 0.5) < 1e-12 && abs(Self.p(r, .livelock) - 0.5) < 1e-12)
    let lr = try #require(r.longRun)
    #expect(lr.cycleTime == nil)
    #expect(abs(lr.summary.outcomes[Outcome.livelock.rawValue] - 1) < 1e-12)
    #expect(abs(lr.summary.controlStates[0][1] - 0.75) < 1e-9)
    #expect(abs(lr.summary.controlStates[0][2] - 0.25) < 1e-9)
    #expect(r.top.count == 2 && r.top.contains { $0.outcome == .livelock && $0.stateCount == 2 })
  }

  @Test("Long run with restarts: the renewal-reward fractions of 2PC with N = 1")
  func longRunRenewal() throws {
    let q = 1.0, rho = 0.25
    let r = try Self.analyze(Self.shipped("two-phase-commit", n: 1)) {
      $0.rates["vote_no"] = q
      $0.longRunRate = rho
    }.report
    // One cycle: a run ((3+q)/(1+q) time units on average), then 1/rho in the terminal state.
    // Commit is reached w.p. 1/(1+q). The coordinator is in committed from the collect until
    // the restart: 1 time unit (the participant learning) plus 1/rho, on the yes path.
    let run = (3 + q) / (1 + q), cycle = run + 1 / rho, yes = 1 / (1 + q)
    let lr = try #require(r.longRun)
    #expect(abs(lr.cycleTime! - cycle) < 1e-12)
    #expect(abs(lr.summary.running - run / cycle) < 1e-12)
    #expect(abs(lr.summary.outcomes[Outcome.commit.rawValue] - yes / rho / cycle) < 1e-12)
    #expect(abs(lr.summary.outcomes[Outcome.abort.rawValue] - (1 - yes) / rho / cycle) < 1e-12)
    let committed = r.controlStateNames[0].firstIndex(of: "committed")!
    #expect(abs(lr.summary.controlStates[0][committed] - yes * (1 + 1 / rho) / cycle) < 1e-12)
  }

  @Test("Bad rates and incomplete explorations are refused with a clear error")
  func refusals() throws {
    let loaded = try Self.shipped("two-phase-commit", n: 2)
    #expect(throws: MarkovError.self) { try Self.analyze(loaded) { $0.rates["vote_maybe"] = 1 } }
    #expect(throws: MarkovError.self) { try Self.analyze(loaded) { $0.rates["crash"] = 0 } }
    var small = ExplorerOptions()
    small.maxStates = 5
    small.keepEdges = true
    let partial = Explorer().explore(loaded.system, options: small)
    do {
      _ = try MarkovAnalysis(exploration: partial, file: loaded.file, options: MarkovOptions())
      Issue.record("an incomplete exploration was accepted")
    } catch {
      #expect(error.description.contains("whole state space"))
    }
    var options = MarkovOptions()
    options.rates["vote_maybe"] = 1
    do {
      _ = try MarkovAnalysis(exploration: Self.explore(loaded), file: loaded.file, options: options)
      Issue.record("an unknown rate name was accepted")
    } catch {
      #expect(error.description.hasPrefix("unknown rate name 'vote_maybe'"))
      #expect(error.description.contains("vote_no") && error.description.contains("crash"))
    }
  }

  @Test("Reports are byte-identical run to run, and JSON keeps its stable names")
  func deterministicReports() throws {
    let loaded = try Self.shipped("two-phase-commit", n: 2) { $0.crash["Coordinator"] = 1 }
    let make = { () throws -> MarkovReport in
      try Self.analyze(loaded) { $0.rates["crash"] = 0.01; $0.steps = 3; $0.time = 1; $0.longRunRate = 1; $0.top = 3 }.report
    }
    let a = try make(), b = try make()
    #expect(MarkovWriter.text(a) == MarkovWriter.text(b))
    #expect(MarkovWriter.json(a) == MarkovWriter.json(b))
    #expect(reportProblems(MarkovWriter.json(a)) == [])
    #expect(MarkovWriter.csv(a) == MarkovWriter.csv(b))
    let object = try JSONSerialization.jsonObject(with: Data(MarkovWriter.json(a).utf8)) as! [String: Any]
    let outcomes = object["outcomes"] as! [String: Any]
    #expect(Set(outcomes.keys) == ["commit", "abort", "blocked", "livelock", "violation"])
    for key in ["residual", "expected_steps", "expected_time", "method"] { #expect(object[key] != nil) }
    #expect(object["method"] as? String == "exact")
  }
}

/// The exported chain read back by a separate parser and solved by plain value iteration, the
/// way PRISM or Storm would answer `P=? [ F "commit" ]` on it.
extension MarkovTests {
  /// A chain read from exported files: rows of (target, probability), labels, initial states.
  struct ReadChain {
    var rows: [[(Int, Double)]]
    var labels: [String: Set<Int>]

    /// P(F label) from the `init` states (averaged), by Jacobi value iteration from 0.
    func reachProbability(_ label: String) -> Double {
      let target = labels[label] ?? []
      var x = (0..<rows.count).map { target.contains($0) ? 1.0 : 0 }
      for _ in 0..<100_000 {
        var change = 0.0
        var next = x
        for s in rows.indices where !target.contains(s) {
          next[s] = rows[s].reduce(0) { $0 + $1.1 * x[$1.0] }
          change = max(change, abs(next[s] - x[s]))
        }
        x = next
        if change < 1e-15 { break }
      }
      let initial = labels["init"] ?? []
      return initial.reduce(0) { $0 + x[$1] } / Double(initial.count)
    }
  }

  static func readPrism(tra: String, lab: String) throws -> ReadChain {
    let lines = tra.split(separator: "\n")
    let header = lines[0].split(separator: " ").map { Int($0)! }
    #expect(header.count == 2 && lines.count == header[1] + 1)
    var rows = [[(Int, Double)]](repeating: [], count: header[0])
    for line in lines.dropFirst() {
      let f = line.split(separator: " ")
      rows[Int(f[0])!].append((Int(f[1])!, Double(f[2])!))
    }
    let labLines = lab.split(separator: "\n")
    var names: [Int: String] = [:]
    for decl in labLines[0].split(separator: " ") {
      let parts = decl.split(separator: "=")
      names[Int(parts[0])!] = String(parts[1].dropFirst().dropLast())
    }
    var labels: [String: Set<Int>] = [:]
    for line in labLines.dropFirst() {
      let parts = line.split(separator: ":")
      for l in parts[1].split(separator: " ") { labels[names[Int(l)!]!, default: []].insert(Int(parts[0])!) }
    }
    return ReadChain(rows: rows, labels: labels)
  }

  static func readDrn(_ text: String) throws -> ReadChain {
    var rows: [[(Int, Double)]] = []
    var labels: [String: Set<Int>] = [:]
    var inModel = false
    for raw in text.split(separator: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line == "@model" {
        inModel = true
        continue
      }
      guard inModel else { continue }
      if line.hasPrefix("state ") {
        let f = line.split(separator: " ")
        #expect(Int(f[1])! == rows.count)
        rows.append([])
        for l in f.dropFirst(2) { labels[String(l), default: []].insert(rows.count - 1) }
      } else if !line.hasPrefix("action ") {
        let f = line.split(separator: " ")
        #expect(f.count == 3 && f[1] == ":")
        rows[rows.count - 1].append((Int(f[0])!, Double(f[2])!))
      }
    }
    return ReadChain(rows: rows, labels: labels)
  }

  @Test("PRISM and DRN exports, solved independently, give the probabilities the report prints",
        arguments: ["retransmit", "2pc-crash-lose", "3pc-crash"])
  func exportsSolveToTheReport(model: String) throws {
    let loaded = switch model {
    case "retransmit": try compile(Self.retransmit)
    case "2pc-crash-lose": try Self.shipped("two-phase-commit", n: 2) { $0.crash["Coordinator"] = 1; $0.lose = 1 }
    default: try Self.shipped("three-phase-commit", n: 2) { $0.crash["Coordinator"] = 1; $0.crash["Participant"] = 1 }
    }
    let a = try Self.analyze(loaded) { $0.rates["crash"] = 0.05; $0.rates["lose"] = 0.2 }
    let prism = try Self.readPrism(tra: PrismWriter.transitions(a), lab: PrismWriter.labelFile(a))
    let drn = try Self.readDrn(DrnWriter.text(a))
    for chain in [prism, drn] {
      #expect(chain.rows.count == a.report.states)
      for row in chain.rows { #expect(abs(row.reduce(0) { $0 + $1.1 } - 1) < 1e-12) }
      #expect(chain.labels["init"] == Set(0..<a.report.initialStates))
      for o in Outcome.allCases {
        #expect(abs(chain.reachProbability(o.name) - a.report.outcomes[o.rawValue]) < 1e-9)
      }
    }
    // Every label marks exactly the states of its class.
    for s in 0..<a.report.states {
      for o in Outcome.allCases { #expect(prism.labels[o.name, default: []].contains(s) == (a.outcome(ofState: s) == o)) }
    }
    let sta = PrismWriter.states(a).split(separator: "\n")
    #expect(sta.count == a.report.states + 1)
    #expect(sta[0].split(separator: ",").count == loaded.system.layout.slotCount)
  }
}
