import Testing

@testable import CommitCheckLanguage

/// Two-phase commit (DESIGN.md §2's sketch, in the grammar of the language spec).
private let twoPhaseCommit = """
  // Not part of the doc comment: a blank line follows.

  /// Two-phase commit: one coordinator, N participants.
  /// Any message may be delayed.
  protocol TwoPhaseCommit
  param N: 1...10 = 3
  network unordered

  message Prepare
  message Vote(yes: bool)
  message Decision(commit: bool)

  role Coordinator {
    var yes: set<Participant>
    state waiting initial            // sends Prepare on start
    state committed decides commit
    state aborted decides abort

    start { send Prepare to all Participant }
    on waiting receive Vote(yes: true) from p {
      yes += p
      if yes == all Participant { send Decision(commit: true) to all Participant; goto committed }
    }
    on waiting receive Vote(yes: false) { send Decision(commit: false) to all Participant; goto aborted }
    on waiting timeout when some p in Participant: crashed(p) {
      send Decision(commit: false) to all Participant
      goto aborted
    }
  }

  role Participant[N] symmetric {
    stable var votedYes: bool
    var round: 0...N - 1 = 0
    state working initial
    state prepared
    state committed decides commit
    state aborted decides abort
    recover to prepared

    on working receive Prepare from c {
      choose {
        voteYes: { votedYes = true; send Vote(yes: true) to c; goto prepared }
        voteNo rate 0.25: { send Vote(yes: false) to c; goto aborted }
      }
    }
    on prepared receive Decision(commit: d) { goto d ? committed : aborted }
    on working timeout when crashed(Coordinator) { goto aborted }
  }

  failures { crash Coordinator: 1  recover Participant: 1  lose: 1  partition }

  invariant validity: Coordinator in committed implies all p in Participant: p.votedYes
  eventually allDecide: all p in Participant: decided(p)
  """

/// An expression fully parenthesised, to make the parse tree's shape visible in one string.
private func render(_ e: Expr) -> String {
  switch e.kind {
  case .int(let v): "\(v)"
  case .real(let v): "\(v)"
  case .bool(let b): "\(b)"
  case .name(let n): n
  case .member(let base, let m): "\(render(base)).\(m.name)"
  case .index(let base, let i): "\(render(base))[\(render(i))]"
  case .unary(let op, let x): "(\(op.rawValue) \(render(x)))"
  case .binary(let op, let l, let r): "(\(render(l)) \(op.rawValue) \(render(r)))"
  case .conditional(let c, let a, let b): "(\(render(c)) ? \(render(a)) : \(render(b)))"
  case .call(let f, let args): "\(f.name)(\(args.map(render).joined(separator: ", ")))"
  case .quantifier(let k, let v, let domain, let body): "(\(k.rawValue) \(v.name) in \(render(domain)): \(render(body)))"
  case .range(let low, let high): "\(render(low))...\(render(high))"
  case .messageQuery(let k, let q):
    "(\(k.rawValue) \(q.message.name)(\(q.fields.map { "\($0.field.name): \(render($0.value))" }.joined(separator: ", ")))"
      + (q.sender.map { " from \(render($0))" } ?? "") + (q.receiver.map { " to \(render($0))" } ?? "") + ")"
  case .allOf(let role): "(all \(role.name))"
  case .setLiteral(let elements): "{\(elements.map(render).joined(separator: ", "))}"
  }
}

/// `line:column` of a range's start.
private func position(_ r: SourceRange) -> String { "\(r.start.line):\(r.start.column)" }

/// The expression of `invariant x: <text>` in an otherwise empty model.
private func parseExpression(_ text: String) throws -> Expr {
  try ModelParser.parse("protocol P\ninvariant x: \(text)").properties[0].expr
}

/// The first syntax error as `line:column: message`, or "no error".
private func firstError(_ source: String) -> String {
  do {
    _ = try ModelParser.parse(source)
    return "no error"
  } catch {
    return "\(error.range.start.line):\(error.range.start.column): \(error.message)"
  }
}

/// Every range in a parsed model: declarations, statements, expressions, names and types.
private func allRanges(_ model: ProtocolDecl) -> [SourceRange] {
  var out = [model.name.range]
  func expr(_ e: Expr) {
    out.append(e.range)
    switch e.kind {
    case .member(let base, let m): expr(base); out.append(m.range)
    case .index(let base, let i): expr(base); expr(i)
    case .unary(_, let x): expr(x)
    case .binary(_, let l, let r): expr(l); expr(r)
    case .conditional(let c, let a, let b): expr(c); expr(a); expr(b)
    case .call(let f, let args): out.append(f.range); args.forEach(expr)
    case .quantifier(_, let v, let domain, let body): out.append(v.range); expr(domain); expr(body)
    case .range(let low, let high): expr(low); expr(high)
    case .messageQuery(_, let q):
      out.append(q.message.range)
      q.fields.forEach { out.append($0.field.range); expr($0.value) }
      q.sender.map(expr)
      q.receiver.map(expr)
    case .allOf(let role): out.append(role.range)
    case .setLiteral(let elements): elements.forEach(expr)
    case .int, .bool, .name, .real: break
    }
  }
  func type(_ t: TypeExpr) {
    out.append(t.range)
    if case .range(let low, let high, _) = t { expr(low); expr(high) }
    if case .map(let key, let value, _) = t { out.append(key.range); type(value) }
  }
  func block(_ body: [Stmt]) {
    for stmt in body {
      out.append(stmt.range)
      switch stmt.kind {
      case .assign(let target, let path, _, let value):
        out.append(target.range)
        for selector in path {
          switch selector {
          case .index(let i): expr(i)
          case .field(let f): out.append(f.range)
          }
        }
        expr(value)
      case .send(let m, let args, let target):
        out.append(m.range)
        args.forEach { out.append($0.field.range); expr($0.value) }
        if case .process(let e) = target { expr(e) }
        if case .all(let role) = target { out.append(role.range) }
      case .goto(let e): expr(e)
      case .ifElse(let c, let then, let otherwise): expr(c); block(then); block(otherwise ?? [])
      case .choose(let branches): branches.forEach { out.append($0.name.range); $0.rate.map(expr); block($0.body) }
      case .skip: break
      }
    }
  }
  model.params.forEach { out += [$0.range, $0.name.range]; expr($0.low); expr($0.high); expr($0.defaultValue) }
  model.messages.forEach { out.append($0.name.range); $0.fields.forEach { out.append($0.name.range); type($0.type) } }
  model.records.forEach { out.append($0.name.range); $0.fields.forEach { out.append($0.name.range); type($0.type) } }
  for role in model.roles {
    out += [role.range, role.name.range]
    role.count.map(expr)
    role.vars.forEach { out.append($0.name.range); type($0.type); $0.initial.map(expr) }
    out += role.states.map(\.name.range)
    block(role.start ?? [])
    for t in role.transitions {
      out += [t.range] + t.states.map(\.range) + (t.name.map { [$0.range] } ?? [])
      if case .receive(let m, let fields, let sender) = t.trigger {
        out += [m.range] + (sender.map { [$0.range] } ?? [])
        fields.forEach { out.append($0.field.range); expr($0.value) }
      }
      t.parameters.forEach { out.append($0.name.range); type($0.type) }
      t.guardExpr.map(expr)
      t.rate.map(expr)
      block(t.body)
    }
  }
  model.failures.forEach { out.append($0.range); $0.budget.map(expr) }
  model.properties.forEach { out += [$0.range, $0.name.range]; expr($0.expr) }
  return out
}

/// The line and column of a UTF-8 offset, counted independently of the lexer: scalars from the
/// last "\n", not counting the "\r" of a "\r\n".
private func lineColumn(_ bytes: [UInt8], _ offset: Int) -> String {
  var (line, column) = (1, 1)
  for (i, b) in bytes[..<offset].enumerated() {
    if b == 10 {
      (line, column) = (line + 1, 1)
    } else if !(b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10) && b & 0xC0 != 0x80 {
      column += 1
    }
  }
  return "\(line):\(column)"
}

/// A malformed model and its expected first error; named by the error, since some inputs are
/// thousands of characters long.
private struct Malformed: Sendable, CustomTestStringConvertible {
  var source: String
  var expected: String
  init(_ source: String, _ expected: String) {
    self.source = source
    self.expected = expected
  }
  var testDescription: String { expected }
}

@Suite("Parser")
struct ParserTests {
  @Test("The two-phase commit model parses into its declarations")
  func twoPhaseCommitDeclarations() throws {
    let model = try ModelParser.parse(twoPhaseCommit)
    #expect(model.name.name == "TwoPhaseCommit")
    #expect(model.doc == "Two-phase commit: one coordinator, N participants.\nAny message may be delayed.")
    #expect(model.params.map(\.name.name) == ["N"])
    #expect(render(model.params[0].low) == "1" && render(model.params[0].high) == "10")
    #expect(render(model.params[0].defaultValue) == "3")
    #expect(model.network?.kind.name == "unordered" && model.network?.capacity == nil)
    #expect(model.messages.map(\.name.name) == ["Prepare", "Vote", "Decision"])
    #expect(model.messages.map { $0.fields.map(\.name.name) } == [[], ["yes"], ["commit"]])
    #expect(model.roles.map(\.name.name) == ["Coordinator", "Participant"])
    #expect(model.failures.map(\.kind) == [.crash, .recover, .lose, .partition])
    #expect(model.failures.map { $0.role?.name } == ["Coordinator", "Participant", nil, nil])
    #expect(model.failures[3].budget == nil)
    #expect(model.properties.map(\.name.name) == ["validity", "allDecide"])
    #expect(model.properties.map(\.kind) == [.invariant, .eventually])
    #expect(
      render(model.properties[0].expr)
        == "((Coordinator in committed) implies (all p in Participant: p.votedYes))")
  }

  @Test("The coordinator's states, start block and transitions are as written")
  func coordinator() throws {
    let role = try ModelParser.parse(twoPhaseCommit).roles[0]
    #expect(role.count == nil && !role.symmetric)
    #expect(role.states.map(\.name.name) == ["waiting", "committed", "aborted"])
    #expect(role.states.map(\.initial) == [true, false, false])
    #expect(role.states.map(\.decision) == [nil, .commit, .abort])
    guard case .set(let element, _) = role.vars[0].type else { Issue.record("yes is not a set"); return }
    #expect(element.name == "Participant")
    guard case .send(let message, _, .all(let target)) = role.start?.first?.kind else {
      Issue.record("start does not broadcast")
      return
    }
    #expect(message.name == "Prepare" && target.name == "Participant")
    #expect(role.transitions.count == 3)
    let collect = role.transitions[0]
    guard case .receive(let m, let fields, let sender) = collect.trigger else { Issue.record("not a receive"); return }
    #expect(m.name == "Vote" && sender?.name == "p")
    #expect(fields.map(\.field.name) == ["yes"] && fields.map { render($0.value) } == ["true"])
    #expect(collect.states.map(\.name) == ["waiting"])
    guard case .ifElse(let condition, let then, nil) = collect.body[1].kind else { Issue.record("no if"); return }
    #expect(render(condition) == "(yes == (all Participant))")
    #expect(then.count == 2)
    let timeout = role.transitions[2]
    guard case .timeout = timeout.trigger else { Issue.record("not a timeout"); return }
    #expect(render(try #require(timeout.guardExpr)) == "(some p in Participant: crashed(p))")
    // The transition runs from `on` (line 25, column 3) to past its closing brace (line 28, column 4).
    #expect(position(timeout.range) == "25:3")
    #expect(timeout.range.end.line == 28 && timeout.range.end.column == 4)
  }

  @Test("The participant's variables, recovery and choice are as written")
  func participant() throws {
    let role = try ModelParser.parse(twoPhaseCommit).roles[1]
    #expect(role.count.map(render) == "N" && role.symmetric)
    #expect(role.vars.map(\.name.name) == ["votedYes", "round"])
    #expect(role.vars.map(\.stable) == [true, false])
    guard case .range(let low, let high, _) = role.vars[1].type else { Issue.record("round is not a range"); return }
    #expect(render(low) == "0" && render(high) == "(N - 1)")
    #expect(role.recoverState?.name == "prepared")
    guard case .choose(let branches) = role.transitions[0].body.first?.kind else { Issue.record("no choose"); return }
    #expect(branches.map(\.name.name) == ["voteYes", "voteNo"])
    #expect(branches.map { $0.rate.map(render) } == [nil, "0.25"])
    #expect(branches.map(\.body.count) == [3, 2])
    guard case .goto(let target) = role.transitions[1].body.first?.kind else { Issue.record("no goto"); return }
    #expect(render(target) == "(d ? committed : aborted)")
  }

  @Test("CRLF line endings give the same lines and columns as LF")
  func crlfPositions() throws {
    let lf = try ModelParser.parse(twoPhaseCommit)
    let crlf = try ModelParser.parse(twoPhaseCommit.replacing("\n", with: "\r\n"))
    // Same nodes, same order: every line:column pair (start and end) must agree.
    let ends = { (m: ProtocolDecl) in allRanges(m).map { "\(position($0))-\($0.end.line):\($0.end.column)" } }
    #expect(ends(lf) == ends(crlf))
    #expect(crlf.doc == lf.doc)
  }

  @Test("Every range's line:column agrees with its UTF-8 offset, with tabs, CRLF and non-ASCII text",
    arguments: ["\n", "\r\n"])
  func rangesMatchOffsets(newline: String) throws {
    let source = twoPhaseCommit.replacing("  ", with: "\t").replacing("// sends", with: "/* ünï\ncödé 🙂 */ // sends")
      .replacing("\n", with: newline)
    let bytes = Array(source.utf8)
    let ranges = allRanges(try ModelParser.parse(source))
    #expect(ranges.count > 150)  // a floor: the sample has well over 150 nodes and names
    for r in ranges {
      #expect("\(r.start.line):\(r.start.column)" == lineColumn(bytes, r.start.offset))
      #expect("\(r.end.line):\(r.end.column)" == lineColumn(bytes, r.end.offset))
      #expect(r.start.offset < r.end.offset && r.end.offset <= bytes.count)
    }
  }

  @Test("Every prefix of the sample model parses or fails at a consistent position inside it")
  func prefixes() {
    let scalars = Array(twoPhaseCommit.unicodeScalars)
    var failures = 0
    for length in 0...scalars.count {
      var prefix = ""
      prefix.unicodeScalars.append(contentsOf: scalars[..<length])
      do {
        _ = try ModelParser.parse(prefix)
      } catch {
        failures += 1
        let bytes = Array(prefix.utf8)
        #expect(error.range.end.offset <= bytes.count)
        #expect(position(error.range) == lineColumn(bytes, error.range.start.offset))
      }
    }
    // Most prefixes cut a declaration short; the few that end between declarations parse.
    #expect(failures > scalars.count / 2)
  }

  @Test("Operators bind by the spec's precedence table", arguments: [
    ("a or b and c", "(a or (b and c))"),
    ("a and b or c", "((a and b) or c)"),
    ("not a == b", "(not (a == b))"),
    ("not not a and b", "((not (not a)) and b)"),
    ("a implies b implies c", "(a implies (b implies c))"),
    ("a or b implies c", "((a or b) implies c)"),
    ("x implies y ? a : b", "((x implies y) ? a : b)"),
    ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
    ("a ? b ? c : d : e", "(a ? (b ? c : d) : e)"),
    ("a - b - c", "((a - b) - c)"),
    ("-a.b + c", "((- a.b) + c)"),
    ("- -a", "(- (- a))"),
    ("a + 1 == b - 2", "((a + 1) == (b - 2))"),
    ("p in committed or p in {x, y}", "((p in committed) or (p in {x, y}))"),
    ("all p in P: p.x and q", "(all p in P: (p.x and q))"),
    ("x and all p in P: y or z", "(x and (all p in P: (y or z)))"),
    ("(count p in P: p in done) >= N", "((count p in P: (p in done)) >= N)"),
    ("yes == all Participant", "(yes == (all Participant))"),
    ("votes[Participant[2]].ok", "votes[Participant[2]].ok"),
    ("crashed(self) or size({}) == 0", "(crashed(self) or (size({}) == 0))"),
    ("(a or b) and c", "((a or b) and c)"),
    ("0.5 + 1", "(0.5 + 1)"),
  ])
  func precedence(source: String, expected: String) throws {
    #expect(render(try parseExpression(source)) == expected)
  }

  @Test("Expression ranges cover their operands and parentheses")
  func expressionRanges() throws {
    // "protocol P\ninvariant x: " puts the expression at line 2, column 14.
    let e = try parseExpression("(a + b) == crashed(c)")
    #expect(e.range.start.column == 14 && e.range.end.column == 35)
    guard case .binary(_, let left, let right) = e.kind else { Issue.record("not binary"); return }
    #expect(left.range.start.column == 14 && left.range.end.column == 21)
    #expect(right.range.start.column == 25 && right.range.end.column == 35)
    #expect(e.range.start.offset == 24 && e.range.end.offset == 45)
  }

  @Test("Statements: index assignment, else-if chains, sends and '>=' after a map type")
  func statements() throws {
    let model = try ModelParser.parse("""
      protocol P
      role R {
        var m: map<R, bool>= x
        state s initial
        on any step tick as t when m[self] rate 2 {
          m[self] -= 1; skip
          if a { skip } else if b { skip } else { goto s }
          send Ping to all p in R: true
        }
      }
      """)
    let role = model.roles[0]
    #expect(role.vars[0].initial.map(render) == "x")
    guard case .map(let key, .bool, _) = role.vars[0].type else { Issue.record("not map<R, bool>"); return }
    #expect(key.name == "R")
    let t = role.transitions[0]
    #expect(t.states.isEmpty && t.name?.name == "t" && t.rate.map(render) == "2")
    guard case .assign(let target, let path, .remove, _) = t.body[0].kind, path.count == 1,
      case .index(let index) = path[0]
    else { Issue.record("no -="); return }
    #expect(target.name == "m" && render(index) == "self")
    guard case .ifElse(_, _, let otherwise?) = t.body[2].kind, otherwise.count == 1,
      case .ifElse(_, _, let last?) = otherwise[0].kind
    else { Issue.record("else if is not one nested if"); return }
    #expect(last.count == 1)
    guard case .send(_, _, .process(let to)) = t.body[3].kind else { Issue.record("no send to expr"); return }
    #expect(render(to) == "(all p in R: true)")
  }

  @Test("A bare doc comment away from 'protocol' is not the protocol's doc")
  func detachedDoc() throws {
    #expect(try ModelParser.parse("/// a\n\nprotocol P").doc == "")
    #expect(try ModelParser.parse("///a\n///  b\r\nprotocol P").doc == "a\n b")
  }

  @Test("Nesting up to the limit parses; one level more is an error")
  func nestingLimit() throws {
    let ok = String(repeating: "(", count: 256) + "x" + String(repeating: ")", count: 256)
    #expect(render(try parseExpression(ok)) == "x")
    let tooDeep = String(repeating: "(", count: 257) + "x" + String(repeating: ")", count: 257)
    #expect(firstError("protocol P\ninvariant x: " + tooDeep) == "2:270: expression nested too deeply (limit 256)")
  }

  @Test("Malformed models report the first error where it is", arguments: [
    Malformed("", "1:1: expected 'protocol' at the start of the model, found end of file"),
    Malformed("role R {}", "1:1: expected 'protocol' at the start of the model, found 'role'"),
    Malformed("protocol P\nrol Participant {}",
     "2:1: expected a declaration ('param', 'network', 'enum', 'record', 'message', 'role', 'failures', 'invariant' or 'eventually'), found identifier 'rol'"),
    Malformed("protocol P\nparam N = 3", "2:9: expected ':' after parameter name, found '='"),
    Malformed("protocol P\nparam N: 1...3 = 3\n/* open\ncomment", "3:1: unterminated block comment"),
    Malformed("protocol P\ninvariant x: a @ b", "2:16: unexpected character '@'"),
    Malformed("#", "1:1: unexpected character '#'"),
    Malformed("protocol P\ninvariant x: \"yes\"", "2:14: unexpected character '\"'"),
    Malformed("protocol P\ninvariant x: \u{0}", "2:14: unexpected character '\\u{0}'"),
    Malformed("protocol P\ninvariant x: a && b", "2:16: unexpected character '&&'; use 'and'"),
    Malformed("protocol P\ninvariant x: a || b", "2:16: unexpected character '||'; use 'or'"),
    Malformed("protocol P\ninvariant x: !a", "2:14: unexpected character '!'; use 'not'"),
    Malformed("protocol P\nparam N: 1...99999999999999999999 = 1",
     "2:14: integer literal '99999999999999999999' is too large"),
    Malformed("protocol P\ninvariant x: a < b < c", "2:20: comparison operators cannot be chained; use 'and'"),
    Malformed("protocol P\ninvariant x: a in s == b", "2:21: comparison operators cannot be chained; use 'and'"),
    Malformed("protocol P\nrole Participant {\n  state s initial\n",
     "4:1: expected '}' to close role 'Participant', found end of file"),
    Malformed("protocol P\nrole A {\n  state s initial\nrole B {}", "4:1: expected '}' to close role 'A', found 'role'"),
    Malformed("protocol P\nrole A {\n  stat s\n}",
     "3:3: expected a role item ('var', 'stable', 'state', 'start', 'recover' or 'on') or '}' in role 'A', found identifier 'stat'"),
    Malformed("protocol P\ninvariant x: " + String(repeating: "(", count: 10_000),
     "2:270: expression nested too deeply (limit 256)"),
    // 300 terms: the 257th '+' (column 14 + 2 + 4 * 256) passes the limit.
    Malformed("protocol P\ninvariant x: " + String(repeating: "1 + ", count: 300) + "1",
     "2:1040: expression nested too deeply (limit 256)"),
    // Blocks count too: the transition's '{' (column 22) is level 1, the k-th 'if' block's '{'
    // (column 29 + 7 * (k - 1)) level k + 1, so the 256th passes the limit at column 1814.
    Malformed("protocol P\nrole R { on s step a { " + String(repeating: "if x { ", count: 300),
     "2:1814: expression nested too deeply (limit 256)"),
    Malformed("protocol P\r\nparam N: 1...3 = 3\r\nparam M = 2\r\n", "3:9: expected ':' after parameter name, found '='"),
    Malformed("protocol P\n\tparam\tN\t= 3", "2:10: expected ':' after parameter name, found '='"),
    Malformed("protocol P\n/* ünïcödé */ invariant x: é", "2:28: unexpected character 'é'"),
    Malformed("protocol P\nnetwork ordered", "2:9: unknown network semantics 'ordered'; expected 'unordered', 'fifo' or 'set'"),
    Malformed("protocol P\nnetwork 3", "2:9: expected network semantics ('unordered', 'fifo' or 'set') after 'network', found integer '3'"),
    Malformed("protocol P\nrole R {\n  state s initial\n  on s timeout goto s\n}",
     "4:16: expected '{' to open the body of the transition, found 'goto'"),
    Malformed("protocol P\nrole R {\n  on s receive M {\n    x == 1\n  }\n}",
     "4:7: expected '=', '+=' or '-=' after 'x', found '=='"),
    Malformed("protocol P\nrole R {\n  on s step go when x = 0 { skip }\n}", "3:23: '=' assigns; to compare, write '=='"),
    Malformed("protocol P\nrole R {\n  on s step go { if x = 0 { skip } }\n}", "3:23: '=' assigns; to compare, write '=='"),
    Malformed("protocol P\ninvariant i: x = 0", "2:16: '=' assigns; to compare, write '=='"),
    Malformed("protocol P\nrole R {\n  on s step go {\n    if x { skip }\n", "5:1: expected '}' to close the block, found end of file"),
    Malformed("protocol P\nrole R {\n  on s send M to p {}\n}",
     "3:8: expected 'receive', 'step' or 'timeout' after the states of a transition, found 'send'"),
    Malformed("protocol P\nrole R {\n  state s decides maybe\n}", "3:19: expected 'commit' or 'abort' after 'decides', found identifier 'maybe'"),
    Malformed("protocol P\nmessage Vote(yes bool)", "2:18: expected ':' after field name 'yes', found identifier 'bool'"),
    Malformed("protocol P\nenum Phase { idle busy }", "2:19: expected '}' or ',' in enum 'Phase', found identifier 'busy'"),
    Malformed("protocol P\ninvariant x: )", "2:14: expected an expression, found ')'"),
    Malformed("protocol P\ninvariant x: (a or b", "2:21: expected ')' to close '(', found end of file"),
    Malformed("protocol P\ninvariant x: a ? b", "2:19: expected ':' in the conditional expression, found end of file"),
    Malformed("protocol P\ninvariant x: some Participant", "2:30: expected 'in' after quantifier variable 'Participant', found end of file"),
    Malformed("protocol P\ninvariant x: 0.5.5", "2:18: expected a member name after '.', found integer '5'"),
    Malformed("protocol P\nrole R { var x: = 1 }",
     "2:17: expected a type ('bool', 'set<...>', 'map<...>', a name or a range 'lo...hi'), found '='"),
    Malformed("protocol P\nfailures { crash: 1 }", "2:17: expected a role name after 'crash', found ':'"),
    Malformed("protocol P\nfailures { lose 1 }", "2:17: expected ':' after 'lose', found integer '1'"),
    Malformed("protocol P\nrole R { on s step go { choose { } } }", "2:34: expected a branch name in 'choose', found '}'"),
    Malformed("protocol P\nnetwork fifo\nnetwork set", "3:1: duplicate 'network' declaration; the first is at line 2"),
  ])
  fileprivate func malformed(_ row: Malformed) {
    #expect(firstError(row.source) == row.expected)
  }
}
