import Foundation
import Testing

@testable import Upstream
@testable import UpstreamServer

/// The JSON API, CDS Hooks and FHIR SDC `$next-question` with an age below the range the
/// knowledge base is for: refused (400) as before, the problem's note quoting the rules.
@Suite("Not for this person: the API")
struct OutOfScopeAPITests {
  @Test("POST /assess, CDS Hooks and $next-question refuse an age of 15 with a note that quotes the rules' words")
  func refusedWithTheNote() throws {
    let note = OutOfScopeAnswersTests.note + "\\\"" + OutOfScopeAnswersTests.message + "\\\""

    let assessed = CDSHooksTests.send("POST", "/assess", #"{"pain_areas": ["knee"], "age": 15}"#)
    #expect(assessed.status == 400)
    let problems = try #require((CDSHooksTests.json(assessed)["error"] as? [String: Any])?["problems"] as? [[String: Any]])
    #expect(problems.count == 1)
    #expect(problems.first?["code"] as? String == "UP0404")
    let notes = try #require(problems.first?["notes"] as? [[String: Any]])
    #expect(notes.first?["message"] as? String == OutOfScopeAnswersTests.note + "\"" + OutOfScopeAnswersTests.message + "\"")

    let response = #"{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"linkId": "age", "answer": [{"valueInteger": 15}]}]}"#
    let cds = CDSHooksTests.send(
      "POST", "/cds-services/upstream-screening",
      "{\"hook\": \"patient-view\", \"hookInstance\": \"x\", \"context\": {\"questionnaireResponse\": \(response)}}")
    #expect(cds.status == 400)
    #expect(String(decoding: cds.body, as: UTF8.self).contains(note))

    let next = CDSHooksTests.send("POST", "/fhir/Questionnaire/$next-question", response, type: "application/fhir+json")
    #expect(next.status == 400)
    let outcome = String(decoding: next.body, as: UTF8.self)
    #expect(outcome.contains("OperationOutcome") && outcome.contains(OutOfScopeAnswersTests.message))
  }
}
