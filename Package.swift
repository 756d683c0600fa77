// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "CommitCheck",
  products: [
    .library(name: "CommitCheck", targets: ["CommitCheck"]),
    .executable(name: "commitcheck", targets: ["commitcheck"]),
  ],
  targets: [
    .target(name: "CommitCheckLanguage"),
    .target(name: "CommitCheckModel", dependencies: ["CommitCheckLanguage"]),
    .target(name: "CommitCheckExplorer", dependencies: ["CommitCheckModel"]),
    .target(name: "CommitCheckExport", dependencies: ["CommitCheckExplorer"]),
    .target(
      name: "CommitCheck",
      dependencies: ["CommitCheckLanguage", "CommitCheckModel", "CommitCheckExplorer", "CommitCheckExport"]),
    .executableTarget(name: "commitcheck", dependencies: ["CommitCheck"]),
    .testTarget(name: "CommitCheckTests", dependencies: ["CommitCheck"]),
  ]
)
