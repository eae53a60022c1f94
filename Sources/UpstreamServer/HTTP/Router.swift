// MARK: - Routing

/// Finds the handler for a request by method and path template (`/why/{node}`): 404
/// when no template matches the path, 405 with `Allow` when one does but not for this method.
package struct Router: Sendable {
  /// What a handler gets: the request and the template's parameters (`node` → `hip_pain`).
  package typealias Handler = @Sendable (HTTPRequest, [String: String]) -> HTTPResponse

  /// One route: method, template and handler.
  private struct Route: Sendable {
    let method: String
    let template: String
    let segments: [String]
    let handler: Handler
  }

  private var routes: [Route] = []
  /// The response for a path no route serves, or a method not allowed.
  private let refusal: @Sendable (_ status: Int, _ message: String, _ request: HTTPRequest) -> HTTPResponse

  package init(refusal: @escaping @Sendable (_ status: Int, _ message: String, _ request: HTTPRequest) -> HTTPResponse) {
    self.refusal = refusal
  }

  /// Adds a route; `{name}` in the template matches one path segment.
  package mutating func add(_ method: String, _ template: String, _ handler: @escaping Handler) {
    let segments = template.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    routes.append(Route(method: method, template: template, segments: segments, handler: handler))
  }

  /// The templates the router serves, for documentation checks.
  package var templates: [(method: String, template: String)] { routes.map { ($0.method, $0.template) } }

  /// Routes a request: the template it matched (for logs: never the concrete path) and
  /// the response. HEAD is served as GET without the body.
  package func respond(to request: HTTPRequest) -> (template: String, response: HTTPResponse) {
    let method = request.method == "HEAD" ? "GET" : request.method
    var allowed: [String] = []
    var template: String?
    for route in routes {
      guard let parameters = match(route.segments, request.pathSegments) else { continue }
      template = template ?? route.template
      guard route.method == method else {
        allowed.append(route.method)
        continue
      }
      return (route.template, route.handler(request, parameters))
    }
    guard let template else {
      return ("(no route)", refusal(404, "there is nothing at \(request.path)", request))
    }
    if allowed.contains("GET") { allowed.append("HEAD") }
    var response = refusal(405, "\(template) does not take \(request.method); it takes \(allowed.joined(separator: ", "))", request)
    response.headers.append(("Allow", allowed.joined(separator: ", ")))
    return (template, response)
  }

  /// The template's parameters when the path matches it.
  private func match(_ template: [String], _ path: [String]) -> [String: String]? {
    guard template.count == path.count else { return nil }
    var parameters: [String: String] = [:]
    for (part, segment) in zip(template, path) {
      if part.hasPrefix("{") && part.hasSuffix("}") {
        guard !segment.isEmpty else { return nil }
        parameters[String(part.dropFirst().dropLast())] = segment
      } else if part != segment {
        return nil
      }
    }
    return parameters
  }
}
