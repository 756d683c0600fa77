import CommitCheck
import Foundation
import Testing

/// A fresh temporary directory, removed by the caller.
private func scratchDirectory() throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("commitcheck-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir
}

private func fileType(_ path: String) -> mode_t {
  var info = stat()
  return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
}

/// What every command writes: special files are written through, never replaced; `-` is
/// standard output; every path is checked before any work; a run writes all its outputs or none.
struct OutputTests {
  static let model = modelPath("two-phase-commit")

  @Test("A device, a symlink and a hard-linked file are written through, never replaced")
  func specialFiles() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A device of our own, like /dev/null (major 1, minor 3), never the system's.
    let device = dir.appendingPathComponent("null").path
    try #require(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0, "mknod needs root, which CI has")
    var (code, _, err) = try runTool(["graph", Self.model, "--param", "N=2", "--output", device, "-q"])
    #expect(code == 0, "\(err)")
    #expect(fileType(device) == S_IFCHR, "the device is still a device")

    let target = dir.appendingPathComponent("target.dot").path
    try "old".write(toFile: target, atomically: false, encoding: .utf8)
    let link = dir.appendingPathComponent("link.dot").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    (code, _, err) = try runTool(["graph", Self.model, "--param", "N=2", "--output", link, "-q"])
    #expect(code == 0, "\(err)")
    #expect(fileType(link) == S_IFLNK, "the link is still a link")
    #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("digraph"))

    let first = dir.appendingPathComponent("first.dot").path, second = dir.appendingPathComponent("second.dot").path
    try "old".write(toFile: first, atomically: false, encoding: .utf8)
    try #require(Glibc.link(first, second) == 0)
    (code, _, err) = try runTool(["graph", Self.model, "--param", "N=2", "--output", first, "-q"])
    #expect(code == 0, "\(err)")
    #expect(try String(contentsOfFile: second, encoding: .utf8).hasPrefix("digraph"), "the other link sees the new text")
  }

  @Test("A FIFO gets the text through, and stays a FIFO")
  func fifo() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("pipe").path
    try #require(mkfifo(fifo, 0o666) == 0)
    let reader = Process()
    reader.executableURL = URL(fileURLWithPath: "/bin/cat")
    reader.arguments = [fifo]
    let pipe = Pipe()
    reader.standardOutput = pipe
    try reader.run()
    let (code, _, err) = try runTool(["graph", Self.model, "--param", "N=2", "--output", fifo, "-q"])
    let read = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    reader.waitUntilExit()
    #expect(code == 0, "\(err)")
    #expect(read.hasPrefix("digraph"))
    #expect(fileType(fifo) == S_IFIFO)
  }

  @Test("--output - is standard output, for every command that writes a file")
  func dash() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for command in [["graph"], ["machines"], ["trace", "--property", "termination", "--crash", "Coordinator=1"]] {
      let (_, out, _) = try runTool(command + [Self.model, "--param", "N=2", "--output", "-", "-q"])
      #expect(out.hasPrefix("digraph") || out.contains("termination violated (blocked)"), "\(command): \(out)")
    }
    #expect(!FileManager.default.fileExists(atPath: "-"))
  }

  @Test("Outputs are checked before exploring: a bad one means none is written")
  func validatedFirst() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let prefix = dir.appendingPathComponent("pp").path
    var (code, _, err) = try runTool(["markov", Self.model, "--param", "N=2", "--export-prism", prefix,
                                      "--export-drn", dir.path + "/no/such/dir/a.drn", "-q"])
    #expect(code == 2)
    #expect(err.contains("--export-drn") && err.contains("no such directory"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no PRISM file written")

    let same = dir.appendingPathComponent("same.dot").path
    (code, _, err) = try runTool(["petri", Self.model, "--param", "N=2", "--pnml", same, "--dot", same, "-q"])
    #expect(code == 2)
    #expect(err.contains("also the output of --pnml"))
    (code, _, err) = try runTool(["markov", Self.model, "--param", "N=2", "--export-prism", prefix,
                                  "--export-drn", prefix + ".tra", "-q"])
    #expect(code == 2)
    #expect(err.contains("also the output of --export-prism"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test("A stale temporary of a killed run is removed by the next write of that file")
  func staleTemporary() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // No process has pid 2^22 + 1 (Linux's pid_max is at most 2^22).
    let stale = dir.appendingPathComponent(".g.dot.4194305.tmp").path
    try "partial".write(toFile: stale, atomically: false, encoding: .utf8)
    let (code, _, _) = try runTool(["graph", Self.model, "--param", "N=2", "--output", dir.path + "/g.dot", "-q"])
    #expect(code == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["g.dot"])
  }
}

/// Interruption, --timeout and limits are honoured in every phase of every command, with the
/// true reason and no output half written.
struct InterruptionTests {
  @Test("Markov solving stops at SIGINT (exit 130) and at --timeout (exit 3), writing nothing")
  func markovStops() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = ["markov", modelPath("two-phase-commit"), "--param", "N=3", "--steps", "1000000000000", "-q",
                "--export-drn", dir.path + "/m.drn"]
    var (code, _, err) = try runTool(base, signal: SIGINT, after: 1.5)
    #expect(code == 130)
    #expect(err.contains("interrupted"))
    (code, _, err) = try runTool(base + ["--timeout", "1"])
    #expect(code == 3)
    #expect(err.contains("time limit (--timeout)"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test("Building a Petri net honours --timeout too: exit 3 with the true reason, nothing written")
  func petriStops() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The net of 2PC at N = 5 with a coordinator crash takes far longer to build and check than
    // its 22,696 states take to explore (in the debug build the tests use).
    let (code, _, err) = try runTool(["petri", modelPath("two-phase-commit"), "--param", "N=5", "--crash", "Coordinator=1",
                                      "--timeout", "1", "-q", "--pnml", dir.path + "/n.pnml"])
    #expect(code == 3)
    #expect(err.contains("stopped at the time limit (--timeout)"), "\(err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
  }

  @Test("The memory limit holds for the Markov chain too: refused before it is built, exit 3")
  func markovMemory() throws {
    // 2PC N = 5 with a participant crash: 71,050 states and 226,710 moves fit in 20 MB with
    // one thread (the search asks for room for what it holds and its next growth), but the
    // chain would take about 34 MB more (`MarkovAnalysis.estimatedBytes`).
    let (code, _, err) = try runTool(["markov", modelPath("two-phase-commit"), "--param", "N=5", "--crash", "Participant=1",
                                      "--threads", "1", "--max-memory", "20M", "-q"])
    #expect(code == 3)
    #expect(err.hasPrefix("commitcheck: error: building the Markov chain") && err.contains("memory limit (--max-memory)"), "\(err)")
  }

  @Test("Interrupted while exploring, every command says so and exits 130", arguments: ["graph", "markov", "machines", "trace", "petri"])
  func interruptedExploring(command: String) throws {
    var arguments = [command] + LimitsTests.large.dropFirst()
    if command == "machines" { arguments.append("--explore") }
    if command == "trace" { arguments += ["--property", "termination"] }
    if command == "petri" { arguments[1] = modelPath("two-phase-commit") ; arguments[3] = "N=9" }
    let (code, _, err) = try runTool(arguments, signal: SIGINT, after: 1.5)
    #expect(code == 130, "\(err)")
    #expect(err.contains("interrupted") && !err.contains("--max-states") && !err.contains("model error"), "\(err)")
  }
}

/// One error style, suggestions, and no silent surprises on the command line.
struct UsageTests {
  @Test("Every usage error says 'commitcheck: error:'; command-line values are blamed on the option")
  func errorStyle() throws {
    let model = modelPath("two-phase-commit")
    let cases: [([String], String)] = [
      (["chek", model], "commitcheck: error: unknown command 'chek'; did you mean 'check'?"),
      (["check", model, "--qu"], "commitcheck: error: unknown option '--qu'; did you mean '--quiet'?"),
      (["help", "nosuch"], "commitcheck: error: no help for 'nosuch'"),
      (["check", model, "--param", "N=2", "--param", "N=3"], "commitcheck: error: --param N is given twice"),
      (["check", model, "--format", "json", "--format", "text"], "commitcheck: error: --format is given twice"),
      (["check", model, "--max-states", "99999999999"], "commitcheck: error: --max-states must be at most 4,294,967,294"),
      (["check", model, "--crash", "Coordinator=256"], "commitcheck: error: "),
      (["check", "/dev/zero"], "commitcheck: error: cannot read '/dev/zero': it is a device, not a regular file"),
      (["markov", model, "--param", "N=2", "--rate", "vote_yse=2"],
       "commitcheck: error: --rate: unknown rate name 'vote_yse'; did you mean 'vote_yes'?"),
    ]
    for (arguments, expected) in cases {
      let (code, _, err) = try runTool(arguments)
      #expect(code == 2, "\(arguments)")
      #expect(err.hasPrefix(expected), "\(arguments): \(err)")
    }
  }

  @Test("A memory limit above the machine's memory is accepted with a warning")
  func maxMemoryWarning() throws {
    // 1 PiB is more than any machine this runs on has.
    let (code, _, err) = try runTool(["check", modelPath("two-phase-commit"), "--param", "N=2", "--max-memory", "1048576G", "-q"])
    #expect(code == 0)
    #expect(err.hasPrefix("commitcheck: warning: --max-memory 1048576G is more than this machine's memory"))
  }

  @Test("Help lists only the options a command accepts")
  func helpPerCommand() throws {
    let (_, petri, _) = try runTool(["petri", "--help"])
    #expect(!petri.contains("--symmetry") && !petri.contains("--compact-hash"))
    let (_, graph, _) = try runTool(["graph", "--help"])
    #expect(graph.contains("--symmetry") && !graph.contains("--compact-hash"))
    let (_, check, _) = try runTool(["check", "--help"])
    #expect(check.contains("--symmetry") && check.contains("--compact-hash"))
  }

  @Test("A model file that is a FIFO is refused as one, without blocking")
  func fifoModel() throws {
    let dir = try scratchDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("m.commit").path
    try #require(mkfifo(fifo, 0o666) == 0)
    let (code, _, err) = try runTool(["check", fifo])
    #expect(code == 2)
    #expect(err.contains("it is a FIFO"))
  }
}

struct DrnLabelTests {
  @Test("The DRN export names the outcome classes no state carries, which DRN cannot declare")
  func absentClassesNamed() throws {
    var compile = CompileOptions()
    compile.parameters["N"] = 2
    let analysis = try loadModel(path: modelPath("two-phase-commit"), options: compile).markov()
    // Without failures 2PC only commits or aborts: no state is blocked, livelocked or violating.
    let lines = DrnWriter.text(analysis).split(separator: "\n")
    #expect(lines[1] == "// no state is labelled \"blocked\", \"livelock\", \"violation\": probability 0, and Storm reports such a label as unknown")
    #expect(!lines.contains { $0.hasPrefix("state ") && $0.contains("livelock") })
  }
}

struct RateOverrideTests {
  @Test("The more specific rate override wins, whatever the names")
  func specificWins() throws {
    var compile = CompileOptions()
    compile.parameters["N"] = 2
    let model = try loadModel(path: modelPath("two-phase-commit"), options: compile)
    var markov = MarkovOptions()
    markov.rates = ["Participant.vote_no": 0.5, "vote_no": 2]
    let commit = try model.markov(markov: markov).report.outcomes[Outcome.commit.rawValue]
    // Participants' own vote_no has rate 0.5 against vote_yes's 1, so each votes yes with
    // probability 1/1.5, and both with (1/1.5)^2 = 0.444... (closed form).
    #expect(abs(commit - 1 / 2.25) < 1e-12)
  }
}
