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

  /// The ```sh blocks of a Markdown text.
  static func shellBlocks(_ markdown: String) -> [String] {
    markdown.components(separatedBy: "```sh\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
  }

  @Test("every curl example in Docs/API.md runs as written against upstream serve: 2xx, on the rules it says to serve")
  func curlExamplesRun() throws {
    let api = try Self.document("API.md")
    let blocks = Self.shellBlocks(api)
    // The servers the examples talk to: the shipped rules on 8080, and any `upstream serve --rules DIR --port N` the page starts.
    var servers: [String: ServerProcess] = ["8080": try ServerProcess()]
    defer { for server in servers.values { _ = server.stop() } }
    for block in blocks {
      for line in block.split(separator: "\n") where line.hasPrefix("upstream serve ") {
        let words = line.split(separator: " ").map(String.init)
        let rules = try #require(words.firstIndex(of: "--rules").map { words[$0 + 1] }, "\(line)")
        let port = try #require(words.firstIndex(of: "--port").map { words[$0 + 1] }, "\(line)")
        servers[port] = try ServerProcess(["--rules", UpstreamBinary.packageRoot.appendingPathComponent(rules).path])
      }
    }
    let examples = blocks.filter { $0.hasPrefix("curl ") }
    #expect(examples.count >= 3)
    for example in examples {
      var command = "curl -sS --fail-with-body " + example.dropFirst("curl ".count)
      for (port, server) in servers { command = command.replacingOccurrences(of: "127.0.0.1:\(port)/", with: "127.0.0.1:\(server.port)/") }
      #expect(!command.contains(":808"), "an example talks to a server the page does not start: \(example)")
      let program = try ChildProgram("/bin/sh", ["-c", command], environment: ChildEnvironment.clean(), in: UpstreamBinary.packageRoot)
      #expect(program.wait(seconds: 60) == .exited(0), "\(example)\n\(program.output)\n\(program.errors)")
      #expect(program.output.hasPrefix("{"), "\(example)")
      if example.contains("assessment-date=") {
        #expect(program.output.contains("\"long_standing\""), "the date example shows the date at work: \(program.output)")
      }
    }
  }
}
