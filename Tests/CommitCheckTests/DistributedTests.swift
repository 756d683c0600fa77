import CommitCheck
import Foundation
import Testing

// The distributed check itself runs under mpirun in `.ci/mpi-equality`, which compares its
// reports with the single-process ones; these tests need no MPI.
struct DistributedTests {
  @Test("--mpi outside mpirun is a usage error with the reason, in text and JSON")
  func refusedOutsideMPIRun() throws {
    let (code, out, err) = try runTool(["check", "\(packageRoot)/models/two-phase-tla.commit", "--mpi", "-q"])
    #expect(code == 2)
    #expect(out.isEmpty)
    #expect(err.contains("commitcheck: error: --mpi: this process was not started by Open MPI's mpirun"))
    let (jsonCode, json, _) = try runTool(["check", "\(packageRoot)/models/two-phase-tla.commit", "--mpi", "--format", "json"])
    #expect(jsonCode == 2)
    #expect(json.contains("\"kind\": \"invalid_option\""))
  }

  @Test("--mpi takes no value")
  func mpiTakesNoValue() throws {
    let (code, _, err) = try runTool(["check", "\(packageRoot)/models/two-phase-tla.commit", "--mpi=4"])
    #expect(code == 2)
    #expect(err.contains("--mpi takes no value"))
  }
}

/// The `eventually` models of `.ci/mpi-equality` (Tests/CommitCheckTests/Resources/distributed),
/// checked by a single process: the distributed check is compared with these reports, so they
/// must reach every branch of the distributed analysis (blocked, livelock, holds, forced
/// recovery). Expected verdicts and trace lengths are hand-derived in each model's header.
struct DistributedEventuallyModelTests {
  func verdicts(_ name: String, _ configure: (inout CheckOptions) -> Void = { _ in }) throws -> [String: PropertyResult] {
    var options = CheckOptions()
    configure(&options)
    let report = try check(path: "\(packageRoot)/Tests/CommitCheckTests/Resources/distributed/\(name).commit", options: options)
    return Dictionary(uniqueKeysWithValues: report.properties.map { ($0.name, $0) })
  }

  @Test("A livelock in the second of two components, and a property that holds on a graph with cycles")
  func ring() throws {
    let results = try verdicts("eventually-ring")
    #expect(results["a_done"]?.verdict == .violated)
    #expect(results["a_done"]?.kind == .livelock)
    // B's go first (the prefix), then A's five moves around the ring (up x3, wrap, back).
    #expect(results["a_done"]?.trace?.steps.count == 7)
    #expect(results["a_done"]?.trace?.loopStart == 1)
    #expect(results["b_done"]?.verdict == .holds)
  }

  @Test("A blocked state reached by the shortest path that avoids the property, not the shortest path")
  func detour() throws {
    let one = try #require(try verdicts("eventually-detour")["one"])
    #expect(one.kind == .blocked)
    // s -b-> u -d-> v -e-> stop: the initial state and 3 steps (s -a-> t -c-> stop passes x = 1).
    #expect(one.trace?.steps.count == 4)
  }

  @Test("Blocked while the worker may stay down; holds when its recovery is fair")
  func comeback() throws {
    #expect(try verdicts("eventually-comeback")["boss_done"]?.kind == .blocked)
    #expect(try verdicts("eventually-comeback") { $0.compile.fairRecovery = true }["boss_done"]?.verdict == .holds)
  }

  @Test("Counters: a livelock and a property that holds, on 4^N states")
  func counters() throws {
    var options = CheckOptions()
    options.compile.parameters = ["N": 5]
    let report = try check(path: "\(packageRoot)/Tests/CommitCheckTests/Resources/distributed/eventually-counters.commit",
                           options: options)
    // Each counter is running with c = 0, 1 or 2, or stopped (with c = 2): 4^5 = 1,024.
    #expect(report.states == 1_024)
    #expect(report.properties.first { $0.name == "all_stopped" }?.kind == .livelock)
    #expect(report.properties.first { $0.name == "some_moved" }?.verdict == .holds)
  }
}
