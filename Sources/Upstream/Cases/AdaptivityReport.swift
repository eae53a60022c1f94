// MARK: - Measured adaptivity

/// How many questions the adaptive questionnaire asks, and whether it reaches the same
/// outcome as the full answers, over a set of cases.
///
/// For each case the adaptive session is run answering whatever it asks from the case's
/// answers (a question the case leaves out stays unanswered). Its outcome is compared
/// with the assessment of the case's answers as the questionnaire could have collected
/// them: without answers to questions whose `ask when` does not hold. In `.adaptive` (and
/// `.everyQuestion`) mode the whole outcome is compared (`AssessmentOutcome`); in
/// `.untilAdviceSettled` mode what the person is shown (`ShownResult`: the red flags and
/// the patient's report, byte for byte).
package struct AdaptivityReport: Sendable {
  /// One case: how many questions were asked and whether the outcomes agree.
  package struct CaseRun: Sendable {
    package let id: String
    /// The questions the session asked, in order.
    package let asked: [String]
    /// Every question in the knowledge base.
    package let total: Int
    /// How the adaptive outcome differs from the full one (empty when identical).
    package let differences: [String]
    /// The questions any questionnaire must ask to reach the full answers' outcome
    /// (`AdaptivityReport.necessaryQuestions`), when the report measures them.
    package let necessary: [String]?
    /// How many questions any questionnaire must ask (`AdaptivityReport.leastQuestions`:
    /// the necessary ones and enough of each score's items), when the report measures them.
    package let least: Int?

    /// The share of all questions asked, 0…1.
    package var share: Double { total == 0 ? 0 : Double(asked.count) / Double(total) }
    package var isIdentical: Bool { differences.isEmpty }
    /// The share of all questions that any questionnaire must ask, 0…1.
    package var necessaryShare: Double? { least.map { total == 0 ? 0 : Double($0) / Double(total) } }
  }

  package let cases: [CaseRun]
  /// The session's mode, which also says what is compared.
  package let mode: QuestionnaireSession.Mode

  /// The mean share of questions asked.
  package var meanShare: Double { cases.isEmpty ? 0 : cases.map(\.share).reduce(0, +) / Double(cases.count) }
  /// The largest share of questions asked.
  package var maximumShare: Double { cases.map(\.share).max() ?? 0 }

  /// The mean and the largest share of questions that any questionnaire reaching the
  /// same outcomes must ask, when the report measures them.
  package var necessaryShares: (mean: Double, maximum: Double)? {
    let shares = cases.compactMap(\.necessaryShare)
    guard !shares.isEmpty, shares.count == cases.count else { return nil }
    return (shares.reduce(0, +) / Double(shares.count), shares.max() ?? 0)
  }

  /// Runs the adaptive session against each case's answers; with `measuringNecessary`,
  /// also finds the questions no questionnaire could leave out (slower: one assessment
  /// per other answer to each question).
  package init(
    _ knowledgeBase: KnowledgeBase, cases: [(id: String, answers: Answers)], mode: QuestionnaireSession.Mode = .adaptive,
    measuringNecessary: Bool = false
  ) {
    self.mode = mode
    self.cases = cases.map { testCase in
      let session = QuestionnaireSession.answering(validated: testCase.answers, with: knowledgeBase, mode: mode)
      let full = knowledgeBase.assessCollectable(testCase.answers).assessment
      let differences =
        mode == .untilAdviceSettled
        ? ShownResult(session.assessment).differences(from: ShownResult(full))
        : AssessmentOutcome(session.assessment).differences(from: AssessmentOutcome(full))
      let necessary = measuringNecessary ? Self.necessaryQuestions(knowledgeBase, answers: testCase.answers, mode: mode) : nil
      return CaseRun(
        id: testCase.id, asked: session.replies.map(\.question), total: knowledgeBase.questions.count,
        differences: differences, necessary: necessary,
        least: necessary.map { Self.leastQuestions(knowledgeBase, answers: testCase.answers, necessary: $0, mode: mode) })
    }
  }

  /// The report for the bundled knowledge base and its bundled cases, or nil when the
  /// knowledge base does not compile.
  package static func bundled(mode: QuestionnaireSession.Mode = .adaptive, measuringNecessary: Bool = false) -> AdaptivityReport? {
    guard let knowledgeBase = KnowledgeBase.bundled().knowledgeBase else { return nil }
    return AdaptivityReport(knowledgeBase, cases: bundledCases(), mode: mode, measuringNecessary: measuringNecessary)
  }

  /// The answers of each bundled case (`rules/cases/*.case`), by case id.
  static func bundledCases() -> [(id: String, answers: Answers)] {
    KnowledgeBase.bundledFiles(extension: "case").flatMap { file in
      Parser.parse(file).file.declarations.compactMap { declaration -> (id: String, answers: Answers)? in
        guard case .testCase(let testCase) = declaration else { return nil }
        return (testCase.id.text, Answers(testCase))
      }
    }
  }

  /// A one-line summary: `49 cases: mean 61.7% of questions asked, at most 91.8%; all 49
  /// assessments identical to those from the full answers`, and, when measured, `; any
  /// questionnaire reaching the same assessments must ask at least 46.4% on average, 75%
  /// for one case`.
  package var summary: String {
    func percent(_ share: Double) -> String { "\(NumberText.plain((share * 1000).rounded() / 10))%" }
    let differing = cases.filter { !$0.isIdentical }.count
    let compared = mode == .untilAdviceSettled ? "shown results (red flags and patient's report)" : "assessments"
    let necessary = necessaryShares.map { mean, maximum in
      "; any questionnaire reaching the same \(compared) must ask at least \(percent(mean)) on average, "
        + "\(percent(maximum)) for one case"
    }
    return "\(cases.count) cases: mean \(percent(meanShare)) of questions asked, at most \(percent(maximumShare)); "
      + (differing == 0
        ? "all \(cases.count) \(compared) identical to those from the full answers"
        : "\(differing) of \(cases.count) \(compared) differ from those from the full answers") + (necessary ?? "")
  }
}

extension Answers {
  /// The answers of a case file.
  init(_ testCase: CaseSyntax) {
    self.init()
    assessmentDate = testCase.assessmentDate.flatMap { CalendarDay($0.value) }
    for (question, answer) in testCase.answers {
      self[question.text] =
        switch answer {
        case .yes: .yes
        case .no: .no
        case .notSure: .notSure
        case .number(let number): .number(number)
        case .option(let option): .option(option)
        case .options(let options): .options(options)
        case .text(let text): .text(text)
        case .date(let text): CalendarDay(text).map { .date($0) } ?? .option(text)
        }
    }
  }

  /// The answers a questionnaire could have collected: without answers to questions
  /// whose `ask when` does not hold given the other answers so collected (red-flag
  /// questions are always asked), and without `physical test` answers when the others
  /// raise a warning sign that needs a doctor today or now.
  package func collectable(in knowledgeBase: KnowledgeBase) -> Answers {
    knowledgeBase.assessCollectable(self).collected
  }
}

extension KnowledgeBase {
  /// The answers a questionnaire could have collected (`Answers.collectable(in:)`) and
  /// their assessment, worked out together.
  ///
  /// Leaving one answer out can leave another question's `ask when` undecided, so this
  /// repeats until nothing more is left out. The assessment of the answers with their
  /// physical tests is the one returned when the tests stay; the answers without them
  /// are assessed only when a test's answer can change whether a sign that withholds
  /// self-care is raised (`physicalTestsReachUrgentFlags`); otherwise the assessment with
  /// the tests already says whether one is. The adaptivity measures call this once for each
  /// other answer to each question, so the second assessment is what they would pay
  /// each time.
  package func assessCollectable(_ given: Answers) -> (collected: Answers, assessment: Assessment) {
    var answers = given
    while true {
      var run = ConditionMatcher(self, answers)
      let notAsked = questions.filter { question in
        guard answers[question.id] != nil, !question.isRedFlagQuestion, let askWhen = question.askWhen else { return false }
        return !run.match(askWhen).isHolding
      }
      if !notAsked.isEmpty {
        for question in notAsked { answers[question.id] = nil }
        continue
      }
      let assessment = assess(validated: answers)
      let physicalTests = questions.filter { $0.asksForPhysicalTest && answers[$0.id] != nil }
      let withholds = assessment.redFlags.contains { $0.urgency.withholdsSelfCare }
      guard !physicalTests.isEmpty, withholds || physicalTestsReachUrgentFlags else { return (answers, assessment) }
      var withoutTests = answers
      for question in physicalTests { withoutTests[question.id] = nil }
      let untestedWithholds =
        physicalTestsReachUrgentFlags
        ? warningSignScreen.assess(validated: withoutTests).redFlags.contains { $0.urgency.withholdsSelfCare } : withholds
      guard untestedWithholds else { return (answers, assessment) }
      answers = withoutTests
    }
  }
}

// MARK: - Questions no questionnaire can leave out

extension AdaptivityReport {
  /// The questions any questionnaire must ask this person to reach the full answers'
  /// outcome: a lower bound on what an adaptive questionnaire can save.
  ///
  /// A question is necessary when another answer to it alone (the other answers kept)
  /// changes the outcome of the full answers. A questionnaire that does not ask it asks
  /// the other person, whose answers differ only there, exactly the same questions, so
  /// it ends with the same outcome for both, and is wrong for one of them. The answers
  /// tried are the other answers that could make a difference: yes and no, each option,
  /// every combination of a several-choices question's options (up to six options; beyond,
  /// none and each option added or taken away), both ends of
  /// a number's range and each number a condition compares it with (and one step either
  /// side), "not sure" where allowed, no answer where the question may be skipped, and
  /// days around each date test's limit.
  ///
  /// The bound is sound, but it can be lower than what any questionnaire needs: with
  /// `diabetes and foot_skin_change`, someone with neither needs one of the two asked,
  /// though neither alone changes anything. `leastQuestions` counts some of those too.
  ///
  /// In `.untilAdviceSettled` mode, what must be reached is what the person is shown
  /// (`ShownResult`), not the whole outcome.
  package static func necessaryQuestions(
    _ knowledgeBase: KnowledgeBase, answers: Answers, mode: QuestionnaireSession.Mode = .adaptive
  ) -> [String] {
    let (collected, full) = knowledgeBase.assessCollectable(answers)
    let shownOnly = mode == .untilAdviceSettled
    let outcome = AssessmentOutcome(full)
    let shown = shownOnly ? ShownResult(full) : nil
    let bounds = limits(in: knowledgeBase)
    return knowledgeBase.questions.enumerated().filter { index, question in
      alternatives(to: collected[question.id], of: question, limits: bounds[index] ?? Limits(), on: collected.assessmentDate)
        .contains { other in
          var changed = collected
          changed[question.id] = other
          let assessment = knowledgeBase.assessCollectable(changed).assessment
          if let shown { return ShownResult(assessment) != shown }
          return AssessmentOutcome(assessment) != outcome
        }
    }.map(\.element.id)
  }

  /// How many questions any questionnaire must ask this person to reach the full answers'
  /// outcome: the necessary questions (`necessaryQuestions`), and, for each score, the
  /// fewest of its other items that leave its band settled.
  ///
  /// The argument extends the one for a single question to a group: when changing every
  /// answer in a group together changes the outcome, a questionnaire that asks none of the
  /// group is wrong for one of the two people, so it asks at least one. When that holds
  /// for every group of `k` of a score's `n` items (the rest are not necessary alone), a
  /// questionnaire asks at least `n - k + 1` of them: someone who disagrees with all nine
  /// STarT Back items is low risk, but any four unasked items could have made the total 4,
  /// so six must be asked. The group's answers are tried in every combination (or, for a
  /// group with more than 64, every item its first option, every item its second, and so
  /// on). Items of different scores are counted once, so the counts add up.
  package static func leastQuestions(
    _ knowledgeBase: KnowledgeBase, answers: Answers, necessary: [String], mode: QuestionnaireSession.Mode = .adaptive
  ) -> Int {
    let (collected, full) = knowledgeBase.assessCollectable(answers)
    let outcome = AssessmentOutcome(full)
    let shown = mode == .untilAdviceSettled ? ShownResult(full) : nil
    func changes(_ changed: Answers) -> Bool {
      let assessment = knowledgeBase.assessCollectable(changed).assessment
      if let shown { return ShownResult(assessment) != shown }
      return AssessmentOutcome(assessment) != outcome
    }
    var counted = Set(necessary)
    var least = necessary.count
    // A score with more items first: an item shared with a subscale counts for the whole.
    let scores = knowledgeBase.scores.indices.sorted {
      (knowledgeBase.scoreItemsRead[$1].count, $0) < (knowledgeBase.scoreItemsRead[$0].count, $1)
    }
    for score in scores {
      // The score's answered items that are not necessary alone, each with its answers.
      let items = knowledgeBase.scoreItemsRead[score].compactMap { index -> (id: String, ends: [AnswerValue])? in
        let question = knowledgeBase.questions[index]
        guard !counted.contains(question.id), collected[question.id] != nil else { return nil }
        switch question.kind {
        case .yesNo: return (question.id, [.yes, .no])
        case .choice(let options) where !options.isEmpty: return (question.id, options.map { .option($0.id) })
        default: return nil
        }
      }
      guard items.count > 1 else { continue }
      let directions = items.map(\.ends.count).max() ?? 0
      for size in 2...items.count {
        let everyGroupChanges = combinations(of: items.count, choosing: size).allSatisfy { group in
          groupAnswers(group.map { items[$0].ends }, directions: directions).contains { answers in
            var changed = collected
            for (member, answer) in zip(group, answers) { changed[items[member].id] = answer }
            return changes(changed)
          }
        }
        guard everyGroupChanges else { continue }
        least += items.count - size + 1
        break
      }
      for item in items { counted.insert(item.id) }
    }
    return least
  }

  /// The ways to answer a group of items together: every combination of their answers
  /// when there are at most 64, else every item its first answer, every item its second,
  /// and so on (an item with fewer answers its last).
  private static func groupAnswers(_ answers: [[AnswerValue]], directions: Int) -> [[AnswerValue]] {
    let product = answers.reduce(1) { $0 * $1.count }
    guard product > 64 else {
      return answers.reduce([[]]) { partial, choices in partial.flatMap { prefix in choices.map { prefix + [$0] } } }
    }
    return (0..<directions).map { direction in answers.map { $0[min(direction, $0.count - 1)] } }
  }

  /// Every way of choosing `size` of `count` things, as sorted indices, in order.
  private static func combinations(of count: Int, choosing size: Int) -> [[Int]] {
    guard size > 0 else { return [[]] }
    guard size <= count else { return [] }
    var result: [[Int]] = []
    var chosen = Array(0..<size)
    while true {
      result.append(chosen)
      var position = size - 1
      while position >= 0 && chosen[position] == count - size + position { position -= 1 }
      if position < 0 { return result }
      chosen[position] += 1
      for next in (position + 1)..<size { chosen[next] = chosen[next - 1] + 1 }
    }
  }

  /// The limits a condition anywhere in the knowledge base compares a question's answer
  /// with: numbers, and date tests' spans (`6 weeks`).
  private struct Limits {
    var numbers: [Double] = []
    var spans: [(amount: Int, unit: DateUnit)] = []
  }

  /// The limits of each question, by question index.
  private static func limits(in knowledgeBase: KnowledgeBase) -> [Int: Limits] {
    var bounds: [Int: Limits] = [:]
    func collect(_ condition: Condition) {
      switch condition {
      case .answer(let question, .compare(_, let bound)), .answer(let question, .equals(let bound, _)):
        bounds[question, default: Limits()].numbers.append(bound)
      case .answer(let question, .between(let low, let high)):
        bounds[question, default: Limits()].numbers += [low, high]
      case .answer(let question, .ago(_, let amount, let unit)):
        bounds[question, default: Limits()].spans.append((amount, unit))
      case .answer, .finding, .score: break
      case .all(let parts), .any(let parts), .atLeast(_, let parts): parts.forEach(collect)
      case .not(let inner): collect(inner)
      }
    }
    let recommendations = knowledgeBase.recommendations
    let conditions =
      knowledgeBase.rules.map(\.condition) + knowledgeBase.questions.compactMap(\.askWhen)
      + knowledgeBase.scores.flatMap(\.strata).map(\.condition)
      + recommendations.flatMap { $0.doseVariants + $0.instructionVariants }.map(\.condition)
      + recommendations.flatMap(\.notFor).map(\.condition)
      + recommendations.flatMap(\.conflicts).flatMap(\.preferences).map(\.when)
    for condition in conditions { collect(condition) }
    return bounds
  }

  /// Every answer to `question` other than `answer` that a person could give (see
  /// `necessaryQuestions`).
  private static func alternatives(
    to answer: AnswerValue?, of question: Question, limits: Limits, on assessmentDate: CalendarDay?
  ) -> [AnswerValue?] {
    var candidates: [AnswerValue?] = []
    switch question.kind {
    case .yesNo:
      candidates = [.yes, .no]
    case .choice(let options):
      candidates = options.map { .option($0.id) }
    case .choices(let options) where options.count <= 6:
      // Every combination: two options can matter only together (worse with activity and
      // limiting daily life), as they do in a warning sign.
      candidates = (0..<(1 << options.count)).map { mask in
        .options(options.indices.filter { mask & (1 << $0) != 0 }.map { options[$0].id })
      }
    case .choices(let options):
      let chosen = if case .options(let ids)? = answer { ids } else { [String]() }
      candidates =
        [.options([])]
        + options.map { option in
          let toggled = chosen.contains(option.id) ? chosen.filter { $0 != option.id } : chosen + [option.id]
          return .options(options.map(\.id).filter(toggled.contains))
        }
    case .number, .scale:
      guard let range = question.kind.numberRange else { break }
      let step = question.kind.allowsDecimals ? 0.1 : 1
      let nearBounds = limits.numbers.flatMap { [$0 - step, $0, $0 + step] }
      candidates = ([range.lowerBound, range.upperBound] + nearBounds.filter(range.contains)).map { .number($0) }
    case .text:
      candidates = [.text("answered")]
    case .date:
      guard let assessmentDate else { break }
      let limitDays = limits.spans.map { amount, unit in
        switch unit {
        case .days: assessmentDate.adding(days: -amount)
        case .weeks: assessmentDate.adding(days: -7 * amount)
        case .months: assessmentDate.adding(months: -amount)
        case .years: assessmentDate.adding(months: -12 * amount)
        }
      }
      candidates = ([assessmentDate] + limitDays.flatMap { [$0.adding(days: -1), $0, $0.adding(days: 1)] }).map { .date($0) }
    }
    if question.notSureAllowed { candidates.append(.notSure) }
    if !question.isRedFlagQuestion { candidates.append(nil) }
    return candidates.filter { $0 != answer }
  }
}
