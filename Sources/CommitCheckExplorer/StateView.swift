import CommitCheckModel

/// One process in a state, told in full: its control state, whether it crashed, and every
/// variable (each entry of a map on its own), as a trace prints them.
public struct ProcessView: Sendable, Hashable {
  public var process: String
  public var control: String
  public var crashed: Bool
  /// `(votedYes, true)`, `(decision[Participant[1]], commit)`.
  public var variables: [Variable]

  public struct Variable: Sendable, Hashable {
    public var name: String
    public var value: String
  }
}

extension Exploration {
  /// Every process of a state, in full (for a report that shows the whole state at a step).
  public func processViews(_ slots: [Int]) -> [ProcessView] {
    system.processes.indices.map { p in
      var variables: [ProcessView.Variable] = []
      forEachVariable(of: p) { name, key, domain, slot in
        let value = system.describe(value: system.value(code: slots[slot], domain: domain), domain: domain)
        variables.append(ProcessView.Variable(name: name + (key.map { "[\($0)]" } ?? ""), value: value))
      }
      return ProcessView(process: system.processes[p].name, control: controlName(slots, p),
                         crashed: system.isCrashed(slots, process: p), variables: variables)
    }
  }

  /// The messages in flight in a state, one line each (`Vote(yes: true) Participant[1]→Coordinator ×2`).
  public func messagesInFlight(_ slots: [Int]) -> [String] {
    system.messagesInFlight(slots).map { messageLine(($0.source, $0.target, $0.text, $0.copies)) }
  }
}

/// A violated property's counterexample as a report shows it: the verdict, the trace, its
/// sequence chart, and every state along it in full.
public struct Counterexample: Sendable {
  public var property: PropertyResult
  public var trace: Trace
  public var chart: SequenceChart
  /// Per step (the initial state first): every process, in full.
  public var states: [[ProcessView]]
  /// Per step: the messages in flight after it.
  public var inFlight: [[String]]
}

extension Exploration {
  /// The counterexample of a property, told in full; nil when it has none.
  public func counterexample(_ property: PropertyResult) -> Counterexample? {
    guard let trace = property.trace else { return nil }
    return Counterexample(property: property, trace: trace, chart: sequenceChart(trace),
                          states: trace.steps.map { processViews($0.state) },
                          inFlight: trace.steps.map { messagesInFlight($0.state) })
  }
}
