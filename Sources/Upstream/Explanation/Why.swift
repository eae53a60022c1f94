import Foundation

// MARK: - Why: how a conclusion was reached

/// How a conclusion was reached, as a chain back to the answers.
///
/// Each rule that fired for or against it (or raised it, called for it, added points to
/// it), with its certainty, its wording, each test with the person's actual answer and the
/// question's wording, and its file:line and sources. A test on another finding carries
/// that finding's own explanation, so the chain runs back to answers.
public struct WhyExplanation: Sendable, Hashable, Codable {
  /// What is explained.
  public enum Subject: String, Sendable, Hashable, Codable {
    case finding
    case redFlag = "red-flag"
    case recommendation
    case score
  }

  public let subject: Subject
  public let id: String
  public let name: String
  /// For findings: the combined certainty. For recommendations: how strongly called for.
  public let certainty: Double?
  /// The state in words: `likely (0.72)`, `given`, `withheld …`, `4: Medium risk`.
  public let summary: String
  /// Rules that fired: for (then against), raising, calling for or adding points.
  public let steps: [ExplanationStep]
  /// Rules that could have changed it but whose condition was unknown.
  public let undecided: [ExplanationStep]
  /// For findings that unanswered questions could still move: the lowest and highest
  /// certainty reachable.
  public let range: ClosedRange<Double>?
  /// Further facts: a conflict settled, a red flag withholding advice, a stratum.
  public let notes: [String]
}

/// One rule's part in a conclusion: in a why explanation, and as the tree's reasons for a
/// finding (`supports`, `opposes`) and a red flag (`raises`).
public struct ExplanationStep: Sendable, Hashable, Codable {
  /// What the rule did.
  public enum Role: String, Sendable, Hashable, Codable {
    case supports = "for"
    case opposes = "against"
    case raises
    case recommends
    case addsPoints = "adds-points"
    case undecided
  }

  public let role: Role
  public let rule: RuleReference
  /// The certainty of the rule's condition, when it fired.
  public let premise: Double?
  /// The rule's own certainty for the conclusion (`then X certainty 0.6`).
  public let ruleCertainty: Double?
  /// What it gave: rule certainty × premise for findings, points for scores.
  public let contribution: Double?
  public let conditions: [ConditionFact]
}

extension Assessment {
  /// How a finding, red flag, recommendation or score was reached; nil when the
  /// knowledge base declares no such id (``explanation(of:)`` says why, with a "did you mean").
  public func explain(_ id: String) -> WhyExplanation? {
    switch knowledgeBase.symbols[id] {
    case .finding(let index): explainFinding(index)
    case .redFlag(let index): explainRedFlag(index)
    case .recommendation(let index): explainRecommendation(index)
    case .score(let index): explainScore(index)
    default: nil
    }
  }

  /// How a finding, red flag, recommendation or score was reached, as ``explain(_:)``
  /// gives it; an id it cannot explain throws, with the closest id that it can, so a typo
  /// is told apart from an id that is no finding, red flag, recommendation or score.
  public func explanation(of id: String) throws(UnexplainableID) -> WhyExplanation {
    guard let explanation = explain(id) else { throw unexplainable(id) }
    return explanation
  }

  /// The ids `explain` and `whyNot` accept, for "did you mean" suggestions.
  public var explainableIDs: [String] {
    knowledgeBase.findings.map(\.id) + knowledgeBase.redFlags.map(\.id) + knowledgeBase.recommendations.map(\.id)
      + knowledgeBase.scores.map(\.id)
  }

  /// Why `id` cannot be explained: the knowledge base declares no finding, red flag,
  /// recommendation or score by that name; a question's id is said to be one.
  func unexplainable(_ id: String) -> UnexplainableID {
    UnexplainableID(
      id: id, isQuestion: knowledgeBase.question(id) != nil, didYouMean: Suggestion.closest(to: id, in: explainableIDs))
  }

  // MARK: Ids that cannot be explained

  /// An id that ``explanation(of:)`` and ``whyNotExplanation(of:)`` cannot explain: the
  /// knowledge base declares no finding, red flag, recommendation or score by that name.
  public struct UnexplainableID: Error, Sendable, Hashable, CustomStringConvertible {
    /// The id as it was given.
    public let id: String
    /// Whether the id is a question's: a question is answered, not concluded, so what it
    /// leads to is what can be explained.
    public let isQuestion: Bool
    /// The closest id that can be explained, when one is close enough to be a typo.
    public let didYouMean: String?

    /// What is wrong, without the "did you mean": `the knowledge base has no finding, red
    /// flag, recommendation or score 'colapsed_arches'`.
    public var message: String {
      let question = isQuestion ? " ('\(id)' is a question; ask about what it leads to)" : ""
      return "the knowledge base has no finding, red flag, recommendation or score '\(id)'\(question)"
    }

    /// The message with its "did you mean", where there is one.
    public var description: String { message + (didYouMean.map { " (did you mean '\($0)'?)" } ?? "") }
  }

  // MARK: Findings

  func explainFinding(_ index: Int) -> WhyExplanation {
    let result = findings[index]
    let declared = knowledgeBase.findings[index]
    let evidence = result.evidence.filter { $0.certainty >= 0 } + result.evidence.filter { $0.certainty < 0 }
    let steps = evidence.map { evidence in
      step(
        evidence.rule, role: evidence.certainty >= 0 ? .supports : .opposes, premise: evidence.premise,
        ruleCertainty: ruleCertainty(evidence.rule, finding: index), contribution: evidence.certainty)
    }
    let undecided = result.undecidedRules.map {
      step($0, role: .undecided, premise: nil, ruleCertainty: ruleCertainty($0, finding: index), contribution: nil)
    }
    return WhyExplanation(
      subject: .finding, id: declared.id, name: declared.name, certainty: result.certainty,
      summary: Certainty.describe(result.certainty), steps: steps, undecided: undecided,
      range: result.lowest != result.highest ? result.lowest...result.highest : nil, notes: [])
  }

  func ruleCertainty(_ rule: Int, finding: Int) -> Double? {
    for case .certainty(let concluded, let certainty) in knowledgeBase.rules[rule].conclusions where concluded == finding {
      return certainty
    }
    return nil
  }

  // MARK: Red flags, recommendations, scores

  func explainRedFlag(_ index: Int) -> WhyExplanation {
    let flag = knowledgeBase.redFlags[index]
    let raised = redFlags.first { $0.flag == index }
    let steps = (raised?.rules ?? []).map { step($0, role: .raises, premise: premise(of: $0), ruleCertainty: nil, contribution: nil) }
    let undecided = undecidedRules.filter { rule in
      knowledgeBase.rules[rule].conclusions.contains { if case .redFlag(index, _) = $0 { true } else { false } }
    }.map { step($0, role: .undecided, premise: nil, ruleCertainty: nil, contribution: nil) }
    let summary = raised.map { "raised: \($0.urgency.description)" } ?? "not raised"
    var notes: [String] = []
    if let raised {
      notes.append(flag.advice(at: raised.urgency))
      if raised.urgency.withholdsSelfCare { notes.append("Self-care advice is withheld until a clinician has seen you.") }
    }
    return WhyExplanation(
      subject: .redFlag, id: flag.id, name: flag.name, certainty: nil, summary: summary, steps: steps, undecided: undecided,
      range: nil, notes: notes)
  }

  func explainRecommendation(_ index: Int) -> WhyExplanation {
    let declared = knowledgeBase.recommendations[index]
    let result = recommendations.first { $0.recommendation == index }
    let steps = (result?.rules ?? []).map {
      step($0, role: .recommends, premise: premise(of: $0), ruleCertainty: nil, contribution: nil)
    }
    let undecided = undecidedRules.filter { rule in
      knowledgeBase.rules[rule].conclusions.contains { $0 == .recommend(index) }
    }.map { step($0, role: .undecided, premise: nil, ruleCertainty: nil, contribution: nil) }
    var notes: [String] = []
    let summary: String
    switch result?.status {
    case nil: summary = "not called for"
    case .given: summary = "given"
    case .setAside(let settlement):
      summary = "set aside in favour of \(knowledgeBase.recommendations[settlement.winner].title)"
    case .withheld(let flag):
      summary = "withheld: red flag \(knowledgeBase.redFlags[flag].name)"
    case .notForYou(let position):
      summary = "not given because it is not for you"
      notes.append(declared.notFor[position].reason)
    }
    if let result {
      let tree = tree
      let settled = tree.settlements.filter { $0.chosen == declared.id || $0.setAside == declared.id }
      notes += settled.map(\.clinicianReason)
      if case .withheld = result.status, let withheld = tree.withheld.first(where: { $0.id == declared.id }) {
        notes.append(withheld.reason)
      }
      if case .notForYou = result.status, let notFor = tree.notForYou.first(where: { $0.id == declared.id }) {
        notes.append(
          "Not given because \(notFor.because.map(\.description).joined(separator: " and ")): "
            + "not for \(notFor.condition) (\(notFor.declaredAt)).")
      }
    }
    return WhyExplanation(
      subject: .recommendation, id: declared.id, name: declared.title, certainty: result?.strength, summary: summary,
      steps: steps, undecided: undecided, range: nil, notes: notes)
  }

  func explainScore(_ index: Int) -> WhyExplanation {
    let declared = knowledgeBase.scores[index]
    let result = scores[index]
    let steps = result.contributions.map {
      step($0.rule, role: .addsPoints, premise: premise(of: $0.rule), ruleCertainty: nil, contribution: Double($0.thousandths) / 1000)
    }
    let undecided = knowledgeBase.rulesAddingToScore[index].filter { undecidedRules.contains($0) }.map {
      step($0, role: .undecided, premise: nil, ruleCertainty: nil, contribution: nil)
    }
    let stratum = result.stratum.map { declared.strata[$0] }
    var summary = NumberText.plain(result.total)
    if let stratum { summary += ": \(stratum.label)" }
    var notes: [String] = []
    if result.lowestThousandths != result.highestThousandths {
      notes.append(
        "Unanswered items leave the total between \(NumberText.plain(Double(result.lowestThousandths) / 1000)) and "
          + "\(NumberText.plain(Double(result.highestThousandths) / 1000)).")
    }
    if let stratum {
      notes.append("\(stratum.label): \(ConditionText.describe(stratum.condition, in: knowledgeBase))")
      if let meaning = stratum.meaning { notes.append(meaning) }
    }
    return WhyExplanation(
      subject: .score, id: declared.id, name: declared.name, certainty: nil, summary: summary, steps: steps,
      undecided: undecided, range: nil, notes: notes)
  }

  // MARK: Steps

  private func premise(of rule: Int) -> Double? { firings.first { $0.rule == rule }?.premise }

  private func step(_ rule: Int, role: ExplanationStep.Role, premise: Double?, ruleCertainty: Double?, contribution: Double?) -> ExplanationStep {
    let conditions = trace(knowledgeBase.rules[rule].condition).leaves.map { leaf in
      var chain: WhyExplanation?
      if case .finding(let finding, _) = leaf.fact { chain = explainFinding(finding) }
      return conditionFact(leaf, chain: chain)
    }
    return ExplanationStep(
      role: role, rule: knowledgeBase.ruleReference(rule), premise: premise, ruleCertainty: ruleCertainty,
      contribution: contribution, conditions: conditions)
  }
}

// MARK: - What a reader can ask about

extension Assessment {
  /// The parts of the tree a reader can ask "why?" about, in the order a menu lists them:
  /// red flags, findings present, recommendations and scores, each with its id and its
  /// name in the reader's words.
  ///
  /// A patient is offered what their report shows: under a sign that needs a doctor today
  /// or now only the signs (no exercise held back, no contributor beside an emergency),
  /// and otherwise only the advice given, not what a flag holds back or a conflict set
  /// aside. A clinician is offered everything.
  package func explainableParts(for audience: Audience) -> [(id: String, name: String)] {
    let kb = knowledgeBase
    let patient = audience == .patient
    var parts = redFlags.map { (id: kb.redFlags[$0.flag].id, name: kb.redFlags[$0.flag].name) }
    if patient && redFlags.contains(where: { $0.urgency.withholdsSelfCare }) { return parts }
    parts += presentFindings.map { result in
      let finding = kb.findings[result.finding]
      return (finding.id, patient ? finding.patientName : finding.name)
    }
    parts += recommendations.filter { !patient || $0.status == .given }.map { result in
      let recommendation = kb.recommendations[result.recommendation]
      return (recommendation.id, patient ? recommendation.patientTitle : recommendation.title)
    }
    parts += scores.filter { !$0.contributions.isEmpty }.map { (kb.scores[$0.score].id, kb.scores[$0.score].name) }
    return parts
  }
}

extension Assessment.UnexplainableID: LocalizedError {
  /// The problem in words, as `description` gives it: what an alert built from the error
  /// shows (`localizedDescription`).
  public var errorDescription: String? { description }
}
