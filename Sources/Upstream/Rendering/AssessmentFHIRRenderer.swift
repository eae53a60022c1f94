import UpstreamDigest

// MARK: - Assessment as FHIR resources

/// Renders an assessment as FHIR R4 resources a clinical record can store: a `Bundle` of
/// type `collection` holding one `RiskAssessment` (red flags as qualitative risk, likely
/// contributors with `probabilityDecimal` = certainty, each scored instrument's stratum)
/// and one `Observation` per score (the total, its stratum as interpretation, the codes the
/// rules declare for it, such as LOINC 44261-6 for the PHQ-9 total).
///
/// The output is deterministic: ids and `fullUrl`s are derived from the rules' and the
/// answers' hashes, and no date is written (the record stamps its own). One entry point,
/// `render(_:)`; batch output can reuse the package-level `resource(_:)` line by line.
public struct AssessmentFHIRRenderer: Sendable {
  /// The code system of score ids.
  public static let scoreSystem = "urn:upstream:scores"
  /// The code system of a score's strata is this prefix followed by the score id.
  public static let stratumSystemPrefix = "urn:upstream:strata:"

  public let knowledgeBase: KnowledgeBase

  public init(_ knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// The assessment as a pretty-printed FHIR Bundle.
  public func render(_ assessment: Assessment) -> String { JSONWriter.pretty(resource(assessment.tree)) }

  /// The Bundle as a JSON value.
  package func resource(_ tree: RecommendationTree) -> JSONValue {
    let key = SHA256.hex(SHA256.digest(Array((tree.stamp.contentHash + ":" + tree.stamp.answersHash).utf8)))
    let subject = JSONValue.object([("display", .string("the person who answered the questionnaire"))])
    var entries: [JSONValue] = []
    var observationURLs: [String] = []
    for (index, score) in tree.scores.enumerated() {
      let url = Self.uuidURL(key, index + 1)
      observationURLs.append(url)
      entries.append(entry(url, observation(score, subject: subject, id: "score-\(Self.resourceID(score.id))")))
    }
    let risk = riskAssessment(tree, subject: subject, basis: observationURLs)
    entries.insert(entry(Self.uuidURL(key, 0), risk), at: 0)
    return .object([
      ("resourceType", .string("Bundle")),
      ("id", .string("upstream-" + String(key.prefix(16)))),
      ("identifier", .object([("system", .string("urn:upstream:assessment")), ("value", .string("sha256:" + key))])),
      ("type", .string("collection")),
      ("entry", .array(entries)),
    ])
  }

  // MARK: Resources

  private func entry(_ url: String, _ resource: JSONValue) -> JSONValue {
    .object([("fullUrl", .string(url)), ("resource", resource)])
  }

  /// The RiskAssessment: the adaptive questionnaire's predictions, each score's stratum,
  /// and the score Observations as its basis.
  private func riskAssessment(_ tree: RecommendationTree, subject: JSONValue, basis: [String]) -> JSONValue {
    guard case .object(var fields) = FHIRNextQuestion.riskAssessment(tree, subject: subject) else { return .null }
    fields.removeAll { $0.key == "basis" }
    if let index = fields.firstIndex(where: { $0.key == "id" }) { fields[index].value = .string("assessment") }
    let strata: [JSONValue] = tree.scores.compactMap { score in
      guard let stratum = score.stratum, let label = score.stratumLabel else { return nil }
      var prediction: [(key: String, value: JSONValue)] = [
        (
          "outcome",
          .object([
            (
              "coding",
              .array([
                .object([
                  ("system", .string(Self.stratumSystemPrefix + score.id)), ("code", .string(stratum)),
                  ("display", .string(label)),
                ])
              ])
            ),
            ("text", .string("\(score.name): \(label)\(score.complete ? "" : " (not every item answered)")")),
          ])
        )
      ]
      if let meaning = score.stratumMeaning { prediction.append(("rationale", .string(meaning))) }
      return .object(prediction)
    }
    if !strata.isEmpty {
      if let index = fields.firstIndex(where: { $0.key == "prediction" }), case .array(let list) = fields[index].value {
        fields[index].value = .array(list + strata)
      } else if let index = fields.firstIndex(where: { $0.key == "mitigation" || $0.key == "note" }) {
        fields.insert(("prediction", .array(strata)), at: index)
      }
    }
    if !basis.isEmpty {
      let position = fields.firstIndex { $0.key == "prediction" || $0.key == "mitigation" || $0.key == "note" } ?? fields.count
      fields.insert(("basis", .array(basis.map { .object([("reference", .string($0))]) })), at: position)
    }
    return .object(fields)
  }

  /// One score as a survey Observation.
  private func observation(_ score: ScoreEntry, subject: JSONValue, id: String) -> JSONValue {
    var codings: [JSONValue] =
      (knowledgeBase.score(score.id)?.codings ?? []).filter { $0.system != nil }.map(FHIRQuestionnaire.coding)
    codings.append(
      .object([("system", .string(Self.scoreSystem)), ("code", .string(score.id)), ("display", .string(score.name))]))
    var fields: [(key: String, value: JSONValue)] = [
      ("resourceType", .string("Observation")),
      ("id", .string(id)),
      ("status", .string(score.complete ? "final" : "preliminary")),
      (
        "category",
        .array([
          .object([
            (
              "coding",
              .array([
                .object([
                  ("system", .string("http://terminology.hl7.org/CodeSystem/observation-category")),
                  ("code", .string("survey")),
                ])
              ])
            )
          ])
        ])
      ),
      ("code", .object([("coding", .array(codings)), ("text", .string(score.name))])),
      ("subject", subject),
    ]
    if score.total == score.total.rounded() {
      fields.append(("valueInteger", .number(score.total)))
    } else {
      fields.append(
        (
          "valueQuantity",
          .object([
            ("value", .number(score.total)), ("unit", .string("score")), ("system", .string(UCUM.system)),
            ("code", .string("{score}")),
          ])
        ))
    }
    if let stratum = score.stratum, let label = score.stratumLabel {
      fields.append(
        (
          "interpretation",
          .array([
            .object([
              (
                "coding",
                .array([
                  .object([
                    ("system", .string(Self.stratumSystemPrefix + score.id)), ("code", .string(stratum)),
                    ("display", .string(label)),
                  ])
                ])
              ),
              ("text", .string(label)),
            ])
          ])
        ))
    }
    var notes: [String] = []
    if !score.complete {
      notes.append(
        "Not every item was answered: the total could be \(NumberText.plain(score.lowest)) to \(NumberText.plain(score.highest)).")
    }
    if let copyright = score.copyright { notes.append(copyright) }
    if !notes.isEmpty { fields.append(("note", .array(notes.map { .object([("text", .string($0))]) }))) }
    return .object(fields)
  }

  // MARK: Ids

  /// A `urn:uuid:` built from a hash and an entry number (the same every run).
  private static func uuidURL(_ key: String, _ number: Int) -> String {
    var digits = Array(SHA256.hex(SHA256.digest(Array("\(key):\(number)".utf8))).prefix(32))
    // Shaped as a name-based UUID: version nibble 5, variant bits 10.
    let variants: [Character] = ["8", "9", "a", "b"]
    digits[12] = "5"
    digits[16] = variants[(digits[16].hexDigitValue ?? 0) % 4]
    let text = String(digits)
    let parts = [text.prefix(8), text.dropFirst(8).prefix(4), text.dropFirst(12).prefix(4), text.dropFirst(16).prefix(4), text.dropFirst(20)]
    return "urn:uuid:" + parts.joined(separator: "-")
  }

  /// A FHIR id: letters, digits, hyphens and dots, at most 64.
  private static func resourceID(_ id: String) -> String {
    String(id.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "-" }.prefix(58))
  }
}
