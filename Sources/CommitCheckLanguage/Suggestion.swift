/// "Did you mean" for a mistyped name: the closest known name by edit distance, when it is
/// close enough to be a likely typo.
public enum Suggestion {
  /// The only known name that `name` abbreviates (`--qu` for `--quiet`), or else the known name
  /// nearest to it (Damerau–Levenshtein, case-insensitive), if within a third of the name's
  /// length (at least 1, at most 3 edits); ties go to the first in `known`.
  public static func closest(to name: String, among known: [String]) -> String? {
    let lowered = name.lowercased()
    let extensions = known.filter { $0.count > name.count && $0.lowercased().hasPrefix(lowered) }
    if extensions.count == 1, name.count >= 3 { return extensions[0] }
    let target = Array(lowered)
    let limit = min(3, max(1, target.count / 3))
    var best: (name: String, distance: Int)?
    for candidate in known where candidate != name {
      let d = distance(target, Array(candidate.lowercased()), limit: limit)
      if d <= limit, best == nil || d < best!.distance { best = (candidate, d) }
    }
    return best?.name
  }

  /// `; did you mean 'x'?`, or nothing.
  public static func hint(for name: String, among known: [String]) -> String {
    closest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? ""
  }

  /// Optimal string alignment distance (insertions, deletions, substitutions and swaps of two
  /// adjacent characters), or more than `limit` once that is certain.
  static func distance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      var rowMin = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d = min(d, previous2[j - 2] + 1) }
        current[j] = d
        rowMin = min(rowMin, d)
      }
      if rowMin > limit { return limit + 1 }
      (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
  }
}
