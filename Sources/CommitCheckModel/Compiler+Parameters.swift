import CommitCheckLanguage

/// Steps with parameters: `on s step Poke(r: RM, k: 0...2) { ... }` is one transition per
/// valuation of its parameters, as TLA+'s `\E r \in RM, k \in 0..2: Poke(r, k)` is one action
/// per value. Each is compiled with the values fixed, so traces, coverage, rates and the Petri
/// net see `Poke(r: RM[2], k: 0)` as a transition of its own, and a move costs no more than a
/// step without parameters.
extension Compiler {
  /// The transitions a declaration stands for: one, or one per valuation of its parameters.
  func compileTransitions(_ t: TransitionDecl, role r: Int) -> [(TransitionInfo, CompiledTransition)] {
    guard !t.parameters.isEmpty else { return compileTransition(t, role: r).map { [$0] } ?? [] }
    let stepName = t.name?.name ?? "step"
    var axes: [(name: String, values: [(typed: Typed, text: String)], uid: Int, range: SourceRange)] = []
    var valuations = 1
    for p in t.parameters {
      if axes.contains(where: { $0.name == p.name.name }) {
        error("duplicate parameter '\(p.name.name)' in step '\(stepName)'", p.name.range)
        return []
      }
      if !isFreshName(p.name.name, scope: Scope(role: r)) || state(p.name.name, of: r) != nil {
        error("'\(p.name.name)' is already declared; a step parameter needs a new name", p.name.range)
        return []
      }
      guard let d = domain(p.type) else { return [] }
      guard let values = parameterValues(d, stepName: stepName, line: t.range.start.line) else {
        error("a step parameter ranges over bool, a range, an enum, a role's instances or a set of them; '\(p.name.name)' is \(describe(d))",
          p.type.range)
        return []
      }
      valuations *= values.count
      if valuations > Limits.stepValuations {
        error("step '\(stepName)' has more than \(Limits.stepValuations) valuations of its parameters; narrow their types",
          p.type.range)
        return []
      }
      bindings += 1
      axes.append((p.name.name, values, bindings, p.name.range))
    }
    var out: [(TransitionInfo, CompiledTransition)] = []
    let reported = diagnostics.count
    for i in 0..<valuations {
      var rest = i
      var fixed: [(name: String, typed: Typed, uid: Int)] = []
      var texts: [String] = []
      for axis in axes {
        let value = axis.values[rest % axis.values.count]
        rest /= axis.values.count
        fixed.append((axis.name, value.typed, axis.uid))
        texts.append("\(axis.name): \(value.text)")
      }
      let before = diagnostics.count
      let compiled = compileTransition(t, role: r, fixed: fixed, label: "\(stepName)(\(texts.joined(separator: ", ")))")
      // Every valuation compiles the same text: its diagnostics are the first one's.
      if i > 0 { diagnostics.removeSubrange(before...) }
      guard let compiled, !diagnostics[reported...].contains(where: { $0.severity == .error }) else { return [] }
      out.append(compiled)
    }
    for axis in axes where !usedBindings.contains(axis.uid) {
      diagnostics.append(.warning(
        "parameter '\(axis.name)' of step '\(stepName)' is never used; each of its \(axis.values.count) values makes a transition that does the same",
        at: axis.range))
    }
    return out
  }

  /// Each value of a parameter's domain, as compiled code sees it and as a trace names it; nil
  /// for a domain a parameter cannot range over (maps, records).
  func parameterValues(_ d: Domain, stepName: String, line: Int) -> [(typed: Typed, text: String)]? {
    switch d {
    case .bool:
      return [(constantValue(0, .bool), "false"), (constantValue(1, .bool), "true")]
    case .range(let low, let high):
      return (low...high).map { (constantValue($0, .int), "\($0)") }
    case .enumeration(let e):
      return enums[e].cases.enumerated().map { (constantValue($0.offset, .enumeration(e)), $0.element) }
    case .process(let r):
      breakSymmetry(r, "step '\(stepName)' takes a parameter over the instances of '\(roles[r].name)' (line \(line))")
      return processes(of: r).map { p in
        var typed = constantValue(p, .process(r))
        typed.processes = [p]
        return (typed, processes[p].name)
      }
    case .set(let r):
      breakSymmetry(r, "step '\(stepName)' takes a parameter over sets of '\(roles[r].name)' (line \(line))")
      let first = roles[r].firstProcess
      return (0..<(1 << roles[r].count)).map { bits in
        let members = (0..<roles[r].count).filter { (bits >> $0) & 1 != 0 }.map { processes[first + $0].name }
        return (constantValue(bits, .set(r)), "{" + members.joined(separator: ", ") + "}")
      }
    case .map, .record:
      return nil
    }
  }
}
