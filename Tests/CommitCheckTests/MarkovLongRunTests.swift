import CommitCheck
@testable import CommitCheckMarkov
import Foundation
import Testing

/// `--only` (the probabilities of some classes, nothing else), the chain built on several
/// threads, and the long run of chains with livelocks, against exact rational solutions.
struct MarkovLongRunTests {
  /// The retry model (`MarkovSoundTests.retry`), whose participant, refused, retries (a cycle
  /// through the server) or, instead of giving up, dithers: a cycle of two undecided states it
  /// never leaves (a livelock). With N = 2 there are three livelock components (either
  /// participant dithering while the other is done, or both), and the retry loops make the
  /// transient part cyclic, so the forward figures come from sweeps.
  static let dither = MarkovSoundTests.retry
    .replacingOccurrences(of: "protocol RetryAfterCrash", with: "protocol RetryOrDither")
    .replacingOccurrences(of: "param N: 1...4 = 3", with: "param N: 1...4 = 2")
    .replacingOccurrences(of: "state failed decides abort", with: "state dithering\n  state hesitating")
    .replacingOccurrences(of: "give_up rate 0.2: { goto failed }\n    }\n  }\n", with: """
      dither rate 0.5: { goto dithering }
          }
        }
        on dithering step hesitate { goto hesitating }
        on hesitating step resume rate 3 { goto dithering }

      """)

  /// Reads a PRISM explicit CTMC (`.tra` with rates, `.lab`, `.sta`) with Python's `fractions`
  /// and computes the long run exactly: the livelock components (the states labelled
  /// `livelock`, split into closed classes by reachability), the probability of being absorbed
  /// in each from `init` (Gaussian elimination over the rationals on all transient states), and
  /// each one's stationary distribution (πQ = 0, Σπ = 1, over the rationals). A restart never
  /// leaves a livelock, so the long run spends a_c / Σ a in component c, spread by π_c. Prints
  /// `state PROCESS CODE fraction` for every process's control state (from the `.sta` columns
  /// `<process>_state`) as the nearest double.
  static let exactLongRun = #"""
    import sys
    from fractions import Fraction
    tra, lab, sta = (open(f).read().split("\n") for f in sys.argv[1:4])
    n = int(tra[0].split()[0])
    rows = [{} for _ in range(n)]
    for line in tra[1:]:
        if line:
            i, j, r = line.split()
            if int(i) != int(j):
                rows[int(i)][int(j)] = rows[int(i)].get(int(j), 0) + Fraction(r)
    names = {int(d.split("=")[0]): d.split("=")[1].strip('"') for d in lab[0].split()}
    labels = {}
    for line in lab[1:]:
        if line:
            s, rest = line.split(":")
            for l in rest.split():
                labels.setdefault(names[int(l)], set()).add(int(s))
    ends = set()
    for name in ["commit", "abort", "blocked", "livelock", "violation"]:
        ends |= labels.get(name, set())
    livelock = labels.get("livelock", set())
    comps, seen = [], set()
    for s in sorted(livelock):
        if s in seen:
            continue
        comp, todo = {s}, [s]
        while todo:
            for t in rows[todo.pop()]:
                if t not in comp:
                    comp.add(t); todo.append(t)
        seen |= comp
        comps.append(sorted(comp))
    def solve(a, k):
        # Gauss-Jordan over the rationals on an augmented matrix of k unknowns.
        for col in range(k):
            piv = next(r for r in range(col, k) if a[r][col] != 0)
            a[col], a[piv] = a[piv], a[col]
            p = a[col][col]
            a[col] = [x / p for x in a[col]]
            for r in range(k):
                if r != col and a[r][col] != 0:
                    f = a[r][col]
                    a[r] = [x - f * y for x, y in zip(a[r], a[col])]
        return [row[k:] for row in a]
    transient = [s for s in range(n) if s not in ends]
    pos = {s: i for i, s in enumerate(transient)}
    which = {s: c for c, comp in enumerate(comps) for s in comp}
    a = []
    for s in transient:
        e = sum(rows[s].values())
        row = [Fraction(0)] * len(transient) + [Fraction(0)] * len(comps)
        row[pos[s]] += 1
        for t, r in rows[s].items():
            if t in pos:
                row[pos[t]] -= r / e
            elif t in which:
                row[len(transient) + which[t]] += r / e
        a.append(row)
    h = solve(a, len(transient)) if transient else []
    init = sorted(labels["init"])
    absorbed = [sum((h[pos[s]][c] if s in pos else Fraction(int(which.get(s) == c)) for s in init), Fraction(0)) / len(init)
                for c in range(len(comps))]
    total = sum(absorbed)
    header = sta[0].strip("()").split(",")
    columns = [(i, name[:-len("_state")]) for i, name in enumerate(header) if name.endswith("_state")]
    values = {}
    for line in sta[1:]:
        if line:
            s, v = line.split(":")
            values[int(s)] = [int(x) for x in v.strip("()").split(",")]
    fraction = {}
    for c, comp in enumerate(comps):
        k = len(comp)
        where = {s: i for i, s in enumerate(comp)}
        # pi Q = 0 with the last equation replaced by sum pi = 1, transposed for solve().
        m = [[Fraction(0)] * (k + 1) for _ in range(k)]
        for s in comp:
            for t, r in rows[s].items():
                m[where[t]][where[s]] += r
                m[where[s]][where[s]] -= r
        m[k - 1] = [Fraction(1)] * k + [Fraction(1)]
        pi = [row[0] for row in solve(m, k)]
        for s, p in zip(comp, pi):
            for i, process in columns:
                key = (process, values[s][i])
                fraction[key] = fraction.get(key, Fraction(0)) + absorbed[c] / total * p
    for (process, code), f in sorted(fraction.items()):
        print("state", process, code, repr(float(f)))
    """#

  static func analyze(_ source: String, _ configure: (inout MarkovOptions) -> Void = { _ in }) throws -> MarkovAnalysis {
    try MarkovTests.analyze(compile(source), configure)
  }

  @Test("Long run with livelocks: the exact rational fractions agree to 1e-12 and lie within the bound")
  func livelockLongRunAgainstExact() throws {
    let a = try Self.analyze(Self.dither) { $0.longRunRate = 0.5 }
    let r = a.report, lr = try #require(r.longRun)
    // Three livelock components, and cyclic transient components: the arrivals come from
    // sweeps, so the bound is positive, and no power iteration was needed.
    #expect(r.bottomComponents[Outcome.livelock.rawValue] == 3 && r.solver.cyclicComponents > 0)
    let bound = try #require(lr.errorBound)
    #expect(bound > 0 && bound < 1e-10)
    #expect(lr.iterations == 0)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = ["m.tra", "m.lab", "m.sta"].map { directory.appendingPathComponent($0).path }
    try Data(PrismWriter.transitions(a, ctmc: true).utf8).write(to: URL(fileURLWithPath: files[0]))
    try Data(PrismWriter.labelFile(a).utf8).write(to: URL(fileURLWithPath: files[1]))
    try Data(PrismWriter.states(a).utf8).write(to: URL(fileURLWithPath: files[2]))
    let (code, out, err) = try runPython(Self.exactLongRun, files)
    try #require(code == 0, "the exact solver failed: \(err)")
    var compared = 0
    for line in out.split(separator: "\n") {
      let f = line.split(separator: " ")
      let p = try #require(r.processNames.firstIndex { $0.replacingOccurrences(of: "[", with: "_")
        .replacingOccurrences(of: "]", with: "") == f[1] })
      let value = lr.summary.controlStates[p][Int(f[2])!], exact = Double(f[3])!
      #expect(abs(value - exact) <= 1e-12, "\(f[1]) state \(f[2]): \(value) against exact \(exact)")
      #expect(abs(value - exact) <= bound + 1e-15, "\(f[1]) state \(f[2]): outside the bound \(bound)")
      compared += 1
    }
    // S has one control state, each P four.
    #expect(compared >= 5)
    #expect(abs(lr.summary.outcomes[Outcome.livelock.rawValue] - 1) <= 1e-15)
    #expect(MarkovWriter.text(r).contains("(every fraction within "))
  }

  @Test("A livelock component above the exact limit gets power iteration: close, but no bound")
  func livelockPowerIteration() throws {
    let exact = try Self.analyze(Self.dither) { $0.longRunRate = 0.5 }.report
    // Components of 2 and 4 states, all above a limit of 1.
    let iterated = try Self.analyze(Self.dither) {
      $0.longRunRate = 0.5
      $0.exactStationaryLimit = 1
    }.report
    let lr = try #require(iterated.longRun), reference = try #require(exact.longRun)
    #expect(lr.errorBound == nil && lr.iterations > 0)
    #expect(MarkovWriter.text(iterated).contains("(no guaranteed error bound: a livelock component of more than"))
    for (a, b) in zip(lr.summary.controlStates.joined(), reference.summary.controlStates.joined()) {
      // Power iteration stops once a sweep changes no entry by more than 1e-12.
      #expect(abs(a - b) < 1e-9)
    }
  }

  @Test("Long run of the acyclic wander model: exact stationary distribution, bound 0")
  func wanderExact() throws {
    let r = try Self.analyze(MarkovTests.wander) { $0.longRunRate = 2 }.report
    let lr = try #require(r.longRun)
    // The u–v cycle: 1 time unit in u (rate 1 out), 1/3 in v (rate 3 out): 3/4 and 1/4, by
    // elimination, to rounding; every transient component is one state, so the bound is 0.
    #expect(lr.errorBound == 0 && lr.iterations == 0)
    #expect(abs(lr.summary.controlStates[0][1] - 0.75) <= 1e-15)
    #expect(abs(lr.summary.controlStates[0][2] - 0.25) <= 1e-15)
  }

  @Test("--only commit gives the full analysis' P(commit) to the bit on an acyclic chain, and nothing else")
  func onlyCommitAcyclic() throws {
    let loaded = try MarkovTests.shipped("two-phase-commit-cooperative", n: 3) {
      $0.crash["Coordinator"] = 1
      $0.lose = 1
    }
    let full = try MarkovTests.analyze(loaded).report
    let only = try MarkovTests.analyze(loaded) { $0.only = [.commit] }.report
    #expect(full.solver.method == .exact && full.only == nil)
    #expect(only.only == [.commit])
    // The same arithmetic per class (`probabilities(of:)` follows `backward`).
    #expect(only.outcomes[Outcome.commit.rawValue] == full.outcomes[Outcome.commit.rawValue])
    #expect(only.outcomeBounds[Outcome.commit.rawValue] == 0)
    #expect(only.outcomes[Outcome.abort.rawValue].isNaN && only.expectedSteps.isNaN && only.residual.isNaN)
    #expect(only.solver.decidedStates == full.solver.decidedStates)
    let json = MarkovWriter.json(only)
    #expect(json.contains("\"only\": [\n    \"commit\"\n  ]") && json.contains("\"abort\": null"))
    #expect(!MarkovWriter.csv(only).contains("nan"))
    #expect(MarkovWriter.text(only).contains("(--only: no other outcome, expected steps or time computed)"))
  }

  @Test("--only on the cyclic retry model: the exact probabilities lie within the bounds")
  func onlyCyclic() throws {
    let a = try MarkovSoundTests.analyze(MarkovSoundTests.retryModel()) {
      $0.rates["crash"] = 0.3
      $0.only = [.commit, .violation]
    }
    let r = a.report, exact = try MarkovSoundTests.exact(a)
    #expect(r.solver.method == .soundValueIteration && r.only == [.commit, .violation])
    for o in [Outcome.commit, .violation] {
      MarkovSoundTests.agrees(r.outcomes[o.rawValue], r.outcomeBounds[o.rawValue], exact["x \(o.name)"]!, "P(\(o.name))")
    }
    #expect(r.outcomeBounds[Outcome.commit.rawValue] > 0)
  }

  @Test("The chain is the same built in one range or in several")
  func chainInParts() throws {
    let loaded = try MarkovTests.shipped("two-phase-commit", n: 3) { $0.crash["Coordinator"] = 1 }
    let ex = MarkovTests.explore(loaded)
    let table = try RateTable(system: loaded.system, overrides: ["crash": 0.1])
    let one = try MarkovChain(exploration: ex, rates: table)
    for parts in [2, 3, 7] {
      let split = try MarkovChain(exploration: ex, rates: table, threads: parts, minimumPart: 1)
      #expect(split.rowStart == one.rowStart && split.columns == one.columns && split.rates == one.rates)
      #expect(split.exitRates == one.exitRates && split.verdicts == one.verdicts)
      #expect(split.cutStates == one.cutStates && split.moveCount == one.moveCount)
    }
  }

  @Test("--only is refused empty, with an unknown class, and with --long-run")
  func onlyRefusals() throws {
    var (code, _, err) = try runTool(["markov", modelPath("two-phase-commit"), "--param", "N=2", "--only", "comit"])
    #expect(code == 2 && err.contains("--only needs outcome classes (commit, abort, blocked, livelock, violation), found 'comit'"))
    (code, _, err) = try runTool(["markov", modelPath("two-phase-commit"), "--only", "commit", "--long-run", "1"])
    #expect(code == 2 && err.contains("--only leaves out the expected time that --long-run needs"))
    let loaded = try MarkovTests.shipped("two-phase-commit", n: 2)
    #expect(throws: MarkovError.self) { try MarkovTests.analyze(loaded) { $0.only = [] } }
    let out: String
    (code, out, _) = try runTool(["markov", modelPath("two-phase-commit"), "--param", "N=2", "--only", "commit,abort",
                                   "--format", "json"])
    #expect(code == 0 && out.contains("\"expected_steps\": null"))
  }
}
