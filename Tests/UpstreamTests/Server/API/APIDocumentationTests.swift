import Foundation
import Testing

@testable import Upstream
@testable import UpstreamServer

/// The routes and their documents: every JSON route is in Docs/openapi.json and
/// Docs/API.md, every page route in Docs/Web.md, and nothing documented is missing.
@Suite("server documentation")
struct APIDocumentationTests {
  static let application: ServerApplication = {
    let knowledgeBase = KnowledgeBase.bundled().knowledgeBase!
    let store = WebSessionStore(folder: FileManager.default.temporaryDirectory.path, knowledgeBase: knowledgeBase) { _, _ in }
    return ServerApplication(knowledgeBase: knowledgeBase, sessions: store)
  }()

  static func document(_ name: String) throws -> String {
    try String(contentsOf: UpstreamBinary.packageRoot.appendingPathComponent("Docs/\(name)"), encoding: .utf8)
  }

  @Test("every JSON route is in openapi.json with its method, and in API.md; every page route in Web.md")
  func routesDocumented() throws {
    let openAPI = try #require(try JSONSerialization.jsonObject(with: Data(try Self.document("openapi.json").utf8)) as? [String: Any])
    let paths = try #require(openAPI["paths"] as? [String: [String: Any]])
    let api = try Self.document("API.md")
    let web = try Self.document("Web.md")
    var documented = Set<String>()
    for (method, template) in Self.application.router.templates {
      if template == "/" || template.hasPrefix("/s") {
        #expect(web.contains("`\(method) \(template)") || web.contains(template + "`"), "\(method) \(template) is not in Docs/Web.md")
        continue
      }
      documented.insert(template)
      #expect(paths[template]?[method.lowercased()] != nil, "\(method) \(template) is not in Docs/openapi.json")
      #expect(api.contains("`\(method) \(template)"), "\(method) \(template) is not in Docs/API.md")
    }
    #expect(Set(paths.keys) == documented, "openapi.json lists paths the server does not serve")
  }

  @Test("an error is the documented JSON format, with every problem, line and column")
  func errorFormat() throws {
    let body = "{\"arch_shap\": \"flat\"}"
    let raw = "POST /assess HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
    guard case .complete(let request, _) = HTTPRequestParser.parse(Array(raw.utf8)) else {
      Issue.record("request")
      return
    }
    let (template, response) = Self.application.respond(request)
    #expect(template == "/assess")
    #expect(response.status == 400)
    #expect(response.header("Content-Type") == "application/json; charset=utf-8")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    let error = try #require(json["error"] as? [String: Any])
    #expect(Set(error.keys) == ["status", "message", "problems"])
    let problem = try #require((error["problems"] as? [[String: Any]])?.first)
    #expect(problem["code"] as? String == "UP0402")
    #expect(problem["line"] as? Int == 1)
    #expect(problem["column"] as? Int == 2)
    #expect(problem["suggestion"] as? String == "did you mean 'arch_shape'?")
  }
}
