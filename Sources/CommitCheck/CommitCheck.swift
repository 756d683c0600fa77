@_exported import CommitCheckExplorer
@_exported import CommitCheckExport
@_exported import CommitCheckLanguage
@_exported import CommitCheckMarkov
@_exported import CommitCheckModel
@_exported import CommitCheckPetri
import Foundation

/// Why a model could not be checked at all.
public enum CheckError: Error, Sendable {
  /// The file could not be read.
  case unreadable(path: String, reason: String)
  /// Syntax or semantic errors, each rendered with its line and a caret.
  case invalidModel(diagnostics: [Diagnostic], rendered: String)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason): "error: cannot read '\(path)': \(reason)"
    case .invalidModel(_, let rendered): rendered
    }
  }
}

public struct CheckOptions: Sendable {
  public var compile = CompileOptions()
  public var explorer = ExplorerOptions()
  public init() {}
}

/// A compiled model with the warnings its compilation produced, rendered against its file.
public struct LoadedModel: Sendable {
  public var system: TransitionSystem
  public var file: String
  public var warnings: [String]
}

/// Reads a model file as UTF-8 (a byte-order mark is skipped; invalid bytes are an error).
public func readModel(path: String) throws(CheckError) -> String {
  guard let data = FileManager.default.contents(atPath: path) else {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    throw .unreadable(path: path, reason: exists ? (isDirectory.boolValue ? "it is a directory" : "permission denied") : "no such file")
  }
  guard var text = String(data: data, encoding: .utf8) else {
    throw .unreadable(path: path, reason: "it is not UTF-8 text")
  }
  if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
  return text
}

/// Parses and compiles model source for the given parameters and failure budgets.
public func compileModel(source: String, file: String, options: CompileOptions = CompileOptions())
  throws(CheckError) -> LoadedModel
{
  let ast: ProtocolDecl
  do {
    ast = try ModelParser.parse(source)
  } catch {
    throw .invalidModel(diagnostics: [error], rendered: error.render(file: file, source: source))
  }
  do {
    let system = try ModelCompiler.compile(ast, options: options)
    return LoadedModel(system: system, file: file,
                       warnings: system.warnings.map { $0.render(file: file, source: source) })
  } catch {
    let sorted = error.diagnostics.sorted { ($0.range.start.offset, $0.message) < ($1.range.start.offset, $1.message) }
    throw .invalidModel(diagnostics: sorted,
                        rendered: sorted.map { $0.render(file: file, source: source) }.joined(separator: "\n"))
  }
}

/// Loads a model file and compiles it.
public func loadModel(path: String, options: CompileOptions = CompileOptions()) throws(CheckError) -> LoadedModel {
  try compileModel(source: try readModel(path: path), file: path, options: options)
}

/// Explores a model's state space and checks every property.
///
/// The first pass keeps no edges: blocked states and one-state livelocks are found on the fly,
/// and a graph whose only cycles are self-loops has no other livelock. Only when the graph has
/// other cycles (or the model has `eventually` properties) does a second pass keep the edges
/// for the strongly-connected-component analysis.
public func check(_ model: LoadedModel, options: ExplorerOptions = ExplorerOptions(),
                  progress: (ExplorationProgress) -> Void = { _ in }) -> CheckReport {
  var first = options
  first.keepEdges = false
  var exploration = Explorer().explore(model.system, options: first, progress: progress)
  let cyclic = exploration.hasBackEdge || exploration.firstStuck != nil
    || model.system.properties.contains { $0.kind == .eventually }
  if options.symmetry != nil, exploration.complete, exploration.firstBlocked == nil, cyclic {
    // Weak fairness is per instance, and a cycle of the quotient may take a move of one
    // instance where the concrete run takes another's: livelocks and `eventually` are decided
    // on the unreduced graph. Blocked states and invariants are properties of orbits.
    var full = options
    full.symmetry = nil
    var report = check(model, options: full, progress: progress)
    let reduced = CheckReport(exploration: exploration, file: model.file, warnings: model.warnings)
    report.properties = report.properties.map { p in
      p.category == "termination" || p.category == "eventually" ? p : reduced.properties.first { $0.name == p.name } ?? p
    }
    report.warnings.append("note: the reduced graph has cycles; termination and eventually were decided without symmetry reduction")
    return report
  }
  if exploration.needsEdges {
    var second = options
    second.keepEdges = true
    let seconds = exploration.seconds
    exploration = Explorer().explore(model.system, options: second, progress: progress)
    exploration.seconds += seconds
  }
  return CheckReport(exploration: exploration, file: model.file, warnings: model.warnings)
}

/// Loads, compiles and checks a model file.
public func check(path: String, options: CheckOptions = CheckOptions(),
                  progress: (ExplorationProgress) -> Void = { _ in }) throws(CheckError) -> CheckReport {
  check(try loadModel(path: path, options: options.compile), options: options.explorer, progress: progress)
}
