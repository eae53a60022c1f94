// MARK: - FHIR R4 QuestionnaireResponse

/// Reads a FHIR R4 QuestionnaireResponse as answers: each item's `linkId` names a
/// question, and its answers are checked exactly as an answers file's are
/// (`AnswersReader.answer`), listing every problem at once.
///
/// | FHIR answer | Upstream answer |
/// |---|---|
/// | `valueBoolean` | yes / no |
/// | `valueInteger`, `valueDecimal`, `valueQuantity.value` | a number |
/// | `valueCoding` (the option's system, or none) | the option with that code |
/// | `valueCoding` Y / N (HL7 v2-0136) | yes / no |
/// | `valueCoding` `asked-unknown` (data-absent-reason) | not sure |
/// | `valueCoding` `none` (`urn:upstream:answers`) | none of the options |
/// | `valueString` | an option's code or label, `yes`/`no`, or `not sure` |
/// | several answers to one item | the options of a several-choices question |
///
/// Items nested in groups or under answers are read too; items without answers (groups,
/// display items) are passed over. An item Upstream cannot map is an error that says why.
package enum FHIRQuestionnaireResponse {
  /// The HL7 v2 yes/no code system (Y, N).
  static let yesNoSystem = "http://terminology.hl7.org/CodeSystem/v2-0136"

  /// One item with answers, as found while walking the response.
  private struct Item {
    let linkId: String
    let range: SourceRange
    let answers: [JSONDocument.Located]
  }

  /// The members of a FHIR R4 QuestionnaireResponse (its own elements and those of
  /// DomainResource and Resource).
  static let members: Set<String> = [
    "resourceType", "id", "meta", "implicitRules", "language", "text", "contained", "extension", "modifierExtension",
    "identifier", "basedOn", "partOf", "questionnaire", "status", "subject", "encounter", "authored", "author",
    "source", "item",
  ]

  /// Reads a parsed JSON object whose `resourceType` says it is a FHIR resource.
  static func read(_ root: JSONDocument.Located, for knowledgeBase: KnowledgeBase) -> AnswersReader.Output {
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

    var items: [Item] = []
    if let list = fields.first(where: { $0.key == "item" })?.value {
      collect(list, into: &items, &diagnostics)
    }

    var answers = Answers()
    var seen: [String: SourceRange] = [:]
    var order: [String] = []
    for item in items where !item.answers.isEmpty {
      if DiagnosticCollector.reachedLimit(&diagnostics, at: item.range) { break }
      guard let question = knowledgeBase.question(item.linkId) else {
        diagnostics.append(
          Diagnostic.error(
            .unknownQuestion, "the knowledge base has no question '\(item.linkId)' (the linkId of an answered item)",
            at: item.range
          ).suggesting(item.linkId, from: knowledgeBase.questions.map(\.id)))
        continue
      }
      if let first = seen[item.linkId] {
        diagnostics.append(
          .error(
            .wrongAnswerType, "question '\(item.linkId)' is answered by two items; give all its answers in one item",
            at: item.range, notes: [.init("first answered here", at: first)]))
        continue
      }
      seen[item.linkId] = item.range
      order.append(question.id)
      guard let value = value(of: item, question, &diagnostics) else { continue }
      switch AnswersReader.answer(value, to: question, at: item.answers[0].range) {
      case .success(let answer?): answers[question.id] = answer
      case .success(nil): break
      case .failure(let diagnostic): diagnostics.append(diagnostic)
      }
    }
    diagnostics.append(contentsOf: AnswersReader.askWhenWarnings(answers, knowledgeBase: knowledgeBase, ranges: seen))
    var output = AnswersReader.Output(answers: diagnostics.hasErrors ? nil : answers, diagnostics: diagnostics, order: order)
    output.format = .fhirQuestionnaireResponse
    return output
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
        items.append(Item(linkId: linkId, range: field("linkId")?.range ?? element.range, answers: answers))
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
      guard case .number(let number)? = located.value["value"] else {
        return fail("valueQuantity needs a numeric 'value'", at: located.range)
      }
      return .number(number)
    case ("valueString", .string(let text)): return string(text, question)
    case ("valueCoding", .object): return coding(located, question, &diagnostics)
    case ("valueBoolean", _), ("valueInteger", _), ("valueDecimal", _), ("valueString", _), ("valueCoding", _),
      ("valueQuantity", _):
      return fail("\(key) holds \(located.value.kindDescription), which FHIR does not allow there", at: located.range)
    default:
      return fail("a \(key) answer cannot be mapped: question '\(question.id)' takes \(expects)", at: located.range)
    }
  }

  /// A free-text answer: an option's code or label, or the text itself.
  private static func string(_ text: String, _ question: Question) -> JSONValue {
    let options = question.kind.options
    if let option = options.first(where: { $0.id == text || $0.label.lowercased() == text.lowercased() }) {
      return .string(option.id)
    }
    return .string(text)
  }

  /// A coded answer: an option, yes/no, or "asked but unknown" (not sure).
  private static func coding(_ located: JSONDocument.Located, _ question: Question, _ diagnostics: inout [Diagnostic])
    -> JSONValue?
  {
    guard case .string(let code)? = located.value["code"] else {
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
    let expected = FHIRQuestionnaire.optionSystem(question)
    if let system, system != expected {
      diagnostics.append(
        .error(
          .unmappableFHIRItem,
          "question '\(question.id)' codes its answers in the system '\(expected)'; found the system '\(system)'",
          at: located.range))
      return nil
    }
    return .string(code)
  }
}
