import CommitCheck
import Foundation
import Testing

/// The Markov figures against exact rational solutions and against Storm: the exported CTMC is
/// read back by readers we did not write the solver of, the figures must agree to 1e-12, and
/// every exact value must lie within the error bound the report gives.
struct MarkovSoundTests {
  /// Reads a PRISM explicit CTMC (`.tra` with rates, `.lab`) with Python's `fractions` and
  /// solves it exactly: strongly connected components of the transient states (Tarjan), each
  /// solved by Gaussian elimination over the rationals in reverse topological order. Prints,
  /// from the `init` states, `x CLASS p` (probability of ending in the class), `m CLASS v`
  /// (expected steps on the runs that end there) and `t CLASS v` (time), as the nearest
  /// double (averaged over the `init` states: the tests use models with one). With a third
  /// argument `steps`, only the expected steps and time of all runs (`m all`, `t all`).
  static let exactSolver = #"""
    import sys
    from fractions import Fraction
    tra, lab = open(sys.argv[1]).read().split("\n"), open(sys.argv[2]).read().split("\n")
    n = int(tra[0].split()[0])
    rows = [{} for _ in range(n)]
    for line in tra[1:]:
        if line:
            i, j, r = line.split()
            rows[int(i)][int(j)] = rows[int(i)].get(int(j), 0) + Fraction(r)
    names = {int(d.split("=")[0]): d.split("=")[1].strip('"') for d in lab[0].split()}
    labels = {}
    for line in lab[1:]:
        if line:
            s, rest = line.split(":")
            for l in rest.split():
                labels.setdefault(names[int(l)], set()).add(int(s))
    classes = ["commit", "abort", "blocked", "livelock", "violation"]
    K = len(classes)
    end = {s: c for c, name in enumerate(classes) for s in labels.get(name, ())}
    steps_only = len(sys.argv) > 3 and sys.argv[3] == "steps"
    # Per state: x_c, m_c (steps on runs ending in c), t_c (time on runs ending in c); or, with
    # `steps`, only m and t of all runs.
    value = [None] * n
    for s, c in end.items():
        value[s] = [Fraction(0)] * 2 if steps_only else [Fraction(int(i == c)) for i in range(K)] + [Fraction(0)] * (2 * K)
    # Strongly connected components of the transient states (Tarjan, iterative): emitted after
    # every component they reach, so each is solved from final values.
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], 0
    for root in range(n):
        if root in end or root in index:
            continue
        work = [(root, iter(rows[root]))]
        index[root] = low[root] = counter; counter += 1; stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            pushed = False
            for w in it:
                if w in end:
                    continue
                if w not in index:
                    index[w] = low[w] = counter; counter += 1; stack.append(w); on.add(w)
                    work.append((w, iter(rows[w]))); pushed = True; break
                if w in on:
                    low[v] = min(low[v], index[w])
            if pushed:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
    def solve(comp, rhs):
        # (I - P_CC) y = rhs, by Gaussian elimination over the rationals, several right-hand sides.
        pos = {s: i for i, s in enumerate(comp)}
        k = len(comp)
        a = []
        for s in comp:
            e = sum(rows[s].values())
            row = [Fraction(0)] * k
            row[pos[s]] += 1
            for t, r in rows[s].items():
                if t in pos:
                    row[pos[t]] -= r / e
            a.append(row + rhs[pos[s]])
        width = len(a[0])
        for col in range(k):
            piv = next(r for r in range(col, k) if a[r][col] != 0)
            a[col], a[piv] = a[piv], a[col]
            p = a[col][col]
            a[col] = [x / p for x in a[col]]
            for r in range(k):
                if r != col and a[r][col] != 0:
                    f = a[r][col]
                    a[r] = [x - f * y for x, y in zip(a[r], a[col])]
        return {s: a[pos[s]][k:] for s in comp}
    for comp in comps:
        inside = set(comp)
        exit = {s: sum(rows[s].values()) for s in comp}
        def outside(s, col):
            return sum((r / exit[s] * value[t][col] for t, r in rows[s].items() if t not in inside), Fraction(0))
        if steps_only:
            y = solve(comp, [[1 + outside(s, 0), 1 / exit[s] + outside(s, 1)] for s in comp])
            for s in comp:
                value[s] = y[s]
            continue
        x = solve(comp, [[outside(s, c) for c in range(K)] for s in comp])
        for s in comp:
            value[s] = x[s] + [Fraction(0)] * (2 * K)
        rhs = [[x[s][c] + outside(s, K + c) for c in range(K)] + [x[s][c] / exit[s] + outside(s, 2 * K + c) for c in range(K)]
               for s in comp]
        y = solve(comp, rhs)
        for s in comp:
            value[s] = x[s] + y[s]
    init = sorted(labels["init"])
    if steps_only:
        for col, name in enumerate(["m", "t"]):
            print(name, "all", repr(float(sum((value[s][col] for s in init), Fraction(0)) / len(init))))
        sys.exit(0)
    for col in range(3 * K):
        total = sum((value[s][col] for s in init), Fraction(0)) / len(init)
        print(["x", "m", "t"][col // K], classes[col % K], repr(float(total)))
    """#

  /// Loads a DRN file with Storm (PyPI `stormpy`) and prints, from the initial state, the
  /// expected time to a bottom component, P(F<=T "commit") and P(F "commit").
  static let stormScript = #"""
    import stormpy, sys
    model = stormpy.build_model_from_drn(sys.argv[1])
    assert str(model.model_type).endswith("CTMC"), model.model_type
    labels = [l for l in ["commit", "abort", "blocked", "livelock", "violation"] if l in model.labeling.get_labels()]
    formulas = ['T=? [ F (' + " | ".join('"%s"' % l for l in labels) + ') ]', 'P=? [ F<=' + sys.argv[2] + ' "commit" ]', 'P=? [ F "commit" ]']
    env = stormpy.Environment()
    # Eigen's sparse LU: a direct solver, so Storm's own figures are good to rounding.
    env.solver().set_linear_equation_solver_type(stormpy.developer._core.EquationSolverType.EIGEN)
    for p in stormpy.parse_properties("; ".join(formulas)):
        print(repr(stormpy.model_checking(model, p, environment=env).get_value(model.initial_states[0])))
    """#

  static let stormAvailable = (try? runPython("import stormpy"))?.0 == 0
  static let required = ProcessInfo.processInfo.environment["CI"] == "true"

  /// A server that grants requests (rate 2) or refuses them (rate 1); a refused participant
  /// retries, or gives up (rate 0.2) and aborts, which conflicts with the server's commit.
  /// Participants crash (`--crash P=2`): a cyclic chain (request, refusal, retry).
  static let retry = """
    protocol RetryAfterCrash
    param N: 1...4 = 3
    network unordered
    message Req
    message Ok
    message Busy
    role S {
      state serving initial decides commit
      on serving receive Req from p as handle {
        choose {
          grant rate 2: { send Ok to p }
          refuse: { send Busy to p }
        }
      }
    }
    role P[N] {
      state asking initial
      state done decides commit
      state failed decides abort
      start { send Req to S }
      on asking receive Ok as got { goto done }
      on asking receive Busy as busy {
        choose {
          retry: { send Req to S }
          give_up rate 0.2: { goto failed }
        }
      }
    }
    """

  static func temporary(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-\(UUID().uuidString)-\(name)")
  }

  /// The exact figures of the chain's PRISM CTMC export, by `exactSolver`.
  static func exact(_ a: MarkovAnalysis, stepsOnly: Bool = false) throws -> [String: Double] {
    let tra = temporary("m.tra"), lab = temporary("m.lab")
    try Data(PrismWriter.transitions(a, ctmc: true).utf8).write(to: tra)
    try Data(PrismWriter.labelFile(a).utf8).write(to: lab)
    defer {
      try? FileManager.default.removeItem(at: tra)
      try? FileManager.default.removeItem(at: lab)
    }
    let (code, out, err) = try runPython(exactSolver, [tra.path, lab.path] + (stepsOnly ? ["steps"] : []))
    try #require(code == 0, "the exact solver failed: \(err)")
    var figures: [String: Double] = [:]
    for line in out.split(separator: "\n") {
      let f = line.split(separator: " ")
      figures["\(f[0]) \(f[1])"] = Double(f[2])!
    }
    return figures
  }

  static func analyze(_ loaded: LoadedModel, _ configure: (inout MarkovOptions) -> Void = { _ in }) throws -> MarkovAnalysis {
    try MarkovTests.analyze(loaded, configure)
  }

  static func retryModel() throws -> LoadedModel {
    var options = CompileOptions()
    options.crash["P"] = 2
    return try compileModel(source: retry, file: "retry.commit", options: options)
  }

  /// |value − exact| within 1e-12 relative, and within the reported bound (plus rounding).
  static func agrees(_ value: Double, _ bound: Double, _ exact: Double, _ what: String) {
    let error = abs(value - exact)
    #expect(error <= 1e-12 * max(1, abs(exact)), "\(what): \(value) against exact \(exact)")
    #expect(error <= bound + 1e-14 * max(1, abs(exact)), "\(what): error \(error) outside the bound \(bound)")
  }

  @Test("The cyclic retry model agrees with the exact rational solution to 1e-12, within its bounds")
  func retryAgainstExact() throws {
    let a = try Self.analyze(Self.retryModel()) { $0.rates["crash"] = 0.3 }
    let r = a.report
    #expect(r.solver.method == .soundValueIteration && r.solver.converged && r.solver.cyclicComponents > 0)
    let exact = try Self.exact(a)
    var steps = 0.0, time = 0.0
    for o in Outcome.allCases {
      let x = exact["x \(o.name)"]!, m = exact["m \(o.name)"]!, t = exact["t \(o.name)"]!
      steps += m
      time += t
      Self.agrees(r.outcomes[o.rawValue], r.outcomeBounds[o.rawValue], x, "P(\(o.name))")
      if x > 0 {
        Self.agrees(r.conditionalSteps[o.rawValue]!, r.conditionalStepsBounds[o.rawValue]!, m / x, "steps given \(o.name)")
        Self.agrees(r.conditionalTime[o.rawValue]!, r.conditionalTimeBounds[o.rawValue]!, t / x, "time given \(o.name)")
      } else {
        #expect(r.conditionalSteps[o.rawValue] == nil && r.outcomeBounds[o.rawValue] == 0)
      }
    }
    Self.agrees(r.expectedSteps, r.expectedStepsBound, steps, "expected steps")
    Self.agrees(r.expectedTime, r.expectedTimeBound, time, "expected time")
    // Both outcomes occur, and the iteration was needed for them: the bounds are not all 0.
    #expect(r.outcomes[Outcome.commit.rawValue] > 0.5 && r.outcomes[Outcome.violation.rawValue] > 0.1)
    #expect(r.outcomeBounds[Outcome.commit.rawValue] > 0)
  }

  @Test("Most probable ends and the long run of the cyclic model: the exact values lie within their bounds")
  func forwardBoundsHold() throws {
    let rate = 0.5
    let a = try Self.analyze(Self.retryModel()) {
      $0.rates["crash"] = 0.3
      $0.top = 1_000_000
      $0.longRunRate = rate
    }
    let r = a.report, exact = try Self.exact(a)
    let bound = try #require(r.top.first?.errorBound)
    #expect(bound > 0 && bound < 1e-10)
    // Each end's probability is a lower bound, and what they all miss bounds each: so per
    // class, their sum lies within the bound below the exact probability of the class.
    for o in Outcome.allCases {
      let sum = r.top.filter { $0.outcome == o }.reduce(0) { $0 + $1.probability }
      #expect(sum <= exact["x \(o.name)"]! + 1e-14 && exact["x \(o.name)"]! <= sum + bound + 1e-14)
    }
    // Renewal: the run takes the expected time T, then the restart 1 / rate; the fraction of
    // time running is T / (T + 1 / rate).
    let lr = try #require(r.longRun)
    let run = (0..<5).reduce(0.0) { $0 + exact["t \(Outcome.allCases[$1].name)"]! }
    let b = try #require(lr.errorBound)
    #expect(b > 0 && b < 1e-10)
    #expect(abs(lr.summary.running - run / (run + 1 / rate)) <= b + 1e-14)
    #expect(abs(lr.cycleTime! - (run + 1 / rate)) <= b * (run + 1 / rate) + 1e-12)
  }

  @Test("A rate for a transition that no explored move takes is a warning")
  func unusedRateWarning() throws {
    let loaded = try MarkovTests.shipped("two-phase-commit", n: 2)
    // Without crashes the coordinator's timeout never fires.
    let a = try Self.analyze(loaded) { $0.rates["vote_timeout"] = 2; $0.rates["vote_no"] = 2 }
    #expect(a.chainWarnings.map(\.message) == [
      "--rate vote_timeout=2: no move of the explored chain takes it, so this rate is never used"])
    let b = try Self.analyze(MarkovTests.shipped("two-phase-commit", n: 2) { $0.crash["Participant"] = 1 }) {
      $0.rates["vote_timeout"] = 2
    }
    #expect(b.chainWarnings.isEmpty)
  }

  @Test("A coarse precision gives wider bounds that still hold")
  func coarseBoundsHold() throws {
    let a = try Self.analyze(Self.retryModel()) {
      $0.rates["crash"] = 0.3
      $0.tolerance = 1e-4
    }
    let r = a.report, exact = try Self.exact(a)
    let commit = exact["x commit"]!
    #expect(r.outcomeBounds[Outcome.commit.rawValue] > 1e-9)
    #expect(abs(r.outcomes[Outcome.commit.rawValue] - commit) <= r.outcomeBounds[Outcome.commit.rawValue])
    #expect(r.outcomeBounds[Outcome.commit.rawValue] <= 1e-4 * commit)
  }

  @Test("TwoPhase N=6: expected steps and time agree with the exact rational values to the last printed digit")
  func twoPhaseSixExact() throws {
    let a = try Self.analyze(MarkovTests.shipped("two-phase-commit", n: 6)) { $0.rates["vote_no"] = 0.3 }
    let r = a.report, exact = try Self.exact(a, stepsOnly: true)
    #expect(r.solver.method == .exact && r.expectedStepsBound == 0)
    #expect(MarkovWriter.number(r.expectedSteps) == MarkovWriter.number(exact["m all"]!))
    #expect(MarkovWriter.number(r.expectedTime) == MarkovWriter.number(exact["t all"]!))
    #expect(abs(r.expectedSteps - exact["m all"]!) <= 1e-14 * r.expectedSteps)
  }

  @Test("Storm reads the DRN CTMC export: expected time, time-bounded and unbounded commit probability agree",
        .enabled(if: stormAvailable || required, "stormpy is not installed (pip install stormpy); CI installs it"),
        arguments: ["retry", "2pc-crash"])
  func stormReadsCtmc(model: String) throws {
    let loaded = model == "retry" ? try Self.retryModel()
      : try MarkovTests.shipped("two-phase-commit", n: 3) { $0.crash["Coordinator"] = 1 }
    let a = try Self.analyze(loaded) {
      $0.rates["crash"] = 0.3
      $0.time = 1.5
    }
    let drn = Self.temporary("m.drn")
    try Data(DrnWriter.text(a, ctmc: true).utf8).write(to: drn)
    defer { try? FileManager.default.removeItem(at: drn) }
    let (code, out, err) = try runPython(Self.stormScript, [drn.path, "1.5"])
    try #require(code == 0, "Storm could not load or check the DRN file: \(err)")
    let storm = out.split(separator: "\n").map { Double($0)! }
    try #require(storm.count == 3)
    let r = a.report
    #expect(abs(storm[0] - r.expectedTime) <= 1e-12 * r.expectedTime)
    #expect(abs(storm[1] - r.atTime!.summary.outcomes[Outcome.commit.rawValue]) <= 1e-12)
    #expect(abs(storm[2] - r.outcomes[Outcome.commit.rawValue]) <= 1e-12)
  }

  @Test("Rates on the branches of a start block weigh the initial states, and --rate names them")
  func startBranchRates() throws {
    let source = """
      protocol Start
      role A {
        state w initial
        state c decides commit
        state x decides abort
        start { choose { go rate 3: { goto c } stop: { goto x } } }
      }
      """
    let declared = try Self.analyze(compile(source)).report
    // Two initial states, weighted 3 : 1 by the branch rates: commit 3/4, abort 1/4.
    #expect(declared.initialStates == 2)
    #expect(abs(MarkovTests.p(declared, .commit) - 0.75) < 1e-15)
    let overridden = try Self.analyze(compile(source)) { $0.rates["A.stop"] = 7 }.report
    // 3 : 7.
    #expect(abs(MarkovTests.p(overridden, .commit) - 0.3) < 1e-15)
    #expect(overridden.rateOverrides.map(\.name) == ["A.stop"])
  }

  @Test("Under symmetry, each most probable end is an orbit: its probability over its size is one state's")
  func orbitsInTop() throws {
    let loaded = try MarkovTests.shipped("two-phase-commit", n: 3) { $0.crash["Coordinator"] = 1 }
    var reduced = CompileOptions()
    reduced.parameters["N"] = 3
    reduced.crash["Coordinator"] = 1
    let full = try Self.analyze(loaded) { $0.rates["crash"] = 0.1; $0.top = 1_000 }.report
    var explorer = ExplorerOptions()
    explorer.keepEdges = true
    explorer.symmetry = try Symmetry(loaded.system)
    var options = MarkovOptions()
    options.rates["crash"] = 0.1
    options.top = 1_000
    let orbits = try MarkovAnalysis(exploration: Explorer().explore(loaded.system, options: explorer), file: loaded.file,
                                    options: options).report
    #expect(orbits.orbits && !full.orbits)
    // The orbit sizes add up to the states of the unreduced chain's bottom components, and
    // each orbit's probability is its size times that of any of its states.
    #expect(orbits.top.reduce(0) { $0 + $1.orbitSize! } == full.top.count)
    let fullByText = Dictionary(grouping: full.top, by: \.outcome)
    for t in orbits.top {
      let perState = t.probability / Double(t.orbitSize!)
      #expect(fullByText[t.outcome]!.contains { abs($0.probability - perState) < 1e-12 })
    }
    #expect(MarkovWriter.text(orbits).contains("orbits under --symmetry"))
  }
}

extension MarkovSoundTests {
  @Test("The command writes the CTMC exports with --ctmc, warns about unused rates, and refuses --ctmc alone")
  func commandLine() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let prefix = directory.appendingPathComponent("m").path, drn = directory.appendingPathComponent("m.drn").path
    var (code, out, err) = try runTool(["markov", modelPath("two-phase-commit"), "--param", "N=2", "--ctmc",
                                        "--export-prism", prefix, "--export-drn", drn, "--rate", "vote_timeout=2"])
    #expect(code == 0)
    #expect(err.contains("--rate vote_timeout=2: no move of the explored chain takes it, so this rate is never used"))
    #expect(out.contains("graph search:"))
    let tra = try String(contentsOfFile: prefix + ".tra", encoding: .utf8)
    let dtmc = try String(contentsOfFile: drn, encoding: .utf8)
    #expect(dtmc.contains("@type: CTMC") && dtmc.contains("state 0 !"))
    // Rates, not probabilities: the initial state's two votes race at rate 1 each, so its row
    // holds rates of 1 that add up to more than 1.
    let initialRow = tra.split(separator: "\n").dropFirst().filter { $0.hasPrefix("0 ") }
    #expect(initialRow.count > 1 && initialRow.allSatisfy { $0.hasSuffix(" 1.0") })
    (code, _, err) = try runTool(["markov", modelPath("two-phase-commit"), "--ctmc"])
    #expect(code == 2 && err.contains("--ctmc says what --export-prism and --export-drn write"))
  }
}
