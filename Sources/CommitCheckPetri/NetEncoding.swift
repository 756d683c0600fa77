import CommitCheckExplorer
import CommitCheckModel

/// How a global state (a slot vector) becomes a marking: which place stands for each local
/// state, crashed flag, message slot, budget and partition.
///
/// Distinct states give distinct markings: every slot is either recorded by a place or constant
/// over the explored graph (a crashed flag of a role that cannot crash, an unused budget).
struct NetEncoding {
  let system: TransitionSystem
  let localSlots: [[Int]]
  /// Per process: local-state values → place.
  var localPlace: [[[Int]: Int]]
  /// Per process: the alive and crashed places, or -1 when the process never crashes.
  var alivePlace: [Int]
  var crashedPlace: [Int]
  /// Per channel: its place, or -1 when it never holds a message.
  var messagePlace: [Int]
  var budgetPlaces: [(slot: Int, place: Int)] = []
  /// Partition mask → place; empty when the network never partitions.
  var maskPlace: [Int: Int] = [:]
  let maskSlot: Int

  func localValues(_ s: [Int], process p: Int) -> [Int] { localSlots[p].map { s[$0] } }

  func local(_ s: [Int], _ p: Int) -> Int { localPlace[p][localValues(s, process: p)]! }

  /// The alive or crashed place of `p` in `s`, or nil when `p` never crashes.
  func crashPlace(_ s: [Int], _ p: Int) -> Int? {
    guard alivePlace[p] >= 0 else { return nil }
    return system.isCrashed(s, process: p) ? crashedPlace[p] : alivePlace[p]
  }

  func mask(_ s: [Int]) -> Int? { maskPlace.isEmpty ? nil : maskPlace[s[maskSlot]] }

  /// The marked places of `s` with their tokens, ascending by place.
  func marking(_ s: [Int]) -> [ArcWeight] {
    var m: [ArcWeight] = []
    for p in system.processes.indices {
      m.append(ArcWeight(place: local(s, p), weight: 1))
      if let c = crashPlace(s, p) { m.append(ArcWeight(place: c, weight: 1)) }
    }
    for (c, place) in messagePlace.enumerated() where place >= 0 && s[system.channels[c].slot] > 0 {
      m.append(ArcWeight(place: place, weight: s[system.channels[c].slot]))
    }
    for b in budgetPlaces where s[b.slot] > 0 { m.append(ArcWeight(place: b.place, weight: s[b.slot])) }
    if let k = mask(s) { m.append(ArcWeight(place: k, weight: 1)) }
    return m.sorted()
  }
}

extension NetEncoding {
  /// Scans every explored state for the local states, flags, messages, budgets and partitions
  /// that occur, and lays out one place for each (per process, then the network, then budgets).
  static func scan(_ ex: Exploration) -> (NetEncoding, [Place]) {
    let system = ex.system
    let processCount = system.processes.count
    let localSlots = system.processes.indices.map { system.localSlots(of: $0) }
    let f = system.failureSlots
    var locals = Array(repeating: Set<[Int]>(), count: processCount)
    var crashes = Array(repeating: false, count: processCount)
    var used = Array(repeating: false, count: system.channels.count)
    var masks: Set<Int> = []
    let budgetSlots = (f.crash + f.recover + [f.lose, f.duplicate, f.partitionBudget])
    let initial = ex.state(0)
    var budgetMoves = Array(repeating: false, count: budgetSlots.count)
    for id in 0..<ex.stateCount {
      let s = ex.state(UInt32(id))
      for p in 0..<processCount {
        locals[p].insert(localSlots[p].map { s[$0] })
        if system.isCrashed(s, process: p) { crashes[p] = true }
      }
      for (c, ch) in system.channels.enumerated() where s[ch.slot] > 0 { used[c] = true }
      masks.insert(s[f.partitionMask])
      for (k, slot) in budgetSlots.enumerated() where s[slot] != initial[slot] { budgetMoves[k] = true }
    }
    var places: [Place] = []
    var enc = NetEncoding(
      system: system, localSlots: localSlots, localPlace: Array(repeating: [:], count: processCount),
      alivePlace: Array(repeating: -1, count: processCount), crashedPlace: Array(repeating: -1, count: processCount),
      messagePlace: Array(repeating: -1, count: system.channels.count), maskSlot: f.partitionMask)
    func add(_ kind: PlaceKind, _ column: Int, _ tokens: Int) -> Int {
      places.append(Place(name: PlaceNames.name(kind, system), caption: PlaceNames.caption(kind, system), kind: kind,
                          initial: tokens, column: column))
      return places.count - 1
    }
    for p in 0..<processCount {
      let start = localSlots[p].map { initial[$0] }
      for values in locals[p].sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        enc.localPlace[p][values] = add(.local(process: p, values: values), p, values == start ? 1 : 0)
      }
      if crashes[p] {
        let crashed = system.isCrashed(initial, process: p)
        enc.alivePlace[p] = add(.alive(process: p), p, crashed ? 0 : 1)
        enc.crashedPlace[p] = add(.crashed(process: p), p, crashed ? 1 : 0)
      }
    }
    for (c, ch) in system.channels.enumerated() where used[c] {
      enc.messagePlace[c] = add(.message(channel: c), ch.target, initial[ch.slot])
    }
    for (k, slot) in budgetSlots.enumerated() where budgetMoves[k] {
      let roles = system.roles.count
      let kind: PlaceKind
      switch k {
      case ..<roles: kind = .budget(slot: slot, failure: .crash, role: k)
      case ..<(2 * roles): kind = .budget(slot: slot, failure: .recover, role: k - roles)
      case 2 * roles: kind = .budget(slot: slot, failure: .lose, role: nil)
      case 2 * roles + 1: kind = .budget(slot: slot, failure: .duplicate, role: nil)
      default: kind = .budget(slot: slot, failure: .partition, role: nil)
      }
      enc.budgetPlaces.append((slot, add(kind, -1, initial[slot])))
    }
    if masks.count > 1 {
      for m in masks.sorted() { enc.maskPlace[m] = add(.partition(mask: m), -1, initial[f.partitionMask] == m ? 1 : 0) }
    }
    return (enc, places)
  }
}
