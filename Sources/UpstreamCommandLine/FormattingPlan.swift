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

  /// Formats the rule files in `folder` and the case files in `folder/cases`, refusing
  /// when any of them has an error, and proving that the meaning does not change.
  static func make(folder: String) -> Result<FormattingPlan, Refusal> {
    let loaded = KnowledgeBase.load(directory: folder)
    guard let knowledgeBase = loaded.knowledgeBase else {
      return .failure(
        Refusal(
          reason: "the rules in '\(folder)' have errors, so no file was formatted; fix them first ('upstream check --rules \(folder)')",
          diagnostics: loaded.diagnostics.filter { $0.severity == .error }, sources: loaded.files))
    }
    let casesFolder = (folder as NSString).appendingPathComponent("cases")
    var isDirectory: ObjCBool = false
    var caseFiles: [SourceFile] = []
    if FileManager.default.fileExists(atPath: casesFolder, isDirectory: &isDirectory), isDirectory.boolValue {
      let cases = CaseLoader.load(paths: [casesFolder], for: knowledgeBase)
      guard !cases.diagnostics.hasErrors else {
        return .failure(
          Refusal(
            reason: "the case files in '\(casesFolder)' have errors, so no file was formatted; fix them first ('upstream test --rules \(folder)')",
            diagnostics: cases.diagnostics.filter { $0.severity == .error }, sources: cases.files))
      }
      caseFiles = cases.files.sorted { $0.path < $1.path }
    }

    var formattedRules: [SourceFile] = []
    var formattedCases: [SourceFile] = []
    var changes: [Change] = []
    for (file, isCase) in loaded.files.map({ ($0, false) }) + caseFiles.map({ ($0, true) }) {
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
    let after = KnowledgeBase.compile(formattedRules).knowledgeBase.map(MeaningFingerprint.of)
    let casesBefore = MeaningFingerprint.of(cases: caseFiles.map { Parser.parse($0).file })
    let casesAfter = MeaningFingerprint.of(cases: formattedCases.map { Parser.parse($0).file })
    guard after == before, casesAfter == casesBefore else {
      return .failure(
        Refusal(
          reason: "formatting '\(folder)' would change what the rules mean, so no file was written; please report this as a bug in upstream fmt",
          diagnostics: [], sources: []))
    }
    return .success(FormattingPlan(changes: changes, fileCount: loaded.files.count + caseFiles.count))
  }
}
