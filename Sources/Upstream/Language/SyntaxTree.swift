// MARK: - The syntax tree

/// The parsed form of one rule or case file: value types, each with its source range.
///
/// The tree says what was written, not what it means: ids are not yet resolved. The
/// `KnowledgeBaseCompiler` checks and resolves it into a `KnowledgeBase`.
package struct SyntaxFile: Sendable {
  package let path: String
  package let declarations: [Declaration]
  /// The file's `#` comments, in order.
  package let comments: [Comment]
  /// The byte offset of each attribute's first word (`ask`, `when`, `source`…), in order,
  /// so the formatter can put each attribute on its own line.
  let attributeOffsets: [Int]
}

/// A `#` comment, kept for the formatter.
package struct Comment: Sendable, Hashable {
  package let text: String
  package let range: SourceRange
  /// Whether the comment is alone on its line (rather than after code).
  package let ownLine: Bool
}

/// An id as written, with where it was written.
package struct Name: Sendable, Hashable {
  package let text: String
  package let range: SourceRange
}

/// A value as written, with where it was written.
package struct Spelled<Value: Sendable & Hashable>: Sendable, Hashable {
  package let value: Value
  package let range: SourceRange
}

/// One top-level declaration.
///
/// Indirect: each declaration is stored at its own size, not at the size of the largest
/// kind, so a file of many small declarations does not cost as much as one of rules.
package indirect enum Declaration: Sendable {
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
  package var range: SourceRange {
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
package struct ProvenanceSyntax: Sendable, Hashable {
  package var sources: [Name] = []
  package var author: Spelled<String>?
  package var reviewed: Spelled<String>?
}

/// `knowledge base "…"` and its attributes.
package struct HeaderSyntax: Sendable {
  package let title: Spelled<String>
  package var version: Spelled<String>?
  package var authors: [Spelled<String>] = []
  package var disclaimer: Spelled<String>?
  package var generalAdvice: Spelled<String>?
  /// `safety netting TEXT`, one per item, in order.
  package var safetyNetting: [Spelled<String>] = []
  /// `sign [when CONDITION] TEXT` under each `safety netting` item, one list per item, in
  /// order: the warning signs it lists, each shown to the people its condition fits.
  package var safetyNettingSigns: [[(when: ConditionSyntax?, text: Spelled<String>)]] = []
  package var lessLikelyBelow: Spelled<Double>?
  package let range: SourceRange
}

/// `source ID` and its attributes.
package struct SourceSyntax: Sendable {
  package let id: Name
  package var title: Spelled<String>?
  package var citation: Spelled<String>?
  package var url: Spelled<String>?
  package var evidence: Name?
  package let range: SourceRange
}

/// `question ID: TYPE` and its attributes.
package struct QuestionSyntax: Sendable {
  package let id: Name
  package let type: Name
  package var wording: Spelled<String>?
  package var help: Spelled<String>?
  package var options: [(id: Name, label: Spelled<String>)] = []
  package var declaredRange: (low: Spelled<Double>, high: Spelled<Double>)?
  /// `below range "…"`: an answer below the range means the knowledge base is not for
  /// the person, who is told the text instead of being asked again.
  package var belowRange: OutOfScopeSyntax?
  /// `above range "…"`: the same for an answer above the range.
  package var aboveRange: OutOfScopeSyntax?
  package var unit: Spelled<String>?
  package var decimalsAllowed: SourceRange?
  package var notSureAllowed: SourceRange?
  package var askWhen: ConditionSyntax?
  /// `wording when CONDITION "…"`: the question as put to the people a condition on
  /// earlier answers fits (someone with no pain is not asked about "this pain").
  package var wordingVariants: [(when: ConditionSyntax, text: Spelled<String>)] = []
  /// `ask first`: asked before every other question.
  package var askFirst: SourceRange?
  /// `physical test`: the question asks the person to stand, balance or move to answer it.
  package var physicalTest: SourceRange?
  /// `synonyms OPTION "word", …`: what a person might type for an option.
  package var synonyms: [(option: Name, words: [Spelled<String>])] = []
  /// The codings written after each option's label, one list per option, in order.
  package var optionCodings: [[CodingSyntax]] = []
  /// `option ID "…" when CONDITION`: the condition on other answers under which each
  /// option is offered (nil: always), one per option, in order.
  package var optionConditions: [ConditionSyntax?] = []
  /// `link id "…"`: the FHIR linkIds that name the question.
  package var linkIds: [Spelled<String>] = []
  /// `code "…" system "…"`: the codes that name the question.
  package var codings: [CodingSyntax] = []
  package let range: SourceRange
}

/// `below range TEXT` or `above range TEXT` on a number question: the range is who the
/// knowledge base is for, and the text is what a person whose answer falls outside it is told.
package struct OutOfScopeSyntax: Sendable, Hashable {
  /// Which side of the range the clause is about.
  package enum Side: Sendable, Hashable {
    case below, above
  }

  package let side: Side
  /// What the person is told.
  package let message: Spelled<String>
  /// From the first word to the end of the text.
  package let range: SourceRange
  /// Whether the clause's first word is the first on its line.
  package let startsLine: Bool
}

/// `code TEXT [system TEXT]`: a code from a code system.
package struct CodingSyntax: Sendable, Hashable {
  package let code: Spelled<String>
  package let system: Spelled<String>?
  /// From the word `code` to the end of the system (or code).
  package let range: SourceRange
}

/// `complaint ID` or `contributor ID` and its attributes.
package struct FindingSyntax: Sendable {
  package let kind: Name
  package let id: Name
  package var name: Spelled<String>?
  /// `patient name`: the name in everyday words.
  package var patientName: Spelled<String>?
  package var region: Name?
  package var explanation: Spelled<String>?
  package let range: SourceRange
}

/// `score ID` and its attributes.
package struct ScoreSyntax: Sendable {
  /// `stratum ID "label" when CONDITION [means "…"]`.
  package struct Stratum: Sendable {
    package let id: Name
    package let label: Spelled<String>
    package let condition: ConditionSyntax
    package var meaning: Spelled<String>?
  }

  package let id: Name
  package var name: Spelled<String>?
  package var declaredRange: (low: Spelled<Double>, high: Spelled<Double>)?
  package var strata: [Stratum] = []
  /// `copyright TEXT`: the instrument's copyright and licence line.
  package var copyright: Spelled<String>?
  /// `link id "…"`: the FHIR linkIds of an item that stores the total elsewhere.
  package var linkIds: [Spelled<String>] = []
  /// `code "…" system "…"`: the codes that name the score.
  package var codings: [CodingSyntax] = []
  package let range: SourceRange
}

/// `red flag ID` and its attributes.
package struct RedFlagSyntax: Sendable {
  package let id: Name
  package var name: Spelled<String>?
  package var urgency: Name?
  package var advice: Spelled<String>?
  /// `advice URGENCY TEXT`: the wording when a rule raises the flag to that urgency.
  package var adviceByUrgency: [(urgency: Name, text: Spelled<String>)] = []
  package var explanation: Spelled<String>?
  package var provenance = ProvenanceSyntax()
  package let range: SourceRange
}

/// `norm ID`: a published normal value that depends on another answer (usually age),
/// as a table of bands.
package struct NormSyntax: Sendable {
  /// One row of the table: for answers `low` to `high` (both included), the norm is `value`.
  package struct Band: Sendable {
    package let low: Spelled<Double>
    package let high: Spelled<Double>
    package let value: Spelled<Double>
    package let range: SourceRange
  }

  package let id: Name
  package var name: Spelled<String>?
  /// The question whose answer picks the band (`by age`).
  package var by: Name?
  package var bands: [Band] = []
  package var provenance = ProvenanceSyntax()
  package let range: SourceRange
}

/// `rule ID when … then …` and its attributes.
package struct RuleSyntax: Sendable {
  package let id: Name
  package let condition: ConditionSyntax?
  package var conclusions: [ConclusionSyntax] = []
  package var because: Spelled<String>?
  package var patientWording: Spelled<String>?
  package var clinicianWording: Spelled<String>?
  package var provenance = ProvenanceSyntax()
  package let range: SourceRange
}

/// One conclusion after `then`.
package enum ConclusionSyntax: Sendable {
  case certainty(finding: Name, certainty: Spelled<Double>)
  case upstream(contributor: Name, of: Name)
  case addPoints(points: Spelled<Double>, score: Name)
  case recommend(Name)
  case redFlag(Name, urgency: Name?)

  package var range: SourceRange {
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
package struct RecommendationSyntax: Sendable {
  package let id: Name
  package var title: Spelled<String>?
  /// `patient title`: the title in everyday words.
  package var patientTitle: Spelled<String>?
  package var dose: Spelled<String>?
  /// `dose when CONDITION TEXT`: a dose for the people the condition fits.
  package var doseVariants: [(when: ConditionSyntax, text: Spelled<String>)] = []
  package var instructions: Spelled<String>?
  /// `instructions when CONDITION TEXT`: instructions for the people the condition fits.
  package var instructionVariants: [(when: ConditionSyntax, text: Spelled<String>)] = []
  package var cautions: [Spelled<String>] = []
  /// `not for CONDITION TEXT`: the people it must not be given to, and why.
  package var notFor: [NotForSyntax] = []
  package var addresses: [Name] = []
  package var conflicts: [ConflictSyntax] = []
  /// Where `safe while awaiting referral` is written, when it is.
  package var safeWhileAwaitingReferral: SourceRange?
  /// Where `first step` is written, when it is: the complaints' first advice.
  package var firstStep: SourceRange?
  package var provenance = ProvenanceSyntax()
  package let range: SourceRange
}

/// `not for CONDITION TEXT`: a recommendation is withheld from the people the condition fits.
package struct NotForSyntax: Sendable {
  package let condition: ConditionSyntax
  /// Why it is not for them, as the person reads it.
  package let reason: Spelled<String>
  /// From `not` to the end of the reason.
  package let range: SourceRange
}

/// `conflicts with ID` and how it is settled.
package struct ConflictSyntax: Sendable {
  /// What happens when no `prefer … when` holds.
  package enum Otherwise: Sendable {
    case prefer(Name)
    case stronger(SourceRange)
    case keepBoth(SourceRange)
  }

  package let other: Name
  package var preferences: [(prefer: Name, when: ConditionSyntax)] = []
  package var otherwise: Otherwise?
  package let range: SourceRange
}

/// `case ID` with its answers and expectations.
package struct CaseSyntax: Sendable {
  package let id: Name
  package var description: Spelled<String>?
  package var answers: [(question: Name, answer: AnswerSyntax)] = []
  package var expectations: [ExpectationSyntax] = []
  /// `assessment date DATE`: the day the case's answers were given.
  package var assessmentDate: Spelled<String>?
  package let range: SourceRange
}

/// An answer written in a case file.
package enum AnswerSyntax: Sendable, Hashable {
  case yes, no, notSure
  case number(Double)
  case option(String)
  case options([String])
  /// A quoted text (a `text` question's answer).
  case text(String)
  /// A day `YYYY-MM-DD` (a `date` question's answer).
  case date(String)

  /// The answer as an answers file holds it, to be checked against its question as one.
  package var json: JSONValue {
    switch self {
    case .yes: .bool(true)
    case .no: .bool(false)
    case .notSure: .string("not sure")
    case .number(let number): .number(number)
    case .option(let option): .string(option)
    case .options(let options): .array(options.map { .string($0) })
    case .text(let text), .date(let text): .string(text)
    }
  }
}

/// One `expect …` line of a case file.
package struct ExpectationSyntax: Sendable {
  /// What is expected.
  package enum Claim: Sendable {
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

  package let claim: Claim
  package let range: SourceRange
  /// Where each number of a certainty test is written (`between 0.44 and 0.46`: both), so
  /// `upstream test --update` can rewrite just those numbers.
  package var certaintyNumbers: [SourceRange] = []
}

/// A numeric test in an expectation: `>= 0.5` or `between 0.3 and 0.8`.
package enum NumberTest: Sendable, Hashable {
  case compare(ComparisonOperator, Double)
  case between(Double, Double)

  /// Whether `value` passes.
  package func holds(for value: Double) -> Bool {
    switch self {
    case .compare(let op, let bound): op.holds(value, bound)
    case .between(let low, let high): value >= low && value <= high
    }
  }
}

// MARK: - Conditions

/// A condition as written: tests combined with and, or, not and `at least N of`.
package indirect enum ConditionSyntax: Sendable {
  case test(TestSyntax)
  case all([ConditionSyntax], SourceRange)
  case any([ConditionSyntax], SourceRange)
  case not(ConditionSyntax, SourceRange)
  case atLeast(Int, [ConditionSyntax], SourceRange)

  package var range: SourceRange {
    switch self {
    case .test(let test): test.range
    case .all(_, let range), .any(_, let range), .not(_, let range), .atLeast(_, _, let range): range
    }
  }
}

/// `<`, `<=`, `>` or `>=`.
package enum ComparisonOperator: String, Sendable, Hashable, Codable {
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="

  /// Whether `value OP bound` holds.
  package func holds(_ value: Double, _ bound: Double) -> Bool {
    switch self {
    case .less: value < bound
    case .lessOrEqual: value <= bound
    case .greater: value > bound
    case .greaterOrEqual: value >= bound
    }
  }
}

/// A value on the right of `is` or inside `in (…)`: an option or stratum id, or a number.
package enum ValueSyntax: Sendable, Hashable {
  case word(Name)
  case number(Spelled<Double>)

  package var range: SourceRange {
    switch self {
    case .word(let name): name.range
    case .number(let number): number.range
    }
  }
}

/// One test on a question, finding or score.
package struct TestSyntax: Sendable {
  /// What the subject is compared with.
  package enum Comparison: Sendable {
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
    /// `ID is answered`, `ID is not answered`.
    case answered(negated: Bool)
    /// `ID more than 6 weeks ago`, `ID less than 2 days ago`: a date counted back from the
    /// assessment date. `unit` is the word as written.
    case ago(more: Bool, amount: Spelled<Double>, unit: Name)

    /// The numbers an answer is compared with (not certainties).
    package var numbers: [Spelled<Double>] {
      switch self {
      case .compare(_, let bound): [bound]
      case .between(let low, let high): [low, high]
      case .is(_, .number(let value)): [value]
      case .bare, .certainty, .is, .in, .includes, .compareNorm, .answered, .ago: []
      }
    }
  }

  package let subject: Name
  package let comparison: Comparison
  package let range: SourceRange
  /// Words written after the number, such as the unit in `sitting_hours > 6 hours`: a slip
  /// the compiler reports, knowing the question's unit.
  package var unit: Spelled<String>?
  /// From the end of the number to the end of `unit`: what deleting the unit removes.
  package var unitRemoval: SourceRange?
}
