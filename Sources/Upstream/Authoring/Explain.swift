// MARK: - What an id is, and what it is connected to

/// Everything the knowledge base says about one id: what it is, where it is defined, its
/// attributes, and every declaration it uses or that uses it.
package struct IDReport: Sendable {
  /// Another declaration this one is connected to.
  package struct Reference: Sendable, Hashable {
    /// `question`, `complaint`, `contributor`, `score`, `rule`, `recommendation`, `red flag` or `source`.
    package let kind: DeclarationKind
    package let id: String
    package let location: DeclarationSite
    /// What the connection is, when the group's title does not say it all (a certainty, a condition).
    package let note: String?
  }

  /// Connections of one kind, such as "read by" or "concludes".
  package struct Group: Sendable {
    package let title: String
    package let references: [Reference]
  }

  package let id: String
  /// `question`, `complaint`, `contributor`, `score`, `rule`, `recommendation`, `red flag` or `source`.
  package let kind: DeclarationKind
  /// The name, title or wording a person reads, if any.
  package let title: String?
  package let location: DeclarationSite
  /// Its attributes as written, in the order of the rule language.
  package let facts: [(label: String, value: String)]
  /// What it uses: questions it reads, what it concludes or addresses, sources it cites.
  package let uses: [Group]
  /// What uses it: rules that read or conclude it, recommendations that address it…
  package let usedBy: [Group]
}

/// Builds the `IDReport` for an id: `upstream explain ID`.
package enum Explain {
  /// The report for an id, or nil when the knowledge base has no such id.
  package static func report(_ id: String, in kb: KnowledgeBase) -> IDReport? {
    switch kb.symbols[id] {
    case .question(let index)?: return report(question: index, kb)
    case .finding(let index)?: return report(finding: index, kb)
    case .score(let index)?: return report(score: index, kb)
    case .rule(let index)?: return report(rule: index, kb)
    case .recommendation(let index)?: return report(recommendation: index, kb)
    case .redFlag(let index)?: return report(redFlag: index, kb)
    case .source(let index)?: return report(source: index, kb)
    case .norm(let index)?: return report(norm: index, kb)
    case nil: return nil
    }
  }

  /// "a question", "a contributor"… for an id, or nil when there is none.
  package static func kind(of id: String, in kb: KnowledgeBase) -> String? {
    if kb.question(id) != nil { return "a question" }
    if let finding = kb.finding(id) { return "a \(finding.kind.rawValue)" }
    if kb.score(id) != nil { return "a score" }
    if kb.rule(id) != nil { return "a rule" }
    if kb.recommendation(id) != nil { return "a recommendation" }
    if kb.redFlag(id) != nil { return "a red flag" }
    if kb.source(id) != nil { return "a source" }
    if kb.norms.contains(where: { $0.id == id }) { return "a norm" }
    return nil
  }

  // MARK: References

  private static func ref(_ rule: Rule, _ note: String? = nil) -> IDReport.Reference {
    IDReport.Reference(kind: .rule, id: rule.id, location: rule.location, note: note)
  }

  private static func ref(_ question: Question, _ note: String? = nil) -> IDReport.Reference {
    IDReport.Reference(kind: .question, id: question.id, location: question.location, note: note)
  }

  private static func ref(_ finding: Finding, _ note: String? = nil) -> IDReport.Reference {
    IDReport.Reference(kind: DeclarationKind(finding.kind), id: finding.id, location: finding.location, note: note)
  }

  private static func ref(_ score: Score, _ note: String? = nil) -> IDReport.Reference {
    IDReport.Reference(kind: .score, id: score.id, location: score.location, note: note)
  }

  private static func ref(_ recommendation: Recommendation, _ note: String? = nil) -> IDReport.Reference {
    IDReport.Reference(kind: .recommendation, id: recommendation.id, location: recommendation.location, note: note)
  }

  private static func ref(_ flag: RedFlag, _ note: String? = nil) -> IDReport.Reference {
    IDReport.Reference(kind: .redFlag, id: flag.id, location: flag.location, note: note)
  }

  private static func ref(_ source: Source) -> IDReport.Reference {
    IDReport.Reference(kind: .source, id: source.id, location: source.location, note: nil)
  }

  /// Groups with at least one reference, each sorted by kind and id.
  private static func groups(_ groups: [(String, [IDReport.Reference])]) -> [IDReport.Group] {
    groups.filter { !$0.1.isEmpty }.map { title, references in
      IDReport.Group(title: title, references: Array(Set(references)).sorted { ($0.kind, $0.id, $0.note ?? "") < ($1.kind, $1.id, $1.note ?? "") })
    }
  }

  private static func when(_ rule: Rule, _ kb: KnowledgeBase) -> String {
    "when " + ConditionText.describe(rule.condition, in: kb)
  }

  private static func provenanceFacts(_ provenance: Provenance, _ kb: KnowledgeBase) -> [(label: String, value: String)] {
    var facts: [(label: String, value: String)] = []
    if !provenance.sources.isEmpty { facts.append(("source", DeclarationText.sources(provenance, in: kb))) }
    if let author = provenance.author { facts.append(("author", author)) }
    if let reviewed = provenance.reviewed { facts.append(("reviewed", reviewed)) }
    return facts
  }

  // MARK: Each kind

  private static func report(question index: Int, _ kb: KnowledgeBase) -> IDReport {
    let question = kb.questions[index]
    var facts: [(label: String, value: String)] = [("type", DeclarationText.type(question)), ("ask", question.wording)]
    if let help = question.help { facts.append(("help", help)) }
    for option in question.kind.options { facts.append(("option", "\(option.id) \"\(option.label)\"")) }
    if question.notSureAllowed { facts.append(("not sure", "allowed")) }
    if question.asksForPhysicalTest { facts.append(("physical test", "not asked after a sign that needs a doctor today or now")) }
    if let message = question.belowRangeMessage { facts.append(("below range", "not for this person, who is told \"\(message)\"")) }
    if let message = question.aboveRangeMessage { facts.append(("above range", "not for this person, who is told \"\(message)\"")) }
    if let askWhen = question.askWhen { facts.append(("ask when", ConditionText.describe(askWhen, in: kb))) }
    if question.isRedFlagQuestion { facts.append(("red-flag question", "a red-flag rule reads it, so it is asked first and never skipped")) }
    let readBy = kb.rules.filter { $0.condition.questionsRead.contains(index) }.map { ref($0, when($0, kb)) }
    let gates = kb.questions.compactMap { other -> IDReport.Reference? in
      guard let askWhen = other.askWhen, askWhen.questionsRead.contains(index) else { return nil }
      return ref(other, "ask when " + ConditionText.describe(askWhen, in: kb))
    }
    let strata = kb.scores.filter { $0.strata.contains { $0.condition.questionsRead.contains(index) } }.map { ref($0) }
    let conflicts = kb.recommendations.filter { $0.conflicts.contains { $0.preferences.contains { $0.when.questionsRead.contains(index) } } }.map {
      ref($0)
    }
    let withholds = kb.recommendations.filter { $0.notFor.contains { $0.condition.questionsRead.contains(index) } }.map { ref($0) }
    let asksAfter = (question.askWhen?.questionsRead ?? []).map { ref(kb.questions[$0]) }
    return IDReport(
      id: question.id, kind: .question, title: question.wording, location: question.location, facts: facts,
      uses: groups([("its 'ask when' reads", asksAfter)]),
      usedBy: groups([
        ("read by", readBy), ("decides whether to ask", gates), ("decides the strata of", strata), ("settles conflicts of", conflicts),
        ("can withhold (not for)", withholds),
      ]))
  }

  private static func report(finding index: Int, _ kb: KnowledgeBase) -> IDReport {
    let finding = kb.findings[index]
    var facts: [(label: String, value: String)] = [("name", finding.name)]
    if let region = finding.region { facts.append(("region", region.rawValue)) }
    if let explanation = finding.explanation { facts.append(("explain", explanation)) }
    var concludedBy: [IDReport.Reference] = []
    var upstreamOf: [IDReport.Reference] = []
    var hasUpstream: [IDReport.Reference] = []
    for rule in kb.rules {
      for conclusion in rule.conclusions {
        switch conclusion {
        case .certainty(index, let value): concludedBy.append(ref(rule, "certainty \(NumberText.plain(value))"))
        case .upstream(index, let target): upstreamOf.append(ref(kb.findings[target], "by rule \(rule.id)"))
        case .upstream(let contributor, index): hasUpstream.append(ref(kb.findings[contributor], "by rule \(rule.id)"))
        default: break
        }
      }
    }
    let readBy = kb.rules.filter { $0.condition.findingsRead().contains { $0.finding == index } }.map { ref($0, when($0, kb)) }
    let addressedBy = kb.recommendations.filter { $0.addresses.contains(index) }.map { ref($0) }
    return IDReport(
      id: finding.id, kind: DeclarationKind(finding.kind), title: finding.name, location: finding.location, facts: facts,
      uses: groups([("concluded by", concludedBy), ("has upstream of it", hasUpstream)]),
      usedBy: groups([("sits upstream of", upstreamOf), ("read by", readBy), ("addressed by", addressedBy)]))
  }

  private static func report(score index: Int, _ kb: KnowledgeBase) -> IDReport {
    let score = kb.scores[index]
    var facts: [(label: String, value: String)] = [("name", score.name)]
    if let range = score.range { facts.append(("range", "\(NumberText.plain(range.lowerBound)) to \(NumberText.plain(range.upperBound))")) }
    for stratum in score.strata { facts.append(("stratum", DeclarationText.stratum(stratum, in: kb))) }
    var pointsFrom: [IDReport.Reference] = []
    for rule in kb.rules {
      for case .addPoints(index, let thousandths) in rule.conclusions {
        pointsFrom.append(ref(rule, "adds \(NumberText.plain(Double(thousandths) / 1000))"))
      }
    }
    let strataRead = score.strata.flatMap { $0.condition.questionsRead }.map { ref(kb.questions[$0]) }
    let readBy = kb.rules.filter { $0.condition.scoresRead.contains(index) }.map { ref($0, when($0, kb)) }
    return IDReport(
      id: score.id, kind: .score, title: score.name, location: score.location, facts: facts,
      uses: groups([("points from", pointsFrom), ("strata read", strataRead)]), usedBy: groups([("read by", readBy)]))
  }

  private static func report(rule index: Int, _ kb: KnowledgeBase) -> IDReport {
    let rule = kb.rules[index]
    var facts: [(label: String, value: String)] = [("when", ConditionText.describe(rule.condition, in: kb))]
    for (position, conclusion) in rule.conclusions.enumerated() {
      facts.append((position == 0 ? "then" : "and", DeclarationText.conclusion(conclusion, in: kb)))
    }
    facts.append(("because", rule.because))
    if let wording = rule.patientWording { facts.append(("patient wording", wording)) }
    if let wording = rule.clinicianWording { facts.append(("clinician wording", wording)) }
    facts += provenanceFacts(rule.provenance, kb)

    var reads = Set(rule.condition.questionsRead).map { ref(kb.questions[$0]) }
    reads += Set(rule.condition.findingsRead().map(\.finding)).map { ref(kb.findings[$0]) }
    reads += Set(rule.condition.scoresRead).map { ref(kb.scores[$0]) }
    var concludes: [IDReport.Reference] = []
    var concludedFindings = Set<Int>()
    var concludedScores = Set<Int>()
    for conclusion in rule.conclusions {
      let text = DeclarationText.conclusion(conclusion, in: kb)
      switch conclusion {
      case .certainty(let finding, _):
        concludes.append(ref(kb.findings[finding], text))
        concludedFindings.insert(finding)
      case .upstream(let contributor, _): concludes.append(ref(kb.findings[contributor], text))
      case .addPoints(let score, _):
        concludes.append(ref(kb.scores[score], text))
        concludedScores.insert(score)
      case .recommend(let recommendation): concludes.append(ref(kb.recommendations[recommendation], text))
      case .redFlag(let flag, _): concludes.append(ref(kb.redFlags[flag], text))
      }
    }
    let cites = rule.provenance.sources.map { ref(kb.sources[$0]) }
    let readers = kb.rules.enumerated().filter { other, candidate in
      other != index
        && (candidate.condition.findingsRead().contains { concludedFindings.contains($0.finding) }
          || !Set(candidate.condition.scoresRead).isDisjoint(with: concludedScores))
    }.map { ref($0.element, when($0.element, kb)) }
    return IDReport(
      id: rule.id, kind: .rule, title: nil, location: rule.location, facts: facts,
      uses: groups([("reads", reads), ("concludes", concludes), ("cites", cites)]),
      usedBy: groups([("its conclusions are read by", readers)]))
  }

  private static func report(recommendation index: Int, _ kb: KnowledgeBase) -> IDReport {
    let recommendation = kb.recommendations[index]
    var facts: [(label: String, value: String)] = [("title", recommendation.title)]
    if let dose = recommendation.dose { facts.append(("dose", dose)) }
    if let instructions = recommendation.instructions { facts.append(("instructions", instructions)) }
    for caution in recommendation.cautions { facts.append(("caution", caution)) }
    for notFor in recommendation.notFor {
      facts.append(("not for", "\(ConditionText.describe(notFor.condition, in: kb)): \(notFor.reason)"))
    }
    if !recommendation.addresses.isEmpty {
      facts.append(("addresses", recommendation.addresses.map { kb.findings[$0].id }.joined(separator: ", ")))
    }
    for conflict in recommendation.conflicts { facts.append(("conflicts", DeclarationText.conflict(conflict, in: kb))) }
    facts += provenanceFacts(recommendation.provenance, kb)
    let calledFor = kb.rules.filter { $0.conclusions.contains(.recommend(index)) }.map { ref($0, when($0, kb)) }
    let conflictsDeclaredElsewhere = kb.recommendations.filter { $0.conflicts.contains { $0.other == index } }.map { ref($0) }
    return IDReport(
      id: recommendation.id, kind: .recommendation, title: recommendation.title, location: recommendation.location, facts: facts,
      uses: groups([
        ("addresses", recommendation.addresses.map { ref(kb.findings[$0]) }),
        ("conflicts with", recommendation.conflicts.map { ref(kb.recommendations[$0.other]) }),
        ("cites", recommendation.provenance.sources.map { ref(kb.sources[$0]) }),
      ]),
      usedBy: groups([("called for by", calledFor), ("in a conflict declared by", conflictsDeclaredElsewhere)]))
  }

  private static func report(redFlag index: Int, _ kb: KnowledgeBase) -> IDReport {
    let flag = kb.redFlags[index]
    var facts: [(label: String, value: String)] = [
      ("name", flag.name), ("urgency", "\(flag.urgency.rawValue) (\(flag.urgency.description))"), ("advice", flag.advice),
    ]
    for urgency in Urgency.allCases {
      if let text = flag.adviceByUrgency[urgency] { facts.append(("advice \(urgency.rawValue)", text)) }
    }
    if let explanation = flag.explanation { facts.append(("explain", explanation)) }
    facts += provenanceFacts(flag.provenance, kb)
    var raisedBy: [IDReport.Reference] = []
    for rule in kb.rules {
      for case .redFlag(index, let urgency) in rule.conclusions {
        raisedBy.append(ref(rule, when(rule, kb) + (urgency == flag.urgency ? "" : " (urgency \(urgency.rawValue))")))
      }
    }
    return IDReport(
      id: flag.id, kind: .redFlag, title: flag.name, location: flag.location, facts: facts,
      uses: groups([("cites", flag.provenance.sources.map { ref(kb.sources[$0]) })]), usedBy: groups([("raised by", raisedBy)]))
  }

  private static func report(source index: Int, _ kb: KnowledgeBase) -> IDReport {
    let source = kb.sources[index]
    var facts: [(label: String, value: String)] = [("title", source.title)]
    if let citation = source.citation { facts.append(("citation", citation)) }
    if let url = source.url { facts.append(("url", url)) }
    facts.append(("evidence", "\(source.evidence.rawValue) (\(source.evidence.description))"))
    let rules = kb.rules.filter { $0.provenance.sources.contains(index) }.map { ref($0) }
    let recommendations = kb.recommendations.filter { $0.provenance.sources.contains(index) }.map { ref($0) }
    let flags = kb.redFlags.filter { $0.provenance.sources.contains(index) }.map { ref($0) }
    return IDReport(
      id: source.id, kind: .source, title: source.title, location: source.location, facts: facts, uses: [],
      usedBy: groups([("cited by", rules + recommendations + flags)]))
  }

  private static func report(norm index: Int, _ kb: KnowledgeBase) -> IDReport {
    let norm = kb.norms[index]
    let by = kb.questions[norm.by].id
    var facts: [(label: String, value: String)] = [("name", norm.name), ("by", by)]
    for band in norm.bands {
      facts.append(
        ("band", "\(NumberText.plain(band.answers.lowerBound)) to \(NumberText.plain(band.answers.upperBound)) value \(NumberText.plain(band.value))")
      )
    }
    facts += provenanceFacts(norm.provenance, kb)
    return IDReport(
      id: norm.id, kind: .norm, title: norm.name, location: norm.location, facts: facts,
      uses: groups([("reads", [ref(kb.questions[norm.by], "picks the band")])]),
      usedBy: groups([("compared with by", norm.readBy.compactMap { kb.rule($0) }.map { ref($0) })]))
  }
}
