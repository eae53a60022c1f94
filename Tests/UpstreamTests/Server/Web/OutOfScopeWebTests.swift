import Foundation
import Testing
import Upstream

@testable import UpstreamServer

/// The web questionnaire through the real binary for a person the knowledge base is not
/// for: an age below its range.
@Suite("web questionnaire: not for this person", .serialized)
struct OutOfScopeWebTests {
  typealias Browser = WebQuestionnaireTests.Browser
  typealias QuestionForm = WebQuestionnaireTests.QuestionForm

  /// Answers neutrally, with knee pain, up to the age question; its form.
  static func answerUpToAge(_ browser: Browser, _ link: String) throws -> QuestionForm {
    var page = try browser.get(link)
    for _ in 0..<60 {
      let form = try #require(QuestionForm(page.text), "\(page.text.prefix(400))")
      if form.question == "age" { return form }
      #expect(try browser.post(link + "/answer", form.fields(["pain_areas": ["knee"]])).status == 303)
      page = try browser.get(link)
    }
    Issue.record("the age was never asked")
    return try #require(QuestionForm(page.text))
  }

  @Test("the web questionnaire: 15 for the age shows the rules' words on a page of their own, with no question and no result, on every view")
  func fifteenEnds() throws {
    let server = try ServerProcess()
    defer { _ = server.stop() }
    let browser = Browser(port: server.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let form = try Self.answerUpToAge(browser, link)
    let posted = try browser.post(link + "/answer", [("csrf", form.csrf), ("question", "age"), ("answer", "15")])
    #expect(posted.status == 303)
    #expect(posted.header("Location") == link)

    let message = try #require(FuzzHarness.bundled.question("age")?.belowRangeMessage)
    for view in [link, link + "/result", link + "?audience=clinician", link + "/result?audience=clinician"] {
      let page = try browser.get(view)
      #expect(page.status == 200, "\(view)")
      #expect(page.header("Content-Security-Policy") == WebPage.contentSecurityPolicy)
      #expect(page.text.contains("<h1>The questions end here</h1>"), "\(view)")
      #expect(page.text.contains("<p class=\"out-of-scope\" id=\"out-of-scope\">\(WebPage.escape(message))</p>"), "\(view)")
      #expect(page.text.contains("was 15 years. If that was a slip, <a href=\"\(link)/change/age\">change your answer</a>"))
      #expect(QuestionForm(page.text) == nil, "no further question")
      #expect(!page.text.contains("<body class=\"patient\">") && !page.text.contains("<body class=\"clinician\">"), "no result")
      #expect(!page.text.contains("is outside the range"))
    }
    // A stale form for the age (another tab) changes nothing: the session stays ended.
    #expect(try browser.post(link + "/answer", [("csrf", form.csrf), ("question", "age"), ("answer", "40")]).status == 303)
    #expect(try browser.get(link).text.contains("The questions end here"))
    // The list of answers shows what was said, with a way to change it.
    let answers = try browser.get(link + "/answers")
    #expect(answers.text.contains("<strong>15 years</strong>"))
  }

  @Test("the web questionnaire: 'change your answer' after the end shows the age given, and a corrected age carries the questions on; Back does too")
  func changeAfterTheEnd() throws {
    let server = try ServerProcess()
    defer { _ = server.stop() }
    let browser = Browser(port: server.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let form = try Self.answerUpToAge(browser, link)
    #expect(try browser.post(link + "/answer", [("csrf", form.csrf), ("question", "age"), ("answer", "15")]).status == 303)

    let change = try browser.get(link + "/change/age")
    #expect(change.status == 200)
    #expect(change.text.contains("name=\"answer\" value=\"15\""), "the age given is shown to correct")
    #expect(change.text.contains("action=\"\(link)/revise\""))
    // Saving 15 again keeps it ended; 51 carries on.
    #expect(try browser.post(link + "/revise", [("csrf", form.csrf), ("question", "age"), ("answer", "15")]).status == 303)
    #expect(try browser.get(link).text.contains("The questions end here"))
    #expect(try browser.post(link + "/revise", [("csrf", form.csrf), ("question", "age"), ("answer", "51")]).status == 303)
    let next = try browser.get(link)
    #expect(!next.text.contains("The questions end here"))
    #expect(QuestionForm(next.text) != nil || next.text.contains("<body class=\"patient\">"))

    // Back from the end: the age is asked again, 15 shown as given.
    let other = try #require(try browser.post("/s", []).header("Location"))
    let otherForm = try Self.answerUpToAge(browser, other)
    #expect(try browser.post(other + "/answer", [("csrf", otherForm.csrf), ("question", "age"), ("answer", "15")]).status == 303)
    #expect(try browser.post(other + "/back", [("csrf", otherForm.csrf)]).status == 303)
    let again = try browser.get(other)
    #expect(QuestionForm(again.text)?.question == "age")
    #expect(again.text.contains("name=\"answer\" value=\"15\""))
  }
}
