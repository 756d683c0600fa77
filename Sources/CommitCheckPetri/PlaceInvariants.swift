import CommitCheckExplorer
/// A P-semiflow: non-negative place weights whose weighted token sum never changes.
public struct PlaceInvariant: Sendable, Hashable {
  /// Non-zero weights, ascending by place.
  public var weights: [ArcWeight]
  /// The weighted token sum of the initial marking, hence of every reachable one.
  public var tokens: Int
}

/// Bounds that keep the invariant computation finite (the number of minimal semiflows can grow
/// exponentially with the net): the rows of any intermediate matrix, and the support
/// comparisons of the whole run. Deterministic, unlike a time limit.
public struct InvariantLimits: Sendable {
  /// 0 skips the computation.
  public var rows = 20_000
  public var comparisons = 500_000_000
  /// Stops the computation at a signal or a deadline (the result then says so).
  public var cancellation = Cancellation()
  public init() {}
}

public struct InvariantResult: Sendable {
  /// The minimal-support P-semiflows, each scaled to coprime weights, ordered by their places.
  public var invariants: [PlaceInvariant]
  /// False when the computation was skipped or stopped at a limit or on an overflow (then
  /// `invariants` is empty and `note` says why).
  public var complete: Bool
  public var note: String?
  /// The rank of the incidence matrix: the constraints the semiflows satisfy.
  public var rank: Int
}

/// Minimal-support P-semiflows by the Farkas algorithm with Martínez and Silva's support
/// pruning (J. Martínez, M. Silva, "A simple and fast algorithm to obtain all invariants of a
/// generalised Petri net", 1982).
///
/// Start from [C | I] (a row per place: its incidence row and its unit vector); eliminate the
/// transition columns one at a time, replacing the rows by the zero rows and every positive
/// combination of a row with a positive and a row with a negative entry; drop each row whose
/// place support contains another row's. The rows left are the minimal-support semiflows.
/// Only a column basis of C is eliminated (y·C = 0 depends on C's column space alone), and the
/// column that creates the fewest rows goes first.
enum PlaceInvariants {
  struct Row {
    var y: [Int]
    var c: [Int]
    var support: [UInt64]
    var size: Int
  }

  static func compute(_ net: PetriNet, limits: InvariantLimits) -> InvariantResult {
    let n = net.places.count
    let columns = basis(net.transitions.indices.map { net.effect(of: $0) }, places: n)
    let words = (n + 63) / 64
    var rows: [Row] = (0..<n).map { i in
      var y = Array(repeating: 0, count: n)
      y[i] = 1
      var support = Array(repeating: UInt64(0), count: words)
      support[i / 64] |= 1 << UInt64(i % 64)
      return Row(y: y, c: columns.map { $0[i] }, support: support, size: 1)
    }
    func stop(_ note: String) -> InvariantResult {
      InvariantResult(invariants: [], complete: false, note: note, rank: columns.count)
    }
    if limits.rows == 0 { return stop("not computed (skipped)") }
    var remaining = Set(columns.indices)
    var work = 0, processed = 0
    while !remaining.isEmpty {
      var best = -1, bestScore = Int.max
      for j in remaining.sorted() {
        let pos = rows.count { $0.c[j] > 0 }, neg = rows.count { $0.c[j] < 0 }
        let score = pos * neg - pos - neg
        if score < bestScore { (best, bestScore) = (j, score) }
      }
      remaining.remove(best)
      processed += 1
      let positive = rows.indices.filter { rows[$0].c[best] > 0 }
      let negative = rows.indices.filter { rows[$0].c[best] < 0 }
      var next = rows.filter { $0.c[best] == 0 }
      for p in positive {
        for q in negative {
          if let reason = limits.cancellation.reason { return stop("not computed: stopped (\(reason.rawValue))") }
          let union = zip(rows[p].support, rows[q].support).map { $0 | $1 }
          // An extreme ray of a cone cut by `processed` independent equations has at most
          // processed + 1 places in its support.
          guard union.reduce(0, { $0 + $1.nonzeroBitCount }) <= processed + 1 else { continue }
          // Adjacency: p and q combine into an extreme ray (a minimal support) only if no other
          // row's support lies inside the union of theirs.
          var adjacent = true
          for k in rows.indices where k != p && k != q {
            work += 1
            if zip(rows[k].support, union).allSatisfy({ $0 & ~$1 == 0 }) {
              adjacent = false
              break
            }
          }
          guard work <= limits.comparisons else {
            return stop("not computed: more than \(limits.comparisons) support comparisons")
          }
          guard adjacent else { continue }
          guard let row = combine(rows[p], rows[q], column: best) else { return stop("not computed: an integer overflow") }
          next.append(row)
          guard next.count <= limits.rows else { return stop("not computed: more than \(limits.rows) intermediate rows") }
        }
      }
      rows = next
    }
    var invariants = rows.map { row in
      PlaceInvariant(
        weights: row.y.enumerated().filter { $0.element != 0 }.map { ArcWeight(place: $0.offset, weight: $0.element) },
        tokens: zip(row.y, net.places).reduce(0) { $0 + $1.0 * $1.1.initial })
    }
    invariants.sort { $0.weights.lexicographicallyPrecedes($1.weights) }
    // Each result must be a semiflow of every transition, and no two may share a support.
    guard Set(rows.map(\.support)).count == rows.count else { return stop("not computed: a support repeated") }
    for inv in invariants {
      var y = Array(repeating: 0, count: n)
      for w in inv.weights { y[w.place] = w.weight }
      for t in net.transitions.indices where net.effect(of: t).reduce(0, { $0 + y[$1.place] * $1.weight }) != 0 {
        return stop("not computed: a result failed its check against transition t\(t + 1)")
      }
    }
    return InvariantResult(invariants: invariants, complete: true, note: nil, rank: columns.count)
  }

  /// |q_j|·p + p_j·q, which is zero in column j, divided by the gcd of its entries.
  static func combine(_ p: Row, _ q: Row, column j: Int) -> Row? {
    let a = -q.c[j], b = p.c[j]
    func mix(_ x: [Int], _ z: [Int]) -> [Int]? {
      var out = x
      for i in x.indices {
        let (u, o1) = a.multipliedReportingOverflow(by: x[i])
        let (v, o2) = b.multipliedReportingOverflow(by: z[i])
        let (w, o3) = u.addingReportingOverflow(v)
        if o1 || o2 || o3 { return nil }
        out[i] = w
      }
      return out
    }
    guard var y = mix(p.y, q.y), var c = mix(p.c, q.c) else { return nil }
    let g = (y + c).reduce(0) { gcd($0, abs($1)) }
    if g > 1 {
      y = y.map { $0 / g }
      c = c.map { $0 / g }
    }
    let support = zip(p.support, q.support).map { $0 | $1 }
    return Row(y: y, c: c, support: support, size: support.reduce(0) { $0 + $1.nonzeroBitCount })
  }

  /// A maximal linearly independent subset of the (normalized, distinct) effect vectors, as
  /// dense columns; found by exact fraction-free elimination (a column whose reduction
  /// overflows is kept, which is safe: dependent columns only cost time).
  static func basis(_ effects: [[ArcWeight]], places n: Int) -> [[Int]] {
    var seen: Set<[ArcWeight]> = []
    var chosen: [[Int]] = []
    var echelon: [(pivot: Int, row: [Int])] = []
    for e in effects where !e.isEmpty {
      let g = e.reduce(0) { gcd($0, abs($1.weight)) }
      let sign = e[0].weight < 0 ? -1 : 1
      let normal = e.map { ArcWeight(place: $0.place, weight: sign * $0.weight / g) }
      guard seen.insert(normal).inserted else { continue }
      var v = Array(repeating: 0, count: n)
      for w in normal { v[w.place] = w.weight }
      let column = v
      var overflow = false
      for (pivot, row) in echelon where v[pivot] != 0 {
        let a = row[pivot], b = v[pivot]
        for i in 0..<n {
          let (u, o1) = a.multipliedReportingOverflow(by: v[i])
          let (w, o2) = b.multipliedReportingOverflow(by: row[i])
          let (d, o3) = u.subtractingReportingOverflow(w)
          if o1 || o2 || o3 { overflow = true }
          v[i] = d
        }
        if overflow { break }
        let h = v.reduce(0) { gcd($0, abs($1)) }
        if h > 1 { v = v.map { $0 / h } }
      }
      if overflow {
        chosen.append(column)
        continue
      }
      guard let pivot = v.firstIndex(where: { $0 != 0 }) else { continue }
      // Rows stay sorted by pivot, each zero before its pivot, so reducing in this order
      // never brings back an entry already cleared.
      echelon.insert((pivot, v), at: echelon.firstIndex { $0.pivot > pivot } ?? echelon.count)
      chosen.append(column)
    }
    return chosen
  }

  static func gcd(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
  }
}
