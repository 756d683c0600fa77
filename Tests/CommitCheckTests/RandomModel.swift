/// Small random well-formed models for the differential tests, reproducible from a seed.
///
/// A model has a coordinator `C` and `N` participants `P` (N = 1 or 2), a few control states
/// each (some deciding), a few variables of each kind the language has, messages with a fixed
/// sender and receiver role, guarded steps, receives and timeouts, `choose`, failure budgets and
/// a couple of properties. Everything is generated from typed templates, so each model compiles;
/// one that does not is a generator bug and fails the test with its seed.

/// SplitMix64: tiny, fast and the same on every platform, unlike the system generator.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

struct RandomModel {
  enum VarType: Equatable {
    case bool, range(Int), enumeration, set, map
  }

  struct Variable {
    var name: String
    var type: VarType
  }

  struct Message {
    var name: String
    var sender: Int
    var receiver: Int
    /// The field's type, if the message has one (`f`).
    var field: VarType?
  }

  struct Role {
    var name: String
    var states: [String]
    var vars: [Variable]
  }

  var rng: SeededGenerator
  var roles: [Role] = []
  var messages: [Message] = []
  var n = 1
  var symmetric = false
  var network = "unordered"
  var enumCases = ["red", "green", "blue"]
  var transitionCount = 0

  /// The model text for `seed`.
  static func source(seed: UInt64) -> String {
    var model = RandomModel(rng: SeededGenerator(seed: seed))
    return model.generate(seed: seed)
  }

  mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
  mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
  mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

  mutating func generate(seed: UInt64) -> String {
    symmetric = chance(0.4)
    n = symmetric ? int(2...3) : int(1...2)
    network = pick(["unordered", "unordered", "fifo", "set"])
    for (r, name) in ["C", "P"].enumerated() {
      let states = (0..<int(2...4)).map { "\(name.lowercased())\($0)" }
      var vars: [Variable] = []
      for k in 0..<int(0...2) {
        var types: [VarType] = [.bool, .range(int(1...2)), .enumeration]
        if r == 0 { types += [.set, .map] }
        vars.append(Variable(name: "\(name.lowercased())v\(k)", type: pick(types)))
      }
      roles.append(Role(name: name, states: states, vars: vars))
    }
    for k in 0..<int(1...3) {
      let field: VarType? = chance(0.5) ? pick([.bool, .range(2), .enumeration]) : nil
      // Participants that message each other are not interchangeable: no such messages when
      // the role is declared symmetric.
      var (sender, receiver) = (int(0...1), int(0...1))
      if symmetric && sender == 1 && receiver == 1 { receiver = 0 }
      messages.append(Message(name: "M\(k)", sender: sender, receiver: receiver, field: field))
    }
    var out = "// random model, seed \(seed)\nprotocol Random\nparam N: 1...3 = \(n)\n"
    out += "network \(network)" + (chance(0.5) ? " capacity \(int(2...4))" : "") + "\n"
    out += "enum Color { \(enumCases.joined(separator: ", ")) }\n"
    for m in messages {
      out += "message \(m.name)" + (m.field.map { "(f: \(typeText($0)))" } ?? "") + "\n"
    }
    for r in roles.indices { out += roleText(r) }
    out += failuresText()
    out += "invariant inv: \(propertyExpr())\n"
    if chance(0.5) { out += "eventually ev: \(eventuallyExpr())\n" }
    return out
  }

  func typeText(_ t: VarType) -> String {
    switch t {
    case .bool: "bool"
    case .range(let h): "0...\(h)"
    case .enumeration: "Color"
    case .set: "set<P>"
    case .map: "map<P, bool>"
    }
  }

  /// A constant of a (non-collection) type.
  mutating func constant(_ t: VarType) -> String {
    switch t {
    case .bool: pick(["true", "false"])
    case .range(let h): String(int(0...h))
    case .enumeration: pick(enumCases)
    case .set, .map: "{}"
    }
  }

  /// A participant named by index, unless the role is symmetric (which forbids naming one).
  mutating func someParticipant() -> String? { symmetric ? nil : "P[\(int(1...n))]" }

  mutating func roleText(_ r: Int) -> String {
    let role = roles[r]
    var out = "role \(role.name)" + (r == 1 ? "[N]" + (symmetric ? " symmetric" : "") : "") + " {\n"
    for v in role.vars {
      let stable = chance(0.3) ? "stable " : ""
      let initial = v.type == .set || v.type == .map || chance(0.5) ? "" : " = \(constant(v.type))"
      out += "  \(stable)var \(v.name): \(typeText(v.type))\(initial)\n"
    }
    for (i, s) in role.states.enumerated() {
      var line = "  state \(s)"
      if i == 0 { line += " initial" }
      if i > 0 && chance(0.6) { line += " decides \(pick(["commit", "abort"]))" }
      out += line + "\n"
    }
    if chance(0.2) { out += "  recover to \(role.states[0])\n" }
    if r == 0 && chance(0.6), let m = messages.firstIndex(where: { $0.sender == 0 }) {
      out += "  start { \(sendText(m, from: 0, replyTo: nil)) }\n"
    }
    // Every message has a receive: the compiler types `from q` (and so the flows a reply to `q`
    // makes) by who sends and receives what, and an unreceived message widens them to all roles.
    for m in messages.indices where messages[m].receiver == r {
      out += "  " + receiveText(m, in: r) + "\n"
    }
    for k in 0..<int(1...3) { out += "  " + stepText(in: r, first: k == 0) + "\n" }
    if chance(0.4) { out += "  " + timeoutText(in: r) + "\n" }
    return out + "}\n"
  }

  /// One or two states a transition starts from (by index), or nil for `any`.
  mutating func sourceStates(_ r: Int) -> [Int]? {
    if chance(0.1) { return nil }
    let count = roles[r].states.count
    var chosen = [int(0...(count - 1))]
    if chance(0.3) { chosen.append(int(0...(count - 1))) }
    return Array(Set(chosen)).sorted()
  }

  func sourceText(_ r: Int, _ sources: [Int]?) -> String {
    sources.map { $0.map { roles[r].states[$0] }.joined(separator: ", ") } ?? "any"
  }

  mutating func receiveText(_ m: Int, in r: Int) -> String {
    let message = messages[m]
    var pattern = ""
    var bound: (String, VarType)?
    if let field = message.field {
      if chance(0.5) {
        pattern = "(f: v)"
        bound = ("v", field)
      } else {
        pattern = "(f: \(constant(field)))"
      }
    }
    transitionCount += 1
    let sources = sourceStates(r)
    let guardText = chance(0.3) ? " when \(guardExpr(r))" : ""
    // A receive consumes what it answers, so its sends cannot pile up: it may send and go anywhere.
    return "on \(sourceText(r, sources)) receive \(message.name)\(pattern) from q as t\(transitionCount)\(guardText) "
      + block(r, bound: bound, sender: message.sender, sources: sources, consumes: true)
  }

  /// A step; the first of a role leaves the initial state and sends one of the role's messages,
  /// so that every model moves and most messages are sent.
  mutating func stepText(in r: Int, first: Bool) -> String {
    transitionCount += 1
    let guardText = !first && chance(0.4) ? " when \(guardExpr(r))" : ""
    let rate = chance(0.2) ? " rate \(pick(["2", "0.5"]))" : ""
    let sources = first ? [0] : sourceStates(r)
    var body: String
    if first, let m = messages.firstIndex(where: { $0.sender == r }) {
      body = "{ \(sendText(m, from: r, replyTo: nil)); goto \(pick(Array(roles[r].states.dropFirst()))) }"
    } else {
      body = block(r, bound: nil, sender: nil, sources: sources, consumes: false)
    }
    return "on \(sourceText(r, sources)) step t\(transitionCount)\(guardText)\(rate) " + body
  }

  mutating func timeoutText(in r: Int) -> String {
    transitionCount += 1
    let condition: String
    if r == 1 && chance(0.5) {
      condition = " when \(pick(["crashed(C)", "unreachable(C)"]))"
    } else if r == 0 && chance(0.5) {
      condition = " when some p in P: crashed(p)"
    } else {
      condition = ""
    }
    let sources = sourceStates(r)
    return "on \(sourceText(r, sources)) timeout as t\(transitionCount)\(condition) "
      + block(r, bound: nil, sender: nil, sources: sources, consumes: false)
  }

  /// The states a block may go to, and whether it may send.
  var targets: [String] = []
  var maySend = false

  /// A block of up to two statements and, usually, a `goto`.
  ///
  /// A step or timeout that sends always moves to a later state, so no loop of them fills the
  /// network (a capacity error ends exploration early and leaves little to compare).
  mutating func block(_ r: Int, bound: (String, VarType)?, sender: Int?, sources: [Int]?, consumes: Bool) -> String {
    let states = roles[r].states
    let later = sources.map { Array(states[($0.max()! + 1)...]) } ?? []
    maySend = consumes || (!later.isEmpty && chance(0.7))
    targets = consumes || !maySend ? states : later
    var statements: [String] = []
    for _ in 0..<int(0...2) { statements.append(statement(r, bound: bound, sender: sender, depth: 0)) }
    if maySend && !consumes || chance(0.8) { statements.append("goto \(pick(targets))") }
    if statements.isEmpty { statements = ["skip"] }
    return "{ " + statements.joined(separator: "; ") + " }"
  }

  mutating func statement(_ r: Int, bound: (String, VarType)?, sender: Int?, depth: Int) -> String {
    let roll = int(0...9)
    if roll < 3, !roles[r].vars.isEmpty {
      return assignment(r, bound: bound, sender: sender)
    }
    if roll < 6, maySend, let m = messages.indices.filter({ messages[$0].sender == r }).randomElement(using: &rng) {
      return sendText(m, from: r, replyTo: sender)
    }
    if roll < 8, depth == 0 {
      let then = statement(r, bound: bound, sender: sender, depth: 1)
      let otherwise = chance(0.5) ? " else { \(statement(r, bound: bound, sender: sender, depth: 1)) }" : ""
      return "if \(guardExpr(r)) { \(then) }\(otherwise)"
    }
    if roll < 9, depth == 0 {
      let a = statement(r, bound: bound, sender: sender, depth: 1)
      let b = statement(r, bound: bound, sender: sender, depth: 1)
      return "choose { a: { \(a); goto \(pick(targets)) } b: { \(b) } }"
    }
    return "skip"
  }

  mutating func assignment(_ r: Int, bound: (String, VarType)?, sender: Int?) -> String {
    let v = pick(roles[r].vars)
    switch v.type {
    case .bool:
      if let bound, bound.1 == .bool, chance(0.5) { return "\(v.name) = \(bound.0)" }
      return chance(0.5) ? "\(v.name) = not \(v.name)" : "\(v.name) = \(constant(v.type))"
    case .range(let h):
      if let bound, bound.1 == v.type, chance(0.5) { return "\(v.name) = \(bound.0)" }
      return chance(0.5) ? "if \(v.name) < \(h) { \(v.name) += 1 }" : "\(v.name) = \(constant(v.type))"
    case .enumeration:
      if let bound, bound.1 == .enumeration, chance(0.5) { return "\(v.name) = \(bound.0)" }
      return "\(v.name) = \(constant(v.type))"
    case .set:
      if sender == 1 { return "\(v.name) += q" }
      if let p = someParticipant() { return "\(v.name) \(pick(["+=", "-="])) \(p)" }
      return "\(v.name) = \(pick(["{}", "all P"]))"
    case .map:
      if sender == 1 { return "\(v.name)[q] = \(constant(.bool))" }
      if let p = someParticipant() { return "\(v.name)[\(p)] = \(constant(.bool))" }
      return "skip"
    }
  }

  /// A send of message `m` from role `r`: to all of the receiving role, to the coordinator, to
  /// one participant, or back to the sender of the message being handled when it has that role.
  mutating func sendText(_ m: Int, from r: Int, replyTo sender: Int?) -> String {
    let message = messages[m]
    let args = message.field.map { "(f: \(constant($0)))" } ?? ""
    let target: String
    if sender == message.receiver && chance(0.5) {
      target = "q"
    } else if message.receiver == 0 {
      target = "C"
    } else if let p = someParticipant(), chance(0.3) {
      target = p
    } else {
      target = "all P"
    }
    return "send \(message.name)\(args) to \(target)"
  }

  /// A boolean over the role's variables and the control states of processes.
  mutating func guardExpr(_ r: Int) -> String {
    var options: [String] = []
    if r == 0 {
      options.append("\(pick(["C", "self"])) in \(pick(roles[0].states))")
      options.append("some p in P: p in \(pick(roles[1].states))")
      options.append("(count p in P: p in \(pick(roles[1].states))) < N")
    } else {
      options.append("self in \(pick(roles[1].states))")
      options.append("C in \(pick(roles[0].states))")
      options.append("all p in P: p == self or p in \(pick(roles[1].states))")
    }
    for v in roles[r].vars {
      switch v.type {
      case .bool: options.append(chance(0.5) ? v.name : "not \(v.name)")
      case .range(let h): options.append("\(v.name) \(pick(["<", "==", "!=", ">="])) \(int(0...h))")
      case .enumeration: options.append("\(v.name) \(pick(["==", "!="])) \(pick(enumCases))")
      case .set: options.append("size(\(v.name)) \(pick(["<", "=="])) N")
      case .map:
        if let p = someParticipant() { options.append("\(v.name)[\(p)]") }
      }
    }
    let first = pick(options)
    return chance(0.25) ? "\(first) \(pick(["and", "or"])) \(pick(options))" : first
  }

  /// An invariant over the whole state.
  mutating func propertyExpr() -> String {
    let cs = roles[0].states, ps = roles[1].states
    var options = [
      "C in \(pick(cs)) implies all p in P: not (p in \(pick(ps)))",
      "(count p in P: p in \(pick(ps))) <= 1",
      "not (C in \(pick(cs)) and some p in P: p in \(pick(ps)))",
      "all p in P: crashed(p) or not (p in \(pick(ps)))",
    ]
    for v in roles[0].vars {
      switch v.type {
      case .bool: options.append("C.\(v.name) implies C in \(pick(cs))")
      case .range(let h): options.append("C.\(v.name) < \(h)")
      case .set: options.append("size(C.\(v.name)) < N")
      default: break
      }
    }
    for v in roles[1].vars where v.type == .bool {
      options.append("all p in P: not p.\(v.name)")
    }
    return pick(options)
  }

  mutating func eventuallyExpr() -> String {
    pick([
      "all p in P: decided(p)", "decided(C)", "C in \(pick(roles[0].states))",
      "some p in P: p in \(pick(roles[1].states))",
    ])
  }

  mutating func failuresText() -> String {
    var items: [String] = []
    if chance(0.3) { items.append("crash C: 1") }
    if chance(0.3) {
      items.append("crash P: 1")
      if chance(0.4) { items.append("recover P: 1") }
    }
    if chance(0.2) { items.append("lose: 1") }
    if chance(0.2) { items.append("duplicate: 1") }
    if chance(0.15) { items.append("partition") }
    return items.isEmpty ? "" : "failures { \(items.joined(separator: " ")) }\n"
  }
}
