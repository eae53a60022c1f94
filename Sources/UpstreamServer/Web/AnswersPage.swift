import Foundation
import Upstream

// MARK: - The person's answers

/// The page that lists every reply so far (`GET /s/{id}/answers`), in the order given:
/// each question as it was put to the person, their answer in words, and a link to change
/// it (`/s/{id}/change/{question}`), so an answer given several questions back is changed
/// without taking back the ones after it.
struct AnswersPage {
  let id: String
  let session: QuestionnaireSession

  var html: String {
    let escape = WebPage.escape
    let items = session.replies.enumerated().compactMap { index, reply -> String? in
      guard let question = session.knowledgeBase.question(reply.question) else { return nil }
      return """
        <li><p class="question" id="reply-\(index + 1)">\(escape(session.wording(of: question)))</p>
        <p class="answer"><strong>\(escape(Self.words(reply.answer, to: question)))</strong> \
        <a href="/s/\(id)/change/\(PercentDecoding.encode(question.id))" aria-describedby="reply-\(index + 1)">Change</a></p></li>
        """
    }
    let list = items.isEmpty ? "<p>You have not answered any questions yet.</p>" : "<ol class=\"answers\">\n\(items.joined(separator: "\n"))\n</ol>"
    let back = session.isComplete ? "Back to my result" : session.outOfScope != nil ? "Back" : "Back to the questions"
    let body = """
      <h1>Your answers</h1>
      <p>Change any answer here: your other answers are kept, and the questions carry on from where you were.</p>
      \(list)
      <p><a href="/s/\(id)">\(back)</a></p>
      <p class="resume">Your answers are saved. To carry on later, keep this page's link: <a href="/s/\(id)">/s/\(id)</a></p>
      """
    return WebPage.page(title: "Your answers — Upstream", body: body)
  }

  /// An answer in the person's words: option labels, "Yes", a number with its unit,
  /// "Skipped" for no answer.
  static func words(_ answer: AnswerValue?, to question: Question) -> String {
    guard let answer else { return "Skipped" }
    let options = question.kind.options
    func label(_ id: String) -> String { options.first { $0.id == id }?.label ?? id }
    switch answer {
    case .yes: return "Yes"
    case .no: return "No"
    case .notSure: return "Not sure"
    case .option(let id): return label(id)
    case .options(let ids): return ids.isEmpty ? WebQuestionnaire.noneLabel : ids.map(label).joined(separator: "; ")
    case .number(let number):
      guard case .number(_, _, let unit?, _) = question.kind else { return NumberText.plain(number) }
      return "\(NumberText.plain(number)) \(unit)"
    case .text(let text): return text
    case .date(let day): return day.description
    }
  }
}
