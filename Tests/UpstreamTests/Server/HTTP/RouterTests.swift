import Foundation
import Testing

@testable import UpstreamServer

/// The router and the response writer.
@Suite("HTTP router and responses")
struct RouterTests {
  private static func request(_ method: String, _ path: String) -> HTTPRequest {
    guard case .complete(let request, _) = HTTPRequestParser.parse(Array("\(method) \(path) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)) else {
      preconditionFailure("test request")
    }
    return request
  }

  private static var router: Router {
    var router = Router { status, message, _ in HTTPResponse(status: status, contentType: "text/plain", text: message) }
    router.add("GET", "/questionnaire") { _, _ in HTTPResponse(status: 200, contentType: "text/plain", text: "q") }
    router.add("POST", "/why/{node}") { _, parameters in HTTPResponse(status: 200, contentType: "text/plain", text: parameters["node"] ?? "") }
    router.add("GET", "/s/{id}") { _, parameters in HTTPResponse(status: 200, contentType: "text/plain", text: "s " + (parameters["id"] ?? "")) }
    return router
  }

  @Test("a template's parameters are decoded path segments; the template is what is logged")
  func parameters() {
    let (template, response) = Self.router.respond(to: Self.request("POST", "/why/hip%5Fpain"))
    #expect(template == "/why/{node}")
    #expect(String(decoding: response.body, as: UTF8.self) == "hip_pain")
  }

  @Test("an unknown path is 404; a known path with another method is 405 with Allow")
  func refusals() {
    let (missing, notFound) = Self.router.respond(to: Self.request("GET", "/nothing/here"))
    #expect(missing == "(no route)")
    #expect(notFound.status == 404)
    let (template, notAllowed) = Self.router.respond(to: Self.request("DELETE", "/questionnaire"))
    #expect(template == "/questionnaire")
    #expect(notAllowed.status == 405)
    #expect(notAllowed.header("Allow") == "GET, HEAD")
    #expect(String(decoding: notAllowed.body, as: UTF8.self) == "/questionnaire does not take DELETE; it takes GET, HEAD")
    #expect(Self.router.respond(to: Self.request("GET", "/why/x")).response.header("Allow") == "POST")
  }

  @Test("HEAD is served as GET; the writer leaves out the body but keeps its length")
  func head() {
    let response = Self.router.respond(to: Self.request("HEAD", "/questionnaire")).response
    let text = String(decoding: response.bytes(keepAlive: true, headOnly: true, date: Date(timeIntervalSince1970: 0)), as: UTF8.self)
    #expect(
      text
        == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n"
    )
  }

  @Test("the writer keeps line breaks out of header values")
  func headerInjection() {
    let response = HTTPResponse(status: 303, headers: [("Location", "/s/x\r\nSet-Cookie: a=b")])
    let text = String(decoding: response.bytes(keepAlive: false, date: Date(timeIntervalSince1970: 86_400 * 365)), as: UTF8.self)
    #expect(text.hasPrefix("HTTP/1.1 303 See Other\r\nLocation: /s/xSet-Cookie: a=b\r\nDate: Fri, 01 Jan 1971 00:00:00 GMT\r\n"))
    #expect(text.hasSuffix("Connection: close\r\n\r\n"))
  }
}
