// MARK: - The syntax tree

/// The parsed form of one rule or case file: value types, each with its source range.
///
/// The tree says what was written, not what it means: ids are not yet resolved. The
/// `KnowledgeBaseCompiler` checks and resolves it into a `KnowledgeBase`.
public struct SyntaxFile: Sendable {
  public let path: String
  public let declarations: [Declaration]
  /// The file's `#` comments, in order.
  public let comments: [Comment]
  /// The byte offset of each attribute's first word (`ask`, `when`, `source`…), in order,
  /// so the formatter can put each attribute on its own line.
  let attributeOffsets: [Int]
}

/// A `#` comment, kept for the formatter.
public struct Comment: Sendable, Hashable {
  public let text: String
  public let range: SourceRange
  /// Whether the comment is alone on its line (rather than after code).
  public let ownLine: Bool
}

/// An id as written, with where it was written.
public struct Name: Sendable, Hashable {
  public let text: String
  public let range: SourceRange
}

/// A value as written, with where it was written.
public struct Spelled<Value: Sendable & Hashable>: Sendable, Hashable {
  public let value: Value
  public let range: SourceRange
}

/// One top-level declaration.
public enum Declaration: Sendable {
  case header(HeaderSyntax)
  case source(SourceSyntax)
  case question(QuestionSyntax)
  case finding(FindingSyntax)
  case score(ScoreSyntax)
  case redFlag(RedFlagSyntax)
  case rule(RuleSyntax)
  case recommendation(RecommendationSyntax)
  case norm(NormSyntax)
  case testCase(CaseSyntax)

  /// The range of the declaration's keyword and id.
  public var range: SourceRange {
    switch self {
    case .header(let d): d.range
    case .source(let d): d.range
    case .question(let d): d.range
    case .finding(let d): d.range
    case .score(let d): d.range
    case .redFlag(let d): d.range
    case .rule(let d): d.range
    case .recommendation(let d): d.range
    case .norm(let d): d.range
    case .testCase(let d): d.range
    }
  }
}

// MARK: - Declarations

/// Provenance shared by rules, recommendations and red flags.
public struct ProvenanceSyntax: Sendable, Hashable {
  public var sources: [Name] = []
  public var author: Spelled<String>?
  public var reviewed: Spelled<String>?
}

/// `knowledge base "…"` and its attributes.
public struct HeaderSyntax: Sendable {
  public let title: Spelled<String>
  public var version: Spelled<String>?
  public var authors: [Spelled<String>] = []
  public var disclaimer: Spelled<String>?
  public var generalAdvice: Spelled<String>?
  /// `safety netting TEXT`, one per item, in order.
  public var safetyNetting: [Spelled<String>] = []
  public var lessLikelyBelow: Spelled<Double>?
  public let range: SourceRange
}

/// `source ID` and its attributes.
public struct SourceSyntax: Sendable {
  public let id: Name
  public var title: Spelled<String>?
  public var citation: Spelled<String>?
  public var url: Spelled<String>?
  public var evidence: Name?
  public let range: SourceRange
}

/// `question ID: TYPE` and its attributes.
public struct QuestionSyntax: Sendable {
  public let id: Name
  public let type: Name
  public var wording: Spelled<String>?
  public var help: Spelled<String>?
  public var options: [(id: Name, label: Spelled<String>)] = []
  public var range_: (low: Spelled<Double>, high: Spelled<Double>)?
  public var unit: Spelled<String>?
  public var decimalsAllowed: SourceRange?
  public var notSureAllowed: SourceRange?
  public var askWhen: ConditionSyntax?
  public let range: SourceRange
}

/// `complaint ID` or `contributor ID` and its attributes.
public struct FindingSyntax: Sendable {
  public let kind: Name
  public let id: Name
  public var name: Spelled<String>?
  public var region: Name?
  public var explanation: Spelled<String>?
  public let range: SourceRange
}

/// `score ID` and its attributes.
public struct ScoreSyntax: Sendable {
  /// `stratum ID "label" when CONDITION [means "…"]`.
  public struct Stratum: Sendable {
    public let id: Name
    public let label: Spelled<String>
    public let condition: ConditionSyntax
    public var meaning: Spelled<String>?
  }

  public let id: Name
  public var name: Spelled<String>?
  public var range_: (low: Spelled<Double>, high: Spelled<Double>)?
  public var strata: [Stratum] = []
  /// `copyright TEXT`: the instrument's copyright and licence line.
  public var copyright: Spelled<String>?
  public let range: SourceRange
}

/// `red flag ID` and its attributes.
public struct RedFlagSyntax: Sendable {
  public let id: Name
  public var name: Spelled<String>?
  public var urgency: Name?
  public var advice: Spelled<String>?
  /// `advice URGENCY TEXT`: the wording when a rule raises the flag to that urgency.
  public var adviceByUrgency: [(urgency: Name, text: Spelled<String>)] = []
  public var explanation: Spelled<String>?
  public var provenance = ProvenanceSyntax()
  public let range: SourceRange
}

/// `norm ID`: a published normal value that depends on another answer (usually age),
/// as a table of bands.
public struct NormSyntax: Sendable {
  /// One row of the table: for answers `low` to `high` (both included), the norm is `value`.
  public struct Band: Sendable {
    public let low: Spelled<Double>
    public let high: Spelled<Double>
    public let value: Spelled<Double>
    public let range: SourceRange
  }

  public let id: Name
  public var name: Spelled<String>?
  /// The question whose answer picks the band (`by age`).
  public var by: Name?
  public var bands: [Band] = []
  public var provenance = ProvenanceSyntax()
  public let range: SourceRange
}

/// `rule ID when … then …` and its attributes.
public struct RuleSyntax: Sendable {
  public let id: Name
  public let condition: ConditionSyntax?
  public var conclusions: [ConclusionSyntax] = []
  public var because: Spelled<String>?
  public var patientWording: Spelled<String>?
  public var clinicianWording: Spelled<String>?
  public var provenance = ProvenanceSyntax()
  public let range: SourceRange
}

/// One conclusion after `then`.
public enum ConclusionSyntax: Sendable {
  case certainty(finding: Name, certainty: Spelled<Double>)
  case upstream(contributor: Name, of: Name)
  case addPoints(points: Spelled<Double>, score: Name)
  case recommend(Name)
  case redFlag(Name, urgency: Name?)

  public var range: SourceRange {
    switch self {
    case .certainty(let finding, let certainty): finding.range.through(certainty.range)
    case .upstream(let contributor, let of): contributor.range.through(of.range)
    case .addPoints(let points, let score): points.range.through(score.range)
    case .recommend(let name): name.range
    case .redFlag(let name, let urgency): urgency.map { name.range.through($0.range) } ?? name.range
    }
  }
}

/// `recommendation ID` and its attributes.
public struct RecommendationSyntax: Sendable {
  public let id: Name
  public var title: Spelled<String>?
  public var dose: Spelled<String>?
  public var instructions: Spelled<String>?
  public var cautions: [Spelled<String>] = []
  public var addresses: [Name] = []
  public var conflicts: [ConflictSyntax] = []
  /// Where `safe while awaiting referral` is written, when it is.
  public var safeWhileAwaitingReferral: SourceRange?
  public var provenance = ProvenanceSyntax()
  public let range: SourceRange
}

/// `conflicts with ID` and how it is settled.
public struct ConflictSyntax: Sendable {
  /// What happens when no `prefer … when` holds.
  public enum Otherwise: Sendable {
    case prefer(Name)
    case stronger(SourceRange)
    case keepBoth(SourceRange)
  }

  public let other: Name
  public var preferences: [(prefer: Name, when: ConditionSyntax)] = []
  public var otherwise: Otherwise?
  public let range: SourceRange
}

/// `case ID` with its answers and expectations.
public struct CaseSyntax: Sendable {
  public let id: Name
  public var description: Spelled<String>?
  public var answers: [(question: Name, answer: AnswerSyntax)] = []
  public var expectations: [ExpectationSyntax] = []
  public let range: SourceRange
}

/// An answer written in a case file.
public enum AnswerSyntax: Sendable, Hashable {
  case yes, no, notSure
  case number(Double)
  case option(String)
  case options([String])
}

/// One `expect …` line of a case file.
public struct ExpectationSyntax: Sendable {
  /// What is expected.
  public enum Claim: Sendable {
    case finding(Name, present: Bool, certainty: NumberTest?)
    case upstream(Name, of: Name)
    case topContributor(of: Name, is: Name)
    case recommend(Name, present: Bool)
    case withheld(Name)
    case redFlag(Name, present: Bool, urgency: Name?)
    case noRedFlags
    case value(Name, ValueSyntax)
    case notAsked(Name)
  }

  public let claim: Claim
  public let range: SourceRange
}

/// A numeric test in an expectation: `>= 0.5` or `between 0.3 and 0.8`.
public enum NumberTest: Sendable, Hashable {
  case compare(ComparisonOperator, Double)
  case between(Double, Double)

  /// Whether `value` passes.
  public func holds(for value: Double) -> Bool {
    switch self {
    case .compare(let op, let bound): op.holds(value, bound)
    case .between(let low, let high): value >= low && value <= high
    }
  }
}

// MARK: - Conditions

/// A condition as written: tests combined with and, or, not and `at least N of`.
public indirect enum ConditionSyntax: Sendable {
  case test(TestSyntax)
  case all([ConditionSyntax], SourceRange)
  case any([ConditionSyntax], SourceRange)
  case not(ConditionSyntax, SourceRange)
  case atLeast(Int, [ConditionSyntax], SourceRange)

  public var range: SourceRange {
    switch self {
    case .test(let test): test.range
    case .all(_, let range), .any(_, let range), .not(_, let range), .atLeast(_, _, let range): range
    }
  }
}

/// `<`, `<=`, `>` or `>=`.
public enum ComparisonOperator: String, Sendable, Hashable, Codable {
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="

  /// Whether `value OP bound` holds.
  public func holds(_ value: Double, _ bound: Double) -> Bool {
    switch self {
    case .less: value < bound
    case .lessOrEqual: value <= bound
    case .greater: value > bound
    case .greaterOrEqual: value >= bound
    }
  }
}

/// A value on the right of `is` or inside `in (…)`: an option or stratum id, or a number.
public enum ValueSyntax: Sendable, Hashable {
  case word(Name)
  case number(Spelled<Double>)

  public var range: SourceRange {
    switch self {
    case .word(let name): name.range
    case .number(let number): number.range
    }
  }
}

/// One test on a question, finding or score.
public struct TestSyntax: Sendable {
  /// What the subject is compared with.
  public enum Comparison: Sendable {
    /// `ID` alone: a yes/no answered yes, or a finding above 0.2.
    case bare
    case certainty(ComparisonOperator, Spelled<Double>)
    case `is`(negated: Bool, ValueSyntax)
    case `in`([ValueSyntax])
    case includes(Name)
    case compare(ComparisonOperator, Spelled<Double>)
    /// `ID < NORM`: compared with a norm, whose value depends on another answer.
    case compareNorm(ComparisonOperator, Name)
    case between(Spelled<Double>, Spelled<Double>)

    /// The numbers an answer is compared with (not certainties).
    public var numbers: [Spelled<Double>] {
      switch self {
      case .compare(_, let bound): [bound]
      case .between(let low, let high): [low, high]
      case .is(_, .number(let value)): [value]
      case .bare, .certainty, .is, .in, .includes, .compareNorm: []
      }
    }
  }

  public let subject: Name
  public let comparison: Comparison
  public let range: SourceRange
}
