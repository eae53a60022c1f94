import Foundation
import Testing

/// The picture in Docs/Architecture.md is drawn from the real dependencies: the targets
/// and their dependencies as Package.swift declares them, and the library's folders with
/// the folder → folder uses the layering scan finds (`FolderDependencies`, the scan
/// `LayeringTests` checks), stacked in `LayeringTests.layers` order.
///
/// The test fails when Docs/images/architecture.dot is not what the code gives; run it with
/// `UPSTREAM_UPDATE_DOCS=1` to rewrite the .dot and draw the .svg with Graphviz's `dot`.
@Suite("Architecture picture")
struct ArchitectureGraphTests {
  static let root = UpstreamBinary.packageRoot
  static let updating = ProcessInfo.processInfo.environment["UPSTREAM_UPDATE_DOCS"] == "1"

  // MARK: Package.swift

  /// A target as Package.swift declares it.
  struct Target: Equatable {
    /// `target`, `executableTarget`, `testTarget` or `plugin`.
    let kind: String
    let name: String
    let dependencies: [String]
    let plugins: [String]
  }

  /// The text inside the brackets that open at `open` (which holds `(` or `[`).
  static func balanced(_ text: [Character], from open: Int) -> Range<Int> {
    let opening = text[open]
    let closing: Character = opening == "(" ? ")" : "]"
    var depth = 0
    var inString = false
    for index in open..<text.count {
      let character = text[index]
      if character == "\"" { inString.toggle() }
      if inString { continue }
      if character == opening { depth += 1 }
      if character == closing {
        depth -= 1
        if depth == 0 { return (open + 1)..<index }
      }
    }
    return (open + 1)..<text.count
  }

  /// The quoted strings in some text.
  static func quoted(_ text: String) -> [String] {
    text.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
  }

  /// The value of `label: "…"` or the strings of `label: […]` in a call's arguments.
  static func argument(_ label: String, in arguments: [Character]) -> [String] {
    let text = String(arguments)
    guard let found = text.range(of: "\(label):") else { return [] }
    let after = text[found.upperBound...].drop { $0 == " " || $0 == "\n" }
    let start = arguments.count - after.count
    if after.first == "[" {
      return quoted(String(arguments[balanced(arguments, from: start)]))
    }
    return quoted(String(after.prefix { $0 != "," && $0 != ")" })).prefix(1).map { $0 }
  }

  /// The targets of a Package.swift, in the order it declares them (comments left out).
  static func targets(ofPackage text: String) -> [Target] {
    let code = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
      guard let comment = line.range(of: "//"), !line[..<comment.lowerBound].contains("\"") else { return line }
      return line[..<comment.lowerBound]
    }.joined(separator: "\n")
    let characters = Array(code)
    let kinds = ["executableTarget", "testTarget", "target", "plugin"]
    var found: [Target] = []
    var index = 0
    var skipUntil = 0
    while index < characters.count {
      defer { index += 1 }
      guard index >= skipUntil, characters[index] == "." else { continue }
      guard
        let kind = kinds.first(where: { kind in
          let end = index + 1 + kind.count
          return end < characters.count && String(characters[(index + 1)..<end]) == kind && characters[end] == "("
        })
      else { continue }
      let arguments = balanced(characters, from: index + 1 + kind.count)
      let text = Array(characters[arguments])
      guard let name = argument("name", in: text).first else { continue }
      found.append(
        Target(
          kind: kind, name: name, dependencies: argument("dependencies", in: text), plugins: argument("plugins", in: text)))
      skipUntil = arguments.upperBound
    }
    return found
  }

  /// Product name → the target it is built from (`upstream` → `UpstreamCLI`).
  static func products(ofPackage text: String) -> [String: String] {
    var products: [String: String] = [:]
    for kind in [".executable(", ".library("] {
      for part in text.components(separatedBy: kind).dropFirst() {
        let call = Array("(" + part)
        let arguments = Array(call[balanced(call, from: 0)])
        if let name = argument("name", in: arguments).first, let target = argument("targets", in: arguments).first {
          products[target] = (kind == ".library(" ? "library " : "executable ") + name
        }
      }
    }
    return products
  }

  // MARK: The picture

  static func identifier(_ name: String) -> String { "\"\(name)\"" }

  /// The DOT text of the picture.
  static func dot(packageText: String, files: [SwiftSource]) -> String {
    let targets = targets(ofPackage: packageText)
    let products = products(ofPackage: packageText)
    let library = "Upstream"
    let edges = FolderDependencies(files).edges
    var subfolders: [String: Set<String>] = [:]
    for file in files {
      let parts = file.path.split(separator: "/").dropFirst(2).dropLast()
      if parts.count > 1 { subfolders[String(parts.first!), default: []].insert(parts.dropFirst().joined(separator: "/")) }
    }
    let layers = LayeringTests.layers
    let top = layers.last!.first!
    let bottom = layers.first!.first!

    var lines: [String] = [
      "// Generated by ArchitectureGraphTests from Package.swift and Sources/Upstream (the scan LayeringTests",
      "// checks). Regenerate: UPSTREAM_UPDATE_DOCS=1 swift test --filter ArchitectureGraphTests",
      "digraph architecture {",
      "  graph [rankdir=TB, compound=true, newrank=true, fontname=\"Helvetica\", fontsize=12, nodesep=0.3, ranksep=0.3,",
      "         label=\"Upstream: the targets (Package.swift) and the library's folders, lowest layer at the bottom;\\nan arrow points at what is used (light: also used through another folder)\", labelloc=t];",
      "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, color=\"#546e7a\", fillcolor=\"#ffffff\"];",
      "  edge [color=\"#546e7a\", arrowsize=0.6, fontname=\"Helvetica\", fontsize=9];",
    ]
    lines.append("  subgraph cluster_library {")
    lines.append("    label=\"\(library) (library target): Sources/Upstream\"; style=\"rounded\"; color=\"#90a4ae\"; fontsize=11;")
    for (index, layer) in layers.enumerated().reversed() {
      var names: [String] = []
      for folder in layer {
        let extra = (subfolders[folder] ?? []).sorted().map { "\\n+ \($0)/" }.joined()
        lines.append("    \(identifier(folder)) [label=\"\(folder)\(extra)\", tooltip=\"layer \(index + 1)\", fillcolor=\"#fffde7\"];")
        names.append(identifier(folder))
      }
      if names.count > 1 { lines.append("    { rank=same; \(names.joined(separator: "; ")); }") }
    }
    lines.append("  }")
    // Keep the layers stacked even where one layer does not use the next.
    for (upper, lower) in zip(layers.dropFirst(), layers) {
      lines.append("  \(identifier(upper[0])) -> \(identifier(lower[0])) [style=invis];")
    }
    // Every use is drawn; one that another path already implies (Rendering → Support when
    // Rendering → Explanation → Support) is drawn light, so the layering shows.
    func reaches(_ from: String, _ to: String, without direct: (String, String)) -> Bool {
      var seen: Set<String> = []
      var stack = [from]
      while let folder = stack.popLast() {
        for next in edges[folder] ?? [] where (folder, next) != direct && seen.insert(next).inserted {
          if next == to { return true }
          stack.append(next)
        }
      }
      return false
    }
    for from in edges.keys.sorted() {
      for to in edges[from]!.sorted() {
        let implied = reaches(from, to, without: (from, to))
        lines.append("  \(identifier(from)) -> \(identifier(to))" + (implied ? " [color=\"#cfd8dc\"];" : ";"))
      }
    }
    for target in targets where target.name != library {
      let role: String
      switch target.kind {
      case "executableTarget": role = products[target.name] ?? "executable"
      case "testTarget": role = "tests"
      case "plugin": role = "build plugin"
      default: role = products[target.name] ?? "target"
      }
      let colour = target.kind == "testTarget" ? "#f3e5f5" : (target.kind == "target" ? "#e3f2fd" : "#e8f5e9")
      lines.append("  \(identifier("target " + target.name)) [label=\"\(target.name)\\n(\(role))\", fillcolor=\"\(colour)\"];")
    }
    for target in targets {
      let from = target.name == library ? identifier(bottom) : identifier("target " + target.name)
      let tail = target.name == library ? ", ltail=cluster_library" : ""
      for dependency in target.dependencies {
        let to = dependency == library ? identifier(top) : identifier("target " + dependency)
        let head = dependency == library ? ", lhead=cluster_library" : ""
        lines.append("  \(from) -> \(to) [color=\"#37474f\", penwidth=1.5\(tail)\(head)];")
      }
      for plugin in target.plugins {
        lines.append("  \(from) -> \(identifier("target " + plugin)) [style=dashed, label=\" builds with\"\(tail)];")
      }
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Graphviz's `dot`, when installed.
  static var graphviz: String? {
    ["/usr/bin/dot", "/usr/local/bin/dot", "/opt/homebrew/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  @Test("Package.swift is read: every target with its dependencies, and the products")
  func packageIsRead() throws {
    let text = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
    let targets = Self.targets(ofPackage: text)
    let names = targets.map(\.name)
    for name in [
      "Upstream", "UpstreamServer", "UpstreamLanguageServer", "UpstreamCommandLine", "UpstreamCLI", "UpstreamTestSupport", "UpstreamTests",
      "EmbedRulesPlugin", "UpstreamDigest",
    ] {
      #expect(names.contains(name), "\(name) not found in Package.swift")
    }
    #expect(Set(names).count == names.count)
    #expect(targets.first { $0.name == "UpstreamServer" }?.dependencies == ["Upstream", "UpstreamDigest"])
    #expect(targets.first { $0.name == "UpstreamLanguageServer" }?.dependencies == ["Upstream"])
    #expect(targets.first { $0.name == "UpstreamCommandLine" }?.dependencies == ["Upstream", "UpstreamServer", "UpstreamLanguageServer"])
    #expect(targets.first { $0.name == "Upstream" }?.plugins == ["EmbedRulesPlugin"])
    #expect(targets.first { $0.name == "Upstream" }?.dependencies == ["UpstreamDigest"])
    #expect(targets.first { $0.name == "EmbedRules" }?.dependencies == ["UpstreamDigest"])
    #expect(targets.first { $0.name == "UpstreamDigest" }?.dependencies == [])
    #expect(Self.products(ofPackage: text)["UpstreamCLI"] == "executable upstream")
  }

  @Test("Docs/images/architecture.dot is drawn from Package.swift and the library's real folder dependencies")
  func picture() throws {
    let packageText = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
    let generated = Self.dot(packageText: packageText, files: SourceTree.library)
    let dot = Self.root.appendingPathComponent("Docs/images/architecture.dot")
    let svg = Self.root.appendingPathComponent("Docs/images/architecture.svg")
    if Self.updating {
      try generated.write(to: dot, atomically: true, encoding: .utf8)
      if let graphviz = Self.graphviz {
        let drawing = try ChildProgram(graphviz, ["-Tsvg", dot.path, "-o", svg.path], environment: ChildEnvironment.clean())
        #expect(drawing.wait(seconds: 120) == .exited(0), "dot could not draw Docs/images/architecture.dot")
      }
    }
    #expect(
      (try? String(contentsOf: dot, encoding: .utf8)) == generated,
      "Docs/images/architecture.dot is out of date; run UPSTREAM_UPDATE_DOCS=1 swift test --filter ArchitectureGraphTests")
    #expect(FileManager.default.fileExists(atPath: svg.path), "Docs/images/architecture.svg is missing")
  }
}
