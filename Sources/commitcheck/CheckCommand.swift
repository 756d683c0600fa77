import CommitCheck
import Foundation

/// `commitcheck check MODEL`: explore and report every property's verdict.
struct CheckCommand {
  static let help = """
    usage: commitcheck check MODEL [options]

    Explores every reachable state of MODEL (a .commit file) and checks atomicity, termination
    and the model's own invariants and eventualities. Violations come with the shortest trace.

    options:
    \(ModelOptions.help(compactHash: true))
      --format text|json   report format (default text)
      --timing             put seconds and states/s in the report (then it is not reproducible)
      --coverage           per transition: moves made and states found first; what never
                           fires or is never reached (keeps the state graph's edges)
      --mpi                explore with the processes of an Open MPI job, states spread by hash
                           (run as 'mpirun -np K commitcheck check MODEL --mpi'; rank 0 prints)
      -h, --help           show this help

    exit codes: 0 all hold, 1 a property is violated, 2 bad input or usage, 3 stopped at a limit

    """

  var model = ModelOptions()
  var json = false
  var timing = false
  var coverage = false
  var mpi = false

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "check", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--format": json = try cursor.choice(["text": false, "json": true])
      case "--timing": timing = true
      case "--coverage":
        try cursor.noValue()
        coverage = true
      case "--mpi":
        try cursor.noValue()
        mpi = true
      default: return false
      }
      return true
    }
    self.model = model
  }


  func run() -> Int32 {
    if mpi { return runDistributed() }
    do throws(CommitCheckError) {
      let loaded = try model.load()
      let options = try model.explorerOptions(loaded)
      let report = try model.withProgress { progress throws(CommitCheckError) in 
        try loaded.check(options: options, coverage: coverage, progress: progress)
      }
      let output = json ? ReportWriter.json(report, timing: timing) : ReportWriter.text(report, timing: timing)
      FileHandle.standardOutput.write(Data(output.utf8))
      if !timing && !json && !model.quiet {
        printError("time: \(String(format: "%.3f", report.seconds)) s, \(ReportWriter.grouped(Int(report.statesPerSecond))) states/s")
      }
      return ExitCode.of(report.outcome)
    } catch {
      return fail(error)
    }
  }

  /// `--mpi`: every process of the job explores its share; rank 0 prints the report and any
  /// error, the others are quiet, and every process exits with the same code.
  func runDistributed() -> Int32 {
    let world: DistributedWorld
    do throws(CommitCheckError) {
      world = try joinDistributedRun()
    } catch {
      return fail(error)
    }
    defer { world.finish() }
    do throws(CommitCheckError) {
      if coverage {
        throw CommitCheckError.invalidOption(option: "--coverage", reason: "not available with --mpi (it needs the whole state graph on one process)")
      }
      let loaded = try model.load()
      var options = try model.explorerOptions(loaded)
      // The default limit is a share of this machine's memory for each of its processes.
      if options.maxMemory == ExplorerOptions().maxMemory { options.maxMemory /= world.localSize }
      let run = try model.withProgress { progress throws(CommitCheckError) in
        try loaded.checkDistributed(world: world, options: options, progress: world.rank == 0 ? progress : { _ in })
      }
      if let report = run.report {
        let output = json ? ReportWriter.json(report, timing: timing) : ReportWriter.text(report, timing: timing)
        FileHandle.standardOutput.write(Data(output.utf8))
        if !timing && !json && !model.quiet {
          let perState = report.states > 0 ? Double(run.bytesSent) / Double(report.states) : 0
          printError("time: \(String(format: "%.3f", report.seconds)) s, \(ReportWriter.grouped(Int(report.statesPerSecond))) states/s, "
            + "\(world.size) processes, \(String(format: "%.1f", perState)) bytes sent per state, "
            + "largest partition \(run.largestPartitionBytes >> 20) MiB")
        }
      }
      world.barrier()
      return ExitCode.of(run.outcome)
    } catch {
      // Every rank meets the same error (loading, a refused option) before any exchange.
      let code = world.rank == 0 ? fail(error) : ExitCode.of(error)
      world.barrier()
      return code
    }
  }
}
