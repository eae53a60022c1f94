import Foundation
import Testing

@testable import Upstream

/// What the person is offered and told fits what they have already said: a follow-up
/// never offers an answer an earlier one rules out, the safety-netting advice names only
/// what can apply to them, and a resumed questionnaire never counts up (issue 14).
@Suite("what the person sees fits their answers")
struct PatientFitTests {
  /// The safety answers of a 45-year-old with knee pain and no diabetes, up to (not
  /// including) how long the pain has lasted: a session file as `upstream ask` keeps it.
  static func safetyAnswers(painAreas: [String]) -> String {
    let areas = painAreas.map { "\"\($0)\"" }.joined(separator: ", ")
    return """
      {"assessment date": "\(testDay)", "pain_areas": [\(areas)], "injury_recent": false, "saddle_numbness": false,
       "bladder_bowel_change": false, "leg_weakness_new": false, "cannot_take_four_steps": false, "age": 45,
       "fever_or_chills": false, "weight_loss_unexplained": false, "night_pain_constant": false,
       "joint_hot_swollen": false, "calf_swollen": false, "breathless_or_chest_pain": false, "diabetes": false, "feet_numb": false, "foot_black_or_cold": false, "major_trauma": false,
       "leg_short_or_turned": false, "nerve_warning_signs": []}

      """
  }

  // MARK: - A contradiction is not offered

  @Test("after a painful knee, 'How long have you had this pain?' does not offer 'no pain', and typing it is refused")
  func noPainNotOfferedAfterKneePain() throws {
    let folder = try TemporaryFolder()
    try folder.write("knee.json", Self.safetyAnswers(painAreas: ["knee"]))
    let session = folder.url.appendingPathComponent("knee.json").path
    let knee = try UpstreamBinary.run(["ask", "--resume", session], input: "no pain\n", environment: ["COLUMNS": "200"])
    #expect(knee.status == 0, "\(knee.errors)")
    #expect(
      knee.output.contains(
        """
        How long have you had this pain?
          1. Less than 6 weeks
          2. 6 weeks to 3 months
          3. More than 3 months, and it is slowly getting better
          4. More than 3 months, and it is not getting better
          (one option: its number (1–4) or its words)
        > no pain
        'no pain' is not one of the options; type its number (1–4) or words from it.
        """), "\(knee.output)")
    #expect(!knee.output.contains("I have no pain at the moment"))

    // Someone who said they have no pain is offered it, in words that fit them.
    try folder.write("none.json", Self.safetyAnswers(painAreas: []))
    let none = try UpstreamBinary.run(
      ["ask", "--resume", folder.url.appendingPathComponent("none.json").path], input: "",
      environment: ["COLUMNS": "200"])
    #expect(
      none.output.contains(
        "You told us you have no pain at the moment. Which of these fits you?\n  1. I have no pain at the moment\n"),
      "\(none.output)")
  }

  @Test("an answers file that chooses an option the other answers rule out gets a warning UP0417 at the answer")
  func answersFileContradictionWarned() throws {
    let folder = try TemporaryFolder()
    try folder.write("answers.json", "{\"pain_areas\": [\"knee\"], \"pain_duration\": \"no_pain\"}\n")
    let path = folder.url.appendingPathComponent("answers.json").path
    let result = try UpstreamBinary.run(["assess", "--answers", path, "--audience", "patient"])
    #expect(result.status == 0, "a warning does not stop the assessment")
    #expect(
      result.errors.contains(
        "\(path):1:26: warning[UP0417]: question 'pain_duration' offers 'no_pain' only when not (pain_areas includes lower_back or pain_areas includes upper_back or pain_areas includes hip or pain_areas includes knee or pain_areas includes foot), which the other answers rule out; its answer is kept, but check the two answers agree"
      ), "\(result.errors)")
    let agreeing = try UpstreamBinary.run(["assess", "--answers", "-"], input: "{\"pain_areas\": [], \"pain_duration\": \"no_pain\"}")
    #expect(!agreeing.errors.contains("UP0417"))
  }

  @Test("option when: the session offers only the options the answers leave open; the checker and fmt handle it")
  func optionWhenInTheRuleLanguage() throws {
    let rules = QuestionnaireFixtures.rules.replacingOccurrences(
      of: "  option high \"A very high arch\"\n",
      with: "  option high \"A very high arch\"\n    when not (pain includes hip)\n")
    #expect(rules.contains("when not (pain includes hip)"))
    let kb = try #require(KnowledgeBase.compile(files: [("q.rules", rules)]).knowledgeBase)
    var session = QuestionnaireSession(kb, mode: .everyQuestion)
    try session.answer(.options(["hip"]))
    try session.answer(.no)
    #expect(session.currentQuestion?.id == "arch")
    #expect(session.currentQuestion?.kind.options.map(\.id) == ["flat", "normal"])
    #expect(throws: QuestionnaireSession.Problem.self) { try session.answer(.option("high")) }
    #expect(
      throws: QuestionnaireSession.Problem.invalidAnswer(
        "question 'arch' offers 'high' only when not pain includes hip, which the other answers rule out")
    ) { try session.answer(.option("high")) }
    var back = QuestionnaireSession(kb, mode: .everyQuestion)
    try back.answer(.options(["back"]))
    try back.answer(.no)
    #expect(back.currentQuestion?.kind.options.map(\.id) == ["flat", "normal", "high"])

    // A misspelt question in the condition is reported where it is written, with a suggestion.
    let misspelt = rules.replacingOccurrences(of: "when not (pain includes hip)", with: "when not (pains includes hip)")
    let diagnostics = KnowledgeBase.compile(files: [("q.rules", misspelt)]).diagnostics
    let rendered = DiagnosticRenderer(sources: [SourceFile(path: "q.rules", text: misspelt)], colour: false).text(diagnostics)
    #expect(rendered.contains("q.rules:25:15: error[UP0101]: no question is called 'pains'"), "\(rendered)")
    #expect(rendered.contains("did you mean 'pain'?"), "\(rendered)")
    // The formatter keeps the condition under the option.
    let formatted = try #require(RuleFormatter.format(SourceFile(path: "q.rules", text: rules)).text)
    #expect(formatted.contains("  option high \"A very high arch\"\n         when not (pain includes hip)\n"), "\(formatted)")
    #expect(KnowledgeBase.compile(files: [("q.rules", formatted)]).knowledgeBase != nil)
  }

  // MARK: - Safety-netting fits the person

  /// The patient's "when to get help" section for these answers, one line per bullet.
  static func whenToGetHelp(_ answers: String) throws -> String {
    let result = try UpstreamBinary.run(
      ["assess", "--answers", "-", "--audience", "patient"], input: answers, environment: ["COLUMNS": "80"])
    #expect(result.status == 0, "\(result.errors)")
    let section = result.output.components(separatedBy: "WHEN TO GET HELP\n").dropFirst().first ?? ""
    return section.components(separatedBy: "\n\n")[0].replacingOccurrences(of: "\n  ", with: " ")
  }

  @Test("safety-netting: no diabetes line for someone without diabetes, no older-person line under 60, kept when not known")
  func safetyNettingTailored() throws {
    let whenToGetHelp = Self.whenToGetHelp
    let office = try whenToGetHelp("{\"pain_areas\": [\"knee\", \"lower_back\"], \"age\": 45, \"diabetes\": false}")
    #expect(!office.contains("diabetes"), "\(office)")
    #expect(!office.contains("older person"), "\(office)")
    #expect(office.contains("A fever, or you feel hot, shivery or unwell, with the pain."))
    #expect(office.contains("The pain is not better after about 6 weeks."))

    let older = try whenToGetHelp("{\"pain_areas\": [\"hip\"], \"age\": 72, \"diabetes\": true}")
    #expect(older.contains("An older person who cannot stand or walk after a fall."))
    #expect(older.contains("If you have diabetes: a new wound, or a red, hot or swollen foot."))

    // Not asked, not known: the lines stay.
    let unknown = try whenToGetHelp("{\"pain_areas\": [\"knee\"]}")
    #expect(unknown.contains("An older person who cannot stand or walk after a fall."))
    #expect(unknown.contains("If you have diabetes:"))
  }

  @Test("safety-netting does not tell a person to watch for a sign they have already reported")
  func safetyNettingLeavesOutSignsAlreadyGiven() throws {
    let had = try Self.whenToGetHelp(
      #"{"pain_areas": ["hip"], "age": 50, "night_pain_constant": true, "pain_duration": "over_3_months_improving", "#
        + #""leg_pain_pattern": ["limits_daily_life"]}"#)
    #expect(had.contains("See your GP or a physiotherapist"), "\(had)")
    #expect(!had.contains("Pain at night does not ease"), "\(had)")
    #expect(!had.contains("not better after about 6 weeks"), "\(had)")
    #expect(!had.contains("The pain stops you doing everyday things"), "\(had)")
    #expect(had.contains("The pain stops getting better, or gets worse."), "\(had)")
    #expect(had.contains("You lose weight without trying."), "not known, so kept: \(had)")
  }

  @Test("a complaint whose advice waits for the clinician says so, not 'we have no specific advice'")
  func adviceHeldBackIsNotNoAdvice() throws {
    // Hip pain that fits osteoarthritis and limits daily life: a routine referral holds back
    // the strengthening the weak-glutes finding calls for.
    let answers =
      #"{"pain_areas": ["hip"], "age": 60, "leg_pain_pattern": ["worse_with_activity", "limits_daily_life"], "#
      + #""single_leg_stance_seconds": 10, "pain_duration": "over_3_months_not_improving"}"#
    for format in ["text", "markdown", "html"] {
      let result = try UpstreamBinary.run(["assess", "--answers", "-", "--audience", "patient", "--format", format], input: answers)
      #expect(result.output.contains("Glute bridges"), "\(format): the held-back list names it")
      #expect(result.output.contains("What to do for this waits until a clinician has seen you"), "\(format): \(result.output)")
      #expect(!result.output.contains("We have no specific advice"), "\(format)")
    }
  }

  @Test("the patient's red-flag heading says how soon: now, today, or see a clinician first")
  func redFlagHeadingSaysHowSoon() throws {
    let headings = [
      (#"{"pain_areas": ["lower_back"], "saddle_numbness": true}"#, "GET HELP NOW"),
      (#"{"pain_areas": ["knee"], "fever_or_chills": true}"#, "SEE A DOCTOR TODAY"),
      (#"{"pain_areas": ["hip"], "pain_duration": "over_3_months_not_improving"}"#, "SEE A CLINICIAN FIRST"),
    ]
    for (answers, heading) in headings {
      let result = try UpstreamBinary.run(["assess", "--answers", "-", "--audience", "patient"], input: answers)
      let others = headings.map(\.1).filter { $0 != heading }
      #expect(result.output.contains("\n" + heading + "\n"), "\(answers): \(result.output)")
      #expect(others.allSatisfy { !result.output.contains($0) }, "\(answers)")
    }
  }

  @Test("safety-netting for someone who said they have no pain does not speak of 'the pain'")
  func safetyNettingWithoutPain() throws {
    let result = try UpstreamBinary.run(
      ["assess", "--answers", "-", "--audience", "patient"], input: "{\"pain_areas\": [], \"age\": 45, \"diabetes\": false}",
      environment: ["COLUMNS": "80"])
    let section = (result.output.components(separatedBy: "WHEN TO GET HELP\n").dropFirst().first ?? "")
      .replacingOccurrences(of: "\n  ", with: " ")
    #expect(section.contains("Get an appointment"), "\(result.output)")
    #expect(!section.contains("the pain"), "\(section)")
    #expect(!section.contains("The pain"), "\(section)")
    #expect(section.contains("A fever, or you feel hot, shivery or unwell, with new pain in a joint or your back."))
    #expect(section.contains("New pain that is not better after about 6 weeks."))
  }

  // MARK: - Resuming never counts up

  @Test("upstream ask --resume carries on the progress count: the count shown never rises across a resume")
  func resumeKeepsTheProgressCount() throws {
    let folder = try TemporaryFolder()
    let session = folder.url.appendingPathComponent("session.json").path
    // Knee and back pain: the count is held while the estimate is above it.
    let first = try UpstreamBinary.run(
      ["ask", "--session", session], input: "knee, back\nno\nno\n", environment: ["COLUMNS": "200"])
    #expect(first.status == 0, "\(first.errors)")
    let before = Self.counts(in: first.output)
    #expect(try AskCommandTests.file(session).contains("\"progress shown\": {"))
    let second = try UpstreamBinary.run(["ask", "--resume", session], input: "no\n", environment: ["COLUMNS": "200"])
    #expect(second.status == 0, "\(second.errors)")
    let after = Self.counts(in: second.output)
    let all = before + after
    #expect(before.count == 4 && after.count == 2, "\(all)")
    #expect(after.first?.number == before.last?.number, "the resumed session asks the question it stopped at")
    for (earlier, later) in zip(all, all.dropFirst()) {
      #expect(later.count <= earlier.count, "the count rose from \(earlier) to \(later): \(all)")
    }
    // Assessing the session file ignores the count.
    let assessed = try UpstreamBinary.run(["assess", "--answers", session])
    #expect(assessed.status == 0 && assessed.errors.isEmpty, "\(assessed.errors)")
  }

  /// Each progress line's question number and count, in order.
  static func counts(in output: String) -> [(number: Int, count: Int)] {
    output.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("Question "), let count = QuestionnaireSessionTests.count(in: String(line.split(separator: "·")[1]))
      else { return nil }
      return (Int(line.split(separator: " ")[1]) ?? 0, count)
    }
  }

  // MARK: - Wording

  @Test("the back-pain pattern question is plain to someone with back pain; the balance hint stops at 45 seconds as the question does")
  func backPainAndBalanceWording() throws {
    let kb = try #require(KnowledgeBase.bundled().knowledgeBase)
    var session = QuestionnaireSession(kb)
    try session.answer(.options(["lower_back"]))
    let pattern = try #require(kb.question("back_pain_pattern"))
    #expect(session.wording(of: pattern) == "Which of these are true of your back pain? Choose all that apply.")
    var knee = QuestionnaireSession(kb)
    try knee.answer(.options(["knee"]))
    #expect(knee.wording(of: pattern).hasPrefix("If you have back pain"))
    let balance = try #require(kb.question("single_leg_stance_seconds"))
    #expect(balance.wording.contains("up to 45"))
    #expect(TypedReply.expectation(balance) == "a whole number from 0 to 45 seconds; or not sure")
  }

  @Test("the job comes before the seat at work, and the seat question is put in the job's words")
  func jobBeforeSeat() throws {
    let kb = try #require(KnowledgeBase.bundled().knowledgeBase)
    var both = 0
    for mode in [QuestionnaireSession.Mode.untilAdviceSettled, .adaptive] {
      for testCase in AdaptivityReport.bundledCases() {
        let asked = try QuestionnaireSession.answering(testCase.answers, with: kb, mode: mode).replies.map(\.question)
        guard let seat = asked.firstIndex(of: "seat_setup_poor"), let job = asked.firstIndex(of: "occupation") else { continue }
        both += 1
        #expect(job < seat, "\(testCase.id) (\(mode)): the seat question was asked before the job")
      }
    }
    #expect(both > 0, "no shipped case is asked both")
    var office = QuestionnaireSession(kb)
    try office.answer(.options(["lower_back"]))
    let seat = try #require(kb.question("seat_setup_poor"))
    #expect(office.wording(of: seat).contains("pedals"))
    let deskAnswers = SourceFile(path: "a.json", text: "{\"pain_areas\": [\"lower_back\"], \"occupation\": \"desk\"}")
    let desk = try QuestionnaireSession.answering(try kb.readAnswers(deskAnswers).answers, with: kb)
    #expect(desk.wording(of: seat).hasPrefix("Is your chair or desk poorly set up for you"))
    #expect(!desk.wording(of: seat).contains("pedals"))
  }

  @Test("low back pain starts with staying active (first step), before any exercise for what lies behind it")
  func lowBackPainStartsWithStayingActive() throws {
    let persona = UpstreamBinary.packageRoot
      .appendingPathComponent("rules/cases/office-worker-knee-on-stairs-back-stiff-after-sitting.case").path
    let result = try UpstreamBinary.run(["assess", "--answers", persona, "--audience", "patient", "--width", "80"])
    #expect(result.status == 0, "\(result.errors)")
    let back = result.output.components(separatedBy: "LOWER BACK PAIN\n").dropFirst().first ?? ""
    #expect(
      back.contains("Start with: Stay active and look after your back yourself — keep to your usual\nactivities as far as you can, every day."),
      "\(result.output)")
    #expect(result.output.contains("KNEE PAIN\n"))
    #expect(result.output.contains("Start with: Glute bridges"), "the knee keeps its own first step")
  }
}
