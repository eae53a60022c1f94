// MARK: - Every id of one kind

/// The ids of one kind a knowledge base declares, each with its wording and where it is
/// defined: `upstream list questions|findings|recommendations|red-flags|scores`.
///
/// Entries are sorted by id, so the list is the same whatever order the files were read in.
package struct IDListing: Sendable {
  /// What to list.
  package enum Kind: String, Sendable, CaseIterable {
    case questions, findings, recommendations
    case redFlags = "red-flags"
    case scores
  }

  /// One declared id.
  package struct Entry: Sendable {
    package let id: String
    /// `question`, `complaint`, `contributor`, `recommendation`, `red flag` or `score`.
    package let kind: DeclarationKind
    /// The question's wording, the finding's or score's name, the recommendation's title,
    /// the red flag's name.
    package let wording: String
    /// The question's type as written (`yes/no`, `number 0 to 24 hours`, `choice`…).
    package let type: String?
    /// A choice question's options, in declared order.
    package let options: [Question.Option]
    /// The lowest and highest number a number question, scale or score takes.
    package let range: ClosedRange<Double>?
    /// A number question's unit (`hours`).
    package let unit: String?
    /// Further attributes a reader picks an id by: region, dose, urgency, strata.
    package let facts: [(label: String, value: String)]
    package let location: DeclarationSite
  }

  package let kind: Kind
  package let entries: [Entry]

  /// The listing of one kind of id in `kb`.
  package static func of(_ kind: Kind, in kb: KnowledgeBase) -> IDListing {
    let entries: [Entry]
    switch kind {
    case .questions: entries = kb.questions.map(question)
    case .findings: entries = kb.findings.map(finding)
    case .recommendations: entries = kb.recommendations.map(recommendation)
    case .redFlags: entries = kb.redFlags.map(redFlag)
    case .scores: entries = kb.scores.map { score($0, kb) }
    }
    return IDListing(kind: kind, entries: entries.sorted { $0.id < $1.id })
  }

  // MARK: Each kind

  private static func question(_ question: Question) -> Entry {
    var unit: String?
    if case .number(_, _, let declared, _) = question.kind { unit = declared }
    var facts: [(label: String, value: String)] = []
    if question.notSureAllowed { facts.append(("not sure", "allowed")) }
    if let message = question.belowRangeMessage { facts.append(("below range", message)) }
    if let message = question.aboveRangeMessage { facts.append(("above range", message)) }
    if question.asksForPhysicalTest { facts.append(("physical test", "asked last; not once a sign needs a doctor today or now")) }
    return Entry(
      id: question.id, kind: .question, wording: question.wording, type: DeclarationText.type(question),
      options: question.kind.options, range: question.kind.numberRange, unit: unit, facts: facts, location: question.location)
  }

  private static func finding(_ finding: Finding) -> Entry {
    var facts: [(label: String, value: String)] = []
    if let region = finding.region { facts.append(("region", region.rawValue)) }
    return Entry(
      id: finding.id, kind: DeclarationKind(finding.kind), wording: finding.name, type: nil, options: [], range: nil, unit: nil,
      facts: facts, location: finding.location)
  }

  private static func recommendation(_ recommendation: Recommendation) -> Entry {
    var facts: [(label: String, value: String)] = []
    if let dose = recommendation.dose { facts.append(("dose", dose)) }
    return Entry(
      id: recommendation.id, kind: .recommendation, wording: recommendation.title, type: nil, options: [], range: nil, unit: nil,
      facts: facts, location: recommendation.location)
  }

  private static func redFlag(_ flag: RedFlag) -> Entry {
    Entry(
      id: flag.id, kind: .redFlag, wording: flag.name, type: nil, options: [], range: nil, unit: nil,
      facts: [("urgency", flag.urgency.rawValue)], location: flag.location)
  }

  private static func score(_ score: Score, _ kb: KnowledgeBase) -> Entry {
    let facts = score.strata.map { (label: "stratum", value: DeclarationText.stratum($0, in: kb)) }
    return Entry(
      id: score.id, kind: .score, wording: score.name, type: nil, options: [], range: score.range, unit: nil, facts: facts,
      location: score.location)
  }
}
