import CommitCheck
import Foundation

/// `commitcheck petri MODEL`: the equivalent place/transition net, analysed and exported.
struct PetriCommand {
  static let help = """
    usage: commitcheck petri MODEL [options]

    Builds a place/transition net equivalent to MODEL, which needs 'network unordered': a place
    per local state of each process (control state and variables), per message that can be in
    flight (its tokens are the copies), per crashed flag (an 'alive' and a 'crashed' place) and
    per failure budget (its tokens are the failures left); a transition per move of the model
    in each local situation. The net's reachability graph is checked to be the explored state
    graph, state for marking and label for label. Reports the bound of every place, the dead
    markings (the terminal states) and the place invariants (minimal P-semiflows, Farkas
    algorithm), among them each process's token conservation.

    Guards that read other processes (crashed(p), unreachable(p), p in S, p.x) become read arcs
    on those processes' places, one transition per value read. Refused, with the reason: 'fifo'
    and 'set' networks, timeouts without 'when' that could fire while a message can still be
    received, several initial states.

    options:
    \(ModelOptions.help)
      --pnml FILE          write the net as PNML 2009 (P/T net) for TINA, LoLA, GreatSPN, CPN Tools
      --dot FILE           write the net as Graphviz DOT (a cluster per process)
      --format text|json   report format (default text)
      --max-invariant-rows K  stop the invariant computation past K intermediate rows (default
                           20,000; 0 skips it): the minimal semiflows can be exponentially many
      -h, --help           show this help

    exit codes: 0 net built, 2 bad input or usage or a model the net cannot represent,
    3 stopped at a limit (the net needs every state)

    """

  var model = ModelOptions()
  var json = false
  var pnmlPath: String?
  var dotPath: String?
  var limits = InvariantLimits()

  init(_ args: ArraySlice<String>) throws(UsageError) {
    var model = ModelOptions()
    try parseArguments(args, command: "petri", help: Self.help, model: &model) { name, cursor throws(UsageError) in
      switch name {
      case "--format": json = try cursor.choice(["text": false, "json": true])
      case "--pnml": pnmlPath = try cursor.value()
      case "--dot": dotPath = try cursor.value()
      case "--max-invariant-rows": limits.rows = try cursor.count()
      default: return false
      }
      return true
    }
    self.model = model
    try model.rejectCompactHash("petri")
    if model.symmetry {
      throw UsageError(message: "--symmetry does not apply to petri: the net's reachability graph is the unreduced state graph")
    }
  }


  func run() -> Int32 {
    guard let loaded = model.load() else { return 2 }
    for w in loaded.warnings { printError(w) }
    if let refusal = PetriNet.refusal(for: loaded.system) {
      printError("commitcheck: \(refusal.message)")
      return 2
    }
    let exploration = model.explore(loaded)
    let analysis: PetriAnalysis
    do {
      analysis = try PetriAnalysis(exploration: exploration, invariantLimits: limits)
    } catch {
      printError("commitcheck: \(error.message)")
      return error.reason == .incompleteExploration ? 3 : 2
    }
    if let pnmlPath, !emit(PnmlWriter.pnml(analysis.net), to: pnmlPath) { return 2 }
    if let dotPath, !emit(PetriDotWriter.dot(analysis.net), to: dotPath) { return 2 }
    let output = json ? PetriReportWriter.json(analysis, file: loaded.file) : PetriReportWriter.text(analysis, file: loaded.file)
    FileHandle.standardOutput.write(Data(output.utf8))
    return 0
  }
}
