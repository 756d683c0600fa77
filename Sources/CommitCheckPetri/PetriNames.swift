import CommitCheckModel

/// Readable names for places and transitions, in the words traces use.
enum PlaceNames {
  static func name(_ kind: PlaceKind, _ system: TransitionSystem) -> String {
    switch kind {
    case .local(let p, let values):
      return "\(system.processes[p].name) \(localText(values, process: p, system))"
    case .alive(let p): return "\(system.processes[p].name) alive"
    case .crashed(let p): return "\(system.processes[p].name) crashed"
    case .message(let c): return messageText(c, system)
    case .budget(_, let failure, let role):
      return "budget \(failure.name)" + (role.map { " \(system.roles[$0].name)" } ?? "")
    case .partition(let mask): return partitionText(mask, system)
    }
  }

  /// A place's name in the box of the process whose column holds it (see `Place.caption`).
  static func caption(_ kind: PlaceKind, _ system: TransitionSystem) -> [String] {
    switch kind {
    case .local(let p, let values): return localParts(values, process: p, system)
    case .alive: return ["alive"]
    case .crashed: return ["crashed"]
    case .message(let c):
      // Drawn in the box of its receiver.
      let ch = system.channels[c]
      return [system.messageText(ch.message, valuation: ch.valuation), "from \(system.processes[ch.source].name)"]
    case .budget, .partition: return [name(kind, system)]
    }
  }

  /// A move's name in its process's box, or the whole label for moves outside every process.
  static func caption(_ a: Action, _ system: TransitionSystem) -> String {
    switch a.kind {
    case .step, .receive, .timeout: system.actionName(a)
    case .crash, .recover: a.kind.name
    case .lose, .duplicate, .partition: label(a, system)
    }
  }

  /// `prepared votedYes=true`: the control state, then each variable's value.
  static func localText(_ values: [Int], process p: Int, _ system: TransitionSystem) -> String {
    localParts(values, process: p, system).joined(separator: " ")
  }

  /// `prepared`, `votedYes=true`: the control state, then each variable's value.
  static func localParts(_ values: [Int], process p: Int, _ system: TransitionSystem) -> [String] {
    let role = system.roles[system.processes[p].role]
    var parts = [role.states[values[0]]]
    for v in role.vars {
      let codes = (0..<v.initialCodes.count).map { values[1 + v.offset + $0] }
      parts.append("\(v.name)=\(valueText(codes, v.domain, system))")
    }
    return parts
  }

  static func valueText(_ codes: [Int], _ domain: Domain, _ system: TransitionSystem) -> String {
    if !domain.isScalar && !domain.isFlatMap {
      let entries = domain.leaves(system.roles) { r, k in system.processes[system.roles[r].firstProcess + k].name }
        .enumerated().map { k, leaf in
          "\(leaf.path.joined()): \(system.describe(value: system.value(code: codes[k], domain: leaf.domain), domain: leaf.domain))"
        }
      return "[" + entries.joined(separator: ", ") + "]"
    }
    if case .map(let r, let valueDomain) = domain {
      let role = system.roles[r]
      let entries = codes.enumerated().map { k, code in
        "\(system.processes[role.firstProcess + k].name): \(system.describe(value: system.value(code: code, domain: valueDomain), domain: valueDomain))"
      }
      return "[" + entries.joined(separator: ", ") + "]"
    }
    return system.describe(value: system.value(code: codes[0], domain: domain), domain: domain)
  }

  /// `Vote(yes: true) Participant[1]→Coordinator`
  static func messageText(_ c: Int, _ system: TransitionSystem) -> String {
    let ch = system.channels[c]
    return "\(system.messageText(ch.message, valuation: ch.valuation)) \(system.processes[ch.source].name)→\(system.processes[ch.target].name)"
  }

  /// `partition {Coordinator, Participant[1]} | {Participant[2]}`, or `no partition`.
  static func partitionText(_ mask: Int, _ system: TransitionSystem) -> String {
    if mask == 0 { return "no partition" }
    let (a, b) = system.partitionGroups(mask)
    return "partition {\(a.joined(separator: ", "))} | {\(b.joined(separator: ", "))}"
  }

  /// The explorer's name for an edge: `Participant[1] vote.vote_yes`, `crash Coordinator`,
  /// `lose Vote(yes: true) Participant[1]→Coordinator`.
  static func label(_ a: Action, _ system: TransitionSystem) -> String {
    switch a.kind {
    case .step, .receive, .timeout: return "\(system.processes[Int(a.process)].name) \(system.actionName(a))"
    case .crash, .recover: return "\(a.kind.name) \(system.processes[Int(a.process)].name)"
    case .lose, .duplicate: return "\(a.kind.name) \(messageText(Int(a.message), system))"
    case .partition: return partitionText(Int(a.message), system).replacingOccurrences(of: "partition ", with: "partition into ")
    }
  }

  /// A transition's full name: its label, what it consumes, the local move and the context it
  /// reads, e.g. `Participant[1] vote.vote_yes: Prepare Coordinator→Participant[1];
  /// working votedYes=false → prepared votedYes=true`.
  static func transitionName(_ a: Action, inputs: [ArcWeight], outputs: [ArcWeight], places: [Place],
                             _ system: TransitionSystem) -> String {
    var name = label(a, system)
    let p = Int(a.process)
    var details: [String] = []
    if a.kind == .receive { details.append("receives " + messageText(Int(a.message), system)) }
    let reads = Set(inputs.filter { outputs.contains($0) }.map(\.place))
    var from: String?, to: String?
    var context: [String] = []
    for arc in inputs where !reads.contains(arc.place) {
      if case .local(let q, let values) = places[arc.place].kind, q == p { from = localText(values, process: p, system) }
    }
    for arc in outputs where !reads.contains(arc.place) {
      if case .local(let q, let values) = places[arc.place].kind, q == p { to = localText(values, process: p, system) }
    }
    for place in reads.sorted() {
      switch places[place].kind {
      case .local(let q, let values) where q == p: from = localText(values, process: p, system)
      case .alive(let q) where q == p: break
      default: context.append(places[place].name)
      }
    }
    if let from { details.append(to.map { "\(from) → \($0)" } ?? from) }
    if !context.isEmpty { details.append("if " + context.joined(separator: ", ")) }
    if !details.isEmpty { name += ": " + details.joined(separator: "; ") }
    return name
  }
}
