// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Upstream",
  platforms: [.macOS(.v13), .iOS(.v16)],
  products: [
    .library(name: "Upstream", targets: ["Upstream"]),
    .executable(name: "upstream", targets: ["UpstreamCLI"]),
  ],
  targets: [
    // Build-time tool that turns rules/*.rules and rules/cases/*.case into Swift string
    // constants, so the default knowledge base travels inside the binary.
    .executableTarget(name: "EmbedRules", path: "Sources/EmbedRules"),
    .plugin(
      name: "EmbedRulesPlugin", capability: .buildTool(), dependencies: ["EmbedRules"],
      path: "Sources/EmbedRulesPlugin"),
    .target(name: "Upstream", plugins: [.plugin(name: "EmbedRulesPlugin")]),
    .executableTarget(name: "UpstreamCLI", dependencies: ["Upstream"], path: "Sources/UpstreamCLI"),
    // Benchmarks: `swift run -c release upstream-bench` (never timed tests).
    .executableTarget(name: "upstream-bench", dependencies: ["Upstream"], path: "Sources/UpstreamBench"),
    .testTarget(name: "UpstreamTests", dependencies: ["Upstream"]),
  ]
)
