import Foundation
import Upstream

// MARK: - The JSON API

/// `POST /assess`, `POST /why/{node}`, `POST /why-not/{node}`, `POST /what-if` and `GET
/// /questionnaire`: the commands' JSON output over HTTP, through `Operations`, so both
/// say the same (Docs/API.md, Docs/openapi.json).
///
/// The endpoints that read answers take two query parameters besides `audience`, as the
/// command line's options: `assessment-date=YYYY-MM-DD` (the day the answers were given,
/// which date conditions count back from; it overrides the answers' own `"assessment
/// date"` or a QuestionnaireResponse's `authored`, and is never taken from the clock) and
/// `strict=true` (a QuestionnaireResponse item that no question names is an error).
package struct JSONAPI: Sendable {
  package let knowledgeBase: KnowledgeBase

  package init(knowledgeBase: KnowledgeBase) { self.knowledgeBase = knowledgeBase }

  /// Adds the API's routes.
  package func register(in router: inout Router) {
    router.add("POST", "/assess") { request, _ in self.respond { try self.assess(request) } }
    router.add("POST", "/why/{node}") { request, parameters in
      self.respond { try self.explain(request, node: parameters["node"] ?? "", whyNot: false) }
    }
    router.add("POST", "/why-not/{node}") { request, parameters in
      self.respond { try self.explain(request, node: parameters["node"] ?? "", whyNot: true) }
    }
    router.add("POST", "/what-if") { request, _ in self.respond { try self.whatIf(request) } }
    router.add("GET", "/questionnaire") { _, _ in
      HTTPResponse(
        status: 200, contentType: "application/fhir+json; charset=utf-8", text: Operations.questionnaire(knowledgeBase).text,
        headers: APIHeaders.common)
    }
  }

  // MARK: Endpoints

  private func assess(_ request: HTTPRequest) throws(APIError) -> String {
    let audience = try Self.audience(request)
    let (answers, _) = try answers(try Self.body(request), request)
    return Operations.assessmentJSON(answers, knowledgeBase, audience: audience)
  }

  private func explain(_ request: HTTPRequest, node: String, whyNot: Bool) throws(APIError) -> String {
    let audience = try Self.audience(request)
    let (answers, _) = try answers(try Self.body(request), request)
    let assessment = knowledgeBase.assess(validated: answers)
    let result =
      whyNot
      ? Operations.whyNotJSON(node, in: assessment, audience: audience) : Operations.whyJSON(node, in: assessment, audience: audience)
    switch result {
    case .success(let text): return text
    case .failure(let problem): throw APIError(404, problem.message, suggestion: problem.didYouMean.map { "did you mean '\($0)'?" })
    }
  }

  /// `{"answers": {…} or a QuestionnaireResponse, "set": {"question": answer, …}, "unset": ["question", …]}`.
  private func whatIf(_ request: HTTPRequest) throws(APIError) -> String {
    let audience = try Self.audience(request)
    let file = try Self.body(request)
    let root: JSONDocument.Located
    switch JSONReader.read(file) {
    case .failure(let error):
      throw APIError(400, "the body is not JSON", problems: [error.diagnostic(notJSON: .answersNotJSON, what: "this request body")])
    case .success(let document): root = document.root
    }
    guard case .object(let fields) = root.node else {
      throw APIError(400, "the body is a JSON object: {\"answers\": {…}, \"set\": {\"question\": answer}, \"unset\": [\"question\"]}")
    }
    let unknown = fields.map(\.key).filter { !["answers", "set", "unset"].contains($0) }
    guard unknown.isEmpty else {
      throw APIError(400, "the body has a field '\(unknown[0])'; it takes answers, set and unset")
    }
    guard let answersNode = fields.first(where: { $0.key == "answers" })?.value else {
      throw APIError(400, "the body needs \"answers\": an answers object or a FHIR QuestionnaireResponse")
    }
    let answers: Answers
    let reading = try Self.reading(request)
    switch Operations.readAnswers(answersNode, for: knowledgeBase, strict: reading.strict, assessmentDate: reading.assessmentDate) {
    case .success(let read): answers = read.0
    case .failure(let problems): throw APIError(400, "the answers have problems, so nothing was assessed", problems: problems.diagnostics)
    }
    var changes: [AnswerEdit] = []
    if let set = fields.first(where: { $0.key == "set" })?.value {
      guard case .object(let settings) = set.node else { throw APIError(400, "\"set\" is an object of question id → new answer") }
      changes += settings.map { AnswerEdit(question: $0.key, at: $0.keyRange, value: ($0.value.value, $0.value.range)) }
    }
    if let unset = fields.first(where: { $0.key == "unset" })?.value {
      guard case .array(let items) = unset.node else { throw APIError(400, "\"unset\" is a list of question ids") }
      for item in items {
        guard case .string(let id) = item.node else { throw APIError(400, "\"unset\" is a list of question ids") }
        changes.append(AnswerEdit(question: id, at: item.range, value: nil))
      }
    }
    guard !changes.isEmpty else { throw APIError(400, "what-if needs at least one change: \"set\" or \"unset\"") }
    switch AnswerEdit.apply(changes, to: answers, knowledgeBase) {
    case .failure(let problems): throw APIError(400, "the changes have problems, so nothing was assessed", problems: problems.diagnostics)
    case .success(let changed):
      return WhatIfJSONRenderer(audience: audience).render(Operations.comparison(answers, changed: changed, knowledgeBase))
    }
  }

  // MARK: Reading requests

  /// Runs an endpoint: its JSON with 200, or its error.
  private func respond(_ body: () throws -> String) -> HTTPResponse {
    do {
      return HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", text: try body(), headers: APIHeaders.common)
    } catch let error as APIError {
      return error.response
    } catch {
      return APIError(500, "the request could not be answered").response
    }
  }

  /// Reads the body's answers, as the request's query parameters say, or throws every
  /// problem (400).
  private func answers(_ file: SourceFile, _ request: HTTPRequest) throws(APIError) -> (Answers, [Diagnostic]) {
    let reading = try Self.reading(request)
    switch Operations.readAnswers(file, for: knowledgeBase, strict: reading.strict, assessmentDate: reading.assessmentDate) {
    case .success(let read): return read
    case .failure(let problems): throw APIError(400, "the answers have problems, so nothing was assessed", problems: problems.diagnostics)
    }
  }

  /// The `strict` and `assessment-date` query parameters.
  private static func reading(_ request: HTTPRequest) throws(APIError) -> (strict: Bool, assessmentDate: CalendarDay?) {
    var strict = false
    if let value = request.queryValue("strict") {
      guard value == "true" || value == "false" else {
        throw APIError(400, "strict is true or false; found '\(value)'")
      }
      strict = value == "true"
    }
    guard let text = request.queryValue("assessment-date") else { return (strict, nil) }
    guard let day = CalendarDay(text) else {
      throw APIError(
        400, "assessment-date takes the day the answers were given, written YYYY-MM-DD (e.g. 2026-12-01); found '\(text)'")
    }
    return (strict, day)
  }

  /// The `audience` query parameter: clinician (the default) or patient.
  private static func audience(_ request: HTTPRequest) throws(APIError) -> Audience {
    let value = request.queryValue("audience") ?? Audience.clinician.rawValue
    guard let audience = Audience(rawValue: value) else {
      throw APIError(400, "'\(value)' is not an audience; use clinician or patient")
    }
    return audience
  }

  /// The body as UTF-8 text, after checking it is JSON by its media type (415 otherwise).
  private static func body(_ request: HTTPRequest) throws(APIError) -> SourceFile {
    let type = request.contentType ?? ""
    guard type == "application/json" || type == "application/fhir+json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
      throw APIError(
        415, type.isEmpty ? "send the body as JSON, with Content-Type: application/json" : "'\(type)' is not accepted; send application/json")
    }
    switch KnowledgeBase.decodeUTF8(Data(request.body), path: "<request body>") {
    case .success(let text): return SourceFile(path: "<request body>", text: text)
    case .failure(let diagnostic): throw APIError(400, "the body is not UTF-8 text", problems: [diagnostic])
    }
  }
}
