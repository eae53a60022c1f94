import UpstreamDigest

// MARK: - Building the recommendation tree

extension Assessment {
  /// The explained recommendation tree: red flags, complaints, their upstream
  /// contributors and what to do, with why (see ``RecommendationTree``).
  ///
  /// Built from the assessment's record each time it is read (it is a value, not cached):
  /// keep it in a constant when it is used more than once.
  public var tree: RecommendationTree { RecommendationTreeBuilder(self).build() }

  /// What reproduces this assessment: the knowledge base's name, version and content
  /// hash, and the answers with their hash.
  package var stamp: RecommendationTree.Stamp {
    RecommendationTree.Stamp(
      knowledgeBaseName: knowledgeBase.header.name, knowledgeBaseVersion: knowledgeBase.header.version,
      contentHash: knowledgeBase.contentHash, answers: answers,
      answersHash: SHA256.hex(answers.compactJSONUTF8(in: knowledgeBase)))
  }
}

/// Builds a `RecommendationTree` from an assessment's record of what fired.
struct RecommendationTreeBuilder {
  private let assessment: Assessment
  private let kb: KnowledgeBase
  private let present: [Bool]
  /// For each finding, the present findings with a fired link upstream of it.
  private let upstream: [[Int]]
  /// For each finding, the present findings it has a fired link upstream of.
  private let downstream: [[Int]]
  /// The rules behind each fired link, by `[contributor, finding]`.
  private let linkRules: [[Int]: [Int]]
  /// Recommendations called for and withheld neither by a red flag nor by a `not for`.
  private let calledFor: [RecommendationResult]

  init(_ assessment: Assessment) {
    self.assessment = assessment
    kb = assessment.knowledgeBase
    let present = assessment.findings.map(\.isPresent)
    self.present = present
    var upstream = [[Int]](repeating: [], count: kb.findings.count)
    var downstream = upstream
    var linkRules: [[Int]: [Int]] = [:]
    for link in assessment.links where present[link.contributor] && present[link.finding] && link.contributor != link.finding {
      upstream[link.finding].append(link.contributor)
      downstream[link.contributor].append(link.finding)
      linkRules[[link.contributor, link.finding]] = link.rules
    }
    self.upstream = upstream
    self.downstream = downstream
    self.linkRules = linkRules
    calledFor = assessment.recommendations.filter {
      switch $0.status {
      case .withheld, .notForYou: false
      case .given, .setAside: true
      }
    }
  }

  // MARK: The whole tree

  func build() -> RecommendationTree {
    let complaints = ranked(kb.findings.indices.filter { kb.findings[$0].kind == .complaint && present[$0] })
    let reachable = reach(from: complaints)
    let otherRoots = otherFindingRoots(excluding: reachable)
    let placed = reachable.union(reach(from: otherRoots))
    let complaintNodes = complaints.enumerated().map { node($1, parent: nil, path: [], rank: $0 + 1, placed: placed) }
    let otherNodes = otherRoots.enumerated().map { node($1, parent: nil, path: [], rank: $0 + 1, placed: placed) }
    let nothingFound = !kb.findings.indices.contains { kb.findings[$0].kind == .contributor && present[$0] }
    let withholding = assessment.highestUrgency?.withholdsSelfCare ?? false
    let referral = assessment.highestUrgency == .routineReferral
    let unplaced = calledFor.filter { result in
      !kb.recommendations[result.recommendation].addresses.contains { placed.contains($0) }
    }
    let otherRecommendations = ordered(unplaced).map { entry($0, at: nil, placed: placed) }
    let plan = RecommendationTree.plan(complaints: complaintNodes, otherRecommendations: otherRecommendations, selfCare: !withholding)
    return RecommendationTree(
      stamp: assessment.stamp, disclaimer: kb.header.disclaimer, lessLikelyBelow: kb.header.lessLikelyBelow,
      redFlags: redFlags, careLevel: assessment.careLevel, withheld: withheld(placed: placed),
      notForYou: notForYou(placed: placed), unansweredSafetyQuestions: unansweredSafetyQuestions,
      firstSteps: firstSteps(plan),
      complaints: complaintNodes, otherFindings: otherNodes, nothingFound: nothingFound,
      // The general advice is for pain with nothing found behind it; someone who reported
      // no pain is told there was nothing to look into instead.
      generalAdvice: nothingFound && !withholding && !complaintNodes.isEmpty ? kb.header.generalAdvice : nil,
      safetyNetting: withholding ? [] : kb.safetyNetting(for: assessment.answers),
      whileWaiting: referral && calledFor.contains(where: \.isGiven)
        ? "Get the referral above first. While you wait for it, the self-care below is safe to start; stop anything that makes your symptoms worse."
        : nil,
      otherRecommendations: otherRecommendations, scores: scores,
      settlements: calledFor.flatMap(\.settlementsWon).map(settlement)
        .sorted { ($0.chosen, $0.setAside) < ($1.chosen, $1.setAside) })
  }

  // MARK: Placing findings

  /// Findings by certainty, most certain first, ties by id.
  private func ranked(_ findings: [Int]) -> [Int] {
    let results = assessment.findings
    return findings.sorted {
      (results[$1].certainty, kb.findings[$0].id) < (results[$0].certainty, kb.findings[$1].id)
    }
  }

  /// The roots and every present finding upstream of them.
  private func reach(from roots: [Int]) -> Set<Int> {
    var seen = Set(roots)
    var stack = roots
    while let finding = stack.popLast() {
      for contributor in upstream[finding] where seen.insert(contributor).inserted { stack.append(contributor) }
    }
    return seen
  }

  /// Present contributors upstream of no complaint: those upstream of nothing else
  /// present, then (for links that form a cycle) the most certain left over.
  private func otherFindingRoots(excluding reachable: Set<Int>) -> [Int] {
    let others = ranked(kb.findings.indices.filter { kb.findings[$0].kind == .contributor && present[$0] && !reachable.contains($0) })
    var roots = others.filter { downstream[$0].isEmpty }
    var placed = reach(from: roots)
    for finding in others where !placed.contains(finding) {
      roots.append(finding)
      placed.formUnion(reach(from: [finding]))
    }
    return ranked(roots)
  }

  // MARK: Nodes

  private func node(_ finding: Int, parent: Int?, path: Set<Int>, rank: Int, placed: Set<Int>) -> FindingNode {
    let declared = kb.findings[finding]
    let certainty = assessment.findings[finding].certainty
    let path = path.union([finding])
    let children = ranked(upstream[finding].filter { !path.contains($0) })
    let recommendations = ordered(calledFor.filter { kb.recommendations[$0.recommendation].addresses.contains(finding) })
    return FindingNode(
      id: declared.id, name: declared.name, patientName: declared.patientName, kind: declared.kind, region: declared.region,
      explanation: declared.explanation,
      certainty: certainty, rank: rank,
      lessLikely: declared.kind == .contributor && certainty < kb.header.lessLikelyBelow,
      alsoUpstreamOf: downstream[finding].filter { $0 != parent }.sorted { kb.findings[$0].id < kb.findings[$1].id }
        .map(kb.findingLabel),
      linkedBy: parent.map { (linkRules[[finding, $0]] ?? []).map(kb.ruleReference) } ?? [],
      reasons: assessment.reasons(for: finding),
      recommendations: recommendations.map { entry($0, at: finding, placed: placed) },
      contributors: children.enumerated().map { node($1, parent: finding, path: path, rank: $0 + 1, placed: placed) })
  }

  // MARK: Recommendations

  /// Given before set aside, then the more strongly called for, then by id.
  private func ordered(_ results: [RecommendationResult]) -> [RecommendationResult] {
    results.sorted {
      ($0.isGiven ? 0 : 1, -$0.strength, kb.recommendations[$0.recommendation].id)
        < ($1.isGiven ? 0 : 1, -$1.strength, kb.recommendations[$1.recommendation].id)
    }
  }

  private func entry(_ result: RecommendationResult, at finding: Int?, placed: Set<Int>) -> RecommendationEntry {
    let declared = kb.recommendations[result.recommendation]
    var settlements = result.settlementsWon
    var status = RecommendationEntry.Status.given
    if case .setAside(let lost) = result.status {
      settlements.insert(lost, at: 0)
      status = .setAside
    }
    let also = declared.addresses.filter { $0 != finding && placed.contains($0) }
      .sorted { kb.findings[$0].id < kb.findings[$1].id }
    let wording = kb.wording(of: result.recommendation, for: assessment.answers)
    var entry = RecommendationEntry(
      id: declared.id, title: declared.title, patientTitle: declared.patientTitle,
      dose: wording.dose, instructions: wording.instructions,
      cautions: declared.cautions, status: status, strength: result.strength,
      calledForBy: result.rules.map(kb.ruleReference), alsoFor: also.map(kb.findingLabel),
      settlements: settlements.map(settlement), sources: declared.provenance.sources.map(kb.sourceReference))
    entry.isFirstStep = declared.isFirstStep
    return entry
  }

  /// A settlement in words for both audiences.
  private func settlement(_ settlement: Settlement) -> SettlementEntry {
    let chosen = kb.recommendations[settlement.winner]
    let setAside = kb.recommendations[settlement.loser]
    let conflict = kb.recommendations[settlement.declaredBy].conflicts[settlement.conflict]
    let place = "conflict declared at \(conflict.location)"
    let basis: SettlementEntry.Basis
    var condition: String?
    let patient: String
    let clinician: String
    switch settlement.reason {
    case .preference(let position):
      let when = conflict.preferences[position].when
      basis = .preference
      condition = ConditionText.describe(when, in: kb)
      let facts = assessment.conditionFacts(when).filter { $0.outcome.isHolding }.map(\.description)
      patient = "\(chosen.title) was chosen over \(setAside.title) because \(facts.joined(separator: " and "))."
      clinician = "\(chosen.id) chosen over \(setAside.id): prefer \(chosen.id) when \(condition ?? "") (holds); \(place)"
    case .otherwisePrefer:
      basis = .otherwisePrefer
      patient = "\(chosen.title) was chosen over \(setAside.title): when nothing else decides, the knowledge base prefers it."
      clinician = "\(chosen.id) chosen over \(setAside.id): no 'prefer … when' held; otherwise prefer \(chosen.id); \(place)"
    case .keptBoth:
      basis = .keptBoth
      patient =
        "\(chosen.title) and \(setAside.title) are both suggested: they can pull in different directions, "
        + "but nothing in your answers decides between them, so try them with care and see which helps."
      clinician =
        "\(chosen.id) and \(setAside.id) both kept: no 'prefer … when' held; otherwise keep both; \(place)"
    case .stronger:
      basis = .stronger
      let strength = { (index: Int) in
        Certainty.number(self.assessment.recommendations.first { $0.recommendation == index }?.strength ?? 0)
      }
      patient = "\(chosen.title) was chosen over \(setAside.title) because your answers call for it more strongly."
      clinician =
        "\(chosen.id) chosen over \(setAside.id): no 'prefer … when' held; otherwise prefer stronger: \(chosen.id) \(strength(settlement.winner)) "
        + "over \(setAside.id) \(strength(settlement.loser)); \(place)"
    }
    return SettlementEntry(
      chosen: chosen.id, chosenTitle: chosen.title, setAside: setAside.id, setAsideTitle: setAside.title, basis: basis,
      condition: condition, declaredAt: conflict.location, patientReason: patient, clinicianReason: clinician)
  }

  // MARK: Red flags and first steps

  /// The red-flag questions with no answer, or "not sure", by id (so the order of the
  /// rule files does not change it).
  private var unansweredSafetyQuestions: [UnansweredSafetyQuestion] {
    assessment.unansweredSafetyQuestions.map { question in
      UnansweredSafetyQuestion(id: question.id, wording: question.wording, notSure: assessment.answers[question.id] == .notSure)
    }
  }

  private var redFlags: [RedFlagEntry] {
    assessment.redFlags.map { raised in
      let flag = kb.redFlags[raised.flag]
      return RedFlagEntry(
        id: flag.id, name: flag.name, urgency: raised.urgency, advice: flag.advice(at: raised.urgency),
        explanation: flag.explanation,
        raisedBy: assessment.firedReasons(raised.rules), sources: flag.provenance.sources.map(kb.sourceReference))
    }
  }

  private func withheld(placed: Set<Int>) -> [WithheldRecommendation] {
    assessment.recommendations.compactMap { result in
      guard case .withheld(let flagIndex) = result.status else { return nil }
      let declared = kb.recommendations[result.recommendation]
      let flag = kb.redFlags[flagIndex]
      let urgency = assessment.redFlags.first { $0.flag == flagIndex }?.urgency ?? flag.urgency
      return WithheldRecommendation(
        id: declared.id, title: declared.title, patientTitle: declared.patientTitle, redFlag: flag.id, redFlagName: flag.name, urgency: urgency,
        wouldAddress: declared.addresses.filter { placed.contains($0) }.sorted { kb.findings[$0].id < kb.findings[$1].id }
          .map(kb.findingLabel),
        reason: urgency.withholdsSelfCare
          ? "Withheld until a clinician has seen you about the red flag \"\(flag.name)\" (\(urgency.description))."
          : "Not to start until a clinician has seen you about \"\(flag.name)\" (\(urgency.description)); it is not marked safe to start while you wait."
      )
    }
  }

  /// The recommendations whose `not for` holds, by id, each with the answers that made it hold.
  private func notForYou(placed: Set<Int>) -> [NotForYouRecommendation] {
    assessment.recommendations.compactMap { result -> NotForYouRecommendation? in
      guard case .notForYou(let position) = result.status else { return nil }
      let declared = kb.recommendations[result.recommendation]
      let notFor = declared.notFor[position]
      // The tests that held decided it; under a `not`, the ones read are shown instead.
      let facts = assessment.conditionFacts(notFor.condition)
      let held = facts.filter { $0.outcome.isHolding }
      return NotForYouRecommendation(
        id: declared.id, title: declared.title, patientTitle: declared.patientTitle, reason: notFor.reason,
        condition: ConditionText.describe(notFor.condition, in: kb),
        because: held.isEmpty ? facts : held, declaredAt: notFor.location,
        wouldAddress: declared.addresses.filter { placed.contains($0) }.sorted { kb.findings[$0].id < kb.findings[$1].id }
          .map(kb.findingLabel))
    }.sorted { $0.id < $1.id }
  }

  /// Red-flag advice first; then, unless a red flag withholds self-care, each
  /// complaint's first step in the patient's plan (at most three).
  private func firstSteps(_ plan: RecommendationTree.PatientPlan) -> [RecommendationTree.FirstStep] {
    let flags = assessment.redFlags.map { raised in
      RecommendationTree.FirstStep(
        kind: .redFlag, id: kb.redFlags[raised.flag].id, text: kb.redFlags[raised.flag].advice(at: raised.urgency), detail: nil)
    }
    return flags
      + plan.parts.compactMap(\.firstStep).map { step in
        RecommendationTree.FirstStep(kind: .recommendation, id: step.id, text: step.title, detail: step.dose)
      }
  }

  // MARK: Scores

  /// The scores that were filled in (`Assessment.filledInScores`), with their wording.
  private var scores: [ScoreEntry] {
    assessment.filledInScores.map { result in
      let declared = kb.scores[result.score]
      let stratum = result.stratum.map { declared.strata[$0] }
      return ScoreEntry(
        id: declared.id, name: declared.name, total: result.total,
        complete: result.lowestThousandths == result.highestThousandths,
        lowest: Double(result.lowestThousandths) / 1000, highest: Double(result.highestThousandths) / 1000,
        stratum: stratum?.id, stratumLabel: stratum?.label, stratumMeaning: stratum?.meaning,
        copyright: declared.copyright,
        contributions: result.contributions.map { .init(rule: kb.ruleReference($0.rule), points: Double($0.thousandths) / 1000) })
    }
  }
}
