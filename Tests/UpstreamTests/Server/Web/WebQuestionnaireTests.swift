import Foundation
import Testing
import Upstream

@testable import UpstreamServer

/// The web questionnaire through the real binary, as a browser without JavaScript uses
/// it: GET a page, read its CSRF token and form fields from the HTML, POST the form,
/// follow the redirect; back, resume from the link on a new connection, the result.
@Suite("web questionnaire", .serialized)
struct WebQuestionnaireTests {
  /// A form-posting "browser" on its own connections.
  struct Browser {
    let port: Int

    func get(_ path: String) throws -> RawResponse { try httpRequest(port, "GET", path, headers: ["Accept": "text/html"]) }

    func post(_ path: String, _ fields: [(String, String)]) throws -> RawResponse {
      let body = fields.map { "\(PercentDecoding.encode($0.0))=\(PercentDecoding.encode($0.1))" }.joined(separator: "&")
      return try httpRequest(port, "POST", path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
    }
  }

  /// What a question page holds.
  struct QuestionForm {
    let csrf: String
    let question: String
    let kind: String
    let values: [String]
    let label: String

    init?(_ html: String) {
      guard let csrf = Self.attribute(html, before: "name=\"csrf\" value=\""),
        let question = Self.attribute(html, before: "name=\"question\" value=\"")
      else { return nil }
      self.csrf = csrf
      self.question = question
      kind =
        html.contains("type=\"checkbox\" name=\"answer\"")
        ? "checkbox" : html.contains("type=\"radio\" name=\"answer\"") ? "radio" : "text"
      var values: [String] = []
      var rest = Substring(html)
      while let range = rest.range(of: "name=\"answer\" id=\"answer-") {
        rest = rest[range.upperBound...]
        if let value = Self.attribute(String(rest.prefix(300)), before: "value=\"") { values.append(value) }
      }
      self.values = values
      label = Self.attribute(html, before: "<label for=\"answer\">", until: "<") ?? ""
    }

    static func attribute(_ html: String, before marker: String, until end: String = "\"") -> String? {
      guard let start = html.range(of: marker), let stop = html.range(of: end, range: start.upperBound..<html.endIndex) else { return nil }
      return String(html[start.upperBound..<stop.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The persona's answer, or a neutral one: no, none, the first option, the lowest number.
    func fields(_ persona: [String: [String]]) -> [(String, String)] {
      var fields = [("csrf", csrf), ("question", question)]
      if let answer = persona[question], !answer.isEmpty {
        fields += answer.map { ("answer", $0) }
      } else if kind == "checkbox" {
        fields.append(("none", "yes"))
      } else if kind == "radio" {
        fields.append(("answer", values.contains("no") ? "no" : values.first ?? ""))
      } else {
        let low = label.components(separatedBy: "from ").dropFirst().first?.split(separator: " ").first.map(String.init) ?? "0"
        fields.append(("answer", low))
      }
      return fields
    }
  }

  static let trucker: [String: [String]] = [
    "pain_areas": ["hip"], "arch_shape": ["flat"], "shoe_type": ["stiff_padded"], "sitting_hours": ["11"],
    "occupation": ["professional_driver"], "ankle_stiff": ["yes"], "age": ["44"],
  ]

  @Test("a whole questionnaire by forms: CSRF, stale forms, a wrong answer, back, resume on a new connection, the handouts")
  func wholeRun() throws {
    let server = try ServerProcess()
    let browser = Browser(port: server.port)
    let start = try browser.get("/")
    #expect(start.status == 200)
    #expect(start.header("Content-Security-Policy") == WebPage.contentSecurityPolicy)
    #expect(start.header("X-Content-Type-Options") == "nosniff")
    #expect(start.header("Referrer-Policy") == "no-referrer")
    #expect(start.text.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    #expect(start.text.contains("<form method=\"post\" action=\"/s\">"))
    let created = try browser.post("/s", [])
    #expect(created.status == 303)
    // A session can be started until the advice is settled; a mode that does not exist is refused.
    #expect(try browser.post("/s", [("mode", "until-advice-settled")]).status == 303)
    #expect(try browser.post("/s", [("mode", "sometimes")]).status == 400)
    let link = try #require(created.header("Location"))
    let id = String(link.dropFirst(3))
    #expect(WebSessionStore.isWellFormed(id))

    var page = try browser.get(link)
    var form = try #require(QuestionForm(page.text))
    #expect(page.text.contains("<fieldset>") || page.text.contains("<fieldset aria-describedby="))
    #expect(page.text.contains("<legend>"))
    #expect(page.text.contains("<summary>Why am I asked this?</summary>"))
    #expect(page.text.contains("Question 1 · about "))
    #expect(page.header("Content-Security-Policy") == WebPage.contentSecurityPolicy)

    // No token, or another's: 403, and nothing changes.
    #expect(try browser.post(link + "/answer", [("question", form.question), ("answer", "hip")]).status == 403)
    #expect(try browser.post(link + "/answer", [("csrf", String(repeating: "0", count: 32)), ("question", form.question)]).status == 403)
    // A stale form (another question) changes nothing.
    #expect(try browser.post(link + "/answer", [("csrf", form.csrf), ("question", "not_this_one"), ("answer", "yes")]).status == 303)
    #expect(QuestionForm(try browser.get(link).text)?.question == form.question)

    var answered: [String] = []
    var counts: [Int] = []
    var wentBack = false
    var triedWrongNumber = false
    var resumed = false
    for _ in 0..<120 {
      if !page.text.contains("name=\"csrf\"") || page.text.contains("<body class=\"patient\">") { break }
      form = try #require(QuestionForm(page.text), "\(page.text.prefix(400))")
      // The count of questions left, and the bar's length, never rise as the person answers.
      let line = try #require(page.text.range(of: #"Question \d+ · [^<]*"#, options: .regularExpression).map { String(page.text[$0]) })
      let count = try #require(QuestionnaireSessionTests.count(in: line), "\(line)")
      // After "Back", the question taken back counts once more.
      if let last = counts.last { #expect(count <= last + (counts.count == 3 ? 1 : 0), "'\(line)' after 'about \(last) more'") }
      counts.append(count)
      if form.kind == "text" && !triedWrongNumber {
        triedWrongNumber = true
        let wrong = try browser.post(link + "/answer", [("csrf", form.csrf), ("question", form.question), ("answer", "lots")])
        #expect(wrong.status == 400)
        #expect(wrong.text.contains("role=\"alert\""))
        #expect(wrong.text.contains("&#39;lots&#39; is not a number; please give"))
      }
      let posted = try browser.post(link + "/answer", form.fields(Self.trucker))
      #expect(posted.status == 303, "\(form.question): \(posted.text.prefix(300))")
      #expect(posted.header("Location") == link)
      answered.append(form.question)
      if answered.count == 3 && !wentBack {
        // Back: the last question is asked again, with its answer kept.
        wentBack = true
        let back = try browser.post(link + "/back", [("csrf", form.csrf)])
        #expect(back.status == 303)
        let again = try #require(QuestionForm(try browser.get(link).text))
        #expect(again.question == form.question)
        answered.removeLast()
      }
      if answered.count == 5 && !resumed {
        // A second browser opening the link carries on at the same question.
        resumed = true
        let here = try browser.get(link)
        let elsewhere = try Browser(port: server.port).get(link)
        #expect(QuestionForm(elsewhere.text)?.question == QuestionForm(here.text)?.question)
        #expect(elsewhere.text.contains("Question 6 · "))
      }
      page = try browser.get(link)
    }
    #expect(wentBack && resumed)
    #expect(page.text.contains("<body class=\"patient\">"), "\(page.text.prefix(300))")
    #expect(page.text.contains("Change my last answer"))
    let scriptPolicy = try #require(page.header("Content-Security-Policy"))
    #expect(scriptPolicy.hasPrefix(WebPage.contentSecurityPolicy + "; script-src 'sha256-"))
    let clinician = try browser.get(link + "?audience=clinician")
    #expect(clinician.text.contains("<body class=\"clinician\">"))

    // The handout is the one `upstream assess` writes for the same answers.
    let saved = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: server.sessions.url.appendingPathComponent(id + ".json"))) as? [String: Any])
    let replies = try #require((saved["session"] as? [String: Any])?["replies"] as? [[String: Any]])
    #expect(replies.count == answered.count)
    #expect(replies.first?["question"] as? String == "pain_areas")
    var answers: [String: Any] = [:]
    for reply in replies { if let answer = reply["answer"] { answers[reply["question"] as? String ?? ""] = answer } }
    let folder = try TemporaryFolder()
    let file = try folder.write("answers.json", String(decoding: try JSONSerialization.data(withJSONObject: answers), as: UTF8.self))
    let handout = UpstreamInProcess.run(["assess", "--answers", file, "--format", "html", "--audience", "patient"])
    let withoutBar = page.text.replacingOccurrences(
      of: #"\n<style>nav\.session[\s\S]*?</nav>\n"#, with: "", options: .regularExpression
    ).replacingOccurrences(of: #"<nav class="views"[\s\S]*?</nav>\n"#, with: "", options: .regularExpression)
    #expect(withoutBar == handout.output)

    let stopped = server.stop()
    #expect(stopped.status == 0)
    #expect(stopped.errors.contains("POST /s/{id}/answer 303 "))
    #expect(stopped.errors.contains("GET /s/{id} 200 "))
    #expect(!stopped.errors.contains(id), "the log never holds a session id")
    #expect(!stopped.errors.contains("professional_driver") && !stopped.errors.contains("csrf"), "the log never holds answers")
  }

  @Test("a warning sign that needs a doctor now is shown on the very next page, with the result so far a link away")
  func urgentWarningAtOnce() throws {
    let server = try ServerProcess()
    let browser = Browser(port: server.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let persona: [String: [String]] = ["pain_areas": ["lower_back"], "saddle_numbness": ["yes"]]
    var page = try browser.get(link)
    var answered: [String] = []
    while !page.text.contains("Warning sign:"), answered.count < 60 {
      let form = try #require(QuestionForm(page.text), "\(page.text.prefix(400))")
      #expect(try browser.post(link + "/answer", form.fields(persona)).status == 303)
      answered.append(form.question)
      page = try browser.get(link)
    }
    // Told on the page right after the answer that raised it, while questions go on.
    #expect(answered.last == "saddle_numbness")
    #expect(page.text.contains("<div class=\"warning\" role=\"alert\">"))
    #expect(page.text.contains("Warning sign: Possible cauda equina syndrome — emergency: now"))
    #expect(page.text.contains("<a href=\"\(link)/result\">Stop here and see my result</a>"))
    #expect(QuestionForm(page.text) != nil, "the questions carry on for whoever sees them")

    // The result so far: the warning and nothing that could read as reassurance.
    let result = try browser.get(link + "/result")
    #expect(result.status == 200)
    #expect(result.text.contains("<body class=\"patient\">"))
    #expect(result.text.contains("Possible cauda equina syndrome"))
    #expect(result.text.contains("<a href=\"\(link)\">Carry on with the questions</a>"))
    #expect(!result.text.contains("Low risk") && !result.text.contains("low risk"))
    #expect(!result.text.contains("Nothing in the answers points"))
    #expect(try browser.get(link + "/result?audience=clinician").text.contains("<body class=\"clinician\">"))
    // An unknown session's result is refused like its questions.
    #expect(try browser.get("/s/" + String(repeating: "a", count: 32) + "/result").status == 404)
    _ = server.stop()
  }

  @Test("an unknown or malformed session link is a 404 page; a form sent as JSON is 415")
  func unknownSession() throws {
    let server = try ServerProcess()
    let browser = Browser(port: server.port)
    let missing = try browser.get("/s/" + String(repeating: "a", count: 32))
    #expect(missing.status == 404)
    #expect(missing.header("Content-Type") == "text/html; charset=utf-8")
    #expect(missing.text.contains("There is no questionnaire at this link"))
    #expect(try browser.get("/s/..%2F..%2Fetc%2Fpasswd").status == 404)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let json = try httpRequest(server.port, "POST", link + "/answer", headers: ["Content-Type": "application/json"], body: "{}")
    #expect(json.status == 415)
    // A red-flag question cannot be skipped: the page says so.
    let form = try #require(QuestionForm(try browser.get(link).text))
    let skip = try browser.post(link + "/skip", [("csrf", form.csrf), ("question", form.question)])
    #expect(skip.status == 400)
    #expect(skip.text.contains("is a safety question: it is asked of everyone and cannot be skipped"))
    #expect(server.stop().status == 0)
  }

  @Test("POST /s with a JSON body is 415 and starts no session; a form or no body at all starts one")
  func startWithJSON() throws {
    let server = try ServerProcess()
    defer { _ = server.stop() }
    for (type, body) in [("application/json", #"{"mode":"adaptive"}"#), ("text/plain", "mode=adaptive"), ("application/json", "")] {
      let refused = try httpRequest(server.port, "POST", "/s", headers: ["Content-Type": type], body: body)
      #expect(refused.status == 415, "\(type) \(body)")
      #expect(refused.header("Location") == nil)
      #expect(refused.text.contains("application/x-www-form-urlencoded"))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: server.sessions.path).isEmpty, "no session was started")
    let bare = try httpRequest(server.port, "POST", "/s")
    #expect(bare.status == 303)
    #expect(try Browser(port: server.port).post("/s", [("mode", "adaptive")]).status == 303)
  }

  @Test("every text is escaped")
  func escaping() {
    #expect(WebPage.escape("<script>\"a\" & 'b'</script>") == "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;")
    #expect(QuestionPage.reasons(["Why <b>:", "  - a & b", "Next"]) == "<p>Why &lt;b&gt;:</p>\n<ul>\n<li>a &amp; b</li>\n</ul>\n<p>Next</p>\n")
  }
}

extension WebQuestionnaireTests {
  @Test("where it hurts: Next with nothing ticked is asked again, not taken as no pain; 'None of these' is ticked to say so")
  func nothingTickedIsNotNoPain() throws {
    let server = try ServerProcess()
    let browser = Browser(port: server.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let page = try browser.get(link)
    let form = try #require(QuestionForm(page.text))
    #expect(form.question == "pain_areas")
    #expect(page.text.contains("<label for=\"answer-none\">None of these</label>"))
    #expect(page.text.contains("Tick all that apply, or &#39;None of these&#39;."))
    let base = [("csrf", form.csrf), ("question", form.question)]
    let empty = try browser.post(link + "/answer", base)
    #expect(empty.status == 400)
    #expect(empty.text.contains("role=\"alert\""))
    #expect(empty.text.contains("Nothing is ticked: please tick every option that applies, or &#39;None of these&#39; if none does."))
    let both = try browser.post(link + "/answer", base + [("answer", "knee"), ("none", "yes")])
    #expect(both.status == 400)
    #expect(both.text.contains("You ticked &#39;None of these&#39; and an option"))
    #expect(QuestionForm(try browser.get(link).text)?.question == "pain_areas", "nothing was recorded")
    #expect(try browser.post(link + "/answer", base + [("none", "yes")]).status == 303)
    let next = try browser.get(link)
    #expect(QuestionForm(next.text)?.question != "pain_areas")
    // Back shows "None of these" ticked.
    let nextForm = try #require(QuestionForm(next.text))
    #expect(try browser.post(link + "/back", [("csrf", nextForm.csrf)]).status == 303)
    #expect(try browser.get(link).text.contains("id=\"answer-none\" value=\"yes\" checked"))
    #expect(server.stop().status == 0)
  }

  @Test(
    "the result page: 'Change my last answer' is styled as the questions' buttons, the clinician view is at the foot, and the patient reads no version"
  )
  func resultPageBar() throws {
    let server = try ServerProcess()
    let browser = Browser(port: server.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let form = try #require(QuestionForm(try browser.get(link).text))
    #expect(try browser.post(link + "/answer", [("csrf", form.csrf), ("question", form.question), ("answer", "knee")]).status == 303)
    let result = try browser.get(link + "/result").text
    let bar = try #require(result.range(of: #"<nav class="session"[\s\S]*?</nav>"#, options: .regularExpression).map { String(result[$0]) })
    #expect(bar.contains("<button type=\"submit\">Change my last answer</button>"))
    #expect(bar.contains("<a href=\"\(link)/answers\">Change an earlier answer</a>"))
    #expect(result.contains("nav.session button { font: inherit;"), "the bar's button has a style")
    #expect(!bar.contains("Clinician view"), "the clinician view is not in the patient's way")
    let views = try #require(result.range(of: #"<nav class="views"[\s\S]*?</nav>"#, options: .regularExpression))
    #expect(result[views].contains(">Clinician view</a>"))
    #expect(result[views.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines) == "</body>\n</html>", "at the foot of the page")
    #expect(result.contains("<h1>Upstream: the kinetic chain</h1>"), "no version number in the patient's heading")
    let clinician = try browser.get(link + "/result?audience=clinician").text
    #expect(clinician.contains("<h1>Upstream: the kinetic chain <span class=\"version\">knowledge base 1.0.0</span></h1>"))
    #expect(clinician.contains("Upstream: the kinetic chain, knowledge base 1.0.0 · upstream \(UpstreamVersion.current)<br>"))
    #expect(clinician.contains(">Patient view</a>"))
    #expect(server.stop().status == 0)
  }
}

extension WebQuestionnaireTests {
  @Test(
    "change an earlier answer: the list of answers, the change page with the answer chosen, the answer changed in place with the others kept, a warning at once; stale, forged and bad forms change nothing"
  )
  func changeAnEarlierAnswer() throws {
    let server = try ServerProcess()
    let browser = Browser(port: server.port)
    let link = try #require(try browser.post("/s", []).header("Location"))
    let id = String(link.dropFirst(3))
    let persona: [String: [String]] = ["pain_areas": ["knee"]]
    var asked: [String] = []
    for _ in 0..<5 {
      let form = try #require(QuestionForm(try browser.get(link).text))
      #expect(try browser.post(link + "/answer", form.fields(persona)).status == 303)
      asked.append(form.question)
    }
    #expect(asked.contains("saddle_numbness"), "asked: \(asked)")
    let page = try browser.get(link)
    let current = try #require(QuestionForm(page.text))
    #expect(page.text.contains("<a href=\"\(link)/answers\">See or change your answers</a>"))

    // The list: every reply in order, in words, each with its link.
    let list = try browser.get(link + "/answers")
    #expect(list.status == 200)
    #expect(list.header("Content-Security-Policy") == WebPage.contentSecurityPolicy)
    #expect(list.text.contains("<h1>Your answers</h1>"))
    #expect(list.text.components(separatedBy: "<li>").count - 1 == asked.count)
    #expect(list.text.contains("<strong>Knee</strong> <a href=\"\(link)/change/pain_areas\" aria-describedby=\"reply-1\">Change</a>"))
    #expect(list.text.contains("<a href=\"\(link)\">Back to the questions</a>"))

    // The change page: the question with the answer given chosen, posted to revise.
    let change = try browser.get(link + "/change/saddle_numbness")
    #expect(change.status == 200)
    #expect(change.text.contains("<form method=\"post\" action=\"\(link)/revise\">"))
    #expect(change.text.contains("value=\"no\" checked"))
    #expect(change.text.contains("<button type=\"submit\">Save my answer</button>"))
    #expect(!change.text.contains("Leave it unanswered"), "a safety question cannot be left unanswered")
    #expect(change.text.contains("<a href=\"\(link)/answers\">Keep my answer</a>"))
    let form = try #require(QuestionForm(change.text))
    #expect(form.question == "saddle_numbness")

    // Forged or stale forms change nothing.
    #expect(try browser.post(link + "/revise", [("question", "saddle_numbness"), ("answer", "yes")]).status == 403)
    let stale = try browser.post(link + "/revise", [("csrf", form.csrf), ("question", current.question), ("answer", "yes")])
    #expect(stale.status == 303 && stale.header("Location") == link + "/answers")
    #expect(try browser.get(link + "/change/not_a_question").header("Location") == link + "/answers")
    let unanswered = try browser.post(link + "/revise", [("csrf", form.csrf), ("question", "saddle_numbness"), ("skip", "yes")])
    #expect(unanswered.status == 400)
    #expect(unanswered.text.contains("is a safety question: it is asked of everyone and cannot be skipped"))

    // Yes: the answer is changed in place, the others kept, and the warning shows at once.
    let before = try savedReplies(server, id)
    let changed = try browser.post(link + "/revise", [("csrf", form.csrf), ("question", "saddle_numbness"), ("answer", "yes")])
    #expect(changed.status == 303 && changed.header("Location") == link)
    let after = try savedReplies(server, id)
    #expect(after.map(\.question) == before.map(\.question))
    for (old, new) in zip(before, after) where old.question != "saddle_numbness" { #expect(old.answer == new.answer) }
    #expect(after.first { $0.question == "saddle_numbness" }?.answer == "true")
    let next = try browser.get(link)
    #expect(next.text.contains("Warning sign: Possible cauda equina syndrome — emergency: now"))
    #expect(QuestionForm(next.text)?.question == current.question, "the questions carry on from where the person was")

    // A choice: the page offers it as the question is put, and a wrong form says why.
    let pain = try browser.get(link + "/change/pain_areas")
    #expect(pain.text.contains("value=\"knee\" checked"))
    let nothing = try browser.post(link + "/revise", [("csrf", form.csrf), ("question", "pain_areas")])
    #expect(nothing.status == 400)
    #expect(nothing.text.contains("Nothing is ticked"))
    #expect(try savedReplies(server, id).first?.answer == "[\"knee\"]")
    #expect(server.stop().status == 0)
  }

  /// A session file's replies: each question with its answer as JSON text.
  private func savedReplies(_ server: ServerProcess, _ id: String) throws -> [(question: String, answer: String)] {
    let data = try Data(contentsOf: server.sessions.url.appendingPathComponent(id + ".json"))
    let saved = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let replies = try #require((saved["session"] as? [String: Any])?["replies"] as? [[String: Any]])
    return try replies.map { reply in
      let answer = try reply["answer"].map {
        String(decoding: try JSONSerialization.data(withJSONObject: $0, options: .fragmentsAllowed), as: UTF8.self)
      }
      return (reply["question"] as? String ?? "", answer ?? "null")
    }
  }
}
