import Foundation
import Upstream

// MARK: - Everything `upstream serve` serves

/// The routes of `upstream serve`: the JSON API and the web questionnaire, on one router,
/// with the refusals (404, 405, 413, …) in the format the client reads: HTML for the
/// questionnaire's pages, a FHIR OperationOutcome under `/fhir/`, the JSON error format
/// for everything else.
package struct ServerApplication: Sendable {
  package let knowledgeBase: KnowledgeBase
  package let router: Router

  package init(knowledgeBase: KnowledgeBase, sessions: WebSessionStore) {
    self.knowledgeBase = knowledgeBase
    var router = Router(refusal: { status, message, request in
      guard request.pathSegments.first != "fhir" else { return FHIROperationOutcome.response(APIError(status, message)) }
      return Self.refusal(status, message, htmlWanted: Self.wantsHTML(request))
    })
    JSONAPI(knowledgeBase: knowledgeBase).register(in: &router)
    CDSHooks(knowledgeBase: knowledgeBase).register(in: &router)
    FHIRSDC(knowledgeBase: knowledgeBase).register(in: &router)
    WebQuestionnaire(knowledgeBase: knowledgeBase, sessions: sessions).register(in: &router)
    self.router = router
  }

  /// Answers a request: the template for the log, and the response.
  package func respond(_ request: HTTPRequest) -> (template: String, response: HTTPResponse) {
    router.respond(to: request)
  }

  /// The response to a request refused before any route ran (status and message).
  package static func refusal(_ status: Int, _ message: String, htmlWanted: Bool = false) -> HTTPResponse {
    guard htmlWanted else { return APIError(status, message).response }
    return WebPage.error(status: status, message: message)
  }

  /// Whether a refusal should be a page: the questionnaire's paths, or a browser asking for HTML.
  private static func wantsHTML(_ request: HTTPRequest) -> Bool {
    request.pathSegments.first == "s" || request.pathSegments.isEmpty || (request.header("Accept") ?? "").contains("text/html")
  }
}
