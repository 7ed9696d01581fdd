// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "descent",
  products: [
    .executable(name: "descent", targets: ["descent"])
  ],
  targets: [
    .systemLibrary(
      name: "CYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"])]
    ),
    .target(name: "YAMLNode", dependencies: ["CYAML"]),
    .target(name: "DescentCore"),
    .target(name: "DescentConfig", dependencies: ["YAMLNode", "DescentCore"]),
    .target(name: "DescentRunner", dependencies: ["DescentConfig", "DescentCore"]),
    .target(name: "DescentReports", dependencies: ["DescentRunner", "DescentConfig", "DescentCore"]),
    .target(
      name: "DescentCommandLine",
      dependencies: ["DescentReports", "DescentRunner", "DescentConfig", "DescentCore", "YAMLNode"]
    ),
    .executableTarget(name: "descent", dependencies: ["DescentCommandLine"]),
    .executableTarget(name: "descent-bench", dependencies: ["DescentCore"]),

    .target(name: "TestSupport", dependencies: ["DescentCore"], path: "Tests/TestSupport"),
    .testTarget(name: "YAMLNodeTests", dependencies: ["YAMLNode"]),
    .testTarget(
      name: "DescentCoreTests", dependencies: ["DescentCore", "TestSupport"],
      exclude: ["Fixtures"]  // read from the source tree (scripts/torch-reference.py writes them)
    ),
    .testTarget(
      name: "DescentConfigTests", dependencies: ["DescentConfig", "YAMLNode", "TestSupport"],
      exclude: ["Corpus"]  // broken configs with their expected diagnostics, read from the source tree
    ),
    .testTarget(
      name: "DescentRunnerTests", dependencies: ["DescentRunner", "DescentConfig", "YAMLNode", "TestSupport"]),
    .testTarget(name: "DescentReportsTests", dependencies: ["DescentReports", "DescentRunner", "TestSupport"]),
    .testTarget(name: "EndToEndTests", dependencies: ["descent", "TestSupport"]),
  ]
)
