import CommitCheckExplorer
import CommitCheckMarkov
import CommitCheckModel

/// Everything the HTML report shows (`LoadedModel.report` gathers it): the check with coverage,
/// each violated property's counterexample, the role machines with what the explored graph
/// uses, and the Markov outcomes.
public struct ModelReport: Sendable {
  public var system: TransitionSystem
  /// The check, with `coverage` set.
  public var check: CheckReport
  /// One per violated property with a counterexample, in the report's order.
  public var counterexamples: [Counterexample]
  public var machines: [RoleMachine]
  /// Each role's machine drawn by Graphviz as SVG, in `machines`' order; nil when not drawn so
  /// (the page then lays them out itself).
  public var machineDrawings: [String]?
  /// The Markov chain's outcomes, when rates were given or the model declares them.
  public var markov: MarkovReport?
  /// Why the outcomes were asked for (rates) but not computed.
  public var markovSkipped: String?

  public init(system: TransitionSystem, check: CheckReport, counterexamples: [Counterexample],
              machines: [RoleMachine], machineDrawings: [String]? = nil, markov: MarkovReport? = nil) {
    self.system = system
    self.check = check
    self.counterexamples = counterexamples
    self.machines = machines
    self.machineDrawings = machineDrawings
    self.markov = markov
  }
}
