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
