import CommitCheckExplorer
import CommitCheckModel

/// The net of an explored model with its analysis: place bounds, dead markings and place
/// invariants. The entry point of this module.
///
/// Building it proves the net equivalent to the model: every explored state maps to its own
/// marking, and at each one exactly the transitions of the state's edges are enabled, each
/// leading to the marking of the edge's target. By induction from the initial marking, the
/// net's reachability graph is then the explorer's state graph, labels included.
public struct PetriAnalysis: Sendable {
  public var system: TransitionSystem
  public var net: PetriNet
  /// Reachable markings and their edges (those of the explored graph).
  public var states: Int
  public var edges: Int
  /// The most tokens each place holds in any reachable marking.
  public var bounds: [Int]
  /// Explorer ids of the states whose marking enables no transition (ascending): exactly the
  /// explorer's terminal states.
  public var deadStates: [UInt32]
  /// The marking of each dead state, as (place, tokens) for the marked places.
  public var deadMarkings: [[ArcWeight]]
  public var invariants: InvariantResult
  /// Per process: whether its local-state places hold one token in every reachable marking,
  /// checked directly (y·C = 0 for y = 1 on those places), so it is known even when the
  /// invariants were not computed.
  public var conserved: [Bool]

  /// The net is k-bounded for this k (1: safe).
  public var k: Int { bounds.max() ?? 0 }

  /// Builds and checks the net of `exploration`, which must be complete and keep its edges.
  /// Its read arcs come from what the compiler recorded each transition to read
  /// (`TransitionInfo.reads`).
  public init(exploration ex: Exploration, invariantLimits: InvariantLimits = InvariantLimits()) throws(PetriError) {
    let system = ex.system
    if let refusal = PetriNet.refusal(for: system) { throw refusal }
    if let (error, _) = ex.runtimeError {
      throw PetriError(.modelError, "the model stopped with an error while exploring (\(error.message)); 'commitcheck check' shows the trace")
    }
    guard ex.symmetry == nil else {
      throw PetriError(.notRepresentable, "the exploration used symmetry reduction, but the net's reachability graph is the unreduced state graph; explore without --symmetry")
    }
    if let reason = ex.stopReason {
      throw PetriError(.incompleteExploration, "the exploration stopped early (\(reason.rawValue)) after \(ex.stateCount) state\(ex.stateCount == 1 ? "" : "s"), and the net is built from the whole state graph")
    }
    guard ex.keptEdges else {
      throw PetriError(.internalError, "the exploration did not keep its edges, which the net is built from")
    }
    guard ex.initialCount == 1 else {
      throw PetriError(.notRepresentable, "the model has \(ex.initialCount) initial states (a 'choose' in a 'start' block), but a place/transition net has one initial marking")
    }
    let reads = system.transitions.map(\.reads)
    let cancellation = invariantLimits.cancellation
    let (net, enc, edgeTransitions) = try PetriNet.construct(ex, reads: reads, cancellation: cancellation)
    let (bounds, dead) = try PetriNet.verify(net, enc, ex, edgeTransitions: edgeTransitions, reads: reads,
                                             cancellation: cancellation)
    self.system = system
    self.net = net
    states = ex.stateCount
    edges = ex.edgeTargets.count
    self.bounds = bounds
    deadStates = dead
    deadMarkings = dead.map { enc.marking(ex.state($0)) }
    invariants = PlaceInvariants.compute(net, limits: invariantLimits)
    conserved = system.processes.indices.map { p in
      let places = Set(net.places.indices.filter {
        if case .local(let q, _) = net.places[$0].kind { return q == p }
        return false
      })
      let initial = places.reduce(0) { $0 + net.places[$1].initial }
      return initial == 1 && net.transitions.indices.allSatisfy { t in
        net.effect(of: t).reduce(0) { $0 + (places.contains($1.place) ? $1.weight : 0) } == 0
      }
    }
  }

  /// The invariant that is process `p`'s token conservation (its local-state places, weight 1
  /// each), as an index into `invariants.invariants`; nil when it is not among them.
  public func conservation(of p: Int) -> Int? {
    let support = net.places.indices.filter {
      if case .local(let q, _) = net.places[$0].kind { return q == p }
      return false
    }
    let expected = support.map { ArcWeight(place: $0, weight: 1) }
    return invariants.invariants.firstIndex { $0.weights == expected }
  }
}

extension PetriNet {
  /// The equivalence check: at every explored state's marking, the enabled transitions are
  /// exactly those of the state's edges, one per edge. Returns the place bounds and the states
  /// whose markings are dead.
  static func verify(_ net: PetriNet, _ enc: NetEncoding, _ ex: Exploration, edgeTransitions: [Int],
                     reads: [TransitionReads], cancellation: Cancellation = Cancellation()) throws(PetriError)
    -> ([Int], [UInt32])
  {
    let system = ex.system
    // Every transition has an input; test it only where its lowest input place is marked.
    var byAnchor = Array(repeating: [Int](), count: net.places.count)
    for (t, tr) in net.transitions.enumerated() { byAnchor[tr.inputs[0].place].append(t) }
    var marking = Array(repeating: 0, count: net.places.count)
    var bounds = Array(repeating: 0, count: net.places.count)
    var seen: Set<[ArcWeight]> = []
    var dead: [UInt32] = []
    for id in 0..<ex.stateCount {
      if id & 1023 == 0, cancellation.reason != nil { throw PetriError(.stopped, "the check of the net was stopped") }
      let s = ex.state(UInt32(id))
      let m = enc.marking(s)
      guard seen.insert(m).inserted else {
        throw PetriError(.internalError, "two explored states have the same marking (state \(id))")
      }
      for x in m {
        marking[x.place] = x.weight
        bounds[x.place] = max(bounds[x.place], x.weight)
      }
      var enabled: [Int] = []
      for x in m {
        for t in byAnchor[x.place] where net.isEnabled(t, at: marking) { enabled.append(t) }
      }
      for x in m { marking[x.place] = 0 }
      enabled.sort()
      let expected = ex.edges(of: UInt32(id)).map { edgeTransitions[$0] }.sorted()
      if enabled.isEmpty && expected.isEmpty { dead.append(UInt32(id)) }
      guard enabled != expected else { continue }
      if let extra = enabled.first(where: { !expected.contains($0) }) {
        let a = net.transitions[extra].action
        if a.transition >= 0, reads[Int(a.transition)].asynchronous {
          let info = system.transitions[Int(a.transition)]
          throw PetriError(.notRepresentable, "'\(info.name)' of role '\(system.roles[info.role].name)' is a timeout without 'when': it fires only while its process can receive nothing, a test for the absence of messages that a place/transition net cannot express (it would take inhibitor arcs); its net transition would also fire in state \(id), where the model's timeout is disabled")
        }
        throw PetriError(.internalError, "transition '\(net.transitions[extra].name)' is enabled in the marking of state \(id), where the model has no such move")
      }
      throw PetriError(.internalError, "state \(id) has two edges with the same label and target")
    }
    return (bounds, dead)
  }
}
