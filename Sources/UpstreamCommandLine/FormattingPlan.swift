import Foundation
import Upstream

// MARK: - Formatting a folder

/// The formatted text of every file in a rules folder, worked out before anything is written.
struct FormattingPlan {
  /// One file whose layout changes.
  struct Change {
    let path: String
    let formatted: String
    /// The file's bytes on disk when it was read: it is replaced only if it still holds them.
    let original: Data?
  }

  /// Why a folder is left untouched, and the problems that say so.
  struct Refusal: Error {
    let reason: String
    let diagnostics: [Diagnostic]
    let sources: [SourceFile]
  }

  let changes: [Change]
  let fileCount: Int

  /// The header a module is formatted under: a folder of rules with no `knowledge base`
  /// header of its own (`rules/instruments/phq-9`) is checked with this in memory, never written.
  static let moduleHeader = SourceFile(
    path: "<module header>", text: "knowledge base \"Module\"\n  version \"0\"\n  disclaimer \"Formatting a module on its own.\"\n")

  /// Formats the rule files in `folder` and the case files in `folder/cases`, refusing
  /// when any of them has an error, and proving that the meaning does not change.
  static func make(folder: String) -> Result<FormattingPlan, Refusal> { make(folders: [folder]) }

  /// Formats the rule files of every folder, loaded together as `--rules` loads them (so a
  /// module is checked with the main rules it builds on), and each folder's `cases`. A
  /// module given alone is checked under a stand-in header (``moduleHeader``).
  static func make(folders: [String]) -> Result<FormattingPlan, Refusal> {
    let named = folders.map { "--rules \($0)" }.joined(separator: " ")
    let loaded = KnowledgeBase.load(directories: folders)
    var (compiled, diagnostics, files) = (loaded.knowledgeBase, loaded.diagnostics, loaded.files)
    var standIn: [SourceFile] = []
    let errors = diagnostics.filter { $0.severity == .error }
    if compiled == nil, !files.isEmpty, errors.contains(where: { $0.code == .knowledgeBaseHeader }) {
      let module = KnowledgeBase.compile(files + [moduleHeader])
      // Still a header problem with the stand-in: the folder has a header of its own (or two).
      if !module.diagnostics.contains(where: { $0.code == .knowledgeBaseHeader }) {
        standIn = [moduleHeader]
        (compiled, diagnostics) = (module.knowledgeBase, module.diagnostics)
        files = module.files.filter { $0.path != moduleHeader.path }
      }
    }
    guard let knowledgeBase = compiled else {
      let hint =
        standIn.isEmpty
        ? "" : "; a module's rules may use what its main rules declare: give both, e.g. --rules rules \(named)"
      return .failure(
        Refusal(
          reason: "the rules in \(folders.map { "'\($0)'" }.joined(separator: " and ")) have errors, so no file was formatted; "
            + "fix them first ('upstream check \(named)')\(hint)",
          diagnostics: diagnostics.filter { $0.severity == .error }, sources: files))
    }
    var caseFiles: [SourceFile] = []
    for folder in folders {
      let casesFolder = (folder as NSString).appendingPathComponent("cases")
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: casesFolder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
      let cases = CaseLoader.load(paths: [casesFolder], for: knowledgeBase)
      guard !cases.diagnostics.hasErrors else {
        return .failure(
          Refusal(
            reason: "the case files in '\(casesFolder)' have errors, so no file was formatted; fix them first ('upstream test \(named)')",
            diagnostics: cases.diagnostics.filter { $0.severity == .error }, sources: cases.files))
      }
      caseFiles += cases.files.sorted { $0.path < $1.path }
    }

    var formattedRules: [SourceFile] = []
    var formattedCases: [SourceFile] = []
    var changes: [Change] = []
    for (file, isCase) in files.map({ ($0, false) }) + caseFiles.map({ ($0, true) }) {
      let output = RuleFormatter.format(file)
      guard let text = output.text else {
        return .failure(Refusal(reason: "'\(file.path)' has errors, so no file was formatted", diagnostics: output.errors, sources: [file]))
      }
      let formatted = SourceFile(path: file.path, text: text)
      if isCase { formattedCases.append(formatted) } else { formattedRules.append(formatted) }
      if text != file.text {
        changes.append(Change(path: file.path, formatted: text, original: FileManager.default.contents(atPath: file.path)))
      }
    }

    // The formatter only moves white space; prove it before writing anything.
    let before = MeaningFingerprint.of(knowledgeBase)
    let after = KnowledgeBase.compile(formattedRules + standIn).knowledgeBase.map(MeaningFingerprint.of)
    let casesBefore = MeaningFingerprint.of(cases: caseFiles.map { Parser.parse($0).file })
    let casesAfter = MeaningFingerprint.of(cases: formattedCases.map { Parser.parse($0).file })
    guard after == before, casesAfter == casesBefore else {
      return .failure(
        Refusal(
          reason: "formatting \(named) would change what the rules mean, so no file was written; please report this as a bug in upstream fmt",
          diagnostics: [], sources: []))
    }
    return .success(FormattingPlan(changes: changes, fileCount: files.count + caseFiles.count))
  }
}
