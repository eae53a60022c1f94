import Foundation
import Upstream

// MARK: - upstream ask

/// `upstream ask` (and `upstream` with no arguments): the questionnaire in the terminal,
/// then the explained tree, then any part of it explained on request.
enum AskCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "ask",
    summary: "Answer the questionnaire here: red flags first, then only what can still change the result.",
    options: [
      rulesOption,
      OptionSpec(
        "--session", value: "FILE",
        help: "Save the answers to FILE after every reply (default: upstream-session.json here, numbered if taken)."),
      OptionSpec("--resume", value: "FILE", help: "Continue the session saved in FILE (and keep saving to it)."),
      OptionSpec("--all", help: "Ask every question whose ask-when allows, not only those that can still change the result."),
      OptionSpec(
        "--audience", value: "WHO",
        help: "How the result is written: patient (plain words; the default here, for the person answering) or clinician."),
      widthOption,
    ],
    examples: [
      "upstream",
      "upstream ask --session my-answers.json",
      "upstream ask --resume my-answers.json",
      "upstream ask --all",
      "printf 'no\\nno\\n…' | upstream ask --session answers.json",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    // The person answering reads the result, so plain words unless a clinician is asked for.
    let audience = arguments.value("--audience") == nil ? Audience.patient : try Shared.audience(arguments, command: spec.name)
    let width = try Shared.width(arguments, console: console, command: spec.name)
    if let extra = arguments.positionals.first {
      throw CommandError.usage("upstream ask takes no arguments; found '\(extra)'", suggestion: nil, command: spec.name)
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let mode: QuestionnaireSession.Mode = arguments.flag("--all") ? .everyQuestion : .adaptive
    let session: QuestionnaireSession
    let path: String
    let resumeFrom = arguments.value("--resume")
    // A new session file is claimed by creating it (never overwriting one that exists,
    // even when two questionnaires start at once), and every session file is locked
    // while this questionnaire uses it.
    if let chosen = arguments.value("--session"), chosen != resumeFrom, !claim(chosen) {
      throw CommandError.usage(
        "the session file '\(chosen)' already exists; continue it with --resume \(chosen), or choose another file",
        suggestion: nil, command: spec.name)
    }
    path = arguments.value("--session") ?? resumeFrom ?? freeSessionPath()
    let lock = try SessionLock(path: path)
    if let resumeFrom {
      session = try resumed(resumeFrom, knowledgeBase, mode: mode, console: console)
    } else {
      session = QuestionnaireSession(knowledgeBase, mode: mode)
    }
    defer { lock.release() }
    var resume = ["upstream", "ask", "--resume", quoted(path)]
    if let rules = arguments.value("--rules") { resume += ["--rules", quoted(rules)] }
    if mode == .everyQuestion { resume.append("--all") }
    var terminal = TerminalQuestionnaire(
      session: session, store: SessionStore(path: path), console: console, width: width,
      resumeCommand: resume.joined(separator: " "),
      tree: TreeTextRenderer(audience: audience, width: width, colour: console.colourOutput),
      why: WhyTextRenderer(audience: audience, width: width, colour: console.colourOutput))
    return try terminal.run(resuming: arguments.value("--resume") != nil)
  }

  /// Reads a session file (an answers file, in the order answered) and resumes it.
  private static func resumed(_ path: String, _ knowledgeBase: KnowledgeBase, mode: QuestionnaireSession.Mode, console: Console)
    throws
    -> QuestionnaireSession
  {
    let file = try Shared.readText(path, console: console, what: "session file")
    let output = AnswersReader.read(file, for: knowledgeBase)
    guard output.format == .answers else {
      throw CommandError.usage(
        "'\(path)' is a FHIR QuestionnaireResponse, not a session file; assess it with: upstream assess --answers \(path)",
        suggestion: nil, command: spec.name)
    }
    guard let answers = output.answers else { throw CommandError.session(output.diagnostics, source: file) }
    if !output.diagnostics.isEmpty {
      console.writeError(DiagnosticRenderer(sources: [file], colour: console.colourErrors).text(output.diagnostics))
    }
    let replies = output.order.map { QuestionnaireSession.Reply(question: $0, answer: answers[$0]) }
    do {
      return try QuestionnaireSession(knowledgeBase, resuming: replies, mode: mode)
    } catch {
      throw CommandError.session([.error(.wrongAnswerType, "\(error)", at: .wholeFile(file.path))], source: file)
    }
  }

  /// `upstream-session.json` in the current folder, or the first numbered name not
  /// taken, claimed by creating it.
  private static func freeSessionPath() -> String {
    var number = 1
    while true {
      let name = number == 1 ? "upstream-session.json" : "upstream-session-\(number).json"
      if claim(name) { return name }
      number += 1
    }
  }

  /// Creates an empty file at `path` unless something is there already; true when created.
  private static func claim(_ path: String) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else { return false }
    close(descriptor)
    return true
  }

  private static func quoted(_ path: String) -> String {
    path.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
      ? path : "'\(path.replacingOccurrences(of: "'", with: "'\\''"))'"
  }
}

// MARK: - The session file

/// An exclusive lock on a session file while one questionnaire uses it: a second
/// `upstream ask --resume` of the same file is refused instead of both saving over each
/// other. The lock is `flock` on a hidden file beside it (the session file itself is
/// replaced on every save); the system releases it when the process ends, however it ends.
final class SessionLock: @unchecked Sendable {
  private let lockPath: String
  private var descriptor: Int32

  init(path: String) throws {
    let url = URL(fileURLWithPath: AtomicFile.resolvingLinks(path))
    lockPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
    descriptor = open(lockPath, O_RDWR | O_CREAT, 0o644)
    guard descriptor >= 0 else {
      throw CommandError.file("cannot lock the session file '\(path)': \(String(cString: strerror(errno)))")
    }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      close(descriptor)
      throw CommandError.file(
        "the session file '\(path)' is in use by another questionnaire; finish or quit that one first (its answers are saved after every reply)")
    }
  }

  /// Releases the lock and removes the lock file.
  func release() {
    guard descriptor >= 0 else { return }
    unlink(lockPath)
    flock(descriptor, LOCK_UN)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }
}

/// The session file, written atomically after every reply. Saving holds a lock that the
/// Ctrl-C handler waits on, so an interrupted save still leaves the last complete file.
final class SessionStore: @unchecked Sendable {
  let path: String
  private let lock = NSLock()

  init(path: String) { self.path = path }

  func save(_ session: QuestionnaireSession) throws {
    lock.lock()
    defer { lock.unlock() }
    try AtomicFile.write(JSONWriter.pretty(session.json), to: path)
  }

  /// Waits for a save in progress and keeps any other from starting.
  func hold() { lock.lock() }
}

/// Handles Ctrl-C while the questionnaire runs: every reply is already saved, so it waits
/// for a save in progress, says how to carry on, and exits with status 130.
final class InterruptNotice: @unchecked Sendable {
  private let source: DispatchSourceSignal

  init(store: SessionStore, console: Console, message: String) {
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue.global())
    source.setEventHandler {
      store.hold()
      console.writeError("\n" + message)
      _exit(130)
    }
    source.resume()
  }

  func cancel() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}

// MARK: - The conversation

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
  /// Instrument copyright lines already shown with an item.
  private var shownCopyrights: Set<String> = []
  /// The reply taken back by the last `back`, shown when its question is asked again.
  private var undone: QuestionnaireSession.Reply?

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
    var interrupt: InterruptNotice?
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
    write("Your answers are saved to \(store.path) after every reply.")
    say(
      "Type ? for help with a question, why to see why it is asked, back to change your last answer, "
        + "skip to leave a question out, or quit to stop and carry on later.")
    if let first = session.currentQuestion, first.isRedFlagQuestion {
      say("")
      say("First, the safety questions that everyone is asked.")
    } else {
      announcedMainQuestions = true
    }
    while let question = session.currentQuestion {
      if !question.isRedFlagQuestion && !announcedMainQuestions {
        announcedMainQuestions = true
        say("")
        say(
          session.mode == .adaptive
            ? "Now the questions about your pain: only those that can still change the result."
            : "Now the questions about your pain.")
      }
      show(question)
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
          say("Going back to: \(earlier.wording)")
        } catch let problem as QuestionnaireSession.Problem {
          say("Sorry: \(problem).")
        }
      case .skip:
        do {
          try session.skip()
          try store.save(session)
        } catch QuestionnaireSession.Problem.safetyQuestionCannotBeSkipped {
          say(
            "This is a safety question: everyone is asked it, so it cannot be skipped. Please answer \(TypedReply.expectation(question))."
          )
        }
      case .quit: return stopped()
      case .invalid(let hint): say(hint)
      }
    }
    finish()
    return .success
  }

  // MARK: Asking

  private mutating func show(_ question: Question) {
    let progress = session.progress
    say("")
    say("Question \(progress.number) of at most \(progress.atMost)\(question.isRedFlagQuestion ? " · safety question" : "")")
    say(question.wording)
    for (number, option) in question.kind.options.enumerated() {
      let label = "  \(number + 1). "
      say(label + "\(option.label) [\(option.id)]", hang: label.count)
    }
    if let earlier = previousAnswer(question) { say("  (your answer was: \(earlier))") }
    say("  (\(TypedReply.expectation(question)))")
    if let index = session.knowledgeBase.questions.firstIndex(where: { $0.id == question.id }) {
      for line in session.knowledgeBase.instrumentCopyrights(ofQuestion: index) where shownCopyrights.insert(line).inserted {
        say("  " + line)
      }
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

  private var stoppedMessage: String {
    "Stopped. Your answers so far are saved in \(store.path).\nTo carry on: \(resumeCommand)\n"
  }

  private func stopped() -> ExitCode {
    say("")
    console.write(stoppedMessage)
    return .success
  }

  // MARK: The result

  private func finish() {
    let asked = session.replies.count
    let total = session.knowledgeBase.questions.count
    say("")
    say(
      session.mode == .adaptive
        ? "That is every question needed: \(asked) of the \(total) questions were asked; the others could not change the result."
        : "That is every question: \(asked) of the \(total) were asked.")
    write("Your answers are saved in \(store.path).")
    say("")
    console.write(tree.render(session.assessment.tree))
    offerExplanations()
  }

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

  /// The parts of the tree that can be explained: red flags, findings present,
  /// recommendations called for and scores, in that order.
  private func explainable(_ assessment: Assessment) -> [(id: String, name: String)] {
    let kb = assessment.knowledgeBase
    var parts: [(id: String, name: String)] = []
    parts += assessment.redFlags.map { (kb.redFlags[$0.flag].id, kb.redFlags[$0.flag].name) }
    parts += assessment.presentFindings.map { (kb.findings[$0.finding].id, kb.findings[$0.finding].name) }
    parts += assessment.recommendations.map {
      (kb.recommendations[$0.recommendation].id, kb.recommendations[$0.recommendation].title)
    }
    parts += assessment.scores.filter { !$0.contributions.isEmpty }.map { (kb.scores[$0.score].id, kb.scores[$0.score].name) }
    return parts
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
