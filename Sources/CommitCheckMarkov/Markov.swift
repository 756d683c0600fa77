/// Markov chains over an explored state graph.
///
/// `MarkovAnalysis` is the entry point: it turns a complete `Exploration` into a `MarkovChain`
/// (every move at its rate, from `RateTable`), splits it into strongly connected `Components`,
/// classifies the bottom ones into outcomes, and solves for absorption probabilities, expected
/// steps and time, transient distributions and the long run. The writers in CommitCheckExport
/// print the resulting `MarkovReport` and export the chain for PRISM and Storm.
