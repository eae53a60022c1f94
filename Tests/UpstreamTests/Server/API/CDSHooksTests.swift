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

  // MARK: What the request holds

  /// A hook request for patient 1 with this prefetch (JSON text).
  static func request(prefetch: String, hookInstance: String = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", hook: String = "patient-view") -> String {
    "{\"hook\": \"\(hook)\", \"hookInstance\": \"\(hookInstance)\", \"context\": {\"userId\": \"Practitioner/1\", \"patientId\": \"1\"}, "
      + "\"prefetch\": {\"questionnaireResponse\": \(prefetch)}}"
  }

  /// The red-flag seed with `subject` set to this reference.
  static func redFlagResponse(subject: String) throws -> String {
    let seed = try Self.seed("fhir-red-flag-back.json")
    let open = try #require(seed.firstIndex(of: "{"))
    return "{\"subject\": {\"reference\": \"\(subject)\"}, " + seed[seed.index(after: open)...]
  }

  @Test("a patient who never answered (an empty search Bundle, or null as the specification says) gets 200 and no cards")
  func noQuestionnaireResponse() throws {
    for prefetch in [
      #"{"resourceType": "Bundle", "type": "searchset", "total": 0}"#, #"{"resourceType": "Bundle", "type": "searchset", "entry": []}"#, "null",
    ] {
      let answered = Self.send("POST", "/cds-services/upstream-screening", Self.request(prefetch: prefetch))
      #expect(answered.status == 200, "\(prefetch): \(String(decoding: answered.body, as: UTF8.self))")
      #expect(Self.json(answered)["cards"] as? [Any] != nil, "\(prefetch)")
      #expect((Self.json(answered)["cards"] as? [Any])?.isEmpty == true, "\(prefetch)")
    }
  }

  @Test("a search Bundle's first QuestionnaireResponse is assessed, after any OperationOutcome entry")
  func bundleFirstEntry() throws {
    let redFlag = try Self.seed("fhir-red-flag-back.json")
    let runner = try Self.seed("fhir-runner-knee.json")
    let outcome = #"{"resource": {"resourceType": "OperationOutcome", "issue": []}, "search": {"mode": "outcome"}}"#
    let bundle =
      "{\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": [\(outcome), {\"resource\": \(redFlag)}, {\"resource\": \(runner)}]}"
    let answered = Self.send("POST", "/cds-services/upstream-screening", Self.request(prefetch: bundle))
    let cards = try #require(Self.json(answered)["cards"] as? [[String: Any]])
    #expect((cards.first?["summary"] as? String ?? "").hasPrefix("Red flag: "), "the first entry, the red-flag response, was assessed")
  }

  @Test("a prefetch the client could not fetch (an OperationOutcome) is 412 with its diagnostics, as no prefetch is")
  func prefetchFailed() throws {
    let outcome =
      #"{"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "processing", "diagnostics": "FHIR server timed out"}]}"#
    let failed = Self.send("POST", "/cds-services/upstream-screening", Self.request(prefetch: outcome))
    #expect(failed.status == 412)
    let message = (Self.json(failed)["error"] as? [String: Any])?["message"] as? String ?? ""
    #expect(message.contains("could not prefetch") && message.contains("FHIR server timed out"), "\(message)")
    #expect(Self.json(failed)["cards"] == nil)
    let missing = Self.send(
      "POST", "/cds-services/upstream-screening", #"{"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "1"}, "prefetch": {}}"#)
    #expect(missing.status == 412)
  }

  @Test("SAFETY: a QuestionnaireResponse about another patient is refused with no cards; the same patient's is assessed")
  func otherPatient() throws {
    for other in ["Patient/2", "https://ehr.example/fhir/Patient/2/_history/3", "Group/1", "urn:uuid:0b4a5a0c-1a4e-4d5e-9f0a-2f0c7a9d7e11"] {
      let refused = Self.send("POST", "/cds-services/upstream-screening", Self.request(prefetch: try Self.redFlagResponse(subject: other)))
      #expect(refused.status == 400, "subject \(other)")
      #expect(Self.json(refused)["cards"] == nil, "subject \(other)")
      let message = (Self.json(refused)["error"] as? [String: Any])?["message"] as? String ?? ""
      #expect(message.contains("context.patientId"), "\(message)")
    }
    for same in ["Patient/1", "https://ehr.example/fhir/Patient/1"] {
      let answered = Self.send("POST", "/cds-services/upstream-screening", Self.request(prefetch: try Self.redFlagResponse(subject: same)))
      #expect(answered.status == 200, "subject \(same): \(String(decoding: answered.body, as: UTF8.self))")
      #expect(((Self.json(answered)["cards"] as? [[String: Any]])?.first?["summary"] as? String ?? "").hasPrefix("Red flag: "))
    }
  }

  @Test("a request for another hook than patient-view is 400, naming the hook")
  func otherHook() throws {
    let refused = Self.send(
      "POST", "/cds-services/upstream-screening", Self.request(prefetch: try Self.seed("fhir-red-flag-back.json"), hook: "order-select"))
    #expect(refused.status == 400)
    #expect(String(decoding: refused.body, as: UTF8.self).contains("patient-view"))
  }

  @Test("card uuids are RFC 4122 (version 5 layout, variant 10), unique, new for each hook call and the same for the same request")
  func cardUUIDs() throws {
    let response = try Self.seed("fhir-red-flag-back.json")
    func uuids(_ hookInstance: String) throws -> [String] {
      let cards = try #require(
        Self.json(Self.send("POST", "/cds-services/upstream-screening", Self.request(prefetch: response, hookInstance: hookInstance)))["cards"]
          as? [[String: Any]])
      return cards.map { $0["uuid"] as? String ?? "" }
    }
    let first = try uuids("aaa")
    #expect(first.count > 1)
    #expect(Set(first).count == first.count, "every card has its own uuid")
    for uuid in first {
      let parsed = UUID(uuidString: uuid)
      #expect(parsed != nil && uuid == uuid.lowercased(), "\(uuid) is not a UUID")
      let bytes = parsed.map { withUnsafeBytes(of: $0.uuid) { Array($0) } } ?? []
      #expect(bytes.count == 16 && bytes[6] >> 4 == 5 && bytes[8] >> 6 == 0b10, "\(uuid): version 5, variant 10")
    }
    #expect(try uuids("aaa") == first, "the same request gives the same uuids")
    #expect(Set(try uuids("bbb")).isDisjoint(with: first), "another hook call gives other uuids")
  }

  @Test("CORS: OPTIONS on /cds-services paths is a 204 preflight, and every CDS response may be read by any origin (real server)")
  func cors() throws {
    let server = try ServerProcess()
    defer { _ = server.stop() }
    for (path, method) in [("/cds-services", "GET"), ("/cds-services/upstream-screening", "POST")] {
      let preflight = try httpRequest(
        server.port, "OPTIONS", path,
        headers: [
          "Origin": "https://sandbox.cds-hooks.org", "Access-Control-Request-Method": method,
          "Access-Control-Request-Headers": "authorization, content-type",
        ])
      #expect(preflight.status == 204, "\(path): \(preflight.text)")
      #expect(preflight.header("Access-Control-Allow-Origin") == "*")
      #expect(preflight.header("Access-Control-Allow-Methods")?.contains(method) == true)
      let allowed = (preflight.header("Access-Control-Allow-Headers") ?? "").lowercased()
      #expect(allowed.contains("authorization") && allowed.contains("content-type"), "\(allowed)")
    }
    let origin = ["Origin": "https://sandbox.cds-hooks.org"]
    #expect(try httpRequest(server.port, "GET", "/cds-services", headers: origin).header("Access-Control-Allow-Origin") == "*")
    let cards = try httpRequest(
      server.port, "POST", "/cds-services/upstream-screening", headers: origin.merging(["Content-Type": "application/json"]) { $1 },
      body: Self.request(prefetch: "null"))
    #expect(cards.status == 200)
    #expect(cards.header("Access-Control-Allow-Origin") == "*")
    let refused = try httpRequest(
      server.port, "POST", "/cds-services/upstream-screening", headers: origin.merging(["Content-Type": "application/json"]) { $1 }, body: "{}")
    #expect(refused.status == 400)
    #expect(refused.header("Access-Control-Allow-Origin") == "*", "a browser client can read why it was refused")
  }
}
