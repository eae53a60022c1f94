// MARK: - Compiled declarations written back as rule-language text

/// Writes the parts of compiled declarations back in the words of the rule language, with
/// ids rather than indices, so that authoring tools can show them and compare them
/// across two knowledge bases.
enum DeclarationText {
  /// `collapsed_arches certainty 0.5`, `collapsed_arches upstream of hip_pain`,
  /// `add 2 to startback_total`, `recommend foot_rolling`, `red flag cauda_equina urgency emergency`.
  static func conclusion(_ conclusion: Conclusion, in kb: KnowledgeBase) -> String {
    switch conclusion {
    case .certainty(let finding, let value): "\(kb.findings[finding].id) certainty \(NumberText.plain(value))"
    case .upstream(let contributor, let finding): "\(kb.findings[contributor].id) upstream of \(kb.findings[finding].id)"
    case .addPoints(let score, let thousandths): "add \(NumberText.plain(Double(thousandths) / 1000)) to \(kb.scores[score].id)"
    case .recommend(let recommendation): "recommend \(kb.recommendations[recommendation].id)"
    case .redFlag(let flag, let urgency): "red flag \(kb.redFlags[flag].id) urgency \(urgency.rawValue)"
    }
  }

  /// A conclusion's target and kind without its amount, so that `collapsed_arches
  /// certainty 0.5` and `collapsed_arches certainty 0.6` are the same conclusion, changed.
  static func conclusionKey(_ conclusion: Conclusion, in kb: KnowledgeBase) -> String {
    switch conclusion {
    case .certainty(let finding, _): "\(kb.findings[finding].id) certainty"
    case .upstream(let contributor, let finding): "\(kb.findings[contributor].id) upstream of \(kb.findings[finding].id)"
    case .addPoints(let score, _): "points to \(kb.scores[score].id)"
    case .recommend(let recommendation): "recommend \(kb.recommendations[recommendation].id)"
    case .redFlag(let flag, _): "red flag \(kb.redFlags[flag].id)"
    }
  }

  /// The question's type as declared: `yes/no`, `number 0 to 24 hours, decimals allowed`,
  /// `choice`, `scale 0 to 10`.
  static func type(_ question: Question) -> String {
    switch question.kind {
    case .number(let low, let high, let unit, let decimals):
      "number \(NumberText.plain(low)) to \(NumberText.plain(high))" + (unit.map { " " + $0 } ?? "") + (decimals ? ", decimals allowed" : "")
    case .scale: "scale 0 to 10"
    default: question.kind.name
    }
  }

  /// The ids of sources, joined.
  static func sources(_ provenance: Provenance, in kb: KnowledgeBase) -> String {
    provenance.sources.map { kb.sources[$0].id }.joined(separator: ", ")
  }

  /// `conflicts with minimal_shoes: prefer arch_support_insoles when diabetes; otherwise keep both`.
  static func conflict(_ conflict: Recommendation.Conflict, in kb: KnowledgeBase) -> String {
    var parts = conflict.preferences.map {
      "prefer \(kb.recommendations[$0.recommendation].id) when \(ConditionText.describe($0.when, in: kb))"
    }
    switch conflict.otherwise {
    case .prefer(let recommendation): parts.append("otherwise prefer \(kb.recommendations[recommendation].id)")
    case .stronger: parts.append("otherwise prefer stronger")
    case .keepBoth: parts.append("otherwise keep both")
    }
    return "with \(kb.recommendations[conflict.other].id): " + parts.joined(separator: "; ")
  }

  /// `low "Low risk" when startback_total <= 3`.
  static func stratum(_ stratum: Score.Stratum, in kb: KnowledgeBase) -> String {
    "\(stratum.id) \"\(stratum.label)\" when \(ConditionText.describe(stratum.condition, in: kb))"
  }
}
