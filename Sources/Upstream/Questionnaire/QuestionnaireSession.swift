import Foundation

// MARK: - The questionnaire session

/// One person's way through the questionnaire: which question comes next, their replies,
/// going back, why a question is asked, progress, and the assessment so far.
///
/// Red-flag questions come first and are always asked. After them the session is
/// adaptive: it asks only questions that can still change the result,
/// skips a question whose `ask when` is false, and asks first the questions that bear on
/// the most undecided rules, so the leading contributors settle early. The mode says
/// when it stops: in `.adaptive` mode once no answer can change anything in the
/// assessment; in `.untilAdviceSettled` mode once no answer can change what the person
/// is shown (the red flags and the patient's report). In `.everyQuestion` mode it asks
/// every question whose `ask when` allows, in the order the knowledge base declares them.
///
/// The session is a value with no input or output of its own: the terminal front end
/// (`upstream ask`) is a thin layer on it, and an app can drive it from its own screens.
/// ``savedState`` is what to keep to carry on later (``init(_:restoring:)``).
///
/// A session ends in one of two ways: complete (``isComplete``: show the result), or
/// because an answer showed that the knowledge base is not for this person
/// (``outOfScope``: a number below a range the rules mark with `below range "…"`, such as
/// an age under 16; show its message and no result).
public struct QuestionnaireSession: Sendable {
  /// Which questions the session asks.
  public enum Mode: String, Sendable, Hashable, Codable {
    /// Red-flag questions, then only questions that can still change the result: it
    /// stops when no answer can change anything in the assessment (every finding's
    /// certainty, every score, every rule), so the clinician's tree is the same as with
    /// every question answered.
    case adaptive
    /// Red-flag questions, then only questions that can still change the advice shown:
    /// it stops when no answer can change the red flags raised or anything the patient's
    /// report says (the plan per complaint, the recommendations with their doses and
    /// instructions, what is withheld, the scores' bands). Asks fewer questions than
    /// `.adaptive`. The clinician's tree then gives each finding the certainty the answers
    /// given support (more answers could move the number, not its words), shows a score
    /// whose unanswered items could change it as incomplete with its range, and lists
    /// the questions that were answered.
    case untilAdviceSettled = "until-advice-settled"
    /// Every question whose `ask when` allows.
    case everyQuestion = "every-question"
  }

  /// One reply: an answer, or nil for a question the person skipped.
  public struct Reply: Sendable, Hashable, Codable {
    public let question: String
    public let answer: AnswerValue?

    public init(question: String, answer: AnswerValue?) {
      self.question = question
      self.answer = answer
    }
  }

  /// How far the person has come.
  public struct Progress: Sendable, Hashable {
    /// The number of the question being asked (the number answered, once complete).
    public let number: Int
    /// The most questions the session can ask in all, given the answers so far.
    public let atMost: Int
    /// Every question in the knowledge base.
    public let total: Int
  }

  /// The progress line a person reads, `Question 5 · about 12 more`, from
  /// ``remainingToShow()`` (which runs the session on, so an app shows it once per
  /// question, and which remembers what it showed, so the count never rises); once the
  /// session is complete, `All done · 12 questions answered` (and how many were skipped).
  public mutating func progressLine() -> String { progressLine(shown: remainingToShow()) }

  /// The progress line for a ``remainingToShow()`` already worked out (a page that also
  /// draws a progress bar runs the session on once, not twice). A count held down to 0
  /// while more may come says "nearly done", not "probably the last"; a complete session
  /// says it is done, with how many questions were answered and skipped.
  package func progressLine(shown: Int) -> String {
    if isComplete { return doneLine }
    if outOfScope != nil { return "Ended · " + answeredCount }
    let number = progress.number
    switch shown {
    case 0 where lastShown?.held == true: return "Question \(number) · nearly done"
    case 0: return "Question \(number) · probably the last"
    case 1: return "Question \(number) · about 1 more"
    case let more: return "Question \(number) · about \(more) more"
    }
  }

  /// The progress line of a complete session: `All done · 12 questions answered, 1 skipped`.
  private var doneLine: String { "All done · " + answeredCount }

  /// How many questions were answered and skipped: `12 questions answered, 1 skipped`.
  private var answeredCount: String {
    let skippedCount = replies.count { $0.answer == nil }
    let answered = replies.count - skippedCount
    let questions =
      switch answered {
      case 0: "no questions answered"
      case 1: "1 question answered"
      default: "\(answered) questions answered"
      }
    return questions + (skippedCount == 0 ? "" : ", \(skippedCount) skipped")
  }

  /// The count of questions likely left that a person is shown now: ``likelyRemaining()``,
  /// but never more than was shown with an earlier question (plus one for each answer
  /// taken back since), so as the person answers the count only goes down; when the
  /// estimate rises, the count shown stays where it was. A front end calls it once for
  /// each question it shows; the session remembers what it returned (in ``savedState``
  /// too, so a page loaded again or a resumed web session carries on from it). A complete
  /// session has none left: 0, and nothing is remembered (going back from the end carries
  /// on from the count shown with the last question). An answer changed with
  /// ``revise(_:to:)`` starts the count afresh.
  public mutating func remainingToShow() -> Int {
    guard plan.next != nil else { return 0 }
    let estimate = likelyRemaining()
    let number = progress.number
    var shown = estimate
    if let last = lastShown {
      let ceiling = last.count + max(0, last.number - number)
      shown = min(estimate, ceiling)
    }
    lastShown = ShownProgress(number: number, count: shown, held: shown < estimate)
    return shown
  }

  /// The count last shown, with the question number it was shown with, and whether it was
  /// held down below the estimate.
  public struct ShownProgress: Sendable, Hashable, Codable {
    /// The number of the question it was shown with.
    public let number: Int
    /// The count of questions likely left that was shown.
    public let count: Int
    /// Whether the count was held below the estimate (which had risen).
    public let held: Bool

    /// As a session file keeps it.
    var json: JSONValue {
      .object([("number", .number(Double(number))), ("count", .number(Double(count))), ("held", .bool(held))])
    }
  }

  /// Why the session refused a step.
  public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every question needed has been answered.
    case complete
    /// The answer does not fit the question; the message says what was expected.
    case invalidAnswer(String)
    /// Red-flag questions are never skipped.
    case safetyQuestionCannotBeSkipped(String)
    /// There is no earlier reply to go back to.
    case nothingToUndo
    /// A reply names a question the knowledge base does not have; the closest question id,
    /// when one is close enough to be a typo.
    case unknownQuestion(String, didYouMean: String? = nil)
    /// ``QuestionnaireSession/revise(_:to:)`` names a question with no reply yet to change
    /// (it is answered when it is asked).
    case notAnsweredYet(String)
    /// A saved session this version cannot read; the message says why.
    case unreadableSavedState(String)
    /// The session has ended because an answer showed that the knowledge base is not for
    /// this person (``QuestionnaireSession/outOfScope``); the message is what to tell them.
    case outOfScope(String)

    public var description: String {
      switch self {
      case .complete: "every question needed has been answered"
      case .invalidAnswer(let message): message
      case .safetyQuestionCannotBeSkipped(let id):
        "question '\(id)' is a safety question: it is asked of everyone and cannot be skipped"
      case .nothingToUndo: "there is no earlier answer to change"
      case .unknownQuestion(let id, let closest):
        "the knowledge base has no question '\(id)'" + (closest.map { " (did you mean '\($0)'?)" } ?? "")
      case .notAnsweredYet(let id): "question '\(id)' has not been answered yet, so there is no answer to change"
      case .unreadableSavedState(let message): message
      case .outOfScope(let message): "the questionnaire has ended: \(message)"
      }
    }
  }

  public let knowledgeBase: KnowledgeBase
  public let mode: Mode
  /// Every reply so far, in order.
  public private(set) var replies: [Reply] = []
  /// The answers so far (skipped questions are left out).
  public private(set) var answers = Answers()

  /// The day the answers are given, which date conditions (`q more than 6 weeks ago`)
  /// count back from; nil leaves those conditions unknown. An input, never the clock.
  public var assessmentDate: CalendarDay? {
    get { answers.assessmentDate }
    set {
      answers.assessmentDate = newValue
      replan()
    }
  }
  /// The assessment of the answers so far.
  public private(set) var assessment: Assessment

  /// Set when an answer showed that the knowledge base is not for this person: a number
  /// below the range of a question whose rules say `below range "…"` (an age under 16),
  /// or above one with `above range "…"`. The session has then ended: there is no
  /// ``currentQuestion``, ``isComplete`` is false, and ``answer(_:)`` and ``skip()`` throw
  /// ``Problem/outOfScope(_:)``. Show ``OutOfScope/message`` and no result: the number is
  /// kept among the ``replies`` (what the person said) but is never an answer, so
  /// ``assessment`` is of the other answers alone, worked out for the people the knowledge
  /// base is for. Any ``urgentWarnings`` the other answers raised still stand: tell them too.
  /// A slip (15 typed for 51) is put right with ``undo()``, when it was the last reply, or
  /// ``revise(_:to:)``, which carry on as for any reply.
  public private(set) var outOfScope: OutOfScope?

  /// Why a session ended before its questions did: the knowledge base is not for this
  /// person (``QuestionnaireSession/outOfScope``).
  public struct OutOfScope: Sendable, Hashable {
    /// The question whose answer ended the session.
    public let question: Question
    /// The number given, in the question's unit.
    public let number: Double
    /// What to tell the person, in the rules' words: who the knowledge base is for, and
    /// where to go instead.
    public let message: String
  }

  private var skipped: Set<String> = []
  /// The progress count last shown (``remainingToShow()``).
  private var lastShown: ShownProgress?
  /// A question the person went back to, asked next.
  private var returningTo: Int?
  private var plan = Plan(next: nil, remaining: 0)

  /// The next question and how many may still be asked.
  private struct Plan: Sendable {
    var next: Int?
    var remaining: Int
  }

  /// Starts a session with no answers.
  public init(_ knowledgeBase: KnowledgeBase, mode: Mode = .adaptive) {
    self.knowledgeBase = knowledgeBase
    self.mode = mode
    self.assessment = knowledgeBase.assess(validated: Answers())
    replan()
  }

  /// Resumes a session from earlier replies (a session file), checking each answer.
  public init(_ knowledgeBase: KnowledgeBase, resuming earlier: [Reply], mode: Mode = .adaptive) throws(Problem) {
    self.init(knowledgeBase, mode: mode)
    for reply in earlier {
      guard let question = knowledgeBase.question(reply.question) else { throw Self.unknown(reply.question, in: knowledgeBase) }
      if replies.contains(where: { $0.question == reply.question }) {
        throw Problem.invalidAnswer("question '\(reply.question)' is answered twice")
      }
      // A number that showed the knowledge base is not for the person is a reply, not an answer.
      if let number = Self.outOfScopeNumber(reply.answer, for: question) {
        replies.append(Reply(question: question.id, answer: .number(number)))
        continue
      }
      let answer = try Self.checked(reply.answer, for: question)
      replies.append(Reply(question: question.id, answer: answer))
      if let answer { answers[question.id] = answer } else { skipped.insert(question.id) }
    }
    replan()
  }

  // MARK: Where the person is

  /// The question to ask now, or nil when the session is complete: offering only the
  /// options the answers so far leave open (an option's `when`), so it never offers what
  /// an earlier answer contradicts.
  public var currentQuestion: Question? {
    plan.next.map { index in
      let question = knowledgeBase.questions[index]
      guard !question.optionConditions.isEmpty else { return question }
      return question.offering(knowledgeBase.offeredOptions(of: question, for: answers))
    }
  }

  /// Whether every question that could change the result has been asked: the result is
  /// ready. False for a session that ended because the knowledge base is not for the
  /// person (``outOfScope``), which has no result to show.
  public var isComplete: Bool { plan.next == nil && outOfScope == nil }

  /// The question's number and the most that may be asked.
  public var progress: Progress {
    Progress(
      number: replies.count + (plan.next == nil ? 0 : 1), atMost: replies.count + plan.remaining,
      total: knowledgeBase.questions.count)
  }

  /// How many questions are likely after the current one: the most, over the answers
  /// the current question can get (each option, or yes and no), of how many a person
  /// with nothing more to report would then be asked — the session run on answering "no"
  /// to yes/no questions and "none" to lists, and leaving numbers and single choices
  /// unanswered (which keeps what they could decide open). The estimate errs high, so the
  /// count a person is shown (``remainingToShow()``) can go down as they answer, not up.
  public func likelyRemaining() -> Int {
    guard let current = currentQuestion else { return 0 }
    let answers: [AnswerValue?] =
      switch current.kind {
      case .yesNo: [.yes, .no]
      case .choice(let options): options.map { .option($0.id) }
      case .choices(let options): [.options([])] + options.map { .options([$0.id]) }
      case .number, .scale, .text, .date: [nil]
      }
    var most = 0
    for answer in answers {
      var rest = self
      rest.record(current, answer)
      var count = 0
      while let question = rest.currentQuestion, rest.replies.count < replies.count + knowledgeBase.questions.count {
        rest.record(question, Self.unremarkableAnswer(question))
        count += 1
      }
      most = max(most, count)
    }
    return most
  }

  /// The answer of a person with nothing to report, where there is one.
  private static func unremarkableAnswer(_ question: Question) -> AnswerValue? {
    switch question.kind {
    case .yesNo: .no
    case .choices: .options([])
    case .number, .scale, .choice, .text, .date: nil
    }
  }

  /// The answer given to a question, if any.
  public func answer(to question: String) -> AnswerValue? { answers[question] }

  /// A question as put to this person: its `wording when` for their answers so far, if
  /// one fits (someone with no pain is not asked about "this pain"), else its wording.
  public func wording(of question: Question) -> String { knowledgeBase.wording(of: question, given: answers) }

  // MARK: Warnings to give at once

  /// A red flag the answers so far raise that needs a doctor now or today.
  public struct UrgentWarning: Sendable, Hashable {
    public let redFlag: RedFlag
    public let urgency: Urgency
    /// What to do, worded for the urgency.
    public var advice: String { redFlag.advice(at: urgency) }
  }

  /// The red flags raised so far that need a doctor now or the same day, at the most
  /// urgent level raised (an emergency leaves out a same-day sign: one place to go, not
  /// "an urgent care centre today" beside "call 999"), by id. A front end tells the person
  /// as soon as one appears, not only at the end, offers to stop there, and says it again
  /// if they stop before the end: whatever the other answers, the advice is to get seen.
  public var urgentWarnings: [UrgentWarning] {
    let urgent = assessment.redFlags.filter { $0.urgency.withholdsSelfCare }
    guard let most = urgent.map(\.urgency).min() else { return [] }
    return urgent.filter { $0.urgency == most }.map {
      UrgentWarning(redFlag: knowledgeBase.redFlags[$0.flag], urgency: $0.urgency)
    }
  }

  // MARK: Saving and restoring

  /// What a session needs to be restored: the replies in order and the mode, with the
  /// knowledge base they were given against.
  ///
  /// Encoded (with any `Encoder`) as `{"format": 1, "knowledgeBase": {"name", "version",
  /// "contentHash"}, "mode": "adaptive" | "until-advice-settled" | "every-question", "replies": [{"question", "answer"}],
  /// "assessmentDate": "YYYY-MM-DD", "progressShown": {"number", "count", "held"}}` (the
  /// date only when the session has one, the progress only once a count was shown);
  /// an answer encodes as `AnswerValue` does (true/false, a number, an option id, a list of
  /// option ids, "not sure"), a skipped question as no answer. `format` changes whenever
  /// the encoding does in a way older files cannot be read with (`progressShown`, which
  /// older files lack, did not change it).
  public struct SavedState: Sendable, Hashable, Codable {
    /// The knowledge base a session was run against.
    public struct KnowledgeBaseStamp: Sendable, Hashable, Codable {
      public let name: String
      public let version: String
      public let contentHash: String
    }

    /// The version of this encoding.
    public static let currentFormat = 1

    public let format: Int
    public let knowledgeBase: KnowledgeBaseStamp
    public let mode: Mode
    public let replies: [Reply]
    /// The day the answers are given (``QuestionnaireSession/assessmentDate``), so a
    /// resumed session counts date conditions back from the same day; nil when none was set.
    public let assessmentDate: CalendarDay?
    /// The progress count last shown, so a restored session never shows a higher one;
    /// nil when none was shown (files written before it was kept have none).
    public let progressShown: ShownProgress?
  }

  /// The session's replies and mode, to save and restore later with
  /// ``init(_:restoring:)``.
  public var savedState: SavedState {
    SavedState(
      format: SavedState.currentFormat,
      knowledgeBase: .init(
        name: knowledgeBase.header.name, version: knowledgeBase.header.version, contentHash: knowledgeBase.contentHash),
      mode: mode, replies: replies, assessmentDate: assessmentDate, progressShown: lastShown)
  }

  /// Restores a saved session (its assessment date included), checking every reply
  /// against the knowledge base as ``init(_:resuming:mode:)`` does. The knowledge base may have changed since (the
  /// stamp is information, not a lock): a reply it no longer accepts throws.
  public init(_ knowledgeBase: KnowledgeBase, restoring state: SavedState) throws(Problem) {
    guard state.format == SavedState.currentFormat else {
      throw Problem.unreadableSavedState(
        "this saved session is in format \(state.format); this version of Upstream reads format \(SavedState.currentFormat)")
    }
    try self.init(knowledgeBase, resuming: state.replies, mode: state.mode)
    if let day = state.assessmentDate { assessmentDate = day }
    lastShown = state.progressShown
  }

  /// The key of a session file that keeps the progress count last shown.
  package static let progressShownKey = "progress shown"

  /// The session as an answers file: question id → answer (null for skipped), in the order
  /// answered, after the assessment date and the progress count last shown
  /// (`"progress shown": {"number", "count", "held"}`, which assessing ignores), so a
  /// resumed session carries on counting down from it.
  package var json: JSONValue {
    let date = answers.assessmentDate.map { [(Answers.assessmentDateKey, JSONValue.string($0.description))] } ?? []
    let progress = lastShown.map { [(Self.progressShownKey, $0.json)] } ?? []
    return .object(date + progress + replies.map { ($0.question, $0.answer?.json ?? .null) })
  }

  /// Carries on from the progress count a session file says was shown last, so the count
  /// shown never rises across a resume (``init(_:restoring:)`` does the same for a saved state).
  package mutating func carryOn(fromShown shown: ShownProgress?) {
    if let shown { lastShown = shown }
  }

  // MARK: Replying

  /// Answers the current question.
  ///
  /// A number outside a range that the rules mark as who the knowledge base is for
  /// (`below range "…"`) is taken as a reply that ends the session (``outOfScope``), not
  /// refused: the person is not asked again.
  public mutating func answer(_ value: AnswerValue) throws(Problem) {
    guard let index = plan.next else { throw ended }
    let question = knowledgeBase.questions[index]
    if let number = Self.outOfScopeNumber(value, for: question) {
      replies.append(Reply(question: question.id, answer: .number(number)))
      returningTo = nil
      replan()
      return
    }
    guard let checked = try Self.checked(value, for: question) else { throw Problem.invalidAnswer("no answer given") }
    if let unoffered = knowledgeBase.unofferedOption(in: checked, to: question, given: answers) {
      throw Problem.invalidAnswer(unoffered)
    }
    record(question, checked)
  }

  /// Skips the current question, leaving its answer unknown. Red-flag questions cannot be
  /// skipped.
  public mutating func skip() throws(Problem) {
    guard let index = plan.next else { throw ended }
    let question = knowledgeBase.questions[index]
    guard !question.isRedFlagQuestion else { throw Problem.safetyQuestionCannotBeSkipped(question.id) }
    record(question, nil)
  }

  /// Goes back: takes back the last reply and returns its question, which is asked next.
  @discardableResult
  public mutating func undo() throws(Problem) -> Question {
    guard let last = replies.popLast(), let question = knowledgeBase.question(last.question) else { throw Problem.nothingToUndo }
    answers[question.id] = nil
    skipped.remove(question.id)
    returningTo = knowledgeBase.questions.firstIndex { $0.id == question.id }
    replan()
    return question
  }

  /// Changes the reply to a question answered (or skipped) earlier, in place, keeping every
  /// other reply, and chooses the next question again: what comes next may change, and a
  /// reply to a question the change makes irrelevant stays recorded as given.
  ///
  /// The new answer is checked as ``answer(_:)`` checks one: converted as an answers file's
  /// (`.option("yes")` to a yes/no question is `.yes`), and refused when it chooses an
  /// option the other answers rule out. `nil` leaves the question unanswered, as ``skip()``
  /// does, which a red-flag question refuses. A refused change leaves the session as it was.
  /// A number that shows the knowledge base is not for the person ends the session, as in
  /// ``answer(_:)``; changing that number to one in the range carries it on.
  /// The assessment, ``urgentWarnings`` included, follows at once; the count of questions
  /// left (``remainingToShow()``) starts afresh, as the change can open or close questions.
  public mutating func revise(_ questionID: String, to value: AnswerValue?) throws(Problem) {
    guard let question = knowledgeBase.question(questionID) else { throw Self.unknown(questionID, in: knowledgeBase) }
    guard let position = replies.firstIndex(where: { $0.question == question.id }) else {
      throw Problem.notAnsweredYet(question.id)
    }
    var others = answers
    others[question.id] = nil
    if let number = Self.outOfScopeNumber(value, for: question) {
      replies[position] = Reply(question: question.id, answer: .number(number))
      answers = others
      skipped.remove(question.id)
      lastShown = nil
      replan()
      return
    }
    let revised = try Self.checked(value, for: question)
    if let revised {
      if let unoffered = knowledgeBase.unofferedOption(in: revised, to: question, given: others) {
        throw Problem.invalidAnswer(unoffered)
      }
    } else if question.isRedFlagQuestion {
      throw Problem.safetyQuestionCannotBeSkipped(question.id)
    }
    replies[position] = Reply(question: question.id, answer: revised)
    answers = others
    if let revised {
      answers[question.id] = revised
      skipped.remove(question.id)
    } else {
      skipped.insert(question.id)
    }
    lastShown = nil
    replan()
  }

  /// A question answered (or skipped) earlier, as a screen for changing its answer shows
  /// it: offering only the options the other answers leave open, the ones
  /// ``revise(_:to:)`` accepts; nil when the question has no reply to change.
  public func questionToRevise(_ questionID: String) -> Question? {
    guard replies.contains(where: { $0.question == questionID }), let question = knowledgeBase.question(questionID) else { return nil }
    guard !question.optionConditions.isEmpty else { return question }
    var others = answers
    others[question.id] = nil
    return question.offering(knowledgeBase.offeredOptions(of: question, for: others))
  }

  /// The problem of a question id the knowledge base does not have, with the closest one.
  private static func unknown(_ questionID: String, in knowledgeBase: KnowledgeBase) -> Problem {
    .unknownQuestion(questionID, didYouMean: Suggestion.closest(to: questionID, in: knowledgeBase.questions.map(\.id)))
  }

  private mutating func record(_ question: Question, _ answer: AnswerValue?) {
    replies.append(Reply(question: question.id, answer: answer))
    if let answer { answers[question.id] = answer } else { skipped.insert(question.id) }
    returningTo = nil
    replan()
  }

  /// Why nothing more can be answered: the session is complete, or has ended because the
  /// knowledge base is not for the person.
  private var ended: Problem { outOfScope.map { .outOfScope($0.message) } ?? .complete }

  /// The number of a reply that shows the knowledge base is not for the person: outside
  /// the question's range on a side its rules mark (`below range "…"`).
  private static func outOfScopeNumber(_ value: AnswerValue?, for question: Question) -> Double? {
    guard case .number(let number)? = value, number.isFinite, question.outOfScopeMessage(for: number) != nil else { return nil }
    return number
  }

  /// The first reply, in order, that shows the knowledge base is not for the person.
  private static func outOfScope(in replies: [Reply], _ knowledgeBase: KnowledgeBase) -> OutOfScope? {
    for reply in replies {
      guard case .number(let number)? = reply.answer, let question = knowledgeBase.question(reply.question),
        let message = question.outOfScopeMessage(for: number)
      else { continue }
      return OutOfScope(question: question, number: number, message: message)
    }
    return nil
  }

  /// Checks an answer against its question, as an answers file would be.
  private static func checked(_ value: AnswerValue?, for question: Question) throws(Problem) -> AnswerValue? {
    guard let value else { return nil }
    switch AnswersReader.answer(value.json, to: question, at: .wholeFile("reply")) {
    case .success(let answer): return answer
    case .failure(let diagnostic): throw Problem.invalidAnswer(diagnostic.message)
    }
  }

  // MARK: Choosing the next question

  /// Re-assesses the answers so far and chooses the next question; none once a reply
  /// shows the knowledge base is not for the person.
  private mutating func replan() {
    outOfScope = Self.outOfScope(in: replies, knowledgeBase)
    if outOfScope != nil {
      assessment = knowledgeBase.assess(validated: answers)
      plan = Plan(next: nil, remaining: 0)
      return
    }
    let (assessment, plan) = Self.plan(knowledgeBase, mode, answers, skipped: skipped, returningTo: returningTo)
    self.assessment = assessment
    self.plan = plan
  }

  /// The assessment of some answers, how many questions are still wanted, and the one to
  /// ask next.
  private static func plan(
    _ knowledgeBase: KnowledgeBase, _ mode: Mode, _ answers: Answers, skipped: Set<String>, returningTo: Int?
  ) -> (Assessment, Plan) {
    let questions = knowledgeBase.questions
    let assessment = knowledgeBase.assess(validated: answers)
    let open = openQuestions(knowledgeBase, assessment, skipped: skipped)
    var relevance = Relevance(assessment, open: open, usingSoundRanges: mode == .untilAdviceSettled)
    var wanted: QuestionSet
    switch mode {
    case .adaptive: wanted = relevance.resultDependence()
    case .untilAdviceSettled: wanted = relevance.shownResultDependence()
    case .everyQuestion: wanted = QuestionSet(questions.indices.filter { open[$0] })
    }
    // Questions asked first (where it hurts, an injury) are asked whatever the mode; then
    // every red-flag question whose answer could still raise a flag (those that stand alone
    // first: `firstSafetyQuestion`).
    let opening = questions.indices.filter { open[$0] && questions[$0].asksFirst }
    for question in opening { wanted.insert(question) }
    // Who the knowledge base is for (`below range "…"`, an age) is asked before it ends
    // with any advice, even when the answer could change nothing else: only a warning sign
    // that withholds all self-care (now or today, whoever the person is) is told without it.
    if wanted.isEmpty, !assessment.redFlags.contains(where: { $0.urgency.withholdsSelfCare }),
      let scope = questions.indices.first(where: { open[$0] && questions[$0].definesScope })
    {
      wanted.insert(scope)
    }
    let redFlagQuestions = questions.indices.filter { open[$0] && questions[$0].isRedFlagQuestion && wanted.contains($0) }

    // A question whose `ask when` is still undecided waits for the questions that decide it.
    var gated = QuestionSet()
    var queue = wanted.members
    while let question = queue.popLast() {
      guard let gate = gate(question, knowledgeBase, &relevance) else { continue }
      gated.insert(question)
      for other in gate.members where !wanted.contains(other) {
        wanted.insert(other)
        queue.append(other)
      }
    }
    let next: Int?
    if let returning = returningTo, wanted.contains(returning), !gated.contains(returning) {
      next = returning
    } else if let first = opening.first
      ?? (mode == .everyQuestion ? redFlagQuestions.first : firstSafetyQuestion(redFlagQuestions, knowledgeBase, answers))
    {
      next = first
    } else {
      let askable = wanted.members.filter { !gated.contains($0) }
      // Adaptively, a question put in words that depend on another still to be asked
      // (`wording when occupation is desk`) waits for it: the job comes before the seat at work.
      let worded = askable.filter { question in
        !questions[question].wordingVariants.contains { variant in
          variant.condition.questionsRead.contains { $0 != question && askable.contains($0) }
        }
      }
      let choices = worded.isEmpty ? askable : worded
      next = (mode == .everyQuestion ? askable.first : mostUseful(choices, relevance)) ?? wanted.members.first
    }
    return (assessment, Plan(next: next, remaining: wanted.count))
  }

  /// The safety question to ask next: first those that could raise a warning sign, or
  /// raise one already shown to a higher urgency, however the person answers the other
  /// safety questions (each of these must be asked anyway), the most urgent first (after
  /// "cannot take four steps", the age that makes it a broken hip comes before a fever);
  /// then the rest; a physical test last. Declared order within each group.
  ///
  /// A warning sign that needs two answers (diabetes and a change in the skin of the foot;
  /// a hot joint with or without a fever) is settled by either answer being no. Asking
  /// the questions that stand alone first often settles such a pair without its other
  /// question: someone whose joint is not hot, and who has no diabetes, is not asked about
  /// a fever unless their back hurts (where a fever alone is a warning sign).
  private static func firstSafetyQuestion(_ candidates: [Int], _ knowledgeBase: KnowledgeBase, _ answers: Answers) -> Int? {
    guard candidates.count > 1 else { return candidates.first }
    let questions = knowledgeBase.questions
    // Every other open safety question answered as someone with nothing to report would.
    var quiet = answers
    for candidate in candidates {
      if let answer = unremarkableAnswer(questions[candidate]) { quiet[questions[candidate].id] = answer }
    }
    // Each warning sign raised, at its urgency: an answer that raises one higher (a hot,
    // swollen joint that is a same-day sign becomes an emergency with a fever) is as
    // urgent to ask as one that raises a new sign.
    // Only the rules warning signs depend on are run (`warningSignScreen`).
    let screen = knowledgeBase.warningSignScreen
    let urgencies = { (answers: Answers) -> [Int: Urgency] in
      Dictionary(screen.assess(validated: answers).redFlags.map { ($0.flag, $0.urgency) }, uniquingKeysWith: min)
    }
    let quietFlags = urgencies(quiet)
    // The most urgent change one answer to a candidate could make: a warning sign raised,
    // or one already shown raised to a higher urgency (`a < b` when `a` is more urgent).
    // A number is tried at both ends of its range: age decides some signs.
    // Stops at the first emergency: nothing is more urgent, so no later candidate can win.
    let mostUrgentChange = { (candidate: Int) -> Urgency? in
      let question = questions[candidate]
      let tried: [AnswerValue] =
        switch question.kind {
        case .yesNo: [.yes]
        case .choices(let options): options.map { .options([$0.id]) }
        case .number(let low, let high, _, _): [.number(low), .number(high)]
        default: []
        }
      var most: Urgency?
      for answer in tried where most != .emergency {
        var changed = quiet
        changed[question.id] = answer
        let raised = urgencies(changed).filter { flag, urgency in quietFlags[flag].map { urgency < $0 } ?? true }.values.min()
        if let raised, most.map({ raised < $0 }) ?? true { most = raised }
      }
      return most
    }
    // The most urgent first (an emergency before a routine referral), in declared order
    // within one urgency; a physical test only after every other safety question.
    var standingAlone: (question: Int, urgency: Urgency)?
    for candidate in candidates where !questions[candidate].asksForPhysicalTest && standingAlone?.urgency != .emergency {
      guard let urgency = mostUrgentChange(candidate), standingAlone.map({ urgency < $0.urgency }) ?? true else { continue }
      standingAlone = (candidate, urgency)
    }
    if let standingAlone { return standingAlone.question }
    // Then the question whose "no" leaves the fewest warning-sign rules undecided: diabetes
    // before a fever, whose "no" still leaves the diabetic foot without a fever open.
    let undecidedWarnings = { (answers: Answers) -> Int in
      screen.assess(validated: answers).undecidedRules.count { rule in
        screen.rules[rule].conclusions.contains { if case .redFlag = $0 { true } else { false } }
      }
    }
    let settling = candidates.compactMap { candidate -> (question: Int, left: Int)? in
      guard questions[candidate].kind == .yesNo, !questions[candidate].asksForPhysicalTest else { return nil }
      var settled = answers
      settled[questions[candidate].id] = .no
      return (candidate, undecidedWarnings(settled))
    }
    return settling.min { ($0.left, $0.question) < ($1.left, $1.question) }?.question
      ?? candidates.first { !questions[$0].asksForPhysicalTest } ?? candidates.first
  }

  /// For each question: unanswered, not skipped, and askable: its `ask when` holds, or
  /// is undecided but could still come to hold once other open questions are answered
  /// (red-flag questions are asked whatever their `ask when` says). A question whose
  /// `ask when` is left undecided for good (its questions answered "not sure" or
  /// skipped) is not asked, as the rule language says: only asked when it holds. Once a
  /// warning sign needs a doctor today or now, a `physical test` is not open either.
  private static func openQuestions(_ knowledgeBase: KnowledgeBase, _ assessment: Assessment, skipped: Set<String>) -> [Bool] {
    let answers = assessment.answers
    // Someone told to see a doctor today or now is not asked to stand on one leg.
    let urgent = assessment.redFlags.contains { $0.urgency.withholdsSelfCare }
    var open = knowledgeBase.questions.map {
      answers[$0.id] == nil && !skipped.contains($0.id) && !(urgent && $0.asksForPhysicalTest)
    }
    // Closing one question can leave another's `ask when` undecided for good, so repeat.
    var changed = true
    while changed {
      changed = false
      var relevance = Relevance(assessment, open: open, tracingRules: false)
      for (index, question) in knowledgeBase.questions.enumerated() where open[index] && !question.isRedFlagQuestion {
        guard let askWhen = question.askWhen else { continue }
        let (outcome, dependence) = relevance.evaluate(askWhen)
        if outcome == .fails || (outcome == .unknown && dependence.truth.isEmpty) {
          open[index] = false
          changed = true
        }
      }
    }
    return open
  }

  /// The open questions that decide a question's `ask when`, while it is undecided.
  private static func gate(_ question: Int, _ knowledgeBase: KnowledgeBase, _ relevance: inout Relevance) -> QuestionSet? {
    let declared = knowledgeBase.questions[question]
    guard !declared.isRedFlagQuestion, let askWhen = declared.askWhen else { return nil }
    let (outcome, dependence) = relevance.evaluate(askWhen)
    guard outcome == .unknown, !dependence.truth.isEmpty else { return nil }
    return dependence.truth
  }

  /// The question most likely to settle the leading contributors: the one that the most
  /// undecided rules wait on, each weighted by the highest certainty its contributors can
  /// still reach (a red flag weighs most); ties go to the order the knowledge base
  /// declares them in.
  private static func mostUseful(_ candidates: [Int], _ relevance: Relevance) -> Int? {
    let kb = relevance.assessment.knowledgeBase
    var weights = [Double](repeating: 0, count: kb.questions.count)
    for (index, dependence) in relevance.ruleDependence.enumerated() where !dependence.truth.isEmpty {
      let strength = kb.rules[index].conclusions.map { weight($0, relevance.assessment) }.max() ?? 0
      for question in dependence.truth.members { weights[question] += strength }
    }
    return candidates.max { (weights[$0], -$0) < (weights[$1], -$1) }
  }

  /// How much one conclusion matters to the result.
  private static func weight(_ conclusion: Conclusion, _ assessment: Assessment) -> Double {
    switch conclusion {
    case .certainty(let finding, _): max(0, assessment.findings[finding].highest)
    case .redFlag: 1
    case .upstream, .recommend, .addPoints: 0.25
    }
  }

  // MARK: Why a question is asked

  /// What a question can still change given the other answers, and the rules that use it.
  public func why(_ questionID: String) -> QuestionRationale? {
    guard let index = knowledgeBase.questions.firstIndex(where: { $0.id == questionID }) else { return nil }
    let question = knowledgeBase.questions[index]
    var others = answers
    others[question.id] = nil
    let assessment = knowledgeBase.assess(validated: others)
    var open = Self.openQuestions(knowledgeBase, assessment, skipped: skipped)
    open[index] = true
    var relevance = Relevance(assessment, open: open)
    let kb = knowledgeBase
    let rules = kb.rulesReadingQuestion[index].filter { relevance.ruleDependence[$0].value.contains(index) }
    var flags: [Int] = []
    var recommendations: [Int] = []
    for (rule, dependence) in relevance.ruleDependence.enumerated() {
      for conclusion in kb.rules[rule].conclusions {
        if case .redFlag(let flag, _) = conclusion, dependence.truth.contains(index), !flags.contains(flag) { flags.append(flag) }
        if case .recommend(let recommendation) = conclusion, dependence.value.contains(index),
          !recommendations.contains(recommendation)
        {
          recommendations.append(recommendation)
        }
      }
    }
    let findings = kb.findings.indices.filter { relevance.bears(index, onFinding: $0) && relevance.couldBePresent($0) }
      .sorted { (kb.findings[$0].kind == .complaint ? 1 : 0, $0) < (kb.findings[$1].kind == .complaint ? 1 : 0, $1) }
    let scores = kb.scores.indices.filter { relevance.bears(index, onScore: $0) }
    return QuestionRationale(
      question: question, redFlags: flags.map { kb.redFlags[$0] }, findings: findings.map { kb.findings[$0] },
      recommendations: recommendations.sorted().map { kb.recommendations[$0] }, scores: scores.map { kb.scores[$0] },
      rules: rules.map { kb.rules[$0] }, rulesReading: kb.rulesReadingQuestion[index].count,
      askWhen: question.askWhen.map { ConditionText.describe($0, in: kb) })
  }

  // MARK: Running against known answers

  /// Runs a session to the end, answering each question it asks from `answers` and
  /// leaving unanswered any question they leave out (a red-flag question too: the
  /// session then lists it among the unanswered safety questions).
  ///
  /// The answers are checked as ``KnowledgeBase/assess(_:)`` checks them: any problem
  /// throws `AnswersRejected` with all of them, and `.option("yes")` to a yes/no question
  /// is recorded as `.yes`.
  public static func answering(_ answers: Answers, with knowledgeBase: KnowledgeBase, mode: Mode = .adaptive)
    throws(AnswersRejected) -> QuestionnaireSession
  {
    let checked = knowledgeBase.checked(answers)
    guard checked.problems.isEmpty else { throw AnswersRejected(problems: checked.problems) }
    return answering(validated: checked.answers, with: knowledgeBase, mode: mode)
  }

  /// Runs a session to the end on answers already checked against the knowledge base
  /// (a case file's, an answers file's).
  package static func answering(validated answers: Answers, with knowledgeBase: KnowledgeBase, mode: Mode = .adaptive)
    -> QuestionnaireSession
  {
    var session = QuestionnaireSession(knowledgeBase, mode: mode)
    while let question = session.currentQuestion {
      session.record(question, answers[question.id])
    }
    return session
  }
}

/// Why a question is asked: what it can still change given the other answers, and the
/// rules that use it.
public struct QuestionRationale: Sendable {
  public let question: Question
  /// Red flags the answer can still raise.
  public let redFlags: [RedFlag]
  /// Findings (contributors first) whose certainty the answer can still change.
  public let findings: [Finding]
  /// Recommendations the answer can still call for, or change the strength of.
  public let recommendations: [Recommendation]
  /// Scores whose total or stratum the answer can still change.
  public let scores: [Score]
  /// Rules that read the question and whose outcome it can still change.
  package let rules: [Rule]
  /// How many rules read the question in all.
  public let rulesReading: Int
  /// The question's `ask when`, in the rule language.
  public let askWhen: String?

  /// Whether the answer can still change anything.
  public var mattersNow: Bool { !(redFlags.isEmpty && findings.isEmpty && recommendations.isEmpty && scores.isEmpty) }

  /// How many items of one kind (warning signs, findings, rules) the reasons name before
  /// they say how many more there are: the first question can touch almost everything.
  public static let namedPerKind = 5

  /// The reasons in plain words, one line each: the red flags, contributors and scores
  /// the answer can still change (the advice only when it changes nothing else), and the
  /// rules that use it; at most `namedPerKind` of each kind (the most urgent warning
  /// signs first), then how many more.
  public var lines: [String] {
    var lines: [String] = []
    if question.isRedFlagQuestion {
      lines.append("This is a safety question: it is asked before anything else, and cannot be skipped.")
    }
    if mattersNow {
      lines.append("Your answer can still change:")
      lines += Self.named(
        redFlags.enumerated().sorted { ($0.element.urgency, $0.offset) < ($1.element.urgency, $1.offset) }.map(\.element).map {
          "the warning sign \"\($0.name)\" (\($0.urgency.description))"
        }, more: "warning sign", "warning signs")
      lines += Self.named(
        findings.map { finding in
          let kind = finding.kind == .contributor ? "a possible contributor" : "a complaint"
          return "\(finding.name) (\(kind)\(finding.region.map { ", \($0.description)" } ?? ""))"
        }, more: "complaint or contributor", "complaints and contributors")
      lines += Self.named(scores.map(\.name), more: "score", "scores")
      if redFlags.isEmpty && findings.isEmpty && scores.isEmpty {
        lines += Self.named(recommendations.map { "the advice \"\($0.title)\"" }, more: "piece of advice", "pieces of advice")
      }
    } else {
      lines.append("Given your other answers, this answer can no longer change the result;")
      lines.append("it is asked because every question is being asked.")
    }
    if !rules.isEmpty {
      let heading =
        switch rules.count {
        case 1: "The rule that uses it:"
        case ...Self.namedPerKind: "The \(rules.count) rules that use it:"
        default: "The \(rules.count) rules that use it, among them:"
        }
      lines.append(heading)
      lines += rules.prefix(Self.namedPerKind).map { "  - \($0.patientWording ?? $0.because)" }
    }
    return lines
  }

  /// Items as list lines, at most `namedPerKind`, then one line saying how many more.
  private static func named(_ items: [String], more singular: String, _ plural: String) -> [String] {
    let shown = items.prefix(namedPerKind).map { "  - \($0)" }
    let rest = items.count - shown.count
    guard rest > 0 else { return shown }
    return shown + ["  - and \(rest) more \(rest == 1 ? singular : plural)"]
  }
}

extension QuestionnaireSession.ShownProgress {
  /// Reads the progress count a session file kept; nil when it is not one (it is only a
  /// hint for the count shown, so a file without it, or with another value, counts afresh).
  init?(json: JSONValue) {
    guard case .object(let fields) = json else { return nil }
    func whole(_ key: String) -> Int? {
      guard case .number(let value)? = fields.first(where: { $0.key == key })?.value, value >= 0, value < 1_000_000,
        value == value.rounded()
      else { return nil }
      return Int(value)
    }
    guard let number = whole("number"), let count = whole("count"),
      case .bool(let held)? = fields.first(where: { $0.key == "held" })?.value
    else { return nil }
    self.init(number: number, count: count, held: held)
  }
}

extension QuestionnaireSession.Problem: LocalizedError {
  /// The problem in words, as `description` gives it: what an alert built from the error
  /// shows (`localizedDescription`).
  public var errorDescription: String? { description }
}
