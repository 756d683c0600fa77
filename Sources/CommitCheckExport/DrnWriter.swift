import CommitCheckMarkov

/// Writes a Markov chain in Storm's explicit DRN format (as Storm's `DirectEncodingParser` reads
/// it): the embedded DTMC, one `action 0` per state, labels after the state id.
public enum DrnWriter {
  public static func text(_ analysis: MarkovAnalysis) -> String {
    let chain = analysis.chain
    var out = "// \(analysis.report.model): embedded DTMC of the CommitCheck Markov chain\n"
    out += "@type: DTMC\n@parameters\n\n@reward_models\n\n"
    out += "@nr_states\n\(chain.stateCount)\n@nr_choices\n\(chain.stateCount)\n@model\n"
    for s in 0..<chain.stateCount {
      out += "state \(s)"
      for l in PrismWriter.stateLabels(analysis, s) { out += " " + PrismWriter.labels[l] }
      out += "\n\taction 0\n"
      if chain.isAbsorbing(s) {
        out += "\t\t\(s) : 1\n"
        continue
      }
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
        out += "\t\t\(chain.columns[e]) : \(chain.probability(e, from: s))\n"
      }
    }
    return out
  }
}
