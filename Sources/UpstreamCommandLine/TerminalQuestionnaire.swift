import Foundation
import Upstream

// MARK: - The questionnaire as a conversation

/// The questionnaire as a conversation on standard input and output: a thin layer on
/// `QuestionnaireSession`.
struct TerminalQuestionnaire {
  var session: QuestionnaireSession
  let store: SessionStore
  let console: Console
  /// The width text is wrapped to.
  let width: Int
  let resumeCommand: String
  let tree: TreeTextRenderer
  let why: WhyTextRenderer

  /// Whether to repeat replies after the prompt: input from a pipe is not echoed by a terminal.
  private var echo: Bool { !console.inputIsTerminal }
  private var announcedMainQuestions = false
  /// Instrument attributions already shown with an item.
  private var shownCopyrights: Set<String> = []
  /// The reply taken back by the last `back`, shown when its question is asked again.
  private var undone: QuestionnaireSession.Reply?
  /// Urgent warning signs already told, as `id urgency`.
  private var toldWarnings: Set<String> = []
  /// Whether a warning sign was told in full since the last question was shown: the next
  /// question then needs no reminder of it.
  private var warningJustTold = false
  private var interrupt: InterruptNotice?

  init(
    session: QuestionnaireSession, store: SessionStore, console: Console, width: Int, resumeCommand: String,
    tree: TreeTextRenderer, why: WhyTextRenderer
  ) {
    self.session = session
    self.store = store
    self.console = console
    self.width = width
    self.resumeCommand = resumeCommand
    self.tree = tree
    self.why = why
  }

  /// Runs the questionnaire to the end (or to the end of input) and shows the result.
  mutating func run(resuming: Bool) throws -> ExitCode {
    let header = session.knowledgeBase.header
    if console.inputIsTerminal || console.outputIsTerminal {
      interrupt = InterruptNotice(store: store, console: console, message: stoppedMessage)
    }
    defer { interrupt?.cancel() }
    try store.save(session)
    say("\(header.name) \(header.version)")
    say(header.disclaimer)
    say("")
    if resuming {
      write("Carrying on from \(store.path): \(session.replies.count) answer\(session.replies.count == 1 ? "" : "s") so far.")
    }
    if let ended = session.outOfScope {
      // A session that ended because Upstream is not for the person says so, and why.
      say("This questionnaire has ended: your answer to \"\(session.wording(of: ended.question))\" was \(answerWords(ended)).")
    } else {
      write("Your answers are saved to \(store.path) after every reply.")
      say(
        "Type ? for help with a question, why to see why it is asked, back to change your last answer, "
          + "skip to leave a question out, or quit to stop and carry on later.")
      tellUrgentWarnings()
    }
    if let first = session.currentQuestion, first.isRedFlagQuestion || first.asksFirst {
      say("")
      say("First, where it hurts, then the safety questions that apply to you.")
    } else {
      announcedMainQuestions = true
    }
    while true {
      if let code = try askQuestions() { return code }
      // The questions are over: the result, or, when an answer showed that Upstream is not
      // for the person, what the rules tell them, and a way back from a slip.
      guard let ended = session.outOfScope else { break }
      guard try endsOutOfScope(ended) else { return .success }
    }
    finish()
    return .success
  }

  /// Asks questions until there are none left to ask; an exit code when the person stops
  /// first (quit, the end of input).
  private mutating func askQuestions() throws -> ExitCode? {
    while let question = session.currentQuestion {
      if !question.isRedFlagQuestion && !announcedMainQuestions {
        announcedMainQuestions = true
        say("")
        if let settling = settling(session.mode) {
          say("Now the questions about your pain: only those that can still change \(settling).")
        } else {
          say("Now the questions about your pain.")
        }
      }
      // After a sign that needs a doctor today or now, every later question says so again
      // in one line, as the web's pages do.
      if warningJustTold {
        warningJustTold = false
      } else if let reminder = warningReminder {
        say("")
        say(reminder, hang: 2)
      }
      show(question)
      // The count just shown is saved with the answers, so a resumed session never shows more.
      try store.save(session)
      guard let line = prompt() else { return stopped() }
      switch TypedReply.read(line, for: question) {
      case .answer(let value):
        do {
          try session.answer(value)
          try store.save(session)
        } catch let problem as QuestionnaireSession.Problem {
          say("Sorry: \(problem).")
        }
      case .help: help(question)
      case .why: explainWhy(question)
      case .back:
        do {
          undone = session.replies.last
          let earlier = try session.undo()
          try store.save(session)
          say("Going back to: \(session.wording(of: earlier))")
        } catch let problem as QuestionnaireSession.Problem {
          say("Sorry: \(problem).")
        }
      case .skip:
        do {
          try session.skip()
          try store.save(session)
        } catch QuestionnaireSession.Problem.safetyQuestionCannotBeSkipped {
          say(
            "This is a safety question, so it cannot be skipped. Please answer \(TypedReply.expectation(question))."
          )
        }
      case .quit: return stopped()
      case .invalid(let hint): say(hint)
      }
      if session.outOfScope == nil { tellUrgentWarnings() }
    }
    return nil
  }

  // MARK: Not for this person

  /// Tells the person that Upstream is not for them, in the rules' words, with any warning
  /// sign their other answers raised, and offers to go back in case the number was a slip
  /// (15 typed for 51). True when they went back: the question is asked again.
  private mutating func endsOutOfScope(_ ended: QuestionnaireSession.OutOfScope) throws -> Bool {
    say("")
    say(ended.message)
    let warnings = session.urgentWarnings
    if !warnings.isEmpty {
      say("")
      say("Your answers also raised a warning sign:")
      for warning in warnings {
        say("! \(warning.redFlag.name) — \(warning.urgency.description)", hang: 2)
        say("  " + warning.advice, hang: 2)
      }
    }
    interrupt?.update(message: endedMessage)
    say("")
    say("If \(answerWords(ended)) was a slip, type back to change it; or press Enter to finish.")
    if let line = prompt(), ["back", "undo"].contains(line.trimmingCharacters(in: .whitespaces).lowercased()) {
      undone = session.replies.last
      let earlier = try session.undo()
      try store.save(session)
      say("Going back to: \(session.wording(of: earlier))")
      interrupt?.update(message: stoppedMessage)
      return true
    }
    console.write(endedMessage)
    return false
  }

  /// The number that ended the session, with the question's unit: `15 years`.
  private func answerWords(_ ended: QuestionnaireSession.OutOfScope) -> String {
    let unit = if case .number(_, _, let unit?, _) = ended.question.kind { " \(unit)" } else { "" }
    return NumberText.plain(ended.number) + unit
  }

  /// Where the answers of a session that ended are, and how to change the answer that
  /// ended it later (a path and a command: never wrapped).
  private var endedMessage: String {
    "The questionnaire has ended. Your answers are saved in \(store.path).\nTo change your answer later: \(resumeCommand)\n"
  }

  // MARK: Asking

  private mutating func show(_ question: Question) {
    say("")
    say("\(session.progressLine())\(question.isRedFlagQuestion ? " · safety question" : "")")
    say(session.wording(of: question))
    for (number, option) in question.kind.options.enumerated() {
      let label = "  \(number + 1). "
      say(label + option.label, hang: label.count)
    }
    if let earlier = previousAnswer(question) { say("  (your answer was: \(earlier))") }
    say("  (\(TypedReply.expectation(question)))")
    // An instrument's item shows the same short note as on the web (its help: where the
    // wording comes from) and, with the first item, whose tool it is; the licence terms
    // are for clinicians, in their report and the docs.
    if let index = session.knowledgeBase.questions.firstIndex(where: { $0.id == question.id }) {
      let attributions = session.knowledgeBase.instrumentAttributions(ofQuestion: index)
      if !attributions.isEmpty, let help = question.help { say("  " + help) }
      for line in attributions where shownCopyrights.insert(line).inserted { say("  " + line) }
    }
  }

  /// The answer given before going back, if the person went back to this question.
  private func previousAnswer(_ question: Question) -> String? {
    guard let undone, undone.question == question.id else { return nil }
    guard let answer = undone.answer else { return "skipped" }
    if case .option(let id) = answer, let option = question.kind.options.first(where: { $0.id == id }) { return option.label }
    return answer.description
  }

  private func help(_ question: Question) {
    say(question.help ?? "There is no extra help for this question.")
    say("Answer with \(TypedReply.expectation(question)).")
    say("You can also type: why (why it is asked), back (change your last answer), skip, or quit.")
  }

  private func explainWhy(_ question: Question) {
    guard let rationale = session.why(question.id) else { return }
    for line in rationale.lines { say(line, hang: line.hasPrefix("  - ") ? 4 : 0) }
  }

  /// Writes the prompt and reads one reply; nil at the end of input. A line that cannot
  /// be read (too long, not UTF-8) is refused with a hint and the prompt comes again.
  private func prompt() -> String? {
    while true {
      console.write("> ")
      switch console.readLine() {
      case nil:
        console.write("\n")
        return nil
      case .text(let line):
        if echo {
          let shown = line.utf8.count > TypedReply.maximumLength ? "(\(line.utf8.count) characters)" : line
          console.write(TerminalText.sanitised(shown) + "\n")
        }
        return line
      case .unreadable(let problem):
        if echo { console.write("(a reply that cannot be read)\n") }
        say(problem.code == .inputTooLarge ? TypedReply.tooLongHint : "That reply is not UTF-8 text; please type it again.")
      }
    }
  }

  /// What stopping says first when the answers raised a warning sign: the sign again.
  private var stoppingWarning: [String] {
    let warnings = session.urgentWarnings
    guard !warnings.isEmpty else { return [] }
    return ["Before you go, your answers raised a warning sign:"]
      + warnings.flatMap { ["! \($0.redFlag.name) — \($0.urgency.description)", "  \($0.advice)"] } + [""]
  }

  /// Where the answers are and how to carry on (a path and a command: never wrapped).
  private var savedMessage: String {
    "Stopped. Your answers so far are saved in \(store.path).\nTo carry on: \(resumeCommand)\n"
  }

  /// All that stopping says, as Ctrl-C prints it.
  private var stoppedMessage: String { stoppingWarning.map { $0 + "\n" }.joined() + savedMessage }

  // MARK: Warning signs

  /// Tells the person at once of a warning sign that needs a doctor now or today, the
  /// first time their answers raise it, and offers to stop there; Ctrl-C and quit repeat it.
  private mutating func tellUrgentWarnings() {
    let new = session.urgentWarnings.filter { toldWarnings.insert("\($0.redFlag.id) \($0.urgency.rawValue)").inserted }
    guard !new.isEmpty else { return }
    for warning in new {
      say("")
      say("! Warning sign: \(warning.redFlag.name) — \(warning.urgency.description)", hang: 2)
      say("  " + warning.advice, hang: 2)
    }
    if session.currentQuestion != nil {
      say(
        "You can stop here (type quit): your answers are saved and this comes first in your result. "
          + "Or carry on: the questions left help whoever sees you.")
    }
    warningJustTold = true
    interrupt?.update(message: stoppedMessage)
  }

  /// One line that keeps a warning sign told earlier in front of the person.
  private var warningReminder: String? {
    let warnings = session.urgentWarnings
    guard let first = warnings.first else { return nil }
    let names = warnings.map(\.redFlag.name).joined(separator: "; ")
    return "! Remember: \(names) — \(first.urgency.description). Type quit to stop here; it comes first in your result."
  }

  private func stopped() -> ExitCode {
    say("")
    for line in stoppingWarning { say(line, hang: 2) }
    console.write(savedMessage)
    return .success
  }

  // MARK: The result

  private func finish() {
    let asked = session.replies.count
    let total = session.knowledgeBase.questions.count
    say("")
    if let settling = settling(session.mode) {
      say("That is every question needed: \(asked) of the \(total) questions were asked; the others could not change \(settling).")
    } else {
      say("That is every question: \(asked) of the \(total) were asked.")
    }
    write("Your answers are saved in \(store.path).")
    say("")
    console.write(tree.render(session.assessment.tree))
    offerExplanations()
  }

  /// Where the result tells the person to find the advice its short list leaves out: the
  /// list of parts to explain, which names every recommendation.
  static let restOfPlan = "they are all in the list below; type one's number to read about it"

  /// Offers to explain any part of the tree, by number or name, until an empty line.
  private func offerExplanations() {
    let assessment = session.assessment
    let parts = explainable(assessment)
    guard !parts.isEmpty else { return }
    say("")
    say("Would you like any part explained? Type its number or name, or press Enter to finish.")
    for (number, part) in parts.enumerated() { say("  \(number + 1). \(part.name)", hang: 5) }
    while let line = prompt() {
      let typed = line.trimmingCharacters(in: .whitespaces)
      if typed.isEmpty || ["quit", "exit", "done", "no"].contains(typed.lowercased()) { return }
      guard let part = choose(typed, from: parts), let explanation = assessment.explain(part.id) else {
        let names = parts.map(\.id)
        let suggestion = Suggestion.closest(to: typed, in: names).map { " Did you mean '\($0)'?" } ?? ""
        say("'\(typed)' is not one of the parts listed; type a number from 1 to \(parts.count).\(suggestion)")
        continue
      }
      console.write(why.render(explanation))
      say("")
      say("Another? Type its number or name, or press Enter to finish.")
    }
  }

  /// The parts of the tree the reader can ask about (``Assessment/explainableParts(for:)``).
  private func explainable(_ assessment: Assessment) -> [(id: String, name: String)] {
    assessment.explainableParts(for: why.audience)
  }

  private func choose(_ typed: String, from parts: [(id: String, name: String)]) -> (id: String, name: String)? {
    if let number = Int(typed), parts.indices.contains(number - 1) { return parts[number - 1] }
    let lowered = typed.lowercased()
    if let exact = parts.first(where: { $0.id == typed || $0.name.lowercased() == lowered }) { return exact }
    let matches = parts.filter { $0.id.hasPrefix(lowered) || $0.name.lowercased().hasPrefix(lowered) }
    return matches.count == 1 ? matches[0] : nil
  }

  /// Writes a line as it is, unwrapped (it names a file, which must not be broken).
  private func write(_ line: String) { console.write(TerminalText.sanitised(line) + "\n") }

  /// Writes a line, wrapped to the width: continuation lines keep its indentation and are
  /// indented `hang` columns from its start.
  private func say(_ line: String, hang: Int = 0) {
    let indent = line.prefix { $0 == " " }.count
    let text = String(line.dropFirst(indent))
    let wrapped = TextOutline.wrapped(text, width: max(20, width - indent), hang: max(0, hang - indent))
    let margin = String(repeating: " ", count: indent)
    console.write(wrapped.map { $0.isEmpty ? $0 : margin + $0 }.joined(separator: "\n") + "\n")
  }
}

extension TerminalQuestionnaire {
  /// What the session asks until it is settled, in the person's words: "the result" or
  /// "the advice"; nil when it asks every question.
  fileprivate func settling(_ mode: QuestionnaireSession.Mode) -> String? {
    switch mode {
    case .adaptive: "the result"
    case .untilAdviceSettled: "the advice"
    case .everyQuestion: nil
    }
  }
}
