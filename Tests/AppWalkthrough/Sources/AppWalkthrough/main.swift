// The app's-eye walkthrough: the Swift code of README.md's "Embed the library" and of the
// DocC articles GettingStartedInAnApp.md and RunningAQuestionnaire.md
// (Sources/Upstream/Upstream.docc), verbatim, each under a comment naming where it comes
// from, compiled against Upstream's public API as an app's package would. Between the
// snippets: the checks a person using the app would make by eye, and the glue that plays
// the person (answers, typed replies). At the end, every ```swift block of those three
// files is looked up here, so a snippet edited in one place and not the other fails.
//
// Run it with `.ci/docs`, or: swift run --package-path Tests/AppWalkthrough
// (`--verbose` also prints everything the examples print).

import Foundation

// MARK: - What the examples print, and the checks

/// Everything the examples print, so the checks can read what a person would see.
enum Shown {
  nonisolated(unsafe) static var lines: [String] = []
  static let verbose = CommandLine.arguments.contains("--verbose")

  /// Everything printed since `start` (an index into `lines`), as one text.
  static func text(since start: Int) -> String { lines[start...].joined(separator: "\n") }
}

/// The examples' `print`: kept for the checks, and shown with `--verbose`.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
  let text = items.map { "\($0)" }.joined(separator: separator)
  Shown.lines.append(contentsOf: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
  if Shown.verbose { Swift.print(text, terminator: terminator) }
}

enum Walkthrough {
  nonisolated(unsafe) static var checks = 0
  nonisolated(unsafe) static var failures: [String] = []
  nonisolated(unsafe) static var section = ""
}

/// Checks one thing a person would notice.
func expect(_ holds: Bool, _ what: String, line: UInt = #line) {
  Walkthrough.checks += 1
  if holds {
    Swift.print("  ok   \(what)")
  } else {
    let failure = "main.swift:\(line): \(Walkthrough.section): \(what)"
    Walkthrough.failures.append(failure)
    Swift.print("  FAIL \(what)  (main.swift:\(line))")
  }
}

/// Starts a part of the walkthrough.
func section(_ name: String) {
  Walkthrough.section = name
  Swift.print("\n\(name)")
}

/// Runs one article's code; an error nobody caught is a failure, not a crash.
func article(_ name: String, _ body: () throws -> Void) {
  section(name)
  do {
    try body()
  } catch {
    expect(false, "no unexpected error (got: \(error))")
  }
}

/// The repository: this file is Tests/AppWalkthrough/Sources/AppWalkthrough/main.swift.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let rulesFolder = repository.appendingPathComponent("rules").path

section("README.md: Embed the library")
let readmeStart = Shown.lines.count

// MARK: - README.md, "A five-minute tour", 5. Embed the library

import Upstream

let loaded = KnowledgeBase.bundled()            // compiled once per process; or .load(directory:), .compile(_:)
guard let knowledgeBase = loaded.knowledgeBase else {
  fatalError(DiagnosticRenderer(sources: loaded.files).text(loaded.diagnostics))
}
var answers = Answers()
answers["pain_areas"] = .options(["hip"])
answers["arch_shape"] = .option("flat")
answers["sitting_hours"] = .number(11)
// Every answer is checked first: a misspelt id or option throws AnswersRejected with
// every problem (and a "did you mean"), never a silently dropped answer.
let assessment = try knowledgeBase.assess(answers)
for flag in assessment.raisedRedFlags {          // red flags first: they need a clinician
  print(flag.redFlag.name, flag.urgency.description, flag.advice)
}
for likely in assessment.likelyFindings {        // complaints and their upstream contributors
  print(likely.finding.name, likely.certainty)
}
print(TreeTextRenderer(audience: .patient).render(assessment.tree))

// MARK: README checks

do {
  let readme = Shown.text(since: readmeStart)
  let hip = assessment.tree.complaints.first { $0.id == "hip_pain" }
  let hipContributors = hip?.contributors.map(\.id) ?? []
  expect(hip != nil, "the trucker's hip pain is a complaint in the tree")
  expect(hipContributors.contains("collapsed_arches"), "flat arches are a contributor to the hip pain (got \(hipContributors))")
  expect(
    hipContributors.contains { ["prolonged_sitting", "tight_hip_flexors"].contains($0) },
    "eleven hours of sitting gives a contributor to the hip pain (got \(hipContributors))")
  expect(assessment.raisedRedFlags.isEmpty && assessment.careLevel == .selfCare, "no red flag is raised by these answers")
  expect(readme.contains("Collapsed arches"), "the patient's report names collapsed arches")
  expect(
    !assessment.tree.unansweredSafetyQuestions.isEmpty,
    "with only three answers the tree lists the safety questions left open")
}

// MARK: - GettingStartedInAnApp.md

article("GettingStartedInAnApp.md") {
  var start = Shown.lines.count

  // MARK: GettingStartedInAnApp.md, "Load the knowledge base once"

  /// The screening knowledge base, shared by every screen of the app.
  enum Screening {
    static let knowledgeBase: KnowledgeBase = {
      let loaded = KnowledgeBase.bundled()
      guard let knowledgeBase = loaded.knowledgeBase else {
        // The bundled rules are checked before Upstream is released, so this does not
        // happen with them; rules of your own can fail to compile (see below).
        fatalError(DiagnosticRenderer(sources: loaded.files).text(loaded.diagnostics))
      }
      return knowledgeBase
    }()
  }

  expect(Screening.knowledgeBase === KnowledgeBase.bundled().knowledgeBase, "bundled() hands back the same knowledge base")

  // MARK: GettingStartedInAnApp.md, "Load the knowledge base once" (rules of your own)

  let ownRules = KnowledgeBase.load(directory: rulesFolder)
  if ownRules.knowledgeBase == nil {
    print(DiagnosticRenderer(sources: ownRules.files).text(ownRules.diagnostics))
  }

  expect(
    ownRules.knowledgeBase?.questions.map(\.id) == Screening.knowledgeBase.questions.map(\.id),
    "load(directory:) of rules/ gives the bundled questions")
  let broken = KnowledgeBase.compile([SourceFile(path: "draft.rules", text: "question arch_shape: choise\n")])
  let report = DiagnosticRenderer(sources: broken.files).text(broken.diagnostics)
  expect(broken.knowledgeBase == nil && report.contains("draft.rules:1:"), "a broken rule file is refused, with file:line")

  // MARK: GettingStartedInAnApp.md, "Describe the answers"

  start = Shown.lines.count
  var answers = Answers()
  answers["pain_areas"] = .options(["hip"])      // choices: option ids
  answers["arch_shape"] = .option("flat")         // choice: one option id
  answers["sitting_hours"] = .number(11)          // number, 0 to 24 hours
  answers["sits_without_break"] = .yes            // yes/no
  answers["ankle_stiff"] = .notSure               // allowed here: `not sure allowed`

  if let question = Screening.knowledgeBase.question("arch_shape") {
    print(question.wording)                      // "Stand barefoot. How do the arches…"
    print(question.kind.options.map(\.id))       // ["flat", "normal", "high_arched"]
  }

  expect(Shown.text(since: start).contains(#"["flat", "normal", "high_arched"]"#), "arch_shape's options are listed")
  expect(Screening.knowledgeBase.validate(answers).isEmpty, "the answers fit the knowledge base")

  // MARK: GettingStartedInAnApp.md, "Describe the answers" (JSON)

  let json = #"{"pain_areas": ["hip"], "arch_shape": "flat", "sitting_hours": 11}"#
  let read = try Screening.knowledgeBase.readAnswers(SourceFile(path: "answers.json", text: json))
  print(read.warnings.count)                    // e.g. a QuestionnaireResponse not `completed`

  expect(read.answers["arch_shape"] == .option("flat") && read.answers["sitting_hours"] == .number(11), "JSON answers are read")
  do {
    _ = try Screening.knowledgeBase.readAnswers(SourceFile(path: "bad.json", text: #"{"arch_shape": "flatt"}"#))
    expect(false, "a misspelt option in JSON is refused")
  } catch let rejected as AnswersRejected {
    expect(rejected.problems.first?.range.start.line == 1, "a misspelt option in JSON is refused, with its place")
  }

  // MARK: GettingStartedInAnApp.md, "Assess, and handle answers that do not fit"

  func assess(_ answers: Answers) -> Assessment? {
    do {
      return try Screening.knowledgeBase.assess(answers)
    } catch {
      // `error` is an AnswersRejected (typed throws): every problem at once.
      for problem in error.problems {
        print(problem.message)                 // "question 'arch_shape' has no option 'flatt'; …"
        if let fix = problem.fix {
          print("  \(fix.message)")           // "did you mean 'flat'?"
        }
      }
      return nil
    }
  }

  start = Shown.lines.count
  var misspelt = answers
  misspelt["arch_shape"] = .option("flatt")
  misspelt["sitting_hour"] = .number(11)
  expect(assess(misspelt) == nil, "a misspelt option is refused: nothing is assessed")
  let refusal = Shown.text(since: start)
  expect(refusal.contains("has no option 'flatt'"), "the refusal names the misspelt option")
  expect(refusal.contains("did you mean 'flat'?"), "the refusal says \"did you mean 'flat'?\"")
  expect(refusal.contains("did you mean 'sitting_hours'?"), "a misspelt question id is refused in the same go, with a did-you-mean")
  do {
    _ = try Screening.knowledgeBase.assess(misspelt)
  } catch let rejected as AnswersRejected {
    expect(rejected.problems.count == 2, "AnswersRejected lists both problems at once")
  }

  // MARK: GettingStartedInAnApp.md, "Read red flags first"

  func show(_ assessment: Assessment) {
    if assessment.careLevel != .selfCare {
      let mostUrgent = assessment.raisedRedFlags.first?.urgency   // most urgent first
      for raised in assessment.raisedRedFlags where raised.urgency == mostUrgent {
        print("See a clinician (\(raised.urgency.description)): \(raised.redFlag.name)")
        print(raised.advice)                         // one place to go: not a lower flag's too
      }
      if mostUrgent?.withholdsSelfCare == true { return }  // today or now: nothing else beside it
    }
    let tree = assessment.tree                    // built afresh on each use: keep it
    if !tree.unansweredSafetyQuestions.isEmpty {
      print("\(tree.unansweredSafetyQuestions.count) safety questions are unanswered: no red flag is ruled out.")
    }
    for likely in assessment.likelyFindings where likely.finding.kind == .contributor {
      print("Likely contributor: \(likely.finding.name)")      // most certain first
    }
    for recommendation in assessment.givenRecommendations {
      print("Try: \(recommendation.title)" + (recommendation.dose.map { ", \($0)" } ?? ""))
    }
  }

  // A red flag: numbness in the saddle area. The person must see that first, and be
  // given nothing to try at home.
  var redFlagAnswers = answers
  redFlagAnswers["saddle_numbness"] = .yes
  if let urgent = assess(redFlagAnswers) {
    start = Shown.lines.count
    show(urgent)
    let shown = Shown.lines[start...]
    expect(urgent.careLevel != .selfCare, "a red-flag answer makes the care level \(urgent.careLevel.rawValue), not self-care")
    expect(shown.first?.hasPrefix("See a clinician") == true, "the red flag is the first thing shown")
    expect(urgent.givenRecommendations.isEmpty, "no self-care advice is given under the red flag")
    expect(!shown.contains { $0.hasPrefix("Try: ") }, "nothing to try at home is shown")
    let tree = urgent.tree
    expect(!tree.withheld.isEmpty && tree.safetyNetting.isEmpty, "the tree lists the advice withheld, and no self-care safety netting")
  } else {
    expect(false, "answers with a red flag are assessed")
  }

  // MARK: GettingStartedInAnApp.md, "Render the result for the person"

  start = Shown.lines.count
  guard let result = assess(answers) else { return }
  show(result)
  let tree = result.tree
  let text = TreeTextRenderer(audience: .patient, width: 60).render(tree)   // a text view
  let page = TreeHTMLRenderer(audience: .patient).render(tree)              // a web view: one self-contained page
  let notes = TreeMarkdownRenderer(audience: .clinician).render(tree)       // a referral letter
  let record = AssessmentJSONRenderer().render(result)                      // a server: Docs/OutputFormat.md

  let shown = Shown.text(since: start)
  expect(shown.contains("Likely contributor: Collapsed arches"), "the trucker is told collapsed arches are a likely contributor")
  expect(shown.contains("safety questions are unanswered"), "the open safety questions are shown")
  expect(!result.givenRecommendations.isEmpty && shown.contains("Try: "), "something to try is shown")
  expect(text.contains("Collapsed arches") && !text.contains("foot-to-hip.rules"), "the patient's text names the contributor, not rule files")
  expect(text.split(separator: "\n").allSatisfy { $0.count <= 60 }, "the patient's text fits 60 columns")
  expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("Collapsed arches"), "the web page is a whole HTML page")
  expect(notes.contains("foot-to-hip.rules:"), "the clinician's Markdown cites rule files and lines")
  let parsed = try? JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any]
  expect(parsed != nil, "the JSON record is a JSON object")
  let decoded = try JSONDecoder().decode(RecommendationTree.self, from: JSONEncoder().encode(tree))
  expect(decoded == tree, "the tree round-trips through JSONEncoder and JSONDecoder")

  // MARK: GettingStartedInAnApp.md, "Explain a conclusion"

  start = Shown.lines.count
  if let why = result.explain("collapsed_arches") {
    print(WhyTextRenderer(audience: .patient).render(why))
  }
  if let whyNot = result.whyNot("poor_ankle_mobility") {
    for candidate in whyNot.candidates {
      for change in candidate.wouldFireWith {
        print("\(change.wording) → \(change.suggestedText)")
      }
    }
  }

  let explained = Shown.text(since: start)
  expect(explained.contains("flat") || explained.contains("Flat"), "why collapsed arches: back to the flat-arches answer")
  expect(explained.contains("Do your ankles feel stiff?"), "why not poor ankle mobility: the stiff-ankle question would decide it")

  // MARK: GettingStartedInAnApp.md, "Explain a conclusion" (an id that cannot be explained)

  start = Shown.lines.count
  do throws(Assessment.UnexplainableID) {
    let why = try result.explanation(of: "colapsed_arches")
    print(WhyTextRenderer(audience: .patient).render(why))
  } catch {
    print(error)          // "… no finding, red flag, recommendation or score 'colapsed_arches' (did you mean 'collapsed_arches'?)"
    print(error.didYouMean ?? "")                 // "collapsed_arches"
  }

  let typo = Shown.text(since: start)
  expect(result.explain("colapsed_arches") == nil, "explain(_:) of a misspelt id is nil")
  expect(
    typo.contains("no finding, red flag, recommendation or score 'colapsed_arches' (did you mean 'collapsed_arches'?)"),
    "explanation(of:) of a misspelt id says which id, and \"did you mean 'collapsed_arches'?\"")
  expect((try? result.explanation(of: "collapsed_arches")) == result.explain("collapsed_arches"), "explanation(of:) of a known id is explain(_:)'s")

  // MARK: GettingStartedInAnApp.md, "Explain a conclusion" (what if)

  start = Shown.lines.count
  var ankleStiff = answers
  ankleStiff["ankle_stiff"] = .yes
  if let after = assess(ankleStiff) {
    print(result.certainty(of: "poor_ankle_mobility") ?? 0, "→", after.certainty(of: "poor_ankle_mobility") ?? 0)
  }

  let before = result.certainty(of: "poor_ankle_mobility") ?? 0
  let after = assess(ankleStiff)?.certainty(of: "poor_ankle_mobility") ?? 0
  expect(after > before, "stiff ankles raise poor ankle mobility (\(before) → \(after))")
}

// MARK: - RunningAQuestionnaire.md

/// What the trucker types, question by question. A safety question not listed here is
/// answered "no" (or "none"); any other question not listed is skipped.
let typedReplies: [String: String] = [
  "pain_areas": "hip",
  "arch_shape": "fl",
  "sitting_hours": "11 hours",
  "occupation": "1",
  "shoe_type": "stiff",
  "ankle_stiff": "y",
  "sits_without_break": "yes",
  "age": "52",
  "pain_duration": "6 weeks to 3 months",
  "single_leg_stance_seconds": "40 s",
]

article("RunningAQuestionnaire.md") {
  // MARK: RunningAQuestionnaire.md, "Start a session"

  guard let knowledgeBase = KnowledgeBase.bundled().knowledgeBase else {
    fatalError("the bundled rules do not compile")   // see Getting started: load it once
  }
  var session = QuestionnaireSession(knowledgeBase)          // or mode: .everyQuestion

  // MARK: RunningAQuestionnaire.md, "Show the current question"

  /// What one screen of the questionnaire shows.
  struct QuestionScreen {
    var heading: String
    var wording: String
    var options: [(id: String, label: String)]
    var expecting: String
    var help: String?
  }

  func screen(for session: QuestionnaireSession) -> QuestionScreen? {
    guard let question = session.currentQuestion else { return nil }   // complete
    let progress = session.progress
    return QuestionScreen(
      heading: "Question \(progress.number) of at most \(progress.atMost)"
        + (question.isRedFlagQuestion ? " · safety question" : ""),
      wording: question.wording,
      options: question.kind.options.map { ($0.id, $0.label) },
      expecting: TypedReply.expectation(question),   // "yes or no", "a number from 0 to 24 hours, or not sure"
      help: question.help)
  }

  let first = screen(for: session)
  expect(first?.heading.hasPrefix("Question 1 of at most ") == true, "the first screen says \"Question 1 of at most …\"")
  expect(first?.heading.hasSuffix("· safety question") == true, "the first question is a safety question")

  // MARK: RunningAQuestionnaire.md, "Take the reply"

  /// Handles one typed reply; returns what to tell the person, if anything.
  func reply(_ text: String, to session: inout QuestionnaireSession) -> String? {
    guard let question = session.currentQuestion else { return nil }
    do {
      switch TypedReply.read(text, for: question) {
      case .answer(let value): try session.answer(value)
      case .skip: try session.skip()
      case .back: return "Going back to: \(try session.undo().wording)"
      case .why: return session.why(question.id)?.lines.joined(separator: "\n")
      case .help: return question.help ?? "Please answer \(TypedReply.expectation(question))."
      case .quit: return "Stopped. Your answers so far are kept."
      case .invalid(let hint): return hint
      }
    } catch {
      return "Sorry: \(error)."                   // e.g. a safety question cannot be skipped
    }
    return nil
  }

  /// The person: types the reply for the current question. False (and a failed check)
  /// when the reply is not taken.
  func typeReply(_ session: inout QuestionnaireSession) -> Bool {
    guard let question = session.currentQuestion else { return false }
    var text = typedReplies[question.id] ?? "skip"
    if typedReplies[question.id] == nil, question.isRedFlagQuestion {
      switch question.kind {
      case .choices: text = "none"
      case .yesNo: text = "no"
      default: text = "not sure"
      }
    }
    if Shown.verbose { Swift.print("  \(screen(for: session)?.heading ?? ""): \(question.wording)\n  > \(text)") }
    if let said = reply(text, to: &session) {
      expect(false, "question '\(question.id)' takes the reply \"\(text)\" (was told: \(said))")
      return false
    }
    return true
  }

  let safety = session.currentQuestion!
  let refused = reply("skip", to: &session)
  expect(refused?.contains("cannot be skipped") == true, "a safety question cannot be skipped (\(refused ?? "nil"))")
  expect(session.currentQuestion == safety, "after a refused skip the same question is asked")

  // Through the safety questions to the arches.
  while let question = session.currentQuestion, question.id != "arch_shape", typeReply(&session) {}
  expect(session.currentQuestion?.id == "arch_shape", "after the safety questions and the pain areas, the arches are asked")
  expect(session.progress.atMost < session.progress.total, "the questionnaire asks fewer questions than the knowledge base has")

  let misspelt = reply("flatt", to: &session)
  expect(misspelt?.contains("Did you mean 'Flat") == true, "a misspelt option gets a hint naming the option it is closest to, by its label")
  let whyAsked = reply("why", to: &session)
  expect(whyAsked?.contains("Collapsed arches") == true, "\"why\" says the answer can change collapsed arches")
  expect(reply("fl", to: &session) == nil && session.answer(to: "arch_shape") == .option("flat"), "\"fl\" answers flat")
  let back = reply("back", to: &session)
  expect(back?.hasPrefix("Going back to: Stand barefoot") == true, "\"back\" goes back to the arches question")
  expect(session.currentQuestion?.id == "arch_shape" && session.answer(to: "arch_shape") == nil, "the arches are asked again")
  _ = typeReply(&session)

  // MARK: RunningAQuestionnaire.md, "Change an earlier answer"

  /// Changes an answer given earlier; returns what to tell the person, if anything.
  func change(_ questionID: String, to value: AnswerValue?, in session: inout QuestionnaireSession) -> String? {
    do {
      try session.revise(questionID, to: value)     // every other answer is kept
    } catch {
      return "Sorry: \(error)."                     // e.g. "… no question 'arch_shap' (did you mean 'arch_shape'?)"
    }
    if let warning = session.urgentWarnings.first {
      return "\(warning.redFlag.name): \(warning.advice)"   // tell them at once
    }
    return nil
  }

  let repliesBefore = session.replies
  let askingNext = session.currentQuestion
  let raised = change("saddle_numbness", to: .yes, in: &session)
  expect(raised?.contains("cauda equina") == true, "changing saddle numbness to yes tells the warning sign at once (\(raised ?? "nil"))")
  expect(session.assessment.careLevel == .emergency, "and the care level is an emergency")
  expect(session.replies.map(\.question) == repliesBefore.map(\.question), "the other replies are kept, in order")
  expect(change("saddle_numbness", to: .no, in: &session) == nil, "changing it back to no tells nothing")
  expect(session.replies == repliesBefore && session.currentQuestion == askingNext, "and the session is as it was")
  let typo = change("arch_shap", to: .option("normal"), in: &session)
  expect(typo?.contains("did you mean 'arch_shape'?") == true, "a misspelt question id gets a did-you-mean (\(typo ?? "nil"))")
  expect(change("saddle_numbness", to: nil, in: &session)?.contains("cannot be skipped") == true, "a safety question cannot be left unanswered")
  expect(session.questionToRevise("arch_shape")?.kind.options.count == 3, "the arches question can be changed, with its three options")

  // MARK: RunningAQuestionnaire.md, "Say why a question is asked"

  let whyStart = Shown.lines.count
  if let question = session.currentQuestion, let rationale = session.why(question.id) {
    for line in rationale.lines {
      print(line)        // "This is a safety question: it is asked before anything else, and cannot be skipped."
    }
    print(rationale.redFlags.map(\.name), rationale.findings.map(\.name))
  }

  expect(Shown.text(since: whyStart).contains("Your answer can still change:"), "why: what the answer can still change")

  // MARK: RunningAQuestionnaire.md, "Save and restore"

  let saved = try JSONEncoder().encode(session.savedState)
  // … later, perhaps after the app has been updated:
  let state = try JSONDecoder().decode(QuestionnaireSession.SavedState.self, from: saved)
  var restored = try QuestionnaireSession(knowledgeBase, restoring: state)

  expect(state == session.savedState, "savedState round-trips through JSONEncoder and JSONDecoder")
  expect(restored.replies == session.replies && restored.answers == session.answers, "the restored session has every reply")
  expect(restored.currentQuestion == session.currentQuestion, "the restored session asks the same question next")
  expect(restored.progress == session.progress, "the restored session shows the same progress")

  // The person carries on in the restored session, to the end.
  while restored.currentQuestion != nil, typeReply(&restored) {}

  // MARK: RunningAQuestionnaire.md, "Show the result"

  let resultStart = Shown.lines.count
  if restored.isComplete {
    let tree = restored.assessment.tree
    for flag in tree.redFlags {
      print("\(flag.name): \(flag.advice)")
    }
    print(TreeTextRenderer(audience: .patient, width: 60).render(tree))
  }

  expect(restored.isComplete, "the questionnaire comes to an end")
  expect(restored.progress.number < knowledgeBase.questions.count, "it asked \(restored.progress.number) of \(knowledgeBase.questions.count) questions")
  let assessed = try knowledgeBase.assess(restored.answers)
  expect(restored.assessment.tree == assessed.tree, "the finished questionnaire's tree is the tree assess(_:) gives for its answers")
  expect(
    (try QuestionnaireSession.answering(restored.answers, with: knowledgeBase)).assessment.tree == assessed.tree,
    "answering(_:with:) runs the same session from known answers")
  expect(restored.assessment.careLevel == .selfCare, "the trucker answered no to every safety question: self-care")
  expect(Shown.text(since: resultStart).contains("Collapsed arches"), "the result names collapsed arches")
  expect(restored.assessment.tree.unansweredSafetyQuestions.isEmpty, "every safety question was asked and answered")

  // MARK: RunningAQuestionnaire.md, "When the questionnaire is not for the person"

  /// What to show once the questions stop: the result, or why there is none.
  func ending(of session: QuestionnaireSession) -> String? {
    if let ended = session.outOfScope {
      return ended.message                          // not for this person (an age under 16): no result
    }
    guard session.isComplete else { return nil }    // still asking
    return TreeTextRenderer(audience: .patient, width: 60).render(session.assessment.tree)
  }

  expect(ending(of: restored)?.contains("Collapsed arches") == true, "a complete session ends with its result")
  var child = QuestionnaireSession(knowledgeBase)
  while let question = child.currentQuestion, question.id != "age", typeReply(&child) {}
  expect(child.currentQuestion?.id == "age", "a 15-year-old comes to the age question")
  expect(ending(of: child) == nil, "while questions are asked, nothing ends")
  expect(reply("15", to: &child) == nil, "15 is taken as the age given, not refused as a slip")
  expect(child.currentQuestion == nil && !child.isComplete, "the session has ended, with no result")
  expect(ending(of: child)?.hasPrefix("Upstream is for people aged 16 and over") == true, "it ends with the rules' words")
  expect(child.answer(to: "age") == nil, "the age is never an answer")
  let endedState = try QuestionnaireSession(knowledgeBase, restoring: child.savedState)
  expect(endedState.outOfScope == child.outOfScope, "the saved state restores the ended session")
  _ = try child.undo()
  expect(child.currentQuestion?.id == "age" && child.outOfScope == nil, "undo asks the age again")
}

// MARK: - The snippets are the documents' code, word for word

section("The documents' code is this file's code")
do {
  let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
  let here = source.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
  let documents = [
    "README.md", "Sources/Upstream/Upstream.docc/GettingStartedInAnApp.md",
    "Sources/Upstream/Upstream.docc/RunningAQuestionnaire.md",
  ]
  for document in documents {
    let text = try String(contentsOf: repository.appendingPathComponent(document), encoding: .utf8)
    let snippets = swiftBlocks(text)
    expect(!snippets.isEmpty, "\(document) has Swift code")
    for snippet in snippets {
      let lines = snippet.map { $0.trimmingCharacters(in: .whitespaces) }
      // A manifest excerpt is not app code; an import must stand at the top of a file.
      if lines.first?.hasPrefix("// Package.swift") == true { continue }
      let code = lines.filter { !$0.hasPrefix("import ") }
      // The longest run of the snippet's lines found here, from its first line.
      let matched = here.indices.map { start in
        zip(here[start...], code).prefix { $0 == $1 }.count
      }.max() ?? 0
      let differs = matched < code.count ? " (first line not matched: \"\(code[matched])\")" : ""
      expect(
        matched == code.count,
        "\(document): the snippet starting \"\(code.first { !$0.isEmpty } ?? "")\" is here, word for word\(differs)")
    }
  }
} catch {
  expect(false, "the documents can be read (\(error))")
}

/// The ```swift blocks of a Markdown text, each as its lines.
func swiftBlocks(_ markdown: String) -> [[String]] {
  var blocks: [[String]] = []
  var current: [String]?
  for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if current == nil, trimmed == "```swift" {
      current = []
    } else if current != nil, trimmed == "```" {
      blocks.append(current!)
      current = nil
    } else if current != nil {
      current!.append(line)
    }
  }
  return blocks
}

// MARK: - The verdict

if Walkthrough.failures.isEmpty {
  Swift.print("\nAppWalkthrough: all \(Walkthrough.checks) checks passed.")
} else {
  let message =
    "\nAppWalkthrough: \(Walkthrough.failures.count) of \(Walkthrough.checks) checks failed:\n"
    + Walkthrough.failures.map { "  \($0)\n" }.joined()
    + "(run with --verbose to see everything the examples print)\n"
  fflush(nil)  // the checks above first, then the verdict
  FileHandle.standardError.write(Data(message.utf8))
  exit(1)
}
