import CommitCheck
import Testing

/// The report under `--symmetry` counts orbits whenever the reduced graph has no real cycle,
/// whatever the variable layout and the declaration order (issue 19, part 1). Before, a move to
/// the same breadth-first level (such as a shortcut) made the check fall back to the unreduced
/// graph and print the concrete count.
struct ExactSymmetryTests {
  /// Three interchangeable instances, each going a → b → c or straight a → c: acyclic.
  static func shortcut(extraVariable: Bool = false, reordered: Bool = false) -> String {
    let steps = ["  on a step ab { goto b }", "  on b step bc { goto c }", "  on a step ac { goto c }"]
    return """
      protocol Shortcut
      param N: 1...5 = 3
      role A[N] symmetric {
      \(extraVariable ? "  var unused: bool\n" : "")  state a initial
        state b
        state c decides commit
      \((reordered ? steps.reversed() : steps).joined(separator: "\n"))
      }
      """
  }

  @Test("An acyclic model reduces to its orbits, whatever the layout and declaration order",
        arguments: [(false, false), (true, false), (false, true), (true, true)])
  func acyclicReduces(extraVariable: Bool, reordered: Bool) throws {
    let model = try compile(Self.shortcut(extraVariable: extraVariable, reordered: reordered))
    var options = ExplorerOptions()
    options.symmetry = try model.symmetryReduction()
    let reduced = model.check(options: options)
    let plain = model.check()
    // Each instance is in a, b or c: 3^3 = 27 states; an orbit is a multiset of three control
    // states, C(3 + 3 - 1, 3) = 10 of them (closed forms).
    #expect(plain.states == 27)
    #expect(reduced.states == 10)
    #expect(reduced.countsOrbits && !plain.countsOrbits)
    #expect(ReportWriter.json(reduced).contains("\"states_counted\": \"orbits\""))
    #expect(reduced.notes.isEmpty)
    #expect(reduced.properties.map(\.verdict) == plain.properties.map(\.verdict))
    // Brute force, as SymmetryTests counts orbits: the smallest image of each reachable state
    // under the 3! permutations names its orbit.
    let symmetry = try #require(options.symmetry)
    let full = Explorer().explore(model.system)
    let perms = SymmetryTests.permutations(symmetry.instanceCount)
    var orbits: Set<[Int]> = []
    for id in 0..<full.stateCount {
      let s = full.state(UInt32(id))
      orbits.insert(perms.map { symmetry.permute(s, $0) }.min { $0.lexicographicallyPrecedes($1) }!)
    }
    #expect(orbits.count == reduced.states)
  }

  @Test("A model whose reduced graph has a real cycle still decides termination without reduction, and says so")
  func realCycleFallsBack() throws {
    // Each instance toggles between a and b forever unless it decides: a real cycle.
    let model = try compile("""
      protocol Toggle
      param N: 1...3 = 2
      role A[N] symmetric {
        state a initial
        state b
        state done decides commit
        on a step flip { goto b }
        on b step flop { goto a }
        on b step finish { goto done }
      }
      """)
    var options = ExplorerOptions()
    options.symmetry = try model.symmetryReduction()
    let reduced = model.check(options: options)
    // The note names the cycle that forced it: an instance flips and flops.
    #expect(reduced.notes == [.decidedWithoutSymmetry(cycle: "A[1] flip, A[1] flop")])
    // The report's figures are then the unreduced run's, and it says so.
    #expect(!reduced.countsOrbits)
    #expect(reduced.properties.map(\.verdict) == model.check().properties.map(\.verdict))
  }

  @Test("--symmetry with one instance is the identity, so a sweep over N = 1... can pass it throughout")
  func singleInstance() throws {
    var compile = CompileOptions()
    compile.parameters["N"] = 1
    let model = try loadModel(path: modelPath("two-phase-commit"), options: compile)
    #expect(try model.symmetryReduction() == nil)
    let (code, out, err) = try runTool(["check", modelPath("two-phase-commit"), "--param", "N=1", "--symmetry", "-q"])
    #expect(code == 0, "\(err)")
    #expect(out.contains("explored:    \(model.check().states) states"))
    // A model with no symmetric role at all is still refused, with the reason.
    let (refused, _, why) = try runTool(["check", modelPath("three-phase-commit"), "--param", "N=1", "--symmetry", "-q"])
    #expect(refused == 2)
    #expect(why.contains("no role is declared 'symmetric'"))
  }
}
