import Foundation

// MARK: - Loading knowledge bases

/// Where a knowledge base comes from, and what loading it found.
public struct LoadedKnowledgeBase: Sendable {
  /// The knowledge base, when its files have no errors.
  public let knowledgeBase: KnowledgeBase?
  /// Every diagnostic, sorted by file and position.
  public let diagnostics: [Diagnostic]
  /// The rule files read, by the path shown in diagnostics.
  public let files: [SourceFile]
}

extension KnowledgeBase {
  /// The largest rule file accepted, in bytes.
  package static let maximumFileSize = 64 << 20

  /// Compiles a knowledge base from in-memory files: (name, text) pairs.
  package static func compile(files: [(name: String, text: String)]) -> LoadedKnowledgeBase {
    compile(files.map { SourceFile(path: $0.name, text: $0.text) })
  }

  /// Compiles source files into a knowledge base, running every reviewer check.
  public static func compile(_ files: [SourceFile]) -> LoadedKnowledgeBase { compile(files, checks: allChecks) }

  /// Compiles source files into a knowledge base, running `checks`; `contentHash`, when
  /// given, is the files' content hash worked out before. With `jobs` above 1 the files are
  /// parsed, and the checks run, on up to that many threads, with the same result.
  package static func compile(
    _ files: [SourceFile], checks: [any KnowledgeBaseCheck], contentHash: String? = nil, jobs: Int = 1
  ) -> LoadedKnowledgeBase {
    let output = KnowledgeBaseCompiler.compile(files, checks: checks, contentHash: contentHash, jobs: jobs)
    return LoadedKnowledgeBase(
      knowledgeBase: output.knowledgeBase, diagnostics: output.diagnostics,
      files: files.sorted { $0.path < $1.path })
  }

  /// The default knowledge base that ships inside Upstream (the `rules/` folder).
  ///
  /// Compiled once per process, on first use, and shared: call it as often as is
  /// convenient (a `KnowledgeBase` is immutable and `Sendable`).
  public static func bundled() -> LoadedKnowledgeBase { bundledOnce }

  /// The bundled knowledge base, compiled on first use (Swift runs a static initialiser once).
  private static let bundledOnce = bundled(checks: allChecks)

  /// The bundled knowledge base compiled afresh with `checks`, stamped with the content
  /// hash the `EmbedRules` build tool worked out (the same value, without hashing at run time).
  package static func bundled(checks: [any KnowledgeBaseCheck]) -> LoadedKnowledgeBase {
    compile(bundledFiles(extension: "rules"), checks: checks, contentHash: EmbeddedRules.contentHash)
  }

  /// The bundled files with one extension, named `rules/…`.
  static func bundledFiles(extension fileExtension: String) -> [SourceFile] {
    // The default knowledge base is rules/*.rules and rules/cases/*.case: optional modules
    // (rules/instruments/…) are embedded too, but not loaded.
    EmbeddedRules.files.filter { $0.path.hasSuffix("." + fileExtension) }
      .filter { $0.path.split(separator: "/").count == (fileExtension == "rules" ? 1 : 2) }
      .map { SourceFile(path: "rules/" + $0.path, text: $0.text) }
  }

  /// Loads every `*.rules` file directly inside a folder as one knowledge base.
  public static func load(directory path: String) -> LoadedKnowledgeBase { load(directory: path, checks: allChecks) }

  /// Loads every `*.rules` file directly inside each folder as one knowledge base: a
  /// clinic adds an optional module (`rules/instruments/phq-9`) to the main folder this way.
  /// Exactly one of the folders declares the `knowledge base` header.
  public static func load(directories paths: [String]) -> LoadedKnowledgeBase {
    load(directories: paths, checks: allChecks)
  }

  /// Loads every `*.rules` file directly inside each folder (each folder once), running
  /// `checks`, on up to `jobs` threads (see `compile(_:checks:contentHash:jobs:)`).
  package static func load(directories paths: [String], checks: [any KnowledgeBaseCheck], jobs: Int = 1) -> LoadedKnowledgeBase {
    var seen = Set<String>()
    let folders = paths.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
    guard let first = folders.first else {
      let diagnostic = Diagnostic.error(
        .folderNotFound, "no folder was given: name at least one folder that holds .rules files", at: .wholeFile("rules"))
      return LoadedKnowledgeBase(knowledgeBase: nil, diagnostics: [diagnostic], files: [])
    }
    guard folders.count > 1 else { return load(directory: first, checks: checks, jobs: jobs) }
    var files: [SourceFile] = []
    var diagnostics: [Diagnostic] = []
    for folder in folders {
      let read = readFiles(in: folder, extension: "rules")
      files += read.files
      diagnostics += read.diagnostics
      if read.diagnostics.isEmpty && read.files.isEmpty {
        diagnostics.append(.error(.noRuleFiles, "the folder '\(folder)' has no .rules files", at: .wholeFile(folder)))
      }
    }
    guard !diagnostics.hasErrors else {
      return LoadedKnowledgeBase(knowledgeBase: nil, diagnostics: diagnostics, files: files)
    }
    return compile(files, checks: checks, jobs: jobs)
  }

  /// Loads every `*.rules` file directly inside a folder, running `checks`, on up to `jobs` threads.
  package static func load(directory path: String, checks: [any KnowledgeBaseCheck], jobs: Int = 1) -> LoadedKnowledgeBase {
    let read = readFiles(in: path, extension: "rules")
    guard read.diagnostics.isEmpty || !read.diagnostics.hasErrors else {
      return LoadedKnowledgeBase(knowledgeBase: nil, diagnostics: read.diagnostics, files: read.files)
    }
    if read.files.isEmpty {
      let diagnostic = Diagnostic.error(
        .noRuleFiles, "the folder '\(path)' has no .rules files", at: .wholeFile(path))
      return LoadedKnowledgeBase(knowledgeBase: nil, diagnostics: [diagnostic], files: [])
    }
    return compile(read.files, checks: checks, jobs: jobs)
  }

  /// Reads the files with an extension directly inside a folder, reporting problems.
  package static func readFiles(in path: String, extension fileExtension: String) -> (files: [SourceFile], diagnostics: [Diagnostic]) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return ([], [.error(.folderNotFound, "there is no folder '\(path)'", at: .wholeFile(path))])
    }
    guard isDirectory.boolValue else {
      let parent = (path as NSString).deletingLastPathComponent
      return (
        [],
        [
          .error(
            .folderNotFound,
            "'\(path)' is a file, not a folder; give the folder that holds the .\(fileExtension) files"
              + (parent.isEmpty ? "" : " (here: '\(parent)')"), at: .wholeFile(path))
        ]
      )
    }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
      return ([], [.error(.unreadableFile, "cannot list the folder '\(path)': \(error.localizedDescription)", at: .wholeFile(path))])
    }
    var files: [SourceFile] = []
    var diagnostics: [Diagnostic] = []
    for name in names.sorted() where name.hasSuffix("." + fileExtension) && !name.hasPrefix(".") {
      let filePath = (path as NSString).appendingPathComponent(name)
      switch readSource(filePath) {
      case .success(let file): files.append(file)
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    return (files, diagnostics)
  }

  /// Reads one UTF-8 file, refusing files that are too large or not UTF-8, and anything
  /// but a regular file (a FIFO would block for ever, a link loop has no end).
  package static func readSource(_ path: String) -> Result<SourceFile, Diagnostic> {
    var info = stat()
    guard stat(path, &info) == 0 else {
      let reason = errno == ELOOP ? "it is a symbolic link that leads back to itself" : String(cString: strerror(errno))
      return .failure(.error(.unreadableFile, "cannot read '\(path)': \(reason)", at: .wholeFile(path)))
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      let kind = FileKind.describe(info.st_mode & S_IFMT)
      return .failure(.error(.unreadableFile, "cannot read '\(path)': it is \(kind); only regular files are read", at: .wholeFile(path)))
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      return .failure(.error(.unreadableFile, "cannot read '\(path)'", at: .wholeFile(path)))
    }
    defer { try? handle.close() }
    let data: Data
    do {
      data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
    } catch {
      return .failure(.error(.unreadableFile, "cannot read '\(path)': \(error.localizedDescription)", at: .wholeFile(path)))
    }
    if data.count > maximumFileSize {
      return .failure(
        .error(.inputTooLarge, "'\(path)' is larger than \(maximumFileSize >> 20) MiB, the most Upstream reads", at: .wholeFile(path)))
    }
    return decodeUTF8(data, path: path).map { SourceFile(path: path, text: $0) }
  }

  /// Decodes UTF-8, pointing at the first invalid byte.
  package static func decodeUTF8(_ data: Data, path: String) -> Result<String, Diagnostic> {
    if let text = String(data: data, encoding: .utf8) {
      return .success(text)
    }
    // Find the first bad byte to report its line.
    let bytes = [UInt8](data)
    var offset = 0
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var consumed = 0
    decode: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        consumed += UTF8.width(scalar)
        offset = consumed
      case .emptyInput: break decode
      case .error: break decode
      }
    }
    let prefix = String(decoding: bytes[0..<min(offset, bytes.count)], as: UTF8.self)
    let source = SourceFile(path: path, text: prefix)
    let location = source.location(ofOffset: prefix.utf8.count)
    let range = SourceRange(file: path, start: location, end: location)
    return .failure(
      .error(.invalidEncoding, "'\(path)' is not valid UTF-8 text (first bad byte at line \(location.line)); save it as UTF-8", at: range))
  }
}
