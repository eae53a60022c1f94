// MARK: - What an edit changes

/// What changed between two versions of a knowledge base: in its declarations
/// (structure) and in what it concludes for a set of people's answers (behaviour).
///
/// Structure compares declarations by id, attribute by attribute, in the words of the
/// rule language. Behaviour assesses each set of answers with both versions and lists
/// what a clinician would notice: red flags, findings gained or lost, certainties that
/// moved, a different top contributor, recommendations, scores.
package struct KnowledgeBaseDiff: Sendable {
  /// A declaration added, removed or changed.
  package struct Change: Sendable {
    package enum Kind: String, Sendable { case added, removed, changed }

    /// `rule`, `question`, `complaint`… (`knowledge base` for the header).
    package let declaration: String
    package let id: String
    package let kind: Kind
    /// Where it is declared: in the new version, or in the old one when removed.
    package let location: DeclarationSite?
    /// For a changed declaration, each attribute that changed.
    package let details: [Detail]
  }

  /// One attribute of a declaration: added, removed or changed.
  package struct Detail: Sendable, Hashable {
    package let attribute: String
    package let old: String?
    package let new: String?
  }

  /// One set of answers whose assessment changed.
  package struct Behaviour: Sendable {
    /// `case ID` or the answers file's path.
    package let name: String
    package let location: String?
    /// What a clinician would notice, one line each.
    package let changes: [String]
    /// The largest change in any finding's certainty, signed, with the finding's id.
    package let largestMove: (finding: String, by: Double)?
  }

  /// Answers assessed with both versions.
  package struct Subject: Sendable {
    package let name: String
    package let location: String?
    package let old: Answers
    package let new: Answers

    package init(name: String, location: String?, old: Answers, new: Answers) {
      self.name = name
      self.location = location
      self.old = old
      self.new = new
    }
  }

  package let structure: [Change]
  /// The answer sets whose assessment changed, in the order given.
  package let behaviour: [Behaviour]
  /// How many answer sets were compared.
  package let compared: Int
  /// How the case files differ, when there were case files to compare.
  package let cases: CaseFileDiff?

  /// Whether any assessment changed.
  package var behaviourChanged: Bool { !behaviour.isEmpty }
  /// Whether any case's expectations or answers changed, or a case was added or removed.
  package var casesChanged: Bool { cases?.changed ?? false }

  /// Compares two knowledge bases, assessing each subject's answers with both, and
  /// carries the comparison of their case files.
  package init(old: KnowledgeBase, new: KnowledgeBase, subjects: [Subject], cases: CaseFileDiff? = nil) {
    structure = StructureComparison(old: old, new: new).changes
    behaviour = subjects.compactMap { subject in
      BehaviourComparison(old: old.assess(validated: subject.old), new: new.assess(validated: subject.new)).behaviour(subject)
    }
    compared = subjects.count
    self.cases = cases
  }
}

// MARK: - Structure

private struct StructureComparison {
  let old: KnowledgeBase
  let new: KnowledgeBase

  /// Attributes of one declaration, keyed by name, in the order of the rule language.
  typealias Fields = [(key: String, value: String)]

  var changes: [KnowledgeBaseDiff.Change] {
    var changes: [KnowledgeBaseDiff.Change] = []
    changes += compare("knowledge base", ["header": fields(old.header)], ["header": fields(new.header)], locations: [:], oldLocations: [:])
    changes += compare(
      "source", dictionary(old.sources, \.id) { fields($0) }, dictionary(new.sources, \.id) { fields($0) },
      locations: dictionary(new.sources, \.id) { $0.location }, oldLocations: dictionary(old.sources, \.id) { $0.location })
    changes += compare(
      "question", dictionary(old.questions, \.id) { fields($0, old) }, dictionary(new.questions, \.id) { fields($0, new) },
      locations: dictionary(new.questions, \.id) { $0.location }, oldLocations: dictionary(old.questions, \.id) { $0.location })
    for kind in [FindingKind.complaint, .contributor] {
      let before = old.findings.filter { $0.kind == kind }
      let after = new.findings.filter { $0.kind == kind }
      changes += compare(
        kind.rawValue, dictionary(before, \.id) { fields($0) }, dictionary(after, \.id) { fields($0) },
        locations: dictionary(after, \.id) { $0.location }, oldLocations: dictionary(before, \.id) { $0.location })
    }
    changes += compare(
      "score", dictionary(old.scores, \.id) { fields($0, old) }, dictionary(new.scores, \.id) { fields($0, new) },
      locations: dictionary(new.scores, \.id) { $0.location }, oldLocations: dictionary(old.scores, \.id) { $0.location })
    changes += compare(
      "red flag", dictionary(old.redFlags, \.id) { fields($0, old) }, dictionary(new.redFlags, \.id) { fields($0, new) },
      locations: dictionary(new.redFlags, \.id) { $0.location }, oldLocations: dictionary(old.redFlags, \.id) { $0.location })
    changes += compare(
      "recommendation", dictionary(old.recommendations, \.id) { fields($0, old) }, dictionary(new.recommendations, \.id) { fields($0, new) },
      locations: dictionary(new.recommendations, \.id) { $0.location }, oldLocations: dictionary(old.recommendations, \.id) { $0.location })
    changes += compare(
      "rule", dictionary(old.rules, \.id) { fields($0, old) }, dictionary(new.rules, \.id) { fields($0, new) },
      locations: dictionary(new.rules, \.id) { $0.location }, oldLocations: dictionary(old.rules, \.id) { $0.location })
    return changes
  }

  private func dictionary<T, V>(_ items: [T], _ id: KeyPath<T, String>, _ value: (T) -> V) -> [String: V] {
    Dictionary(items.map { ($0[keyPath: id], value($0)) }, uniquingKeysWith: { first, _ in first })
  }

  private func compare(
    _ declaration: String, _ before: [String: Fields], _ after: [String: Fields], locations: [String: DeclarationSite],
    oldLocations: [String: DeclarationSite]
  ) -> [KnowledgeBaseDiff.Change] {
    var changes: [KnowledgeBaseDiff.Change] = []
    for id in Set(before.keys).union(after.keys).sorted() {
      switch (before[id], after[id]) {
      case (nil, _?):
        changes.append(.init(declaration: declaration, id: id, kind: .added, location: locations[id], details: []))
      case (_?, nil):
        changes.append(.init(declaration: declaration, id: id, kind: .removed, location: oldLocations[id], details: []))
      case (let old?, let new?):
        let details = differences(old, new)
        if !details.isEmpty {
          changes.append(.init(declaration: declaration, id: id, kind: .changed, location: locations[id], details: details))
        }
      case (nil, nil): break
      }
    }
    return changes
  }

  /// Attributes that differ, in the new version's order, then those only in the old one.
  private func differences(_ old: Fields, _ new: Fields) -> [KnowledgeBaseDiff.Detail] {
    let oldValues = Dictionary(old.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    let newKeys = Set(new.map(\.key))
    var details: [KnowledgeBaseDiff.Detail] = []
    for field in new where oldValues[field.key] != field.value {
      details.append(.init(attribute: field.key, old: oldValues[field.key], new: field.value))
    }
    for field in old where !newKeys.contains(field.key) {
      details.append(.init(attribute: field.key, old: field.value, new: nil))
    }
    return details
  }

  // MARK: Attributes of each declaration

  private func fields(_ header: Header) -> Fields {
    [
      ("name", header.name), ("version", header.version), ("author", header.authors.joined(separator: "; ")),
      ("disclaimer", header.disclaimer), ("general advice", header.generalAdvice), ("less likely below", NumberText.plain(header.lessLikelyBelow)),
    ]
  }

  private func fields(_ source: Source) -> Fields {
    var fields: Fields = [("title", source.title)]
    if let citation = source.citation { fields.append(("citation", citation)) }
    if let url = source.url { fields.append(("url", url)) }
    fields.append(("evidence", source.evidence.rawValue))
    return fields
  }

  private func fields(_ question: Question, _ kb: KnowledgeBase) -> Fields {
    var fields: Fields = [("type", DeclarationText.type(question)), ("ask", question.wording)]
    if let help = question.help { fields.append(("help", help)) }
    for option in question.kind.options { fields.append(("option \(option.id)", option.label)) }
    if !question.kind.options.isEmpty { fields.append(("order of options", question.kind.options.map(\.id).joined(separator: ", "))) }
    if question.notSureAllowed { fields.append(("not sure allowed", "yes")) }
    if question.asksForPhysicalTest { fields.append(("physical test", "yes")) }
    if let message = question.belowRangeMessage { fields.append(("below range", message)) }
    if let message = question.aboveRangeMessage { fields.append(("above range", message)) }
    if let askWhen = question.askWhen { fields.append(("ask when", ConditionText.describe(askWhen, in: kb))) }
    return fields
  }

  private func fields(_ finding: Finding) -> Fields {
    var fields: Fields = [("name", finding.name)]
    if let region = finding.region { fields.append(("region", region.rawValue)) }
    if let explanation = finding.explanation { fields.append(("explain", explanation)) }
    return fields
  }

  private func fields(_ score: Score, _ kb: KnowledgeBase) -> Fields {
    var fields: Fields = [("name", score.name)]
    if let range = score.range { fields.append(("range", "\(NumberText.plain(range.lowerBound)) to \(NumberText.plain(range.upperBound))")) }
    for stratum in score.strata {
      fields.append(("stratum \(stratum.id)", DeclarationText.stratum(stratum, in: kb)))
      if let meaning = stratum.meaning { fields.append(("stratum \(stratum.id) means", meaning)) }
    }
    fields.append(("order of strata", score.strata.map(\.id).joined(separator: ", ")))
    return fields
  }

  private func provenance(_ provenance: Provenance, _ kb: KnowledgeBase) -> Fields {
    var fields: Fields = []
    if !provenance.sources.isEmpty { fields.append(("source", DeclarationText.sources(provenance, in: kb))) }
    if let author = provenance.author { fields.append(("author", author)) }
    if let reviewed = provenance.reviewed { fields.append(("reviewed", reviewed)) }
    return fields
  }

  private func fields(_ flag: RedFlag, _ kb: KnowledgeBase) -> Fields {
    var fields: Fields = [("name", flag.name), ("urgency", flag.urgency.rawValue), ("advice", flag.advice)]
    for urgency in Urgency.allCases { if let text = flag.adviceByUrgency[urgency] { fields.append(("advice \(urgency.rawValue)", text)) } }
    if let explanation = flag.explanation { fields.append(("explain", explanation)) }
    return fields + provenance(flag.provenance, kb)
  }

  private func fields(_ recommendation: Recommendation, _ kb: KnowledgeBase) -> Fields {
    var fields: Fields = [("title", recommendation.title)]
    if let dose = recommendation.dose { fields.append(("dose", dose)) }
    if let instructions = recommendation.instructions { fields.append(("instructions", instructions)) }
    if !recommendation.cautions.isEmpty { fields.append(("caution", recommendation.cautions.joined(separator: " / "))) }
    for notFor in recommendation.notFor {
      fields.append(("not for \(ConditionText.describe(notFor.condition, in: kb))", notFor.reason))
    }
    if recommendation.safeWhileAwaitingReferral { fields.append(("safe while awaiting referral", "yes")) }
    if recommendation.isFirstStep { fields.append(("first step", "yes")) }
    if !recommendation.addresses.isEmpty {
      fields.append(("addresses", recommendation.addresses.map { kb.findings[$0].id }.sorted().joined(separator: ", ")))
    }
    for conflict in recommendation.conflicts {
      fields.append(("conflicts with \(kb.recommendations[conflict.other].id)", DeclarationText.conflict(conflict, in: kb)))
    }
    return fields + provenance(recommendation.provenance, kb)
  }

  private func fields(_ rule: Rule, _ kb: KnowledgeBase) -> Fields {
    var fields: Fields = [("when", ConditionText.describe(rule.condition, in: kb))]
    for conclusion in rule.conclusions {
      let key = "then " + DeclarationText.conclusionKey(conclusion, in: kb)
      switch conclusion {
      case .certainty(_, let value): fields.append((key, NumberText.plain(value)))
      case .addPoints(_, let thousandths): fields.append((key, NumberText.plain(Double(thousandths) / 1000)))
      case .redFlag(_, let urgency): fields.append((key, "urgency " + urgency.rawValue))
      case .upstream, .recommend: fields.append((key, ""))
      }
    }
    fields.append(("because", rule.because))
    if let wording = rule.patientWording { fields.append(("patient wording", wording)) }
    if let wording = rule.clinicianWording { fields.append(("clinician wording", wording)) }
    return fields + provenance(rule.provenance, kb)
  }
}

// MARK: - Behaviour

/// One set of answers assessed with both versions.
private struct BehaviourComparison {
  let old: Assessment
  let new: Assessment

  /// What changed, or nil when nothing a clinician would notice did.
  func behaviour(_ subject: KnowledgeBaseDiff.Subject) -> KnowledgeBaseDiff.Behaviour? {
    var changes = redFlagChanges()
    let moves = certaintyMoves()
    changes += moves.lines
    changes += topContributorChanges()
    changes += linkChanges()
    changes += recommendationChanges()
    changes += scoreChanges()
    guard !changes.isEmpty else { return nil }
    return KnowledgeBaseDiff.Behaviour(name: subject.name, location: subject.location, changes: changes, largestMove: moves.largest)
  }

  private func redFlagChanges() -> [String] {
    let before = Dictionary(old.redFlags.map { (old.knowledgeBase.redFlags[$0.flag].id, $0.urgency) }, uniquingKeysWith: { a, _ in a })
    let after = Dictionary(new.redFlags.map { (new.knowledgeBase.redFlags[$0.flag].id, $0.urgency) }, uniquingKeysWith: { a, _ in a })
    var lines: [String] = []
    for id in Set(before.keys).union(after.keys).sorted() {
      switch (before[id], after[id]) {
      case (nil, let urgency?): lines.append("raises red flag \(id) (\(urgency.rawValue))")
      case (let urgency?, nil): lines.append("no longer raises red flag \(id) (was \(urgency.rawValue))")
      case (let a?, let b?) where a != b: lines.append("red flag \(id): \(a.rawValue) → \(b.rawValue)")
      default: break
      }
    }
    return lines
  }

  private func certainties(_ assessment: Assessment) -> [String: (certainty: Double, present: Bool, kind: FindingKind)] {
    var values: [String: (certainty: Double, present: Bool, kind: FindingKind)] = [:]
    for result in assessment.findings {
      let finding = assessment.knowledgeBase.findings[result.finding]
      values[finding.id] = (result.certainty, result.isPresent, finding.kind)
    }
    return values
  }

  private func certaintyMoves() -> (lines: [String], largest: (finding: String, by: Double)?) {
    let before = certainties(old)
    let after = certainties(new)
    var lines: [String] = []
    var largest: (finding: String, by: Double)?
    for id in Set(before.keys).union(after.keys).sorted() {
      let a = before[id]
      let b = after[id]
      let oldValue = a?.certainty ?? 0
      let newValue = b?.certainty ?? 0
      let wasPresent = a?.present ?? false
      let isPresent = b?.present ?? false
      let kind = (b?.kind ?? a?.kind ?? .contributor).rawValue
      let move = newValue - oldValue
      guard wasPresent || isPresent, abs(move) >= 0.005 else { continue }
      if largest == nil || abs(move) > abs(largest?.by ?? 0) { largest = (id, move) }
      let numbers = "\(Certainty.number(oldValue)) → \(Certainty.number(newValue)) (\(move > 0 ? "+" : "−")\(Certainty.number(abs(move))))"
      switch (wasPresent, isPresent) {
      case (false, true): lines.append("gains \(kind) \(id): \(numbers)")
      case (true, false): lines.append("loses \(kind) \(id): \(numbers)")
      default: lines.append("\(kind) \(id): \(numbers)")
      }
    }
    return (lines, largest)
  }

  /// The top contributor upstream of each complaint, as `upstream test` ranks them: the
  /// most certain present contributor linked to it, ties going to the first id.
  private func topContributors(_ assessment: Assessment) -> [String: (id: String, certainty: Double)] {
    let kb = assessment.knowledgeBase
    var candidates: [String: [(id: String, certainty: Double)]] = [:]
    for link in assessment.links where assessment.findings[link.contributor].isPresent {
      let target = kb.findings[link.finding]
      guard target.kind == .complaint else { continue }
      candidates[target.id, default: []].append((kb.findings[link.contributor].id, assessment.findings[link.contributor].certainty))
    }
    return candidates.compactMapValues { ranked in
      ranked.min { $0.certainty > $1.certainty || ($0.certainty == $1.certainty && $0.id < $1.id) }
    }
  }

  private func topContributorChanges() -> [String] {
    let before = topContributors(old)
    let after = topContributors(new)
    var lines: [String] = []
    for complaint in Set(before.keys).union(after.keys).sorted() where before[complaint]?.id != after[complaint]?.id {
      func describe(_ top: (id: String, certainty: Double)?) -> String {
        top.map { "\($0.id) (\(Certainty.number($0.certainty)))" } ?? "none"
      }
      lines.append("top contributor of \(complaint): \(describe(before[complaint])) → \(describe(after[complaint]))")
    }
    return lines
  }

  private func links(_ assessment: Assessment) -> Set<String> {
    let kb = assessment.knowledgeBase
    return Set(
      assessment.links.filter { assessment.findings[$0.contributor].isPresent }.map {
        "\(kb.findings[$0.contributor].id) upstream of \(kb.findings[$0.finding].id)"
      })
  }

  private func linkChanges() -> [String] {
    let before = links(old)
    let after = links(new)
    return after.subtracting(before).sorted().map { "new link: \($0)" } + before.subtracting(after).sorted().map { "link gone: \($0)" }
  }

  private func statuses(_ assessment: Assessment) -> [String: String] {
    let kb = assessment.knowledgeBase
    var statuses: [String: String] = [:]
    for result in assessment.recommendations {
      let status: String
      switch result.status {
      case .given: status = "given"
      case .setAside(let settlement): status = "set aside for \(kb.recommendations[settlement.winner].id)"
      case .withheld(let flag): status = "withheld (red flag \(kb.redFlags[flag].id))"
      case .notForYou(let position):
        status = "withheld (not for: \(ConditionText.describe(kb.recommendations[result.recommendation].notFor[position].condition, in: kb)))"
      }
      statuses[kb.recommendations[result.recommendation].id] = status
    }
    return statuses
  }

  private func recommendationChanges() -> [String] {
    let before = statuses(old)
    let after = statuses(new)
    var lines: [String] = []
    for id in Set(before.keys).union(after.keys).sorted() where before[id] != after[id] {
      switch (before[id], after[id]) {
      case (nil, "given"?): lines.append("recommends \(id)")
      case ("given"?, nil): lines.append("no longer recommends \(id)")
      default: lines.append("recommendation \(id): \(before[id] ?? "not called for") → \(after[id] ?? "not called for")")
      }
    }
    return lines
  }

  private func scores(_ assessment: Assessment) -> [String: String] {
    let kb = assessment.knowledgeBase
    var values: [String: String] = [:]
    for result in assessment.scores {
      let score = kb.scores[result.score]
      let stratum = result.stratum.map { " (\(score.strata[$0].id))" } ?? ""
      values[score.id] = NumberText.plain(result.total) + stratum
    }
    return values
  }

  private func scoreChanges() -> [String] {
    let before = scores(old)
    let after = scores(new)
    return Set(before.keys).union(after.keys).sorted().filter { before[$0] != after[$0] }.map {
      "score \($0): \(before[$0] ?? "none") → \(after[$0] ?? "none")"
    }
  }
}
