import Foundation

/// Open MPI, loaded at run time: the default build links no MPI library, and only `--mpi`
/// needs one installed (Debian's `openmpi-bin` and `libopenmpi-dev`).
///
/// The functions are looked up with `dlsym`. Open MPI's predefined handles (`MPI_COMM_WORLD`,
/// `MPI_UINT64_T`, `MPI_SUM`, ...) are global objects whose addresses are the handles, so they
/// are looked up the same way. Every call is collective over `MPI_COMM_WORLD`; an MPI error
/// aborts the job (MPI's default error handler), so the calls return nothing.
final class MPILibrary: @unchecked Sendable {
  typealias Handle = UnsafeMutableRawPointer
  typealias InitFn = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Int32
  typealias CommIntFn = @convention(c) (Handle, UnsafeMutablePointer<Int32>) -> Int32
  typealias AlltoallFn = @convention(c) (UnsafeRawPointer?, Int32, Handle, UnsafeMutableRawPointer?, Int32, Handle, Handle)
    -> Int32
  typealias AlltoallvFn = @convention(c) (
    UnsafeRawPointer?, UnsafePointer<Int32>, UnsafePointer<Int32>, Handle,
    UnsafeMutableRawPointer?, UnsafePointer<Int32>, UnsafePointer<Int32>, Handle, Handle
  ) -> Int32
  typealias AllreduceFn = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle, Handle, Handle)
    -> Int32
  typealias BcastFn = @convention(c) (UnsafeMutableRawPointer?, Int32, Handle, Int32, Handle) -> Int32
  typealias GathervFn = @convention(c) (
    UnsafeRawPointer?, Int32, Handle, UnsafeMutableRawPointer?, UnsafePointer<Int32>?, UnsafePointer<Int32>?,
    Handle, Int32, Handle
  ) -> Int32
  typealias AbortFn = @convention(c) (Handle, Int32) -> Int32
  typealias FinalizeFn = @convention(c) () -> Int32

  let initialize: InitFn
  let commRank: CommIntFn
  let commSize: CommIntFn
  let alltoall: AlltoallFn
  let alltoallv: AlltoallvFn
  let allreduce: AllreduceFn
  let bcast: BcastFn
  let gatherv: GathervFn
  let abort: AbortFn
  let finalize: FinalizeFn
  let commWorld: Handle
  let int32: Handle
  let uint64: Handle
  let sum: Handle
  let max: Handle
  let min: Handle

  /// The sonames tried in turn: Debian's Open MPI 4 and 5, then the development link.
  static let names = ["libmpi.so.40", "libmpi.so.80", "libmpi.so"]

  /// Loads the library, or says why it cannot.
  static func load() -> Result<MPILibrary, MPIUnavailable> {
    var handle: UnsafeMutableRawPointer?
    var reasons: [String] = []
    for name in names {
      // Global: Open MPI's own components, which it opens in turn, resolve symbols in it.
      handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
      if handle != nil { break }
      reasons.append(dlerror().map { String(cString: $0) } ?? name)
    }
    guard let handle else {
      return .failure(MPIUnavailable(reason: "Open MPI's library is not installed (\(reasons.first ?? "libmpi.so.40"))"
        + "; install the Debian packages openmpi-bin and libopenmpi-dev"))
    }
    var missing: [String] = []
    func symbol(_ name: String) -> UnsafeMutableRawPointer? {
      let s = dlsym(handle, name)
      if s == nil { missing.append(name) }
      return s
    }
    func function<F>(_ name: String, _: F.Type) -> F? {
      symbol(name).map { unsafeBitCast($0, to: F.self) }
    }
    let library = MPILibrary(
      initialize: function("MPI_Init", InitFn.self), commRank: function("MPI_Comm_rank", CommIntFn.self),
      commSize: function("MPI_Comm_size", CommIntFn.self), alltoall: function("MPI_Alltoall", AlltoallFn.self),
      alltoallv: function("MPI_Alltoallv", AlltoallvFn.self), allreduce: function("MPI_Allreduce", AllreduceFn.self),
      bcast: function("MPI_Bcast", BcastFn.self), gatherv: function("MPI_Gatherv", GathervFn.self),
      abort: function("MPI_Abort", AbortFn.self), finalize: function("MPI_Finalize", FinalizeFn.self),
      commWorld: symbol("ompi_mpi_comm_world"), int32: symbol("ompi_mpi_int"), uint64: symbol("ompi_mpi_uint64_t"),
      sum: symbol("ompi_mpi_op_sum"), max: symbol("ompi_mpi_op_max"), min: symbol("ompi_mpi_op_min"))
    guard let library else {
      return .failure(MPIUnavailable(reason: "the MPI library found is not Open MPI's (it lacks \(missing.joined(separator: ", ")))"))
    }
    return .success(library)
  }

  private init?(initialize: InitFn?, commRank: CommIntFn?, commSize: CommIntFn?, alltoall: AlltoallFn?,
                alltoallv: AlltoallvFn?, allreduce: AllreduceFn?, bcast: BcastFn?, gatherv: GathervFn?,
                abort: AbortFn?, finalize: FinalizeFn?, commWorld: Handle?, int32: Handle?, uint64: Handle?,
                sum: Handle?, max: Handle?, min: Handle?) {
    guard let initialize, let commRank, let commSize, let alltoall, let alltoallv, let allreduce, let bcast,
      let gatherv, let abort, let finalize, let commWorld, let int32, let uint64, let sum, let max, let min
    else { return nil }
    (self.initialize, self.commRank, self.commSize, self.alltoall) = (initialize, commRank, commSize, alltoall)
    (self.alltoallv, self.allreduce, self.bcast, self.gatherv) = (alltoallv, allreduce, bcast, gatherv)
    (self.abort, self.finalize) = (abort, finalize)
    (self.commWorld, self.int32, self.uint64, self.sum, self.max, self.min) = (commWorld, int32, uint64, sum, max, min)
  }
}

/// Why `--mpi` cannot run here.
public struct MPIUnavailable: Error, Sendable {
  public var reason: String
}
