import CommitCheck
import Foundation
import Testing

/// A hostile model file and the exact diagnostics it gets (errors when refused, warnings when it
/// compiles), named by what it tries, since some inputs are megabytes long.
struct Hostile: Sendable, CustomTestStringConvertible {
  var name: String
  var source: String
  var options: CompileOptions
  var expected: [String]
  /// The bound on parsing, compiling and rendering every diagnostic in a debug build: far above
  /// what the input takes (see the closing note of issue 8 for release timings), far below what
  /// a quadratic or exponential blow-up would.
  var seconds: Double

  init(_ name: String, _ source: String, _ expected: [String], options: CompileOptions = CompileOptions(),
       seconds: Double = 1) {
    self.name = name
    self.source = source
    self.options = options
    self.expected = expected
    self.seconds = seconds
  }

  var testDescription: String { name }
}

/// `--param` values, as the command line passes them.
private func params(_ values: [String: Int]) -> CompileOptions {
  var options = CompileOptions()
  options.parameters = values
  return options
}

/// The headers of the diagnostics a source gets: its errors, or the warnings of the compiled
/// model. Rendering runs too (as the tool would), so its cost is part of what is measured.
private func outcome(_ source: String, _ options: CompileOptions) -> [String] {
  do {
    let model = try compileModel(source: source, file: "test.commit", options: options)
    return model.system.warnings.map { $0.header(file: "test.commit") }
  } catch {
    guard case .invalidModel(_, _, let diagnostics) = error else { return ["\(error)"] }
    _ = error.description
    return diagnostics.map { $0.header(file: "test.commit") }
  }
}

/// Repeats `text` separated by `separator`, numbering each copy where it says `#`.
private func numbered(_ count: Int, _ text: String, separator: String = "\n") -> String {
  (0..<count).map { text.replacingOccurrences(of: "#", with: String($0)) }.joined(separator: separator)
}

/// The depth limit's error at `line:column`.
private func deepAt(_ line: Int, _ column: Int) -> String {
  "test.commit:\(line):\(column): error: expression nested too deeply (limit 256)"
}

private let ten = 10_000_000
private let deep = 10_000
private let long = 100_000

struct HostileInputTests {
  static let cases: [Hostile] = lexical + nesting + numbers + layout + parameters + names + flood

  /// Bytes the lexer meets before any grammar.
  static let lexical: [Hostile] = [
    Hostile("empty file", "", ["test.commit:1:1: error: expected 'protocol' at the start of the model, found end of file"]),
    Hostile("only blanks and comments", "  \n\t// nothing here\n/* nor here */\n", ["test.commit:4:1: error: expected 'protocol' at the start of the model, found end of file"]),
    Hostile("a byte order mark alone", "\u{FEFF}", ["test.commit:1:1: error: expected 'protocol' at the start of the model, found end of file"]),
    Hostile("NUL bytes", "protocol P\n\u{0}\u{0}\u{0}", ["test.commit:2:1: error: unexpected character '\\u{0}'"]),
    Hostile("a binary header (ELF)", "\u{7F}ELF\u{2}\u{1}\u{1}\u{0}", ["test.commit:1:1: error: unexpected character '\\u{7F}'"]),
    Hostile("bytes decoded lossily (replacement characters)", "protocol P\nrole \u{FFFD}\u{FFFD}", ["test.commit:2:6: error: unexpected character '\u{FFFD}'"]),
    Hostile("an unterminated block comment", "protocol P\nrole A { state s initial }\n/* never closed\n", ["test.commit:3:1: error: unterminated block comment"]),
    Hostile("a nested block comment closes at its first '*/'", "protocol P\n/* outer /* inner */ still outer */", ["test.commit:2:22: error: expected a declaration ('param', 'network', 'enum', 'record', 'message', 'role', 'failures', 'invariant' or 'eventually'), found identifier 'still'"]),
    Hostile("a stray string quote", "protocol P\ninvariant x: \"yes", ["test.commit:2:14: error: unexpected character '\"'"]),
    Hostile("a lone carriage return is a blank, not a line break", "protocol P\rrole A\r{ state s initial\r@ }", ["test.commit:1:37: error: unexpected character '@'"]),
    Hostile("CRLF line endings and tabs: a warning at the right column",
            "protocol P\r\nrole A {\r\n\tvar\tidle: bool\r\n\tstate s initial decides commit\r\n}\r\n", ["test.commit:3:6: warning: variable 'idle' of role 'A' is never used"]),
    Hostile("CRLF line endings and tabs: an error at the right column",
            "protocol P\r\nrole A {\r\n\tstate s initial\r\n\ton s step go {\tgoto\tt }\r\n}\r\n", ["test.commit:4:22: error: unknown state 't' in role 'A'; did you mean 's'?"]),
    Hostile("a 100,000-character identifier", "protocol P\nrole " + String(repeating: "a", count: long) + " {}", ["test.commit:2:6: error: identifier 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is 100000 characters long; at most 256 are allowed"]),
    Hostile("10 MB of comment around a valid model",
            "protocol P\n/*" + String(repeating: "x", count: ten) + "*/\nrole A { state s initial decides commit }\n", [],
            seconds: 20),
    Hostile("10 MB of blank lines before a missing name",
            "protocol P\n" + String(repeating: String(repeating: " ", count: 99) + "\n", count: ten / 100) + "role", ["test.commit:100002:5: error: expected a role name after 'role', found end of file"],
            seconds: 20),
    Hostile("a 10 MB line with a stray character at its end",
            "protocol P " + String(repeating: "message M ", count: ten / 10) + "@", ["test.commit:1:10000012: error: unexpected character '@'"], seconds: 20),
  ]

  /// Every recursive construct 10,000 levels deep: a depth limit, never a stack overflow.
  ///
  /// Columns by hand: the error is at the token that opens level 257. `invariant x: ` and
  /// `param N: 1...3 = ` are 13 and 17 columns; a transition's block is level 1. So: the 257th
  /// '(' at 14 + 256; the 257th `all` at 14 + 12 * 256; the 257th `not` at 14 + 4 * 256; the
  /// 257th '-' at 18 + 2 * 256; the 257th '+' at 20 + 4 * 256; the 257th '?' at 19 + 7 * 256;
  /// the 257th '{' at 14 + 256; the value type is entered at the 258th `map` (17 + 7 * 257); the
  /// 256th `if` block's '{' at 24 + 10 * 255; the 255th `else if` block's '{' (the first
  /// `else if`'s `if` is level 2, its block 3) at 28 + 17 * 254 + 13; the 256th branch block's
  /// '{' at 16 + 14 * 255 + 12; the 257th '[' at 15 + 3 * 256.
  static let nesting: [Hostile] = [
    Hostile("10,000 nested parentheses",
            "protocol P\ninvariant x: " + String(repeating: "(", count: deep) + "true" + String(repeating: ")", count: deep), [deepAt(2, 270)]),
    Hostile("10,000 nested quantifiers",
            "protocol P\nrole A[2] { state s initial }\ninvariant x: " + String(repeating: "all p in A: ", count: deep) + "true", [deepAt(3, 3086)]),
    Hostile("10,000 nested 'not'", "protocol P\ninvariant x: " + String(repeating: "not ", count: deep) + "true", [deepAt(2, 1038)]),
    Hostile("10,000 unary minus signs", "protocol P\nparam N: 1...3 = " + String(repeating: "- ", count: deep) + "1", [deepAt(2, 530)]),
    Hostile("10,000 chained '+'", "protocol P\nparam N: 1...3 = " + String(repeating: "1 + ", count: deep) + "1", [deepAt(2, 1044)]),
    Hostile("10,000 nested conditionals", "protocol P\ninvariant x: " + String(repeating: "true ? ", count: deep) + "true", [deepAt(2, 1811)]),
    Hostile("10,000 nested set literals", "protocol P\ninvariant x: " + String(repeating: "{", count: deep), [deepAt(2, 270)]),
    Hostile("10,000 nested map types",
            "protocol P\nrole A { var m: " + String(repeating: "map<A, ", count: deep) + "bool", [deepAt(2, 1816)]),
    Hostile("10,000 nested 'if' blocks",
            "protocol P\nrole A { state s initial\non s step go { " + String(repeating: "if true { ", count: deep), [deepAt(3, 2574)]),
    Hostile("10,000 'else if' in a chain",
            "protocol P\nrole A { state s initial\non s step go { if true { } " + String(repeating: "else if true { } ", count: deep) + "} }", [deepAt(3, 4359)]),
    Hostile("10,000 nested 'choose'",
            "protocol P\nrole A { state s initial\non s step go { " + String(repeating: "choose { c: { ", count: deep), [deepAt(3, 3598)]),
    Hostile("10,000 chained indexes", "protocol P\ninvariant x: m" + String(repeating: "[A]", count: deep), [deepAt(2, 783)]),
  ]

  /// Literals past 64 bits and arithmetic that would overflow.
  static let numbers: [Hostile] = [
    Hostile("an integer literal one past Int.max", "protocol P\nparam N: 1...9223372036854775808 = 1", ["test.commit:2:14: error: integer literal '9223372036854775808' is too large"]),
    Hostile("a 100,000-digit integer literal", "protocol P\nparam N: 1..." + String(repeating: "9", count: long) + " = 1", ["test.commit:2:14: error: integer literal '9999999999999999999999999999999999999999...' is too large"]),
    Hostile("a real literal too large for a double",
            "protocol P\nrole A { state s initial\non s step go rate 1" + String(repeating: "0", count: 400) + ".5 { } }", ["test.commit:3:19: error: number '1000000000000000000000000000000000000000...' is too large"]),
    Hostile("a 100,000-digit fraction where an integer is needed",
            "protocol P\nparam N: 1...3 = 0." + String(repeating: "0", count: long) + "1\nrole A { state s initial }", ["test.commit:2:18: error: a number with a fraction is only allowed as a rate"]),
    Hostile("constant arithmetic past Int.max", "protocol P\nparam N: 1...9223372036854775807 + 1 = 1\nrole A { state s initial }", ["test.commit:2:14: error: integer overflow in arithmetic"]),
    Hostile("constant arithmetic below Int.min", "protocol P\nparam N: -9223372036854775807 - 2...3 = 1\nrole A { state s initial }", ["test.commit:2:10: error: integer overflow in arithmetic"]),
    Hostile("a range as wide as the integers",
            "protocol P\nrole A { var x: -9223372036854775807...9223372036854775807\nstate s initial }", ["test.commit:2:17: error: range -9223372036854775807...9223372036854775807 has more than 1048576 values"]),
  ]

  /// State layouts too large to allocate: refused with the limit they pass.
  static let layout: [Hostile] = [
    Hostile("map<Role, 0...2^40>", "protocol P\nrole A[62] { var m: map<A, 0...1099511627776>\nstate s initial }", ["test.commit:2:28: error: range 0...1099511627776 has more than 1048576 values"]),
    Hostile("map<Role, set<Role>> over 62 processes fits (its size would overflow an Int)",
            "protocol P\nrole A[62] { var s: set<A>\nvar m: map<A, set<A>>\nstate s0 initial }", ["test.commit:2:18: warning: variable 's' of role 'A' is never used",
             "test.commit:3:5: warning: variable 'm' of role 'A' is never used"]),
    Hostile("70 ranges in each of 62 processes",
            "protocol P\nrole A[62] {\n" + numbered(70, "var v#: 0...1000") + "\nstate s initial }", ["test.commit:2:6: error: the processes' states and variables take 4464 slots or more; a state has at most 4096"]),
    Hostile("5,000 variables in one role",
            "protocol P\nrole A { state s initial\n" + numbered(5_000, "var v#: bool") + "\n}", ["test.commit:4099:5: error: the variables of role 'A' take more than 4096 slots; a state has at most 4096"]),
    Hostile("a message with more than 2^20 field valuations",
            "protocol P\nmessage M(a: 0...1023, b: 0...1023, c: bool)\nrole A { state s initial }", ["test.commit:2:40: error: message 'M' has more than 1048576 field valuations"]),
    Hostile("an unordered network with more slots than a state has",
            "protocol P\nmessage M(v: 0...100000)\nrole A[4] { state s initial\non s step go { send M(v: 1) to all A }\non s receive M { skip } }",
            ["test.commit:1:10: error: the network needs at least 65552 slots; with the 14 of the processes and budgets that passes the limit of 4096 slots per state"]),
    Hostile("a fifo network with more slots than a state has",
            "protocol P\nnetwork fifo capacity 255\nmessage M\nrole A[20] { state s initial\non s step go { send M to all A }\non s receive M { skip } }",
            ["test.commit:2:1: error: the network needs at least 102000 slots; with the 46 of the processes and budgets that passes the limit of 4096 slots per state"]),
    Hostile("200 messages of 2^20 valuations each on a fifo network",
            "protocol P\nnetwork fifo\n" + numbered(200, "message M#(x: 0...1048575)")
              + "\nrole A { state s initial\non s step go { send M0(x: 1) to A }\non s receive M0 { skip } }",
            // 200 * 2^20 = 209715200 message codes, each an entry of the decoding tables.
            ["test.commit:2:1: error: the messages have 209715200 field valuations in all; a fifo network supports at most 1048576"]),
    // Found by the fuzzer (an out-of-memory after 5.2 million executions): every split of 33
    // processes is a successor of the first state.
    Hostile("a partition budget with 33 processes",
            "protocol P\nrole A[33] { state s initial }\nfailures { partition }",
            ["test.commit:3:12: error: a partition is explored as every split of the processes (2^32 - 1 here); with a partition budget a model has at most 16 processes"]),
    Hostile("--partition 1 with 20 processes", "protocol P\nrole A[20] { state s initial }",
            ["commitcheck: error: --partition: a partition is explored as every split of the processes (2^19 - 1 here); with a partition budget a model has at most 16 processes"],
            options: { var o = CompileOptions(); o.partition = 1; return o }()),
    Hostile("an enum with 65,537 cases",
            "protocol P\nenum E { " + numbered(65_537, "c#", separator: ", ") + " }\nrole A { state s initial }", ["test.commit:2:6: error: enum 'E' has 65537 cases; at most 65536 are supported"], seconds: 5),
    Hostile("a role with 1,025 states",
            "protocol P\nrole A { state s initial\n" + numbered(1_024, "state s#") + "\n}", ["test.commit:2:6: error: role 'A' has 1025 states; at most 1024 are supported"]),
    Hostile("65,537 transitions",
            "protocol P\nrole A { state s initial\n" + numbered(65_537, "on s step t# { }") + "\n}", ["test.commit:65539:1: error: the model has more than 65536 transitions"], seconds: 5),
    Hostile("8 'choose' in a row",
            "protocol P\nrole A { state s initial\non s step go { " + numbered(8, "choose { c#: { skip } }", separator: " ") + " } }",
            ["test.commit:3:1: error: transition 'go' can take 8 'choose' in a row; at most 7 are supported"]),
    Hostile("16 branches in one transition",
            "protocol P\nrole A { state s initial\non s step go { choose { " + numbered(16, "c#: { }", separator: " ") + " } } }",
            ["test.commit:3:150: error: a transition has at most 15 choice branches in all"]),
  ]

  /// Process counts from parameters: refused before anything per process is allocated.
  static let parameters: [Hostile] = [
    Hostile("--param N=0", huge, ["commitcheck: error: --param N=0: out of the range 1...1000000000 of parameter 'N'"], options: params(["N": 0])),
    Hostile("--param N=-1", huge, ["commitcheck: error: --param N=-1: out of the range 1...1000000000 of parameter 'N'"], options: params(["N": -1])),
    Hostile("--param N=10^9", huge, ["test.commit:4:8: error: role 'P' has 1000000000 instances; at most 62 processes are supported"], options: params(["N": 1_000_000_000])),
    Hostile("a default of 10^9 processes", "protocol P\nparam N: 1...1000000000 = 1000000000\nrole P[N] { state s initial }", ["test.commit:3:8: error: role 'P' has 1000000000 instances; at most 62 processes are supported"]),
    Hostile("a range that allows N = 0", "protocol P\nparam N: 0...10 = 0\nrole P[N] { state s initial }", ["test.commit:3:8: error: role 'P' needs at least 1 instance, but its count is 0"]),
    Hostile("two roles of Int.max instances",
            "protocol P\nparam N: 1...9223372036854775807 = 9223372036854775807\nrole A[N] { state s initial }\nrole B[N] { state s initial }",
            ["test.commit:3:8: error: role 'A' has 9223372036854775807 instances; at most 62 processes are supported"]),
    Hostile("two roles of 40", "protocol P\nrole A[40] { state s initial }\nrole B[40] { state s initial }", ["test.commit:3:8: error: the model has 80 processes; at most 62 processes are supported"]),
    Hostile("a parameter whose bounds mention itself", "protocol P\nparam N: 1...N = 1\nrole A[N] { state s initial }", ["test.commit:2:14: error: parameter 'N' is defined in terms of itself"]),
    Hostile("a parameter that uses one declared after it",
            "protocol P\nparam M: 1...N = 1\nparam N: 1...3 = 2\nrole A[M] { state s initial }", ["test.commit:2:14: error: parameter 'N' is used before it is declared; a parameter can only use those above it"]),
    Hostile("a role whose count mentions itself", "protocol P\nrole A[A] { state s initial }", ["test.commit:2:8: error: expected a constant expression (literals and parameters only)"]),
    Hostile("a variable whose initial value mentions itself", "protocol P\nrole A { var x: 0...3 = x\nstate s initial }", ["test.commit:2:25: error: unknown name 'x'; did you mean 'A'?"]),
  ]

  static let huge = "protocol P\nparam N: 1...1000000000 = 3\nrole Coordinator { state s initial }\nrole P[N] { state s initial }"

  /// Names declared twice, within a kind and across kinds.
  static let names: [Hostile] = [
    Hostile("duplicate parameter", "protocol P\nparam N: 1...3 = 1\nparam N: 1...3 = 2\nrole A { state s initial }", ["test.commit:3:7: error: duplicate parameter 'N'"]),
    Hostile("duplicate enum", "protocol P\nenum E { a }\nenum E { b }\nrole A { state s initial }", ["test.commit:3:6: error: duplicate enum 'E'"]),
    Hostile("duplicate enum case", "protocol P\nenum E { a, b }\nenum F { b }\nrole A { state s initial }", ["test.commit:3:10: error: duplicate enum case 'b'"]),
    Hostile("duplicate message", "protocol P\nmessage M\nmessage M\nrole A { state s initial }", ["test.commit:3:9: error: duplicate message 'M'"]),
    Hostile("duplicate message field", "protocol P\nmessage M(v: bool, v: bool)\nrole A { state s initial }", ["test.commit:2:20: error: duplicate field 'v' in message 'M'"]),
    Hostile("duplicate role", "protocol P\nrole A { state s initial }\nrole A { state s initial }", ["test.commit:3:6: error: duplicate role 'A'"]),
    Hostile("duplicate state", "protocol P\nrole A { state s initial\nstate s }", ["test.commit:3:7: error: duplicate state 's' in role 'A'"]),
    Hostile("duplicate variable", "protocol P\nrole A { var x: bool\nvar x: bool\nstate s initial }", ["test.commit:3:5: error: duplicate variable 'x' in role 'A'"]),
    Hostile("a variable named like a state", "protocol P\nrole A { var s: bool\nstate s initial }", ["test.commit:2:14: error: variable 's' has the name of a state of role 'A'"]),
    Hostile("duplicate property", "protocol P\nrole A { state s initial }\ninvariant i: true\neventually i: true", ["test.commit:4:12: error: duplicate property 'i'"]),
    Hostile("a property named like a built-in one", "protocol P\nrole A { state s initial }\ninvariant termination: true", ["test.commit:3:11: error: 'termination' is a built-in property; choose another name"]),
    Hostile("duplicate choice branch", "protocol P\nrole A { state s initial\non s step go { choose { c: { } c: { } } } }", ["test.commit:3:32: error: duplicate choice 'c'"]),
    Hostile("duplicate 'start' block", "protocol P\nrole A { state s initial\nstart { }\nstart { } }", ["test.commit:4:1: error: duplicate 'start' block in role 'A'"]),
    Hostile("duplicate 'recover to'", "protocol P\nrole A { state s initial\nrecover to s\nrecover to s }", ["test.commit:4:1: error: duplicate 'recover to' in role 'A'"]),
    Hostile("duplicate 'network'", "protocol P\nnetwork fifo\nnetwork set", ["test.commit:3:1: error: duplicate 'network' declaration; the first is at line 2"]),
    Hostile("a role named like a parameter", "protocol P\nparam A: 1...3 = 1\nrole A { state s initial }", ["test.commit:3:6: error: 'A' is already declared as a parameter at line 2"]),
    Hostile("an enum case named like a role", "protocol P\nrole A { state s initial }\nenum E { A }", ["test.commit:3:10: error: 'A' is already declared as a role at line 2"]),
    Hostile("an enum named like a role", "protocol P\nenum A { x }\nrole A { state s initial }", ["test.commit:3:6: error: 'A' is already declared as an enum at line 2"]),
    Hostile("an enum case named like a parameter", "protocol P\nenum E { N }\nparam N: 1...3 = 1\nrole A { state s initial }", ["test.commit:3:7: error: 'N' is already declared as an enum case at line 2"]),
    Hostile("a sender name that shadows a variable",
            "protocol P\nmessage M\nrole A { var p: bool\nstate s initial\non s step go { send M to A }\non s receive M from p { p = true } }", ["test.commit:6:21: error: 'p' is already declared; 'from' binds a new name to the sender"]),
  ]

  /// Declared but unused things are warnings, and many of them stay cheap to report.
  static let flood: [Hostile] = [
    Hostile("unused message and variable",
            "protocol P\nmessage Unused\nmessage Lonely\nrole A { var idle: bool\nstate s initial decides commit\non s step go { send Lonely to A } }",
            ["test.commit:2:9: warning: message 'Unused' is declared but never sent",
             "test.commit:3:9: warning: message 'Lonely' is sent but never received",
             "test.commit:4:14: warning: variable 'idle' of role 'A' is never used"]),
    Hostile("50,000 unused messages (each warning rendered against a 1 MB file)",
            "protocol P\nrole A { state s initial decides commit }\n" + numbered(50_000, "message M#"),
            (0..<50_000).map { "test.commit:\($0 + 3):9: warning: message 'M\($0)' is declared but never sent" }, seconds: 10),
  ]

  @Test("Each hostile model gets its exact diagnostics, within its time bound, without crashing",
        arguments: cases)
  func hostile(_ row: Hostile) {
    let clock = ContinuousClock()
    var actual: [String] = []
    let elapsed = clock.measure { actual = outcome(row.source, row.options) }
    #expect(actual == row.expected)
    #expect(elapsed < .milliseconds(Int(row.seconds * 1000)))
  }
}
