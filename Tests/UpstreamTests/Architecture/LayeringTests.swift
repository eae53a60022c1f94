import Foundation
import Testing

/// The library's folders are layers, and this test keeps them so (Docs/Architecture.md).
///
/// A file may use the names its own folder declares and those of the folders in lower
/// layers; never a name declared only in a higher layer, nor one declared only in another
/// folder of its own layer (peers stay independent). Names are the types each folder
/// declares (`struct`, `enum`, `class`, `protocol`, `typealias`, `actor`, at any depth) and
/// its top-level functions and constants; `extension X` declares nothing, it uses `X`. The
/// code is read as text, without comments and string literals (see `SwiftSource`).
///
/// It also keeps the library's imports to Foundation and Dispatch, with platform modules
/// only behind `#if canImport(…)`, and keeps single-platform APIs behind `#if`.
@Suite("Layering")
struct LayeringTests {
  /// Sources/Upstream's folders, lowest layer first: the pipeline's order. Folders in one
  /// layer are peers.
  static let layers: [[String]] = [
    // Knows nothing of rules: JSON values and their writer, days, clocks, hashing, numbers.
    ["Support"],
    // Source files and positions; diagnostics, their codes and how they are shown.
    ["Diagnostics"],
    // Text read with positions: the rule language (lexer, parser, syntax tree) and JSON.
    ["Language"],
    // The compiler and what it builds (compiled conditions, the evaluation plan, the
    // knowledge base), the loader, and the reviewer checks (KnowledgeBase/Checks).
    ["KnowledgeBase"],
    // Answers, forward chaining, certainties, the assessment.
    ["Engine"],
    // Why an assessment came out so: justifications, the recommendation tree, why, why
    // not, what if, the answer planner.
    ["Explanation"],
    // Answers coming in: answers files, FHIR, lines, the questionnaire.
    ["Questionnaire"],
    // Tools for rule authors: formatter, diff (which reads answers files), knowledge
    // graph, explain.
    ["Authoring"],
    // Text, Markdown, HTML, JSON, DOT and Mermaid renderers of the layers below.
    ["Rendering"],
    // Clinical cases run against the rules | many answers files assessed at once.
    ["Cases", "Batch"],
    // What an editor asks while rules and cases are written (the language server's
    // intelligence): diagnostics across files, hover, definition, rename, completion.
    ["Editing"],
  ]

  /// Folder → its layer, counted from 1 (the lowest).
  static let layerOf: [String: Int] = Dictionary(
    uniqueKeysWithValues: layers.enumerated().flatMap { index, folders in folders.map { ($0, index + 1) } })

  /// Names only their own folder may use, whatever the layers say: the engine's working
  /// memory is the engine's (others decide conditions with `ConditionMatcher`).
  static let folderPrivate: [String: Set<String>] = ["Engine": ["Run"]]

  // MARK: The layer order

  @Test("every folder of Sources/Upstream has one place in the layer order")
  func everyFolderHasALayer() {
    let onDisk = Set(SourceTree.library.map(SourceTree.folder(of:)))
    let listed = Self.layers.flatMap { $0 }
    #expect(Set(listed).count == listed.count, "LayeringTests.layers lists a folder twice: \(listed)")
    for folder in onDisk.sorted() where Self.layerOf[folder] == nil {
      let place = folder.isEmpty ? "a file directly in Sources/Upstream" : "Sources/Upstream/\(folder)"
      Issue.record("\(place) has no layer: put it in a folder listed in LayeringTests.layers, or list the folder there")
    }
    for folder in listed where !onDisk.contains(folder) {
      Issue.record("LayeringTests.layers lists \(folder), which is not a folder of Sources/Upstream")
    }
  }

  /// Every use of a name declared only in a higher layer or in a peer folder, as messages
  /// naming file:line, the name, both layers and the direction.
  static func violations(_ files: [SwiftSource]) -> [String] {
    let dependencies = FolderDependencies(files)
    var messages: [String] = []
    for use in dependencies.uses {
      guard let own = layerOf[use.fromFolder] else { continue }
      let layered = use.declaredIn.compactMap { folder in layerOf[folder].map { (folder: folder, layer: $0) } }
      // Declared in a lower layer too (a nested name such as `Kind`): the lower one may be meant.
      guard !layered.isEmpty, !layered.contains(where: { $0.layer < own }) else { continue }
      let lowest = layered.min { ($0.layer, $0.folder) < ($1.layer, $1.folder) }!
      let direction =
        lowest.layer == own
        ? "sideways: folders of one layer are peers and must not use each other"
        : "upward: a layer must not depend on a higher one"
      messages.append(
        "\(use.file):\(use.line): '\(use.name)' (declared in \(lowest.folder), layer \(lowest.layer)) is used from "
          + "\(use.fromFolder) (layer \(own)): \(use.fromFolder) → \(lowest.folder) is \(direction). Move the code "
          + "to the layer it belongs to, or the name down (Docs/Architecture.md)")
    }
    return messages
  }

  @Test("no file uses a name declared only in a higher layer or in a peer folder")
  func layering() {
    for message in Self.violations(SourceTree.library) { Issue.record("\(message)") }
  }

  @Test("names private to a folder are used only there")
  func folderPrivateNames() {
    for file in SourceTree.library {
      let folder = SourceTree.folder(of: file)
      for (owner, names) in Self.folderPrivate where owner != folder {
        for token in file.tokens where names.contains(token.text) {
          Issue.record("\(file.path):\(token.line): '\(token.text)' belongs to \(owner) alone; \(folder) must not use it")
        }
      }
    }
  }

  @Test("the scan sees the code: the folders' own types, and their uses")
  func scanSeesTheCode() {
    let dependencies = FolderDependencies(SourceTree.library)
    #expect(SourceTree.library.count > 80)
    #expect(dependencies.declaredIn["KnowledgeBase"] == ["KnowledgeBase"])
    #expect(dependencies.declaredIn["Run"] == ["Engine"])
    #expect(dependencies.declaredIn["standardChecks"] == ["KnowledgeBase"])
    #expect(dependencies.edges["Engine"]?.contains("KnowledgeBase") == true)
    #expect(dependencies.edges["Rendering"]?.contains("Explanation") == true)
  }

  @Test("the scan: comments and strings are not code, interpolations are; an extension declares nothing")
  func scanner() {
    let file = SwiftSource(
      path: "Sources/Upstream/Support/Example.swift",
      text: ##"""
        // Hidden in a comment
        /* and in /* a nested */ Hidden comment */
        struct Local {
          let a = "Hidden \(Shown.make("Hidden")) text"
          let b = #"a "Hidden" \(x) \#(AlsoShown.y)"#
          static func notAType() {}
        }
        extension Elsewhere {}
        let c = """
          Hidden "quoted"
          """
        var actor = Local()
        """##)
    let names = Set(file.tokens.map(\.text))
    #expect(!names.contains("Hidden"))
    #expect(names.isSuperset(of: ["Shown", "AlsoShown", "Elsewhere", "Local"]))
    #expect(!names.contains("x"))
    #expect(file.declarations.map(\.name) == ["Local", "c", "actor"])
    #expect(file.declarations.map(\.isType) == [true, false, false])
    #expect(file.tokens.first { $0.text == "Elsewhere" }?.line == 8)
  }

  @Test("a use upward or sideways is reported with file, line, name, layers and direction; downward is not")
  func reportsViolations() {
    let files = [
      SwiftSource(path: "Sources/Upstream/Support/Low.swift", text: "struct Low { let high: High }\n"),
      SwiftSource(path: "Sources/Upstream/Engine/High.swift", text: "struct High { let low: Low }\n"),
      SwiftSource(path: "Sources/Upstream/Cases/Case.swift", text: "struct Case {}\n"),
      SwiftSource(path: "Sources/Upstream/Batch/Tool.swift", text: "\nextension Case {}\n"),
    ]
    let messages = Self.violations(files)
    #expect(messages.count == 2)
    #expect(
      messages.contains {
        $0.hasPrefix(
          "Sources/Upstream/Support/Low.swift:1: 'High' (declared in Engine, layer 5) is used from Support (layer 1): Support → Engine is upward")
      })
    #expect(
      messages.contains {
        $0.hasPrefix(
          "Sources/Upstream/Batch/Tool.swift:2: 'Case' (declared in Cases, layer 10) is used from Batch (layer 10): Batch → Cases is sideways")
      })
  }

  // MARK: Imports and platforms

  /// What the library may import anywhere: Foundation, and Dispatch (part of every Swift
  /// toolchain).
  static let allowedImports: Set<String> = ["Foundation", "Dispatch"]
  /// Modules that exist on some platforms only: imported only inside an
  /// `#if canImport(<the same module>)` branch.
  static let platformModules: Set<String> = [
    "Glibc", "Musl", "Bionic", "Android", "Darwin", "WinSDK", "ucrt", "CRT", "WASILibc", "FoundationNetworking",
    "FoundationXML", "FoundationEssentials",
  ]
  /// The package's other targets: they sit on top of the library, never under it.
  static let packageTargets: Set<String> = [
    "UpstreamServer", "UpstreamLanguageServer", "UpstreamCommandLine", "UpstreamCLI", "UpstreamTestSupport", "EmbedRules",
  ]

  /// Names that exist on one platform only, with the platform: each use must sit inside an
  /// `#if os(…)` or `#if canImport(…)` branch (with another way for the other platforms).
  static let singlePlatformNames: [String: String] = [
    "Glibc": "Linux", "Musl": "Linux", "Darwin": "Apple platforms", "WinSDK": "Windows",
    "epoll_create1": "Linux", "epoll_ctl": "Linux", "epoll_wait": "Linux", "inotify_init1": "Linux",
    "inotify_add_watch": "Linux", "eventfd": "Linux", "signalfd": "Linux", "timerfd_create": "Linux",
    "sched_getaffinity": "Linux", "get_nprocs": "Linux", "sysinfo": "Linux", "prctl": "Linux", "pipe2": "Linux",
    "accept4": "Linux", "memfd_create": "Linux", "O_TMPFILE": "Linux", "O_PATH": "Linux",
    "st_mtim": "Linux", "st_atim": "Linux", "st_ctim": "Linux",
    "st_mtimespec": "Apple platforms", "st_atimespec": "Apple platforms", "st_birthtimespec": "Apple platforms",
    "mach_absolute_time": "Apple platforms", "kqueue": "Apple platforms", "kevent": "Apple platforms",
    "os_unfair_lock": "Apple platforms", "F_FULLFSYNC": "Apple platforms",
  ]

  /// Import problems in files: modules outside `allowed`, package targets, platform
  /// modules outside their `#if canImport`.
  static func importProblems(_ files: [SwiftSource], allowed: Set<String>, target: String) -> [String] {
    var problems: [String] = []
    for file in files {
      for (module, line) in file.imports where !allowed.contains(module) {
        if packageTargets.contains(module) {
          problems.append("\(file.path):\(line): \(target) imports \(module), a target that sits on top of the library")
        } else if platformModules.contains(module) {
          if !file.conditions(atLine: line).contains(where: { $0.contains("canImport(\(module))") }) {
            problems.append("\(file.path):\(line): 'import \(module)' outside '#if canImport(\(module))': it exists on some platforms only")
          }
        } else {
          problems.append("\(file.path):\(line): \(target) imports \(module); it may import only \(allowed.sorted().joined(separator: ", "))")
        }
      }
    }
    return problems
  }

  @Test(
    "the library imports Foundation, Dispatch and UpstreamDigest (SHA-256) only, platform modules only behind #if canImport, never UpstreamCommandLine"
  )
  func libraryImports() {
    let allowed = Self.allowedImports.union(["UpstreamDigest"])
    for problem in Self.importProblems(SourceTree.library, allowed: allowed, target: "the library") {
      Issue.record("\(problem)")
    }
    #expect(
      !SourceTree.library.contains { $0.imports.contains { $0.module == "UpstreamCommandLine" } },
      "the library must not import UpstreamCommandLine")
  }

  @Test("the commands import Foundation, Dispatch, the library, the server and the language server only")
  func commandLineImports() {
    let files = SourceTree.files(of: "UpstreamCommandLine")
    #expect(!files.isEmpty)
    // The commands sit on the server target (`upstream serve`, and the operations both share)
    // and on the language server (`upstream lsp`).
    let allowed = Self.allowedImports.union(["Upstream"])
    let problems = Self.importProblems(files, allowed: allowed, target: "UpstreamCommandLine").filter {
      !$0.hasSuffix("imports UpstreamServer, a target that sits on top of the library")
        && !$0.hasSuffix("imports UpstreamLanguageServer, a target that sits on top of the library")
    }
    for problem in problems { Issue.record("\(problem)") }
  }

  @Test("the server imports Foundation, Dispatch, the library and UpstreamDigest only; the library has no socket code")
  func serverImports() {
    let files = SourceTree.files(of: "UpstreamServer")
    #expect(!files.isEmpty)
    let allowed = Self.allowedImports.union(["Upstream", "UpstreamDigest"])
    for problem in Self.importProblems(files, allowed: allowed, target: "UpstreamServer") {
      Issue.record("\(problem)")
    }
    // Sockets belong to the server target: the library stays usable in an app.
    let socketCalls: Set<String> = ["socket", "bind", "listen", "accept", "connect", "recv", "send", "getaddrinfo", "setsockopt", "sockaddr_in"]
    for file in SourceTree.library {
      for token in file.tokens where socketCalls.contains(token.text) {
        Issue.record("\(file.path):\(token.line): '\(token.text)' is socket code; it belongs in Sources/UpstreamServer, not the library")
      }
    }
  }

  @Test("the language server imports Foundation, Dispatch and the library only")
  func languageServerImports() {
    let files = SourceTree.files(of: "UpstreamLanguageServer")
    #expect(!files.isEmpty)
    for problem in Self.importProblems(files, allowed: Self.allowedImports.union(["Upstream"]), target: "UpstreamLanguageServer") {
      Issue.record("\(problem)")
    }
  }

  @Test("no single-platform API outside an #if os or #if canImport branch")
  func platformAPIs() {
    for file in SourceTree.library + SourceTree.files(of: "UpstreamCommandLine") + SourceTree.files(of: "UpstreamServer")
      + SourceTree.files(of: "UpstreamLanguageServer")
    {
      for token in file.tokens {
        guard let platform = Self.singlePlatformNames[token.text] else { continue }
        let guarded = file.conditions(atLine: token.line).contains { $0.contains("os(") || $0.contains("canImport(") }
        if !guarded {
          Issue.record(
            "\(file.path):\(token.line): '\(token.text)' exists on \(platform) only; put it inside '#if os(…)' or '#if canImport(…)' with a way for the other platforms"
          )
        }
      }
    }
  }

  @Test("an unguarded platform import or API is reported; one behind #if canImport is not")
  func reportsPlatformProblems() {
    let guarded = SwiftSource(
      path: "Sources/Upstream/Support/A.swift", text: "#if canImport(Glibc)\nimport Glibc\n#else\nimport Darwin\n#endif\n")
    let problems = Self.importProblems([guarded], allowed: Self.allowedImports, target: "the library")
    #expect(problems == ["Sources/Upstream/Support/A.swift:4: 'import Darwin' outside '#if canImport(Darwin)': it exists on some platforms only"])
    let commands = SwiftSource(path: "Sources/Upstream/Support/B.swift", text: "import Foundation\nimport UpstreamCommandLine\n")
    #expect(Self.importProblems([commands], allowed: Self.allowedImports, target: "the library").count == 1)
  }
}
