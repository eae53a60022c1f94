// MARK: - Reading and validating answers files

/// Reads an answers file (a JSON object of question id → answer) and checks every answer
/// against the knowledge base, listing all problems at once.
///
/// Answers: `true`/`false` (or `"yes"`/`"no"`) for yes/no questions, numbers, an option
/// id, a list of option ids, or `"not sure"`. `null` means not answered. Nothing is
/// returned to assess when there is an error. A FHIR R4 QuestionnaireResponse (a JSON
/// object with a `resourceType`) is read by `FHIRQuestionnaireResponse`.
package enum AnswersReader {
  /// What kind of file the answers came from.
  package enum Format: Sendable, Hashable {
    /// An answers file (also what `upstream ask` saves as its session file).
    case answers
    /// A FHIR R4 QuestionnaireResponse.
    case fhirQuestionnaireResponse
  }

  /// The answers, when there is no error, and every problem found.
  package struct Output: Sendable {
    package let answers: Answers?
    package let diagnostics: [Diagnostic]
    /// The question ids the file names, in the order it names them (with those left
    /// unanswered, `null` in an answers file).
    package internal(set) var order: [String] = []
    package internal(set) var format: Format = .answers
    /// The answers resolved to question slots as they were read (answers files only).
    package internal(set) var resolved: ResolvedAnswers?
    /// The progress count a questionnaire last showed, kept in its session file
    /// (`"progress shown"`), so a resumed session never shows a higher one.
    package internal(set) var progressShown: QuestionnaireSession.ShownProgress?
    /// Numbers outside a range the rules mark as who the knowledge base is for (`below
    /// range "…"`), by question id, when read `keepingOutOfScope` (a session file, whose
    /// questionnaire ended there): kept apart from ``answers``, never assessed.
    package internal(set) var outOfScope: [String: Double] = [:]
  }

  /// Reads answers from JSON text. With `strict`, a FHIR item that no question names is
  /// an error rather than a warning. With `keepOrder` false, `order` is left empty (what
  /// `assess --batch` needs of a line, no more: its warnings, but not the order of its answers).
  /// `assessmentDate`, when given (`--assessment-date`), is the day the answers were
  /// given, whatever the file says. With `keepingOutOfScope` (a questionnaire's session
  /// file), a number that shows the knowledge base is not for the person is kept in
  /// `outOfScope` instead of being an error.
  package static func read(
    _ file: SourceFile, for knowledgeBase: KnowledgeBase, strict: Bool = false, keepOrder: Bool = true,
    assessmentDate: CalendarDay? = nil, keepingOutOfScope: Bool = false
  ) -> Output {
    switch JSONReader.read(file) {
    case .failure(let error):
      return Output(answers: nil, diagnostics: [error.diagnostic(notJSON: .answersNotJSON, what: "this answers file")])
    case .success(let document):
      return read(
        document.root, for: knowledgeBase, strict: strict, keepOrder: keepOrder, assessmentDate: assessmentDate,
        keepingOutOfScope: keepingOutOfScope)
    }
  }

  /// Validates a parsed JSON value as an answers object.
  package static func read(
    _ root: JSONDocument.Located, for knowledgeBase: KnowledgeBase, strict: Bool = false, keepOrder: Bool = true,
    assessmentDate override: CalendarDay? = nil, keepingOutOfScope: Bool = false
  ) -> Output {
    if case .object(let fields) = root.node, fields.contains(where: { $0.key == "resourceType" }),
      knowledgeBase.question("resourceType") == nil
    {
      return FHIRQuestionnaireResponse.read(root, for: knowledgeBase, strict: strict, assessmentDate: override)
    }
    guard case .object(let fields) = root.node else {
      return Output(
        answers: nil,
        diagnostics: [
          .error(
            .answersNotJSON,
            "an answers file is a JSON object of question id → answer, e.g. {\"arch_shape\": \"flat\"}; found \(root.value.kindDescription)",
            at: root.range)
        ])
    }
    var answers = Answers()
    var sheet = AnswerSheet(unknown: knowledgeBase.questions.count)
    var diagnostics: [Diagnostic] = []
    var seen: [String: SourceRange] = [:]
    var outOfScope: [String: Double] = [:]
    if let override {
      answers.assessmentDate = override
    } else if let field = fields.first(where: { $0.key == Answers.assessmentDateKey }) {
      switch assessmentDate(field.value.value, at: field.value.range) {
      case .success(let day): answers.assessmentDate = day
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    let progressShown = fields.first { $0.key == QuestionnaireSession.progressShownKey }.flatMap {
      QuestionnaireSession.ShownProgress(json: $0.value.value)
    }
    answers.reserveCapacity(fields.count)
    if keepOrder { seen.reserveCapacity(fields.count) }
    for field in fields where field.key != Answers.assessmentDateKey && field.key != QuestionnaireSession.progressShownKey {
      if DiagnosticCollector.reachedLimit(&diagnostics, at: field.keyRange) { break }
      // A question answered twice was already refused by the JSON reader (UP0409); this
      // second look guards a root built another way, and a batch line does without it.
      if keepOrder, let first = seen[field.key] {
        diagnostics.append(
          .error(.wrongAnswerType, "question '\(field.key)' is answered twice", at: field.keyRange, notes: [.init("first answered here", at: first)]))
        continue
      }
      if keepOrder { seen[field.key] = field.keyRange }
      guard case .question(let index)? = knowledgeBase.symbols[field.key] else {
        diagnostics.append(
          Diagnostic.error(.unknownQuestion, "the knowledge base has no question '\(field.key)'", at: field.keyRange)
            .suggesting(field.key, from: knowledgeBase.questions.map(\.id)))
        continue
      }
      // Only the fields an answer is checked against are read: a copy of the whole
      // question retains each of its fields, and on a batch's worker threads those
      // counts are shared by every thread. (The line's own key, the same text, would
      // keep the whole field alive instead: more copying than it saves.)
      let id = knowledgeBase.questions[index].id
      let kind = knowledgeBase.questions[index].kind
      let notSureAllowed = knowledgeBase.questions[index].notSureAllowed
      switch answer(field.value.value, id: id, kind: kind, notSureAllowed: notSureAllowed, at: field.value.range) {
      case .success(let value?):
        answers[id] = value
        sheet.slots[index] = AnswerSheet.slot(value, kind: kind, assessed: answers.assessmentDate)
      case .success(nil): break
      case .failure(let diagnostic) where diagnostic.code == .answerOutOfRange:
        // Rare: the whole question is read only now, for what its rules say of the number.
        let question = knowledgeBase.questions[index]
        if keepingOutOfScope, let number = outOfScopeNumber(field.value.value, to: question) {
          outOfScope[id] = number
        } else {
          diagnostics.append(noting(diagnostic, field.value.value, to: question))
        }
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    // A warning's place is looked up when there is a warning: most answers raise none.
    let range = { (id: String) in fields.first { $0.key == id }?.keyRange }
    diagnostics.append(contentsOf: askWhenWarnings(answers, knowledgeBase: knowledgeBase, range: range))
    diagnostics.append(contentsOf: unofferedOptionWarnings(answers, knowledgeBase: knowledgeBase, range: range))
    diagnostics.append(contentsOf: undatedWarnings(answers, knowledgeBase: knowledgeBase, range: range))
    let order = keepOrder ? fields.map(\.key).filter { knowledgeBase.question($0) != nil } : []
    var output = Output(answers: diagnostics.hasErrors ? nil : answers, diagnostics: diagnostics, order: order)
    output.resolved = output.answers.map { ResolvedAnswers($0, sheet: sheet) }
    output.progressShown = progressShown
    output.outOfScope = outOfScope
    return output
  }

  /// Converts one JSON value into an answer to `question`, or explains what was expected.
  /// A number outside a range the rules mark as who the knowledge base is for is still an
  /// error, with a note that quotes what the rules tell such a person.
  package static func answer(_ value: JSONValue, to question: Question, at range: SourceRange) -> Result<AnswerValue?, Diagnostic> {
    answer(value, id: question.id, kind: question.kind, notSureAllowed: question.notSureAllowed, at: range)
      .mapError { noting($0, value, to: question) }
  }

  // MARK: Who the knowledge base is for

  /// The number an answer gives a number question (a quantity converted to its unit),
  /// when it lies outside the range on a side the rules mark (`below range "…"`).
  static func outOfScopeNumber(_ value: JSONValue, to question: Question) -> Double? {
    var number: Double?
    switch value {
    case .number(let plain): number = plain
    case .object:
      if case .success(let converted) = UCUM.convert(value, id: question.id, kind: question.kind) { number = converted }
    default: break
    }
    guard let number, number.isFinite, question.outOfScopeMessage(for: number) != nil else { return nil }
    return number
  }

  /// An out-of-range error with, when the rules say who is outside the range, a note that
  /// quotes what such a person is told, so a clinician reading it sees why.
  private static func noting(_ diagnostic: Diagnostic, _ value: JSONValue, to question: Question) -> Diagnostic {
    guard diagnostic.code == .answerOutOfRange, let number = outOfScopeNumber(value, to: question),
      let message = question.outOfScopeMessage(for: number), let range = question.kind.numberRange
    else { return diagnostic }
    let side = number < range.lowerBound ? "below" : "above"
    var noted = diagnostic
    noted.notes.append(
      .init(
        "\(NumberText.plain(number)) is \(side) the range the knowledge base is for, so a questionnaire ends there and tells the person: \"\(message)\""
      ))
    return noted
  }

  /// Converts one JSON value into an answer to the question `id` of this kind, or explains
  /// what was expected.
  private static func answer(
    _ value: JSONValue, id: String, kind: Question.Kind, notSureAllowed: Bool, at range: SourceRange
  ) -> Result<AnswerValue?, Diagnostic> {
    func wrong(_ expected: String) -> Result<AnswerValue?, Diagnostic> {
      .failure(.error(.wrongAnswerType, "question '\(id)' expects \(expected); found \(describe(value))", at: range))
    }
    if case .null = value { return .success(nil) }
    if case .string(let text) = value, text.lowercased() == "not sure", notSureAllowed || kind != .text {
      guard notSureAllowed else {
        return .failure(.error(.notSureNotAllowed, "question '\(id)' does not allow \"not sure\"; leave it out if it was not answered", at: range))
      }
      return .success(.notSure)
    }
    switch kind {
    case .yesNo:
      switch value {
      case .bool(let flag): return .success(flag ? .yes : .no)
      case .string("yes"): return .success(.yes)
      case .string("no"): return .success(.no)
      default: return wrong("yes or no (true or false in JSON)")
      }
    case .number, .scale:
      var value = value
      if case .object = value {
        // A quantity, `{"value": 154, "unit": "[lb_av]"}`: converted to the question's unit.
        switch UCUM.convert(value, id: id, kind: kind) {
        case .success(let number): value = .number(number)
        case .failure(let problem): return .failure(.error(.answerUnitMismatch, problem.message, at: range))
        }
      }
      guard case .number(let number) = value else {
        return wrong(
          kind.numberRange.map { "a number from \(NumberText.plain($0.lowerBound)) to \(NumberText.plain($0.upperBound))" } ?? "a number")
      }
      if let allowed = kind.numberRange, !allowed.contains(number) {
        let unit = if case .number(_, _, let unit?, _) = kind { " \(unit)" } else { "" }
        return .failure(
          .error(
            .answerOutOfRange,
            "question '\(id)' takes a number from \(NumberText.plain(allowed.lowerBound)) to \(NumberText.plain(allowed.upperBound))\(unit); found \(NumberText.plain(number))",
            at: range))
      }
      let decimals = if case .number(_, _, _, let allowed) = kind { allowed } else { false }
      if !decimals && number != number.rounded() {
        return .failure(.error(.wrongAnswerType, "question '\(id)' takes a whole number; found \(NumberText.plain(number))", at: range))
      }
      return .success(.number(number))
    case .choice(let options):
      guard case .string(let option) = value else {
        return wrong("one of its options as a text (\(options.map { "\"\($0.id)\"" }.joined(separator: ", ")))")
      }
      return known(option, id: id, options: options, range).map { .option($0) }
    case .choices(let options):
      guard case .array(let items) = value else {
        return wrong("a list of its options (e.g. [\(options.prefix(2).map { "\"\($0.id)\"" }.joined(separator: ", "))])")
      }
      var chosen: [String] = []
      var seen = Set<String>()
      for item in items {
        guard case .string(let option) = item else { return wrong("a list of option ids") }
        switch known(option, id: id, options: options, range) {
        case .success(let optionID):
          guard seen.insert(optionID).inserted else {
            return .failure(
              .error(.wrongAnswerType, "question '\(id)' lists the option '\(optionID)' twice; give each option once", at: range))
          }
          chosen.append(optionID)
        case .failure(let diagnostic): return .failure(diagnostic)
        }
      }
      return .success(.options(chosen))
    case .text:
      guard case .string(let text) = value else { return wrong("free text (a JSON string)") }
      guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        return .failure(.error(.wrongAnswerType, "question '\(id)' takes free text; an empty text is no answer: leave it out (or null)", at: range))
      }
      return .success(.text(text))
    case .date:
      guard case .string(let text) = value else { return wrong("a date written \"YYYY-MM-DD\" (e.g. \"2026-11-01\")") }
      guard let day = CalendarDay(text) else {
        return .failure(
          .error(
            .wrongAnswerType,
            "question '\(id)' takes a date written YYYY-MM-DD (e.g. \"2026-11-01\"); found \"\(text)\", which is not a day of the calendar",
            at: range))
      }
      return .success(.date(day))
    }
  }

  private static func known(_ option: String, id: String, options: [Question.Option], _ range: SourceRange) -> Result<String, Diagnostic> {
    if options.contains(where: { $0.id == option }) { return .success(option) }
    let ids = options.map(\.id)
    return .failure(
      Diagnostic.error(
        .unknownAnswerOption,
        "question '\(id)' has no option '\(shortened(option))'; its options are \(ids.joined(separator: ", "))",
        at: range
      ).suggesting(option, from: ids))
  }

  private static func describe(_ value: JSONValue) -> String {
    switch value {
    case .string(let text): "the text \"\(shortened(text))\""
    case .number(let number): "the number \(NumberText.plain(number))"
    case .bool(let flag): flag ? "true" : "false"
    default: value.kindDescription
    }
  }

  /// A text as a message quotes it: whole when short, else its start and its length, so
  /// a megabyte pasted into an answer does not come back as a megabyte-long message.
  static func shortened(_ text: String) -> String {
    guard text.utf8.count > 80 else { return text }
    return String(text.prefix(60)) + "… (\(text.count) characters)"
  }

  /// The assessment date an answers file gives (`"assessment date": "2026-12-01"`).
  static func assessmentDate(_ value: JSONValue, at range: SourceRange) -> Result<CalendarDay, Diagnostic> {
    guard case .string(let text) = value, let day = CalendarDay(text) else {
      let found = if case .string(let text) = value { "\"\(text)\"" } else { value.kindDescription }
      return .failure(
        .error(
          .wrongAnswerType,
          "the assessment date is a day written YYYY-MM-DD (e.g. \"2026-12-01\"): the day the answers were given, which date conditions count back from; found \(found)",
          at: range))
    }
    return .success(day)
  }

  /// A warning for each answered date question that a condition counts back from the
  /// assessment date when no assessment date was given: those conditions stay unknown.
  static func undatedWarnings(_ answers: Answers, knowledgeBase: KnowledgeBase, range: (String) -> SourceRange?) -> [Diagnostic] {
    guard answers.assessmentDate == nil else { return [] }
    return knowledgeBase.datedQuestions.compactMap { index in
      let question = knowledgeBase.questions[index]
      guard case .date? = answers[question.id] else { return nil }
      return .warning(
        .missingAssessmentDate,
        "question '\(question.id)' is a date that rules count back from the assessment date, but no assessment date was given, so those conditions are unknown; give one with --assessment-date YYYY-MM-DD, \"\(Answers.assessmentDateKey)\": \"YYYY-MM-DD\" in the answers, or Answers.assessmentDate in code",
        at: range(question.id) ?? .wholeFile("answers"))
    }
  }

  /// Warnings for answers to questions whose `ask when` is false given the other answers.
  static func askWhenWarnings(_ answers: Answers, knowledgeBase: KnowledgeBase, range: (String) -> SourceRange?) -> [Diagnostic] {
    // Questions are read in place, and the matcher made only for the first answered
    // question with an `ask when`: most have none, and a batch line pays for each copy.
    let questions = knowledgeBase.questions
    var matcher: ConditionMatcher?
    var warnings: [Diagnostic] = []
    for index in questions.indices {
      guard let askWhen = questions[index].askWhen, !questions[index].isRedFlagQuestion, answers[questions[index].id] != nil
      else { continue }
      var run = matcher ?? ConditionMatcher(knowledgeBase, answers)
      let truth = run.match(askWhen)
      matcher = run
      guard case .fails = truth else { continue }
      let id = questions[index].id
      warnings.append(
        .warning(
          .answeredButNotAsked,
          "question '\(id)' is only asked when \(ConditionText.describe(askWhen, in: knowledgeBase)), which the other answers rule out; its answer is kept",
          at: range(id) ?? .wholeFile("answers")))
    }
    return warnings
  }

  /// Warnings for answers that choose an option the question does not offer given the
  /// other answers (an option's `when` fails): "no pain" for how long the pain has lasted,
  /// after a painful knee. The answer is kept, as an `ask when` one is.
  static func unofferedOptionWarnings(_ answers: Answers, knowledgeBase: KnowledgeBase, range: (String) -> SourceRange?)
    -> [Diagnostic]
  {
    let questions = knowledgeBase.questions
    return questions.indices.compactMap { index in
      guard !questions[index].optionConditions.isEmpty, let answer = answers[questions[index].id] else { return nil }
      let question = questions[index]
      guard let problem = knowledgeBase.unofferedOption(in: answer, to: question, given: answers) else { return nil }
      return .warning(
        .optionNotOffered, problem + "; its answer is kept, but check the two answers agree",
        at: range(question.id) ?? .wholeFile("answers"))
    }
  }
}

extension KnowledgeBase {
  /// What is wrong with an answer that chooses an option its question does not offer with
  /// the other answers (an option's `when` fails), or nil when every option chosen is
  /// offered: "question 'pain_duration' offers 'no_pain' only when …, which the other
  /// answers rule out".
  package func unofferedOption(in answer: AnswerValue, to question: Question, given answers: Answers) -> String? {
    guard !question.optionConditions.isEmpty else { return nil }
    let chosen: [String] =
      switch answer {
      case .option(let id): [id]
      case .options(let ids): ids
      default: []
      }
    let offered = Set(offeredOptions(of: question, for: answers).map(\.id))
    guard let first = chosen.first(where: { !offered.contains($0) }), let condition = question.optionConditions[first] else {
      return nil
    }
    return
      "question '\(question.id)' offers '\(first)' only when \(ConditionText.describe(condition, in: self)), which the other answers rule out"
  }
}
