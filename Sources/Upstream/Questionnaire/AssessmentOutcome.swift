// MARK: - What an assessment concluded

/// Everything an assessment concluded, without the answers it was given: each finding's
/// certainty, reachable range and evidence, each score's total, range and stratum, the
/// rules that fired (with their premises) and those left undecided, the red flags, the
/// recommendations with their status, strength and wording (the dose and instructions
/// variant the answers choose), and the upstream links.
///
/// The adaptive questionnaire stops only when no open question could change any of
/// this, so the assessment it ends with has the same outcome as the assessment of the
/// full answers (see `AdaptivityReport`); only the answers differ.
package struct AssessmentOutcome: Sendable, Hashable {
  package let findings: [FindingResult]
  package let scores: [ScoreResult]
  package let firings: [Firing]
  package let undecidedRules: [Int]
  package let redFlags: [RaisedRedFlag]
  package let recommendations: [RecommendationResult]
  /// Each recommendation's id with the dose and instructions chosen for the answers.
  package let wordings: [String]
  package let links: [UpstreamLink]
  private let knowledgeBase: KnowledgeBase

  package init(_ assessment: Assessment) {
    findings = assessment.findings
    scores = assessment.scores
    firings = assessment.firings
    undecidedRules = assessment.undecidedRules
    redFlags = assessment.redFlags
    recommendations = assessment.recommendations
    let kb = assessment.knowledgeBase
    wordings = assessment.recommendations.map { result in
      let wording = kb.wording(of: result.recommendation, for: assessment.answers)
      return "\(kb.recommendations[result.recommendation].id): \(wording.dose ?? "no dose") / \(wording.instructions ?? "no instructions")"
    }
    links = assessment.links
    knowledgeBase = assessment.knowledgeBase
  }

  package static func == (lhs: AssessmentOutcome, rhs: AssessmentOutcome) -> Bool {
    lhs.findings == rhs.findings && lhs.scores == rhs.scores && lhs.firings == rhs.firings
      && lhs.undecidedRules == rhs.undecidedRules && lhs.redFlags == rhs.redFlags
      && lhs.recommendations == rhs.recommendations && lhs.wordings == rhs.wordings && lhs.links == rhs.links
  }

  package func hash(into hasher: inout Hasher) {
    hasher.combine(findings)
    hasher.combine(firings)
  }

  /// How this outcome differs from another, one line per difference, in ids.
  package func differences(from other: AssessmentOutcome) -> [String] {
    let kb = knowledgeBase
    var lines: [String] = []
    for (mine, theirs) in zip(findings, other.findings) where mine != theirs {
      lines.append(
        "finding \(kb.findings[mine.finding].id): \(mine.certainty) (\(mine.lowest)…\(mine.highest)) here, "
          + "\(theirs.certainty) (\(theirs.lowest)…\(theirs.highest)) there")
    }
    for (mine, theirs) in zip(scores, other.scores) where mine != theirs {
      let strata = kb.scores[mine.score].strata
      func describe(_ score: ScoreResult) -> String {
        "\(score.thousandths) (\(score.lowestThousandths)…\(score.highestThousandths)) "
          + (score.stratumDecided ? score.stratum.map { strata[$0].id } ?? "no stratum" : "undecided")
      }
      lines.append("score \(kb.scores[mine.score].id): \(describe(mine)) here, \(describe(theirs)) there")
    }
    func compare(_ name: String, _ mine: [String], _ theirs: [String]) {
      lines += mine.filter { !theirs.contains($0) }.map { "\(name) only here: \($0)" }
      lines += theirs.filter { !mine.contains($0) }.map { "\(name) only there: \($0)" }
    }
    compare(
      "fired", firings.map { "\(kb.rules[$0.rule].id) \($0.premise)" },
      other.firings.map { "\(kb.rules[$0.rule].id) \($0.premise)" })
    compare("undecided", undecidedRules.map { kb.rules[$0].id }, other.undecidedRules.map { kb.rules[$0].id })
    compare(
      "red flag", redFlags.map { "\(kb.redFlags[$0.flag].id) \($0.urgency.rawValue)" },
      other.redFlags.map { "\(kb.redFlags[$0.flag].id) \($0.urgency.rawValue)" })
    compare("recommendation", recommendations.map(describe), other.recommendations.map(describe))
    compare("wording", wordings, other.wordings)
    compare(
      "link", links.map { "\(kb.findings[$0.contributor].id) upstream of \(kb.findings[$0.finding].id)" },
      other.links.map { "\(kb.findings[$0.contributor].id) upstream of \(kb.findings[$0.finding].id)" })
    return lines
  }

  private func describe(_ result: RecommendationResult) -> String {
    let status =
      switch result.status {
      case .given: "given"
      case .setAside(let settlement): "set aside for \(knowledgeBase.recommendations[settlement.winner].id)"
      case .withheld(let flag): "withheld for \(knowledgeBase.redFlags[flag].id)"
      case .notForYou(let position): "not for this person (not for #\(position + 1))"
      }
    return "\(knowledgeBase.recommendations[result.recommendation].id) \(status) \(result.strength)"
  }
}
