import Foundation
import Upstream

/// `upstream diff OLD_DIR NEW_DIR`: what an edit changes, in the rules and in the assessments.
enum DiffCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "diff",
    summary:
      "Show what an edit changes: in the rules, in the assessments, and in the cases' expectations; exit 1 when behaviour or cases changed.",
    arguments: [("OLD_DIR", "The rules before the edit."), ("NEW_DIR", "The rules after the edit.")],
    options: [
      OptionSpec("--cases", value: "DIR", help: "Compare the assessments of the cases in DIR (default: NEW_DIR/cases, else OLD_DIR/cases)."),
      OptionSpec("--answers", value: "FILE", help: "Also compare the assessment of this answers file (may repeat).", repeatable: true),
      formatOption,
    ],
    examples: [
      "upstream diff rules edited-rules", "upstream diff old new --cases rules/cases --answers Docs/examples/trucker.json",
      "upstream diff rules edited-rules --format json",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    guard arguments.positionals.count == 2 else {
      throw CommandError.usage(
        "upstream diff needs two folders, the rules before and after the edit: upstream diff OLD_DIR NEW_DIR", suggestion: nil,
        command: spec.name)
    }
    let format = try Shared.format(arguments, allowed: [.text, .json], command: spec.name)
    let (oldFolder, newFolder) = (arguments.positionals[0], arguments.positionals[1])
    let old = KnowledgeBase.load(directory: oldFolder)
    let new = KnowledgeBase.load(directory: newFolder)
    guard let oldKnowledgeBase = old.knowledgeBase, let newKnowledgeBase = new.knowledgeBase else {
      let errors = (old.diagnostics + new.diagnostics).filter { $0.severity == .error }
      throw CommandError.knowledgeBase(errors, sources: old.files + new.files)
    }
    var subjects: [KnowledgeBaseDiff.Subject] = []
    var notes: [String] = []
    if let folder = casesFolder(arguments.value("--cases"), oldFolder: oldFolder, newFolder: newFolder) {
      let read = KnowledgeBase.readFiles(in: folder, extension: "case")
      var diagnostics = read.diagnostics
      for file in read.files {
        let parsed = Parser.parse(file)
        diagnostics += parsed.diagnostics
        for case .testCase(let syntax) in parsed.file.declarations {
          let old = DiffAnswers.answers(syntax, for: oldKnowledgeBase, side: "the old rules")
          let new = DiffAnswers.answers(syntax, for: newKnowledgeBase, side: "the new rules")
          notes += old.notes + new.notes
          let place = "\(syntax.id.range.file):\(syntax.id.range.start.line)"
          subjects.append(.init(name: "case \(syntax.id.text)", location: place, old: old.answers, new: new.answers))
        }
      }
      if diagnostics.hasErrors {
        console.writeError(DiagnosticRenderer(sources: read.files, colour: console.colourErrors).text(diagnostics.filter { $0.severity == .error }))
        console.writeError("error: the case files in '\(folder)' have errors, so nothing was compared\n")
        return .failure
      }
    }
    for path in arguments.all("--answers") {
      let file = try Shared.readText(path, console: console, what: "answers file")
      let root: JSONDocument.Located
      switch JSONReader.read(file) {
      case .success(let document): root = document.root
      case .failure(let error):
        throw CommandError.answers([error.diagnostic(notJSON: .answersNotJSON, what: "this answers file")], source: file)
      }
      let old: (answers: Answers, notes: [String])
      let new: (answers: Answers, notes: [String])
      do {
        old = try DiffAnswers.answers(root, file: file, for: oldKnowledgeBase, other: newKnowledgeBase, side: "the old rules")
        new = try DiffAnswers.answers(root, file: file, for: newKnowledgeBase, other: oldKnowledgeBase, side: "the new rules")
      } catch {
        throw CommandError.answers(error.problems, source: file)
      }
      notes += old.notes + new.notes
      subjects.append(.init(name: "answers \(path)", location: nil, old: old.answers, new: new.answers))
    }
    for note in notes { console.writeError("note: \(note)\n") }
    let diff = KnowledgeBaseDiff(
      old: oldKnowledgeBase, new: newKnowledgeBase, subjects: subjects, cases: caseFiles(oldFolder: oldFolder, newFolder: newFolder))
    console.write(format == .json ? KnowledgeBaseDiffJSONRenderer().render(diff) : KnowledgeBaseDiffTextRenderer().render(diff))
    return diff.behaviourChanged || diff.casesChanged ? .failure : .success
  }

  /// The case files of OLD_DIR/cases and NEW_DIR/cases compared, or nil when neither
  /// folder has a `cases` folder.
  private static func caseFiles(oldFolder: String, newFolder: String) -> CaseFileDiff? {
    let folders = [oldFolder, newFolder].map { ($0 as NSString).appendingPathComponent("cases") }
    let exists = folders.map { folder in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue
    }
    guard exists.contains(true) else { return nil }
    let files = zip(folders, exists).map { folder, exists in exists ? KnowledgeBase.readFiles(in: folder, extension: "case").files : [] }
    return CaseFileDiff(old: files[0], new: files[1])
  }

  /// `--cases DIR`, else the new folder's `cases`, else the old folder's, if either exists.
  private static func casesFolder(_ given: String?, oldFolder: String, newFolder: String) -> String? {
    if let given { return given }
    for folder in [newFolder, oldFolder] {
      let cases = (folder as NSString).appendingPathComponent("cases")
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: cases, isDirectory: &isDirectory), isDirectory.boolValue { return cases }
    }
    return nil
  }
}
