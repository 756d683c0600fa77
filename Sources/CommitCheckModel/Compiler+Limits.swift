import CommitCheckLanguage

/// Upper bounds that keep a model's layout sane; past them the model is refused.
///
/// They are checked before anything of their size is allocated, so a hostile model gets a
/// clear error at once instead of running the machine out of memory or time.
enum Limits {
  /// Process ids index 64-bit masks (sets, the partition), with room to spare.
  static let processes = 62
  static let enumCases = 1 << 16
  static let rangeWidth = 1 << 20
  static let networkSlots = 1 << 20
  static let capacity = 255
  /// A failure budget: at most this many failures of one kind (and role) in one run.
  static let budget = 255
  /// Slots of a global state (control states, crashed flags, variables, map entries, network
  /// positions, failure budgets): bounds the compile-time tables and the width of a state.
  static let slots = 4096
  /// Bits of one slot: a value must fit in an `Int` with room for the code arithmetic.
  static let slotBits = 62
  /// Control states of one role: every transition holds a flag per state of its role.
  static let states = 1024
  /// Transitions of a model: `Action.fairnessUnit` keeps 16 bits of the transition index.
  static let transitions = 1 << 16
  /// Records inside records, as the compiler resolves them (recursively).
  static let recordNesting = 64
  /// Valuations of one step's parameters: each is a transition of its own.
  static let stepValuations = 4096
  /// `choose` statements one run of a transition takes: `Action.choice` keeps a 4-bit branch
  /// id per choice in an `Int32`, whose sign bit must stay clear.
  static let choiceDepth = 7
  /// Processes of a model with a partition budget: every state with the budget left has a
  /// successor per split (2^(P-1) - 1), and `Action.message` holds the split's mask in 31 bits.
  static let partitionProcesses = 16
}

/// Checks that refuse a model before its size or its ambiguity can do harm.
extension Compiler {
  /// Refuses a name declared as two kinds of thing that an expression (a parameter, an enum case,
  /// a role) or a type (an enum, a role) could both mean: the model would silently read one.
  /// Duplicates within one kind get their own errors; enum cases, which may be many, are only
  /// looked up, never collected.
  func checkNameClashes() {
    var paramAt: [String: SourceRange] = [:]
    var roleAt: [String: SourceRange] = [:]
    var enumAt: [String: SourceRange] = [:]
    for p in model.params where paramAt[p.name.name] == nil { paramAt[p.name.name] = p.name.range }
    for r in model.roles where roleAt[r.name.name] == nil { roleAt[r.name.name] = r.name.range }
    for e in model.enums where enumAt[e.name.name] == nil { enumAt[e.name.name] = e.name.range }
    func clash(_ name: String, _ a: (kind: String, range: SourceRange), _ b: (kind: String, range: SourceRange)) {
      let (first, later) = a.range.start.offset < b.range.start.offset ? (a, b) : (b, a)
      error("'\(name)' is already declared as \(article(first.kind)) \(first.kind) at line \(first.range.start.line)",
        later.range)
    }
    for (name, range) in roleAt {
      if let p = paramAt[name] { clash(name, ("parameter", p), ("role", range)) }
      if let e = enumAt[name] { clash(name, ("enum", e), ("role", range)) }
    }
    for record in model.records {
      if let r = roleAt[record.name.name] { clash(record.name.name, ("role", r), ("record", record.name.range)) }
      if let p = paramAt[record.name.name] { clash(record.name.name, ("parameter", p), ("record", record.name.range)) }
    }
    for e in model.enums {
      for c in e.cases {
        if let p = paramAt[c.name] { clash(c.name, ("parameter", p), ("enum case", c.range)) }
        if let r = roleAt[c.name] { clash(c.name, ("role", r), ("enum case", c.range)) }
      }
    }
  }

  func article(_ word: String) -> String { word.first.map { "aeiou".contains($0) } == true ? "an" : "a" }

  /// Refuses a state layout past the limits (the network's share is checked as it is laid out;
  /// this is the last word before anything of the state's size is allocated).
  func checkLayout() -> Bool {
    if slotMax.count > Limits.slots {
      error("the state has \(slotMax.count) slots; at most \(Limits.slots) are supported", model.name.range)
      return false
    }
    if let wide = slotMax.firstIndex(where: { StateLayout.bitWidth($0) > Limits.slotBits }) {
      error("'\(slotNames[wide])' needs \(StateLayout.bitWidth(slotMax[wide])) bits; at most \(Limits.slotBits) are supported",
        model.name.range)
      return false
    }
    return true
  }
}
