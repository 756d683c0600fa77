import CommitCheckMarkov
import CommitCheckModel

/// Writes a Markov chain as PRISM's explicit model files (`.tra`, `.sta`, `.lab`), as the PRISM
/// manual's appendix "Explicit Model Files" describes them.
///
/// The chain written is the embedded DTMC, `i j p` with p = rate / exit rate, or with `ctmc`
/// the CTMC's rate matrix, `i j rate`. Terminal (absorbing) states get an explicit self-loop
/// (probability 1, or rate 1: a self-loop changes nothing in a CTMC), so no row is empty and
/// PRISM has no deadlock to fix; they also carry PRISM's `deadlock` label. Import with
/// `prism -importtrans P.tra -importstates P.sta -importlabels P.lab -dtmc` (or `-ctmc`); then
/// `P=? [ F "commit" ]` gives the commit probability `commitcheck markov` prints.
public enum PrismWriter {
  /// The label names, in the order of their indices in the `.lab` file.
  public static let labels = ["init", "deadlock"] + Outcome.allCases.map(\.name)

  /// `.tra`: the first line is `states transitions`, then one `source target probability` line
  /// per transition, sorted by source and target.
  public static func transitions(_ analysis: MarkovAnalysis, ctmc: Bool = false) -> String {
    let chain = analysis.chain
    var absorbing = 0
    for s in 0..<chain.stateCount where chain.isAbsorbing(s) { absorbing += 1 }
    var out = "\(chain.stateCount) \(chain.transitionCount + absorbing)\n"
    for s in 0..<chain.stateCount {
      if chain.isAbsorbing(s) {
        out += "\(s) \(s) 1\n"
        continue
      }
      for e in chain.rowStart[s]..<chain.rowStart[s + 1] {
        out += "\(s) \(chain.columns[e]) \(ctmc ? chain.rates[e] : chain.probability(e, from: s))\n"
      }
    }
    return out
  }

  /// `.sta`: the variable names, then `id:(values)` per state. The variables are the state
  /// vector's slots (control states, crashed flags, variables, network contents, remaining
  /// failure budgets) as their codes, named so that PRISM accepts them as identifiers. Under
  /// symmetry reduction each state is one representative of its orbit, and a last variable,
  /// `orbit_size`, says how many states the orbit has.
  public static func states(_ analysis: MarkovAnalysis) -> String {
    let ex = analysis.exploration
    var names = ex.system.layout.names
    if ex.symmetry != nil { names.append("orbit size") }
    var out = "(" + variableNames(names).joined(separator: ",") + ")\n"
    for s in 0..<analysis.chain.stateCount {
      var values = ex.state(UInt32(s))
      if let symmetry = ex.symmetry { values.append(symmetry.orbitSize(values)) }
      out += "\(s):(" + values.map(String.init).joined(separator: ",") + ")\n"
    }
    return out
  }

  /// `.lab`: `0="init" 1="deadlock" 2="commit" ...`, then `id: labels` for every state with at
  /// least one label. Each outcome label marks exactly the states of the bottom components of
  /// that class.
  public static func labelFile(_ analysis: MarkovAnalysis) -> String {
    var out = labels.enumerated().map { "\($0.offset)=\"\($0.element)\"" }.joined(separator: " ") + "\n"
    for s in 0..<analysis.chain.stateCount {
      let marks = stateLabels(analysis, s)
      if !marks.isEmpty { out += "\(s): " + marks.map(String.init).joined(separator: " ") + "\n" }
    }
    return out
  }

  /// The label indices of state `s` (into `labels`).
  static func stateLabels(_ analysis: MarkovAnalysis, _ s: Int) -> [Int] {
    var marks: [Int] = []
    if s < analysis.chain.initialCount { marks.append(0) }
    if analysis.chain.isAbsorbing(s) { marks.append(1) }
    if let outcome = analysis.outcome(ofState: s) { marks.append(2 + outcome.rawValue) }
    return marks
  }

  /// Slot names made into distinct identifiers: `Participant[1].votedYes` → `Participant_1_votedYes`.
  static func variableNames(_ names: [String]) -> [String] {
    var seen: Set<String> = []
    return names.map { name in
      var id = ""
      for ch in name.unicodeScalars {
        let ok = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch == "_"
        if ok {
          id.unicodeScalars.append(ch)
        } else if !id.hasSuffix("_") {
          id += "_"
        }
      }
      while id.hasSuffix("_") && id.count > 1 { id.removeLast() }
      if id.isEmpty || id.first!.isNumber { id = "v_" + id }
      var unique = id
      var k = 2
      while !seen.insert(unique).inserted {
        unique = "\(id)_\(k)"
        k += 1
      }
      return unique
    }
  }
}
