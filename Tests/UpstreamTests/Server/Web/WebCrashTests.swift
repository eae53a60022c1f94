import Foundation
import Testing

@testable import Upstream
@testable import UpstreamServer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `kill -9` mid-session: every answer the server confirmed (303) before the kill is in
/// the session file, and a new server on the same `--sessions` folder resumes by the link
/// at the question that was next (Docs/Web.md, Sessions).
@Suite("Server: kill -9 mid-session", .serialized)
struct WebCrashTests {
  typealias Browser = WebQuestionnaireTests.Browser
  typealias QuestionForm = WebQuestionnaireTests.QuestionForm

  @Test("answers posted before SIGKILL survive; a new server resumes by the link at the next question")
  func killNine() throws {
    let first = try ServerProcess()
    let folder = first.sessions
    var browser = Browser(port: first.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let id = String(link.dropFirst(3))
    var order: [String] = []
    for _ in 0..<6 {
      let form = try #require(QuestionForm(try browser.get(link).text))
      let fields = form.fields(WebQuestionnaireTests.trucker)
      #expect(try browser.post(link + "/answer", fields).status == 303)
      order.append(form.question)
    }
    let next = try #require(QuestionForm(try browser.get(link).text)).question
    // A request half sent when the server dies, and one more complete answer in flight.
    let partial = try RawConnection(port: first.port)
    partial.send("POST \(link)/answer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ncsrf=")
    first.program.signal(SIGKILL)
    #expect(first.program.wait() == .killed(by: SIGKILL))

    // The file is whole JSON (atomic writes), with every confirmed answer in order.
    let data = try Data(contentsOf: folder.url.appendingPathComponent("\(id).json"))
    let file = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let replies = try #require((file["session"] as? [String: Any])?["replies"] as? [[String: Any]])
    #expect(replies.compactMap { $0["question"] as? String } == order)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasSuffix(".json") }
    #expect(leftovers.isEmpty, "no half-written files: \(leftovers)")

    #expect(replies.allSatisfy { $0["answer"] != nil && !($0["answer"] is NSNull) }, "every reply has its answer: \(replies)")

    // A new server on the same folder: the link resumes at the next question, as question
    // 7; back goes to the last answer saved before the kill.
    let second = try ServerProcess(sessions: folder)
    browser = Browser(port: second.port)
    let resumed = try browser.get(link).text
    let form = try #require(QuestionForm(resumed))
    #expect(form.question == next)
    #expect(resumed.contains("Question \(order.count + 1) · "))
    #expect(try browser.post(link + "/back", [("csrf", form.csrf)]).status == 303)
    #expect(QuestionForm(try browser.get(link).text)?.question == order.last)
    #expect(second.stop().status == 0)
  }
}
