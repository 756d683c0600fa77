/// What a transition's guard and body read besides its own process's local state and the message
/// it consumes: the state a place/transition net has to test with read arcs.
///
/// The compiler records it where it resolves each name, so it is what the compiled code can
/// read. It over-approximates (a quantifier over a role reads every instance of it); a net built
/// on it stays exact, it only splits a move into more transitions than needed.
public struct TransitionReads: Sendable, Hashable {
  /// Processes whose control state or variables the transition may read, ascending (the acting
  /// process itself may be among them when a quantifier ranges over its role).
  public var localStates: [Int] = []
  /// Processes whose crashed flag it may read (`crashed(p)`, `unreachable(p)`), ascending.
  public var crashFlags: [Int] = []
  /// Whether it reads the partition (`unreachable(p)`).
  public var partition = false
  /// A timeout without `when`: enabled only while the process can receive nothing, a test for
  /// the absence of messages.
  public var asynchronous = false
  /// Messages whose presence in the network its guard or body reads (`exists M`, `count M`),
  /// as indices into `TransitionSystem.messages`, ascending.
  public var messages: [Int] = []

  public init() {}
}

/// What a transition may change besides its control state: its own process's variables and the
/// network, by the messages it sends.
public struct TransitionWrites: Sendable, Hashable {
  /// The variables it may assign, as indices into its role's `RoleInfo.vars`, ascending.
  public var variables: [Int] = []
  /// The messages it may send, as indices into `TransitionSystem.messages`, ascending.
  public var messages: [Int] = []

  public init() {}
}

/// A `send` as written: which message, and its text with each field's value as in the source.
public struct MessageSend: Sendable, Hashable {
  /// Index into `TransitionSystem.messages`.
  public var message: Int
  /// `Vote(yes: true)`: whitespace collapsed, comments left out.
  public var text: String

  public init(message: Int, text: String) {
    self.message = message
    self.text = text
  }
}

/// One way through a transition's body: a side of each `if` and a branch of each `choose`.
public struct TransitionPath: Sendable, Hashable {
  /// A body with more paths than this keeps only the first ones (in source order).
  public static let limit = 4096

  /// The `choose` branches taken, encoded as `Action.choice` encodes them (0 when none).
  public var choice: Int32
  /// The control states its last `goto` may name, in source order; nil when it has no `goto`
  /// (the process stays where it is).
  public var targets: [Int]?
  /// The messages sent on the way, in order, without repeats.
  public var sends: [MessageSend]

  public init(choice: Int32, targets: [Int]?, sends: [MessageSend]) {
    self.choice = choice
    self.targets = targets
    self.sends = sends
  }
}
