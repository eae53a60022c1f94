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
  /// The folder, as given (the paths of its files start with it).
  package let folder: String
  /// Each file's text, by path.
  package private(set) var texts: [String: String]
  /// Problems reading the folder's files from disk.
  package private(set) var readingDiagnostics: [Diagnostic]
  private let checks: [any KnowledgeBaseCheck]

  /// A workspace of the given files (paths ending `.rules` or `.case`).
  package init(folder: String, texts: [String: String] = [:], checks: [any KnowledgeBaseCheck] = allChecks) {
    self.folder = folder
    self.texts = texts
    self.readingDiagnostics = []
    self.checks = checks
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
    for file in rules.files + cases.files { workspace.texts[file.path] = file.text }
    workspace.readingDiagnostics = rules.diagnostics + cases.diagnostics
    return workspace
  }

  /// Whether a path is a file of this workspace's kinds (`.rules` or `.case`).
  package static func holds(_ path: String) -> Bool { path.hasSuffix(".rules") || path.hasSuffix(".case") }

  /// Sets a file's text (an editor's open buffer, or a file saved outside the editor).
  package mutating func setText(_ text: String, of path: String) { texts[path] = text }

  /// Forgets a file (deleted, or closed and not saved in the folder).
  package mutating func removeFile(_ path: String) { texts[path] = nil }

  /// Compiles the rule files with every check, checks the cases against the result, and
  /// indexes every id.
  package func analyse() -> WorkspaceAnalysis {
    let sources = texts.map { SourceFile(path: $0.key, text: $0.value) }.sorted { $0.path < $1.path }
    let ruleFiles = sources.filter { !$0.path.hasSuffix(".case") }
    let caseFiles = sources.filter { $0.path.hasSuffix(".case") }
    let compiled = KnowledgeBaseCompiler.compile(ruleFiles, checks: checks)
    var diagnostics = readingDiagnostics + compiled.diagnostics
    var syntax = compiled.syntax
    if let knowledgeBase = compiled.knowledgeBase {
      diagnostics += CaseLoader.load(caseFiles, for: knowledgeBase).diagnostics
    }
    for file in caseFiles {
      let parsed = Parser.parse(file)
      syntax.append(parsed.file)
      if compiled.knowledgeBase == nil { diagnostics += parsed.diagnostics }
    }
    var byFile: [String: [Diagnostic]] = Dictionary(uniqueKeysWithValues: sources.map { ($0.path, []) })
    for diagnostic in diagnostics { byFile[diagnostic.range.file, default: []].append(diagnostic) }
    let sourcesByPath = Dictionary(uniqueKeysWithValues: sources.map { ($0.path, $0) })
    return WorkspaceAnalysis(
      sources: sourcesByPath, diagnostics: byFile.mapValues { $0.sortedForDisplay() }, knowledgeBase: compiled.knowledgeBase,
      index: SymbolIndex(syntax, sources: sourcesByPath))
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
