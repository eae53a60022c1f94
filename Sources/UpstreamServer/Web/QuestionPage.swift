import Foundation
import Upstream

// MARK: - One question's page

/// The page that asks one question: progress, the question as a `<fieldset>` with its
/// `<legend>` and labelled inputs, "not sure" where allowed, back and skip, "why am I
/// asked this?", a way to change an earlier answer and the link to come back.
///
/// Changing an earlier answer (`changing`) shows the same question with the answer given
/// chosen, posted to `/s/{id}/revise`: no progress, "Save my answer", "Leave it unanswered"
/// (never for a safety question) and "Keep my answer", back to the list of answers.
struct QuestionPage {
  let id: String
  let loaded: WebSessionStore.Loaded
  let question: Question
  /// What was wrong with the last reply, shown above the question.
  let error: String?
  /// The count of questions likely left to show (``QuestionnaireSession/remainingToShow()``,
  /// worked out, and remembered in the session, by whoever made the page).
  let likelyLeft: Int
  /// Whether the page changes an earlier answer rather than asking the current question.
  var changing = false

  private var session: QuestionnaireSession { loaded.session }
  private var token: String { loaded.csrfToken }

  var html: String {
    let escape = WebPage.escape
    let progress = session.progress
    let why = Self.reasons(session.why(question.id)?.lines ?? [])
    let describedBy = [question.help == nil ? nil : "help", error == nil ? nil : "error"].compactMap { $0 }.joined(separator: " ")
    let progressBar = """
      <p class="progress" id="progress">\(escape(session.progressLine(shown: likelyLeft)))</p>
      <progress value="\(progress.number)" max="\(progress.number + likelyLeft)" aria-labelledby="progress"></progress>

      """
    var body = changing ? "<p class=\"progress\">Changing an earlier answer: your other answers are kept.</p>\n" : progressBar
    body += warnings
    if let error { body += "<p class=\"error\" role=\"alert\" id=\"error\">\(escape(error))</p>\n" }
    body += """
      <form method="post" action="/s/\(id)/\(changing ? "revise" : "answer")">
      <input type="hidden" name="csrf" value="\(token)">
      <input type="hidden" name="question" value="\(escape(question.id))">
      <fieldset\(describedBy.isEmpty ? "" : " aria-describedby=\"\(describedBy)\"")>
      <legend>\(escape(session.wording(of: question)))</legend>
      \(question.help.map { "<p class=\"help\" id=\"help\">\(escape($0))</p>" } ?? "")\(attribution)
      \(inputs)
      </fieldset>
      <div class="actions">
      <button type="submit">\(changing ? "Save my answer" : "Next")</button>
      \(question.notSureAllowed ? "<button type=\"submit\" name=\"not_sure\" value=\"yes\" class=\"secondary\" formnovalidate>Not sure</button>" : "")
      </div>
      </form>
      <div class="actions">
      \(actions)
      </div>
      <details>
      <summary>Why am I asked this?</summary>
      \(why)
      </details>
      \(session.replies.isEmpty || changing ? "" : "<p class=\"resume\"><a href=\"/s/\(id)/answers\">See or change your answers</a></p>\n")\
      <p class="resume">Your answers are saved. To carry on later, keep this page's link: <a href="/s/\(id)">/s/\(id)</a></p>
      """
    let title = changing ? "Change your answer" : "Question \(progress.number)"
    return WebPage.page(title: "\(title) — \(session.wording(of: question)) — Upstream", body: body)
  }

  /// The buttons beside the answer: back and skip, or, when changing an answer, leaving it
  /// unanswered and keeping it as it was.
  private var actions: String {
    guard changing else {
      return """
        \(session.replies.isEmpty ? "" : form("back", "Back"))
        \(question.isRedFlagQuestion ? "" : form("skip", "Skip this question", question: question.id))
        """
    }
    let leave = question.isRedFlagQuestion ? "" : form("revise", "Leave it unanswered", question: question.id, skip: true) + "\n"
    return leave + "<a href=\"/s/\(id)/answers\">Keep my answer</a>"
  }

  /// Whose tool an instrument's item comes from, as the terminal and the patient's report
  /// say it (the licence terms are for clinicians).
  private var attribution: String {
    guard let index = session.knowledgeBase.questions.firstIndex(where: { $0.id == question.id }) else { return "" }
    return session.knowledgeBase.instrumentAttributions(ofQuestion: index).map { "\n<p class=\"help\">\(WebPage.escape($0))</p>" }
      .joined()
  }

  /// The warning signs raised so far that need a doctor now or today, above the question,
  /// with a way to stop and see the result there.
  private var warnings: String {
    let raised = session.urgentWarnings
    guard !raised.isEmpty else { return "" }
    let signs = WebPage.warningSigns(raised)
    return """
      <div class="warning" role="alert">
      \(signs)<p><a href="/s/\(id)/result">Stop here and see my result</a>, or carry on below: \
      the questions left help whoever sees you.</p>
      </div>

      """
  }

  /// The reasons a question is asked (`QuestionRationale.lines`) as HTML: a line is a
  /// paragraph, and the `- ` lines under it a list.
  static func reasons(_ lines: [String]) -> String {
    var html = ""
    var inList = false
    for line in lines {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("- ") {
        if !inList { html += "<ul>\n" }
        inList = true
        html += "<li>\(WebPage.escape(String(trimmed.dropFirst(2))))</li>\n"
      } else {
        if inList { html += "</ul>\n" }
        inList = false
        html += "<p>\(WebPage.escape(trimmed))</p>\n"
      }
    }
    return html + (inList ? "</ul>\n" : "")
  }

  /// The inputs for the question's kind, each with its label.
  private var inputs: String {
    let escape = WebPage.escape
    let previous = loaded.shownAnswer(to: question.id)
    func option(_ type: String, _ value: String, _ label: String, checked: Bool, index: Int, required: Bool) -> String {
      """
      <div class="option"><input type="\(type)" name="answer" id="answer-\(index)" value="\(escape(value))"\(checked ? " checked" : "")\
      \(required ? " required" : "")><label for="answer-\(index)">\(escape(label))</label></div>
      """
    }
    switch question.kind {
    case .yesNo:
      return [("yes", "Yes", previous == .yes), ("no", "No", previous == .no)].enumerated()
        .map { option("radio", $1.0, $1.1, checked: $1.2, index: $0, required: true) }.joined(separator: "\n")
    case .number, .scale:
      let value = if case .number(let number) = previous { NumberText.plain(number) } else { "" }
      return """
        <label for="answer">Your answer: \(escape(TypedReply.expectation(question)))</label>
        <input type="text" inputmode="decimal" id="answer" name="answer" value="\(escape(value))" autocomplete="off" required>
        """
    case .choice(let options):
      return options.enumerated().map { index, item in
        option("radio", item.id, item.label, checked: previous == .option(item.id), index: index, required: true)
      }.joined(separator: "\n")
    case .choices(let options):
      let chosen = if case .options(let ids) = previous { ids } else { [String]() }
      let none = """
        <div class="option none"><input type="checkbox" name="\(WebQuestionnaire.noneField)" id="answer-none" value="yes"\
        \(previous == .options([]) ? " checked" : "")><label for="answer-none">\(escape(WebQuestionnaire.noneLabel))</label></div>
        """
      return "<p class=\"help\">\(escape("Tick all that apply, or '\(WebQuestionnaire.noneLabel)'."))</p>\n"
        + options.enumerated().map { index, item in
          option("checkbox", item.id, item.label, checked: chosen.contains(item.id), index: index, required: false)
        }.joined(separator: "\n") + "\n" + none
    case .text:
      let value = if case .text(let text) = previous { text } else { "" }
      return """
        <label for="answer">Your answer, in your own words</label>
        <textarea id="answer" name="answer" rows="4" required>\(escape(value))</textarea>
        """
    case .date:
      let value = if case .date(let day) = previous { day.description } else { "" }
      return """
        <label for="answer">Your answer: \(escape(TypedReply.expectation(question)))</label>
        <input type="date" id="answer" name="answer" value="\(escape(value))" required>
        """
    }
  }

  /// A one-button form that posts to `/s/{id}/{action}`; `skip` sends `skip=yes` (leave
  /// the question unanswered).
  private func form(_ action: String, _ label: String, question: String? = nil, skip: Bool = false) -> String {
    let field =
      (question.map { "<input type=\"hidden\" name=\"question\" value=\"\(WebPage.escape($0))\">" } ?? "")
      + (skip ? "<input type=\"hidden\" name=\"skip\" value=\"yes\">" : "")
    return """
      <form method="post" action="/s/\(id)/\(action)"><input type="hidden" name="csrf" value="\(token)">\(field)\
      <button type="submit" class="secondary">\(label)</button></form>
      """
  }
}
