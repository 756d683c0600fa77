import CommitCheckLanguage
import CommitCheckExplorer
import CommitCheckModel

/// Why a Markov analysis could not be made.
public enum MarkovError: Error, Sendable, CustomStringConvertible {
  /// `--rate NAME=X` names nothing in the model.
  case unknownRateName(String, known: [String])
  /// A rate that is not a positive finite number.
  case invalidRate(name: String, value: Double)
  /// The exploration stopped early (state limit or model error): the chain would be wrong.
  case incompleteExploration(String)
  /// The exploration did not keep its edges.
  case missingEdges
  /// An option value out of range (`--time`, `--steps`, `--long-run`, `--tolerance`).
  case invalidOption(String)
  /// A signal or the deadline stopped the computation (`MarkovOptions.cancellation`).
  case stopped(StopReason)

  public var description: String {
    switch self {
    case .unknownRateName(let name, let known):
      "unknown rate name '\(name)'" + Suggestion.hint(for: name, among: known)
        + "; expected a transition, a choice branch or a failure kind: " + known.joined(separator: ", ")
    case .invalidRate(let name, let value):
      "the rate of '\(name)' must be a positive number, found \(value)"
    case .incompleteExploration(let why):
      "the Markov chain needs the whole state space, but \(why)"
    case .missingEdges:
      "the Markov chain needs the state graph's edges"
    case .invalidOption(let message):
      message
    case .stopped(let reason):
      "the Markov analysis stopped early (\(reason.rawValue))"
    }
  }
}

/// The rate of every move of a model: the rates the model declares (1 by default), with
/// command-line overrides by transition name, choice branch name or failure kind.
///
/// A move's rate is its transition's rate times the rate of every `choose` branch it took, so a
/// transition of rate 2 with branches of rates 1 and 3 yields moves of rates 2 and 6. Failure
/// moves have the rate of their kind (`crash`, `recover`, `lose`, `duplicate`, `partition`).
/// The branches of a `start` block weigh the initial states the same way (`startWeight`).
public struct RateTable: Sendable {
  /// Per transition index: the transition's own rate.
  var transitionRates: [Double]
  /// Per transition index: the rate of each branch, by branch id - 1.
  var branchRates: [[Double]]
  /// Per failure kind (indexed by `ActionKind.rawValue`).
  var failureRates: [Double]
  /// Per role: the rate of each branch of its `start` block, by branch id - 1.
  var startRates: [[Double]]
  /// The overrides that were applied, sorted by name (for the report).
  public let overrides: [(name: String, rate: Double)]

  /// The failure kinds that `--rate` accepts as names.
  public static let failureKinds: [(String, ActionKind)] = [
    ("crash", .crash), ("recover", .recover), ("lose", .lose), ("duplicate", .duplicate),
    ("partition", .partition),
  ]

  /// Builds the table; every override must name a transition (`name` or `Role.name`), a
  /// branch, or a failure kind. The more specific override wins whatever the names: a
  /// qualified `Role.name` is applied after a bare `name`.
  public init(system: TransitionSystem, overrides: [String: Double]) throws(MarkovError) {
    transitionRates = system.transitions.map(\.rate)
    branchRates = system.transitions.map(\.choiceRates)
    failureRates = Array(repeating: 1, count: 8)
    startRates = system.roles.map(\.startChoiceRates)
    var applied: [(String, Double)] = []
    let specificLast = overrides.sorted {
      ($0.key.contains(".") ? 1 : 0, $0.key) < ($1.key.contains(".") ? 1 : 0, $1.key)
    }
    for (name, rate) in specificLast {
      guard rate.isFinite, rate > 0 else { throw .invalidRate(name: name, value: rate) }
      var matched = false
      if let kind = RateTable.failureKinds.first(where: { $0.0 == name })?.1 {
        failureRates[Int(kind.rawValue)] = rate
        matched = true
      }
      for (i, t) in system.transitions.enumerated() {
        let qualified = "\(system.roles[t.role].name).\(t.name)"
        // `Poke` names every valuation of a step with parameters (`Poke(r: RM[1])`, ...).
        let family = t.name.hasPrefix(name + "(") || qualified.hasPrefix(name + "(")
        if t.name == name || qualified == name || family {
          transitionRates[i] = rate
          matched = true
        }
        for (b, branch) in t.choiceNames.enumerated()
        where branch == name || "\(system.roles[t.role].name).\(branch)" == name {
          branchRates[i][b] = rate
          matched = true
        }
      }
      for (r, role) in system.roles.enumerated() {
        for (b, branch) in role.startChoiceNames.enumerated() where branch == name || "\(role.name).\(branch)" == name {
          startRates[r][b] = rate
          matched = true
        }
      }
      guard matched else { throw .unknownRateName(name, known: RateTable.knownNames(system)) }
      applied.append((name, rate))
    }
    self.overrides = applied.sorted { $0.0 < $1.0 }
  }

  /// The failure kinds among `overrides` that no move can have, each with why: the model and the
  /// command line give that kind no budget, so the rate changes nothing (`--rate lose=0.1`
  /// without a loss budget). A name that is also a transition or a branch is not one of them.
  public static func unusedFailureRates(system: TransitionSystem, overrides: [String: Double])
    -> [(name: String, rate: Double, reason: String)]
  {
    let b = system.failures
    var unused: [(name: String, rate: Double, reason: String)] = []
    for (name, rate) in overrides.sorted(by: { $0.key < $1.key }) {
      guard let kind = failureKinds.first(where: { $0.0 == name })?.1 else { continue }
      let namesMove = system.transitions.contains { $0.name == name || $0.choiceNames.contains(name) }
        || system.roles.contains { $0.startChoiceNames.contains(name) }
      guard !namesMove else { continue }
      let reason: String? = switch kind {
      case .crash where b.crash.allSatisfy { $0 == 0 }:
        "no process can crash: every crash budget is 0 (add --crash ROLE=K)"
      case .recover where zip(b.recover, b.crash).allSatisfy { $0.0 == 0 || $0.1 == 0 }:
        b.recover.allSatisfy { $0 == 0 } ? "no process can recover: every recovery budget is 0 (add --recover ROLE=K)"
          : "no process can recover: no role with a recovery budget can crash (add --crash ROLE=K)"
      case .lose where b.lose == 0: "no message can be lost: the loss budget is 0 (add --lose K)"
      case .duplicate where b.duplicate == 0 || system.network == .set:
        b.duplicate == 0 ? "no message can be duplicated: the duplication budget is 0 (add --duplicate K)"
          : "no message can be duplicated on a 'set' network"
      case .partition where b.partition == 0: "the network cannot partition: the partition budget is 0 (add --partition)"
      default: nil
      }
      if let reason { unused.append((name, rate, reason)) }
    }
    return unused
  }

  /// The overrides naming transitions or branches (not failure kinds) that no edge of the
  /// exploration takes and no outcome of a `start` block took, sorted by name.
  static func unusedMoveRates(_ ex: Exploration, overrides: [String: Double]) -> [(name: String, rate: Double)] {
    let system = ex.system
    let names = overrides.keys.filter { name in !failureKinds.contains { $0.0 == name } }
    guard !names.isEmpty else { return [] }
    // Per transition: taken at all, and the branch ids taken (bit per id).
    var taken = [Bool](repeating: false, count: system.transitions.count)
    var branches = [UInt16](repeating: 0, count: system.transitions.count)
    for action in ex.edgeActions where !action.kind.isFailure && action.transition >= 0 {
      let t = Int(action.transition)
      taken[t] = true
      var choice = action.choice
      while choice != 0 {
        branches[t] |= 1 << UInt16(choice & 0xF)
        choice >>= 4
      }
    }
    var startBranches = [UInt16](repeating: 0, count: system.roles.count)
    if ex.holdsStates, let outcomes = try? SuccessorGenerator(system).initialOutcomes() {
      for o in outcomes {
        for (p, info) in system.processes.enumerated() {
          var choice = o.choices[p]
          while choice != 0 {
            startBranches[info.role] |= 1 << UInt16(choice & 0xF)
            choice >>= 4
          }
        }
      }
    }
    var unused: [(name: String, rate: Double)] = []
    for name in names.sorted() {
      var used = false
      for (i, t) in system.transitions.enumerated() {
        let role = system.roles[t.role].name
        if t.name == name || "\(role).\(t.name)" == name { used = used || taken[i] }
        for (b, branch) in t.choiceNames.enumerated() where branch == name || "\(role).\(branch)" == name {
          used = used || branches[i] & (1 << UInt16(b + 1)) != 0
        }
      }
      for (r, role) in system.roles.enumerated() {
        for (b, branch) in role.startChoiceNames.enumerated() where branch == name || "\(role.name).\(branch)" == name {
          used = used || startBranches[r] & (1 << UInt16(b + 1)) != 0
        }
      }
      if !used { unused.append((name, overrides[name]!)) }
    }
    return unused
  }

  /// Every name `--rate` accepts, sorted: failure kinds, transitions and branches.
  static func knownNames(_ system: TransitionSystem) -> [String] {
    var names = Set(failureKinds.map(\.0))
    for t in system.transitions {
      names.insert(t.name)
      for b in t.choiceNames { names.insert(b) }
    }
    for role in system.roles { names.formUnion(role.startChoiceNames) }
    return names.sorted()
  }

  /// The weight of one outcome of role `role`'s `start` block: the product of the rates of the
  /// branches it took (`choice` as in `Action.choice`); 1 when it took none.
  public func startWeight(role: Int, choice: Int32) -> Double {
    RateTable.product(choice, startRates[role])
  }

  /// The rate of one move.
  public func rate(of action: Action) -> Double {
    if action.kind.isFailure { return failureRates[Int(action.kind.rawValue)] }
    let t = Int(action.transition)
    return transitionRates[t] * RateTable.product(action.choice, branchRates[t])
  }

  /// The product of the rates of the branches in `choice` (ids of four bits each, 1-based).
  static func product(_ choice: Int32, _ rates: [Double]) -> Double {
    var product = 1.0
    var choice = choice
    while choice != 0 {
      let id = Int(choice & 0xF)
      if id >= 1 && id <= rates.count { product *= rates[id - 1] }
      choice >>= 4
    }
    return product
  }
}
