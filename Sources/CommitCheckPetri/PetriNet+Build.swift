import CommitCheckExplorer
import CommitCheckModel

/// One transition before the net is sorted: the edge label and its arcs.
struct TransitionKey: Hashable {
  var action: Action
  var inputs: [ArcWeight]
  var outputs: [ArcWeight]

  /// Canonical order: by acting process (network last), kind, rule, branch, message, arcs.
  static func precedes(_ a: TransitionKey, _ b: TransitionKey) -> Bool {
    func column(_ k: TransitionKey) -> Int { k.action.process < 0 ? Int.max : Int(k.action.process) }
    let x = (column(a), a.action.kind.rawValue, a.action.transition, a.action.choice, a.action.message)
    let y = (column(b), b.action.kind.rawValue, b.action.transition, b.action.choice, b.action.message)
    if x != y { return x < y }
    if a.inputs != b.inputs { return a.inputs.lexicographicallyPrecedes(b.inputs) }
    return a.outputs.lexicographicallyPrecedes(b.outputs)
  }
}

extension PetriNet {
  /// Why a compiled model cannot have a net, decided before exploring (nil when it may).
  public static func refusal(for system: TransitionSystem) -> PetriError? {
    if let t = system.transitions.first(where: { !$0.reads.messages.isEmpty }) {
      let m = system.messages[t.reads.messages[0]].name
      return PetriError(.notRepresentable, "transition '\(t.name)' of '\(system.roles[t.role].name)' reads the network ('exists \(m)' or 'count \(m)'), which tests for the presence or absence of messages without consuming them; the Petri net export needs a model without network queries")
    }
    switch system.network {
    case .unordered: return nil
    case .fifo:
      return PetriError(.notRepresentable, "the network is 'fifo': a queue delivers messages in the order they were sent, which a place/transition net (an unordered count of tokens per place) cannot express; the Petri net export needs 'network unordered'")
    case .set:
      return PetriError(.notRepresentable, "the network is 'set': a message once sent stays and is read without being consumed, and sending it again adds no copy, which token counts cannot express; the Petri net export needs 'network unordered'")
    }
  }

  /// Builds the net of a complete exploration, one transition per distinct (action, arcs) found
  /// on its edges; returns the net, the state encoding and each edge's transition.
  static func construct(_ ex: Exploration, reads: [TransitionReads], cancellation: Cancellation = Cancellation())
    throws(PetriError)
    -> (net: PetriNet, encoding: NetEncoding, edgeTransitions: [Int])
  {
    let system = ex.system
    let (enc, places) = NetEncoding.scan(ex)
    let f = system.failureSlots
    var budgetPlace: [Int: Int] = [:]
    for b in enc.budgetPlaces { budgetPlace[b.slot] = b.place }
    var keys: [TransitionKey] = []
    var index: [TransitionKey: Int] = [:]
    var edgeKeys = Array(repeating: -1, count: ex.edgeTargets.count)

    for id in 0..<ex.stateCount {
      if id & 1023 == 0, cancellation.reason != nil { throw PetriError(.stopped, "the construction was stopped") }
      let s = ex.state(UInt32(id))
      let before = enc.marking(s)
      for e in ex.edges(of: UInt32(id)) {
        let a = ex.edgeActions[e]
        let t = ex.state(ex.edgeTargets[e])
        let (ins, outs) = try enc.arcs(of: a, from: s, to: t, reads: reads, failures: f, budgetPlace: budgetPlace)
        let key = TransitionKey(
          action: a, inputs: ins.map { ArcWeight(place: $0.key, weight: $0.value) }.sorted(),
          outputs: outs.map { ArcWeight(place: $0.key, weight: $0.value) }.sorted())
        try checkEffect(key, before, enc.marking(t), state: id, system)
        if let k = index[key] {
          edgeKeys[e] = k
        } else {
          index[key] = keys.count
          edgeKeys[e] = keys.count
          keys.append(key)
        }
      }
    }

    let order = keys.indices.sorted { TransitionKey.precedes(keys[$0], keys[$1]) }
    var position = Array(repeating: 0, count: keys.count)
    for (k, old) in order.enumerated() { position[old] = k }
    var transitions = order.map { old -> PetriTransition in
      let key = keys[old]
      return PetriTransition(
        name: PlaceNames.transitionName(key.action, inputs: key.inputs, outputs: key.outputs, places: places, system),
        label: PlaceNames.label(key.action, system), caption: PlaceNames.caption(key.action, system),
        action: key.action, inputs: key.inputs, outputs: key.outputs, column: Int(key.action.process))
    }
    // Number the captions several transitions of one box share, in net order.
    var sharing: [String: Int] = [:]
    for tr in transitions { sharing["\(tr.column) \(tr.caption)", default: 0] += 1 }
    var seen: [String: Int] = [:]
    for t in transitions.indices {
      let key = "\(transitions[t].column) \(transitions[t].caption)"
      guard sharing[key]! > 1 else { continue }
      seen[key, default: 0] += 1
      transitions[t].caption += " #\(seen[key]!)"
    }
    let net = PetriNet(name: system.name, places: places, transitions: transitions,
                       processNames: system.processes.map(\.name))
    return (net, enc, edgeKeys.map { position[$0] })
  }

  /// Firing the transition must turn the source marking into the target marking exactly.
  static func checkEffect(_ key: TransitionKey, _ before: [ArcWeight], _ after: [ArcWeight], state: Int,
                          _ system: TransitionSystem) throws(PetriError) {
    var m: [Int: Int] = [:]
    for x in before { m[x.place] = x.weight }
    for x in key.inputs { m[x.place, default: 0] -= x.weight }
    for x in key.outputs { m[x.place, default: 0] += x.weight }
    let fired = m.filter { $0.value != 0 }.map { ArcWeight(place: $0.key, weight: $0.value) }.sorted()
    guard fired == after else {
      throw PetriError(.internalError, "the move '\(PlaceNames.label(key.action, system))' from state \(state) changes the state in a way its arcs do not record")
    }
  }
}

extension NetEncoding {
  /// The arcs of the transition an edge fires, from state `s` to state `t`, as place → weight:
  /// what it takes and gives back, read arcs (taken and given back) included.
  func arcs(of a: Action, from s: [Int], to t: [Int], reads: [TransitionReads], failures f: FailureSlots,
            budgetPlace: [Int: Int]) throws(PetriError) -> (inputs: [Int: Int], outputs: [Int: Int]) {
    var ins: [Int: Int] = [:], outs: [Int: Int] = [:]
    func budget(_ slot: Int) throws(PetriError) -> Int {
      guard let place = budgetPlace[slot] else {
        throw PetriError(.internalError, "a \(a.kind.name) move uses a budget that never changes")
      }
      return place
    }
    let p = Int(a.process)
    switch a.kind {
    case .step, .receive, .timeout:
      ins[local(s, p)] = 1
      outs[local(t, p), default: 0] += 1
      if let c = crashPlace(s, p) {
        ins[c] = 1
        outs[c] = 1
      }
      let consumed = a.kind == .receive ? Int(a.message) : -1
      if consumed >= 0 { ins[messagePlace[consumed]] = 1 }
      for (c, place) in messagePlace.enumerated() where place >= 0 {
        let slot = system.channels[c].slot
        let produced = t[slot] - s[slot] + (c == consumed ? 1 : 0)
        if produced > 0 { outs[place, default: 0] += produced }
      }
      var context: Set<Int> = []
      let r = reads[Int(a.transition)]
      for q in r.localStates where q != p { context.insert(local(s, q)) }
      for q in r.crashFlags where q != p {
        if let c = crashPlace(s, q) { context.insert(c) }
      }
      if r.partition || a.kind == .receive, let m = mask(s) { context.insert(m) }
      for x in context {
        ins[x] = 1
        outs[x] = 1
      }
    case .crash:
      ins[alivePlace[p]] = 1
      ins[try budget(f.crash[system.processes[p].role])] = 1
      outs[crashedPlace[p]] = 1
    case .recover:
      ins[crashedPlace[p]] = 1
      ins[try budget(f.recover[system.processes[p].role])] = 1
      ins[local(s, p)] = 1
      outs[alivePlace[p]] = 1
      outs[local(t, p), default: 0] += 1
    case .lose, .duplicate:
      let place = messagePlace[Int(a.message)]
      ins[place] = 1
      ins[try budget(a.kind == .lose ? f.lose : f.duplicate)] = 1
      if a.kind == .duplicate { outs[place] = 2 }
    case .partition:
      guard let from = mask(s), let to = mask(t) else {
        throw PetriError(.internalError, "a partition move without partition places")
      }
      ins[from] = 1
      ins[try budget(f.partitionBudget)] = 1
      outs[to] = 1
    }
    return (ins, outs)
  }
}
