import CommitCheck
import Testing

// The syntax-tree scans that `roleMachines(source:)` and `transitionReads(in:)` used before the
// compiler recorded these facts, kept here only to compare the two.

struct LegacyEdge: Hashable {
  var transition: Int
  var choice: Int32
  var from: Int
  var to: Int
  var name: String
  var trigger: String
  var guardText: String?
  var sends: [String]
}

struct LegacyMachine {
  var role: Int
  var startSends: [String]
  var edges: [LegacyEdge]
}

extension TransitionSystem {
  func legacyRoleMachines(source: String) -> [LegacyMachine]? {
    guard let model = try? ModelParser.parse(source) else { return nil }
    let text = Array(source.utf8)
    var decls: [TransitionDecl] = []
    for (r, role) in model.roles.enumerated() {
      guard r < roles.count, roles[r].name == role.name.name else { return nil }
      decls += role.transitions
    }
    guard decls.count == transitions.count else { return nil }
    var machines = roles.indices.map { r in
      LegacyMachine(role: r, startSends: LegacyPaths.sends(in: model.roles[r].start ?? [], text), edges: [])
    }
    for (i, decl) in decls.enumerated() {
      let info = transitions[i]
      guard info.range == decl.range else { return nil }
      let role = roles[info.role]
      let sources = role.states.indices.filter { transitionsEnabledIn(role: info.role, state: $0).contains(i) }
      var walker = LegacyPaths(states: role.states, text: text)
      walker.numberBranches(decl.body)
      walker.walk([decl.body[...]], LegacyPaths.Path())
      var merged: [LegacyKey: LegacyEdge] = [:]
      for path in walker.paths {
        let name = actionName(Action(kind: info.kind, process: 0, transition: Int32(i), choice: path.choice))
        for from in sources {
          for to in path.targets ?? [from] {
            let key = LegacyKey(choice: path.choice, from: from, to: to)
            var edge = merged[key] ?? LegacyEdge(
              transition: i, choice: path.choice, from: from, to: to, name: name,
              trigger: LegacyPaths.trigger(decl, text), guardText: decl.guardExpr.map { LegacyPaths.slice($0.range, text) },
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

struct LegacyKey: Hashable {
  var choice: Int32
  var from: Int
  var to: Int
}

/// The paths through one transition body: which branches they take, what they send, where
/// their `goto` leads.
struct LegacyPaths {
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

extension TransitionSystem {
  /// What each transition reads outside its own process, in `transitions` order; nil when `model`
  /// is not the syntax tree this system was compiled from.
  func legacyTransitionReads(in model: ProtocolDecl) -> [TransitionReads]? {
    var result: [TransitionReads] = []
    for (r, role) in model.roles.enumerated() {
      for decl in role.transitions {
        let i = result.count
        guard i < transitions.count, transitions[i].range == decl.range, transitions[i].role == r else { return nil }
        var scanner = LegacyReadScanner(system: self, role: r)
        scanner.scan(decl)
        var reads = TransitionReads()
        reads.localStates = scanner.locals.filter { $0 >= 0 }.sorted()
        reads.crashFlags = scanner.crashes.filter { $0 >= 0 }.sorted()
        reads.partition = scanner.partition
        reads.asynchronous = transitions[i].reads.asynchronous
        result.append(reads)
      }
    }
    return result.count == transitions.count ? result : nil
  }
}


/// Walks one transition's patterns, guard and body, collecting the processes it reads.
///
/// A process-valued expression denotes a set of process ids; -1 stands for `self`, whose state
/// is the transition's own.
struct LegacyReadScanner {
  let system: TransitionSystem
  let role: Int
  var bound: [(name: String, processes: Set<Int>)] = []
  var locals: Set<Int> = []
  var crashes: Set<Int> = []
  var partition = false

  init(system: TransitionSystem, role: Int) {
    self.system = system
    self.role = role
  }

  var everyProcess: Set<Int> { Set(system.processes.indices) }

  func processes(ofRole r: Int) -> Set<Int> {
    Set(system.roles[r].firstProcess..<(system.roles[r].firstProcess + system.roles[r].count))
  }

  func roleIndex(_ name: String) -> Int? { system.roles.firstIndex { $0.name == name } }

  func processes(in domain: Domain) -> Set<Int> {
    switch domain {
    case .process(let r): processes(ofRole: r)
    case .map(_, let value): processes(in: value)
    default: everyProcess
    }
  }

  /// The processes a process-valued expression may denote.
  func denote(_ e: Expr) -> Set<Int> {
    switch e.kind {
    case .name(let n):
      if let b = bound.last(where: { $0.name == n }) { return b.processes }
      if n == "self" { return [-1] }
      if let v = system.roles[role].vars.first(where: { $0.name == n }) { return processes(in: v.domain) }
      if let r = roleIndex(n) { return processes(ofRole: r) }
      return everyProcess
    case .index(let target, let key):
      if case .name(let n) = target.kind, !bound.contains(where: { $0.name == n }), let r = roleIndex(n) {
        if case .int(let i) = key.kind, i >= 1, i <= system.roles[r].count { return [system.roles[r].firstProcess + i - 1] }
        return processes(ofRole: r)
      }
      if case .name(let n) = target.kind, let v = system.roles[role].vars.first(where: { $0.name == n }) {
        return processes(in: v.domain)
      }
      return everyProcess
    case .conditional(_, let a, let b):
      return denote(a).union(denote(b))
    default:
      return everyProcess
    }
  }

  /// True when `rhs` of `x in rhs` names control states (a state test) rather than a set.
  func isStateTest(_ rhs: Expr) -> Bool {
    func isState(_ e: Expr) -> Bool {
      guard case .name(let n) = e.kind, !bound.contains(where: { $0.name == n }) else { return false }
      return system.roles.contains { $0.states.contains(n) }
    }
    if case .setLiteral(let elements) = rhs.kind { return elements.contains(where: isState) }
    return isState(rhs)
  }

  /// A pattern name binds when it means nothing yet (the compiler's rule).
  func isFresh(_ n: String) -> Bool {
    if bound.contains(where: { $0.name == n }) || n == "self" || roleIndex(n) != nil { return false }
    if system.parameters.contains(where: { $0.name == n }) { return false }
    if system.enumCases.contains(where: { $0.contains(n) }) { return false }
    return !system.roles[role].vars.contains { $0.name == n }
  }

  mutating func scan(_ t: TransitionDecl) {
    if case .receive(let messageName, let fields, let sender) = t.trigger {
      let message = system.messages.first { $0.name == messageName.name }
      for f in fields {
        if case .name(let n) = f.value.kind, isFresh(n) {
          let k = message?.fieldNames.firstIndex(of: f.field.name)
          let domain = k.flatMap { message?.fieldDomains[$0] }
          bound.append((n, domain.map { processes(in: $0) } ?? everyProcess))
        } else {
          scan(f.value)
        }
      }
      if let sender { bound.append((sender.name, everyProcess)) }
    }
    if let g = t.guardExpr { scan(g) }
    scan(t.body)
  }

  mutating func scan(_ block: [Stmt]) {
    for s in block {
      switch s.kind {
      case .assign(_, let index, _, let value):
        if let index { scan(index) }
        scan(value)
      case .send(_, let args, let target):
        for a in args { scan(a.value) }
        if case .process(let e) = target { scan(e) }
      case .goto(let e): scan(e)
      case .ifElse(let c, let a, let b):
        scan(c)
        scan(a)
        scan(b ?? [])
      case .choose(let branches):
        for b in branches { scan(b.body) }
      case .skip: break
      }
    }
  }

  mutating func scan(_ e: Expr) {
    switch e.kind {
    case .member(let target, _):
      locals.formUnion(denote(target))
      scan(target)
    case .binary(.in, let lhs, let rhs) where isStateTest(rhs):
      locals.formUnion(denote(lhs))
      scan(lhs)
    case .call(let name, let args):
      if let first = args.first {
        switch name.name {
        case "crashed": crashes.formUnion(denote(first))
        case "unreachable":
          crashes.formUnion(denote(first))
          partition = true
        case "decided": locals.formUnion(denote(first))
        default: break
        }
      }
      for a in args { scan(a) }
    case .quantifier(_, let variable, let roleName, let body):
      bound.append((variable.name, roleIndex(roleName.name).map { processes(ofRole: $0) } ?? everyProcess))
      scan(body)
      bound.removeLast()
    case .unary(_, let a): scan(a)
    case .binary(_, let a, let b):
      scan(a)
      scan(b)
    case .conditional(let c, let a, let b):
      scan(c)
      scan(a)
      scan(b)
    case .index(let a, let b):
      scan(a)
      scan(b)
    case .setLiteral(let elements):
      for el in elements { scan(el) }
    case .int, .bool, .name, .allOf, .real:
      break
    }
  }
}

/// Compares the recorded facts of `system` with the syntax-tree scans; returns the differences.
func legacyDifferences(_ system: TransitionSystem, source: String) throws -> [String] {
  var out: [String] = []
  let tree = try ModelParser.parse(source)
  let reads = try #require(system.legacyTransitionReads(in: tree))
  for (i, r) in reads.enumerated() where r != system.transitions[i].reads {
    out.append("reads of \(system.transitions[i].name): old \(r), new \(system.transitions[i].reads)")
  }
  let old = try #require(system.legacyRoleMachines(source: source))
  let new = system.roleMachines
  for (o, n) in zip(old, new) {
    if o.startSends != system.roles[o.role].startSends.map(\.text) { out.append("start sends of role \(o.role)") }
    let converted = n.edges.map { e in
      LegacyEdge(transition: e.transition, choice: e.choice, from: e.from, to: e.to, name: e.name,
                 trigger: system.transitions[e.transition].trigger, guardText: system.transitions[e.transition].guardText,
                 sends: e.sends.map(\.text))
    }
    if o.edges != converted { out.append("edges of role \(o.role): old \(o.edges)\nnew \(converted)") }
  }
  return out
}

@Test("Recorded facts equal the old syntax-tree scans on every shipped model and random model")
func legacyScansAgree() throws {
  for name in shippedModelNames {
    let source = try readModel(path: modelPath(name))
    for n in [1, 2, 3] {
      var options = CompileOptions()
      options.parameters["N"] = n
      let system = try compileModel(source: source, file: name, options: options).system
      let diffs = try legacyDifferences(system, source: source)
      #expect(diffs.isEmpty, "\(name) N=\(n): \(diffs.joined(separator: "\n"))")
    }
  }
  var differing: [UInt64] = []
  for seed in UInt64(0)..<400 {
    let source = RandomModel.source(seed: seed)
    let system = try compileModel(source: source, file: "seed", options: CompileOptions()).system
    let diffs = try legacyDifferences(system, source: source)
    if !diffs.isEmpty {
      differing.append(seed)
      if differing.count <= 5 { print("seed \(seed):\n" + diffs.joined(separator: "\n")) }
    }
  }
  print("random models differing: \(differing.count) of 400: \(differing.prefix(40))")
}

@Test("Probe: where the compiler's resolution is narrower than the old scan")
func legacyProbe() throws {
  let source = """
    protocol P
    param N: 1...3 = 2
    network unordered
    message Ping
    message Pong
    role C {
      var leader: P
      state a initial
      state b
      start { send Ping to all P }
      on a receive Pong from q when crashed(q) or q.x { goto b }
      on a step s when P[1].x and leader.x and (true ? P[1] : P[2]).x { goto b }
      on a step t when leader.y.x { goto b }
    }
    role P[N] {
      var x: bool
      var y: P
      state w initial
      on w receive Ping from c { send Pong to c }
    }
    """
  let system = try compileModel(source: source, file: "probe", options: CompileOptions()).system
  print(try legacyDifferences(system, source: source).joined(separator: "\n"))
}
