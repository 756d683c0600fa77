import CommitCheckExplorer
import CommitCheckLanguage
import CommitCheckModel
import Foundation

/// A model read, parsed and compiled once, for concrete parameters and failure budgets: every
/// analysis starts from one.
public struct LoadedModel: Sendable {
  public var system: TransitionSystem
  /// The path the model was read from (or the name given to its text).
  public var file: String
  /// The model's text, which `warnings` and the syntax tree's ranges point into.
  public var source: String
  /// The compiler's warnings (declared but unused messages and variables, a recovery budget for
  /// a role without a crash budget).
  public var warnings: [Diagnostic] { system.warnings }
  /// The names `trace --property` and `graph --highlight` accept: the built-in properties and
  /// the model's own.
  public var propertyNames: [String] { ["atomicity", "termination"] + system.properties.map(\.name) }

  /// The reduction by the model's `symmetric` role, for `ExplorerOptions.symmetry`; nil when
  /// that role has a single instance, where the reduction is the identity (so a sweep over
  /// N = 1, 2, ... can pass `--symmetry` throughout).
  public func symmetryReduction() throws(CommitCheckError) -> Symmetry? {
    let symmetric = system.roles.filter(\.symmetric)
    if !symmetric.isEmpty, symmetric.allSatisfy({ $0.count == 1 }) { return nil }
    do {
      return try Symmetry(system)
    } catch {
      throw .invalidOption(option: "--symmetry", reason: error.message)
    }
  }

  /// Refuses a property name the model does not have.
  func requireProperty(_ name: String) throws(CommitCheckError) {
    guard propertyNames.contains(name) else { throw .unknownProperty(name: name, known: propertyNames) }
  }
}

/// Reads a model file as UTF-8 (a byte-order mark is skipped; invalid bytes are an error).
///
/// Only a regular file is read: a FIFO would block and a device such as `/dev/zero` never
/// ends, so they are refused by what they are, before any read.
public func readModel(path: String) throws(CommitCheckError) -> String {
  var info = stat()
  guard stat(path, &info) == 0 else {
    throw .unreadable(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
  }
  switch info.st_mode & S_IFMT {
  case S_IFREG: break
  case S_IFDIR: throw .unreadable(path: path, reason: "it is a directory")
  case S_IFIFO: throw .unreadable(path: path, reason: "it is a FIFO, not a regular file")
  case S_IFCHR, S_IFBLK: throw .unreadable(path: path, reason: "it is a device, not a regular file")
  case S_IFSOCK: throw .unreadable(path: path, reason: "it is a socket, not a regular file")
  default: throw .unreadable(path: path, reason: "it is not a regular file")
  }
  guard access(path, R_OK) == 0 else { throw .unreadable(path: path, reason: "permission denied") }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw .unreadable(path: path, reason: "permission denied")
  }
  guard var text = String(data: data, encoding: .utf8) else {
    throw .unreadable(path: path, reason: "it is not UTF-8 text")
  }
  if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
  return text
}

/// Parses and compiles model text for the given parameters and failure budgets.
public func compileModel(source: String, file: String, options: CompileOptions = CompileOptions())
  throws(CommitCheckError) -> LoadedModel
{
  let ast: ProtocolDecl
  do {
    ast = try ModelParser.parse(source)
  } catch {
    throw .invalidModel(file: file, source: source, diagnostics: [error])
  }
  do {
    return LoadedModel(system: try ModelCompiler.compile(ast, options: options), file: file, source: source)
  } catch {
    let sorted = error.diagnostics.sorted { ($0.range.start.offset, $0.message) < ($1.range.start.offset, $1.message) }
    throw .invalidModel(file: file, source: source, diagnostics: sorted)
  }
}

/// Reads a model file and compiles it.
public func loadModel(path: String, options: CompileOptions = CompileOptions()) throws(CommitCheckError) -> LoadedModel {
  try compileModel(source: try readModel(path: path), file: path, options: options)
}
