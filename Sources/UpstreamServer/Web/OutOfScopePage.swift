import Foundation
import Upstream

// MARK: - Not for this person

/// The page of a session that ended because an answer showed the knowledge base is not
/// for the person (`QuestionnaireSession.outOfScope`: an age under 16): what the rules tell
/// them, on its own, with any warning sign their other answers raised, and a way to change
/// the answer in case it was a slip (15 typed for 51). No further question, and no result:
/// the advice is worked out for the people the knowledge base is for.
struct OutOfScopePage {
  let id: String
  let session: QuestionnaireSession
  let ended: QuestionnaireSession.OutOfScope

  var html: String {
    let escape = WebPage.escape
    let unit = if case .number(_, _, let unit?, _) = ended.question.kind { " \(unit)" } else { "" }
    let answer = NumberText.plain(ended.number) + unit
    let change = "/s/\(id)/change/\(PercentDecoding.encode(ended.question.id))"
    let body = """
      <h1>The questions end here</h1>
      <p class="out-of-scope" id="out-of-scope">\(escape(ended.message))</p>
      \(warnings)<p>Your answer to \u{201C}\(escape(session.wording(of: ended.question)))\u{201D} was \(escape(answer)). \
      If that was a slip, <a href="\(change)">change your answer</a> and the questions carry on.</p>
      <p class="resume"><a href="/s/\(id)/answers">See or change your answers</a></p>
      <p class="resume">Your answers are saved. To come back to this page, keep its link: <a href="/s/\(id)">/s/\(id)</a></p>
      """
    return WebPage.page(title: "The questions end here — Upstream", body: body)
  }

  /// The warning signs the other answers raised that need a doctor now or today: they
  /// stand, whoever the knowledge base is for.
  private var warnings: String {
    let raised = session.urgentWarnings
    guard !raised.isEmpty else { return "" }
    let signs = WebPage.warningSigns(raised)
    return """
      <div class="warning" role="alert">
      <p>Your answers also raised a warning sign:</p>
      \(signs)</div>

      """
  }
}
