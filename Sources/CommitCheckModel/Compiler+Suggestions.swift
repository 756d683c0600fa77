import CommitCheckLanguage

/// "Did you mean" for names the model uses but does not declare: each message names the mistake,
/// then the declared name of the same kind closest to it (`Suggestion`), when one is close.
/// Only compile time pays for them.
extension Compiler {
  func unknownRole(_ name: String) -> String {
    "unknown role '\(name)'" + Suggestion.hint(for: name, among: model.roles.map(\.name.name))
  }

  func unknownState(_ name: String, role r: Int) -> String {
    "unknown state '\(name)' in role '\(roles[r].name)'" + Suggestion.hint(for: name, among: roles[r].states)
  }

  func unknownMessage(_ name: String) -> String {
    "unknown message '\(name)'" + Suggestion.hint(for: name, among: model.messages.map(\.name.name))
  }

  func unknownField(_ field: String, message m: Int) -> String {
    "message '\(messages[m].name)' has no field '\(field)'" + Suggestion.hint(for: field, among: messages[m].fieldNames)
  }

  /// Types a variable or field may have: `bool`, enums and roles.
  func unknownType(_ name: String) -> String {
    let known = ["bool"] + model.enums.map(\.name.name) + model.records.map(\.name.name) + model.roles.map(\.name.name)
    if let close = Suggestion.closest(to: name, among: known) { return "unknown type '\(name)'; did you mean '\(close)'?" }
    return "unknown type '\(name)'; expected 'bool', a range such as '0...3', an enum, a record, a role, 'set<Role>' or 'map<Role, T>'"
  }

  /// `role 'A' has no variable 'x'`, for `p.x` with `p` of role `r`; a control state of the role
  /// gets how to test it instead.
  func noVariable(_ name: String, role r: Int, process: String) -> String {
    let message = "role '\(roles[r].name)' has no variable '\(name)'"
    if state(name, of: r) != nil {
      return message + "; '\(name)' is a control state: test it with '\(process) in \(name)'"
    }
    return message + Suggestion.hint(for: name, among: roles[r].vars.map(\.name))
  }

  /// `unknown name 'x'`, with a way to read it when it is another role's variable, or else the
  /// closest name the expression could have meant.
  func unknownName(_ name: String, scope: Scope) -> String {
    let message = "unknown name '\(name)'"
    if !scope.constantOnly, !scope.stateless, let access = otherRoleVariable(name, scope: scope) {
      return message + "; " + access
    }
    return message + Suggestion.hint(for: name, among: visibleNames(scope))
  }

  /// `unknown variable 'x' in role 'A'` for an assignment, which may change only the process's
  /// own variables.
  func unknownVariable(_ name: String, scope: Scope) -> String {
    let r = scope.role!
    let message = "unknown variable '\(name)' in role '\(roles[r].name)'"
    let owners = roles.indices.filter { $0 != r && varIndex[$0][name] != nil }
    if !owners.isEmpty {
      let whose = owners.map { "'\(roles[$0].name)'" }.joined(separator: ", ")
      return message + "; '\(name)' is a variable of role\(owners.count == 1 ? "" : "s") \(whose), and a process assigns only its own variables"
    }
    return message + Suggestion.hint(for: name, among: roles[r].vars.map(\.name))
  }

  /// `'yes' is a variable of role 'Coordinator': write 'Coordinator.yes'`, when `name` is a
  /// variable of a role other than the one whose code mentions it (in properties: of any role).
  /// A process reads another process's variables as `p.name` (see models/README.md, Variables).
  func otherRoleVariable(_ name: String, scope: Scope) -> String? {
    let owners = roles.indices.filter { $0 != scope.role && varIndex[$0][name] != nil }
    guard !owners.isEmpty else { return nil }
    let ways = owners.map { r -> String in
      let role = roles[r].name
      let single = roles[r].count == 1 && model.roles[r].count == nil
      return single ? "'\(role).\(name)'" : "'p.\(name)' for a process p of that role, such as '\(role)[1].\(name)'"
    }
    let whose = owners.count == 1 ? "role '\(roles[owners[0]].name)'"
      : "roles " + owners.map { "'\(roles[$0].name)'" }.joined(separator: ", ")
    return "'\(name)' is a variable of \(whose): write " + ways.joined(separator: " or ")
  }

  /// The names an expression in `scope` can use, nearest first: bindings, `self` and the role's
  /// variables, then parameters, enum cases and one-instance roles.
  func visibleNames(_ scope: Scope) -> [String] {
    var names = scope.locals.reversed().map(\.name)
    if scope.constantOnly { return names + paramOrder.map(\.0) }
    if let r = scope.role, !scope.stateless { names += ["self"] + roles[r].vars.map(\.name) }
    names += paramOrder.map(\.0)
    names += enums.flatMap(\.cases)
    names += roles.indices.filter { roles[$0].count == 1 && model.roles[$0].count == nil }.map { roles[$0].name }
    return names
  }
}
