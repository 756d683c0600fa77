/// The syntax tree of one model file, as the parser reads it.
///
/// Names are not resolved here: the checker in `CommitCheckModel` resolves them against the
/// declarations and reports unknown names with the ranges kept on every node.

/// A name as written, with where it was written.
public struct Identifier: Sendable, Hashable {
  public var name: String
  public var range: SourceRange
  public init(_ name: String, range: SourceRange) {
    self.name = name
    self.range = range
  }
}

/// A whole model file: `protocol Name` followed by declarations in any order.
public struct ProtocolDecl: Sendable {
  public var name: Identifier
  /// The `///` comment lines before `protocol`, joined by newlines.
  public var doc: String
  public var params: [ParamDecl] = []
  public var network: NetworkDecl?
  public var enums: [EnumDecl] = []
  public var messages: [MessageDecl] = []
  public var records: [RecordDecl] = []
  public var roles: [RoleDecl] = []
  public var failures: [FailureDecl] = []
  public var properties: [PropertyDecl] = []
  /// `fair recovery` in a `failures` block: where it is written, when it is.
  public var fairRecovery: SourceRange?
  /// The text it was parsed from, so that later stages can quote a construct as written.
  public var source = ""

  public init(name: Identifier, doc: String) {
    self.name = name
    self.doc = doc
  }
}

/// `param N: 1...10 = 3`
public struct ParamDecl: Sendable {
  public var name: Identifier
  public var low: Expr
  public var high: Expr
  public var defaultValue: Expr
  public var range: SourceRange
}

/// `network unordered`, `network fifo capacity 2`
public struct NetworkDecl: Sendable {
  public var kind: Identifier
  public var capacity: Expr?
  public var range: SourceRange
}

/// `enum Phase { idle, busy }`
public struct EnumDecl: Sendable {
  public var name: Identifier
  public var cases: [Identifier]
}

/// `message Vote(yes: bool)`
public struct MessageDecl: Sendable {
  public var name: Identifier
  public var fields: [FieldDecl]
}

/// `record Instance { mbal: 0...2, val: Value }`: a type with named fields.
public struct RecordDecl: Sendable {
  public var name: Identifier
  public var fields: [FieldDecl]
}

public struct FieldDecl: Sendable {
  public var name: Identifier
  public var type: TypeExpr
}

/// A finite domain as written.
public indirect enum TypeExpr: Sendable {
  /// `bool`
  case bool(SourceRange)
  /// `0...3` (bounds are constant expressions over parameters)
  case range(Expr, Expr, SourceRange)
  /// An enum name, a record name, or a role name (a process of that role).
  case named(Identifier)
  /// `set<Participant>`
  case set(Identifier, SourceRange)
  /// `map<Participant, bool>`, `map<RM, map<Acceptor, Instance>>`
  case map(Identifier, TypeExpr, SourceRange)

  public var range: SourceRange {
    switch self {
    case .bool(let r), .range(_, _, let r), .set(_, let r), .map(_, _, let r): r
    case .named(let id): id.range
    }
  }
}

/// `role Participant[N] symmetric { ... }`
public struct RoleDecl: Sendable {
  public var name: Identifier
  /// The instance count; `nil` means one instance.
  public var count: Expr?
  public var symmetric: Bool
  /// `nondeciding`: its processes take no decision, so atomicity and termination ignore them.
  public var nondeciding: SourceRange?
  /// `forgetful`: its processes may forget a decision on purpose (leave a decision state, or
  /// recover out of one), so their decisions are their current control states, not every
  /// decision they ever took.
  public var forgetful: SourceRange?
  public var vars: [VarDecl] = []
  public var states: [StateDecl] = []
  public var start: [Stmt]?
  /// `recover to uncertain`: the control state a recovering process restarts in.
  public var recoverState: Identifier?
  public var transitions: [TransitionDecl] = []
  public var range: SourceRange
}

/// `stable var votedYes: bool = false`
public struct VarDecl: Sendable {
  public var name: Identifier
  public var type: TypeExpr
  public var initial: Expr?
  public var stable: Bool
}

public enum Decision: String, Sendable, Hashable {
  case commit, abort
}

/// `state committed decides commit`, `state waiting initial`
public struct StateDecl: Sendable {
  public var name: Identifier
  public var initial: Bool
  public var decision: Decision?
}

/// `on waiting receive Vote(yes: true) from p as collect when guard rate 2 { body }`
public struct TransitionDecl: Sendable {
  /// The control states it is enabled in; empty means every state (`on any`).
  public var states: [Identifier]
  public var trigger: Trigger
  /// `as NAME` or, for a step, the step's name.
  public var name: Identifier?
  public var guardExpr: Expr?
  public var rate: Expr?
  public var body: [Stmt]
  public var range: SourceRange
  /// `step Poke(r: RM, k: 0...2)`: each valuation of the parameters is its own transition.
  public var parameters: [FieldDecl] = []
}

public enum Trigger: Sendable {
  /// `receive Msg(field: pattern, ...) from sender`
  case receive(message: Identifier, fields: [FieldPattern], sender: Identifier?)
  /// `step name`: a spontaneous internal step.
  case step
  /// `timeout`: fires only when the process has nothing to receive, unless a `when` guard says
  /// when it fires (`crashed(Coordinator)`, `unreachable(Coordinator)`).
  case timeout
}

/// `yes: true` or `commit: d` in a receive pattern: a constant to match or a fresh name to bind.
public struct FieldPattern: Sendable {
  public var field: Identifier
  public var value: Expr
}

/// `field: value` in a send.
public struct FieldArg: Sendable {
  public var field: Identifier
  public var value: Expr
}

public struct Stmt: Sendable {
  public var kind: StmtKind
  public var range: SourceRange
  public init(_ kind: StmtKind, range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

public enum AssignOp: String, Sendable {
  case set = "=", add = "+=", remove = "-="
}

/// One step from a variable to the part of it assigned: `[p]` of a map, `.mbal` of a record.
public enum Selector: Sendable {
  case index(Expr)
  case field(Identifier)
}

public indirect enum StmtKind: Sendable {
  /// `x = e`, `x += p`, `votes[p] = true`, `aState[r].mbal = b`
  case assign(target: Identifier, path: [Selector], op: AssignOp, value: Expr)
  /// `send Msg(f: e) to target`
  case send(message: Identifier, args: [FieldArg], target: SendTarget)
  /// `goto state` or `goto c ? a : b`
  case goto(Expr)
  case ifElse(condition: Expr, then: [Stmt], otherwise: [Stmt]?)
  /// `choose { name: { ... } other: { ... } }`
  case choose([ChoiceBranch])
  /// `skip`: does nothing.
  case skip
}

public enum SendTarget: Sendable {
  /// `to all Participant`: every instance of the role except the sender itself.
  case all(Identifier)
  /// `to p`, `to Coordinator`, `to Participant[2]`
  case process(Expr)
}

public struct ChoiceBranch: Sendable {
  public var name: Identifier
  public var rate: Expr?
  public var body: [Stmt]
}

public enum FailureKind: String, Sendable, CaseIterable {
  case crash, recover, lose, duplicate, partition
}

/// A line of `failures { crash Coordinator: 1  lose: 1  partition }`.
public struct FailureDecl: Sendable {
  public var kind: FailureKind
  /// The role, for `crash` and `recover`.
  public var role: Identifier?
  /// The budget; `nil` for a bare `partition` (which means 1).
  public var budget: Expr?
  public var range: SourceRange
}

public enum PropertyKind: String, Sendable {
  case invariant, eventually
}

/// `invariant validity: expr`, `eventually allDecide: expr`
public struct PropertyDecl: Sendable {
  public var kind: PropertyKind
  public var name: Identifier
  public var expr: Expr
  public var range: SourceRange
}

public struct Expr: Sendable {
  public var kind: ExprKind
  public var range: SourceRange
  public init(_ kind: ExprKind, range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

public enum UnaryOp: String, Sendable {
  case not = "not", negate = "-"
}

public enum BinaryOp: String, Sendable {
  case and, or, implies
  case equal = "==", notEqual = "!="
  case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case plus = "+", minus = "-"
  /// `p in s` (set membership) or `p in committed` / `p in {a, b}` (control state test);
  /// the checker tells which from the right-hand side.
  case `in`
}

public enum QuantifierKind: String, Sendable {
  case all, some, count
}

public enum MessageQueryKind: String, Sendable {
  case exists, count
}

/// The messages a network query matches: a type, some of its fields, and optionally the sender
/// and the receiver.
public struct MessageQuery: Sendable {
  public var message: Identifier
  public var fields: [FieldArg]
  public var sender: Expr?
  public var receiver: Expr?
}

public indirect enum ExprKind: Sendable {
  case int(Int)
  case bool(Bool)
  /// A name: variable, parameter, enum case, control state, role, bound name, `self`.
  case name(String)
  /// `p.votedYes`
  case member(Expr, Identifier)
  /// `votes[p]`, `Participant[2]`
  case index(Expr, Expr)
  case unary(UnaryOp, Expr)
  case binary(BinaryOp, Expr, Expr)
  /// `c ? a : b`
  case conditional(Expr, Expr, Expr)
  /// `crashed(p)`, `unreachable(p)`, `size(s)`, `decided(p)`
  case call(Identifier, [Expr])
  /// `all p in Participant: body`, `some ...`, `count ...`; the domain is a role, an enum, a
  /// set-valued expression (`yes`) or a range (`0...N`).
  case quantifier(QuantifierKind, variable: Identifier, domain: Expr, body: Expr)
  /// `lo...hi`: only as the domain of a quantifier.
  case range(Expr, Expr)
  /// `exists Vote(yes: true) from p to c`, `count Vote(...)`: messages in flight.
  case messageQuery(MessageQueryKind, MessageQuery)
  /// `all Participant`: the set of every instance of the role.
  case allOf(Identifier)
  /// `{}`, `{a, b}`
  case setLiteral([Expr])
  /// A decimal literal with a fraction, such as a rate `0.25`.
  case real(Double)
}
