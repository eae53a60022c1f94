import Foundation
import Testing

@testable import Upstream
@testable import UpstreamServer

/// The assessment date on every path of `upstream serve`, through the real binary: date
/// conditions (`injury_date less than 2 weeks ago`) count back from a day that is an
/// input, never the machine's clock. The server's clock is fixed (`SOURCE_DATE_EPOCH`),
/// so these tests give the same result on any day (CI runs them three years on).
@Suite("the assessment date over HTTP", .serialized)
struct AssessmentDateServerTests {
  /// Nine days before the test day: "less than 2 weeks ago" counted from the test day,
  /// "more than 6 weeks ago" counted from three years later.
  static let injury = testDay.adding(days: -9)
  static let later = testDay.adding(days: 1095)

  /// A server over the question-types knowledge base (a date, a text and a number question).
  static func server(sessions: TemporaryFolder? = nil, day: CalendarDay = testDay) throws -> (ServerProcess, TemporaryFolder) {
    let rules = try TemporaryFolder()
    try rules.write("kb/types.rules", QuestionTypesTests.rules)
    let server = try ServerProcess(
      ["--rules", rules.url.appendingPathComponent("kb").path], sessions: sessions,
      environment: ["SOURCE_DATE_EPOCH": String(day.daysSince1970 * 86_400)])
    return (server, rules)
  }

  static func post(_ server: ServerProcess, _ path: String, _ body: String, type: String = "application/json") throws -> RawResponse {
    try httpRequest(server.port, "POST", path, headers: ["Content-Type": type], body: body)
  }

  /// A QuestionnaireResponse answering every question, `authored` on `authored` when given.
  static func response(authored: CalendarDay?, extra: String = "") -> String {
    let date = authored.map { "\"authored\": \"\($0)T10:00:00Z\", " } ?? ""
    return """
      {"resourceType": "QuestionnaireResponse", "status": "completed", \(date)"item": [
        {"linkId": "injury_date", "answer": [{"valueDate": "\(injury)"}]},
        {"linkId": "pain_story", "answer": [{"valueString": "Lifting a box"}]},
        {"linkId": "weight", "answer": [{"valueDecimal": 70}]}\(extra)]}
      """
  }

  @Test("the JSON API: assessment-date and strict query parameters; without a date the condition stays unknown")
  func jsonAPI() throws {
    let (server, _) = try Self.server()
    defer { _ = server.stop() }
    let answers = #"{"injury_date": "\#(Self.injury)"}"#
    let undated = try Self.post(server, "/assess", answers)
    #expect(undated.status == 200, "\(undated.text)")
    #expect(!undated.text.contains("\"recent_onset\""))
    let dated = try Self.post(server, "/assess?assessment-date=\(testDay)", answers)
    #expect(dated.status == 200)
    #expect(dated.text.contains("\"recent_onset\""))
    #expect(!dated.text.contains("\"long_standing\""))
    // The parameter overrides the answers' own date, as --assessment-date does.
    let own = #"{"assessment date": "\#(Self.later)", "injury_date": "\#(Self.injury)"}"#
    #expect(try Self.post(server, "/assess", own).text.contains("\"long_standing\""))
    let overridden = try Self.post(server, "/assess?assessment-date=\(testDay)", own)
    #expect(overridden.text.contains("\"recent_onset\""))
    #expect(!overridden.text.contains("\"long_standing\""))
    let wrong = try Self.post(server, "/assess?assessment-date=2026-3-1", answers)
    #expect(wrong.status == 400)
    #expect(wrong.text.contains("assessment-date takes the day the answers were given, written YYYY-MM-DD"))
    #expect(wrong.text.contains("found '2026-3-1'"))

    // why and what-if read the date the same way.
    let why = try Self.post(server, "/why/recent_onset?assessment-date=\(testDay)", answers)
    #expect(why.status == 200, "\(why.text)")
    #expect(why.text.contains("injury_date less than 2 weeks ago"))
    let change = #"{"answers": {"weight": 70}, "set": {"injury_date": "\#(Self.injury)"}}"#
    let whatIf = try Self.post(server, "/what-if?assessment-date=\(Self.later)", change)
    #expect(whatIf.status == 200, "\(whatIf.text)")
    #expect(whatIf.text.contains("\"id\": \"long_standing\""))
    #expect(!whatIf.text.contains("recent_onset"))
    let whatIfThen = try Self.post(server, "/what-if?assessment-date=\(testDay)", change)
    #expect(whatIfThen.text.contains("\"id\": \"recent_onset\""))
    #expect(!whatIfThen.text.contains("long_standing"))

    // A QuestionnaireResponse: its authored day, unless the parameter says otherwise.
    #expect(try Self.post(server, "/assess", Self.response(authored: testDay)).text.contains("\"recent_onset\""))
    let unknownItem = Self.response(authored: testDay, extra: #", {"linkId": "no_such_item", "answer": [{"valueString": "x"}]}"#)
    #expect(try Self.post(server, "/assess", unknownItem).status == 200)
    let strict = try Self.post(server, "/assess?strict=true", unknownItem)
    #expect(strict.status == 400)
    #expect(strict.text.contains("UP0411"))
    #expect(try Self.post(server, "/assess?strict=yes", unknownItem).status == 400)
  }

  @Test("SDC $next-question and CDS Hooks count back from the QuestionnaireResponse's authored day")
  func fhirEndpoints() throws {
    let (server, _) = try Self.server()
    defer { _ = server.stop() }
    func outcomes(_ response: String) throws -> String {
      let answered = try Self.post(server, "/fhir/Questionnaire/$next-question", response, type: "application/fhir+json")
      #expect(answered.status == 200, "\(answered.text)")
      #expect(answered.json["status"] as? String == "completed")
      let contained = answered.json["contained"] as? [[String: Any]] ?? []
      let risk = contained.first { $0["resourceType"] as? String == "RiskAssessment" }
      return String(describing: risk?["prediction"] ?? "")
    }
    let recent = try outcomes(Self.response(authored: testDay))
    #expect(recent.contains("recent_onset"))
    #expect(!recent.contains("long_standing"))
    let years = try outcomes(Self.response(authored: Self.later))
    #expect(years.contains("long_standing"))
    #expect(!years.contains("recent_onset"))
    let none = try outcomes(Self.response(authored: nil))
    #expect(!none.contains("recent_onset") && !none.contains("long_standing"))

    func cards(_ response: String) throws -> String {
      let request = #"{"hook": "patient-view", "hookInstance": "h1", "context": {"patientId": "1", "questionnaireResponse": \#(response)}}"#
      let answered = try Self.post(server, "/cds-services/upstream-screening", request)
      #expect(answered.status == 200, "\(answered.text)")
      return answered.text
    }
    #expect(try cards(Self.response(authored: testDay)).contains("Likely contributor: Recent onset"))
    #expect(try cards(Self.response(authored: Self.later)).contains("Likely contributor: Long-standing pain"))
    #expect(!(try cards(Self.response(authored: nil)).contains("Recent onset")))
  }

  @Test("a web session is dated the day it starts, saves that day, and keeps it when resumed on a later day")
  func webSession() throws {
    let sessions = try TemporaryFolder()
    let (first, _) = try Self.server(sessions: sessions)
    let browser = WebQuestionnaireTests.Browser(port: first.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let id = String(link.dropFirst(3))
    let saved = try String(contentsOf: sessions.url.appendingPathComponent("\(id).json"), encoding: .utf8)
    #expect(saved.contains("\"assessmentDate\" : \"\(testDay)\""), "\(saved)")
    #expect(first.stop().status == 0)

    // Three years on, another server takes over the folder: the session keeps its day.
    let (second, _) = try Self.server(sessions: sessions, day: Self.later)
    defer { _ = second.stop() }
    let resumed = WebQuestionnaireTests.Browser(port: second.port)
    let persona = ["injury_date": [Self.injury.description], "pain_story": ["Lifting a box"], "weight": ["70"]]
    var page = try resumed.get(link)
    for _ in 0..<10 {
      guard let form = WebQuestionnaireTests.QuestionForm(page.text) else { break }
      #expect(try resumed.post(link + "/answer", form.fields(persona)).status == 303)
      page = try resumed.get(link + "?audience=clinician")
    }
    #expect(page.text.contains("Recent onset"), "\(page.text.prefix(600))")
    #expect(!page.text.contains("Long-standing pain"))
    #expect(page.text.contains("&quot;assessment date&quot;: &quot;\(testDay)&quot;"))

    // A session started on the later day is dated that day.
    let newer = String(try #require(try resumed.post("/s", []).header("Location")).dropFirst(3))
    let newerFile = try String(contentsOf: sessions.url.appendingPathComponent("\(newer).json"), encoding: .utf8)
    #expect(newerFile.contains("\"assessmentDate\" : \"\(Self.later)\""))
  }
}
