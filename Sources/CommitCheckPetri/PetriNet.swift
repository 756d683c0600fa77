import CommitCheckExplorer
import CommitCheckModel

/// What a place of the net stands for in the model's global state.
public enum PlaceKind: Sendable, Hashable {
  /// Process `process` is in this local state: the codes of its control state and variables, as
  /// stored in the slots `TransitionSystem.localSlots(of:)` lists.
  case local(process: Int, values: [Int])
  /// The process has not crashed (only for processes that can crash).
  case alive(process: Int)
  /// The process has crashed.
  case crashed(process: Int)
  /// Copies of one message in flight: network channel `channel` (message, valuation, source and
  /// target); its tokens are the copies.
  case message(channel: Int)
  /// A failure budget; its tokens are the failures of that kind still allowed.
  case budget(slot: Int, failure: ActionKind, role: Int?)
  /// The partition in effect, as the bit mask of the processes cut off from process 0 (0 while
  /// the network is whole).
  case partition(mask: Int)
}

/// A place, with the name editors show and the column it is drawn in.
public struct Place: Sendable {
  public var name: String
  /// The name as a drawing shows it inside the box of its column's process: without that
  /// process, one part per line (`collecting`, `yes={}`; `Vote(yes: true)`, `from Participant[1]`).
  public var caption: [String]
  public var kind: PlaceKind
  public var initial: Int
  /// The process whose column holds it; -1 for budgets and the partition.
  public var column: Int
}

/// An arc end: a place and the weight of the arc.
public struct ArcWeight: Sendable, Hashable, Comparable {
  public var place: Int
  public var weight: Int

  public static func < (a: ArcWeight, b: ArcWeight) -> Bool { (a.place, a.weight) < (b.place, b.weight) }
}

/// A transition: one move of the model in one local situation.
///
/// Its action is the explorer's edge label; several transitions share an action when the move
/// happens from different local states or needs different context (read arcs).
public struct PetriTransition: Sendable {
  public var name: String
  /// The short label drawings put next to the bar: the process and the move's name.
  public var label: String
  /// The label a drawing shows inside the transition in its process's box: the move without
  /// the process, then ` #1`, ` #2`, ... in net order when several transitions of the box share
  /// it (the same move from different local situations), so that every caption in a box is
  /// unique.
  public var caption: String
  public var action: Action
  /// Arcs from places, ascending by place.
  public var inputs: [ArcWeight]
  /// Arcs to places, ascending by place.
  public var outputs: [ArcWeight]
  /// The acting process; -1 for network failures and the partition.
  public var column: Int

  /// The places it only tests: consumed and produced with the same weight (a read arc).
  public var readPlaces: Set<Int> {
    Set(inputs.filter { outputs.contains($0) }.map(\.place))
  }
}

/// An arc between a place and a transition, in either direction.
public struct PetriArc: Sendable, Hashable {
  public var place: Int
  public var transition: Int
  /// True for place → transition (an input), false for transition → place.
  public var toTransition: Bool
  public var weight: Int
}

/// A place/transition net whose reachability graph is isomorphic to an explored state graph.
public struct PetriNet: Sendable {
  public var name: String
  public var places: [Place]
  public var transitions: [PetriTransition]
  public var processNames: [String]

  /// Arcs, counting a read arc as the two arcs (in and out) it is written as.
  public var arcCount: Int { transitions.reduce(0) { $0 + $1.inputs.count + $1.outputs.count } }

  /// Every arc in the order writers number them: per transition, its inputs then its outputs.
  public var arcs: [PetriArc] {
    var out: [PetriArc] = []
    for (t, tr) in transitions.enumerated() {
      for a in tr.inputs { out.append(PetriArc(place: a.place, transition: t, toTransition: true, weight: a.weight)) }
      for a in tr.outputs { out.append(PetriArc(place: a.place, transition: t, toTransition: false, weight: a.weight)) }
    }
    return out
  }

  public var initialMarking: [Int] { places.map(\.initial) }

  /// Whether transition `t` is enabled at `marking` (a token count per place).
  public func isEnabled(_ t: Int, at marking: [Int]) -> Bool {
    transitions[t].inputs.allSatisfy { marking[$0.place] >= $0.weight }
  }

  /// The effect of firing `t`: output minus input weight, per place it touches (zero entries left
  /// out), ascending by place.
  public func effect(of t: Int) -> [ArcWeight] {
    var delta: [Int: Int] = [:]
    for a in transitions[t].inputs { delta[a.place, default: 0] -= a.weight }
    for a in transitions[t].outputs { delta[a.place, default: 0] += a.weight }
    return delta.filter { $0.value != 0 }.map { ArcWeight(place: $0.key, weight: $0.value) }.sorted()
  }
}

/// Why a model has no equivalent place/transition net here.
public struct PetriError: Error, Sendable, CustomStringConvertible {
  public enum Reason: Sendable {
    /// The model uses something a place/transition net cannot express.
    case notRepresentable
    /// The exploration stopped early (state limit): the net needs the whole graph.
    case incompleteExploration
    /// The model hit a runtime error while exploring.
    case modelError
    /// The construction failed its own equivalence check: a bug, never the user's fault.
    case internalError
    /// A signal or the deadline stopped the construction (`InvariantLimits.cancellation`).
    case stopped
  }

  public var reason: Reason
  public var message: String

  public init(_ reason: Reason, _ message: String) {
    self.reason = reason
    self.message = message
  }

  public var description: String { "error: " + message }
}
