// MARK: - Measured adaptivity

/// How many questions the adaptive questionnaire asks, and whether it reaches the same
/// outcome as the full answers, over a set of cases.
///
/// For each case the adaptive session is run answering whatever it asks from the case's
/// answers (a question the case leaves out stays unanswered). Its outcome is compared
/// with the assessment of the case's answers as the questionnaire could have collected
/// them: without answers to questions whose `ask when` does not hold.
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

    /// The share of all questions asked, 0…1.
    package var share: Double { total == 0 ? 0 : Double(asked.count) / Double(total) }
    package var isIdentical: Bool { differences.isEmpty }
  }

  package let cases: [CaseRun]

  /// The mean share of questions asked.
  package var meanShare: Double { cases.isEmpty ? 0 : cases.map(\.share).reduce(0, +) / Double(cases.count) }
  /// The largest share of questions asked.
  package var maximumShare: Double { cases.map(\.share).max() ?? 0 }

  /// Runs the adaptive session against each case's answers.
  package init(
    _ knowledgeBase: KnowledgeBase, cases: [(id: String, answers: Answers)], mode: QuestionnaireSession.Mode = .adaptive
  ) {
    self.cases = cases.map { testCase in
      let session = QuestionnaireSession.answering(testCase.answers, with: knowledgeBase, mode: mode)
      let full = knowledgeBase.assess(validated: testCase.answers.collectable(in: knowledgeBase))
      return CaseRun(
        id: testCase.id, asked: session.replies.map(\.question), total: knowledgeBase.questions.count,
        differences: AssessmentOutcome(session.assessment).differences(from: AssessmentOutcome(full)))
    }
  }

  /// The report for the bundled knowledge base and its bundled cases, or nil when the
  /// knowledge base does not compile.
  package static func bundled() -> AdaptivityReport? {
    guard let knowledgeBase = KnowledgeBase.bundled().knowledgeBase else { return nil }
    return AdaptivityReport(knowledgeBase, cases: bundledCases())
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
  /// assessments identical to those from the full answers`.
  package var summary: String {
    func percent(_ share: Double) -> String { "\(NumberText.plain((share * 1000).rounded() / 10))%" }
    let differing = cases.filter { !$0.isIdentical }.count
    return "\(cases.count) cases: mean \(percent(meanShare)) of questions asked, at most \(percent(maximumShare)); "
      + (differing == 0
        ? "all \(cases.count) assessments identical to those from the full answers"
        : "\(differing) of \(cases.count) assessments differ from those from the full answers")
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
  /// questions are always asked).
  ///
  /// Leaving one answer out can leave another question's `ask when` undecided, so this
  /// repeats until nothing more is left out.
  package func collectable(in knowledgeBase: KnowledgeBase) -> Answers {
    var answers = self
    while true {
      var run = ConditionMatcher(knowledgeBase, answers)
      let notAsked = knowledgeBase.questions.filter { question in
        guard answers[question.id] != nil, !question.isRedFlagQuestion, let askWhen = question.askWhen else { return false }
        return !run.match(askWhen).isHolding
      }
      if notAsked.isEmpty { return answers }
      for question in notAsked { answers[question.id] = nil }
    }
  }
}
