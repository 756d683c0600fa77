// swift-tools-version: 6.0
import PackageDescription

/// The successor function and the state store run billions of times: dynamic exclusivity
/// checks on their class-held buffers cost a fifth of the time, and the code never overlaps
/// accesses (one generator per thread).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

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
    .target(name: "CommitCheckModel", dependencies: ["CommitCheckLanguage"], swiftSettings: hotPath),
    // One C header: the processor's prefetch hint for the state store, which Swift lacks.
    .target(name: "CommitCheckPrefetch"),
    .target(name: "CommitCheckExplorer", dependencies: ["CommitCheckModel", "CommitCheckPrefetch"], swiftSettings: hotPath),
    .target(name: "CommitCheckMarkov", dependencies: ["CommitCheckExplorer"]),
    .target(name: "CommitCheckPetri", dependencies: ["CommitCheckExplorer"]),
    .target(
      name: "CommitCheckExport",
      dependencies: ["CommitCheckExplorer", "CommitCheckMarkov", "CommitCheckPetri"]),
    .target(
      name: "CommitCheck",
      dependencies: [
        "CommitCheckLanguage", "CommitCheckModel", "CommitCheckExplorer", "CommitCheckMarkov",
        "CommitCheckPetri", "CommitCheckExport",
      ]),
    .executableTarget(name: "commitcheck", dependencies: ["CommitCheck"]),
    .executableTarget(name: "commitcheck-bench", dependencies: ["CommitCheck"]),
    // A libFuzzer target; see its main.swift for the build flags that make it one.
    .executableTarget(name: "commitcheck-fuzz", dependencies: ["CommitCheck"]),
    .testTarget(name: "CommitCheckTests", dependencies: ["CommitCheck"], resources: [.copy("Resources")]),
  ]
)
