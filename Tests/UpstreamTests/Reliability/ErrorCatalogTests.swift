import Foundation
import Testing

@testable import Upstream
@testable import UpstreamCommandLine

/// Docs/Errors.md, the bad-input catalogue, is generated from the code: every diagnostic
/// code with its cause and fix (`DiagnosticCode.summary` and `.fix`) and a message that
/// the current code really prints for an example input, and every exit code. The test
/// fails when the page and the code disagree, or when a code has no example; run it with
/// `UPSTREAM_UPDATE_DOCS=1` to rewrite the page.
@Suite("Error catalogue")
struct ErrorCatalogTests {
  static let path = UpstreamBinary.packageRoot.appendingPathComponent("Docs/Errors.md").path
  static let updating = ProcessInfo.processInfo.environment["UPSTREAM_UPDATE_DOCS"] == "1"

  // MARK: Examples for the codes that no other table covers

  /// Rule text (after the small header) for the text-level codes and the checks the
  /// diagnostic tests do not list.
  static let ruleExamples: [(DiagnosticCode, String)] = [
    (.invalidCharacter, "question pain: yes/no\n  ask \"Does it hurt?\" ;\n"),
    (.unterminatedText, "question pain: yes/no\n  ask \"Does it hurt?\n"),
    (.invalidEscape, "question pain: yes/no\n  ask \"Does it \\hurt?\"\n"),
    (.invalidNumber, "question hours: number\n  ask \"Hours?\"\n  range 0 to 1234567890123456789012\n"),
    (.invalidDate, "rule r\n  when pain\n  then recommend walk\n  because \"b\"\n  source s\n  reviewed 2026-02-30\n"),
    (.unexpectedToken, "question pain yes/no\n  ask \"Does it hurt?\"\n"),
    (.unknownAttribute, "question pain: yes/no\n  ask \"Does it hurt?\"\n  hlep \"Any pain at all.\"\n"),
    (.nestingTooDeep, "rule r\n  when " + String(repeating: "(", count: 300) + "pain\n"),
    (.reservedWordAsId, "question when: yes/no\n  ask \"When?\"\n"),
    (.inputTooLarge, "question pain: yes/no\n  ask \"" + String(repeating: "a", count: Lexer.maximumTextLength + 1) + "\"\n"),
    (
      .unitInComparison,
      "question hours: number\n  ask \"Hours?\"\n  range 0 to 24\n  unit \"hours\"\ncontributor sits\n  name \"Sits\"\n  explain \"S.\"\nrule r\n  when hours > 6 hours\n  then sits certainty 0.5\n  because \"b\"\n  source s\n"
    ),
    (
      .valueOutOfRange,
      "question hours: number\n  ask \"Hours?\"\n  range 0 to 24\ncontributor sits\n  name \"Sits\"\n  explain \"S.\"\nrule r\n  when hours > 30\n  then sits certainty 0.5\n  because \"b\"\n  source s\n"
    ),
  ]

  /// Answers files (for the bundled knowledge base) for the answers codes.
  static let answersExamples: [(DiagnosticCode, String)] = [
    (.answersNotJSON, "{\"pain_areas\": [\"hip\"],}\n"),
    (.unknownQuestion, "{\"pain_area\": [\"hip\"]}\n"),
    (.wrongAnswerType, "{\"pain_areas\": \"hip\"}\n"),
    (.answerOutOfRange, "{\"sitting_hours\": 30}\n"),
    (.unknownAnswerOption, "{\"pain_areas\": [\"hips\"]}\n"),
    (.answeredButNotAsked, "{\"pain_areas\": [], \"arch_shape\": \"flat\"}\n"),
    (.optionNotOffered, "{\"pain_areas\": [\"knee\"], \"pain_duration\": \"no_pain\"}\n"),
    (.notSureNotAllowed, "{\"pain_areas\": \"not sure\"}\n"),
    (.duplicateJSONKey, "{\"saddle_numbness\": false,\n \"saddle_numbness\": true}\n"),
    (
      .unknownResourceMember,
      "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\",\n \"diabetes\": true}\n"
    ),
    (
      .unknownFHIRItem,
      "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\",\n \"item\": [{\"linkId\": \"/44249-1/69722-7\", \"answer\": [{\"valueInteger\": 1}]}]}\n"
    ),
    (
      .storedScoreDiffers,
      "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\",\n \"item\": [{\"linkId\": \"startback_total\", \"answer\": [{\"valueInteger\": 12}]}]}\n"
    ),
    (.responseNotCompleted, "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"in-progress\",\n \"item\": []}\n"),
    (
      .ambiguousAnswerMapping,
      "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\",\n \"item\": [{\"linkId\": \"occupation\", \"answer\": [{\"valueCoding\": {\"system\": \"http://snomed.info/sct\", \"code\": \"236320001\", \"display\": \"Desk or office work\"}}]}]}\n"
    ),
    (
      .unmappableFHIRItem,
      "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\",\n \"item\": [{\"linkId\": \"pain_areas\", \"answer\": [{\"valueAttachment\": {}}]}]}\n"
    ),
  ]

  // MARK: Finding the message each code gives

  /// The first diagnostic with `code` that compiling rule text gives, rendered.
  static func fromRules(_ code: DiagnosticCode, _ text: String) -> String? {
    let file = SourceFile(path: "example.rules", text: text)
    let loaded = KnowledgeBase.compile([file], checks: fixedDayChecks)
    guard let diagnostic = loaded.diagnostics.sortedForDisplay().first(where: { $0.code == code }) else { return nil }
    return DiagnosticRenderer(sources: [file]).text(diagnostic)
  }

  static func fromAnswers(_ code: DiagnosticCode, _ text: String) -> String? {
    let file = SourceFile(path: "answers.json", text: text)
    let output = AnswersReader.read(file, for: FuzzHarness.bundled)
    guard let diagnostic = output.diagnostics.first(where: { $0.code == code }) else { return nil }
    return DiagnosticRenderer(sources: [file]).text(diagnostic)
  }

  /// The folder codes, from real folders (their temporary path shown as `my-rules`).
  static func fromFolders(_ code: DiagnosticCode) throws -> String? {
    let folder = try TemporaryFolder()
    let target: String
    switch code {
    case .folderNotFound: target = folder.path + "/my-rules"
    case .noRuleFiles:
      try folder.write("my-rules/README.txt", "Rules go here.\n")
      target = folder.path + "/my-rules"
    case .unreadableFile:
      try folder.write("my-rules/kb.rules", header)
      try FileManager.default.createDirectory(atPath: folder.path + "/my-rules/broken.rules", withIntermediateDirectories: true)
      target = folder.path + "/my-rules"
    default: return nil
    }
    let loaded = KnowledgeBase.load(directory: target)
    guard let diagnostic = loaded.diagnostics.first(where: { $0.code == code }) else { return nil }
    return DiagnosticRenderer(sources: []).text(diagnostic).replacingOccurrences(of: folder.path + "/", with: "")
  }

  /// A failing case, as `upstream test` reports it.
  static func fromCases() -> String? {
    let kb = FuzzHarness.bundled
    let file = SourceFile(path: "cases/hip.case", text: "case hip\n  answer pain_areas (hip)\n  expect red flag cauda_equina\n")
    let cases = CaseLoader.load([file], for: kb)
    let results = CaseRunner(kb).run(cases.cases)
    guard cases.diagnostics.isEmpty, results.contains(where: { !$0.passed }) else { return nil }
    return CaseReport(kb).render(results)
  }

  /// A real message for every code.
  static func messages() throws -> [DiagnosticCode: String] {
    var found: [DiagnosticCode: String] = [:]
    func take(_ code: DiagnosticCode, _ message: String?) {
      if found[code] == nil, let message { found[code] = message }
    }
    for (code, triggering, _) in DiagnosticTests.examples { take(code, fromRules(code, DiagnosticTests.base + triggering)) }
    for check in fixedDayChecks {
      for example in check.triggeringExamples { take(check.code, fromRules(check.code, header + example)) }
    }
    for (code, text) in ruleExamples { take(code, fromRules(code, header + text)) }
    for (code, text) in answersExamples { take(code, fromAnswers(code, text)) }
    // Date and quantity answers, for the knowledge base of QuestionTypesTests.
    let typed = try QuestionTypesTests.knowledgeBase()
    for (code, text) in [
      (DiagnosticCode.missingAssessmentDate, "{\"injury_date\": \"2026-01-01\"}\n"),
      (.answerUnitMismatch, "{\"weight\": {\"value\": 170, \"unit\": \"cm\"}}\n"),
    ] {
      let file = SourceFile(path: "answers.json", text: text)
      let diagnostic = AnswersReader.read(file, for: typed).diagnostics.first { $0.code == code }
      take(code, diagnostic.map { DiagnosticRenderer(sources: [file]).text($0) })
    }
    var bytes = Array((header + "question pain: yes/no\n  ask \"Does it hurt?\"\n").utf8)
    bytes.insert(0xFF, at: bytes.count - 4)
    if case .failure(let diagnostic) = KnowledgeBase.decodeUTF8(Data(bytes), path: "example.rules") {
      take(.invalidEncoding, DiagnosticRenderer(sources: []).text(diagnostic))
    }
    for code in [DiagnosticCode.folderNotFound, .noRuleFiles, .unreadableFile] { take(code, try fromFolders(code)) }
    take(.caseFailed, fromCases())
    return found
  }

  // MARK: The page

  static func page() throws -> String {
    let messages = try messages()
    var lines = [
      "# Errors and warnings",
      "",
      "<!-- Generated by Tests/UpstreamTests/Reliability/ErrorCatalogTests.swift from the code; do not edit.",
      "     Regenerate with: UPSTREAM_UPDATE_DOCS=1 swift test --filter ErrorCatalog -->",
      "",
      "Every problem Upstream reports has a stable code. Rule files, case files and answers files",
      "are checked whole: every error is listed at once (at most \(DiagnosticCollector.limitPerFile) problems a file, errors",
      "before warnings), each with file, line and column, what was found and what was expected,",
      "and a \"did you mean\" where one is plausible. A rule with an error is judged by no other",
      "check, and the warnings that weigh the whole knowledge base (unused questions, overlaps,",
      "double counting…) are listed once it has no errors, so no message follows from another.",
      "Nothing runs while there is an error; warnings do not stop anything.",
      "`--format json` on `upstream check` gives the same diagnostics as data (Docs/editors/).",
      "Size and depth limits are in [Limits.md](Limits.md).",
      "",
      "## Exit codes",
      "",
      "| code | meaning |",
      "|---|---|",
    ]
    let exitMeanings: [(ExitCode, String)] = [
      (.success, "success; warnings allowed"),
      (
        .failure,
        "the knowledge base has errors or cannot be loaded; a case failed (`test`), or with `test --update` a failure a number cannot fix is left; "
          + "behaviour or the cases' expectations changed (`diff`); files would change (`fmt --check`)"
      ),
      (.usage, "usage error: unknown command or option, missing or extra argument, unknown id (`explain`), with a \"did you mean\""),
      (
        .invalidAnswers,
        "invalid answers or session file: not JSON, unknown question, wrong type, out of range, unknown option; a failed line in `assess --batch`"
      ),
      (.fileError, "a file could not be read or written (`test --update`: that case file is left as it was, the others are written)"),
    ]
    for (code, meaning) in exitMeanings { lines.append("| \(code.rawValue) | \(meaning) |") }
    lines.append("| 130 | the questionnaire was interrupted (Ctrl-C); every reply is already saved |")
    let groups: [(String, String)] = [
      ("UP00", "Rule text (lexer and parser)"), ("UP01", "What the rules mean (checker)"),
      ("UP02", "Reviewer warnings"), ("UP03", "Case files"), ("UP04", "Answers files and FHIR responses"),
      ("UP05", "Files and folders"),
    ]
    for (prefix, title) in groups {
      lines += ["", "## \(prefix)xx: \(title)"]
      for code in DiagnosticCode.allCases where code.rawValue.hasPrefix(prefix) {
        lines += [
          "", "### \(code.rawValue): \(code.summary)", "",
          "**Fix:** \(code.fix)", "",
          "```",
        ]
        lines += (messages[code] ?? "(no example)").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        lines.append("```")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test("every diagnostic code has a real example message")
  func everyCodeHasAnExample() throws {
    let messages = try Self.messages()
    let missing = DiagnosticCode.allCases.filter { messages[$0] == nil }
    #expect(missing.isEmpty, "codes with no example: \(missing.map(\.rawValue))")
    for (code, message) in messages {
      #expect(message.contains("[\(code.rawValue)]"), "\(code.rawValue): \(message)")
    }
  }

  @Test("Docs/Errors.md is the catalogue the code generates")
  func pageMatchesTheCode() throws {
    let generated = try Self.page()
    if Self.updating { try AtomicFile.write(generated, to: Self.path) }
    let page = try String(contentsOfFile: Self.path, encoding: .utf8)
    #expect(page == generated, "Docs/Errors.md is out of date: run UPSTREAM_UPDATE_DOCS=1 swift test --filter ErrorCatalog")
  }
}
