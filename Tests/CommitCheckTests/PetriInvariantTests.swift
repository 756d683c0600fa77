import CommitCheck
import Foundation
import Testing

/// An exact fraction, for the brute-force semiflow search.
struct Fraction: Equatable {
  var num: Int
  var den: Int

  init(_ num: Int, _ den: Int = 1) {
    var g = Swift.max(1, gcd(abs(num), abs(den)))
    if den < 0 { g = -g }
    self.num = num / g
    self.den = den / g
  }

  static func - (a: Fraction, b: Fraction) -> Fraction { Fraction(a.num * b.den - b.num * a.den, a.den * b.den) }
  static func * (a: Fraction, b: Fraction) -> Fraction { Fraction(a.num * b.num, a.den * b.den) }
  static func / (a: Fraction, b: Fraction) -> Fraction { Fraction(a.num * b.den, a.den * b.num) }
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

/// Every minimal-support P-semiflow of a net read from PNML, by brute force over place
/// subsets: S is a minimal support exactly when the semiflows with support in S form a line
/// (a one-dimensional kernel of C restricted to S) spanned by a vector positive on all of S.
/// Shares nothing with the Farkas computation; feasible up to about 16 places.
func bruteForceSemiflows(_ net: PnmlNet) -> Set<[Int]> {
  let n = net.placeIDs.count
  var incidence = Array(repeating: Array(repeating: 0, count: net.transitionIDs.count), count: n)
  for t in net.transitionIDs.indices {
    for a in net.pre[t] { incidence[a.place][t] -= a.weight }
    for a in net.post[t] { incidence[a.place][t] += a.weight }
  }
  var found: Set<[Int]> = []
  var minimal: [Int] = []
  // Smallest subsets first: a strict superset of a minimal support is never one.
  for subset in (1..<(1 << n)).sorted(by: { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) })
  where !minimal.contains(where: { $0 & subset == $0 }) {
    let places = (0..<n).filter { subset >> $0 & 1 == 1 }
    // Rows: transitions; columns: the subset's places. Reduce to row echelon form.
    var m = net.transitionIDs.indices.map { t in places.map { Fraction(incidence[$0][t]) } }
    var pivots: [Int] = []
    var row = 0
    for col in places.indices where row < m.count {
      guard let r = (row..<m.count).first(where: { m[$0][col].num != 0 }) else { continue }
      m.swapAt(row, r)
      let p = m[row][col]
      m[row] = m[row].map { $0 / p }
      for k in m.indices where k != row && m[k][col].num != 0 {
        let f = m[k][col]
        m[k] = zip(m[k], m[row]).map { $0 - f * $1 }
      }
      pivots.append(col)
      row += 1
    }
    guard places.count - pivots.count == 1, let free = places.indices.first(where: { !pivots.contains($0) }) else { continue }
    var x = Array(repeating: Fraction(0), count: places.count)
    x[free] = Fraction(1)
    for (i, col) in pivots.enumerated() { x[col] = Fraction(0) - m[i][free] }
    guard x.allSatisfy({ $0.num > 0 }) || x.allSatisfy({ $0.num < 0 }) else { continue }
    let lcm = x.reduce(1) { $0 / gcd($0, $1.den) * $1.den }
    var ints = x.map { abs($0.num * (lcm / $0.den)) }
    let g = ints.reduce(0, gcd)
    ints = ints.map { $0 / g }
    var y = Array(repeating: 0, count: n)
    for (k, p) in places.enumerated() { y[p] = ints[k] }
    found.insert(y)
    minimal.append(subset)
  }
  return found
}

struct PetriInvariantTests {
  static let handoff = """
    protocol Handoff
    message Token
    role Sender { state holding initial
      state passed
      on holding step pass { send Token to Receiver; goto passed } }
    role Receiver { state waiting initial
      state holding
      on waiting receive Token as take { goto holding } }
    """

  func dense(_ i: PlaceInvariant, _ n: Int) -> [Int] {
    var y = Array(repeating: 0, count: n)
    for w in i.weights { y[w.place] = w.weight }
    return y
  }

  @Test("A handoff has three invariants: each process's token, and the token passed along")
  func handoff() throws {
    let run = try PetriRun.source(Self.handoff, invariants: true)
    // Places: p1 Sender holding, p2 Sender passed, p3 Receiver waiting, p4 Receiver holding,
    // p5 Token in flight. pass: p1 -1, p2 +1, p5 +1; take: p3 -1, p4 +1, p5 -1. So y2 + y5 = y1
    // and y4 = y3 + y5, whose extreme rays are (1,1,0,0,0), (1,0,0,1,1) and (0,0,1,1,0) (hand
    // derivation), each summing to 1 token initially.
    #expect(run.analysis.net.places.map(\.name) == [
      "Sender holding", "Sender passed", "Receiver waiting", "Receiver holding", "Token Sender→Receiver",
    ])
    #expect(run.analysis.invariants.complete)
    #expect(run.analysis.invariants.invariants.map { dense($0, 5) } == [[1, 1, 0, 0, 0], [1, 0, 0, 1, 1], [0, 0, 1, 1, 0]])
    #expect(run.analysis.invariants.invariants.allSatisfy { $0.tokens == 1 })
    #expect(run.analysis.conservation(of: 0) == 0 && run.analysis.conservation(of: 1) == 2)
  }

  /// Nets of 12, 15 and 16 places (2^16 subsets at most).
  static let small: [(String, Bool)] = [("two-phase-commit", false), ("two-phase-commit", true), ("three-phase-commit", false)]

  @Test("Farkas finds exactly the minimal semiflows a brute-force search over place subsets finds",
        arguments: small)
  func matchesBruteForce(model: String, crash: Bool) throws {
    let run = try PetriRun.shipped(model, n: 1, invariants: true) { if crash { $0.crash["Participant"] = 1 } }
    let net = try PnmlNet(try XMLParser.parse(run.pnml))
    try #require(net.placeIDs.count <= 16, "brute force needs a small net")
    let n = net.placeIDs.count
    #expect(run.analysis.invariants.complete)
    let expected = bruteForceSemiflows(net)
    #expect(expected.count > run.system.processes.count, "more than the processes' own tokens")
    #expect(Set(run.analysis.invariants.invariants.map { dense($0, n) }) == expected)
  }

  @Test("Every invariant's token sum is the same in every marking the token game reaches; each process is conserved",
        arguments: ["two-phase-commit", "three-phase-commit-timeouts"])
  func invariantsHoldInEveryMarking(model: String) throws {
    let run = try PetriRun.shipped(model, n: 2, invariants: true) { $0.crash["Participant"] = 1 }
    let result = run.analysis.invariants
    #expect(result.complete && !result.invariants.isEmpty)
    let net = try PnmlNet(try XMLParser.parse(run.pnml))
    let game = TokenGame(net)
    for i in result.invariants {
      let sums = Set(game.markings.map { m in i.weights.reduce(0) { $0 + $1.weight * m[$1.place] } })
      #expect(sums == [i.tokens])
    }
    // Minimal supports: no invariant's support holds another's.
    let supports = result.invariants.map { Set($0.weights.map(\.place)) }
    for (a, x) in supports.enumerated() {
      #expect(!supports.enumerated().contains { b, y in a != b && y.isSubset(of: x) })
    }
    let places = run.analysis.net.places
    for p in run.system.processes.indices {
      #expect(run.analysis.conservation(of: p) != nil, "\(run.system.processes[p].name) keeps one token")
    }
    // The crash budget and the crashed flags of the participants hold the budget (1) together.
    let budget = try #require(places.firstIndex { $0.name == "budget crash Participant" })
    let crashed = places.indices.filter { if case .crashed = places[$0].kind { return true } else { return false } }
    #expect(result.invariants.contains { Set($0.weights.map(\.place)) == Set([budget] + crashed) && $0.tokens == 1 })
  }

  @Test("The structural PNML check accepts the export and rejects each broken variant with its reason")
  func grammarCheck() throws {
    let pnml = try PetriRun.source(Self.handoff).pnml
    #expect(PnmlGrammar.errors(try XMLParser.parse(pnml)) == [])
    let broken: [(String, String, String)] = [
      ("grammar/ptnet\"", "grammar/pnmlcoremodel\"", "net type"),
      (" xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\"", "", "namespace"),
      ("<transition id=\"t1\">", "<transition id=\"p1\">", "not unique"),
      ("source=\"p1\" target=\"t1\"", "source=\"p1\" target=\"p2\"", "joins a place to a place"),
      ("<inscription><text>1</text>", "<inscription><text>0</text>", "positive integer"),
      ("<initialMarking><text>1</text>", "<initialMarking><text>-1</text>", "non-negative integer"),
      ("<place id=\"p1\">", "<place id=\"p1\"><capacity/>", "not allowed"),
      ("<position x=\"60\" y=\"120\"/>", "", "<position> is missing"),
      ("<place id=\"p1\">", "<place id=\"1p\">", "not an XML name"),
    ]
    for (find, replace, reason) in broken {
      try #require(pnml.contains(find), "the export contains \(find)")
      let errors = PnmlGrammar.errors(try XMLParser.parse(pnml.replacingOccurrences(of: find, with: replace)))
      #expect(errors.contains { $0.contains(reason) }, "\(reason): \(errors)")
    }
  }
}
