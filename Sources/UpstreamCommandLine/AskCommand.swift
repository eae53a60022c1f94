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
        "--assessment-date", value: "YYYY-MM-DD",
        help:
          "The day the answers are given, which date conditions ('injury_date more than 6 weeks ago') count back from (default: today, for a new session, kept in its session file; a resumed session keeps its own)."
      ),
      OptionSpec(
        "--session", value: "FILE",
        help: "Save the answers to FILE after every reply (default: upstream-session.json here, numbered if taken)."),
      OptionSpec("--resume", value: "FILE", help: "Continue the session saved in FILE (and keep saving to it)."),
      OptionSpec("--all", help: "Ask every question whose ask-when allows, not only those that can still change the result."),
      OptionSpec(
        "--until-advice-settled",
        help:
          "Stop as soon as no answer can change the advice shown (the red flags and the patient's report): the default for the patient audience. A clinician's tree then gives certainties from the answers given, and an incomplete score as a range."
      ),
      OptionSpec(
        "--until-assessment-settled",
        help:
          "Stop only when no answer can change anything the engine concludes, so the clinician's tree is exactly the full answers' one: the default with --audience clinician."
      ),
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
      "upstream ask --audience clinician",
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
    let mode = try Self.mode(arguments, audience: audience)
    var session: QuestionnaireSession
    let path: String
    let assessmentDate = try Shared.assessmentDate(arguments, command: spec.name)
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
      // The person answers now: a new session is dated today by the one clock
      // (`UPSTREAM_TODAY` or `SOURCE_DATE_EPOCH` fix it), and keeps that day when resumed.
      session.assessmentDate = try Shared.clock(arguments, console: console, command: spec.name).today
    }
    defer { lock.release() }
    if let assessmentDate { session.assessmentDate = assessmentDate }
    var resume = ["upstream", "ask", "--resume", quoted(path)]
    for rules in arguments.all("--rules") { resume += ["--rules", quoted(rules)] }
    if audience == .clinician { resume += ["--audience", "clinician"] }
    switch mode {
    case .everyQuestion: resume.append("--all")
    case .untilAdviceSettled where audience == .clinician: resume.append("--until-advice-settled")
    case .adaptive where audience == .patient: resume.append("--until-assessment-settled")
    case .untilAdviceSettled, .adaptive: break
    }
    var terminal = TerminalQuestionnaire(
      session: session, store: SessionStore(path: path), console: console, width: width,
      resumeCommand: resume.joined(separator: " "),
      tree: TreeTextRenderer(
        audience: audience, width: width, colour: console.colourOutput, restOfPlan: TerminalQuestionnaire.restOfPlan),
      why: WhyTextRenderer(audience: audience, width: width, colour: console.colourOutput))
    return try terminal.run(resuming: arguments.value("--resume") != nil)
  }

  /// Which questions to ask: every one (`--all`), until the advice shown is settled
  /// (`--until-advice-settled`), or until the whole assessment is
  /// (`--until-assessment-settled`). By default, until what the audience reads is
  /// settled: the advice for the patient, the whole assessment for a clinician.
  private static func mode(_ arguments: ParsedArguments, audience: Audience) throws -> QuestionnaireSession.Mode {
    let chosen = [
      ("--all", QuestionnaireSession.Mode.everyQuestion), ("--until-advice-settled", .untilAdviceSettled),
      ("--until-assessment-settled", .adaptive),
    ].filter { arguments.flag($0.0) }
    guard chosen.count <= 1 else {
      throw CommandError.usage(
        "\(chosen.map(\.0).joined(separator: " and ")) ask different questions; choose one", suggestion: nil, command: spec.name)
    }
    return chosen.first?.1 ?? (audience == .patient ? .untilAdviceSettled : .adaptive)
  }

  /// Reads a session file (an answers file, in the order answered) and resumes it. A
  /// session that ended because an answer showed Upstream is not for the person (an age
  /// under 16) resumes ended: it says so, and offers to change that answer.
  private static func resumed(_ path: String, _ knowledgeBase: KnowledgeBase, mode: QuestionnaireSession.Mode, console: Console)
    throws
    -> QuestionnaireSession
  {
    let file = try Shared.readText(path, console: console, what: "session file")
    // The number that ended a session is a reply, not an answer (`assess` refuses the file).
    let output = AnswersReader.read(file, for: knowledgeBase, keepingOutOfScope: true)
    guard output.format == .answers else {
      throw CommandError.usage(
        "'\(path)' is a FHIR QuestionnaireResponse, not a session file; assess it with: upstream assess --answers \(path)",
        suggestion: nil, command: spec.name)
    }
    guard let answers = output.answers else { throw CommandError.session(output.diagnostics, source: file) }
    if !output.diagnostics.isEmpty {
      console.writeError(DiagnosticRenderer(sources: [file], colour: console.colourErrors).text(output.diagnostics))
    }
    let replies = output.order.map { id in
      QuestionnaireSession.Reply(question: id, answer: answers[id] ?? output.outOfScope[id].map(AnswerValue.number))
    }
    do {
      var session = try QuestionnaireSession(knowledgeBase, resuming: replies, mode: mode)
      session.assessmentDate = answers.assessmentDate
      session.carryOn(fromShown: output.progressShown)
      return session
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
