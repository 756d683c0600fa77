import CommitCheckLanguage

/// One arrow of a role's state machine: a transition, with the `choose` branches it took, from
/// one control state to another.
///
/// The compiled successor function cannot say where a transition may go (its `goto` is a
/// closure), so the arrows are read off the syntax tree: every path through the body's `if`s and
/// `choose`s, and every state a `goto` can name.
public struct MachineEdge: Sendable, Hashable {
  /// Index into `TransitionSystem.transitions`.
  public var transition: Int
  /// The branches taken, encoded as `Action.choice` encodes them.
  public var choice: Int32
  public var from: Int
  public var to: Int
  /// The name an action along this edge gets (`vote.vote_yes`), as `actionName` gives it.
  public var name: String
  /// `receive Vote(yes: true)`, `step backup_abort` or `timeout`.
  public var trigger: String
  /// The `when` guard as written, whitespace collapsed; nil without one.
  public var guardText: String?
  /// The messages sent on the way (`Vote(yes: true)`), in order, without repeats.
  public var sends: [String]
}

/// A role's state machine: its control states (from `RoleInfo`) and the arrows between them.
public struct RoleMachine: Sendable {
  public var role: Int
  /// The messages its `start` block sends.
  public var startSends: [String]
  /// Sorted by transition, choice, source and target.
  public var edges: [MachineEdge]
}

extension TransitionSystem {
  /// Each role's state machine, read from the model text this system was compiled from; nil when
  /// `source` does not parse or is not that model.
  public func roleMachines(source: String) -> [RoleMachine]? {
    guard let model = try? ModelParser.parse(source) else { return nil }
    let text = Array(source.utf8)
    var decls: [TransitionDecl] = []
    for (r, role) in model.roles.enumerated() {
      guard r < roles.count, roles[r].name == role.name.name else { return nil }
      decls += role.transitions
    }
    guard decls.count == transitions.count else { return nil }
    var machines = roles.indices.map { r in
      RoleMachine(role: r, startSends: MachinePaths.sends(in: model.roles[r].start ?? [], text), edges: [])
    }
    for (i, decl) in decls.enumerated() {
      let info = transitions[i]
      guard info.range == decl.range else { return nil }
      let role = roles[info.role]
      let sources = role.states.indices.filter { transitionsEnabledIn(role: info.role, state: $0).contains(i) }
      var walker = MachinePaths(states: role.states, text: text)
      walker.numberBranches(decl.body)
      walker.walk([decl.body[...]], MachinePaths.Path())
      var merged: [MachineKey: MachineEdge] = [:]
      for path in walker.paths {
        let name = actionName(Action(kind: info.kind, process: 0, transition: Int32(i), choice: path.choice))
        for from in sources {
          for to in path.targets ?? [from] {
            let key = MachineKey(choice: path.choice, from: from, to: to)
            var edge = merged[key] ?? MachineEdge(
              transition: i, choice: path.choice, from: from, to: to, name: name,
              trigger: MachinePaths.trigger(decl, text), guardText: decl.guardExpr.map { MachinePaths.slice($0.range, text) },
              sends: [])
            for s in path.sends where !edge.sends.contains(s) { edge.sends.append(s) }
            merged[key] = edge
          }
        }
      }
      machines[info.role].edges += merged.values.sorted { ($0.choice, $0.from, $0.to) < ($1.choice, $1.from, $1.to) }
    }
    return machines
  }
}

struct MachineKey: Hashable {
  var choice: Int32
  var from: Int
  var to: Int
}

/// The paths through one transition body: which branches they take, what they send, where
/// their `goto` leads.
struct MachinePaths {
  struct Path {
    var choice: Int32 = 0
    var depth: Int32 = 0
    var sends: [String] = []
    /// The states the last `goto` may name; nil when the body has none (the process stays).
    var targets: [Int]?
  }

  /// A body with more paths than this is cut short: the edges found so far are drawn.
  static let pathLimit = 4096

  let states: [String]
  let text: [UInt8]
  var paths: [Path] = []
  /// Branch ids by the offset of the branch name: 1-based in source order over the whole body,
  /// as the compiler numbers them.
  var branchIds: [Int: Int32] = [:]

  init(states: [String], text: [UInt8]) {
    self.states = states
    self.text = text
  }

  mutating func numberBranches(_ block: [Stmt]) {
    for s in block {
      switch s.kind {
      case .ifElse(_, let a, let b):
        numberBranches(a)
        numberBranches(b ?? [])
      case .choose(let branches):
        for b in branches {
          branchIds[b.name.range.start.offset] = Int32(branchIds.count + 1)
          numberBranches(b.body)
        }
      default: break
      }
    }
  }

  /// Follows every path from the statements on `stack` (innermost block last).
  mutating func walk(_ stack: [ArraySlice<Stmt>], _ path: Path) {
    var stack = stack
    var path = path
    while var top = stack.popLast() {
      guard let stmt = top.first else { continue }
      guard paths.count < Self.pathLimit else { return }
      top = top.dropFirst()
      stack.append(top)
      switch stmt.kind {
      case .send(let m, let args, _):
        let message = Self.messageText(m.name, args.map { ($0.field.name, $0.value.range) }, text)
        if !path.sends.contains(message) { path.sends.append(message) }
      case .goto(let e):
        path.targets = targets(e)
      case .ifElse(_, let a, let b):
        walk(stack + [a[...]], path)
        walk(stack + [(b ?? [])[...]], path)
        return
      case .choose(let branches):
        for b in branches {
          var next = path
          next.choice |= (branchIds[b.name.range.start.offset] ?? 0) << (4 * path.depth)
          next.depth += 1
          walk(stack + [b.body[...]], next)
        }
        return
      case .assign, .skip: break
      }
    }
    paths.append(path)
  }

  /// The states a `goto` expression can name: a state, or either side of `c ? a : b`.
  func targets(_ e: Expr) -> [Int] {
    switch e.kind {
    case .name(let n): return states.firstIndex(of: n).map { [$0] } ?? []
    case .conditional(_, let a, let b):
      let both = targets(a) + targets(b)
      return both.enumerated().filter { both.firstIndex(of: $0.element) == $0.offset }.map(\.element)
    default: return []
    }
  }

  /// The messages a block sends on any path (for `start`).
  static func sends(in block: [Stmt], _ text: [UInt8]) -> [String] {
    var out: [String] = []
    func scan(_ block: [Stmt]) {
      for s in block {
        switch s.kind {
        case .send(let m, let args, _):
          let message = messageText(m.name, args.map { ($0.field.name, $0.value.range) }, text)
          if !out.contains(message) { out.append(message) }
        case .ifElse(_, let a, let b):
          scan(a)
          scan(b ?? [])
        case .choose(let branches): for b in branches { scan(b.body) }
        default: break
        }
      }
    }
    scan(block)
    return out
  }

  static func trigger(_ decl: TransitionDecl, _ text: [UInt8]) -> String {
    switch decl.trigger {
    case .receive(let m, let fields, _):
      return "receive " + messageText(m.name, fields.map { ($0.field.name, $0.value.range) }, text)
    case .step: return "step" + (decl.name.map { " " + $0.name } ?? "")
    case .timeout: return "timeout"
    }
  }

  /// `Vote(yes: true)`, with each field's expression as written.
  static func messageText(_ name: String, _ fields: [(String, SourceRange)], _ text: [UInt8]) -> String {
    fields.isEmpty ? name : name + "(" + fields.map { "\($0.0): \(slice($0.1, text))" }.joined(separator: ", ") + ")"
  }

  /// The source text of a range with every run of whitespace (and any comment) made one space.
  static func slice(_ range: SourceRange, _ text: [UInt8]) -> String {
    let start = max(0, min(range.start.offset, text.count))
    let end = max(start, min(range.end.offset, text.count))
    let raw = String(decoding: text[start..<end], as: UTF8.self)
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
