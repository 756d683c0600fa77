import CommitCheck
import Foundation
import Testing

/// Inputs the table cannot hold: files on disk, rendering, and what compiles but must behave.
struct HostileFileTests {
  /// Writes `bytes` to a fresh temporary file and returns its path.
  private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = NSTemporaryDirectory() + "hostile-\(UUID().uuidString).commit"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test("A file that is not UTF-8 is refused by readModel as 'not UTF-8 text'", arguments: [
    Array("protocol P\nrole A { state s initial }\n// caf\u{E9}".utf8.dropLast(2)) + [0xE9],  // Latin-1 é
    [0xFF, 0xFE, 0x70, 0x00],  // a UTF-16 byte order mark
    [0xC0, 0x80],  // an overlong NUL
    Array((0...255).map { UInt8($0) }),  // every byte value
  ] as [[UInt8]])
  func notUTF8(bytes: [UInt8]) throws {
    let path = try temporaryFile(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: CommitCheckError.self) { try readModel(path: path) }
    do {
      _ = try loadModel(path: path)
      Issue.record("a non-UTF-8 file loaded")
    } catch {
      #expect(error.description == "cannot read '\(path)': it is not UTF-8 text")
    }
  }

  @Test("NUL bytes in a UTF-8 file are an unexpected character, read from disk")
  func nulBytesOnDisk() throws {
    let path = try temporaryFile(Array("protocol P\n".utf8) + [0, 0, 0])
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      _ = try loadModel(path: path)
      Issue.record("a file of NUL bytes loaded")
    } catch {
      #expect(error.description.hasPrefix("\(path):2:1: error: unexpected character '\\u{0}'"))
    }
  }

  @Test("A CRLF, tabbed model compiles and checks like its LF twin")
  func crlfAndTabs() throws {
    let lf = """
      protocol P
      message Ping
      role A[2] {
      \tvar\tgot: bool
      \tstate\tidle initial
      \tstate\tdone decides commit
      \ton idle step ping { send Ping to A[2] }
      \ton idle receive Ping { got = true; goto done }
      }
      """
    let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
    let a = try checkSource(lf), b = try checkSource(crlf)
    #expect(a.states == b.states && a.transitions == b.transitions)
    #expect(a.properties.map(\.verdict) == b.properties.map(\.verdict))
  }

  @Test("The caret line keeps tabs and CRLF out of the way of the column")
  func renderTabsAndCRLF() {
    let source = "protocol P\r\nrole A {\r\n\tstate s initial\r\n\ton s step go {\tgoto\tt }\r\n}\r\n"
    do {
      _ = try compileModel(source: source, file: "test.commit")
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "test.commit:4:22: error: unknown state 't' in role 'A'; did you mean 's'?\n"
        + "\ton s step go {\tgoto\tt }\n" + "\t              \t    \t^")
    }
  }

  @Test("An error at the end of a 10 MB line renders a window of the line, not all of it")
  func renderLongLine() {
    let source = "protocol P " + String(repeating: "message M ", count: 1_000_000) + "@"
    do {
      _ = try compileModel(source: source, file: "test.commit")
      Issue.record("expected an error")
    } catch {
      let lines = error.description.split(separator: "\n").map(String.init)
      #expect(lines.count == 3)
      // 120 bytes before the caret, elided; the caret under the '@'.
      #expect(lines[1] == "..." + String(String(repeating: "message M ", count: 12).suffix(120)) + "@")
      #expect(lines[2] == String(repeating: " ", count: 123) + "^")
    }
  }

  @Test("A long identifier's tildes stop at the window's edge")
  func renderLongRange() throws {
    let name = String(repeating: "b", count: 200)
    let source = "protocol P\nrole A { state s initial\non s step go { goto \(name) } }"
    do {
      _ = try compileModel(source: source, file: "test.commit")
      Issue.record("expected an error")
    } catch {
      let lines = error.description.split(separator: "\n").map(String.init)
      // `on s step go { goto ` is 20 columns; the window shows 120 bytes from the caret on.
      #expect(lines[1] == "on s step go { goto " + String(repeating: "b", count: 120) + "...")
      #expect(lines[2] == String(repeating: " ", count: 20) + "^" + String(repeating: "~", count: 119))
    }
  }

  @Test("'in' tests a control state past the 63rd of its role correctly")
  func manyStates() throws {
    // s0 → s70 → s0: two states; s70 is reachable, s98 and s99 are not. Before the fix, a mask
    // `1 << 70` was 0 and `never70` held.
    let states = (0..<100).map { "state s\($0)\($0 == 0 ? " initial" : "")" }.joined(separator: "\n")
    let source = """
      protocol P
      role A {
      \(states)
      on s0 step go { goto s70 }
      on s70 step back { goto s0 } }
      invariant never70: not (A in s70)
      invariant never99: not (A in {s98, s99})
      """
    let report = try checkSource(source)
    #expect(report.states == 2)
    #expect(report.property("never70")?.verdict == .violated)
    #expect(report.property("never99")?.verdict == .holds)
  }

  @Test("Arithmetic past the integers at run time is a model error, not a crash or a wrap", arguments: [
    ("var x: -5...5", "x = 9223372036854775807", "value 9223372036854775807 is outside -5...5, the domain of 'x'"),
    ("var x: 0...5", "x -= 0 - 9223372036854775807 - 1", "value 0 - -9223372036854775808 is outside 0...5, the domain of 'x'"),
    ("var x: 1...5", "x += 9223372036854775807", "value 1 + 9223372036854775807 is outside 1...5, the domain of 'x'"),
    ("var x: 0...5", "x = 9223372036854775807 + 1", "integer overflow in arithmetic"),
    ("var x: 0...5", "x = -(0 - 9223372036854775807 - 1)", "integer overflow in arithmetic"),
  ])
  func runtimeOverflow(declaration: String, statement: String, message: String) throws {
    let source = "protocol P\nrole A { \(declaration)\nstate s initial\non s step go { \(statement) } }"
    let report = try checkSource(source)
    #expect(report.runtimeError?.message == "A in transition 'go': \(message)")
  }

  @Test("Overflow in a guard stops exploration with a model error instead of reading as a wrapped value")
  func guardOverflow() throws {
    let source = "protocol P\nrole A { var x: 0...1\nstate s initial\non s step go when x + 9223372036854775807 > 0 { x = 1 } }"
    let report = try checkSource(source)
    #expect(report.runtimeError?.message == "A in transition 'go': integer overflow in arithmetic")
  }
}

/// The fuzzer's seed corpus and every input found to crash, hang, exhaust memory or mislead
/// (`crash-*`, `hang-*`, `memory-*`, `wrong-*`, `silent-*`): each goes through the fuzz target's
/// pipeline and must end in diagnostics or a report.
struct FuzzCorpusTests {
  static let directory = "\(packageRoot)/Tests/CommitCheckTests/Resources/fuzz-corpus"
  static let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()

  @Test("The corpus holds the shipped models' seeds and the regression inputs")
  func corpusIsThere() {
    #expect(Self.files.filter { $0.hasPrefix("seed-") }.count >= 50)
    #expect(Self.files.filter { !$0.hasPrefix("seed-") }.count >= 9)
  }

  @Test("Every corpus input goes through parse, compile and a bounded check without crashing",
        arguments: files)
  func corpusInput(_ name: String) throws {
    let source = try readModel(path: "\(Self.directory)/\(name)")
    let model: LoadedModel
    do {
      model = try compileModel(source: source, file: name)
    } catch {
      // Seeds are derived from the shipped models and must stay valid; regression inputs may
      // be refused, with a diagnostic.
      #expect(!name.hasPrefix("seed-"), "\(error.description)")
      #expect(error.description.contains("error:"))
      return
    }
    var options = ExplorerOptions()
    options.maxStates = 10_000
    options.keepEdges = false
    let report = check(model, options: options)
    #expect(report.states >= 1)
    #expect(!ReportWriter.text(report).isEmpty && reportProblems(ReportWriter.json(report)) == [])
  }
}
