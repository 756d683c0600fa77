import CommitCheckLanguage

/// A statement of a body reduced to what its paths need: what it sends, where it may go, and
/// how it branches. The compiler builds it beside the code, from the names it resolved.
indirect enum PathStep {
  case send(MessageSend)
  case goto([Int])
  case ifElse([PathStep], [PathStep])
  case choose([(id: Int32, body: [PathStep])])
}

/// What the transition being compiled reads outside its own process and what it writes,
/// gathered as its patterns, guard and body compile.
struct FactRecorder {
  /// Process ids; `Compiler.selfProcess` stands for the acting process.
  var localStates: Set<Int> = []
  var crashFlags: Set<Int> = []
  var partition = false
  var variables: Set<Int> = []
  var messages: Set<Int> = []
  /// Messages read by network queries.
  var queried: Set<Int> = []

  func reads(asynchronous: Bool) -> TransitionReads {
    var reads = TransitionReads()
    reads.messages = queried.sorted()
    reads.localStates = localStates.filter { $0 != Compiler.selfProcess }.sorted()
    reads.crashFlags = crashFlags.filter { $0 != Compiler.selfProcess }.sorted()
    reads.partition = partition
    reads.asynchronous = asynchronous
    return reads
  }

  var writes: TransitionWrites {
    var writes = TransitionWrites()
    writes.variables = variables.sorted()
    writes.messages = messages.sorted()
    return writes
  }
}

/// What compiled code reads of another process.
enum ProcessRead {
  /// Its control state or a variable (`p in committed`, `p.votedYes`, `decided(p)`).
  case localState
  /// Its crashed flag (`crashed(p)`).
  case crashFlag
  /// Its crashed flag and the partition (`unreachable(p)`).
  case reachability
}

extension Compiler {
  /// The process a `self` expression denotes, in process sets that are not yet tied to a process.
  static let selfProcess = -1

  /// The processes a process-valued expression may denote: what the compiler narrowed it to
  /// (`self`, `Participant[1]`), or else every process of its type's role.
  func denotation(_ t: Typed) -> Set<Int> {
    if let known = t.processes { return known }
    if case .process(let r) = t.type { return Set(processes(of: r)) }
    return Set(processes.indices)
  }

  /// Records, for the transition being compiled, a read of the processes `t` may denote.
  func noteProcessRead(_ read: ProcessRead, of t: Typed) {
    guard transitionFacts != nil else { return }
    let denoted = denotation(t)
    switch read {
    case .localState: transitionFacts!.localStates.formUnion(denoted)
    case .crashFlag: transitionFacts!.crashFlags.formUnion(denoted)
    case .reachability:
      transitionFacts!.crashFlags.formUnion(denoted)
      transitionFacts!.partition = true
    }
  }

  /// Every path through a body, each once, in source order: both sides of each `if`, each
  /// branch of each `choose`.
  static func paths(through body: [PathStep]) -> [TransitionPath] {
    var walker = PathWalker()
    walker.walk([body[...]], TransitionPath(choice: 0, targets: nil, sends: []), depth: 0)
    return walker.paths
  }

  /// The messages a block sends on any path, in source order, without repeats (for `start`).
  static func sends(in block: [PathStep]) -> [MessageSend] {
    var out: [MessageSend] = []
    func scan(_ block: [PathStep]) {
      for step in block {
        switch step {
        case .send(let m): if !out.contains(m) { out.append(m) }
        case .goto: break
        case .ifElse(let a, let b):
          scan(a)
          scan(b)
        case .choose(let branches): for b in branches { scan(b.body) }
        }
      }
    }
    scan(block)
    return out
  }

  /// `receive Vote(yes: true)`, `step backup_abort` or `timeout`, as written.
  func triggerText(_ t: TransitionDecl) -> String {
    switch t.trigger {
    case .receive(let m, let fields, _): "receive " + messageText(m.name, fields.map { ($0.field.name, $0.value.range) })
    case .step: "step" + (t.name.map { " " + $0.name } ?? "")
    case .timeout: "timeout"
    }
  }

  /// `Vote(yes: true)`, with each field's expression as written.
  func messageText(_ name: String, _ fields: [(String, SourceRange)]) -> String {
    fields.isEmpty ? name : name + "(" + fields.map { "\($0.0): \(sourceText($0.1))" }.joined(separator: ", ") + ")"
  }

  /// The source text of a range with every run of whitespace (and any comment) made one space.
  func sourceText(_ range: SourceRange) -> String {
    let start = max(0, min(range.start.offset, sourceBytes.count))
    let end = max(start, min(range.end.offset, sourceBytes.count))
    let raw = String(decoding: sourceBytes[start..<end], as: UTF8.self)
    let lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
      var previous: Character = " "
      for i in line.indices {
        if previous == "/" && line[i] == "/" { return line[..<line.index(before: i)] }
        previous = line[i]
      }
      return line
    }
    return lines.joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      .joined(separator: " ")
  }
}

/// Follows every path through a body, collecting what each sends and where it goes.
struct PathWalker {
  var paths: [TransitionPath] = []
  var seen: Set<TransitionPath> = []

  /// Follows every path from the steps on `stack` (innermost block last).
  mutating func walk(_ stack: [ArraySlice<PathStep>], _ path: TransitionPath, depth: Int32) {
    var stack = stack
    var path = path
    while var top = stack.popLast() {
      guard let step = top.first else { continue }
      guard paths.count < TransitionPath.limit else { return }
      top = top.dropFirst()
      stack.append(top)
      switch step {
      case .send(let m):
        if !path.sends.contains(m) { path.sends.append(m) }
      case .goto(let targets):
        path.targets = targets
      case .ifElse(let a, let b):
        walk(stack + [a[...]], path, depth: depth)
        walk(stack + [b[...]], path, depth: depth)
        return
      case .choose(let branches):
        for b in branches {
          var next = path
          next.choice |= b.id << (4 * depth)
          walk(stack + [b.body[...]], next, depth: depth + 1)
        }
        return
      }
    }
    if paths.count < TransitionPath.limit, seen.insert(path).inserted { paths.append(path) }
  }
}
