// MARK: - FHIR R4 QuestionnaireResponse

/// Reads a FHIR R4 QuestionnaireResponse as answers: each item's `linkId` names a
/// question (its declared `link id`, else its id; then the item's code in a contained
/// Questionnaire, then its text), and its answers are checked exactly as an answers file's
/// are (`AnswersReader.answer`), listing every problem at once. Responses other systems
/// write import as they are: an unknown item, a status other than completed and a stored
/// score that differs from the sum are warnings (an unknown item is an error when strict).
///
/// | FHIR answer | Upstream answer |
/// |---|---|
/// | `valueBoolean` | yes / no |
/// | `valueInteger`, `valueDecimal` | a number |
/// | `valueQuantity` | a number, converted from its unit (`code`, else `unit`) to the question's, or refused |
/// | `valueCoding` | the option by its declared code (system + code), by its id in Upstream's own system, then by label |
/// | `valueCoding` Y / N (HL7 v2-0136) | yes / no |
/// | `valueCoding` `asked-unknown` (data-absent-reason) | not sure |
/// | `valueCoding` `none` (`urn:upstream:answers`) | none of the options |
/// | `valueString` | a `text` question's text; else an option's code or label, `yes`/`no`, or `not sure` |
/// | `valueDate`, `valueDateTime` (its day, as written) | a `date` question's day |
/// | `authored` (its day, as written) | the assessment date, unless `--assessment-date` gives one |
/// | several answers to one item | the options of a several-choices question |
///
/// Items nested in groups or under answers are read too; items without answers (groups,
/// display items) are passed over; a repeated item adds to a several-choices answer or
/// must agree. An answer Upstream cannot map is an error that says why.
package enum FHIRQuestionnaireResponse {
  /// The HL7 v2 yes/no code system (Y, N).
  static let yesNoSystem = "http://terminology.hl7.org/CodeSystem/v2-0136"

  /// One item with answers, as found while walking the response.
  private struct Item {
    let linkId: String
    /// The item's `text`, if it has one.
    let text: String?
    let range: SourceRange
    let answers: [JSONDocument.Located]
  }

  /// What an item of a contained Questionnaire says about a linkId: its codes and text.
  private struct Definition {
    var codes: [(system: String?, code: String)] = []
    var text: String?
  }

  /// What an answered item stands for.
  private enum Target {
    case question(Question)
    /// A stored total of a score, checked against the sum Upstream computes.
    case score(Score)
  }

  /// The members of a FHIR R4 QuestionnaireResponse (its own elements and those of
  /// DomainResource and Resource).
  static let members: Set<String> = [
    "resourceType", "id", "meta", "implicitRules", "language", "text", "contained", "extension", "modifierExtension",
    "identifier", "basedOn", "partOf", "questionnaire", "status", "subject", "encounter", "authored", "author",
    "source", "item",
  ]

  /// Reads a parsed JSON object whose `resourceType` says it is a FHIR resource. With
  /// `strict`, an item no question names is an error rather than a warning.
  static func read(
    _ root: JSONDocument.Located, for knowledgeBase: KnowledgeBase, strict: Bool = false,
    assessmentDate override: CalendarDay? = nil
  ) -> AnswersReader.Output {
    var diagnostics: [Diagnostic] = []
    func failed() -> AnswersReader.Output {
      var output = AnswersReader.Output(answers: nil, diagnostics: diagnostics)
      output.format = .fhirQuestionnaireResponse
      return output
    }
    guard case .object(let fields) = root.node, let type = fields.first(where: { $0.key == "resourceType" }) else {
      return failed()
    }
    guard case .string("QuestionnaireResponse") = type.value.node else {
      let name =
        if case .string(let text) = type.value.node { "a FHIR \(text) resource" } else { "not a FHIR resource Upstream knows" }
      diagnostics.append(
        .error(
          .unmappableFHIRItem,
          "this is \(name); Upstream reads answers from a FHIR QuestionnaireResponse or an answers file (a JSON object of question id → answer)",
          at: type.value.range))
      return failed()
    }

    // Anything beside the resource's own members is refused: an answer written at the top
    // level (`"diabetes": true`) would otherwise be dropped without a word.
    for field in fields where !Self.members.contains(field.key) {
      if DiagnosticCollector.reachedLimit(&diagnostics, at: field.keyRange) { break }
      let hint =
        knowledgeBase.question(field.key) != nil
        ? "; to answer question '\(field.key)', put it in an item: {\"linkId\": \"\(field.key)\", \"answer\": [...]}" : ""
      diagnostics.append(
        Diagnostic.error(
          .unknownResourceMember,
          "a FHIR QuestionnaireResponse has no member \(JSONWriter.quoted(field.key))\(hint)", at: field.keyRange
        ).suggesting(field.key, from: Self.members.sorted()))
    }
    diagnostics.append(contentsOf: statusWarnings(fields, at: type.value.range))

    var definitions: [String: Definition] = [:]
    if let contained = fields.first(where: { $0.key == "contained" })?.value.value {
      definitions = Self.definitions(contained)
    }
    var items: [Item] = []
    if let list = fields.first(where: { $0.key == "item" })?.value {
      collect(list, into: &items, &diagnostics)
    }

    // Each question's answers, item by item (a repeated item answers a question twice).
    var given: [String: [(value: JSONValue, range: SourceRange)]] = [:]
    var ranges: [String: SourceRange] = [:]
    var order: [String] = []
    var stored: [(score: Score, total: Double, range: SourceRange)] = []
    for item in items where !item.answers.isEmpty {
      if DiagnosticCollector.reachedLimit(&diagnostics, at: item.range) { break }
      guard let target = target(of: item, definitions[item.linkId], knowledgeBase, strict: strict, &diagnostics) else {
        continue
      }
      switch target {
      case .score(let score):
        if let total = storedTotal(item, score, &diagnostics) { stored.append((score, total, item.range)) }
      case .question(let question):
        if ranges[question.id] == nil {
          ranges[question.id] = item.range
          order.append(question.id)
        }
        guard let value = value(of: item, question, &diagnostics) else { continue }
        given[question.id, default: []].append((value, item.answers.first?.range ?? item.range))
      }
    }

    var answers = Answers()
    answers.assessmentDate = override ?? authored(fields)
    for id in order {
      guard let question = knowledgeBase.question(id), let values = given[id], !values.isEmpty,
        let value = merged(values, question, &diagnostics)
      else { continue }
      switch AnswersReader.answer(value, to: question, at: values[0].range) {
      case .success(let answer?): answers[question.id] = answer
      case .success(nil): break
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    diagnostics.append(contentsOf: AnswersReader.askWhenWarnings(answers, knowledgeBase: knowledgeBase, range: { ranges[$0] }))
    diagnostics.append(contentsOf: AnswersReader.undatedWarnings(answers, knowledgeBase: knowledgeBase, range: { ranges[$0] }))
    if !diagnostics.hasErrors, !stored.isEmpty {
      diagnostics.append(contentsOf: storedScoreWarnings(stored, answers, knowledgeBase))
    }
    var output = AnswersReader.Output(answers: diagnostics.hasErrors ? nil : answers, diagnostics: diagnostics, order: order)
    output.format = .fhirQuestionnaireResponse
    return output
  }

  // MARK: Status and stored totals

  /// The day the response was authored, as the author wrote it (the date part of
  /// `authored`, with no time-zone conversion): the assessment date.
  private static func authored(_ fields: [(key: String, keyRange: SourceRange, value: JSONDocument.Located)]) -> CalendarDay? {
    guard case .string(let text)? = fields.first(where: { $0.key == "authored" })?.value.node else { return nil }
    return CalendarDay(String(text.prefix(10)))
  }

  /// A warning when the response is not `completed`: its answers are read as they are.
  private static func statusWarnings(
    _ fields: [(key: String, keyRange: SourceRange, value: JSONDocument.Located)], at typeRange: SourceRange
  ) -> [Diagnostic] {
    guard let status = fields.first(where: { $0.key == "status" })?.value else {
      return [
        .warning(
          .responseNotCompleted, "this QuestionnaireResponse has no status; its answers are read as if it were completed",
          at: typeRange)
      ]
    }
    guard case .string(let text) = status.node else {
      return [.warning(.responseNotCompleted, "the status should be a text such as \"completed\"", at: status.range)]
    }
    guard text != "completed" else { return [] }
    let meaning =
      switch text {
      case "in-progress": "the form was not finished, so answers may be missing"
      case "amended": "answers were changed after the form was completed"
      case "entered-in-error": "the form was entered in error and should not be used"
      case "stopped": "the form was stopped before it was finished"
      default: "FHIR R4 knows in-progress, completed, amended, entered-in-error and stopped"
      }
    return [
      .warning(
        .responseNotCompleted,
        "the response's status is \"\(text)\", not \"completed\": \(meaning); its answers are read as they are",
        at: status.range)
    ]
  }

  /// The number a stored total's item holds.
  private static func storedTotal(_ item: Item, _ score: Score, _ diagnostics: inout [Diagnostic]) -> Double? {
    guard item.answers.count == 1, case .object(let fields) = item.answers[0].node else {
      diagnostics.append(
        .error(.unmappableFHIRItem, "the stored total of score '\(score.id)' needs exactly one answer", at: item.range))
      return nil
    }
    for field in fields where field.key.hasPrefix("value") {
      switch (field.key, field.value.value) {
      case ("valueInteger", .number(let number)), ("valueDecimal", .number(let number)): return number
      case ("valueQuantity", let quantity):
        if case .number(let number)? = quantity["value"] { return number }
      default: break
      }
    }
    diagnostics.append(
      .error(
        .unmappableFHIRItem,
        "the stored total of score '\(score.id)' needs a valueInteger, valueDecimal or valueQuantity", at: item.answers[0].range))
    return nil
  }

  /// A warning for each stored total that is not the sum Upstream computes from the items.
  private static func storedScoreWarnings(
    _ stored: [(score: Score, total: Double, range: SourceRange)], _ answers: Answers, _ knowledgeBase: KnowledgeBase
  ) -> [Diagnostic] {
    let assessment = knowledgeBase.assess(validated: answers)
    return stored.compactMap { entry in
      guard let result = assessment.score(entry.score.id) else { return nil }
      let storedThousandths = Int((entry.total * 1000).rounded())
      let computed: String
      if result.lowestThousandths == result.highestThousandths {
        guard storedThousandths != result.thousandths else { return nil }
        computed = "the sum of its items is \(NumberText.plain(result.total))"
      } else {
        let low = Double(result.lowestThousandths) / 1000
        let high = Double(result.highestThousandths) / 1000
        computed =
          "the items answered so far give \(NumberText.plain(result.total)), and the unanswered ones could make it \(NumberText.plain(low)) to \(NumberText.plain(high))"
      }
      return .warning(
        .storedScoreDiffers,
        "the response stores \(NumberText.plain(entry.total)) as the total of '\(entry.score.id)' (\(entry.score.name)); \(computed): Upstream uses its own sum",
        at: entry.range)
    }
  }

  // MARK: Which question an item answers

  /// The question (or stored score) an item stands for: by linkId, then by the codes a
  /// contained Questionnaire gives the item, then by its text. Nil after a diagnostic.
  private static func target(
    of item: Item, _ definition: Definition?, _ knowledgeBase: KnowledgeBase, strict: Bool,
    _ diagnostics: inout [Diagnostic]
  ) -> Target? {
    if let question = knowledgeBase.question(linkId: item.linkId) { return .question(question) }
    if let score = knowledgeBase.score(linkId: item.linkId) { return .score(score) }
    var candidates: [(target: Target, id: String)] = []
    var how = ""
    for code in definition?.codes ?? [] {
      candidates += knowledgeBase.questions.filter { $0.codings.contains { $0.matches(system: code.system, code: code.code) } }
        .map { (.question($0), $0.id) }
      candidates += knowledgeBase.scores.filter { $0.codings.contains { $0.matches(system: code.system, code: code.code) } }
        .map { (.score($0), $0.id) }
      how = "code"
    }
    if candidates.isEmpty, let text = item.text ?? definition?.text {
      let wanted = normalized(text)
      candidates = knowledgeBase.questions.filter { normalized($0.wording) == wanted }.map { (.question($0), $0.id) }
      how = "text"
    }
    var unique: [(target: Target, id: String)] = []
    for candidate in candidates where !unique.contains(where: { $0.id == candidate.id }) { unique.append(candidate) }
    if unique.count == 1 { return unique[0].target }
    let severity: Diagnostic.Severity = strict ? .error : .warning
    if unique.count > 1 {
      diagnostics.append(
        Diagnostic(
          severity, .ambiguousAnswerMapping,
          "the item \(JSONWriter.quoted(item.linkId)) matches several questions by its \(how) (\(unique.map { "'\($0.id)'" }.joined(separator: ", "))); its answers are not used: declare its linkId on one of them with link id \(JSONWriter.quoted(item.linkId))",
          at: item.range))
      return nil
    }
    diagnostics.append(
      Diagnostic(
        severity, .unknownFHIRItem,
        "no question has the linkId \(JSONWriter.quoted(item.linkId)), so this item's answers are not used\(strict ? "" : " (an error with --strict)")",
        at: item.range
      ).suggesting(item.linkId, from: knowledgeBase.questions.map(\.exportLinkId)))
    return nil
  }

  /// Text compared without regard to case or spacing.
  static func normalized(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// The codes and text of each item of the Questionnaires a response contains.
  private static func definitions(_ contained: JSONValue) -> [String: Definition] {
    guard case .array(let resources) = contained else { return [:] }
    var definitions: [String: Definition] = [:]
    func walk(_ items: JSONValue?) {
      guard case .array(let list)? = items else { return }
      for item in list {
        if case .string(let linkId)? = item["linkId"] {
          var definition = Definition()
          if case .string(let text)? = item["text"] { definition.text = text }
          if case .array(let codes)? = item["code"] {
            for code in codes {
              guard case .string(let value)? = code["code"] else { continue }
              let system: String? = if case .string(let text)? = code["system"] { text } else { nil }
              definition.codes.append((system, value))
            }
          }
          definitions[linkId] = definitions[linkId] ?? definition
        }
        walk(item["item"])
      }
    }
    for resource in resources where resource["resourceType"] == .string("Questionnaire") { walk(resource["item"]) }
    return definitions
  }

  // MARK: Repeated items

  /// One question's answers from several items: the options of a several-choices question
  /// together; otherwise the items must agree.
  private static func merged(
    _ values: [(value: JSONValue, range: SourceRange)], _ question: Question, _ diagnostics: inout [Diagnostic]
  ) -> JSONValue? {
    guard values.count > 1 else { return values[0].value }
    if case .choices = question.kind {
      var options: [JSONValue] = []
      for entry in values {
        guard case .array(let chosen) = entry.value else { return entry.value }
        for option in chosen where !options.contains(option) { options.append(option) }
      }
      return .array(options)
    }
    if values.allSatisfy({ $0.value == values[0].value }) { return values[0].value }
    diagnostics.append(
      .error(
        .wrongAnswerType,
        "question '\(question.id)' is answered differently by two items; a repeated item must give the same answer",
        at: values[1].range, notes: [.init("first answered here", at: values[0].range)]))
    return nil
  }

  // MARK: Walking the items

  /// Collects every item of a list, depth first, with the items nested under it and under
  /// its answers.
  private static func collect(_ list: JSONDocument.Located, into items: inout [Item], _ diagnostics: inout [Diagnostic]) {
    guard case .array(let elements) = list.node else {
      diagnostics.append(
        .error(.unmappableFHIRItem, "'item' must be a list of items; found \(list.value.kindDescription)", at: list.range))
      return
    }
    for element in elements {
      guard case .object(let fields) = element.node else {
        diagnostics.append(
          .error(.unmappableFHIRItem, "an item must be a JSON object; found \(element.value.kindDescription)", at: element.range))
        continue
      }
      func field(_ key: String) -> JSONDocument.Located? { fields.first { $0.key == key }?.value }
      var answers: [JSONDocument.Located] = []
      if let answerList = field("answer") {
        if case .array(let list) = answerList.node {
          answers = list
        } else {
          diagnostics.append(
            .error(
              .unmappableFHIRItem, "'answer' must be a list of answers; found \(answerList.value.kindDescription)",
              at: answerList.range))
        }
      }
      if case .string(let linkId) = field("linkId")?.node {
        let text: String? = if case .string(let text)? = field("text")?.node { text } else { nil }
        items.append(Item(linkId: linkId, text: text, range: field("linkId")?.range ?? element.range, answers: answers))
      } else if !answers.isEmpty {
        diagnostics.append(.error(.unmappableFHIRItem, "an answered item needs a linkId naming its question", at: element.range))
      }
      for answer in answers {
        if case .object(let answerFields) = answer.node, let nested = answerFields.first(where: { $0.key == "item" })?.value {
          collect(nested, into: &items, &diagnostics)
        }
      }
      if let nested = field("item") { collect(nested, into: &items, &diagnostics) }
    }
  }

  // MARK: Answers

  /// The item's answers as the JSON an answers file would hold, or nil after a diagnostic.
  private static func value(of item: Item, _ question: Question, _ diagnostics: inout [Diagnostic]) -> JSONValue? {
    var values: [JSONValue] = []
    for answer in item.answers {
      guard let value = value(of: answer, question, &diagnostics) else { return nil }
      values.append(value)
    }
    if case .choices = question.kind {
      if values.count == 1, case .string(let text) = values[0], text.lowercased() == "not sure" { return values[0] }
      if values.contains(.array([])) {
        guard values.count == 1 else {
          diagnostics.append(
            .error(
              .wrongAnswerType,
              "question '\(question.id)' is answered both \"none of these\" and with options; choose one or the other",
              at: item.range))
          return nil
        }
        return .array([])
      }
      return .array(values)
    }
    guard values.count == 1 else {
      diagnostics.append(
        .error(
          .wrongAnswerType, "question '\(question.id)' takes one answer; this item has \(values.count)",
          at: item.answers.last?.range ?? item.range))
      return nil
    }
    return values[0]
  }

  /// One answer's `value[x]` as answers-file JSON.
  private static func value(of answer: JSONDocument.Located, _ question: Question, _ diagnostics: inout [Diagnostic])
    -> JSONValue?
  {
    func fail(_ message: String, at range: SourceRange? = nil) -> JSONValue? {
      diagnostics.append(.error(.unmappableFHIRItem, message, at: range ?? answer.range))
      return nil
    }
    guard case .object(let fields) = answer.node else {
      return fail("an answer must be a JSON object; found \(answer.value.kindDescription)")
    }
    let values = fields.filter { $0.key.hasPrefix("value") }
    guard values.count == 1, let key = values.first?.key, let located = values.first?.value else {
      return fail(
        "an answer to '\(question.id)' needs exactly one value[x]; found \(values.isEmpty ? "none" : values.map(\.key).joined(separator: ", "))"
      )
    }
    let expects = TypedReply.expectation(question)
    switch (key, located.value) {
    case ("valueBoolean", .bool(let flag)): return .bool(flag)
    case ("valueInteger", .number(let number)), ("valueDecimal", .number(let number)): return .number(number)
    case ("valueQuantity", .object):
      guard case .number = located.value["value"] else {
        return fail("valueQuantity needs a numeric 'value'", at: located.range)
      }
      // Kept as a quantity: the answer's check converts its unit (code, else unit) or refuses it.
      return located.value
    case ("valueString", .string(let text)):
      if case .text = question.kind { return .string(text) }
      return string(text, question)
    case ("valueDate", .string(let text)) where question.kind == .date:
      guard CalendarDay(text) != nil else {
        return fail(
          "question '\(question.id)' takes a whole day; the valueDate \(JSONWriter.quoted(text)) is \(text.count < 10 ? "only a year or a month" : "not a day of the calendar")",
          at: located.range)
      }
      return .string(text)
    case ("valueDateTime", .string(let text)) where question.kind == .date:
      // The day as the author wrote it: no time-zone conversion.
      guard CalendarDay(String(text.prefix(10))) != nil else {
        return fail("question '\(question.id)' takes a day; the valueDateTime \(JSONWriter.quoted(text)) has none", at: located.range)
      }
      return .string(String(text.prefix(10)))
    case ("valueCoding", .object): return coding(located, question, &diagnostics)
    case ("valueBoolean", _), ("valueInteger", _), ("valueDecimal", _), ("valueString", _), ("valueCoding", _),
      ("valueQuantity", _):
      return fail("\(key) holds \(located.value.kindDescription), which FHIR does not allow there", at: located.range)
    default:
      return fail("a \(key) answer cannot be mapped: question '\(question.id)' takes \(expects)", at: located.range)
    }
  }

  /// A free-text answer: an option's code or label (case and spacing aside), or the text
  /// itself.
  private static func string(_ text: String, _ question: Question) -> JSONValue {
    let options = question.kind.options
    let wanted = normalized(text)
    if let option = options.first(where: { $0.id == text || normalized($0.label) == wanted }) {
      return .string(option.id)
    }
    return .string(text)
  }

  /// A coded answer: an option, yes/no, or "asked but unknown" (not sure).
  private static func coding(_ located: JSONDocument.Located, _ question: Question, _ diagnostics: inout [Diagnostic])
    -> JSONValue?
  {
    let display: String? = if case .string(let text)? = located.value["display"] { text } else { nil }
    guard case .string(let code)? = located.value["code"] else {
      // A coding with only a display names its option by its label.
      if let display, !question.kind.options.isEmpty {
        return option(code: nil, system: nil, display: display, located, question, &diagnostics)
      }
      diagnostics.append(.error(.unmappableFHIRItem, "a valueCoding answer needs a 'code'", at: located.range))
      return nil
    }
    let system: String? = if case .string(let text)? = located.value["system"] { text } else { nil }
    if system == FHIRQuestionnaire.answerSystem {
      guard code == "none", case .choices = question.kind else {
        diagnostics.append(
          .error(
            .unmappableFHIRItem,
            "the code '\(code)' of \(FHIRQuestionnaire.answerSystem) does not answer question '\(question.id)'",
            at: located.range))
        return nil
      }
      return .array([])
    }
    if system == FHIRQuestionnaire.dataAbsentReason {
      guard code == "asked-unknown" || code == "unknown" else {
        diagnostics.append(
          .error(
            .unmappableFHIRItem, "data-absent-reason '\(code)' cannot be mapped; use 'asked-unknown' for \"not sure\"",
            at: located.range))
        return nil
      }
      return .string("not sure")
    }
    if case .yesNo = question.kind, system == nil || system == yesNoSystem {
      switch code.lowercased() {
      case "y", "yes", "true": return .bool(true)
      case "n", "no", "false": return .bool(false)
      default: break
      }
    }
    if question.kind.options.isEmpty {
      diagnostics.append(
        .error(
          .unmappableFHIRItem,
          "question '\(question.id)' is \(question.kind.name), so a valueCoding cannot answer it; it takes \(TypedReply.expectation(question))",
          at: located.range))
      return nil
    }
    return option(code: code, system: system, display: display, located, question, &diagnostics)
  }

  /// The option a coding names: by the option's declared codes (system and code), then by
  /// Upstream's own option code system, then by its label (case and spacing aside). When
  /// the code and the display point to different options, the code wins, with a warning.
  private static func option(
    code: String?, system: String?, display: String?, _ located: JSONDocument.Located, _ question: Question,
    _ diagnostics: inout [Diagnostic]
  ) -> JSONValue? {
    let options = question.kind.options
    var byCode: [Question.Option] = []
    if let code {
      byCode = options.filter { $0.codings.contains { $0.matches(system: system, code: code) } }
      if byCode.isEmpty, system == nil || system == FHIRQuestionnaire.optionSystem(question) {
        byCode = options.filter { $0.id == code }
      }
    }
    let byDisplay = display.map { text in options.filter { normalized($0.label) == normalized(text) } } ?? []
    let written = [system.map { "system \(JSONWriter.quoted($0))" }, code.map { "code \(JSONWriter.quoted($0))" }]
      .compactMap { $0 }.joined(separator: ", ")
    if byCode.count > 1 {
      diagnostics.append(
        .error(
          .ambiguousAnswerMapping,
          "the \(written) matches several options of question '\(question.id)' (\(byCode.map { "'\($0.id)'" }.joined(separator: ", "))); give the code's system",
          at: located.range))
      return nil
    }
    if let chosen = byCode.first {
      if let display, !byDisplay.isEmpty, !byDisplay.contains(where: { $0.id == chosen.id }) {
        diagnostics.append(
          .warning(
            .ambiguousAnswerMapping,
            "the answer's \(written) is option '\(chosen.id)' (\(JSONWriter.quoted(chosen.label))) of question '\(question.id)', but its display \(JSONWriter.quoted(display)) is the label of '\(byDisplay[0].id)'; Upstream took '\(chosen.id)' by its code",
            at: located.range))
      }
      return .string(chosen.id)
    }
    if byDisplay.count == 1, let display {
      if code != nil {
        diagnostics.append(
          .warning(
            .ambiguousAnswerMapping,
            "no option of question '\(question.id)' has the \(written); Upstream took '\(byDisplay[0].id)' by its display \(JSONWriter.quoted(display)). Declare the code on the option (code \(JSONWriter.quoted(code ?? "")) system \(JSONWriter.quoted(system ?? "…"))) to match by code",
            at: located.range))
      }
      return .string(byDisplay[0].id)
    }
    let declared = options.map { option in
      let codes = option.codings.map { $0.code }
      return codes.isEmpty ? "'\(option.id)'" : "'\(option.id)' (\(codes.joined(separator: ", ")))"
    }
    diagnostics.append(
      Diagnostic.error(
        .unmappableFHIRItem,
        "no option of question '\(question.id)' has the \(written.isEmpty ? "display \(JSONWriter.quoted(display ?? ""))" : written)\(display.map { " or the label \(JSONWriter.quoted($0))" } ?? ""); its options are \(declared.joined(separator: ", "))",
        at: located.range
      ).suggesting(code ?? display ?? "", from: options.map(\.id)))
    return nil
  }
}
