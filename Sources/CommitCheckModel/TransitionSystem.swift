import CommitCheckLanguage

public enum ActionKind: UInt8, Sendable, Hashable, BitwiseCopyable {
  case step, receive, timeout, crash, recover, lose, duplicate, partition

  /// Failures are environment moves: never forced by fairness, bounded by budgets.
  public var isFailure: Bool {
    switch self {
    case .step, .receive, .timeout: false
    case .crash, .recover, .lose, .duplicate, .partition: true
    }
  }
}

public enum NetworkSemantics: String, Sendable {
  case unordered, fifo, set
}

/// One move of the system: what a trace prints, what fairness and rates are attached to.
public struct Action: Sendable, Hashable, BitwiseCopyable {
  public var kind: ActionKind
  /// The acting (or crashing, recovering) process; -1 for network failures.
  public var process: Int32
  /// Index into `TransitionSystem.transitions`; -1 for failures.
  public var transition: Int32
  /// For receive, lose, duplicate: the message slot (unordered, set) or channel (fifo);
  /// for partition: the set of processes cut off from process 0, as a bit mask.
  public var message: Int32
  /// The `choose` branches taken, one 4-bit digit (branch id) per choice, first choice lowest;
  /// for a fifo loss or duplication, the queue position.
  public var choice: Int32

  public init(kind: ActionKind, process: Int32, transition: Int32 = -1, message: Int32 = -1,
              choice: Int32 = 0) {
    self.kind = kind
    self.process = process
    self.transition = transition
    self.message = message
    self.choice = choice
  }

  /// The fairness unit of a protocol move: the process, its transition and, for a receive, the
  /// message delivered. Weak fairness is per unit.
  public var fairnessUnit: Int64 {
    (Int64(process) << 40) | (Int64(transition & 0xFFFF) << 24) | Int64(message & 0xFF_FFFF)
  }
}

public struct RoleInfo: Sendable {
  public var name: String
  public var count: Int
  /// Process id of instance 1.
  public var firstProcess: Int
  public var symmetric: Bool
  public var states: [String]
  public var decisions: [Decision?]
  public var initialState: Int
  public var recoverState: Int
  public var vars: [VarInfo]
  /// The messages its `start` block sends on any path, in source order, without repeats.
  public var startSends: [MessageSend] = []
  /// The branches of the `choose` statements in its `start` block (ids 1, 2, ... in source
  /// order, as in `Action.choice`) and their declared rates.
  public var startChoiceNames: [String] = []
  public var startChoiceRates: [Double] = []
  /// False for a `nondeciding` role: atomicity and termination ignore its processes.
  public var decides = true
  /// True for a `forgetful` role: its decision is its current control state's.
  public var forgetful = false
  /// The index in `vars` of its decision history (`SuccessorGenerator.decisionCode`), when its
  /// processes can leave a decision and the role is not `forgetful`.
  public var history: Int?
}

public struct VarInfo: Sendable {
  public var name: String
  public var domain: Domain
  public var stable: Bool
  /// Offset of the first slot inside the process's block.
  public var offset: Int
  /// The slot codes it starts with (one per slot).
  public var initialCodes: [Int]
}

/// A finite value domain. Values are stored as codes `0..<size`.
public indirect enum Domain: Sendable, Hashable {
  case bool
  case range(Int, Int)
  case enumeration(Int)
  /// A set of instances of a role, as a bit mask over instance indices.
  case set(role: Int)
  /// One slot per instance of the role.
  case map(role: Int, value: Domain)
  /// A process of a role (code = instance index).
  case process(role: Int)
  /// A record: its fields' values, stored field after field in declaration order.
  case record(name: String, fields: [String], domains: [Domain])
}

public struct ProcessInfo: Sendable {
  public var name: String
  public var role: Int
  /// Instance index within the role (0-based).
  public var index: Int
  /// Slot of its control state; its crashed flag is the next slot, then its variables.
  public var base: Int
}

public struct MessageInfo: Sendable {
  public var name: String
  public var fieldNames: [String]
  public var fieldDomains: [Domain]
  /// Number of distinct field valuations (product of the domains' sizes).
  public var valuations: Int
}

/// A network position that holds messages: one slot per (message, valuation, source, target)
/// for `unordered` and `set`, one queue per (source, target) for `fifo`.
public struct ChannelInfo: Sendable {
  public var source: Int
  public var target: Int
  /// For unordered/set: the message and valuation of this slot. For fifo: -1.
  public var message: Int
  public var valuation: Int
  /// First slot; a fifo queue takes `capacity` consecutive slots (head first, 0 = empty).
  /// Under `set`, the copies of a broadcast may share one slot (`Compiler.sharesBroadcastSlot`).
  public var slot: Int
}

public struct TransitionInfo: Sendable {
  public var name: String
  /// False when the name is a default (`receive_Vote`, `timeout`).
  public var named: Bool
  public var role: Int
  public var kind: ActionKind
  /// For receive: the message type.
  public var message: Int
  /// The names of its `choose` branches, by branch id - 1.
  public var choiceNames: [String]
  public var choiceRates: [Double]
  /// Where it is written: `range.start` gives its line and column.
  public var range: SourceRange
  public var rate: Double
  /// `receive Vote(yes: true)`, `step backup_abort` or `timeout`, as written.
  public var trigger: String
  /// The `when` guard as written (whitespace collapsed, comments left out); nil without one.
  public var guardText: String?
  /// What its patterns, guard and body read outside its own process.
  public var reads: TransitionReads
  public var writes: TransitionWrites
  /// Every path through its body, each once; at most `TransitionPath.limit` of them.
  public var paths: [TransitionPath]
}

public struct PropertyInfo: Sendable {
  public var name: String
  public var kind: PropertyKind
  public var range: SourceRange
}

public struct FailureBudgets: Sendable, Hashable {
  /// Per role, by role index.
  public var crash: [Int]
  public var recover: [Int]
  public var lose: Int
  public var duplicate: Int
  public var partition: Int
}

/// A model compiled for concrete parameter values: the state layout, the initial states and a
/// successor function.
public struct TransitionSystem: Sendable {
  public let name: String
  public let doc: String
  public let parameters: [(name: String, value: Int)]
  public let network: NetworkSemantics
  public let capacity: Int
  public let roles: [RoleInfo]
  public let processes: [ProcessInfo]
  public let messages: [MessageInfo]
  /// Case names of each enum, by enum index.
  public let enumCases: [[String]]
  public let channels: [ChannelInfo]
  public let transitions: [TransitionInfo]
  public let properties: [PropertyInfo]
  public let failures: FailureBudgets
  /// Strong fairness for recovery (`--fair-recovery`, `fair recovery`): a crashed process whose
  /// role has recovery budget left eventually recovers.
  public let fairRecovery: Bool
  public let layout: StateLayout
  /// Per role, why its instances are not interchangeable (an instance named, processes
  /// ordered), as found by the compiler.
  public let symmetryBreakers: [Int: String]
  /// The compiler's warnings: unused declarations and pattern names at their place in the file,
  /// and a recovery budget no crash budget makes usable (range `.none` when `--recover` gave
  /// it, so it renders as `commitcheck: warning: --recover ...`).
  public let warnings: [Diagnostic]
  let program: Program
  /// What this system was compiled from, so each worker thread can have its own copy.
  let origin: (model: ProtocolDecl, options: CompileOptions)

  /// The same system compiled again: equal in every way, but sharing no reference-counted
  /// object (compiled closures, tables) with this one. A worker thread that runs the successor
  /// function on its own copy never contends with others on reference counts, which on two
  /// cores costs more than the successor function itself.
  public func independentCopy() -> TransitionSystem {
    (try? ModelCompiler.compile(origin.model, options: origin.options)) ?? self
  }

  /// The slot of a global failure budget or the partition mask.
  public var partitionSlot: Int { program.globals.partitionMask }

  public func controlState(_ slots: [Int], process: Int) -> Int { slots[processes[process].base] }
  public func isCrashed(_ slots: [Int], process: Int) -> Bool {
    slots[processes[process].base + 1] != 0
  }
  /// The decision of process `process`'s control state.
  public func decision(_ slots: [Int], process: Int) -> Decision? {
    roles[processes[process].role].decisions[slots[processes[process].base]]
  }

  /// Whether process `process` holds a decision as atomicity and termination see it: its
  /// control state's, or with a decision history (`RoleInfo.history`), any it ever took.
  public func hasDecided(_ slots: [Int], process: Int) -> Bool {
    let info = processes[process]
    let role = roles[info.role]
    if let h = role.history, slots[info.base + 2 + role.vars[h].offset] != 0 { return true }
    return role.decisions[slots[info.base]] != nil
  }
}
