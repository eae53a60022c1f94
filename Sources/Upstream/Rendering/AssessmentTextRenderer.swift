// MARK: - Assessment as text

/// Renders an assessment as plain text for a terminal: red flags, findings with their
/// justification, scores and recommendations.
public struct AssessmentTextRenderer: Sendable {
  /// Whether to use ANSI colour.
  public let colour: Bool

  public init(colour: Bool = false) { self.colour = colour }

  /// The whole assessment as text.
  public func render(_ assessment: Assessment) -> String {
    let kb = assessment.knowledgeBase
    var lines: [String] = []
    lines.append(bold("\(kb.header.name) \(kb.header.version)") + " · rules sha256:\(kb.contentHash.prefix(12))")
    lines.append(kb.header.disclaimer)
    if !assessment.redFlags.isEmpty {
      lines.append("")
      lines.append(paint("RED FLAGS: see a clinician", "1;31"))
      for flag in assessment.redFlags {
        let declared = kb.redFlags[flag.flag]
        lines.append("  ! \(declared.name): \(flag.urgency.description)")
        lines.append("    \(declared.advice)")
        for rule in flag.rules { lines.append("    raised by rule \(kb.rules[rule].id) (\(kb.rules[rule].location))") }
      }
    }
    lines.append("")
    lines.append(bold("FINDINGS"))
    let present = assessment.presentFindings
    if present.isEmpty { lines.append("  Nothing was found. \(kb.header.generalAdvice)") }
    for result in present {
      let finding = kb.findings[result.finding]
      let region = finding.region.map { ", \($0.description)" } ?? ""
      lines.append("  \(finding.name): \(Certainty.describe(result.certainty)) [\(finding.kind.rawValue)\(region)]")
      for rule in assessment.justification(for: result.finding).fired {
        lines.append(contentsOf: describe(rule, assessment).map { "    " + $0 })
      }
    }
    let scored = assessment.scores.filter { !$0.contributions.isEmpty || $0.lowestThousandths != $0.highestThousandths }
    if !scored.isEmpty {
      lines.append("")
      lines.append(bold("SCORES"))
      for score in scored {
        let declared = kb.scores[score.score]
        let stratum = score.stratum.map { ": " + declared.strata[$0].label } ?? ""
        let incomplete = score.lowestThousandths == score.highestThousandths ? "" : " (incomplete: some items unanswered)"
        lines.append("  \(declared.name): \(format(score.total))\(stratum)\(incomplete)")
      }
    }
    if !assessment.recommendations.isEmpty {
      lines.append("")
      lines.append(bold("WHAT TO DO"))
      for result in assessment.recommendations {
        let recommendation = kb.recommendations[result.recommendation]
        var line = "  - \(recommendation.title)"
        if let dose = recommendation.dose { line += ": \(dose)" }
        switch result.status {
        case .given: break
        case .setAside(let settlement): line += " (set aside in favour of \(kb.recommendations[settlement.winner].title))"
        case .withheld(let flag): line += " (withheld until a clinician has seen the red flag: \(kb.redFlags[flag].name))"
        }
        lines.append(line)
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// A rule's contribution and its conditions, one per line.
  private func describe(_ trace: RuleTrace, _ assessment: Assessment) -> [String] {
    let rule = assessment.knowledgeBase.rules[trace.rule]
    let sign = (trace.contribution ?? 0) >= 0 ? "+" : "−"
    var lines = ["\(sign)\(Certainty.number(abs(trace.contribution ?? 0))) rule \(rule.id) (\(rule.location)): \(rule.because)"]
    for leaf in trace.condition.leaves {
      let mark = leaf.outcome.isHolding ? "✓" : (leaf.outcome == .unknown ? "?" : "✗")
      let fact = leaf.fact.map { " — " + assessment.describe($0) } ?? ""
      lines.append("    \(mark) \(leaf.text)\(fact)")
    }
    return lines
  }

  private func bold(_ text: String) -> String { paint(text, "1") }

  private func paint(_ text: String, _ code: String) -> String {
    colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
