import CommitCheckLanguage

/// A compiled expression: reads the environment, returns a value (booleans are 0 and 1).
typealias Eval = @Sendable (Env) -> Int
/// A compiled simple statement: writes the environment, or records an error in it.
typealias Exec = @Sendable (Env) -> Void

/// The mutable context compiled code runs in: the state being built, the acting process, the
/// names bound by patterns and quantifiers. One per successor generator, reused for every state.
/// Compiled code reads and writes it on every move, and one thread at a time runs a generator,
/// so no two accesses overlap: its properties opt out of dynamic exclusivity checks.
final class Env {
  @exclusivity(unchecked) var slots: [Int] = []
  @exclusivity(unchecked) var selfProcess: Int = -1
  @exclusivity(unchecked) var selfBase: Int = 0
  @exclusivity(unchecked) var locals: [Int]
  @exclusivity(unchecked) var gotoState: Int = -1
  @exclusivity(unchecked) var choice: Int32 = 0
  @exclusivity(unchecked) var choiceDepth: Int32 = 0
  /// Set by compiled code that hits a runtime error (value out of range, network full).
  @exclusivity(unchecked) var error: String?
  /// Every write since the state was loaded, with the value it replaced, so a move is undone
  /// in place instead of copying the state for each move.
  @exclusivity(unchecked) var undoSlots: [Int] = []
  @exclusivity(unchecked) var undoValues: [Int] = []

  @inline(__always)
  func set(_ slot: Int, _ value: Int) {
    undoSlots.append(slot)
    undoValues.append(slots[slot])
    slots[slot] = value
  }

  /// Undoes writes back to `mark` entries of the undo log.
  @inline(__always)
  func rollback(to mark: Int) {
    while undoSlots.count > mark {
      slots[undoSlots.removeLast()] = undoValues.removeLast()
    }
  }

  init(localCount: Int) {
    locals = Array(repeating: 0, count: max(localCount, 1))
  }
}

/// A compiled statement. Control flow stays data so `choose` can fork the rest of the block.
enum CStmt: Sendable {
  case simple(Exec)
  case ifElse(Eval, [CStmt], [CStmt])
  /// Branches with their ids: 1-based, numbered through the whole transition.
  case choose([(id: Int32, body: [CStmt])])

  static func containsChoose(_ body: [CStmt]) -> Bool {
    body.contains { stmt in
      switch stmt {
      case .simple: false
      case .ifElse(_, let a, let b): containsChoose(a) || containsChoose(b)
      case .choose: true
      }
    }
  }
}

struct PatternField: Sendable {
  var field: Int
  /// Compare the field's value with this, or
  var match: Eval?
  /// bind the field's value to this local.
  var bind: Int?
}

/// A transition as compiled; frozen into a `TransitionCode` once complete.
struct CompiledTransition: Sendable {
  var role: Int
  var kind: ActionKind
  var states: [Bool]
  var message: Int = -1
  var patterns: [PatternField] = []
  var senderLocal: Int?
  var guardEval: Eval?
  /// A timeout with no `when`: fires only when no receive of the process is enabled.
  var asynchronous: Bool = false
  var body: [CStmt]
}

/// A compiled transition as the successor function reads it: a class, so the hot loop takes one
/// reference instead of copying every field.
final class TransitionCode: Sendable {
  let kind: ActionKind
  let message: Int
  let patterns: [PatternField]
  let senderLocal: Int?
  let guardEval: Eval?
  let asynchronous: Bool
  let body: [CStmt]
  /// The body has no `choose`: it runs straight through, with no statement stack.
  let straight: Bool

  init(_ t: CompiledTransition) {
    kind = t.kind
    message = t.message
    patterns = t.patterns
    senderLocal = t.senderLocal
    guardEval = t.guardEval
    asynchronous = t.asynchronous
    body = t.body
    straight = !CStmt.containsChoose(t.body)
  }
}

/// Slots of the global failure budgets and the partition.
struct GlobalSlots: Sendable {
  var crash: [Int]
  var recover: [Int]
  var lose: Int
  var duplicate: Int
  var partitionBudget: Int
  var partitionMask: Int
}

/// Where messages live; filled once all sends are known, read-only afterwards.
///
/// Compiled send statements capture it before the network layout exists, which is why it is a
/// class. It is never mutated after `TransitionSystem` is built, so sharing it is safe, and
/// its reads on every move need no dynamic exclusivity checks.
final class NetworkTable: @unchecked Sendable {
  @exclusivity(unchecked) var semantics: NetworkSemantics = .unordered
  @exclusivity(unchecked) var capacity = 2
  @exclusivity(unchecked) var processCount = 0
  @exclusivity(unchecked) var processNames: [String] = []
  @exclusivity(unchecked) var messageNames: [String] = []
  /// `[(message * valuations + valuation) * P + source] * P + target` → slot, or -1.
  @exclusivity(unchecked) var slotIndex: [Int] = []
  @exclusivity(unchecked) var valuationBase: [Int] = []
  /// fifo: `source * P + target` → channel index, or -1.
  @exclusivity(unchecked) var channelIndex: [Int] = []
  @exclusivity(unchecked) var channels: [ChannelInfo] = []
  /// fifo: a queue entry is `messageCode + 1`; `messageCode = valuationBase[m] + valuation`.
  @exclusivity(unchecked) var codeMessage: [Int] = []
  @exclusivity(unchecked) var codeValuation: [Int] = []
  /// Per target process, the channels that can hold messages for it.
  @exclusivity(unchecked) var channelsByTarget: [[Int]] = []

  func slot(message: Int, valuation: Int, source: Int, target: Int) -> Int {
    let key = ((valuationBase[message] + valuation) * processCount + source) * processCount + target
    return slotIndex[key]
  }
}

struct Program: Sendable {
  var globals: GlobalSlots
  var transitions: [TransitionCode]
  /// role → control state → transition indices, receives first, then steps, then timeouts.
  var byRoleState: [[[Int]]]
  var starts: [[CStmt]?]
  var propertyEvals: [Eval]
  /// Per property, every slot its code can read (sorted): its value is a function of these.
  var propertyReads: [[Int]]
  /// Per role, the slots outside a process's own block that its transitions can read (sorted).
  var roleReads: [[Int]]
  var network: NetworkTable
  var localCount: Int
  /// Per message, per field: how to read the field's value out of a valuation number.
  var fieldDecoders: [[(stride: Int, size: Int, offset: Int)]]
  var initialSlots: [Int]
  /// Per process, the slots to reset on recovery and their initial codes.
  var volatileSlots: [[(slot: Int, code: Int)]]
}
