import Foundation
import Testing

/// A command shown in a document with the output shown under it.
struct DocumentedCommand: CustomTestStringConvertible, Sendable {
  var document: String
  var line: Int
  var command: String
  var shown: [String]
  /// Model files the document gives inline before the command, by the name the command uses.
  var inlineFiles: [String: String]
  var testDescription: String { "\(document):\(line): \(command)" }
}

/// Every `$ ` command of the fenced blocks of `README.md` and `models/README.md`, with the lines
/// shown under it. The Performance section's commands are measurements (their output is timing
/// through and through) and are left out; so are commands that are not `commitcheck`.
func documentedCommands() -> [DocumentedCommand] {
  var commands: [DocumentedCommand] = []
  for document in ["README.md", "models/README.md"] {
    guard let text = try? String(contentsOfFile: "\(packageRoot)/\(document)", encoding: .utf8) else { continue }
    let lines = text.components(separatedBy: "\n")
    var inBlock = false, inPerformance = false
    var block: [String] = []
    var lastModel: String?
    var current: DocumentedCommand?
    func finish() {
      if let c = current { commands.append(c) }
      current = nil
    }
    for (i, line) in lines.enumerated() {
      if line.hasPrefix("## ") { inPerformance = line == "## Performance" }
      if line.hasPrefix("```") {
        if inBlock {
          finish()
          if block.first?.hasPrefix("$ ") == false, block.contains(where: { $0.hasPrefix("protocol ") }) {
            lastModel = block.joined(separator: "\n") + "\n"
          }
        }
        inBlock.toggle()
        block = []
        continue
      }
      guard inBlock else { continue }
      block.append(line)
      if line.hasPrefix("$ ") {
        finish()
        var command = String(line.dropFirst(2))
        if command.hasPrefix("swift run -c release commitcheck ") {
          command = "commitcheck " + command.dropFirst("swift run -c release commitcheck ".count)
        }
        guard command.hasPrefix("commitcheck "), !inPerformance else { continue }
        var files: [String: String] = [:]
        if let lastModel, let name = command.split(separator: " ").dropFirst(2).first, name.hasSuffix(".commit"),
           !name.contains("/") {
          files[String(name)] = lastModel
        }
        current = DocumentedCommand(document: document, line: i + 1, command: command, shown: [], inlineFiles: files)
      } else if current != nil {
        current!.shown.append(line)
      }
    }
  }
  return commands
}

/// Whether `actual` shows every line of `shown`, where a line `...` (any indent) stands for any
/// number of lines; timing lines (`time: ...`) are left out of both.
func matchesShown(_ shown: [String], _ actual: [String]) -> Bool {
  func timing(_ line: String) -> Bool { line.hasPrefix("time:") }
  let actual = actual.filter { !timing($0) }
  var pieces: [[String]] = [[]]
  for line in shown where !timing(line) {
    if line.trimmingCharacters(in: .whitespaces) == "..." { pieces.append([]) } else { pieces[pieces.count - 1].append(line) }
  }
  let anchoredStart = !(shown.first.map { $0.trimmingCharacters(in: .whitespaces) == "..." } ?? false)
  var position = 0
  for (k, piece) in pieces.enumerated() where !piece.isEmpty {
    var found: Int?
    var start = position
    while start + piece.count <= actual.count {
      if Array(actual[start..<(start + piece.count)]) == piece {
        found = start
        break
      }
      if k == 0 && anchoredStart { break }
      start += 1
    }
    guard let at = found else { return false }
    position = at + piece.count
  }
  let anchoredEnd = pieces.last?.isEmpty == false
  return !anchoredEnd || position == actual.count
}

struct DocumentationTests {
  @Test("Every command the READMEs show prints what they show", arguments: documentedCommands())
  func commandPrintsWhatIsShown(_ doc: DocumentedCommand) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-doc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("models").path,
                                               withDestinationPath: "\(packageRoot)/models")
    for (name, text) in doc.inlineFiles {
      try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let arguments = doc.command.split(separator: " ").dropFirst().map(String.init)
    let (_, out, err) = try runTool(arguments, in: dir)
    var actual = (out + err).components(separatedBy: "\n")
    if actual.last == "" { actual.removeLast() }
    var shown = doc.shown
    while shown.last == "" { shown.removeLast() }
    #expect(matchesShown(shown, actual), "\(doc.document):\(doc.line) shows\n\(shown.joined(separator: "\n"))\nbut the tool prints\n\(actual.joined(separator: "\n"))")
  }

  @Test("The documents show commands, and the matcher refuses a wrong line")
  func harnessIsNotVacuous() {
    #expect(documentedCommands().count >= 5)
    #expect(matchesShown(["a", "...", "c"], ["a", "b", "c"]))
    #expect(!matchesShown(["a", "...", "d"], ["a", "b", "c"]))
    #expect(!matchesShown(["a", "b"], ["a", "b", "c"]))
    #expect(matchesShown(["...", "b"], ["a", "b"]))
  }
}
