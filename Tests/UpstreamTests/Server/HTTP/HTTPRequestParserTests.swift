import Foundation
import Testing

@testable import UpstreamServer

/// The request parser on byte arrays: what it accepts, and the status and message a client
/// gets for everything it refuses.
@Suite("HTTP request parser")
struct HTTPRequestParserTests {
  private func parse(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPParseResult {
    HTTPRequestParser.parse(Array(text.utf8), limits: limits)
  }

  private func request(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (HTTPRequest, Int) {
    guard case .complete(let request, let consumed) = parse(text) else {
      Issue.record("not a complete request: \(parse(text))", sourceLocation: sourceLocation)
      throw CancellationError()
    }
    return (request, consumed)
  }

  /// The refusal's status and message (its path is checked by `refusalsKnowTheirPath`).
  private func refusal(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPParseError? {
    if case .failure(let error) = parse(text, limits: limits) { return HTTPParseError(error.status, error.message) }
    return nil
  }

  // MARK: Valid requests

  @Test("a GET with a query: method, decoded path segments and query, headers in order")
  func get() throws {
    let (request, consumed) = try request("GET /why/hip%20pain/?audience=patient&x=a+b%21 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n")
    #expect(request.method == "GET")
    #expect(request.pathSegments == ["why", "hip pain"])
    #expect(request.path == "/why/hip pain")
    #expect(request.queryValue("audience") == "patient")
    #expect(request.queryValue("x") == "a b!")
    #expect(request.headers.map(\.name) == ["Host", "Accept"])
    #expect(request.header("accept") == "*/*")
    #expect(request.body.isEmpty)
    #expect(request.wantsKeepAlive)
    #expect(consumed == Array("GET /why/hip%20pain/?audience=patient&x=a+b%21 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n".utf8).count)
  }

  @Test("a POST body of exactly Content-Length bytes; the next request's bytes are left")
  func postBody() throws {
    let text =
      "POST /assess HTTP/1.1\r\nHost: a\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 7\r\n\r\n{\"a\":1}GET / HTTP/1.1\r\n"
    let (request, consumed) = try request(text)
    #expect(String(decoding: request.body, as: UTF8.self) == "{\"a\":1}")
    #expect(request.contentType == "application/json")
    #expect(consumed == text.utf8.count - "GET / HTTP/1.1\r\n".utf8.count)
  }

  @Test("header values lose surrounding blanks; HTTP/1.0 needs no Host and closes unless keep-alive")
  func http10() throws {
    let (request, _) = try request("GET / HTTP/1.0\r\nX-A:   spaced\t \r\n\r\n")
    #expect(request.header("x-a") == "spaced")
    #expect(request.minorVersion == 0)
    #expect(!request.wantsKeepAlive)
    let (keep, _) = try self.request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
    #expect(keep.wantsKeepAlive)
    let (close, _) = try self.request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    #expect(!close.wantsKeepAlive)
  }

  @Test("a request arriving in pieces is incomplete until its last body byte")
  func incomplete() {
    let whole = Array("POST /assess HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello".utf8)
    for cut in 0..<whole.count {
      #expect(HTTPRequestParser.parse(Array(whole[0..<cut])) == .incomplete, "cut at \(cut)")
    }
    guard case .complete = HTTPRequestParser.parse(whole) else {
      Issue.record("the whole request is complete")
      return
    }
  }

  // MARK: Malformed requests: 400

  @Test(
    "malformed input is refused with 400 and a message in plain words",
    arguments: [
      ("GET /\r\nHost: a\r\n\r\n", "the request line is not 'METHOD /path HTTP/1.1'"),
      ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "the request line is not 'METHOD /path HTTP/1.1'"),
      ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", "the method is not a word of letters"),
      ("GET / FTP/1.1\r\nHost: a\r\n\r\n", "the request line does not end with a version such as HTTP/1.1"),
      ("GET http://x/ HTTP/1.1\r\nHost: a\r\n\r\n", "the request target must be a path starting with '/'"),
      ("GET /a\u{7f} HTTP/1.1\r\nHost: a\r\n\r\n", "the request target has a character that must be percent-encoded"),
      ("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", "the path has a malformed percent-escape"),
      ("GET /%ff HTTP/1.1\r\nHost: a\r\n\r\n", "the path has a malformed percent-escape"),
      ("GET /?a=%4 HTTP/1.1\r\nHost: a\r\n\r\n", "the query has a malformed percent-escape"),
      ("GET / HTTP/1.1\r\n\r\n", "an HTTP/1.1 request needs a Host header field"),
      ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "more than one Host header field"),
      (
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n",
        "a header field continues on the next line (obsolete folding); send it on one line"
      ),
      ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", "a header field has no ':'"),
      ("GET / HTTP/1.1\r\nHost: a\r\nBad Name: 1\r\n\r\n", "a header field's name is empty or has a space or symbol in it"),
      ("GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n", "a header field's name is empty or has a space or symbol in it"),
      ("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{1}b\r\n\r\n", "header field 'X-A' has a control character"),
      ("GET / HTTP/1.1\r\nHost: a\nX-A: 1\r\n\r\n", "a line ends with a bare LF; lines end with CRLF"),
      ("GET / HTTP/1.1\r\nHost: a\rX-A: 1\r\n\r\n", "a carriage return inside a line; lines end with CRLF"),
      (
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "Content-Length is given more than once, with different values"
      ),
      ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n", "Content-Length is not a whole number of bytes"),
      ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5x\r\n\r\n", "Content-Length is not a whole number of bytes"),
      ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", "Content-Length is not a whole number of bytes"),
    ])
  func malformed(_ text: String, _ message: String) {
    #expect(refusal(text) == HTTPParseError(400, message))
  }

  @Test("Expect: 100-continue is waited on only for a whole, acceptable HTTP/1.1 head whose body has not all come")
  func expectsContinue() {
    func expects(_ text: String) -> Bool? { HTTPRequestParser.expectsContinue(Array(text.utf8)) }
    let head = "POST /assess HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n"
    #expect(expects(head) == true)
    #expect(expects(head + "{}") == true, "half the body")
    #expect(expects(head + "{}{}") == false, "the whole body is here")
    #expect(expects(String(head.dropLast(2))) == nil, "the head is not whole")
    #expect(expects(head.replacingOccurrences(of: "HTTP/1.1", with: "HTTP/1.0")) == false, "HTTP/1.0 knows no 100 Continue")
    #expect(expects(head.replacingOccurrences(of: "Expect: 100-Continue\r\n", with: "")) == false)
    #expect(expects(head.replacingOccurrences(of: "Content-Length: 4", with: "Content-Length: 99999999")) == false, "refused: 413")
  }

  @Test("a wrong first line is refused before the header ends")
  func earlyRefusal() {
    #expect(refusal("HELLO THERE\r\n") == HTTPParseError(400, "the request line is not 'METHOD /path HTTP/1.1'"))
    #expect(parse("GET / HTTP/1.1\r\n") == .incomplete)
  }

  @Test("repeated equal Content-Lengths are one length")
  func repeatedLength() throws {
    let (request, _) = try request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
    #expect(request.body == Array("ok".utf8))
  }

  // MARK: Refused framing and versions

  @Test("a chunked body is refused with 411: send Content-Length")
  func chunked() {
    let error = refusal("POST /assess HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    #expect(error == HTTPParseError(411, "chunked or encoded request bodies are not accepted; send the body with a Content-Length"))
  }

  @Test("HTTP/2 and HTTP/0.9-style versions get 505")
  func versions() {
    #expect(refusal("GET / HTTP/2.0\r\n\r\n") == HTTPParseError(505, "only HTTP/1.0 and HTTP/1.1 are served; found HTTP/2.0"))
    #expect(refusal("GET / HTTP/1.2\r\nHost: a\r\n\r\n")?.status == 505)
  }

  // MARK: Limits

  @Test("a body over the limit is refused with 413 as soon as its Content-Length is read")
  func bodyLimit() {
    let limits = HTTPLimits(bodyBytes: 10)
    #expect(
      refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits) == HTTPParseError(413, "the body is larger than 10 bytes"))
    #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n")?.status == 413)
    #expect(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n") == HTTPParseError(413, "the body is larger than 1048576 bytes"))
    #expect(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n", limits: limits) == .incomplete)
  }

  @Test("header fields over 16 KiB get 431, also before the blank line arrives")
  func headerBytes() {
    let long = "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "a", count: 16 << 10) + "\r\n\r\n"
    #expect(refusal(long) == HTTPParseError(431, "the request line and header fields are longer than 16384 bytes"))
    let unfinished = "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "a", count: 17 << 10)
    #expect(refusal(unfinished)?.status == 431)
  }

  @Test("more than 100 header fields get 431")
  func headerCount() {
    let many = "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<100).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
    #expect(refusal(many) == HTTPParseError(431, "more than 100 header fields"))
    let enough = "GET / HTTP/1.1\r\nHost: a\r\n" + (0..<99).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
    #expect(refusal(enough) == nil)
  }

  @Test("a refusal after the request line was read carries its path, so /fhir/ can answer in FHIR; an unreadable line has none")
  func refusalsKnowTheirPath() {
    func path(_ text: String, limits: HTTPLimits = HTTPLimits()) -> [String]?? {
      if case .failure(let error) = parse(text, limits: limits) { return .some(error.pathSegments) }
      return .none
    }
    let operation = "/fhir/Questionnaire/$next-question"
    #expect(
      path("POST \(operation) HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: HTTPLimits(bodyBytes: 10))
        == .some(["fhir", "Questionnaire", "$next-question"]))
    #expect(path("POST /fhir/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") == .some(["fhir", "x"]))
    #expect(path("GET /fhir/x HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "a", count: 17 << 10)) == .some(["fhir", "x"]))
    #expect(path("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n") == .some([]))
    #expect(path("HELLO /fhir/x\r\n\r\n") == .some(nil))
    #expect(path("GET /fhir/x HTTP/2.0\r\n\r\n") == .some(nil))
    #expect(HTTPRequestParser.pathSegments(of: Array("POST /fhir/a%20b HTTP/1.1\r\nHost".utf8)) == ["fhir", "a b"])
    #expect(HTTPRequestParser.pathSegments(of: Array("POST /fhir/a".utf8)) == nil)
  }

  // MARK: Never crashing

  @Test("the fuzzer's seeds and any regressions parse without crashing, as complete requests or refusals")
  func fuzzSeeds() throws {
    var count = 0
    for folder in ["Tests/Fuzz/seeds/http", "Tests/Fuzz/regressions/http"] {
      let url = UpstreamBinary.packageRoot.appendingPathComponent(folder)
      for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
        let bytes = [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
        #expect(HTTPRequestParser.parse(bytes) != .incomplete, "\(folder)/\(name)")
        count += 1
      }
    }
    #expect(count >= 5)
  }

  @Test("random and truncated bytes never crash the parser")
  func randomBytes() {
    var generator = SeededGenerator(seed: 15)
    let seeds = [
      "POST /assess HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", "GET /s/%41?x=%2 HTTP/1.0\r\n\r\n",
    ].map { Array($0.utf8) }
    for _ in 0..<3_000 {
      var bytes = seeds[Int(generator.next() % 2)]
      for _ in 0..<Int(generator.next() % 4) {
        let index = Int(generator.next() % UInt64(bytes.count))
        switch generator.next() % 3 {
        case 0: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
        case 1: bytes.remove(at: index)
        default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
        }
      }
      _ = HTTPRequestParser.parse(bytes)
    }
  }
}
