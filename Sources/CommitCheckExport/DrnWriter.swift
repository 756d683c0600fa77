import CommitCheckMarkov

/// Writes a Markov chain in Storm's explicit DRN format (as Storm's `DirectEncodingParser` reads
/// it): the embedded DTMC, or with `ctmc` the CTMC (`@type: CTMC`, each state's exit rate after
/// `!`, transitions as rates), one `action 0` per state, labels after the state id. A terminal
/// state gets a self-loop (probability 1, or rate 1 with exit rate 1).
///
/// DRN has no declaration of labels: Storm knows a label only from the states that carry it. An
/// outcome class that no state has (no livelock, say) therefore has no label in the file, and a
/// comment at the top names those classes: their probability is 0.
public enum DrnWriter {
  public static func text(_ analysis: MarkovAnalysis, ctmc: Bool = false) -> String {
    let chain = analysis.chain
    var out = "// \(analysis.report.model): \(ctmc ? "CTMC" : "embedded DTMC") of the CommitCheck Markov chain\n"
    let absent = Outcome.allCases.filter { analysis.report.bottomComponents[$0.rawValue] == 0 }.map(\.name)
    if !absent.isEmpty {
      out += "// no state is labelled \(absent.map { "\"\($0)\"" }.joined(separator: ", ")): probability 0, and "
        + "Storm reports such a label as unknown\n"
    }
    out += "@type: \(ctmc ? "CTMC" : "DTMC")\n@parameters\n\n@reward_models\n\n"
    out += "@nr_states\n\(chain.stateCount)\n@nr_choices\n\(chain.stateCount)\n@model\n"
    for s in 0..<chain.stateCount {
      out += "state \(s)"
      if ctmc { out += " !\(chain.isAbsorbing(s) ? 1 : chain.exitRates[s])" }
      for l in PrismWriter.stateLabels(analysis, s) { out += " " + PrismWriter.labels[l] }
      out += "\n\taction 0\n"
      if chain.isAbsorbing(s) {
        out += "\t\t\(s) : 1\n"
        continue
      }
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
        out += "\t\t\(chain.columns[e]) : \(ctmc ? chain.rates[e] : chain.probability(e, from: s))\n"
      }
    }
    return out
  }
}
