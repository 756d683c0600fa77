@_exported import CommitCheckDistributed
@_exported import CommitCheckExplorer
@_exported import CommitCheckExport
@_exported import CommitCheckLanguage
@_exported import CommitCheckMarkov
@_exported import CommitCheckModel
@_exported import CommitCheckPetri

// The library product: one entry point per analysis, over a model loaded and compiled once.
//
//     let model = try loadModel(path: "models/two-phase-commit.commit", options: compile)
//     let report = model.check(options: explorer)                 // every property's verdict
//     let trace = try model.trace(property: "termination", options: explorer)
//     let graph = try model.stateGraph(options: explorer, graph: GraphOptions())
//     let machines = try model.roleMachines(exploring: explorer)
//     let markov = try model.markov(options: explorer, markov: MarkovOptions())
//     let petri = try model.petri(options: explorer)
//
// Each returns a typed result or throws `CommitCheckError`, the one error type of the pipeline.
// Limits and cancellation travel in `ExplorerOptions` (`maxStates`, `maxMemory`, `timeout`,
// `stop`); nothing is read from globals. The stages (`Language` → `Model` → `Explorer` →
// `Markov`/`Petri` → `Export`) are re-exported for callers that want the pieces; the writers
// in `Export` turn results into text, JSON, DOT, PNML, PRISM and DRN.
