// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "CommitCheck",
  products: [
    .library(name: "CommitCheck", targets: ["CommitCheck"]),
    .executable(name: "commitcheck", targets: ["commitcheck"]),
    .executable(name: "commitcheck-bench", targets: ["commitcheck-bench"]),
    .executable(name: "commitcheck-fuzz", targets: ["commitcheck-fuzz"]),
  ],
  targets: [
    .target(name: "CommitCheckLanguage"),
    .target(name: "CommitCheckModel", dependencies: ["CommitCheckLanguage"]),
    // One C header: the processor's prefetch hint for the state store, which Swift lacks.
    .target(name: "CommitCheckPrefetch"),
    .target(name: "CommitCheckExplorer", dependencies: ["CommitCheckModel", "CommitCheckPrefetch"]),
    .target(name: "CommitCheckMarkov", dependencies: ["CommitCheckExplorer"]),
    .target(name: "CommitCheckPetri", dependencies: ["CommitCheckExplorer"]),
    // The distributed search (`--mpi`): Open MPI is loaded at run time, so nothing links it.
    .target(name: "CommitCheckDistributed", dependencies: ["CommitCheckExplorer", "CommitCheckPrefetch"]),
    .target(
      name: "CommitCheckExport",
      dependencies: ["CommitCheckExplorer", "CommitCheckMarkov", "CommitCheckPetri"]),
    .target(
      name: "CommitCheck",
      dependencies: [
        "CommitCheckLanguage", "CommitCheckModel", "CommitCheckExplorer", "CommitCheckMarkov",
        "CommitCheckPetri", "CommitCheckExport", "CommitCheckDistributed",
      ]),
    .executableTarget(name: "commitcheck", dependencies: ["CommitCheck"]),
    .executableTarget(name: "commitcheck-bench", dependencies: ["CommitCheck"]),
    // A libFuzzer target; see its main.swift for the build flags that make it one.
    .executableTarget(name: "commitcheck-fuzz", dependencies: ["CommitCheck"]),
    .testTarget(name: "CommitCheckTests", dependencies: ["CommitCheck"], resources: [.copy("Resources")]),
  ]
)
