import Foundation
import Testing

@testable import Upstream
@testable import UpstreamServer

/// The CDS Hooks service: discovery, and cards checked against the card structure of the
/// CDS Hooks 2.0 specification.
@Suite("CDS Hooks")
struct CDSHooksTests {
  static func send(_ method: String, _ path: String, _ body: String? = nil, type: String = "application/json") -> HTTPResponse {
    var raw = "\(method) \(path) HTTP/1.1\r\nHost: a\r\n"
    if let body { raw += "Content-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n" }
    raw += "\r\n" + (body ?? "")
    guard case .complete(let request, _) = HTTPRequestParser.parse(Array(raw.utf8)) else { preconditionFailure("test request") }
    return APIDocumentationTests.application.respond(request).response
  }

  static func json(_ response: HTTPResponse) -> [String: Any] {
    ((try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]) ?? [:]
  }

  static func seed(_ name: String) throws -> String {
    try String(contentsOf: UpstreamBinary.packageRoot.appendingPathComponent("Tests/Fuzz/seeds/answers/\(name)"), encoding: .utf8)
  }

  /// Checks a card against the specification: summary under 140 characters, an indicator
  /// of info, warning or critical, a source with a label; detail markdown if present.
  static func checkCard(_ card: [String: Any], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let summary = card["summary"] as? String ?? ""
    #expect(!summary.isEmpty && summary.count <= 140, "summary: \(summary)", sourceLocation: sourceLocation)
    #expect(["info", "warning", "critical"].contains(card["indicator"] as? String ?? ""), sourceLocation: sourceLocation)
    let label = (card["source"] as? [String: Any])?["label"] as? String
    #expect(label?.isEmpty == false, "every card has its source", sourceLocation: sourceLocation)
    if let detail = card["detail"] { #expect(detail is String, sourceLocation: sourceLocation) }
    let allowed: Set<String> = ["uuid", "summary", "detail", "indicator", "source", "suggestions", "selectionBehavior", "overrideReasons", "links"]
    #expect(Set(card.keys).isSubset(of: allowed), "unknown card fields: \(card.keys)", sourceLocation: sourceLocation)
  }

  @Test("discovery lists the service with its hook, id, description and prefetch")
  func discovery() throws {
    let services = try #require(Self.json(Self.send("GET", "/cds-services"))["services"] as? [[String: Any]])
    #expect(services.count == 1)
    #expect(services[0]["hook"] as? String == "patient-view")
    #expect(services[0]["id"] as? String == "upstream-screening")
    #expect(!(services[0]["description"] as? String ?? "").isEmpty)
    #expect((services[0]["prefetch"] as? [String: String])?["questionnaireResponse"] != nil)
  }

  @Test("red flags are critical or warning cards with their advice, first; contributors and first steps are info")
  func cards() throws {
    let response = try Self.seed("fhir-red-flag-back.json")
    let request =
      "{\"hook\": \"patient-view\", \"hookInstance\": \"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\", \"context\": {\"patientId\": \"1\"}, "
      + "\"prefetch\": {\"questionnaireResponse\": {\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": [{\"resource\": \(response)}]}}}"
    let answered = Self.send("POST", "/cds-services/upstream-screening", request)
    #expect(answered.status == 200, "\(String(decoding: answered.body, as: UTF8.self))")
    let cards = try #require(Self.json(answered)["cards"] as? [[String: Any]])
    for card in cards { Self.checkCard(card) }
    let first = try #require(cards.first)
    #expect(first["indicator"] as? String == "critical")
    #expect((first["summary"] as? String ?? "").hasPrefix("Red flag: "))
    // The same answers through the library: one card per red flag, in the tree's order.
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let tree = knowledgeBase.assess(validated: try knowledgeBase.readAnswers(SourceFile(path: "r.json", text: response)).answers).tree
    #expect(cards.filter { ($0["summary"] as? String ?? "").hasPrefix("Red flag: ") }.count == tree.redFlags.count)
    #expect(!tree.redFlags.isEmpty)

    // The runner: no red flag, info cards only, the QuestionnaireResponse in the context.
    let runner = try Self.seed("fhir-runner-knee.json")
    let info = Self.send(
      "POST", "/cds-services/upstream-screening",
      "{\"hook\": \"patient-view\", \"hookInstance\": \"x\", \"context\": {\"questionnaireResponse\": \(runner)}}")
    let infoCards = try #require(Self.json(info)["cards"] as? [[String: Any]])
    for card in infoCards { Self.checkCard(card) }
    #expect(infoCards.contains { ($0["summary"] as? String ?? "").hasPrefix("Likely contributor: ") })
  }

  @Test("no QuestionnaireResponse is 412, a bad one 400 with its problems, an unknown service 404")
  func refusals() {
    #expect(
      Self.send("POST", "/cds-services/upstream-screening", "{\"hook\": \"patient-view\", \"hookInstance\": \"x\", \"context\": {}}").status == 412)
    #expect(Self.send("POST", "/cds-services/upstream-screening", "{\"context\": {}}").status == 400)
    let bad = Self.send(
      "POST", "/cds-services/upstream-screening",
      "{\"hook\": \"patient-view\", \"hookInstance\": \"x\", \"context\": {\"questionnaireResponse\": {\"resourceType\": \"Patient\"}}}")
    #expect(bad.status == 400)
    #expect(Self.send("POST", "/cds-services/other", "{}").status == 404)
    #expect(Self.send("POST", "/cds-services/upstream-screening", "{}", type: "text/plain").status == 415)
  }
}
