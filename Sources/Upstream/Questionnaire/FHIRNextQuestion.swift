// MARK: - FHIR SDC adaptive questionnaire: $next-question

/// One step of the FHIR SDC adaptive questionnaire operation `Questionnaire/$next-question`:
/// a QuestionnaireResponse whose `contained` Questionnaire holds the questions asked so far
/// goes in; the same comes back with the next question added to that Questionnaire
/// (`status` `in-progress`), or, once nothing more could change the result, `status`
/// `completed` with the assessment attached as a contained `RiskAssessment`.
///
/// The next question comes from ``QuestionnaireSession`` resumed from the answers so far,
/// so the order is the terminal's and the web questionnaire's:
///
/// - each item of the contained Questionnaire is a reply, in its order: its answer in the
///   response (read by ``KnowledgeBase/readAnswers(_:)``'s FHIR reader), or "not sure" when
///   left unanswered, except a safety question that needs an answer, which is asked again;
/// - the next item is the question's FHIR item (as in the exported Questionnaire, without
///   `enableWhen`: the server decides what is asked);
/// - the response's `authored` day is the assessment date that date conditions
///   (`injury_date more than 6 weeks ago`) count back from; without it they stay unknown.
///
/// Once the answers raise a warning sign that needs a doctor today or now, the contained
/// Questionnaire's first item is a `display` item (linkId ``urgentWarningLinkId``) with
/// the signs and what to do, as ``QuestionnaireSession/urgentWarnings`` words them (only the
/// most urgent level): a form shows it above the questions left, as `upstream ask` and the
/// web do. It is replaced at every step, and read back as no question.
///
/// The RiskAssessment (`id` `assessment`, referenced from the response's extension
/// ``assessmentExtension``) has one `prediction` per red flag (`qualitativeRisk` high for
/// emergency and same-day, moderate for a routine referral, the advice as `rationale`) and
/// per likely contributor (`probabilityDecimal` its certainty, 0 to 1), the first steps as
/// `mitigation`, and as `note`s the disclaimer, the safety questions left open and each
/// recommendation not for this person, with why.
package enum FHIRNextQuestion {
  /// The SDC extension that marks a Questionnaire as adaptive.
  package static let adaptiveExtension = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive"
  /// Upstream's extension on a completed response: a reference to the contained RiskAssessment.
  package static let assessmentExtension = "urn:upstream:fhir:StructureDefinition:assessment"
  /// The code system of the outcomes in the RiskAssessment: red flag and finding ids.
  package static let outcomeSystem = "urn:upstream:nodes"
  /// The id of the contained Questionnaire when the request holds none.
  static let questionnaireID = "adaptive"
  /// The id of the contained RiskAssessment.
  static let assessmentID = "assessment"
  /// The linkId of the display item that tells the warning signs raised so far.
  package static let urgentWarningLinkId = "urgent-warning"

  /// Why a step cannot be taken: a message, and the library's diagnostics for the answers.
  package struct Problem: Error, Sendable {
    package let message: String
    package let diagnostics: [Diagnostic]
    /// The FHIRPath of the element at fault, from the QuestionnaireResponse
    /// (`QuestionnaireResponse.contained[0].item[2].linkId`), when the problem is one element.
    package let expression: String?

    init(_ message: String, _ diagnostics: [Diagnostic] = [], expression: String? = nil) {
      self.message = message
      self.diagnostics = diagnostics
      self.expression = expression
    }
  }

  /// The response with the next question, or completed with the assessment.
  package static func next(_ response: JSONDocument.Located, for knowledgeBase: KnowledgeBase) -> Result<JSONValue, Problem> {
    let root = response.value
    guard case .object(var fields) = root, root["resourceType"] == .string("QuestionnaireResponse") else {
      return .failure(Problem("the operation takes a FHIR QuestionnaireResponse (or Parameters with a questionnaire-response)"))
    }
    let output = AnswersReader.read(response, for: knowledgeBase)
    guard let answers = output.answers else {
      // The operation is asked in the middle of a form, so a status other than completed is
      // expected here, not a warning.
      let problems = output.diagnostics.filter { $0.code != .responseNotCompleted }
      return .failure(Problem("the QuestionnaireResponse has problems, so no question was chosen", problems))
    }

    // The contained Questionnaire the response refers to (`#id`), or the first, or a new one.
    var contained: [JSONValue] = if case .array(let list)? = root["contained"] { list } else { [] }
    let reference: String? = if case .string(let text)? = root["questionnaire"], text.hasPrefix("#") { String(text.dropFirst()) } else { nil }
    let position =
      contained.firstIndex { $0["resourceType"] == .string("Questionnaire") && (reference == nil || $0["id"] == .string(reference ?? "")) }
      ?? contained.firstIndex { $0["resourceType"] == .string("Questionnaire") }
    var questionnaire = position.map { contained[$0] } ?? shell(knowledgeBase)
    var items: [JSONValue] = if case .array(let list)? = questionnaire["item"] { list } else { [] }
    // The warning this operation put first last time is made again below.
    items.removeAll { $0["linkId"] == .string(urgentWarningLinkId) }

    // Replies: the asked questions in their order, then any other answered question.
    var replies: [QuestionnaireSession.Reply] = []
    var asked: [String] = []
    for (index, item) in items.enumerated() {
      let path = "QuestionnaireResponse.contained[\(position ?? 0)].item[\(index)]"
      guard case .string(let linkId)? = item["linkId"] else {
        return .failure(Problem("an item of the contained Questionnaire has no linkId", expression: path))
      }
      guard let question = knowledgeBase.question(linkId: linkId) else {
        return .failure(
          Problem(
            "the contained Questionnaire asks '\(linkId)', which is not a question of \(knowledgeBase.header.name)",
            expression: path + ".linkId"))
      }
      asked.append(question.id)
      if let answer = answers[question.id] {
        replies.append(.init(question: question.id, answer: answer))
      } else if !question.isRedFlagQuestion || question.notSureAllowed {
        replies.append(.init(question: question.id, answer: nil))
      }
    }
    for id in output.order where !asked.contains(id) {
      if let answer = answers[id] { replies.append(.init(question: id, answer: answer)) }
    }
    var session: QuestionnaireSession
    do {
      session = try QuestionnaireSession(knowledgeBase, resuming: replies)
    } catch {
      return .failure(Problem("the answers cannot be replayed: \(error.description)"))
    }
    // The response's `authored` day: date conditions count back from it, never from today.
    session.assessmentDate = answers.assessmentDate

    contained.removeAll { $0["resourceType"] == .string("RiskAssessment") && $0["id"] == .string(assessmentID) }
    var extensions: [JSONValue] = if case .array(let list)? = root["extension"] { list } else { [] }
    extensions.removeAll { $0["url"] == .string(assessmentExtension) }
    let status: String
    if let question = session.currentQuestion {
      if !asked.contains(question.id) { items.append(FHIRQuestionnaire(knowledgeBase).item(question, adaptive: true)) }
      status = "in-progress"
    } else {
      contained.append(riskAssessment(session.assessment.tree, subject: root["subject"]))
      extensions.append(.object([("url", .string(assessmentExtension)), ("valueReference", .object([("reference", .string("#\(assessmentID)"))]))]))
      status = "completed"
    }
    let warnings = session.urgentWarnings
    if !warnings.isEmpty {
      let text =
        warnings.map { "Warning sign: \($0.redFlag.name) (\($0.urgency.description)). \($0.advice)" }.joined(separator: " ")
        + (status == "in-progress" ? " You can stop here: the questions left help whoever sees you." : "")
      items.insert(FHIRQuestionnaire.display(urgentWarningLinkId, text, category: "instructions"), at: 0)
    }
    questionnaire = setting("item", .array(items), in: questionnaire)
    if let position { contained[position] = questionnaire } else { contained.insert(questionnaire, at: 0) }
    let id: String = if case .string(let text)? = questionnaire["id"] { text } else { questionnaireID }

    fields = setting("contained", .array(contained), in: root).objectFields
    var result = JSONValue.object(fields)
    result = extensions.isEmpty ? removing("extension", from: result) : setting("extension", .array(extensions), in: result)
    result = setting("questionnaire", .string("#\(id)"), in: result)
    result = setting("status", .string(status), in: result)
    return .success(result)
  }

  // MARK: Building the resources

  /// A new adaptive Questionnaire with no items yet, derived from the exported one.
  private static func shell(_ knowledgeBase: KnowledgeBase) -> JSONValue {
    .object([
      ("resourceType", .string("Questionnaire")),
      ("id", .string(questionnaireID)),
      ("extension", .array([.object([("url", .string(adaptiveExtension)), ("valueBoolean", .bool(true))])])),
      ("derivedFrom", .array([.string(FHIRQuestionnaire.url(knowledgeBase))])),
      ("version", .string(knowledgeBase.header.version)),
      ("title", .string(knowledgeBase.header.name)),
      ("status", .string("active")),
      ("subjectType", .array([.string("Patient")])),
      ("item", .array([])),
    ])
  }

  /// The assessment as a RiskAssessment: red flags and likely contributors as predictions.
  static func riskAssessment(_ tree: RecommendationTree, subject: JSONValue?) -> JSONValue {
    func outcome(_ id: String, _ name: String, _ text: String) -> JSONValue {
      .object([
        ("coding", .array([.object([("system", .string(outcomeSystem)), ("code", .string(id)), ("display", .string(name))])])),
        ("text", .string(text)),
      ])
    }
    var predictions: [JSONValue] = tree.redFlags.map { flag in
      let risk = flag.urgency == .routineReferral ? "moderate" : "high"
      return .object([
        ("outcome", outcome(flag.id, flag.name, "Red flag: \(flag.name) (\(flag.urgency.description))")),
        (
          "qualitativeRisk",
          .object([
            ("coding", .array([.object([("system", .string("http://terminology.hl7.org/CodeSystem/risk-probability")), ("code", .string(risk))])])),
            ("text", .string(flag.urgency.description)),
          ])
        ),
        ("rationale", .string(flag.advice)),
      ])
    }
    for node in tree.allNodes where node.kind == .contributor && !node.lessLikely {
      var fields: [(key: String, value: JSONValue)] = [
        ("outcome", outcome(node.id, node.name, "Likely contributor: \(node.name)")),
        ("probabilityDecimal", .number((node.certainty * 100).rounded() / 100)),
      ]
      if let explanation = node.explanation, !explanation.isEmpty { fields.append(("rationale", .string(explanation))) }
      predictions.append(.object(fields))
    }
    var fields: [(key: String, value: JSONValue)] = [
      ("resourceType", .string("RiskAssessment")),
      ("id", .string(assessmentID)),
      ("status", .string("final")),
      ("method", .object([("text", .string("\(tree.stamp.knowledgeBaseName) \(tree.stamp.knowledgeBaseVersion) (Upstream rules)"))])),
      ("subject", subject ?? .object([("display", .string("the person who answered the questionnaire"))])),
      ("basis", .array([.object([("reference", .string("#"))])])),
    ]
    if !predictions.isEmpty { fields.append(("prediction", .array(predictions))) }
    let steps = tree.firstSteps.filter { $0.kind == .recommendation }.map(\.text)
    if !steps.isEmpty { fields.append(("mitigation", .string(steps.joined(separator: "\n")))) }
    var notes = [tree.disclaimer]
    if !tree.unansweredSafetyQuestions.isEmpty {
      notes.append(
        "Safety questions not answered, so red flags cannot be ruled out: "
          + tree.unansweredSafetyQuestions.map(\.wording).joined(separator: "; "))
    }
    // A recommendation not for this person is named with why, so no one gives it anyway.
    notes += tree.notForYou.map { "Not for this person: \($0.title). \($0.reason)" }
    fields.append(("note", .array(notes.filter { !$0.isEmpty }.map { .object([("text", .string($0))]) })))
    return .object(fields)
  }

  // MARK: Editing JSON objects

  /// The object with `key` set to `value`: in place when present, otherwise at the end.
  private static func setting(_ key: String, _ value: JSONValue, in object: JSONValue) -> JSONValue {
    var fields = object.objectFields
    if let index = fields.firstIndex(where: { $0.key == key }) { fields[index].value = value } else { fields.append((key, value)) }
    return .object(fields)
  }

  private static func removing(_ key: String, from object: JSONValue) -> JSONValue {
    .object(object.objectFields.filter { $0.key != key })
  }
}

extension JSONValue {
  /// The fields of an object; none for any other value.
  fileprivate var objectFields: [(key: String, value: JSONValue)] {
    if case .object(let fields) = self { fields } else { [] }
  }
}
