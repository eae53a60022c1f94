import Foundation
import Upstream

// MARK: - Shared steps

/// The `--rules DIR` option shared by commands that read a knowledge base.
let rulesOption = OptionSpec(
  "--rules", value: "DIR",
  help:
    "Use the .rules files in DIR (default: the bundled knowledge base); repeat to add a module, e.g. --rules rules --rules rules/instruments/phq-9.",
  repeatable: true)

/// The `--assessment-date` option: the day the answers were given, which date conditions
/// count back from. An input, never the clock.
let assessmentDateOption = OptionSpec(
  "--assessment-date", value: "YYYY-MM-DD",
  help:
    "The day the answers were given, which date conditions ('injury_date more than 6 weeks ago') count back from (default: the answers' own \"assessment date\", or a QuestionnaireResponse's authored day; never today's date)."
)

/// The `--format` option for commands that print text or JSON.
let formatOption = OptionSpec("--format", value: "FORMAT", help: "Output format: text (default) or json.")

enum Shared {
  /// Loads the knowledge base from `--rules` or the bundled default; throws on errors.
  ///
  /// The commands that call this print no warnings, so only the checks that can fail a
  /// load run (the loaded diagnostics hold no warnings of the other checks). When the
  /// rules have errors, they are compiled again with every check, so the errors reported
  /// (and the cap on how many) are the same as `upstream check` gives.
  static func knowledgeBase(_ arguments: ParsedArguments, console: Console, jobs: Int = 1) throws -> (KnowledgeBase, LoadedKnowledgeBase) {
    let folders = arguments.all("--rules")
    let quick =
      folders.isEmpty
      ? KnowledgeBase.bundled(checks: loadingChecks) : KnowledgeBase.load(directories: folders, checks: loadingChecks, jobs: jobs)
    if let knowledgeBase = quick.knowledgeBase { return (knowledgeBase, quick) }
    let loaded = folders.isEmpty ? KnowledgeBase.bundled() : KnowledgeBase.load(directories: folders)
    guard let knowledgeBase = loaded.knowledgeBase else {
      throw CommandError.knowledgeBase(loaded.diagnostics.filter { $0.severity == .error }, sources: loaded.files)
    }
    return (knowledgeBase, loaded)
  }

  /// The `--format` value, checked against the allowed formats.
  static func format(_ arguments: ParsedArguments, allowed: [OutputFormat], command: String) throws -> OutputFormat {
    let names = allowed.map(\.rawValue)
    let written = arguments.value("--format") ?? names[0]
    guard let format = OutputFormat(rawValue: written), allowed.contains(format) else {
      throw CommandError.usage(
        "'\(written)' is not a format of upstream \(command); use \(names.joined(separator: " or "))",
        suggestion: Suggestion.closest(to: written, in: names).map { "did you mean '\($0)'?" }, command: command)
    }
    return format
  }

  /// Reads a file, or standard input for `-`.
  static func readText(_ path: String, console: Console, what: String) throws -> SourceFile {
    if path == "-" {
      let data = console.readInput()
      switch KnowledgeBase.decodeUTF8(data, path: "<stdin>") {
      case .success(let text): return SourceFile(path: "<stdin>", text: text)
      case .failure(let diagnostic): throw CommandError.answers([diagnostic], source: nil)
      }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CommandError.file("there is no \(what) '\(path)'")
    }
    guard !isDirectory.boolValue else { throw CommandError.file("'\(path)' is a folder, not \(what)") }
    switch KnowledgeBase.readSource(path) {
    case .success(let file): return file
    case .failure(let diagnostic): throw CommandError.file(diagnostic.message)
    }
  }

  /// The `--assessment-date` value, if given.
  static func assessmentDate(_ arguments: ParsedArguments, command: String) throws -> CalendarDay? {
    guard let text = arguments.value("--assessment-date") else { return nil }
    guard let day = CalendarDay(text) else {
      throw CommandError.usage(
        "--assessment-date takes the day the answers were given, written YYYY-MM-DD (e.g. 2026-12-01); found '\(text)'",
        suggestion: nil, command: command)
    }
    return day
  }

  /// Reads and validates an answers file; throws when it has errors, prints warnings.
  /// `assessmentDate` (from `--assessment-date`) overrides the one the file gives.
  ///
  /// A clinician's case file (`FILE.case`, or `FILE.case:NAME` for one case of several)
  /// gives that case's answers.
  static func answers(
    _ path: String, for knowledgeBase: KnowledgeBase, console: Console, strict: Bool = false, assessmentDate: CalendarDay? = nil
  ) throws -> Answers {
    if let (casePath, name) = casePath(path) {
      var answers = try caseAnswers(casePath, name: name, for: knowledgeBase, console: console)
      if let assessmentDate { answers.assessmentDate = assessmentDate }
      return answers
    }
    let file = try readText(path, console: console, what: "answers file")
    let output = AnswersReader.read(file, for: knowledgeBase, strict: strict, assessmentDate: assessmentDate)
    guard let answers = output.answers else { throw CommandError.answers(output.diagnostics, source: file) }
    if !output.diagnostics.isEmpty {
      console.writeError(DiagnosticRenderer(sources: [file], colour: console.colourErrors).text(output.diagnostics))
    }
    return answers
  }

  /// `FILE.case` or `FILE.case:NAME` split into the file and the case's name.
  private static func casePath(_ path: String) -> (String, String?)? {
    if path.hasSuffix(".case") { return (path, nil) }
    guard let colon = path.range(of: ".case:", options: .backwards) else { return nil }
    return (String(path[..<colon.upperBound].dropLast()), String(path[colon.upperBound...]))
  }

  /// The answers of one case in a case file: the named one, or the only one.
  private static func caseAnswers(_ path: String, name: String?, for knowledgeBase: KnowledgeBase, console: Console) throws -> Answers {
    let file = try readText(path, console: console, what: "case file")
    let loaded = CaseLoader.load([file], for: knowledgeBase)
    guard !loaded.diagnostics.hasErrors else { throw CommandError.answers(loaded.diagnostics, source: file) }
    let names = loaded.cases.map(\.id)
    if let name {
      guard let found = loaded.cases.first(where: { $0.id == name }) else {
        throw CommandError.usage(
          "'\(path)' has no case '\(name)'; its cases are \(names.joined(separator: ", "))",
          suggestion: Suggestion.closest(to: name, in: names).map { "did you mean '\(path):\($0)'?" }, command: nil)
      }
      return found.answers
    }
    guard loaded.cases.count == 1, let only = loaded.cases.first else {
      throw CommandError.usage(
        "'\(path)' holds \(loaded.cases.count) cases; name one: --answers \(path):NAME (\(names.joined(separator: ", ")))", suggestion: nil,
        command: nil)
    }
    return only.answers
  }

  /// Writes output to `--output FILE` by `AtomicFile`'s rules (never onto a file the
  /// command reads), or to standard output (also for `--output -`).
  static func emit(_ text: String, _ arguments: ParsedArguments, console: Console) throws {
    if let path = arguments.value("--output"), path != "-" {
      let inputs = arguments.values.filter { $0.key != "--output" }.flatMap(\.value) + arguments.positionals
      try AtomicFile.write(text, to: path, inputs: inputs)
    } else {
      console.write(text)
    }
  }
}
