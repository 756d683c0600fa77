import CommitCheckModel
import CommitCheckPetri

/// Writes the report of `commitcheck petri`: the net's size, the bound of every place, the dead
/// markings and the place invariants, as text or as JSON.
///
/// JSON (`petri.schema.json`): `states` and `transitions` count the net's reachability graph,
/// which is the explored state graph (`isomorphic`); `places`, `net_transitions`, `arcs`,
/// `bounds`, `dead_markings` and `invariants` describe the net, with the ids (`p1`, `t1`, `a1`)
/// of the PNML file.
public enum PetriReportWriter {
  /// Dead markings listed in the text report; JSON lists all.
  static let deadMarkingsShown = 20
  /// Invariants listed in the text report besides the processes' conservation; JSON lists all.
  static let invariantsShown = 30

  public static func text(_ r: PetriAnalysis, file: String) -> String {
    let net = r.net, system = r.system
    var out = "model:        \(system.name) (\(file))\n"
    if !system.parameters.isEmpty {
      out += "parameters:   " + system.parameters.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + "\n"
    }
    let failures = system.failureList
    out += "failures:     " + (failures.isEmpty ? "none" : failures.map(\.label).joined(separator: ", ")) + "\n"
    out += "net:          \(ReportWriter.grouped(net.places.count)) places, \(ReportWriter.grouped(net.transitions.count)) transitions, \(ReportWriter.grouped(net.arcCount)) arcs\n"
    out += "reachability: \(ReportWriter.grouped(r.states)) markings, \(ReportWriter.grouped(r.edges)) edges: the explored state graph, label for label\n"
    out += "bounds:       " + (r.k <= 1 ? "safe (every place holds at most 1 token)" : "\(r.k)-bounded") + "\n"
    out += "dead:         \(ReportWriter.grouped(r.deadStates.count)) dead markings, the explorer's terminal states\n"
    let inv = r.invariants
    out += "invariants:   " + (inv.complete ? "\(inv.invariants.count) minimal P-semiflows (incidence rank \(inv.rank))" : inv.note ?? "not computed") + "\n"

    out += "\nplaces (initial tokens, bound):\n"
    let width = (net.places.map(\.name.count).max() ?? 0) + 2
    for (i, place) in net.places.enumerated() {
      let id = "p\(i + 1)".padding(toLength: 6, withPad: " ", startingAt: 0)
      out += "  \(id)\(place.name.padding(toLength: width, withPad: " ", startingAt: 0))\(place.initial)  \(r.bounds[i])\n"
    }

    out += "\ntransitions per process:\n"
    for (p, name) in net.processNames.enumerated() {
      out += "  \(name): \(net.transitions.count { $0.column == p })\n"
    }
    let environment = net.transitions.count { $0.column < 0 }
    if environment > 0 { out += "  network and partition: \(environment)\n" }

    out += "\ndead markings:\n"
    for (k, id) in r.deadStates.prefix(deadMarkingsShown).enumerated() {
      out += "  state \(id): " + markingText(r.deadMarkings[k], net) + "\n"
    }
    if r.deadStates.count > deadMarkingsShown {
      out += "  ... and \(r.deadStates.count - deadMarkingsShown) more (--format json lists all)\n"
    }
    if r.deadStates.isEmpty { out += "  none\n" }

    out += "\nplace invariants (weighted token sums that never change; places by id):\n"
    let conserving = conservation(r)
    var shown = 0
    for (k, i) in inv.invariants.enumerated() {
      if let p = conserving[k] {
        out += "  i\(k + 1)  \(net.processNames[p]) is conserved: one token among its \(i.weights.count) local-state places\n"
      } else if shown < invariantsShown {
        shown += 1
        out += "  i\(k + 1)  " + i.weights.map { ($0.weight == 1 ? "" : "\($0.weight)·") + "p\($0.place + 1)" }
          .joined(separator: " + ") + " = \(i.tokens)\n"
      }
    }
    let hidden = inv.invariants.count - conserving.count - shown
    if hidden > 0 { out += "  ... and \(hidden) more (--format json lists all)\n" }
    if !inv.complete { out += "  \(inv.note ?? "not computed")\n" }
    for p in net.processNames.indices where r.conservation(of: p) == nil {
      out += "  \(net.processNames[p]) " + (r.conserved[p] ? "is conserved: one token among its local-state places (checked directly)" : "is NOT conserved") + "\n"
    }
    return out
  }

  public static func json(_ r: PetriAnalysis, file: String) -> String {
    let net = r.net, system = r.system
    func place(_ i: Int) -> String { "p\(i + 1)" }
    let conserving = conservation(r)
    var fields: [(String, JSON)] = [("report", .string("petri"))]
    fields += JSONFields.model(system, file: file)
    fields += [
      ("states", .int(r.states)),
      ("transitions", .int(r.edges)),
      ("isomorphic", .bool(true)),
      ("size", .object([("places", .int(net.places.count)), ("net_transitions", .int(net.transitions.count)),
                        ("arcs", .int(net.arcCount))])),
      ("places", .array(net.places.enumerated().map { i, p in
        .object([("id", .string(place(i))), ("name", .string(p.name)), ("kind", .string(kindName(p.kind))),
                 ("process", p.column >= 0 ? .string(net.processNames[p.column]) : .null), ("initial", .int(p.initial))])
      })),
      ("net_transitions", .array(net.transitions.enumerated().map { t, tr in
        .object([("id", .string("t\(t + 1)")), ("name", .string(tr.name)), ("label", .string(tr.label)),
                 ("kind", .string(tr.action.kind.name)),
                 ("process", tr.column >= 0 ? .string(net.processNames[tr.column]) : .null),
                 ("inputs", arcsJSON(tr.inputs)), ("outputs", arcsJSON(tr.outputs))])
      })),
      ("arcs", .array(net.arcs.enumerated().map { k, a in
        let (source, target) = a.toTransition ? (place(a.place), "t\(a.transition + 1)") : ("t\(a.transition + 1)", place(a.place))
        return .object([("id", .string("a\(k + 1)")), ("source", .string(source)), ("target", .string(target)),
                        ("weight", .int(a.weight))])
      })),
      ("bounds", .object([("k", .int(r.k)),
                          ("places", .object(r.bounds.enumerated().map { (place($0.offset), .int($0.element)) }))])),
      ("dead_markings", .array(r.deadStates.enumerated().map { k, id in
        .object([("state", .int(Int(id))),
                 ("marking", .object(r.deadMarkings[k].map { (place($0.place), .int($0.weight)) })),
                 ("text", .string(markingText(r.deadMarkings[k], net)))])
      })),
      ("invariants", .array(r.invariants.invariants.enumerated().map { k, i in
        .object([("id", .string("i\(k + 1)")),
                 ("weights", .object(i.weights.map { (place($0.place), .int($0.weight)) })),
                 ("tokens", .int(i.tokens)),
                 ("conserves", conserving[k].map { .string(net.processNames[$0]) } ?? .null)])
      })),
      ("invariants_complete", .bool(r.invariants.complete)),
      ("conservation", .array(net.processNames.indices.map { p in
        .object([("process", .string(net.processNames[p])), ("holds", .bool(r.conserved[p])),
                 ("invariant", r.conservation(of: p).map { .string("i\($0 + 1)") } ?? .null)])
      })),
      ("incidence_rank", .int(r.invariants.rank)),
    ]
    return JSON.object(fields).rendered()
  }

  static func arcsJSON(_ arcs: [ArcWeight]) -> JSON {
    .array(arcs.map { .object([("place", .string("p\($0.place + 1)")), ("weight", .int($0.weight))]) })
  }

  /// Invariant index → the process whose conservation it is.
  static func conservation(_ r: PetriAnalysis) -> [Int: Int] {
    var out: [Int: Int] = [:]
    for p in r.net.processNames.indices {
      if let k = r.conservation(of: p) { out[k] = p }
    }
    return out
  }

  static func kindName(_ kind: PlaceKind) -> String {
    switch kind {
    case .local: "local"
    case .alive: "alive"
    case .crashed: "crashed"
    case .message: "message"
    case .budget: "budget"
    case .partition: "partition"
    }
  }

  /// The marked places by name, `×k` after a place with k > 1 tokens.
  static func markingText(_ marking: [ArcWeight], _ net: PetriNet) -> String {
    marking.map { net.places[$0.place].name + ($0.weight > 1 ? " ×\($0.weight)" : "") }.joined(separator: ", ")
  }
}
