/// How composite values (maps, maps of maps, records) are laid out in slots.
///
/// A variable takes a run of consecutive slots, one per scalar value it holds (a bool, an
/// integer, an enum case, a process, a set of processes). A map stores its entries in the order
/// of its key role's instances, a record its fields in declaration order, recursively; so every
/// slot of a variable is reached by one path of `[key]` and `.field` steps.
extension Domain {
  /// The slots a value of this domain takes.
  public func slotCount(_ roles: [RoleInfo]) -> Int {
    switch self {
    case .map(let r, let value): roles[r].count * value.slotCount(roles)
    case .record(_, _, let domains): domains.reduce(0) { $0 + $1.slotCount(roles) }
    default: 1
    }
  }

  /// Whether a value of this domain is one slot (not a map or a record).
  public var isScalar: Bool {
    switch self {
    case .map, .record: false
    default: true
    }
  }

  /// A map whose entries are scalars: the shape every analysis has known from the start.
  public var isFlatMap: Bool {
    if case .map(_, let value) = self { return value.isScalar }
    return false
  }

  /// Each slot in storage order: its path (`[Participant[1]]`, `.mbal`, one string per step)
  /// and its scalar domain. Instance `k` (0-based) of key role `r` is named `keyName(r, k)`.
  public func leaves(_ roles: [RoleInfo], keyName: (Int, Int) -> String) -> [(path: [String], domain: Domain)] {
    switch self {
    case .map(let r, let value):
      let inner = value.leaves(roles, keyName: keyName)
      return (0..<roles[r].count).flatMap { k in
        let key = "[\(keyName(r, k))]"
        return inner.map { ([key] + $0.path, $0.domain) }
      }
    case .record(_, let fields, let domains):
      return zip(fields, domains).flatMap { field, d in
        d.leaves(roles, keyName: keyName).map { ([".\(field)"] + $0.path, $0.domain) }
      }
    default:
      return [([], self)]
    }
  }

  /// Whether a value of this domain names instances of role `r` (a process, a set of them, a
  /// map keyed by them), anywhere inside.
  public func mentions(role r: Int) -> Bool {
    switch self {
    case .process(let pr): pr == r
    case .set(let sr): sr == r
    case .map(let mr, let value): mr == r || value.mentions(role: r)
    case .record(_, _, let domains): domains.contains { $0.mentions(role: r) }
    default: false
    }
  }
}

extension TransitionSystem {
  /// Each slot of variable `v` in storage order: its path below the variable, with keys named
  /// after processes (`[RM[1]].mbal`; empty for a scalar variable), and its scalar domain.
  public func slotPaths(of v: VarInfo) -> [(path: String, domain: Domain)] {
    v.domain.leaves(roles) { r, k in processes[roles[r].firstProcess + k].name }.map { ($0.path.joined(), $0.domain) }
  }

  /// `name = value` for each slot of variable `v` (a process's slots start at `base`) that
  /// `include` selects: `votes[Participant[1]] = 2`, `aState[RM[1]].mbal = 1`.
  public func slotTexts(of v: VarInfo, _ slots: [Int], base: Int, include: (Int) -> Bool = { _ in true })
    -> [String]
  {
    slotPaths(of: v).enumerated().compactMap { k, leaf in
      guard include(k) else { return nil }
      let value = self.value(code: slots[base + k], domain: leaf.domain)
      return "\(v.name)\(leaf.path) = \(describe(value: value, domain: leaf.domain))"
    }
  }
}
