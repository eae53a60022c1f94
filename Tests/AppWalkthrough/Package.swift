// swift-tools-version:6.0
import PackageDescription

// An app's-eye walkthrough of the library: README.md's "Embed the library" example and the
// code of the DocC articles (Sources/Upstream/Upstream.docc), compiled and run against the
// public API only, as a separate package depends on Upstream. `.ci/docs` runs it:
//
//   swift run --package-path Tests/AppWalkthrough --scratch-path .build/walkthrough
//
// It exits non-zero, saying what failed, when an example no longer compiles, no longer
// does what the text says, or no longer matches the text word for word.
let package = Package(
  name: "AppWalkthrough",
  platforms: [.macOS(.v13)],
  dependencies: [
    // Upstream itself, by path (an app would use `.package(url: …, from: "0.1.0")`). The
    // name makes `package: "Upstream"` below work whatever the checkout's folder is called
    // (a path dependency's identity is its folder's name).
    .package(name: "Upstream", path: "../..")
  ],
  targets: [
    .executableTarget(name: "AppWalkthrough", dependencies: [.product(name: "Upstream", package: "Upstream")])
  ]
)
