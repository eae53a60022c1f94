import Foundation
import Upstream

// MARK: - The questionnaire on the web

/// The web questionnaire: server-rendered forms that work without JavaScript, one
/// question per page, in the `QuestionnaireSession`'s adaptive order (Docs/Web.md).
///
/// - `GET /`: the start page; `POST /s` starts a session and redirects to its link.
/// - `GET /s/{id}`: the current question, or, once complete, the patient handout
///   (`?audience=clinician` for the clinician's view); a session that ended because an
///   answer showed the knowledge base is not for the person shows what the rules tell
///   them instead, on every view (no handout, no result).
/// - `POST /s/{id}/answer`, `/s/{id}/back`, `/s/{id}/skip`: a reply, then a redirect
///   back to `/s/{id}` (post, redirect, get), so reloading never answers twice.
/// - `GET /s/{id}/answers`: every reply so far, each with a link to change it,
///   `GET /s/{id}/change/{question}`, whose form posts to `POST /s/{id}/revise`: the
///   answer changed in place (`QuestionnaireSession.revise(_:to:)`), the others kept.
///
/// Every post carries the session's CSRF token (403 without it) and names the question it
/// answers: a stale form (a second tab, the browser's back button) changes nothing.
package struct WebQuestionnaire: Sendable {
  package let knowledgeBase: KnowledgeBase
  package let sessions: WebSessionStore

  package init(knowledgeBase: KnowledgeBase, sessions: WebSessionStore) {
    self.knowledgeBase = knowledgeBase
    self.sessions = sessions
  }

  /// Adds the questionnaire's routes.
  package func register(in router: inout Router) {
    router.add("GET", "/") { _, _ in WebPage.response(html: startPage()) }
    router.add("POST", "/s") { request, _ in
      // A form, or nothing at all (`curl -X POST`); a JSON body is not read as a form and its mode ignored.
      guard request.contentType == "application/x-www-form-urlencoded" || (request.contentType == nil && request.body.isEmpty) else {
        return WebPage.error(
          status: 415, message: "the form must be sent as application/x-www-form-urlencoded (for example mode=adaptive), or with no body")
      }
      let mode: QuestionnaireSession.Mode
      switch requestedMode(request) {
      case .success(let requested): mode = requested
      case .failure(let refusal): return WebPage.error(status: 400, message: refusal.message)
      }
      do {
        return WebPage.redirect("/s/\(try sessions.create(mode: mode))")
      } catch {
        return refusal(error)
      }
    }
    router.add("GET", "/s/{id}") { request, parameters in show(parameters["id"] ?? "", request) }
    router.add("GET", "/s/{id}/result") { request, parameters in show(parameters["id"] ?? "", request, resultNow: true) }
    router.add("POST", "/s/{id}/answer") { request, parameters in post(parameters["id"] ?? "", request, .answer) }
    router.add("POST", "/s/{id}/back") { request, parameters in post(parameters["id"] ?? "", request, .back) }
    router.add("POST", "/s/{id}/skip") { request, parameters in post(parameters["id"] ?? "", request, .skip) }
    router.add("GET", "/s/{id}/answers") { _, parameters in answersPage(parameters["id"] ?? "") }
    router.add("GET", "/s/{id}/change/{question}") { _, parameters in
      changePage(parameters["id"] ?? "", question: parameters["question"] ?? "")
    }
    router.add("POST", "/s/{id}/revise") { request, parameters in post(parameters["id"] ?? "", request, .revise) }
  }

  /// Why a new session's mode was refused, in words for the page.
  private struct ModeRefusal: Error {
    let message: String
  }

  /// The mode a new session is started in: the form's `mode` field (`adaptive` asks
  /// until the whole assessment is settled), else `until-advice-settled`, which stops once
  /// the advice the person is shown is settled; a refusal for a form that cannot be read
  /// or a mode that does not exist.
  private func requestedMode(_ request: HTTPRequest) -> Result<QuestionnaireSession.Mode, ModeRefusal> {
    guard !request.body.isEmpty else { return .success(.untilAdviceSettled) }
    guard let form = PercentDecoding.pairs(request.body) else {
      return .failure(ModeRefusal(message: "the form could not be read"))
    }
    guard let field = form.first(where: { $0.name == "mode" }) else { return .success(.untilAdviceSettled) }
    guard let mode = QuestionnaireSession.Mode(rawValue: field.value) else {
      return .failure(
        ModeRefusal(
          message: "there is no mode '\(field.value)': mode must be adaptive, until-advice-settled or every-question"))
    }
    return .success(mode)
  }

  // MARK: Showing

  /// A session's page: its current question, or its handout once complete. With
  /// `resultNow` (`/s/{id}/result`), the handout of the answers so far, before the end:
  /// what someone told of a warning sign sees when they stop there. A session that ended
  /// because the knowledge base is not for the person shows only that, on every view.
  private func show(_ id: String, _ request: HTTPRequest, resultNow: Bool = false) -> HTTPResponse {
    let loaded: WebSessionStore.Loaded
    do {
      loaded = try sessions.load(id)
      if !resultNow, loaded.session.currentQuestion != nil {
        // The count shown is kept with the session, so it never rises from page to page.
        return try sessions.update(id) { (loaded: inout WebSessionStore.Loaded) throws(WebSessionStore.Problem) -> HTTPResponse in
          guard let question = loaded.session.currentQuestion else { return WebPage.redirect("/s/\(id)") }
          let left = loaded.session.remainingToShow()
          return WebPage.response(html: QuestionPage(id: id, loaded: loaded, question: question, error: nil, likelyLeft: left).html)
        }
      }
    } catch {
      return refusal(error)
    }
    if let ended = loaded.session.outOfScope {
      return WebPage.response(html: OutOfScopePage(id: id, session: loaded.session, ended: ended).html)
    }
    let audience: Audience = request.queryValue("audience") == "clinician" ? .clinician : .patient
    return result(id, loaded.session, token: loaded.csrfToken, audience: audience)
  }

  /// Every reply so far, each with a link to change it.
  private func answersPage(_ id: String) -> HTTPResponse {
    do {
      return WebPage.response(html: AnswersPage(id: id, session: try sessions.load(id).session).html)
    } catch {
      return refusal(error)
    }
  }

  /// The page that changes an earlier answer: the question as ``QuestionnaireSession/questionToRevise(_:)``
  /// puts it, with the answer given chosen. A question with no reply to change (a stale
  /// link) goes to the list of answers.
  private func changePage(_ id: String, question questionID: String) -> HTTPResponse {
    do {
      let loaded = try sessions.load(id)
      guard let question = loaded.session.questionToRevise(questionID) else { return WebPage.redirect("/s/\(id)/answers") }
      return WebPage.response(html: QuestionPage(id: id, loaded: loaded, question: question, error: nil, likelyLeft: 0, changing: true).html)
    } catch {
      return refusal(error)
    }
  }

  /// The handout of a session (complete, or stopped early at `/s/{id}/result`), with a
  /// bar to change the last answer or any other, or go on with the questions (styled as the question
  /// pages are, since the handout's own style has no buttons), and the switch to the other
  /// view at the foot of the page, out of the patient's way.
  private func result(_ id: String, _ session: QuestionnaireSession, token: String, audience: Audience) -> HTTPResponse {
    var html = TreeHTMLRenderer(audience: audience).render(session.assessment.tree)
    let page = session.isComplete ? "/s/\(id)" : "/s/\(id)/result"
    let other = audience == .patient ? ("\(page)?audience=clinician", "Clinician view") : (page, "Patient view")
    let carryOn = session.isComplete ? "" : "<a href=\"/s/\(id)\">Carry on with the questions</a>\n"
    let bar = """
      <style>nav.session, nav.views { max-width: 46rem; margin: 0 auto; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .75rem; \
      align-items: center; } nav.session { border-bottom: 1px solid #c9ccd1; } nav.views { border-top: 1px solid #c9ccd1; font-size: .9rem; } \
      nav.session form { margin: 0; } nav.session button { font: inherit; padding: .5rem 1rem; border-radius: .5rem; \
      border: 1px solid #1a4f8b; background: #fff; color: #1a4f8b; min-height: 2.75rem; cursor: pointer; } \
      nav.session button:hover { background: #e8f0fe; } nav.session button:focus-visible { outline: 3px solid #f29900; outline-offset: 2px; } \
      @media print { nav.session, nav.views { display: none; } }</style>
      <nav class="session" aria-label="Your answers">
      <form method="post" action="/s/\(id)/back"><input type="hidden" name="csrf" value="\(token)">\
      <button type="submit">Change my last answer</button></form>
      <a href="/s/\(id)/answers">Change an earlier answer</a>
      \(carryOn)<span>Keep this page's link to come back to it.</span>
      </nav>

      """
    let views = """
      <nav class="views" aria-label="Other views"><a href="\(other.0)">\(other.1)</a></nav>

      """
    if let body = html.range(of: "<body"), let end = html.range(of: ">", range: body.upperBound..<html.endIndex) {
      html.insert(contentsOf: bar, at: end.upperBound)
      html.insert(contentsOf: "\n", at: end.upperBound)
    }
    if let close = html.range(of: "</body>", options: .backwards) {
      html.insert(contentsOf: views, at: close.lowerBound)
    }
    return WebPage.response(html: html, scriptHashes: WebPage.inlineScriptHashes(html))
  }

  // MARK: Replying

  private enum Action {
    case answer, back, skip, revise
  }

  /// A form post: checks the token and the question, replies, saves, redirects.
  private func post(_ id: String, _ request: HTTPRequest, _ action: Action) -> HTTPResponse {
    guard request.contentType == "application/x-www-form-urlencoded" else {
      return WebPage.error(status: 415, message: "the form must be sent as application/x-www-form-urlencoded")
    }
    guard let form = PercentDecoding.pairs(request.body) else {
      return WebPage.error(status: 400, message: "the form could not be read")
    }
    let fields = Dictionary(form.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    do {
      return try sessions.update(id) { (loaded: inout WebSessionStore.Loaded) throws(WebSessionStore.Problem) -> HTTPResponse in
        guard let sent = fields["csrf"], Self.constantTimeEqual(sent, loaded.csrfToken) else {
          return WebPage.error(status: 403, message: "this form has expired or did not come from this page; open your link again")
        }
        if action == .revise { return Self.revise(id, form, fields, &loaded) }
        do {
          switch action {
          case .revise: break
          case .back:
            try loaded.session.undo()
          case .skip, .answer:
            // A form for another question (a second tab, the browser's back button) changes nothing.
            guard let question = loaded.session.currentQuestion, fields["question"] == question.id else {
              return WebPage.redirect("/s/\(id)")
            }
            if action == .skip {
              try loaded.session.skip()
            } else {
              switch Self.answer(form, to: question) {
              case .success(let value): try loaded.session.answer(value)
              case .failure(let message):
                let left = loaded.session.remainingToShow()
                return WebPage.response(
                  status: 400, html: QuestionPage(id: id, loaded: loaded, question: question, error: message.message, likelyLeft: left).html)
              }
            }
          }
        } catch {
          if let question = loaded.session.currentQuestion {
            let left = loaded.session.remainingToShow()
            return WebPage.response(
              status: 400, html: QuestionPage(id: id, loaded: loaded, question: question, error: Self.sentence(error), likelyLeft: left).html)
          }
          return WebPage.redirect("/s/\(id)")
        }
        return WebPage.redirect("/s/\(id)")
      }
    } catch {
      return refusal(error)
    }
  }

  /// A change to an earlier answer (`POST /s/{id}/revise`): the form's answer, or none
  /// with `skip`; then a redirect to the session, which asks what the change now needs. A
  /// form for a question with no reply to change (a stale one) goes to the list of answers;
  /// an answer that does not fit shows the change page again with the reason.
  private static func revise(
    _ id: String, _ form: [(name: String, value: String)], _ fields: [String: String], _ loaded: inout WebSessionStore.Loaded
  ) -> HTTPResponse {
    guard let name = fields["question"], let question = loaded.session.questionToRevise(name) else {
      return WebPage.redirect("/s/\(id)/answers")
    }
    func refused(_ message: String) -> HTTPResponse {
      WebPage.response(
        status: 400, html: QuestionPage(id: id, loaded: loaded, question: question, error: message, likelyLeft: 0, changing: true).html)
    }
    var value: AnswerValue?
    if fields["skip"] == nil {
      switch answer(form, to: question) {
      case .success(let answer): value = answer
      case .failure(let problem): return refused(problem.message)
      }
    }
    do {
      try loaded.session.revise(question.id, to: value)
    } catch {
      return refused(sentence(error))
    }
    return WebPage.redirect("/s/\(id)")
  }

  /// The answer a form gives to a question, or what to tell the person.
  static func answer(_ form: [(name: String, value: String)], to question: Question) -> Result<AnswerValue, FormProblem> {
    if form.contains(where: { $0.name == "not_sure" }) {
      return question.notSureAllowed
        ? .success(.notSure) : .failure(FormProblem("This question needs an answer: \(TypedReply.expectation(question))."))
    }
    let values = form.filter { $0.name == "answer" }.map(\.value)
    switch question.kind {
    case .yesNo:
      switch values.first {
      case "yes": return .success(.yes)
      case "no": return .success(.no)
      default: return .failure(FormProblem("Please choose yes or no."))
      }
    case .number, .scale:
      guard let typed = values.first, !typed.trimmingCharacters(in: .whitespaces).isEmpty else {
        return .failure(FormProblem("Please give \(TypedReply.expectation(question))."))
      }
      if case .answer(let value) = TypedReply.read(typed, for: question), case .number = value { return .success(value) }
      if case .invalid(let hint) = TypedReply.read(typed, for: question) { return .failure(FormProblem(hint)) }
      return .failure(FormProblem("Please give \(TypedReply.expectation(question))."))
    case .choice(let options):
      guard let chosen = values.first, options.contains(where: { $0.id == chosen }) else {
        return .failure(FormProblem("Please choose one of the options."))
      }
      return .success(.option(chosen))
    case .choices(let options):
      // "None" is ticked, not left to an empty form: Next with nothing ticked is more often
      // a slip than an answer (on "where do you have pain", it would mean no pain anywhere).
      let none = form.contains { $0.name == noneField }
      let ids = options.map(\.id).filter { values.contains($0) }
      guard ids.count == Set(values).count else { return .failure(FormProblem("Please choose among the options shown.")) }
      if none && !ids.isEmpty {
        return .failure(FormProblem("You ticked '\(noneLabel)' and an option; please tick only the options that apply, or only '\(noneLabel)'."))
      }
      if !none && ids.isEmpty {
        return .failure(FormProblem("Nothing is ticked: please tick every option that applies, or '\(noneLabel)' if none does."))
      }
      return .success(.options(ids))
    case .text, .date:
      guard let typed = values.first?.trimmingCharacters(in: .whitespacesAndNewlines), !typed.isEmpty else {
        return .failure(FormProblem("Please give \(TypedReply.expectation(question))."))
      }
      if case .text = question.kind { return .success(.text(typed)) }
      switch TypedReply.read(typed, for: question) {
      case .answer(let value): return .success(value)
      case .invalid(let hint): return .failure(FormProblem(hint))
      default: return .failure(FormProblem("Please give \(TypedReply.expectation(question))."))
      }
    }
  }

  /// The form field of the "none of these" box of a question that takes several options
  /// (not `answer`, so no option id can be mistaken for it), and its label.
  static let noneField = "none"
  static let noneLabel = "None of these"

  /// What to tell a person whose form did not give an answer.
  struct FormProblem: Error {
    let message: String

    init(_ message: String) { self.message = message }
  }

  // MARK: Helpers

  private func refusal(_ error: any Error) -> HTTPResponse {
    guard let problem = error as? WebSessionStore.Problem else {
      return WebPage.error(status: 500, message: "the request could not be answered")
    }
    switch problem {
    case .notFound:
      return WebPage.error(status: 404, message: "there is no questionnaire at this link; check the link, or start again")
    case .unreadable(let message): return WebPage.error(status: 500, message: message)
    case .cannotSave(let message): return WebPage.error(status: 500, message: message + "; please try again")
    }
  }

  private static func sentence(_ error: any Error) -> String {
    let text = (error as? QuestionnaireSession.Problem)?.description ?? "that did not work"

    return text.prefix(1).uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
  }

  /// Compares tokens in time independent of where they differ.
  private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
  }

  private func startPage() -> String {
    // A knowledge base named after the tool ("Upstream: the kinetic chain") is not prefixed twice.
    let declared = knowledgeBase.header.name
    let title = declared.hasPrefix("Upstream") ? declared : "Upstream: \(declared)"
    return WebPage.page(
      title: title,
      body: """
        <h1>\(WebPage.escape(title))</h1>
        <p>Answer a few questions about where it hurts and how you move, sit and stand. Upstream suggests what further up \
        or down the body may be adding to your pain, what to try first, and why.</p>
        <p class="disclaimer">This is a screening aid, not a diagnosis. The first questions look for signs that need a doctor. \
        If you are worried, or your pain is severe or getting worse quickly, contact a doctor.</p>
        <form method="post" action="/s"><button type="submit">Start the questions</button></form>
        <p class="resume">You can stop at any time: each answer is saved, and the page's link takes you back to where you were.</p>
        """)
  }
}
