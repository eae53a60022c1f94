// MARK: - Audiences

/// Who reads an explanation: the person assessed, or their clinician.
///
/// The patient reads plain words: certainty in words, a rule's patient wording, no rule
/// ids. The clinician reads rule ids, file:line, certainties as numbers, sources and
/// evidence levels. Both read the same assessment model.
public enum Audience: String, Sendable, Hashable, Codable, CaseIterable {
  case patient, clinician
}

// MARK: - The parts explanations are made of

/// A source as explanations cite it: id, title and how strong its evidence is.
public struct SourceReference: Sendable, Hashable, Codable {
  public let id: String
  public let title: String
  public let citation: String?
  public let url: String?
  public let evidence: EvidenceLevel
}

/// A rule as explanations cite it: id, place, wordings and sources.
public struct RuleReference: Sendable, Hashable, Codable {
  public let id: String
  public let location: DeclarationSite
  /// The rule's `because` text.
  public let because: String
  /// `patient wording`, or `because` when the rule has none.
  public let patientWording: String
  /// `clinician wording`, or `because` when the rule has none.
  public let clinicianWording: String
  public let sources: [SourceReference]

  /// The wording this audience reads.
  public func wording(for audience: Audience) -> String {
    audience == .patient ? patientWording : clinicianWording
  }
}

/// A finding named in an explanation: its id and its name.
public struct FindingLabel: Sendable, Hashable, Codable {
  public let id: String
  public let name: String
}

/// One test of a rule's condition as it was evaluated, with the fact it read in words: the
/// one way every explanation (the tree's reasons, why, why not) shows a test.
public struct ConditionFact: Sendable, Hashable, Codable {
  /// What a test read.
  public enum Fact: Sendable, Hashable, Codable {
    /// A question's answer; nil when it was not answered.
    case answer(questionID: String, wording: String, answer: AnswerValue?)
    /// A finding's certainty.
    case finding(FindingLabel, certainty: Double)
    /// A score's total and stratum.
    case score(id: String, name: String, total: Double, stratum: String?)
  }

  /// The test in the rule language, e.g. `arch_shape is flat`.
  public let test: String
  public let outcome: Truth
  public let fact: Fact?
  /// The fact in plain words: `you answered 'yes' to "…"`, `"…" was not asked`.
  public let description: String
  /// In a why explanation, how the finding the test reads was reached in turn (the chain
  /// back to the answers); nil elsewhere, and for tests of answers and scores.
  public let chain: WhyExplanation?
}

// MARK: - Building the parts

extension KnowledgeBase {
  /// A source by index, as explanations cite it.
  func sourceReference(_ index: Int) -> SourceReference {
    let source = sources[index]
    return SourceReference(id: source.id, title: source.title, citation: source.citation, url: source.url, evidence: source.evidence)
  }

  /// A rule by evaluation index, as explanations cite it.
  func ruleReference(_ index: Int) -> RuleReference {
    let rule = rules[index]
    return RuleReference(
      id: rule.id, location: rule.location, because: rule.because,
      patientWording: rule.patientWording ?? rule.because, clinicianWording: rule.clinicianWording ?? rule.because,
      sources: rule.provenance.sources.map(sourceReference))
  }

  /// A finding by index, as id and name.
  func findingLabel(_ index: Int) -> FindingLabel { FindingLabel(id: findings[index].id, name: findings[index].name) }
}

extension Assessment {
  /// The leaf tests of a condition, each with the fact it read described in words.
  func conditionFacts(_ condition: Condition) -> [ConditionFact] {
    conditionFacts(trace(condition))
  }

  /// The leaf tests of an evaluated condition, each with its fact in words.
  func conditionFacts(_ trace: ConditionTrace) -> [ConditionFact] {
    trace.leaves.map { conditionFact($0) }
  }

  /// One evaluated test with its fact in words.
  func conditionFact(_ leaf: ConditionTrace, chain: WhyExplanation? = nil) -> ConditionFact {
    let kb = knowledgeBase
    let fact: ConditionFact.Fact? =
      switch leaf.fact {
      case .answer(let question, let answer):
        .answer(questionID: kb.questions[question].id, wording: kb.wording(of: kb.questions[question], given: answers), answer: answer)
      case .finding(let finding, let certainty): .finding(kb.findingLabel(finding), certainty: certainty)
      case .score(let score, let total, let stratum): .score(id: kb.scores[score].id, name: kb.scores[score].name, total: total, stratum: stratum)
      case nil: nil
      }
    return ConditionFact(
      test: leaf.text, outcome: leaf.outcome, fact: fact, description: leaf.fact.map(describe) ?? leaf.text, chain: chain)
  }

  /// The rules behind a finding's certainty, for and against, in evaluation order: the
  /// steps of its why explanation, without the chains.
  func reasons(for finding: Int) -> [ExplanationStep] {
    findings[finding].evidence.map { evidence in
      ExplanationStep(
        role: evidence.certainty >= 0 ? .supports : .opposes, rule: knowledgeBase.ruleReference(evidence.rule),
        premise: evidence.premise, ruleCertainty: ruleCertainty(evidence.rule, finding: finding),
        contribution: evidence.certainty, conditions: conditionFacts(knowledgeBase.rules[evidence.rule].condition))
    }
  }

  /// The rules that raised a red flag, each with the certainty of its condition.
  func firedReasons(_ rules: [Int]) -> [ExplanationStep] {
    rules.map { rule in
      let premise = firings.first { $0.rule == rule }?.premise ?? 0
      return ExplanationStep(
        role: .raises, rule: knowledgeBase.ruleReference(rule), premise: premise, ruleCertainty: nil, contribution: premise,
        conditions: conditionFacts(knowledgeBase.rules[rule].condition))
    }
  }
}

// MARK: - Truth in words

extension Truth {
  /// `holds`, `fails` or `unknown`, as JSON and tests name outcomes.
  package var name: String {
    switch self {
    case .holds: "holds"
    case .fails: "fails"
    case .unknown: "unknown"
    }
  }
}
