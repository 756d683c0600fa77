import Foundation
import Testing

/// The benchmark's command line (`commitcheck-bench`): `--repeat` keeps every run's time and
/// gives the fastest run's row, for a machine whose speed drifts between runs.
struct BenchTests {
  /// Runs the benchmark built beside the tests, from the package's root (where it finds models/).
  func runBench(_ arguments: [String]) throws -> (Int32, String, String) {
    try runProcess(try builtExecutable("commitcheck-bench"), arguments, in: URL(fileURLWithPath: packageRoot))
  }

  @Test("--repeat K runs a case K times and gives the fastest run's row; a count below 1 is a usage error")
  func repeats() throws {
    let (code, out, err) = try runBench(["--case", "twophase-n5", "--repeat", "3", "--threads", "1", "--json"])
    #expect(code == 0, "\(err)")
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
    let row = try #require(rows.first)
    #expect(rows.count == 1 && row["case"] as? String == "twophase-n5")
    // 6^5 + 4^5 + 2^5 (TLC's formula, see models/two-phase-tla.commit).
    #expect(row["states"] as? Int == 8_832)
    let all = try #require(row["all_seconds"] as? [Double])
    let seconds = try #require(row["seconds"] as? Double)
    #expect(all.count == 3 && all.min() == seconds)
    for bad in [["--repeat", "0"], ["--repeat", "two"], ["--repeat"]] {
      let (code, _, err) = try runBench(["--case", "twophase-n5"] + bad)
      #expect(code == 2 && err.contains("--repeat needs a count of at least 1"), "\(bad)")
    }
  }
}
