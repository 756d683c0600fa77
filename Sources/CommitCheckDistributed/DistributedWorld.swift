import Foundation

/// The processes of one `mpirun` job, and the collectives the distributed search uses: every
/// call is made by every process, in the same order.
public final class DistributedWorld: @unchecked Sendable {
  private let mpi: MPILibrary
  /// This process's rank (0 prints the report) and the number of processes.
  public let rank: Int
  public let size: Int
  /// Processes of the job on this machine (Open MPI's `OMPI_COMM_WORLD_LOCAL_SIZE`): they share
  /// its memory.
  public let localSize: Int
  /// Bytes this process sent to the others in exchanges (not counting what it kept).
  public private(set) var bytesSent = 0
  private var finished = false

  /// Joins the job this process was started in by `mpirun`; throws when Open MPI's library is
  /// missing or the process was not started by `mpirun`.
  public static func join() throws(MPIUnavailable) -> DistributedWorld {
    let env = ProcessInfo.processInfo.environment
    guard env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil else {
      throw MPIUnavailable(reason: "this process was not started by Open MPI's mpirun (run 'mpirun -np K commitcheck check MODEL --mpi')")
    }
    let mpi: MPILibrary
    switch MPILibrary.load() {
    case .success(let loaded): mpi = loaded
    case .failure(let error): throw error
    }
    guard mpi.initialize(nil, nil) == 0 else { throw MPIUnavailable(reason: "MPI_Init failed") }
    var rank: Int32 = 0
    var size: Int32 = 0
    _ = mpi.commRank(mpi.commWorld, &rank)
    _ = mpi.commSize(mpi.commWorld, &size)
    let local = env["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
    return DistributedWorld(mpi: mpi, rank: Int(rank), size: Int(size), localSize: max(1, local))
  }

  private init(mpi: MPILibrary, rank: Int, size: Int, localSize: Int) {
    self.mpi = mpi
    self.rank = rank
    self.size = size
    self.localSize = localSize
  }

  /// Leaves the job (every process must, once, before it exits).
  public func finish() {
    guard !finished else { return }
    finished = true
    _ = mpi.finalize()
  }

  /// Waits until every rank gets here (rank 0 calls it once its report is written: a rank that
  /// exits with a non-zero code makes `mpirun` end the others).
  public func barrier() { _ = sum([0]) }

  /// Ends the whole job at once (a process that cannot go on).
  public func abort(_ code: Int32) -> Never {
    _ = mpi.abort(mpi.commWorld, code)
    exit(code)
  }

  /// All-to-all: `outgoing[r]` goes to rank r; returns what every rank sent here, in rank
  /// order, and where each rank's part starts (`starts[r]..<starts[r + 1]`).
  func exchange(_ outgoing: [[UInt64]]) -> (data: [UInt64], starts: [Int]) {
    precondition(outgoing.count == size)
    var sendCounts = outgoing.map { Int32(checkedWords($0.count)) }
    var receiveCounts = [Int32](repeating: 0, count: size)
    _ = sendCounts.withUnsafeMutableBytes { s in
      receiveCounts.withUnsafeMutableBytes { r in
        mpi.alltoall(s.baseAddress, 1, mpi.int32, r.baseAddress, 1, mpi.int32, mpi.commWorld)
      }
    }
    var sendDispls = [Int32](repeating: 0, count: size)
    var receiveDispls = [Int32](repeating: 0, count: size)
    var starts = [0]
    for r in 0..<size {
      if r > 0 {
        sendDispls[r] = sendDispls[r - 1] + sendCounts[r - 1]
        receiveDispls[r] = receiveDispls[r - 1] + receiveCounts[r - 1]
      }
      starts.append(starts[r] + Int(receiveCounts[r]))
      if r != rank { bytesSent += Int(sendCounts[r]) * 8 }
    }
    _ = checkedWords(Int(sendDispls[size - 1]) + Int(sendCounts[size - 1]))
    _ = checkedWords(starts[size])
    let flat = outgoing.flatMap { $0 }
    var data = [UInt64](repeating: 0, count: max(1, starts[size]))
    _ = flat.withUnsafeBytes { s in
      data.withUnsafeMutableBytes { r in
        mpi.alltoallv(s.baseAddress, &sendCounts, &sendDispls, mpi.uint64, r.baseAddress, &receiveCounts,
                      &receiveDispls, mpi.uint64, mpi.commWorld)
      }
    }
    data.removeLast(data.count - starts[size])
    return (data, starts)
  }

  /// Element-wise sum, maximum or minimum over every rank.
  func sum(_ values: [UInt64]) -> [UInt64] { reduce(values, mpi.sum) }
  func maximum(_ values: [UInt64]) -> [UInt64] { reduce(values, mpi.max) }
  func minimum(_ values: [UInt64]) -> [UInt64] { reduce(values, mpi.min) }

  private func reduce(_ values: [UInt64], _ op: MPILibrary.Handle) -> [UInt64] {
    var result = values
    _ = values.withUnsafeBytes { s in
      result.withUnsafeMutableBytes { r in
        mpi.allreduce(s.baseAddress, r.baseAddress, Int32(values.count), mpi.uint64, op, mpi.commWorld)
      }
    }
    return result
  }

  /// `root`'s words, on every rank; the others pass how many words to expect.
  func broadcast(_ values: [UInt64], count: Int, root: Int) -> [UInt64] {
    var buffer = rank == root ? values : [UInt64](repeating: 0, count: count)
    precondition(buffer.count == count)
    _ = buffer.withUnsafeMutableBytes { b in
      mpi.bcast(b.baseAddress, Int32(checkedWords(count)), mpi.uint64, Int32(root), mpi.commWorld)
    }
    return buffer
  }

  /// Every rank's words, concatenated in rank order, on rank 0 (nil on the others).
  func gather(_ values: [UInt64]) -> [UInt64]? {
    let counts = sum((0..<size).map { $0 == rank ? UInt64(values.count) : 0 })
    let total = counts.reduce(0, +)
    var receiveCounts = counts.map { Int32(checkedWords(Int($0))) }
    var displs = [Int32](repeating: 0, count: size)
    for r in 1..<max(1, size) { displs[r] = displs[r - 1] + receiveCounts[r - 1] }
    _ = checkedWords(Int(total))
    var data = [UInt64](repeating: 0, count: rank == 0 ? max(1, Int(total)) : 1)
    _ = values.withUnsafeBytes { s in
      data.withUnsafeMutableBytes { r in
        mpi.gatherv(s.baseAddress, Int32(values.count), mpi.uint64, r.baseAddress, &receiveCounts, &displs,
                    mpi.uint64, 0, mpi.commWorld)
      }
    }
    guard rank == 0 else { return nil }
    data.removeLast(data.count - Int(total))
    return data
  }

  /// MPI counts are 32-bit: a part past 2^31 words (16 GiB) cannot be sent in one call, and the
  /// search's batches keep far below it.
  private func checkedWords(_ n: Int) -> Int {
    precondition(n < Int(Int32.max), "an MPI message of \(n) words is past MPI's 32-bit counts")
    return n
  }
}
