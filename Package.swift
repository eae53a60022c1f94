// swift-tools-version:6.0
import PackageDescription

// The targets follow the architecture (Docs/Architecture.md):
//   Upstream               the library: rule language → knowledge base → engine → explanation
//                          → questionnaire → rendering, behind a deliberate public API
//   UpstreamServer         `upstream serve`: HTTP/1.1 on the platform's sockets, the JSON API and
//                          the web questionnaire, and the operations the commands share with them
//   UpstreamLanguageServer `upstream lsp`: the Language Server Protocol over stdio (framing,
//                          JSON-RPC, documents, UTF-16 positions) on the library's editing support
//   UpstreamCommandLine    the `upstream` commands: parse arguments, call the library, print
//   upstream               the executable: hands its arguments to UpstreamCommandLine
//   UpstreamTestSupport    synthetic knowledge bases for the tests and benchmarks
//   UpstreamDigest         SHA-256 and the rules' content hash (the library and EmbedRules)
// Internals shared between these targets use `package` access, never `public`.
let package = Package(
  name: "Upstream",
  platforms: [.macOS(.v13), .iOS(.v16)],
  products: [
    .library(name: "Upstream", targets: ["Upstream"]),
    .executable(name: "upstream", targets: ["UpstreamCLI"]),
  ],
  targets: [
    // SHA-256 and the rules' content hash, shared by the library and the build tool.
    .target(name: "UpstreamDigest"),
    // Build-time tool that turns rules/*.rules and rules/cases/*.case into Swift string
    // constants, so the default knowledge base travels inside the binary, with its content hash.
    .executableTarget(name: "EmbedRules", dependencies: ["UpstreamDigest"], path: "Sources/EmbedRules"),
    .plugin(
      name: "EmbedRulesPlugin", capability: .buildTool(), dependencies: ["EmbedRules"],
      path: "Sources/EmbedRulesPlugin"),
    .target(name: "Upstream", dependencies: ["UpstreamDigest"], plugins: [.plugin(name: "EmbedRulesPlugin")]),
    .target(name: "UpstreamServer", dependencies: ["Upstream", "UpstreamDigest"]),
    .target(name: "UpstreamLanguageServer", dependencies: ["Upstream"]),
    .target(name: "UpstreamCommandLine", dependencies: ["Upstream", "UpstreamServer", "UpstreamLanguageServer"]),
    .executableTarget(name: "UpstreamCLI", dependencies: ["UpstreamCommandLine"], path: "Sources/UpstreamCLI"),
    .target(name: "UpstreamTestSupport", dependencies: ["Upstream"]),
    // Benchmarks: `swift run -c release upstream-bench` (never timed tests).
    .executableTarget(
      name: "upstream-bench", dependencies: ["Upstream", "UpstreamLanguageServer", "UpstreamTestSupport"],
      path: "Sources/UpstreamBench"),
    .testTarget(
      name: "UpstreamTests",
      dependencies: [
        "Upstream", "UpstreamDigest", "UpstreamServer", "UpstreamLanguageServer", "UpstreamCommandLine",
        "UpstreamTestSupport",
      ]),
  ]
)
