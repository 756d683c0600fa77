import CommitCheckExplorer
import Foundation

/// The files one run writes: every path validated before any work, and all of them written or
/// none.
///
/// A regular file is written to a temporary file beside it (`.NAME.PID.tmp`) and renamed into
/// place, so an error or an interruption leaves the previous file intact. Anything else is
/// written through, never replaced: a device (`/dev/null`), a FIFO, a socket, a symlink (its
/// target gets the text, the link stays), and a regular file with other hard links (they keep
/// seeing it). `-` is standard output. Every temporary is complete before the first rename, so
/// a failure while writing leaves every output as it was.
public struct OutputFiles: Sendable {
  /// One output: the option that named it, and the file.
  public struct Target: Sendable {
    public var option: String
    public var path: String
    /// Whether it is written through (not replaced by a rename).
    var through: Bool
    var standardOutput: Bool { path == "-" }
  }

  public private(set) var targets: [Target] = []
  /// Files the run reads (the model): outputs never overwrite them.
  private var inputs: [FileIdentity] = []

  public init(inputs: [String]) {
    self.inputs = inputs.compactMap(FileIdentity.init(path:))
  }

  /// Adds an output after checking it can be written: its directory exists and is writable, it
  /// is not an input, not a directory, and no other output of this run names the same file.
  public mutating func add(_ path: String, option: String) throws(CommitCheckError) {
    func refuse(_ reason: String) -> CommitCheckError { .invalidOption(option: option, reason: reason) }
    if path == "-" {
      if let other = targets.first(where: \.standardOutput) {
        throw refuse("standard output is already the output of \(other.option)")
      }
      targets.append(Target(option: option, path: path, through: true))
      return
    }
    guard !path.isEmpty else { throw refuse("needs a file name") }
    let identity = FileIdentity(path: path)
    if let identity, inputs.contains(identity) { throw refuse("refusing to write over the input model '\(path)'") }
    let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    for other in targets where !other.standardOutput {
      let same = identity != nil && identity == FileIdentity(path: other.path)
      if same || URL(fileURLWithPath: other.path).resolvingSymlinksInPath().standardizedFileURL.path == resolved {
        throw refuse("'\(path)' is also the output of \(other.option)")
      }
    }
    var info = stat()
    var through = false
    if lstat(path, &info) == 0 {
      let kind = info.st_mode & S_IFMT
      if kind == S_IFLNK {
        through = true
        if stat(path, &info) != 0 { throw refuse("cannot write '\(path)': the link points nowhere") }
      }
      if info.st_mode & S_IFMT == S_IFDIR { throw refuse("cannot write '\(path)': it is a directory") }
      if info.st_mode & S_IFMT != S_IFREG || info.st_nlink > 1 { through = true }
      if access(path, W_OK) != 0 { throw refuse("cannot write '\(path)': \(String(cString: strerror(errno)))") }
    }
    if !through {
      let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw refuse("cannot write '\(path)': no such directory '\(directory)'")
      }
      if access(directory, W_OK) != 0 { throw refuse("cannot write '\(path)': the directory is not writable") }
    }
    targets.append(Target(option: option, path: path, through: through))
  }

  /// Writes `texts[i]` to `targets[i]`: every temporary first, then the write-throughs and the
  /// renames. Stale temporaries of killed runs are removed on the way. Nothing is written when
  /// `stop` is already requested.
  public func write(_ texts: [String], stop: StopSignal? = nil) throws(CommitCheckError) {
    precondition(texts.count == targets.count, "one text per output")
    var temporaries: [(Int, String)] = []
    var failure: CommitCheckError?
    for (i, target) in targets.enumerated() where !target.through {
      OutputFiles.removeStaleTemporaries(of: target.path)
      let temporary = OutputFiles.temporaryPath(for: target.path)
      OutputFiles.pending.add(temporary)
      guard FileManager.default.createFile(atPath: temporary, contents: Data(texts[i].utf8)) else {
        failure = .invalidOption(option: target.option, reason: "cannot write '\(target.path)': \(String(cString: strerror(errno)))")
        OutputFiles.pending.remove(temporary)
        break
      }
      temporaries.append((i, temporary))
    }
    if failure == nil, let stop, stop.requested != 0 { failure = .stopped(reason: .interrupted, phase: "writing the outputs") }
    if let failure {
      for (_, temporary) in temporaries {
        unlink(temporary)
        OutputFiles.pending.remove(temporary)
      }
      throw failure
    }
    for (i, target) in targets.enumerated() where target.through {
      if target.standardOutput {
        FileHandle.standardOutput.write(Data(texts[i].utf8))
      } else if let error = OutputFiles.writeThrough(texts[i], to: target.path) {
        throw .invalidOption(option: target.option, reason: "cannot write '\(target.path)': \(error)")
      }
    }
    for (i, temporary) in temporaries {
      defer { OutputFiles.pending.remove(temporary) }
      if rename(temporary, targets[i].path) != 0 {
        let reason = String(cString: strerror(errno))
        unlink(temporary)
        throw .invalidOption(option: targets[i].option, reason: "cannot write '\(targets[i].path)': \(reason)")
      }
    }
  }

  /// Removes the temporaries of writes still under way (for an exit on a second signal).
  public static func removePendingTemporaries() {
    for path in pending.all() { unlink(path) }
  }

  static let pending = PendingFiles()

  static func temporaryPath(for path: String) -> String {
    let url = URL(fileURLWithPath: path)
    return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp").path
  }

  /// Removes `.NAME.PID.tmp` files beside `path` whose process no longer runs: what a run
  /// killed while writing (SIGKILL) left behind.
  static func removeStaleTemporaries(of path: String) {
    let url = URL(fileURLWithPath: path)
    let prefix = ".\(url.lastPathComponent)."
    let directory = url.deletingLastPathComponent()
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
    for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
      let middle = name.dropFirst(prefix.count).dropLast(4)
      guard let pid = Int32(middle), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH { unlink(directory.appendingPathComponent(name).path) }
    }
  }

  /// Writes into the file itself (following a symlink), for files a rename must not replace.
  static func writeThrough(_ text: String, to path: String) -> String? {
    let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
    guard fd >= 0 else { return String(cString: strerror(errno)) }
    defer { close(fd) }
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        return String(cString: strerror(errno))
      }
      bytes = bytes.dropFirst(written)
    }
    return nil
  }
}

/// A file's device and inode: two paths name one file when these agree.
struct FileIdentity: Hashable, Sendable {
  var device: UInt64
  var inode: UInt64
  init?(path: String) {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
  }
}

/// The temporaries being written, for removal on an exit the run controls.
final class PendingFiles: @unchecked Sendable {
  private let lock = NSLock()
  private var paths: Set<String> = []
  func add(_ path: String) { lock.withLock { _ = paths.insert(path) } }
  func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }
  func all() -> [String] { lock.withLock { Array(paths) } }
}
