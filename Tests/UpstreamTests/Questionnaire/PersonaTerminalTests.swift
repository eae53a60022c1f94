import Foundation
import Testing

@testable import Upstream

/// The persona of the patient-experience issue, end to end through the real binary in a
/// pseudo-terminal: a 45-year-old office worker with knee pain on the stairs and a back
/// stiff after sitting, replying in her own words; then her one-page plan, as text and as
/// the HTML handout.
@Suite("The persona in a real terminal")
struct PersonaTerminalTests {
  static let personaID = "office-worker-knee-on-stairs-back-stiff-after-sitting"

  /// What a person would type for an answer: everyday words, not ids.
  static func typed(_ answer: AnswerValue?, for question: Question, turn: Int) -> String {
    guard let answer else { return "skip" }
    if case .options(let ids) = answer {
      if ids.isEmpty { return "none" }
      if question.id == "pain_areas" { return ids.map { $0 == "lower_back" ? "back" : $0 }.reversed().joined(separator: " and ") }
      return ids.compactMap { id in question.kind.options.first { $0.id == id }?.label }.joined(separator: ", ")
    }
    switch (answer, question.kind) {
    case (.notSure, _): return "dunno"
    case (.yes, _): return turn.isMultiple(of: 2) ? "yeah" : "yes"
    case (.no, _): return turn.isMultiple(of: 2) ? "nope" : "no"
    case (.number(let value), .number(_, _, let unit?, _)): return "about \(NumberText.plain(value)) \(unit)"
    case (.number(let value), _): return NumberText.plain(value)
    case (.option(let id), _): return question.kind.options.first { $0.id == id }?.label ?? id
    default: return "\(answer)"
    }
  }

  @Test("natural replies in a terminal; where it hurts first; no injury questions; then a plan with a first step for the knee")
  func persona() throws {
    let kb = FuzzHarness.bundled
    let run = try Self.ask([])
    // The session file lives in the run's folder, read at the end.
    defer { withExtendedLifetime(run) {} }
    let (asked, screen, session) = (run.asked, run.screen, run.session)

    // Where it hurts and any injury first; nothing that only matters after an injury.
    // (`feet_numb` is asked all the same: rolling the feet, which could be called for, is
    // not for numb feet.)
    #expect(Array(asked.prefix(2)) == ["pain_areas", "injury_recent"])
    #expect(asked.contains("feet_numb"))
    for id in ["bony_point_tenderness", "knee_cannot_bend", "cab_climbing_clutch", "heel_pain_under"] {
      #expect(!asked.contains(id), "asked \(id)")
    }
    #expect(asked.contains("knee_pain_stairs"))
    #expect(asked.count * 10 <= kb.questions.count * 7, "asked \(asked.count) of \(kb.questions.count)")
    // Every natural reply was understood: no hint was needed.
    for hint in ["is not one of the options", "Please answer yes or no", "Please give"] {
      #expect(!screen.contains(hint), "a reply was refused: \(hint)")
    }
    #expect(screen.contains("Question 1 · about "))
    // The count of questions left only goes down as she answers.
    let counts = screen.split(separator: "\n").filter { $0.hasPrefix("Question ") }.compactMap {
      QuestionnaireSessionTests.count(in: String($0.split(separator: "·").prefix(2).joined(separator: "·")))
    }
    #expect(counts.count == asked.count)
    #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 }, "\(counts)")
    // The STarT Back items carry the short note the web shows, and whose tool it is; the
    // licence terms are for clinicians.
    let beforeResult = screen.components(separatedBy: "That is every question")[0]
    #expect(beforeResult.range(of: #"Paraphrased from the Keele STarT Back Screening Tool, item \d\."#, options: .regularExpression) != nil)
    #expect(beforeResult.components(separatedBy: "© Keele University 2007").count == 2, "the attribution once")
    for licence in ["licence", "commercial", "official wording", "A deployment"] {
      #expect(!beforeResult.contains(licence), "'\(licence)' shown while answering")
    }
    // Her result: a first step for the knee and one for the back, on one page.
    #expect(screen.contains("KNEE PAIN\nMost likely behind it: Weak buttock muscles (possible)."))
    #expect(screen.contains("Start with: Glute bridges — 2 sets of 10, most days."))
    #expect(screen.contains("LOWER BACK PAIN\nMost likely behind it: Tight muscles at the front of the hip (possible)."))
    #expect(!screen.contains("fuelling up") && !screen.contains("sha256") && !screen.contains("psoas"))
    // The rest of her plan is where the terminal says: the list of parts to explain names each.
    #expect(!screen.contains("full report"))
    let more = try #require(screen.range(of: #"And \d+ more: they are all in the list below"#, options: .regularExpression))
    let menu = try #require(screen.range(of: "Would you like any part explained?"))
    #expect(more.upperBound < menu.lowerBound)
    let result = try run.result()
    let listed = screen[menu.upperBound...]
    let moreToTry = try #require(result.components(separatedBy: "MORE YOU CAN TRY").dropFirst().first)
    for line in moreToTry.components(separatedBy: "\nAnd ")[0].split(separator: "\n") where line.hasPrefix("- ") {
      let title = String(line.dropFirst(2).prefix { $0 != ":" })
      #expect(listed.contains(title), "'\(title)' is not in the list to explain")
    }

    // The answers she gave make the same handout: the plan, no tree, no hashes.
    let html = try UpstreamBinary.run(["assess", "--answers", session, "--format", "html", "--audience", "patient"])
    #expect(html.status == 0, "\(html.errors)")
    #expect(html.output.contains("<article class=\"plan\"><h2>Knee pain</h2>"))
    #expect(html.output.contains("Start with: Glute bridges — 2 sets of 10, most days."))
    #expect(!html.output.contains("sha256"))
    print("The persona was asked \(asked.count) of \(kb.questions.count) questions")
  }
}

extension PersonaTerminalTests {
  /// One `upstream ask` in a pseudo-terminal, answered as the persona would.
  struct Run {
    /// The questions asked, in order.
    let asked: [String]
    /// Everything the terminal showed.
    let screen: String
    /// The session file (in `folder`, which lives as long as the run).
    let session: String
    let folder: TemporaryFolder

    /// The result printed after the last question.
    func result() throws -> String {
      let start = try #require(screen.range(of: "Your answers are saved in"))
      let end = screen.range(of: "Would you like any part explained?") ?? (screen.endIndex..<screen.endIndex)
      let lines = screen[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
      return lines.dropFirst().joined(separator: "\n")
    }
  }

  /// Runs `upstream ask` in a pseudo-terminal with some options, answering as the persona
  /// would, until the result is shown and the session ends.
  static func ask(_ options: [String], persona: String = personaID) throws -> Run {
    let kb = FuzzHarness.bundled
    let answers = try #require(AdaptivityReport.bundledCases().first { $0.id == persona }).answers
    let folder = try TemporaryFolder()
    let session = folder.url.appendingPathComponent("session.json").path
    let environment = ["NO_COLOR": "1", "COLUMNS": "80", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]
    let terminal = try PseudoTerminal(UpstreamBinary.path, ["ask", "--session", session] + options, environment: environment)
    var asked: [String] = []
    var mark = 0
    while asked.count <= kb.questions.count {
      // Nothing to explain (no pain, nothing found): the session ends without a prompt.
      let shown = try terminal.waitFor("\n> ", after: mark, orExit: true)
      if shown.contains("Would you like any part explained?") || !shown.contains("\n> ") { break }
      let block = try #require(shown.components(separatedBy: "\nQuestion ").last, "no question on the screen:\n\(shown)")
      let flat = block.split(separator: "\n").joined(separator: " ")
      let question = try #require(
        kb.questions.first { question in flat.contains(question.wording) || question.wordingVariants.contains { flat.contains($0.text) } },
        "a question the knowledge base does not have:\n\(block)")
      asked.append(question.id)
      mark = terminal.mark
      terminal.type(typed(answers[question.id], for: question, turn: asked.count) + "\n")
    }
    if terminal.isRunning { terminal.type("\n") }
    #expect(try terminal.waitForExit() == 0)
    return Run(asked: asked, screen: terminal.screen, session: session, folder: folder)
  }

  @Test("ask stops once the advice is settled: fewer questions than --until-assessment-settled, and the same plan printed")
  func untilAdviceSettled() throws {
    let whole = try Self.ask(["--until-assessment-settled"])
    let settled = try Self.ask([])
    #expect(settled.asked.count < whole.asked.count, "asked \(settled.asked.count), by default \(whole.asked.count)")
    #expect(Array(settled.asked.prefix(2)) == ["pain_areas", "injury_recent"])
    let result = try settled.result()
    #expect(result.contains("KNEE PAIN\nMost likely behind it:"))
    #expect(try result == whole.result())
  }
}

extension PersonaTerminalTests {
  @Test("someone with no pain is asked nothing about 'this pain' or 'the painful leg', and is not told about their pain")
  func noPain() throws {
    let run = try Self.ask([], persona: "no-pain-nothing-to-find")
    defer { withExtendedLifetime(run) {} }
    let questions = run.screen.components(separatedBy: "That is every question")[0].replacingOccurrences(of: "\n", with: " ")
    for phrase in ["this pain", "painful leg", "painful knee", "your pain", "Along with this pain"] {
      #expect(!questions.contains(phrase), "asked about '\(phrase)'")
    }
    #expect(questions.contains("Have you had a fall, a twist, a blow or another injury in the last two weeks?"))
    #expect(questions.contains("You told us you have no pain at the moment. Which of these fits you?"))
    let result = try run.result().replacingOccurrences(of: "\n", with: " ")
    #expect(result.contains("You have not told us of any pain, so there is nothing for these questions to look into."))
    #expect(!result.contains("your pain") && !result.contains("upstream contributor"), "\(result)")
    // Every safety question that could raise a flag for her was still asked.
    let kb = FuzzHarness.bundled
    let full = AdaptivityReport.bundledCases().first { $0.id == "no-pain-nothing-to-find" }?.answers ?? Answers()
    var session = QuestionnaireSession(kb)
    while let question = session.currentQuestion, let answer = full[question.id] { try session.answer(answer) }
    #expect(run.asked == session.replies.map(\.question))
  }
}
