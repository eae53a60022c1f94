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
      Self.refusal(status, message, pathSegments: request.pathSegments, htmlWanted: Self.wantsHTML(request))
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

  /// The response to a request refused before any route ran, in the format of its path:
  /// a FHIR OperationOutcome under `/fhir/`, a page for the questionnaire's paths (or when
  /// `htmlWanted`), the JSON error format otherwise (and when the path was not readable).
  package static func refusal(
    _ status: Int, _ message: String, pathSegments: [String]? = nil, htmlWanted: Bool = false
  ) -> HTTPResponse {
    if pathSegments?.first == "fhir" { return FHIROperationOutcome.response(APIError(status, message)) }
    guard htmlWanted || pathSegments.map(isQuestionnairePage) == true else { return APIError(status, message).response }
    return WebPage.error(status: status, message: message)
  }

  /// Whether a path is one of the web questionnaire's pages (`/` and `/s/…`).
  private static func isQuestionnairePage(_ pathSegments: [String]) -> Bool {
    pathSegments.first == "s" || pathSegments.isEmpty
  }

  /// Whether a refusal should be a page: the questionnaire's paths, or a browser asking for HTML.
  private static func wantsHTML(_ request: HTTPRequest) -> Bool {
    isQuestionnairePage(request.pathSegments) || (request.header("Accept") ?? "").contains("text/html")
  }
}
