import Foundation

@testable import Upstream

// MARK: - What the fuzz targets do with one input

/// The work the two libFuzzer targets (`Tests/Fuzz/`) do with each input, shared with the
/// regression tests so that every input that ever crashed is replayed by `swift test`.
///
/// This file imports only Foundation and Upstream, because `Tests/Fuzz/run.sh` compiles
/// it into the fuzzers too. Besides "does not crash, does not hang", each entry point
/// checks properties that must hold for every input; a broken property stops the run with
/// `preconditionFailure`, which libFuzzer reports like a crash.
enum FuzzHarness {
  /// Inputs longer than this are ignored, so one input cannot stall a run.
  static let maximumInputLength = 1 << 20

  /// The bundled knowledge base, compiled once.
  static let bundled: KnowledgeBase = {
    guard let knowledgeBase = KnowledgeBase.bundled().knowledgeBase else {
      preconditionFailure("the bundled knowledge base has errors")
    }
    return knowledgeBase
  }()

  /// The bundled rule files, as sources.
  static let bundledSources = KnowledgeBase.bundledFiles(extension: "rules")

  // MARK: Rule and case files

  /// One input as a rule or case file, through the whole front end: the UTF-8 check, the
  /// lexer, the parser and every check (alone, and for one input in four by length, added
  /// to the bundled knowledge base),
  /// the diagnostics renderers, the formatter and the case loader; and, when the file is a
  /// knowledge base of its own, an assessment, its tree, the graph and the FHIR export.
  ///
  /// Properties: formatting is idempotent and never changes what a file means.
  static func rules(_ data: Data) {
    guard data.count <= maximumInputLength else { return }
    guard case .success(let text) = KnowledgeBase.decodeUTF8(data, path: "fuzz.rules") else { return }
    let file = SourceFile(path: "fuzz.rules", text: text)

    let alone = KnowledgeBase.compile([file])
    render(alone.diagnostics, sources: alone.files)
    checkFormatting(file, compiled: alone)
    checkParts(file)
    if let knowledgeBase = alone.knowledgeBase { exercise(knowledgeBase) }

    // Beside the bundled rules, ids in the input resolve and every check has work to do.
    // That costs a whole compile, so only one input in four (by length) does it.
    if data.count % 4 == 0 {
      let together = KnowledgeBase.compile(bundledSources + [file])
      render(together.diagnostics, sources: together.files)
      if let knowledgeBase = together.knowledgeBase { _ = knowledgeBase.assess(validated: Answers()).tree }
    }

    // The same text as a case file, checked against the bundled rules and run.
    let cases = CaseLoader.load([SourceFile(path: "fuzz.case", text: text)], for: bundled)
    render(cases.diagnostics, sources: cases.files)
    if !cases.diagnostics.hasErrors {
      let runner = CaseRunner(bundled, askedQuestions: { _, _ in [] })
      for result in runner.run(cases.cases) { _ = result.passed }
    }
  }

  /// Parsed in parts cut at its rules (as loading on several jobs does), a file whose
  /// parts report no problem gives exactly the syntax tree, comments and offsets of one
  /// parse, and that parse reports no problem either.
  private static func checkParts(_ file: SourceFile) {
    let parts = Parser.parts(of: file, count: 3, minimumSize: 0)
    guard parts.count > 1, let joined = Parser.join(parts.map { Parser.parse(file, lines: $0) }) else { return }
    let whole = Parser.parse(file)
    var joinedText = ""
    var wholeText = ""
    dump(joined.file, to: &joinedText)
    dump(whole.file, to: &wholeText)
    guard whole.diagnostics.isEmpty, joinedText == wholeText else {
      preconditionFailure("a file parsed in parts differs from one parse of it")
    }
  }

  /// Formatting twice gives the same text, and the formatted file means what the original did.
  private static func checkFormatting(_ file: SourceFile, compiled: LoadedKnowledgeBase) {
    guard let formatted = RuleFormatter.format(file).text else { return }
    let reformatted = RuleFormatter.format(SourceFile(path: file.path, text: formatted)).text
    guard reformatted == formatted else { preconditionFailure("upstream fmt is not idempotent") }
    guard let knowledgeBase = compiled.knowledgeBase else { return }
    let after = KnowledgeBase.compile([SourceFile(path: file.path, text: formatted)]).knowledgeBase
    guard let after, MeaningFingerprint.of(after) == MeaningFingerprint.of(knowledgeBase) else {
      preconditionFailure("upstream fmt changed what the rules mean")
    }
  }

  /// Runs what a compiled knowledge base offers: an assessment with no answers, its tree in
  /// every format, every explanation, the graph, the FHIR export and a questionnaire.
  private static func exercise(_ knowledgeBase: KnowledgeBase) {
    let assessment = knowledgeBase.assess(validated: Answers())
    let tree = assessment.tree
    terminalSafe(TreeTextRenderer().render(tree), "the text tree")
    _ = AssessmentJSONRenderer().render(tree)
    _ = TreeHTMLRenderer().render(tree)
    for id in knowledgeBase.allIDs.prefix(8) {
      _ = assessment.explain(id)
      _ = assessment.whyNot(id)
    }
    _ = KnowledgeGraphDOTRenderer().render(KnowledgeGraph(knowledgeBase))
    _ = FHIRQuestionnaire(knowledgeBase).render()
    var session = QuestionnaireSession(knowledgeBase)
    for _ in 0..<64 {
      guard let question = session.currentQuestion else { break }
      if question.isRedFlagQuestion {
        guard (try? session.answer(someAnswer(question))) != nil else { break }
      } else {
        guard (try? session.skip()) != nil else { break }
      }
    }
  }

  /// A valid answer to a question: no, the lowest number, the first option, or none.
  static func someAnswer(_ question: Question) -> AnswerValue {
    switch question.kind {
    case .yesNo: .no
    case .number(let low, _, _, _): .number(low.rounded(.up))
    case .scale: .number(0)
    case .choice(let options): options.first.map { .option($0.id) } ?? .notSure
    case .choices: .options([])
    case .text: .text("words")
    case .date: .date(CheckExamples.day)
    }
  }

  // MARK: Answers files

  /// One input as an answers file or FHIR QuestionnaireResponse for the bundled knowledge
  /// base: read and validated, then assessed, rendered, and resumed as a session file.
  ///
  /// Properties: valid answers written back out read back the same, the assessment does not
  /// depend on the order of the answers, and the red flags are the most urgent first.
  static func answers(_ data: Data) {
    guard data.count <= maximumInputLength else { return }
    guard case .success(let text) = KnowledgeBase.decodeUTF8(data, path: "fuzz.json") else { return }
    let file = SourceFile(path: "fuzz.json", text: text)
    let output = AnswersReader.read(file, for: bundled)
    render(output.diagnostics, sources: [file])
    guard let answers = output.answers else { return }

    let written = JSONWriter.pretty(answers.json)
    guard AnswersReader.read(SourceFile(path: "written.json", text: written), for: bundled).answers == answers else {
      preconditionFailure("answers written out did not read back the same")
    }
    let assessment = bundled.assess(validated: answers)
    let tree = assessment.tree
    let json = AssessmentJSONRenderer().render(tree)
    terminalSafe(TreeTextRenderer(audience: .patient).render(tree), "the patient text tree")
    // The same answers on the same day, given in the other order.
    let reversed = Answers(Dictionary(uniqueKeysWithValues: answers.values.reversed()), assessmentDate: answers.assessmentDate)
    guard AssessmentJSONRenderer().render(bundled.assess(validated: reversed).tree) == json else {
      preconditionFailure("the order of the answers changed the assessment")
    }
    let urgencies = assessment.redFlags.map(\.urgency)
    guard urgencies == urgencies.sorted() else { preconditionFailure("red flags are not most urgent first") }

    if output.format == .answers {
      let replies = output.order.map { QuestionnaireSession.Reply(question: $0, answer: answers[$0]) }
      if let session = try? QuestionnaireSession(bundled, resuming: replies) {
        _ = session.currentQuestion
        _ = session.progress
      }
    }
  }

  // MARK: Shared

  private static func render(_ diagnostics: [Diagnostic], sources: [SourceFile]) {
    let renderer = DiagnosticRenderer(sources: sources)
    terminalSafe(renderer.text(diagnostics), "diagnostics")
    _ = renderer.json(diagnostics)
  }

  /// The terminal-output property: text bound for a terminal (uncoloured) holds no raw
  /// control character but new lines and tabs, whatever the input held.
  private static func terminalSafe(_ text: String, _ what: String) {
    for scalar in text.unicodeScalars
    where (scalar.value < 0x20 && scalar.value != 0x0A && scalar.value != 0x09)
      || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
    {
      preconditionFailure("\(what) wrote the raw control character U+\(String(scalar.value, radix: 16))")
    }
  }
}
