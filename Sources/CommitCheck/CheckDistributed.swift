import CommitCheckDistributed
import CommitCheckExplorer

extension LoadedModel {
  /// Checks every property with the state space spread over the processes of an `mpirun` job
  /// (`joinDistributedRun()`): the report (on rank 0) has the states, transitions, depth,
  /// verdicts and traces a single process finds, for any number of processes. Symmetry
  /// reduction and hash compaction are refused.
  public func checkDistributed(world: DistributedWorld, options: ExplorerOptions,
                               progress: (ExplorationProgress) -> Void = { _ in }) throws(CommitCheckError)
    -> DistributedCheck
  {
    if options.symmetry != nil {
      throw .invalidOption(option: "--symmetry", reason: "not supported with --mpi: when the reduced graph has a cycle, a single process names one found by a depth-first search of the whole reduced graph and decides termination and 'eventually' without symmetry; a search spread over processes has no depth-first order to find the same cycle. Check without --symmetry: the processes together hold the unreduced states")
    }
    if options.compactHash {
      throw .invalidOption(option: "--compact-hash", reason: "not supported with --mpi: each process stores its states exactly, and traces are rebuilt from them")
    }
    return CommitCheckDistributed.checkDistributed(system, file: file, source: source, warnings: warnings, world: world,
                                                   options: options, progress: progress)
  }
}

/// Joins the `mpirun` job this process was started in (Open MPI, loaded at run time); an
/// invalid option when the library is missing or the process was not started by `mpirun`.
public func joinDistributedRun() throws(CommitCheckError) -> DistributedWorld {
  do {
    return try DistributedWorld.join()
  } catch {
    throw .invalidOption(option: "--mpi", reason: error.reason)
  }
}
