import Foundation
import Upstream
import UpstreamDigest

// MARK: - CDS Hooks

/// One CDS Hooks service (https://cds-hooks.hl7.org, version 2.0): `GET /cds-services`
/// lists it; `POST /cds-services/upstream-screening` takes a `patient-view` hook request whose
/// `context` or `prefetch` holds a FHIR R4 QuestionnaireResponse (or a search Bundle with
/// one) and answers with cards drawn from the explained tree, the same that the handout shows:
///
/// - each red flag: `critical` (emergency, same day) or `warning` (routine referral),
///   with its advice;
/// - safety questions left unanswered: `warning`, listing them;
/// - likely contributors and the first steps: `info`.
///
/// Every card has its `source` (the knowledge base, name and version) and a `uuid` drawn
/// from the `hookInstance` and the card, so one call's cards differ from another's and the
/// same request gives the same bytes.
///
/// What the request holds decides the answer: no QuestionnaireResponse, or a prefetch the
/// client could not fetch (an OperationOutcome), is 412 (the service fetches nothing
/// itself); no data (a `null` prefetch, as the specification says a client sends when the
/// search found nothing, or an empty search Bundle) is no cards; another hook, or a
/// QuestionnaireResponse whose `subject` is not `context.patientId`, is 400, so one
/// patient's red flags never show in another's chart; answers with problems are 400 with
/// them all. Every response carries `Access-Control-Allow-Origin: *`, and `OPTIONS` is
/// answered as a CORS preflight, for CDS clients that run in a browser.
package struct CDSHooks: Sendable {
  package let knowledgeBase: KnowledgeBase
  /// The service's id.
  package static let serviceID = "upstream-screening"

  package init(knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// The hook the service answers.
  package static let hook = "patient-view"

  /// Adds the discovery endpoint, the service and their CORS preflights.
  package func register(in router: inout Router) {
    router.add("GET", "/cds-services") { _, _ in
      Self.json(JSONWriter.pretty(.object([("services", .array([discovery]))])))
    }
    router.add("POST", "/cds-services/{service}") { request, parameters in
      guard parameters["service"] == Self.serviceID else {
        return Self.crossOrigin(
          APIError(404, "there is no CDS service '\(parameters["service"] ?? "")'; the service is \(Self.serviceID)").response)
      }
      do {
        return Self.json(try cards(request))
      } catch let error as APIError {
        return Self.crossOrigin(error.response)
      } catch {
        return Self.crossOrigin(APIError(500, "the request could not be answered").response)
      }
    }
    router.add("OPTIONS", "/cds-services") { _, _ in Self.preflight(allowing: "GET, OPTIONS") }
    router.add("OPTIONS", "/cds-services/{service}") { _, _ in Self.preflight(allowing: "POST, OPTIONS") }
  }

  // MARK: CORS

  /// The answer to a CORS preflight: 204, any origin, the methods of the path, and the
  /// headers a CDS client sends (`Authorization` for its JWT, `Content-Type`).
  private static func preflight(allowing methods: String) -> HTTPResponse {
    HTTPResponse(
      status: 204,
      headers: APIHeaders.common + [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", methods),
        ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
        ("Access-Control-Max-Age", "600"),
      ])
  }

  /// A response that a page of any origin may read (the specification asks CDS services to allow CORS).
  private static func crossOrigin(_ response: HTTPResponse) -> HTTPResponse {
    var response = response
    response.headers.append(("Access-Control-Allow-Origin", "*"))
    return response
  }

  /// The service as discovery lists it.
  private var discovery: JSONValue {
    .object([
      ("hook", .string(Self.hook)),
      ("id", .string(Self.serviceID)),
      ("title", .string("Upstream musculoskeletal screening")),
      (
        "description",
        .string(
          "Red flags, likely upstream contributors and first steps from a completed Upstream questionnaire (a FHIR QuestionnaireResponse). "
            + "Screening, not diagnosis.")
      ),
      (
        "prefetch",
        .object([("questionnaireResponse", .string("QuestionnaireResponse?subject={{context.patientId}}&_sort=-authored&_count=1"))])
      ),
    ])
  }

  // MARK: Cards

  /// What the request holds where the QuestionnaireResponse should be.
  private enum Found {
    /// A QuestionnaireResponse (or what should be one: the reader says if it is not).
    case response(JSONDocument.Located)
    /// No data: a `null` prefetch (the client's search found nothing) or a search Bundle
    /// without a QuestionnaireResponse.
    case nothing
    /// The client could not fetch it: an OperationOutcome, with its diagnostics if any.
    case fetchFailed(String?)
    /// No `questionnaireResponse` key at all.
    case missing
  }

  private func cards(_ request: HTTPRequest) throws -> String {
    guard request.contentType == "application/json" || request.contentType == "application/fhir+json" else {
      throw APIError(415, "send the hook request as JSON, with Content-Type: application/json")
    }
    let file = SourceFile(path: "<request body>", text: String(decoding: request.body, as: UTF8.self))
    let root: JSONDocument.Located
    switch JSONReader.read(file) {
    case .failure(let error):
      throw APIError(400, "the body is not JSON", problems: [error.diagnostic(notJSON: .answersNotJSON, what: "this request body")])
    case .success(let document): root = document.root
    }
    guard case .object = root.node, let hook = Self.string("hook", of: root), let hookInstance = Self.string("hookInstance", of: root) else {
      throw APIError(400, "a CDS Hooks request is a JSON object with hook, hookInstance and context")
    }
    guard hook == Self.hook else {
      throw APIError(400, "this service answers the \(Self.hook) hook; this request is for '\(hook)'")
    }
    let response: JSONDocument.Located
    switch Self.questionnaireResponse(in: root) {
    case .missing:
      throw APIError(
        412, "the request holds no QuestionnaireResponse: send it in context.questionnaireResponse or prefetch.questionnaireResponse")
    case .fetchFailed(let diagnostics):
      throw APIError(
        412,
        "the client could not prefetch the QuestionnaireResponse (it sent an OperationOutcome\(diagnostics.map { ": \($0)" } ?? ""))"
          + "; send it in prefetch.questionnaireResponse")
    case .nothing:
      // No screening on file for this patient: no guidance, which CDS Hooks says with no cards.
      return JSONWriter.pretty(.object([("cards", .array([]))]))
    case .response(let found): response = found
    }
    try Self.checkSubject(of: response, is: Self.field("context", of: root).flatMap { Self.string("patientId", of: $0) })
    let answers: Answers
    switch Operations.readAnswers(response, for: knowledgeBase) {
    case .success(let read): answers = read.0
    case .failure(let problems):
      throw APIError(400, "the QuestionnaireResponse has problems, so nothing was assessed", problems: problems.diagnostics)
    }
    let tree = knowledgeBase.assess(validated: answers).tree
    return JSONWriter.pretty(.object([("cards", .array(Self.cards(tree, hookInstance: hookInstance)))]))
  }

  /// Refuses a QuestionnaireResponse whose `subject.reference` is not the hook's patient:
  /// another patient, or a reference that names no patient, so it cannot be checked.
  private static func checkSubject(of response: JSONDocument.Located, is patientID: String?) throws {
    guard let patientID, let subject = field("subject", of: response), let reference = string("reference", of: subject) else { return }
    let parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    // `Patient/1`, `https://ehr.example/fhir/Patient/1`, `Patient/1/_history/2`: the id after the last `Patient`.
    guard let index = parts.lastIndex(of: "Patient"), index + 1 < parts.count, !parts[index + 1].isEmpty else {
      throw APIError(
        400,
        "the QuestionnaireResponse's subject is '\(reference)', which does not name a patient, so it cannot be checked against "
          + "context.patientId '\(patientID)'; nothing was assessed")
    }
    guard parts[index + 1] == patientID else {
      throw APIError(
        400,
        "the QuestionnaireResponse is about Patient/\(parts[index + 1]), but this hook is for patient '\(patientID)' "
          + "(context.patientId); nothing was assessed, so no other patient's results show in this chart")
    }
  }

  /// The cards for an explained tree; each card's `uuid` is drawn from `hookInstance` and
  /// the card (see `uuid(_:)`).
  package static func cards(_ tree: RecommendationTree, hookInstance: String) -> [JSONValue] {
    let source: JSONValue = .object([("label", .string("\(tree.stamp.knowledgeBaseName) \(tree.stamp.knowledgeBaseVersion)"))])
    var cards: [JSONValue] = []
    func card(_ summary: String, _ indicator: String, _ detail: String?) {
      let shortSummary = summary.count > 140 ? String(summary.prefix(139)) + "…" : summary
      // The card's place is in its name too, so two cards alike still differ.
      let name = [hookInstance, String(cards.count), shortSummary, indicator, detail ?? ""].joined(separator: "\u{0}")
      var fields: [(key: String, value: JSONValue)] = [
        ("uuid", .string(uuid(name))),
        ("summary", .string(shortSummary)),
        ("indicator", .string(indicator)),
      ]
      if let detail, !detail.isEmpty { fields.append(("detail", .string(detail))) }
      fields.append(("source", source))
      cards.append(.object(fields))
    }
    for flag in tree.redFlags {
      let indicator = flag.urgency == .routineReferral ? "warning" : "critical"
      card(
        "Red flag: \(flag.name) (\(flag.urgency.description))", indicator,
        ([flag.advice] + [flag.explanation].compactMap { $0 }).joined(separator: "\n\n"))
    }
    if !tree.unansweredSafetyQuestions.isEmpty {
      card(
        "Safety questions not answered: red flags cannot be ruled out", "warning",
        tree.unansweredSafetyQuestions.map { "- \($0.wording)\($0.notSure ? " (not sure)" : " (not answered)")" }.joined(separator: "\n"))
    }
    for node in tree.allNodes where node.kind == .contributor && !node.lessLikely {
      card("Likely contributor: \(node.name) (certainty \(Int((node.certainty * 100).rounded()))%)", "info", node.explanation)
    }
    for step in tree.firstSteps where step.kind == .recommendation {
      card("First step: \(step.text)", "info", step.detail)
    }
    return cards
  }

  /// The namespace of the cards' name-based UUIDs (a fixed random UUID, as RFC 4122 asks of a new namespace).
  private static let cardNamespace: [UInt8] = [
    0x8e, 0x1f, 0x5a, 0x3c, 0x47, 0x2d, 0x4b, 0x90, 0xa6, 0x13, 0x5c, 0x7e, 0x02, 0xd9, 0x6b, 0x41,
  ]

  /// A name-based UUID (RFC 4122 section 4.3, version 5's layout with SHA-256 in place of
  /// SHA-1): the first 16 bytes of SHA-256(namespace + name), with the version nibble 5
  /// and the variant bits 10. The same name always gives the same UUID.
  package static func uuid(_ name: String) -> String {
    var bytes = Array(SHA256.digest(cardNamespace + Array(name.utf8)).prefix(16))
    bytes[6] = (bytes[6] & 0x0F) | 0x50
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    for (index, byte) in bytes.enumerated() {
      if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 15)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// Where the QuestionnaireResponse is: `context.questionnaireResponse` when the context
  /// holds one, else `prefetch.questionnaireResponse`: the resource itself, or the first
  /// QuestionnaireResponse in a search Bundle (the prefetch template asks for the newest first).
  private static func questionnaireResponse(in root: JSONDocument.Located) -> Found {
    func questionnaireResponse(in key: String) -> JSONDocument.Located? {
      field(key, of: root).flatMap { field("questionnaireResponse", of: $0) }
    }
    let inContext = questionnaireResponse(in: "context").flatMap { $0.node.isNull ? nil : $0 }
    guard let value = inContext ?? questionnaireResponse(in: "prefetch") else { return .missing }
    if value.node.isNull { return .nothing }
    switch string("resourceType", of: value) {
    case "OperationOutcome":
      return .fetchFailed(outcomeDiagnostics(value))
    case "Bundle":
      guard let entries = field("entry", of: value), case .array(let items) = entries.node else { return .nothing }
      for item in items {
        if let resource = field("resource", of: item), string("resourceType", of: resource) == "QuestionnaireResponse" {
          return .response(resource)
        }
      }
      return .nothing
    default:
      return .response(value)
    }
  }

  /// The first issue's `diagnostics` (or its `details.text`) of an OperationOutcome.
  private static func outcomeDiagnostics(_ outcome: JSONDocument.Located) -> String? {
    guard let issues = field("issue", of: outcome), case .array(let list) = issues.node, let first = list.first else { return nil }
    let text = string("diagnostics", of: first) ?? field("details", of: first).flatMap { string("text", of: $0) }
    return text.map { $0.count > 200 ? String($0.prefix(199)) + "…" : $0 }
  }

  private static func field(_ key: String, of value: JSONDocument.Located) -> JSONDocument.Located? {
    guard case .object(let fields) = value.node else { return nil }
    return fields.first { $0.key == key }?.value
  }

  private static func string(_ key: String, of value: JSONDocument.Located) -> String? {
    guard let found = field(key, of: value), case .string(let text) = found.node else { return nil }
    return text
  }

  private static func json(_ text: String) -> HTTPResponse {
    crossOrigin(HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", text: text, headers: APIHeaders.common))
  }
}

extension JSONDocument.Node {
  /// Whether this is JSON `null`.
  fileprivate var isNull: Bool {
    if case .null = self { return true }
    return false
  }
}
