// MARK: - Assessment as JSON

/// Renders an assessment as versioned JSON with a stable field order (Docs/OutputFormat.md).
public struct AssessmentJSONRenderer: Sendable {
  /// The version of the `upstream-assessment` format.
  public static let formatVersion = 1

  public init() {}

  /// The whole assessment as pretty-printed JSON.
  public func render(_ assessment: Assessment) -> String { JSONWriter.pretty(value(assessment)) }

  /// The whole assessment as a JSON value.
  public func value(_ assessment: Assessment) -> JSONValue {
    let kb = assessment.knowledgeBase
    let findings = assessment.findings.filter { !$0.evidence.isEmpty || $0.certainty != 0 }
      .sorted { ($1.certainty, kb.findings[$0.finding].id) < ($0.certainty, kb.findings[$1.finding].id) }
    return .object([
      ("format", .string("upstream-assessment")),
      ("version", .number(Double(Self.formatVersion))),
      ("knowledgeBase", .object([
        ("name", .string(kb.header.name)), ("version", .string(kb.header.version)),
        ("contentHash", .string("sha256:" + kb.contentHash)),
      ])),
      ("answers", assessment.answers.json),
      ("redFlags", .array(assessment.redFlags.map { flag in
        let declared = kb.redFlags[flag.flag]
        return .object([
          ("id", .string(declared.id)), ("name", .string(declared.name)), ("urgency", .string(flag.urgency.rawValue)),
          ("advice", .string(declared.advice)), ("rules", .array(flag.rules.map { .string(kb.rules[$0].id) })),
        ])
      })),
      ("findings", .array(findings.map { finding(assessment, $0) })),
      ("scores", .array(assessment.scores.map { score in
        let declared = kb.scores[score.score]
        return .object([
          ("id", .string(declared.id)), ("name", .string(declared.name)), ("total", .number(score.total)),
          ("complete", .bool(score.lowestThousandths == score.highestThousandths)),
          ("stratum", score.stratum.map { .string(declared.strata[$0].id) } ?? .null),
          ("stratumLabel", score.stratum.map { .string(declared.strata[$0].label) } ?? .null),
        ])
      })),
      ("recommendations", .array(assessment.recommendations.map { recommendation(assessment, $0) })),
      ("links", .array(assessment.links.map { link in
        .object([
          ("contributor", .string(kb.findings[link.contributor].id)), ("upstreamOf", .string(kb.findings[link.finding].id)),
          ("rules", .array(link.rules.map { .string(kb.rules[$0].id) })),
        ])
      })),
    ])
  }

  private func finding(_ assessment: Assessment, _ result: FindingResult) -> JSONValue {
    let kb = assessment.knowledgeBase
    let declared = kb.findings[result.finding]
    let justification = assessment.justification(for: result.finding)
    return .object([
      ("id", .string(declared.id)), ("name", .string(declared.name)), ("kind", .string(declared.kind.rawValue)),
      ("region", declared.region.map { .string($0.rawValue) } ?? .null),
      ("certainty", .number(rounded(result.certainty))), ("certaintyWords", .string(Certainty.words(result.certainty))),
      ("evidence", .array(justification.fired.map { rule(assessment, $0) })),
      ("undecidedRules", .array(justification.undecided.map { .string(kb.rules[$0.rule].id) })),
    ])
  }

  /// One rule's part in a conclusion.
  func rule(_ assessment: Assessment, _ trace: RuleTrace) -> JSONValue {
    let kb = assessment.knowledgeBase
    let rule = kb.rules[trace.rule]
    var fields: [(key: String, value: JSONValue)] = [
      ("rule", .string(rule.id)), ("file", .string(rule.location.file)), ("line", .number(Double(rule.location.line))),
    ]
    if case .holds(let premise) = trace.outcome { fields.append(("premise", .number(rounded(premise)))) }
    if let contribution = trace.contribution { fields.append(("certainty", .number(rounded(contribution)))) }
    fields.append(("because", .string(rule.because)))
    fields.append(("sources", .array(rule.provenance.sources.map { .string(kb.sources[$0].id) })))
    fields.append(("conditions", .array(trace.condition.leaves.map { condition(assessment, $0) })))
    return .object(fields)
  }

  private func condition(_ assessment: Assessment, _ trace: ConditionTrace) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = [("test", .string(trace.text)), ("outcome", outcome(trace.outcome))]
    switch trace.fact {
    case .answer(let question, let answer):
      fields.append(("question", .string(assessment.knowledgeBase.questions[question].id)))
      fields.append(("wording", .string(assessment.knowledgeBase.questions[question].wording)))
      fields.append(("answer", answer?.json ?? .null))
    case .finding(let finding, let certainty):
      fields.append(("finding", .string(assessment.knowledgeBase.findings[finding].id)))
      fields.append(("certainty", .number(rounded(certainty))))
    case .score(let score, let total, let stratum):
      fields.append(("score", .string(assessment.knowledgeBase.scores[score].id)))
      fields.append(("total", .number(total)))
      fields.append(("stratum", stratum.map { .string($0) } ?? .null))
    case nil: break
    }
    return .object(fields)
  }

  private func recommendation(_ assessment: Assessment, _ result: RecommendationResult) -> JSONValue {
    let kb = assessment.knowledgeBase
    let declared = kb.recommendations[result.recommendation]
    let status: String
    var reason: JSONValue = .null
    switch result.status {
    case .given: status = "given"
    case .setAside(let settlement):
      status = "set-aside"
      reason = .string("conflicts with \(kb.recommendations[settlement.winner].id)")
    case .withheld(let flag):
      status = "withheld"
      reason = .string("red flag \(kb.redFlags[flag].id)")
    }
    return .object([
      ("id", .string(declared.id)), ("title", .string(declared.title)), ("dose", declared.dose.map { .string($0) } ?? .null),
      ("status", .string(status)), ("reason", reason), ("strength", .number(rounded(result.strength))),
      ("rules", .array(result.rules.map { .string(kb.rules[$0].id) })),
    ])
  }

  private func outcome(_ truth: Truth) -> JSONValue {
    switch truth {
    case .holds: .string("holds")
    case .fails: .string("fails")
    case .unknown: .string("unknown")
    }
  }

  /// Certainties to four decimals, so output does not depend on the last bits of a double.
  private func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}
