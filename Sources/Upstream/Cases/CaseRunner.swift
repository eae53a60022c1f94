// MARK: - Running clinician cases

/// The outcome of one case: each expectation that failed, with what was found instead.
package struct CaseResult: Sendable {
  /// An expectation that the assessment did not meet.
  package struct Failure: Sendable {
    package let expectation: ClinicalCase.Expectation
    /// What the assessment actually shows, in words.
    package let actual: String
    /// The finding whose why-trace explains the difference, if any.
    package let finding: Int?
  }

  package let testCase: ClinicalCase
  package let assessment: Assessment
  package let failures: [Failure]

  package var passed: Bool { failures.isEmpty }
}

/// Runs clinician cases against a knowledge base.
package struct CaseRunner: Sendable {
  package let knowledgeBase: KnowledgeBase
  /// Which questions the questionnaire would ask for these answers, for `expect not asked`.
  package let askedQuestions: @Sendable (KnowledgeBase, Answers) -> Set<String>

  package init(
    _ knowledgeBase: KnowledgeBase,
    askedQuestions: @escaping @Sendable (KnowledgeBase, Answers) -> Set<String> = CaseRunner.questionsAsked
  ) {
    self.knowledgeBase = knowledgeBase
    self.askedQuestions = askedQuestions
  }

  /// The questions the adaptive questionnaire asks when answered from these answers.
  package static let questionsAsked: @Sendable (KnowledgeBase, Answers) -> Set<String> = { knowledgeBase, answers in
    Set(QuestionnaireSession.answering(validated: answers, with: knowledgeBase).replies.map(\.question))
  }

  /// Runs every case, in order.
  package func run(_ cases: [ClinicalCase]) -> [CaseResult] { cases.map(run) }

  /// Runs one case: assesses its answers and checks each expectation.
  package func run(_ testCase: ClinicalCase) -> CaseResult {
    let assessment = knowledgeBase.assess(validated: testCase.answers)
    var asked: Set<String>?
    let failures = testCase.expectations.compactMap { expectation -> CaseResult.Failure? in
      check(
        expectation, assessment,
        asked: {
          if asked == nil { asked = askedQuestions(knowledgeBase, testCase.answers) }
          return asked ?? []
        })
    }
    return CaseResult(testCase: testCase, assessment: assessment, failures: failures)
  }

  // MARK: Expectations

  private func check(_ expectation: ClinicalCase.Expectation, _ assessment: Assessment, asked: () -> Set<String>) -> CaseResult.Failure? {
    let kb = knowledgeBase
    func failure(_ actual: String, finding: Int? = nil) -> CaseResult.Failure {
      CaseResult.Failure(expectation: expectation, actual: actual, finding: finding)
    }
    switch expectation.claim {
    case .finding(let name, let present, let test):
      guard case .finding(let index)? = kb.symbols[name.text] else { return failure("no such finding") }
      let certainty = assessment.findings[index].certainty
      let holds = test.map { $0.holds(for: certainty) } ?? (certainty > Condition.defaultThreshold)
      return holds == present ? nil : failure("\(name.text) has certainty \(Certainty.describe(certainty))", finding: index)
    case .upstream(let contributor, let finding):
      let linked = assessment.links.contains { kb.findings[$0.contributor].id == contributor.text && kb.findings[$0.finding].id == finding.text }
      let linkedTo = assessment.links.filter { kb.findings[$0.finding].id == finding.text }.map { kb.findings[$0.contributor].id }
      return linked
        ? nil
        : failure(
          "no rule linked \(contributor.text) upstream of \(finding.text); linked: \(list(linkedTo))",
          finding: kb.symbols[contributor.text].flatMap(findingIndex))
    case .topContributor(let complaint, let expected):
      let ranked = assessment.links.filter { kb.findings[$0.finding].id == complaint.text && assessment.findings[$0.contributor].isPresent }
        .map(\.contributor)
        .sorted { (assessment.findings[$1].certainty, kb.findings[$0].id) < (assessment.findings[$0].certainty, kb.findings[$1].id) }
      guard let top = ranked.first else { return failure("no contributor is linked upstream of \(complaint.text)") }
      if kb.findings[top].id == expected.text { return nil }
      let described = ranked.prefix(4).map { "\(kb.findings[$0].id) \(Certainty.number(assessment.findings[$0].certainty))" }
      return failure(
        "the top contributor is \(kb.findings[top].id); ranked: \(described.joined(separator: ", "))",
        finding: kb.symbols[expected.text].flatMap(findingIndex))
    case .recommend(let name, let present):
      let result = assessment.recommendations.first { kb.recommendations[$0.recommendation].id == name.text }
      let given = result?.isGiven ?? false
      if given == present { return nil }
      return failure(result.map { describe($0, kb) } ?? "no rule called for \(name.text)")
    case .withheld(let name):
      let result = assessment.recommendations.first { kb.recommendations[$0.recommendation].id == name.text }
      switch result?.status {
      case .withheld?, .notForYou?: return nil
      case .given?, .setAside?, nil: break
      }
      return failure(result.map { describe($0, kb) } ?? "no rule called for \(name.text)")
    case .redFlag(let name, let present, let urgency):
      let raised = assessment.redFlags.first { kb.redFlags[$0.flag].id == name.text }
      let raisedText = raised.map { "\(name.text) was raised as \($0.urgency.rawValue)" } ?? "\(name.text) was not raised"
      guard present else { return raised == nil ? nil : failure(raisedText) }
      guard let raised else { return failure(raisedText) }
      if let urgency, raised.urgency.rawValue != urgency.text { return failure(raisedText) }
      return nil
    case .noRedFlags:
      if assessment.redFlags.isEmpty { return nil }
      return failure("red flags raised: " + list(assessment.redFlags.map { "\(kb.redFlags[$0.flag].id) (\($0.urgency.rawValue))" }))
    case .value(let name, let value):
      guard case .score(let index)? = kb.symbols[name.text] else { return failure("no such score") }
      let result = assessment.scores[index]
      let stratum = result.stratum.map { kb.scores[index].strata[$0].id }
      let actual = "\(name.text) is \(NumberText.plain(result.total))" + (stratum.map { " (\($0))" } ?? " (no stratum)")
      switch value {
      case .number(let number): return (number.value * 1000).rounded() == Double(result.thousandths) ? nil : failure(actual)
      case .word(let word): return stratum == word.text ? nil : failure(actual)
      }
    case .notAsked(let name):
      return asked().contains(name.text) ? failure("\(name.text) would be asked") : nil
    }
  }

  private func findingIndex(_ symbol: KnowledgeBase.Symbol) -> Int? {
    if case .finding(let index) = symbol { return index }
    return nil
  }

  private func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }

  private func describe(_ result: RecommendationResult, _ kb: KnowledgeBase) -> String {
    let id = kb.recommendations[result.recommendation].id
    switch result.status {
    case .given: return "\(id) is given"
    case .setAside(let settlement): return "\(id) was set aside for \(kb.recommendations[settlement.winner].id)"
    case .withheld(let flag): return "\(id) is withheld because of red flag \(kb.redFlags[flag].id)"
    case .notForYou(let position):
      let condition = ConditionText.describe(kb.recommendations[result.recommendation].notFor[position].condition, in: kb)
      return "\(id) is withheld: not for \(condition)"
    }
  }

  // MARK: Coverage

  /// What no case exercises: rules that never fired, findings never present, and
  /// recommendations never called for.
  package struct Coverage: Sendable {
    package let rulesNeverFired: [String]
    package let findingsNeverPresent: [String]
    package let recommendationsNeverCalledFor: [String]
    package let redFlagsNeverRaised: [String]

    package var isComplete: Bool {
      rulesNeverFired.isEmpty && findingsNeverPresent.isEmpty && recommendationsNeverCalledFor.isEmpty && redFlagsNeverRaised.isEmpty
    }
  }

  /// Coverage over a set of results.
  package func coverage(_ results: [CaseResult]) -> Coverage {
    var fired = Set<Int>()
    var present = Set<Int>()
    var called = Set<Int>()
    var raised = Set<Int>()
    for result in results {
      fired.formUnion(result.assessment.firings.map(\.rule))
      present.formUnion(result.assessment.findings.filter(\.isPresent).map(\.finding))
      called.formUnion(result.assessment.recommendations.map(\.recommendation))
      raised.formUnion(result.assessment.redFlags.map(\.flag))
    }
    let kb = knowledgeBase
    return Coverage(
      rulesNeverFired: kb.rules.indices.filter { !fired.contains($0) }.map { kb.rules[$0].id }.sorted(),
      findingsNeverPresent: kb.findings.indices.filter { !present.contains($0) }.map { kb.findings[$0].id },
      recommendationsNeverCalledFor: kb.recommendations.indices.filter { !called.contains($0) }.map { kb.recommendations[$0].id },
      redFlagsNeverRaised: kb.redFlags.indices.filter { !raised.contains($0) }.map { kb.redFlags[$0].id })
  }
}
