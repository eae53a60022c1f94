import Foundation
import Testing

@testable import Upstream
@testable import UpstreamServer

/// `POST /fhir/Questionnaire/$next-question` against the running binary: exchanges replayed
/// from an empty QuestionnaireResponse to `completed`, each step checked against the
/// questionnaire session the terminal and the web use; every response validated with the
/// FHIR R4(B) models of `fhir.resources` from PyPI.
@Suite("Server: FHIR SDC $next-question", .serialized)
struct FHIRSDCTests {
  static let knowledgeBase = APIDocumentationTests.application.knowledgeBase
  static let operation = "/fhir/Questionnaire/$next-question"

  /// A persona: the answers of a FHIR QuestionnaireResponse seed, by linkId.
  static func persona(_ name: String) throws -> (items: [String: [Any]], answers: Answers) {
    let text = try CDSHooksTests.seed(name)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    var items: [String: [Any]] = [:]
    for item in json["item"] as? [[String: Any]] ?? [] {
      if let linkId = item["linkId"] as? String, let answer = item["answer"] as? [Any] { items[linkId] = answer }
    }
    let answers = try knowledgeBase.readAnswers(SourceFile(path: name, text: text)).answers
    return (items, answers)
  }

  static func post(_ server: ServerProcess, _ body: [String: Any]) throws -> (status: Int, json: [String: Any], text: String) {
    let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    let response = try httpRequest(
      server.port, "POST", operation, headers: ["Content-Type": "application/fhir+json"], body: String(decoding: data, as: UTF8.self))
    let text = String(decoding: response.body, as: UTF8.self)
    return (response.status, (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:], text)
  }

  /// An answer for a safety question a persona leaves out: no, none, the first option, the lowest number.
  static func defaultAnswer(_ question: Question) -> ([[String: Any]], AnswerValue)? {
    switch question.kind {
    case .yesNo: return ([["valueBoolean": false]], .no)
    case .choices: return ([["valueCoding": ["system": FHIRQuestionnaire.answerSystem, "code": "none"]]], .options([]))
    case .choice:
      guard let option = question.kind.options.first else { return nil }
      return ([["valueCoding": ["system": FHIRQuestionnaire.optionSystem(question), "code": option.id]]], .option(option.id))
    default:
      guard let range = question.kind.numberRange else { return nil }
      return ([["valueDecimal": range.lowerBound]], .number(range.lowerBound))
    }
  }

  static func containedQuestionnaire(_ response: [String: Any]) -> [String: Any]? {
    (response["contained"] as? [[String: Any]])?.first { $0["resourceType"] as? String == "Questionnaire" }
  }

  /// Replays the exchange for a persona, in Parameters; returns every response's text.
  static func replay(_ server: ServerProcess, persona name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String] {
    let persona = try persona(name)
    var expected = QuestionnaireSession(knowledgeBase)
    var response: [String: Any] = ["resourceType": "QuestionnaireResponse", "status": "in-progress"]
    var texts: [String] = []
    for step in 0..<200 {
      let parameters: [String: Any] = [
        "resourceType": "Parameters", "parameter": [["name": "questionnaire-response", "resource": response]],
      ]
      let answered = try post(server, parameters)
      try #require(answered.status == 200, "step \(step): \(answered.text)", sourceLocation: sourceLocation)
      texts.append(answered.text)
      let returned = try #require((answered.json["parameter"] as? [[String: Any]])?.first, sourceLocation: sourceLocation)
      #expect(returned["name"] as? String == "return", sourceLocation: sourceLocation)
      response = try #require(returned["resource"] as? [String: Any], sourceLocation: sourceLocation)
      let questionnaire = try #require(containedQuestionnaire(response), sourceLocation: sourceLocation)
      let adaptive = (questionnaire["extension"] as? [[String: Any]])?.first { $0["url"] as? String == FHIRNextQuestion.adaptiveExtension }
      #expect(adaptive?["valueBoolean"] as? Bool == true, sourceLocation: sourceLocation)
      #expect(response["questionnaire"] as? String == "#" + (questionnaire["id"] as? String ?? ""), sourceLocation: sourceLocation)
      var items = questionnaire["item"] as? [[String: Any]] ?? []
      // A warning sign that needs a doctor today or now is told first, in the session's words.
      let told = expected.urgentWarnings
      if told.isEmpty {
        let warned = items.contains { $0["linkId"] as? String == FHIRNextQuestion.urgentWarningLinkId }
        #expect(!warned, "step \(step)", sourceLocation: sourceLocation)
      } else {
        let warning = try #require(items.first, sourceLocation: sourceLocation)
        #expect(warning["linkId"] as? String == FHIRNextQuestion.urgentWarningLinkId, "step \(step)", sourceLocation: sourceLocation)
        #expect(warning["type"] as? String == "display", sourceLocation: sourceLocation)
        let text = warning["text"] as? String ?? ""
        let allTold = told.allSatisfy { text.contains($0.redFlag.name) && text.contains($0.advice) }
        #expect(allTold, "step \(step): \(text)", sourceLocation: sourceLocation)
        items.removeFirst()
      }
      guard let question = expected.currentQuestion else {
        // The session is complete: so is the response, with the assessment attached.
        #expect(response["status"] as? String == "completed", sourceLocation: sourceLocation)
        #expect(items.count == step, "no question added at the end", sourceLocation: sourceLocation)
        let risk = try #require(
          (response["contained"] as? [[String: Any]])?.first { $0["resourceType"] as? String == "RiskAssessment" }, sourceLocation: sourceLocation)
        let predicted = (risk["prediction"] as? [[String: Any]] ?? []).compactMap {
          (($0["outcome"] as? [String: Any])?["coding"] as? [[String: Any]])?.first?["code"] as? String
        }
        let tree = expected.assessment.tree
        let wanted = tree.redFlags.map(\.id) + tree.allNodes.filter { $0.kind == .contributor && !$0.lessLikely }.map(\.id)
        #expect(predicted == wanted, sourceLocation: sourceLocation)
        let reference = (response["extension"] as? [[String: Any]])?.first { $0["url"] as? String == FHIRNextQuestion.assessmentExtension }
        #expect((reference?["valueReference"] as? [String: Any])?["reference"] as? String == "#assessment", sourceLocation: sourceLocation)
        return texts
      }
      // One new item, the question the terminal would ask now, with its text and type.
      #expect(response["status"] as? String == "in-progress", sourceLocation: sourceLocation)
      try #require(items.count == step + 1, "step \(step) adds one item", sourceLocation: sourceLocation)
      let item = items[step]
      #expect(item["linkId"] as? String == question.id, "step \(step)", sourceLocation: sourceLocation)
      #expect(item["text"] as? String == question.wording, sourceLocation: sourceLocation)
      #expect(item["type"] as? String == FHIRQuestionnaire.itemType(question), sourceLocation: sourceLocation)
      #expect(item["enableWhen"] == nil, "the server decides what is asked", sourceLocation: sourceLocation)
      // The persona answers (or leaves it blank: not sure), as a form would.
      var responseItems = response["item"] as? [[String: Any]] ?? []
      if let answer = persona.items[question.id] {
        responseItems.append(["linkId": question.id, "answer": answer])
        try expected.answer(try #require(persona.answers[question.id], sourceLocation: sourceLocation))
      } else if question.isRedFlagQuestion, let (fhir, value) = Self.defaultAnswer(question) {
        // A safety question the seed predates: answered, as it must be.
        responseItems.append(["linkId": question.id, "answer": fhir])
        try expected.answer(value)
      } else {
        try expected.skip()
      }
      response["item"] = responseItems
    }
    Issue.record("the exchange did not complete in 200 steps", sourceLocation: sourceLocation)
    return texts
  }

  @Test("an exchange from an empty QuestionnaireResponse to completed asks what the terminal asks, in its order, and tells a warning sign at once")
  func replayToCompletion() throws {
    let server = try ServerProcess()
    let redFlag = try Self.replay(server, persona: "fhir-red-flag-back.json")
    #expect(redFlag.count > 5)
    #expect(redFlag.dropLast().contains { $0.contains(FHIRNextQuestion.urgentWarningLinkId) }, "the emergency is told while questions are left")
    #expect(redFlag.last?.contains("\"code\": \"high\"") == true, "a red flag is a high qualitative risk")
    let knee = try Self.replay(server, persona: "fhir-runner-knee.json")
    #expect(knee.last?.contains("\"probabilityDecimal\"") == true, "a likely contributor has its certainty")
    #expect(!knee.contains { $0.contains(FHIRNextQuestion.urgentWarningLinkId) }, "no warning without a sign")
    #expect(server.stop().status == 0)
  }

  @Test("a bare QuestionnaireResponse gets a bare one back; an unanswered safety question is asked again")
  func bareResponse() throws {
    let server = try ServerProcess()
    let first = try Self.post(server, ["resourceType": "QuestionnaireResponse", "status": "in-progress"])
    #expect(first.status == 200)
    #expect(first.json["resourceType"] as? String == "QuestionnaireResponse")
    let items = Self.containedQuestionnaire(first.json)?["item"] as? [[String: Any]] ?? []
    #expect(items.count == 1)
    // Sent back without an answer: a question that needs one stays the question.
    let question = try #require(Self.knowledgeBase.question(items.first?["linkId"] as? String ?? ""))
    let again = try Self.post(server, first.json)
    let count = (Self.containedQuestionnaire(again.json)?["item"] as? [[String: Any]])?.count
    #expect(count == (question.isRedFlagQuestion && !question.notSureAllowed ? 1 : 2))
    #expect(server.stop().status == 0)
  }

  /// The issues of an OperationOutcome response (and that it is one, in FHIR's media type).
  static func issues(
    _ status: Int, _ headers: String?, _ body: Data, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws -> [[String: Any]] {
    #expect(headers == "application/fhir+json; charset=utf-8", sourceLocation: sourceLocation)
    let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], sourceLocation: sourceLocation)
    #expect(json["resourceType"] as? String == "OperationOutcome", sourceLocation: sourceLocation)
    let issues = json["issue"] as? [[String: Any]] ?? []
    #expect(!issues.isEmpty, sourceLocation: sourceLocation)
    for issue in issues {
      #expect(issue["severity"] as? String == "error", sourceLocation: sourceLocation)
      #expect(!(issue["diagnostics"] as? String ?? "").isEmpty, sourceLocation: sourceLocation)
    }
    return issues
  }

  /// Requests the operation refuses, each with the status and the issue code it must get.
  static let refused: [(name: String, method: String, path: String, type: String, body: String, status: Int, code: String)] = [
    ("not-json", "POST", operation, "application/fhir+json", "{", 400, "structure"),
    ("plain-text", "POST", operation, "text/plain", "{}", 415, "not-supported"),
    ("patient", "POST", operation, "application/fhir+json", #"{"resourceType": "Patient"}"#, 400, "invalid"),
    ("no-parameter", "POST", operation, "application/fhir+json", #"{"resourceType": "Parameters", "parameter": []}"#, 400, "invalid"),
    (
      "wrong-answer", "POST", operation, "application/fhir+json",
      #"{"resourceType": "Parameters", "parameter": [{"name": "questionnaire-response", "resource": "#
        + #"{"resourceType": "QuestionnaireResponse", "status": "in-progress", "#
        + #""item": [{"linkId": "saddle_numbness", "answer": [{"valueInteger": 3}]}]}}]}"#, 400, "invalid"
    ),
    (
      "unknown-question", "POST", operation, "application/fhir+json",
      ##"{"resourceType": "QuestionnaireResponse", "status": "in-progress", "questionnaire": "#q", "##
        + #""contained": [{"resourceType": "Questionnaire", "id": "q", "status": "active", "item": [{"linkId": "nope", "type": "boolean"}]}]}"#,
      400, "invalid"
    ),
    (
      "unknown-question-in-parameters", "POST", operation, "application/fhir+json",
      ##"{"resourceType": "Parameters", "parameter": [{"name": "other", "valueString": "x"}, {"name": "questionnaire-response", "##
        + ##""resource": {"resourceType": "QuestionnaireResponse", "status": "in-progress", "contained": [{"resourceType": "Questionnaire", "##
        + ##""id": "q", "status": "active", "item": [{"linkId": "pain_areas", "type": "choice"}, {"linkId": "nope", "type": "boolean"}]}]}}]}"##,
      400, "invalid"
    ),
    ("get", "GET", operation, "application/fhir+json", "", 405, "not-supported"),
    ("unknown-resource", "GET", "/fhir/Patient/1", "application/fhir+json", "", 404, "not-found"),
  ]

  static func send(
    _ server: ServerProcess, _ request: (name: String, method: String, path: String, type: String, body: String, status: Int, code: String)
  )
    throws -> RawResponse
  {
    try httpRequest(
      server.port, request.method, request.path, headers: ["Content-Type": request.type], body: request.method == "POST" ? request.body : nil)
  }

  @Test(
    "bad requests are an OperationOutcome with the right status: not JSON, not FHIR, a wrong answer (its FHIRPath), an unknown question, 404, 405, 415"
  )
  func badRequests() throws {
    let server = try ServerProcess()
    for request in Self.refused {
      let response = try Self.send(server, request)
      #expect(response.status == request.status, "\(request.name): \(response.text)")
      let issues = try Self.issues(response.status, response.header("Content-Type"), response.body)
      #expect(issues.first?["code"] as? String == request.code, "\(request.name): \(response.text)")
      switch request.name {
      case "wrong-answer":
        let issue = try #require(issues.first)
        #expect(issue["expression"] as? [String] == ["Parameters.parameter[0].resource.item[0].answer[0]"], "\(issue)")
        #expect((issue["diagnostics"] as? String ?? "").contains("'saddle_numbness' expects yes or no (true or false in JSON); found the number 3"))
        let coding = ((issue["details"] as? [String: Any])?["coding"] as? [[String: Any]])?.first
        #expect(coding?["system"] as? String == FHIROperationOutcome.diagnosticSystem)
        #expect((coding?["code"] as? String ?? "").hasPrefix("UP04"))
      case "unknown-question":
        #expect(response.text.contains("nope"))
        #expect(issues.contains { ($0["expression"] as? [String])?.first?.hasPrefix("QuestionnaireResponse.contained[0]") == true }, "\(issues)")
      case "unknown-question-in-parameters":
        #expect(issues.first?["expression"] as? [String] == ["Parameters.parameter[1].resource.contained[0].item[1].linkId"], "\(issues)")
      case "not-json":
        #expect((issues.first?["diagnostics"] as? String ?? "").hasPrefix("line 1, column 2: "))
      case "get":
        #expect(response.header("Allow") == "POST")
      default: break
      }
    }
    // The JSON API keeps its own error format.
    let api = try httpRequest(server.port, "GET", "/nothing-here")
    #expect(api.status == 404 && api.json["error"] != nil)
    #expect(server.stop().status == 0)
  }

  /// Requests the HTTP layer refuses before routing, each under `/fhir/`, with the status
  /// and the issue code it must get.
  static let refusedUnread: [(name: String, request: String, status: Int, code: String)] = [
    (
      "too-large", "POST \(operation) HTTP/1.1\r\nHost: a\r\nContent-Type: application/fhir+json\r\nContent-Length: 2000000\r\n\r\n", 413,
      "too-costly"
    ),
    (
      "header-too-large", "POST \(operation) HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 17_000) + "\r\n\r\n", 431,
      "too-costly"
    ),
    ("chunked", "POST \(operation) HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 411, "required"),
    ("slow", "POST \(operation) HTTP/1.1\r\nHost: a\r\n", 408, "timeout"),
  ]

  @Test("requests refused before they are read whole (413, 431, 411, 408) are OperationOutcomes under /fhir/, valid FHIR, and JSON elsewhere")
  func refusedBeforeRouting() throws {
    let server = try ServerProcess(["--timeout", "1"])
    let folder = try TemporaryFolder()
    var files: [String] = []
    for refused in Self.refusedUnread {
      let connection = try RawConnection(port: server.port)
      connection.send(refused.request)
      let response = try #require(connection.readResponse(), "\(refused.name)")
      #expect(response.status == refused.status, "\(refused.name): \(response.text)")
      let issues = try Self.issues(response.status, response.header("Content-Type"), response.body)
      #expect(issues.first?["code"] as? String == refused.code, "\(refused.name): \(response.text)")
      files.append(try folder.write("\(refused.name).json", response.text))
    }
    // The same refusal elsewhere keeps the JSON API's format; an unreadable request line has no path.
    let api = try RawConnection(port: server.port)
    api.send("POST /assess HTTP/1.1\r\nHost: a\r\nContent-Length: 2000000\r\n\r\n")
    let apiResponse = try #require(api.readResponse())
    #expect(apiResponse.status == 413 && (apiResponse.json["error"] as? [String: Any])?["status"] as? Int == 413)
    let garbage = try RawConnection(port: server.port)
    garbage.send("HELLO /fhir/x\r\n\r\n")
    #expect(garbage.readResponse()?.json["error"] != nil)
    #expect(server.stop().status == 0)
    guard testToolsPresent(Self.validatorAvailable ? [] : ["Python's fhir.resources (pip install 'fhir.resources<8')"], for: "the FHIR validation")
    else { return }
    let script = UpstreamBinary.packageRoot.appendingPathComponent("Tests/FHIRValidation/validate.py").path
    let result = try runTool("python3", [script] + files)
    #expect(result.status == 0, "\(result.output)\(result.errors)")
  }

  // MARK: Validation with fhir.resources

  /// Whether Python's fhir.resources is installed (required under CI).
  static let validatorAvailable: Bool = (try? runTool("python3", ["-c", "import fhir.resources"]).status) == 0

  @Test("the SDC responses, the OperationOutcomes, the exported Questionnaire and a QuestionnaireResponse are valid FHIR (fhir.resources)")
  func validWithFHIRResources() throws {
    guard testToolsPresent(Self.validatorAvailable ? [] : ["Python's fhir.resources (pip install 'fhir.resources<8')"], for: "the FHIR validation")
    else { return }
    let server = try ServerProcess()
    let folder = try TemporaryFolder()
    var files: [String] = []
    for (index, text) in try Self.replay(server, persona: "fhir-runner-knee.json").enumerated() {
      files.append(try folder.write("knee-\(index).json", text))
    }
    let exported = try httpRequest(server.port, "GET", "/questionnaire")
    files.append(try folder.write("questionnaire.json", String(decoding: exported.body, as: UTF8.self)))
    files.append(try folder.write("response.json", try CDSHooksTests.seed("fhir-trucker.json")))
    for request in Self.refused {
      files.append(try folder.write("refused-\(request.name).json", try Self.send(server, request).text))
    }
    #expect(server.stop().status == 0)
    let script = UpstreamBinary.packageRoot.appendingPathComponent("Tests/FHIRValidation/validate.py").path
    let result = try runTool("python3", [script] + files)
    #expect(result.status == 0, "\(result.output)\(result.errors)")
    #expect(result.output.split(separator: "\n").filter { $0.hasPrefix("valid ") }.count == files.count)
  }
}
