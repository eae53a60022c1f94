import Foundation

// MARK: - A folder of rule files being edited

/// The rule files of one knowledge base as an editor holds them: every `*.rules` file
/// directly inside a folder and every `*.case` file in its `cases/` folder, with the text of
/// the files open in the editor in place of what is saved.
///
/// The language server keeps one per folder and re-analyses it after each change
/// (`analyse()`): the whole knowledge base is compiled again, with every check, so a
/// diagnostic in one file that comes from another (a renamed id, a duplicate) is always
/// current. That takes a few milliseconds for the shipped rules (Docs/Performance.md).
package struct RulesWorkspace: Sendable {
  /// One file as last set: its text parsed and indexed, kept until the text changes, so a
  /// keystroke in one file parses only that file again.
  private struct ParsedFile: Sendable {
    let source: SourceFile
    let parse: (file: SyntaxFile, diagnostics: [Diagnostic])
    let entries: SymbolIndex.FileEntries

    init(path: String, text: String) {
      source = SourceFile(path: path, text: text)
      parse = Parser.parse(source)
      entries = SymbolIndex.FileEntries(parse.file, source: source)
    }
  }

  /// The folder, as given (the paths of its files start with it).
  package let folder: String
  /// Problems reading the folder's files from disk.
  package private(set) var readingDiagnostics: [Diagnostic]
  private let checks: [any KnowledgeBaseCheck]
  private var files: [String: ParsedFile] = [:]

  /// The paths of the files, sorted.
  package var paths: [String] { files.keys.sorted() }

  /// A file's text, if the workspace has it.
  package func text(of path: String) -> String? { files[path]?.source.text }

  /// A workspace of the given files (paths ending `.rules` or `.case`).
  package init(folder: String, texts: [String: String] = [:], checks: [any KnowledgeBaseCheck] = allChecks) {
    self.folder = folder
    self.readingDiagnostics = []
    self.checks = checks
    for (path, text) in texts { setText(text, of: path) }
  }

  /// The workspace of a folder as saved on disk: its `*.rules` files and `cases/*.case`.
  package static func reading(folder: String, checks: [any KnowledgeBaseCheck] = allChecks) -> RulesWorkspace {
    var workspace = RulesWorkspace(folder: folder, checks: checks)
    let rules = KnowledgeBase.readFiles(in: folder, extension: "rules")
    let casesFolder = (folder as NSString).appendingPathComponent("cases")
    var cases: (files: [SourceFile], diagnostics: [Diagnostic]) = ([], [])
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: casesFolder, isDirectory: &isDirectory), isDirectory.boolValue {
      cases = KnowledgeBase.readFiles(in: casesFolder, extension: "case")
    }
    for file in rules.files + cases.files { workspace.setText(file.text, of: file.path) }
    workspace.readingDiagnostics = rules.diagnostics + cases.diagnostics
    return workspace
  }

  /// Whether a path is a file of this workspace's kinds (`.rules` or `.case`).
  package static func holds(_ path: String) -> Bool { path.hasSuffix(".rules") || path.hasSuffix(".case") }

  /// Sets a file's text (an editor's open buffer, or a file saved outside the editor).
  package mutating func setText(_ text: String, of path: String) {
    guard files[path]?.source.text != text else { return }
    files[path] = ParsedFile(path: path, text: text)
  }

  /// Forgets a file (deleted, or closed and not saved in the folder).
  package mutating func removeFile(_ path: String) { files[path] = nil }

  /// Compiles the rule files with every check, checks the cases against the result, and
  /// indexes every id.
  package func analyse() -> WorkspaceAnalysis {
    let parsed = files.values.sorted { $0.source.path < $1.source.path }
    let ruleFiles = parsed.filter { !$0.source.path.hasSuffix(".case") }
    let caseFiles = parsed.filter { $0.source.path.hasSuffix(".case") }
    let compiled = KnowledgeBaseCompiler.compile(parsed: ruleFiles.map { ($0.source, $0.parse) }, checks: checks)
    var diagnostics = readingDiagnostics + compiled.diagnostics
    if let knowledgeBase = compiled.knowledgeBase {
      diagnostics += CaseLoader.load(parsed: caseFiles.map { ($0.source, $0.parse) }, for: knowledgeBase).diagnostics
    } else {
      for file in caseFiles { diagnostics += file.parse.diagnostics }
    }
    var byFile: [String: [Diagnostic]] = Dictionary(uniqueKeysWithValues: parsed.map { ($0.source.path, []) })
    for diagnostic in diagnostics { byFile[diagnostic.range.file, default: []].append(diagnostic) }
    return WorkspaceAnalysis(
      sources: Dictionary(uniqueKeysWithValues: parsed.map { ($0.source.path, $0.source) }),
      diagnostics: byFile.mapValues { $0.sortedForDisplay() }, knowledgeBase: compiled.knowledgeBase,
      index: SymbolIndex(parsed.map { (path: $0.source.path, entries: $0.entries) }))
  }
}

/// What one analysis of a workspace found: the answers an editor asks for are computed from
/// it (`hover`, `definition`, `references`, `rename`, `completions`, `formatted`, `fixes`).
package struct WorkspaceAnalysis: Sendable {
  /// Every file's text, by path.
  package let sources: [String: SourceFile]
  /// Every file's diagnostics (an empty list for a file with none), by path.
  package let diagnostics: [String: [Diagnostic]]
  /// The knowledge base, when the rule files have no errors.
  package let knowledgeBase: KnowledgeBase?
  /// Every id written, and where.
  package let index: SymbolIndex
}

/// A change to a file's text: replace `range` with `newText`.
package struct TextEdit: Sendable, Hashable {
  package let range: SourceRange
  package let newText: String

  package init(range: SourceRange, newText: String) {
    self.range = range
    self.newText = newText
  }
}
