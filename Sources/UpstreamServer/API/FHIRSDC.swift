import Foundation
import Upstream

// MARK: - FHIR SDC $next-question

/// `POST /fhir/Questionnaire/$next-question`: the FHIR SDC adaptive questionnaire
/// operation, one step at a time (`FHIRNextQuestion` in the library chooses the question).
///
/// The body is a `Parameters` resource whose `questionnaire-response` parameter holds the
/// QuestionnaireResponse, or the bare QuestionnaireResponse; the answer has the same shape
/// (Parameters with a `return` parameter, or the bare response). Problems are a FHIR
/// `OperationOutcome` with the error's HTTP status (`FHIROperationOutcome`, Docs/API.md).
package struct FHIRSDC: Sendable {
  package let knowledgeBase: KnowledgeBase

  package init(knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// Adds the operation's route.
  package func register(in router: inout Router) {
    router.add("POST", "/fhir/Questionnaire/$next-question") { request, _ in
      var body: JSONDocument.Located?
      do {
        return try self.next(request, body: &body)
      } catch let error as APIError {
        return FHIROperationOutcome.response(error, body: body)
      } catch {
        return FHIROperationOutcome.response(APIError(500, "the request could not be answered"))
      }
    }
  }

  /// The next step; `body` is set to the request's JSON once it is read (for the
  /// OperationOutcome's expressions).
  private func next(_ request: HTTPRequest, body: inout JSONDocument.Located?) throws -> HTTPResponse {
    let type = request.contentType ?? ""
    guard type == "application/fhir+json" || type == "application/json" else {
      throw APIError(415, "send the Parameters or QuestionnaireResponse as application/fhir+json")
    }
    let file: SourceFile
    switch KnowledgeBase.decodeUTF8(Data(request.body), path: "<request body>") {
    case .success(let text): file = SourceFile(path: "<request body>", text: text)
    case .failure(let diagnostic): throw APIError(400, "the body is not UTF-8 text", problems: [diagnostic])
    }
    let root: JSONDocument.Located
    switch JSONReader.read(file) {
    case .failure(let error):
      throw APIError(400, "the body is not JSON", problems: [error.diagnostic(notJSON: .answersNotJSON, what: "this request body")])
    case .success(let document): root = document.root
    }
    body = root
    let inParameters = root.value["resourceType"] == .string("Parameters")
    let response = inParameters ? Self.parameter(root) : root
    guard let response else {
      throw APIError(400, "the Parameters need a parameter 'questionnaire-response' whose resource is a QuestionnaireResponse")
    }
    switch FHIRNextQuestion.next(response, for: knowledgeBase) {
    case .failure(let problem):
      // The expression is from the QuestionnaireResponse: from the Parameters, it starts at its parameter.
      let prefix = inParameters ? FHIROperationOutcome.path(to: response.range.start.offset, in: root) : nil
      let expression = problem.expression.map { path in
        prefix.map { $0 + path.dropFirst("QuestionnaireResponse".count) } ?? path
      }
      throw APIError(400, problem.message, problems: problem.diagnostics, expression: expression)
    case .success(let result):
      let body =
        inParameters
        ? JSONValue.object([
          ("resourceType", .string("Parameters")),
          ("parameter", .array([.object([("name", .string("return")), ("resource", result)])])),
        ]) : result
      return HTTPResponse(status: 200, contentType: "application/fhir+json; charset=utf-8", text: JSONWriter.pretty(body), headers: APIHeaders.common)
    }
  }

  /// The resource of the `questionnaire-response` parameter.
  private static func parameter(_ root: JSONDocument.Located) -> JSONDocument.Located? {
    guard case .object(let fields) = root.node, let list = fields.first(where: { $0.key == "parameter" })?.value,
      case .array(let parameters) = list.node
    else { return nil }
    for parameter in parameters {
      guard case .object(let members) = parameter.node, members.first(where: { $0.key == "name" })?.value.value == .string("questionnaire-response")
      else { continue }
      return members.first { $0.key == "resource" }?.value
    }
    return nil
  }
}
