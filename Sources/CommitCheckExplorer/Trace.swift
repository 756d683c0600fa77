import CommitCheckModel

/// One step of a counterexample: the move taken and what it changed, told as processes and
/// messages.
public struct TraceStep: Sendable {
  /// 0 for the initial state.
  public var index: Int
  public var action: Action?
  public var state: [Int]
  /// The acting process (`Participant[2]`), or nil for network failures and the initial state.
  public var process: String?
  public var kind: String
  /// The transition with its choices (`on_prepare.vote_yes`), or the failure kind.
  public var transition: String
  /// The message received, lost or duplicated, with its source and target.
  public var message: String?
  public var messageFrom: String?
  public var messageTo: String?
  /// The control state the process moved to, when it moved.
  public var newState: String?
  public var sends: [String] = []
  public var changes: [String] = []
  /// `message`, `sends` and `changes` as values, for scripts: the message with its fields, each
  /// send with its source and target, each change with the value before.
  public var messageDetail: TraceMessage?
  public var sendDetails: [TraceSend] = []
  public var changeDetails: [TraceChange] = []
  /// A one-line account: `Participant[2] receives Prepare from Coordinator → prepared; sends ...`
  public var text: String
}

/// A message as a trace shows it: its type, each field's value, and the text `Vote(yes: true)`.
public struct TraceMessage: Sendable {
  public var name: String
  public var fields: [(name: String, value: TraceValue)]
  public var text: String
}

/// A message field's value, typed: a boolean, a number, or a name (an enumeration case or a
/// process).
public enum TraceValue: Sendable, Hashable {
  case bool(Bool)
  case int(Int)
  case name(String)
}

/// A message a step put in flight (in the initial state: a message in flight), `copies` times.
public struct TraceSend: Sendable {
  public var message: TraceMessage
  public var from: String
  public var to: String
  public var copies: Int
}

/// A variable a step changed: one entry of a map variable (its `key`), or a whole variable.
public struct TraceChange: Sendable {
  public var process: String
  public var variable: String
  public var key: String?
  public var value: String
  public var previous: String

  /// `decision[Participant[1]] = commit`, as the step's text shows it.
  public var text: String { "\(variable)\(key.map { "[\($0)]" } ?? "") = \(value)" }
}

public struct Trace: Sendable {
  public var steps: [TraceStep]
  /// For a livelock: the index of the step where the repeated cycle starts (the cycle runs to
  /// the end and returns to that step's state).
  public var loopStart: Int?
}

extension Exploration {
  /// The ids on the BFS parent path from an initial state to `id`.
  public func pathTo(_ id: UInt32) -> [UInt32] {
    // Inline storage keeps no parents: `parents` stops there; read them from `replayed()`.
    let parents = parents
    var path: [UInt32] = [id]
    var cur = id
    while parents[Int(cur)] != UInt32.max {
      cur = parents[Int(cur)]
      path.append(cur)
    }
    return path.reversed()
  }

  /// The trace along consecutive state ids, finding each step's action by regenerating the
  /// successors of its predecessor (so every printed step is a real move of the model).
  public func trace(along ids: [UInt32], loopStart: Int? = nil) -> Trace {
    let generator = SuccessorGenerator(system)
    var steps: [TraceStep] = []
    guard let first = ids.first else { return Trace(steps: [], loopStart: nil) }
    // Under symmetry reduction the ids stand for orbits: follow concrete states whose
    // canonical forms are the path's, so every printed step is a real execution.
    func matches(_ concrete: [Int], _ id: UInt32) -> Bool {
      guard let symmetry else { return concrete == state(id) }
      var c = concrete
      symmetry.canonicalize(&c)
      return c == state(id)
    }
    var previous = state(first)
    if symmetry != nil, let concrete = (try? generator.initialStates())?.first(where: { matches($0, first) }) {
      previous = concrete
    }
    steps.append(describeInitial(previous))
    for (k, id) in ids.dropFirst().enumerated() {
      var found: (Action, [Int])?
      try? generator.successors(of: previous) { action, next in
        if found == nil && matches(next, id) { found = (action, next) }
      }
      let target = found?.1 ?? state(id)
      steps.append(describe(from: previous, action: found?.0, to: target, index: k + 1))
      previous = target
    }
    return Trace(steps: steps, loopStart: loopStart)
  }

  func describeInitial(_ slots: [Int]) -> TraceStep {
    let flights = system.messagesInFlight(slots)
    let inFlight = flights.map { messageLine(($0.source, $0.target, $0.text, $0.copies)) }
    var text = "initial state: " + system.processes.indices.map { p in
      "\(system.processes[p].name) \(controlName(slots, p))"
    }.joined(separator: ", ")
    if !inFlight.isEmpty { text += "; in flight: " + inFlight.joined(separator: ", ") }
    var step = TraceStep(index: 0, action: nil, state: slots, process: nil, kind: "initial",
                         transition: "initial", sends: inFlight, text: text)
    step.sendDetails = flights.map { m in
      TraceSend(message: traceMessage(m.message, valuation: m.valuation), from: system.processes[m.source].name,
                to: system.processes[m.target].name, copies: m.copies)
    }
    return step
  }

  /// A message type under a valuation, with its fields typed.
  func traceMessage(_ message: Int, valuation: Int) -> TraceMessage {
    TraceMessage(name: system.messages[message].name,
                 fields: system.messageFields(message, valuation: valuation).map { ($0.name, traceValue($0.value, $0.domain)) },
                 text: system.messageText(message, valuation: valuation))
  }

  func traceValue(_ value: Int, _ domain: Domain) -> TraceValue {
    switch domain {
    case .bool: .bool(value != 0)
    case .range: .int(value)
    case .enumeration, .process, .set, .map, .record: .name(system.describe(value: value, domain: domain))
    }
  }

  func controlName(_ slots: [Int], _ p: Int) -> String {
    system.roles[system.processes[p].role].states[system.controlState(slots, process: p)]
  }

  func messageLine(_ m: (source: Int, target: Int, text: String, copies: Int)) -> String {
    let copies = m.copies > 1 ? " ×\(m.copies)" : ""
    return "\(m.text) \(system.processes[m.source].name)→\(system.processes[m.target].name)\(copies)"
  }

  /// The message an action refers to (received, lost or duplicated), read from the state before.
  func actionMessage(_ a: Action, before: [Int]) -> FlightMessage? {
    guard a.message >= 0, a.kind == .receive || a.kind == .lose || a.kind == .duplicate else { return nil }
    let c = system.channels[Int(a.message)]
    if system.network == .fifo {
      let position = a.kind == .receive ? 0 : Int(a.choice)
      let code = before[c.slot + position]
      guard code > 0 else { return nil }
      let (m, v) = system.fifoMessage(code: code - 1)
      return FlightMessage(text: system.messageText(m, valuation: v), source: c.source, target: c.target, message: m, valuation: v)
    }
    return FlightMessage(text: system.messageText(c.message, valuation: c.valuation), source: c.source, target: c.target,
                         message: c.message, valuation: c.valuation)
  }

  func describe(from before: [Int], action: Action?, to after: [Int], index: Int) -> TraceStep {
    guard let a = action else {
      return TraceStep(index: index, action: nil, state: after, process: nil, kind: "unknown",
                       transition: "?", text: "(no move of the model leads here)")
    }
    let processName = a.process >= 0 ? system.processes[Int(a.process)].name : nil
    var step = TraceStep(index: index, action: a, state: after, process: processName, kind: a.kind.name,
                         transition: system.actionName(a), text: "")
    let msg = actionMessage(a, before: before)
    if let msg {
      step.message = msg.text
      step.messageFrom = system.processes[msg.source].name
      step.messageTo = system.processes[msg.target].name
      step.messageDetail = traceMessage(msg.message, valuation: msg.valuation)
    }
    var text: String
    switch a.kind {
    case .receive:
      text = "\(processName!) receives \(msg?.text ?? "?") from \(step.messageFrom ?? "?") [\(step.transition)]"
    case .step:
      text = "\(processName!) steps [\(step.transition)]"
    case .timeout:
      text = "\(processName!) times out [\(step.transition)]"
    case .crash:
      text = "\(processName!) crashes"
    case .recover:
      text = "\(processName!) recovers"
    case .lose:
      text = "network loses \(msg?.text ?? "?") \(step.messageFrom ?? "?")→\(step.messageTo ?? "?")"
    case .duplicate:
      text = "network duplicates \(msg?.text ?? "?") \(step.messageFrom ?? "?")→\(step.messageTo ?? "?")"
    case .partition:
      let (left, right) = system.partitionGroups(Int(a.message))
      text = "network partitions {\(left.joined(separator: ", "))} | {\(right.joined(separator: ", "))}"
    }
    if a.process >= 0 {
      let p = Int(a.process)
      let oldState = system.controlState(before, process: p), newState = system.controlState(after, process: p)
      if oldState != newState || a.kind == .recover {
        step.newState = controlName(after, p)
        let decision = system.decision(after, process: p).map { " (decides \($0.rawValue))" } ?? ""
        text += " → \(step.newState!)\(decision)"
      }
      step.changeDetails = variableChanges(p, before, after)
      step.changes = step.changeDetails.map(\.text)
    }
    if a.process >= 0 && !a.kind.isFailure {
      step.sendDetails = sentMessages(before, after, consumed: a.kind == .receive ? msg : nil)
      step.sends = step.sendDetails.map { "\($0.message.text) to \($0.to)" }
    }
    if !step.sends.isEmpty { text += "; sends " + step.sends.joined(separator: ", ") }
    if !step.changes.isEmpty { text += "; " + step.changes.joined(separator: ", ") }
    step.text = text
    return step
  }

  func variableChanges(_ p: Int, _ before: [Int], _ after: [Int]) -> [TraceChange] {
    let info = system.processes[p]
    var out: [TraceChange] = []
    func change(_ name: String, key: String?, _ domain: Domain, _ old: Int, _ new: Int) -> TraceChange {
      TraceChange(process: info.name, variable: name, key: key,
                  value: system.describe(value: system.value(code: new, domain: domain), domain: domain),
                  previous: system.describe(value: system.value(code: old, domain: domain), domain: domain))
    }
    forEachVariable(of: p) { name, key, domain, slot in
      if before[slot] != after[slot] { out.append(change(name, key: key, domain, before[slot], after[slot])) }
    }
    return out
  }

  /// Calls `body` with each variable of process `p` (each entry of a map on its own, with its
  /// key), its domain and its slot.
  func forEachVariable(of p: Int, _ body: (_ name: String, _ key: String?, _ domain: Domain, _ slot: Int) -> Void) {
    let info = system.processes[p]
    for v in system.roles[info.role].vars {
      let base = info.base + 2 + v.offset
      if case .map(let r, let vd) = v.domain, vd.isScalar {
        for k in 0..<system.roles[r].count {
          body(v.name, system.processes[system.roles[r].firstProcess + k].name, vd, base + k)
        }
      } else if !v.domain.isScalar {
        // Nested maps and records: one entry per slot, named by its path.
        for (k, leaf) in system.slotPaths(of: v).enumerated() {
          body(v.name + leaf.path, nil, leaf.domain, base + k)
        }
      } else {
        body(v.name, nil, v.domain, base)
      }
    }
  }

  /// Messages added by a move (`Vote(yes: true) to Coordinator`).
  func sentMessages(_ before: [Int], _ after: [Int], consumed: FlightMessage?) -> [TraceSend] {
    var out: [TraceSend] = []
    func send(_ message: Int, _ valuation: Int, _ c: ChannelInfo, copies: Int) {
      out.append(TraceSend(message: traceMessage(message, valuation: valuation), from: system.processes[c.source].name,
                           to: system.processes[c.target].name, copies: copies))
    }
    for c in system.channels {
      if system.network == .fifo {
        let count = { (s: [Int]) in (0..<self.system.capacity).filter { s[c.slot + $0] != 0 }.count }
        var old = count(before)
        if let consumed, consumed.source == c.source, consumed.target == c.target { old -= 1 }
        let new = count(after)
        if new > old {
          for k in old..<new {
            let (m, v) = system.fifoMessage(code: after[c.slot + k] - 1)
            send(m, v, c, copies: 1)
          }
        }
      } else {
        var old = before[c.slot]
        if system.network == .unordered, let consumed, consumed.source == c.source, consumed.target == c.target,
           consumed.text == system.messageText(c.message, valuation: c.valuation) { old -= 1 }
        if after[c.slot] > old || (system.network == .set && after[c.slot] > before[c.slot]) {
          send(c.message, c.valuation, c, copies: system.network == .set ? 1 : after[c.slot] - old)
        }
      }
    }
    return out
  }

  /// What each live, undecided process of a state waits for: its control state and the
  /// messages and moves that would let it go on.
  public func waitingDescription(_ slots: [Int]) -> [String] {
    var out: [String] = []
    for (p, info) in system.processes.enumerated() {
      if system.isCrashed(slots, process: p) || system.hasDecided(slots, process: p) { continue }
      guard system.roles[info.role].decides else { continue }
      let s = system.controlState(slots, process: p)
      let role = system.roles[info.role]
      var waits: [String] = []
      let enabledHere = system.transitionsEnabledIn(role: info.role, state: s)
      let receives = Array(Set(enabledHere.filter { system.transitions[$0].kind == .receive }
        .map { system.messages[system.transitions[$0].message].name })).sorted()
      if !receives.isEmpty { waits.append("waits for " + receives.joined(separator: " or ")) }
      let others = enabledHere.filter { system.transitions[$0].kind != .receive }.map { system.transitions[$0].name }
      if !others.isEmpty { waits.append("its \(others.map { "'\($0)'" }.joined(separator: ", ")) cannot fire") }
      if waits.isEmpty { waits.append("has no transition out of this state") }
      out.append("\(info.name) in '\(role.states[s])' " + waits.joined(separator: "; "))
    }
    return out
  }
}

/// A message a move reads from the network (received, lost or duplicated): its text, its
/// channel's ends, and its type and valuation.
struct FlightMessage {
  var text: String
  var source: Int
  var target: Int
  var message: Int
  var valuation: Int
}
