import Foundation
import Upstream
import UpstreamDigest

// MARK: - CDS Hooks

/// One CDS Hooks service (https://cds-hooks.hl7.org, version 2.0): `GET /cds-services`
/// lists it; `POST /cds-services/upstream-screening` takes a hook request whose `context` or
/// `prefetch` holds a FHIR R4 QuestionnaireResponse (or a search Bundle with one) and
/// answers with cards drawn from the explained tree, the same that the handout shows:
///
/// - each red flag: `critical` (emergency, same day) or `warning` (routine referral),
///   with its advice;
/// - safety questions left unanswered: `warning`, listing them;
/// - likely contributors and the first steps: `info`.
///
/// Every card has its `source` (the knowledge base, name and version). No QuestionnaireResponse
/// is 412 (the service fetches nothing itself); answers with problems are 400 with them all.
package struct CDSHooks: Sendable {
  package let knowledgeBase: KnowledgeBase
  /// The service's id.
  package static let serviceID = "upstream-screening"

  package init(knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// Adds the discovery endpoint and the service.
  package func register(in router: inout Router) {
    router.add("GET", "/cds-services") { _, _ in
      Self.json(JSONWriter.pretty(.object([("services", .array([discovery]))])))
    }
    router.add("POST", "/cds-services/{service}") { request, parameters in
      guard parameters["service"] == Self.serviceID else {
        return APIError(404, "there is no CDS service '\(parameters["service"] ?? "")'; the service is \(Self.serviceID)").response
      }
      do {
        return Self.json(try cards(request))
      } catch let error as APIError {
        return error.response
      } catch {
        return APIError(500, "the request could not be answered").response
      }
    }
  }

  /// The service as discovery lists it.
  private var discovery: JSONValue {
    .object([
      ("hook", .string("patient-view")),
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
    guard case .object(let fields) = root.node, fields.contains(where: { $0.key == "hook" }), fields.contains(where: { $0.key == "hookInstance" })
    else {
      throw APIError(400, "a CDS Hooks request is a JSON object with hook, hookInstance and context")
    }
    guard let response = Self.questionnaireResponse(in: root) else {
      throw APIError(
        412, "the request holds no QuestionnaireResponse: send it in context.questionnaireResponse or prefetch.questionnaireResponse")
    }
    let answers: Answers
    switch Operations.readAnswers(response, for: knowledgeBase) {
    case .success(let read): answers = read.0
    case .failure(let problems):
      throw APIError(400, "the QuestionnaireResponse has problems, so nothing was assessed", problems: problems.diagnostics)
    }
    let tree = knowledgeBase.assess(validated: answers).tree
    return JSONWriter.pretty(.object([("cards", .array(Self.cards(tree)))]))
  }

  /// The cards for an explained tree.
  package static func cards(_ tree: RecommendationTree) -> [JSONValue] {
    let source: JSONValue = .object([("label", .string("\(tree.stamp.knowledgeBaseName) \(tree.stamp.knowledgeBaseVersion)"))])
    var cards: [JSONValue] = []
    func card(_ summary: String, _ indicator: String, _ detail: String?) {
      var fields: [(key: String, value: JSONValue)] = [
        ("uuid", .string(uuid(summary + indicator))),
        ("summary", .string(summary.count > 140 ? String(summary.prefix(139)) + "…" : summary)),
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

  /// A stable UUID-shaped id for a card (from its content), so equal requests give equal cards.
  private static func uuid(_ text: String) -> String {
    let hex = Array(SHA256.hex(Array(text.utf8)).prefix(32))
    return [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]].map { String($0) }.joined(separator: "-")
  }

  /// The QuestionnaireResponse in `context.questionnaireResponse` or
  /// `prefetch.questionnaireResponse` (itself, or the first in a search Bundle).
  private static func questionnaireResponse(in root: JSONDocument.Located) -> JSONDocument.Located? {
    for key in ["context", "prefetch"] {
      guard let holder = field(key, of: root), let value = field("questionnaireResponse", of: holder) else { continue }
      if string("resourceType", of: value) == "Bundle", let entries = field("entry", of: value), case .array(let items) = entries.node {
        for item in items {
          if let resource = field("resource", of: item), string("resourceType", of: resource) == "QuestionnaireResponse" { return resource }
        }
        continue
      }
      return value
    }
    return nil
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
    HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", text: text, headers: APIHeaders.common)
  }
}
