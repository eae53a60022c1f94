import Foundation

// MARK: - The compiled knowledge base

/// A checked, compiled knowledge base: every id resolved to an index, ready to assess.
///
/// Built from rule files (``KnowledgeBase/load(directory:)``, ``KnowledgeBase/compile(_:)``,
/// ``KnowledgeBase/bundled()``); a knowledge base with errors is never
/// built, so every `KnowledgeBase` value can be run. Rules are stored in evaluation order
/// (each rule after every rule whose conclusions it reads). It is an immutable class, so
/// assessments share it without copying.
public final class KnowledgeBase: Sendable {
  package let header: Header
  package let sources: [Source]
  public let questions: [Question]
  public let findings: [Finding]
  public let scores: [Score]
  public let redFlags: [RedFlag]
  public let recommendations: [Recommendation]
  /// Published norms that depend on another answer (rules compare with them).
  package let norms: [Norm]
  /// Rules in evaluation order.
  package let rules: [Rule]
  /// A SHA-256 of the rule files' paths and texts, in path order.
  public let contentHash: String

  let symbols: [String: Symbol]
  /// For each question, the rules whose condition reads it.
  let rulesReadingQuestion: [[Int]]
  /// For each finding, the rules that conclude it (for or against).
  let rulesConcludingFinding: [[Int]]
  /// For each score, the rules that add points to it.
  let rulesAddingToScore: [[Int]]
  /// The rules' conditions compiled to flat programs, as the engine runs them.
  let plan: EvaluationPlan
  /// For each rule, the later rules that read a finding or score it concludes.
  let dependentRules: [[Int]]
  /// For each question, its place among the question ids sorted: the order of an answers
  /// file's members, which the answers hash of every assessment is taken over. A line's
  /// answers are put in that order by these numbers, without reading the shared id strings
  /// (on a batch's worker threads every read of a shared string updates a count all the
  /// threads share).
  let questionRankByID: [Int]
  /// For each score, its own items (a scored instrument's questions: read only by rules
  /// that add to scores), read by a rule that adds to it, sorted.
  let scoreItemsRead: [[Int]]
  /// Whether a `physical test` answer can change whether a warning sign that needs a
  /// doctor today or now is raised: some rule raising a flag at such an urgency reads a
  /// physical test, directly or through the findings and scores of the rules that do, or
  /// reads a score whose bands read one. Worked out when first asked for (only the
  /// adaptivity measures ask), so loading does not pay for it.
  var physicalTestsReachUrgentFlags: Bool { physicalTestsReachUrgentFlagsOnce.value }
  private let physicalTestsReachUrgentFlagsOnce: Memo<Bool>
  /// The knowledge base cut down to the rules warning signs depend on, when that is fewer
  /// than all of them (`warningSignScreen`): made when the questionnaire first asks, so
  /// loading (`check`, `assess`, a batch job's copy, the language server) does not pay.
  private let warningSignRules: Memo<KnowledgeBase?>

  init(
    header: Header, sources: [Source], questions: [Question], findings: [Finding], scores: [Score],
    redFlags: [RedFlag], recommendations: [Recommendation], norms: [Norm] = [], rules: [Rule], contentHash: String,
    symbols: [String: Symbol]
  ) {
    self.norms = norms
    self.header = header
    self.sources = sources
    self.questions = questions
    self.findings = findings
    self.scores = scores
    self.redFlags = redFlags
    self.recommendations = recommendations
    self.rules = rules
    self.contentHash = contentHash
    self.symbols = symbols
    datedQuestions = Self.datedQuestions(rules: rules, questions: questions)
    let rankedIndices = questions.indices.sorted { questions[$0].id < questions[$1].id }
    var ranks = [Int](repeating: 0, count: questions.count)
    for (rank, index) in rankedIndices.enumerated() { ranks[index] = rank }
    questionRankByID = ranks
    var byQuestion = [[Int]](repeating: [], count: questions.count)
    var byFinding = [[Int]](repeating: [], count: findings.count)
    var byScore = [[Int]](repeating: [], count: scores.count)
    var questionsRead: [Int] = []
    // Rules are read in place (`rules[index]`), not copied out of the array one by one.
    for index in rules.indices {
      // Rules are visited in order, so a rule already listed for a question is the last one.
      questionsRead.removeAll(keepingCapacity: true)
      rules[index].condition.collectQuestions(into: &questionsRead)
      for question in questionsRead where byQuestion[question].last != index { byQuestion[question].append(index) }
      for conclusion in rules[index].conclusions {
        switch conclusion {
        case .certainty(let finding, _): if byFinding[finding].last != index { byFinding[finding].append(index) }
        case .addPoints(let score, _): if byScore[score].last != index { byScore[score].append(index) }
        default: break
        }
      }
    }
    self.rulesReadingQuestion = byQuestion
    self.rulesConcludingFinding = byFinding
    self.rulesAddingToScore = byScore
    let scoring = Set(byScore.flatMap { $0 })
    let isScoreItem = byQuestion.map { readers in !readers.isEmpty && readers.allSatisfy(scoring.contains) }
    self.scoreItemsRead = byScore.map { scoreRules in
      var items: [Int] = []
      for rule in scoreRules {
        questionsRead.removeAll(keepingCapacity: true)
        rules[rule].condition.collectQuestions(into: &questionsRead)
        for question in questionsRead where isScoreItem[question] && !items.contains(question) { items.append(question) }
      }
      return items.sorted()
    }
    self.plan = EvaluationPlan(rules)
    // Rules reading each finding and each score (directly, or through a stratum's condition).
    var readingFinding = [[Int]](repeating: [], count: findings.count)
    var readingScore = [[Int]](repeating: [], count: scores.count)
    var findingsRead: [(finding: Int, negated: Bool)] = []
    var scoresRead: [Int] = []
    for index in rules.indices {
      findingsRead.removeAll(keepingCapacity: true)
      scoresRead.removeAll(keepingCapacity: true)
      rules[index].condition.collectFindings(into: &findingsRead)
      rules[index].condition.collectScores(into: &scoresRead)
      for position in 0..<scoresRead.count {
        for stratum in scores[scoresRead[position]].strata {
          stratum.condition.collectFindings(into: &findingsRead)
          stratum.condition.collectScores(into: &scoresRead)
        }
      }
      // Rules are visited in order, so a rule already listed for a finding is the last one.
      for (finding, _) in findingsRead where readingFinding[finding].last != index { readingFinding[finding].append(index) }
      for score in scoresRead where readingScore[score].last != index { readingScore[score].append(index) }
    }
    // Each rule's dependents, each once and sorted: a rule is marked with the index of the
    // rule whose list it is in, rather than hashed into a set per rule.
    var listedFor = [Int](repeating: -1, count: rules.count)
    let dependentRules = rules.indices.map { index in
      var dependents: [Int] = []
      for conclusion in rules[index].conclusions {
        let readers: [Int]
        switch conclusion {
        case .certainty(let finding, _): readers = readingFinding[finding]
        case .addPoints(let score, _): readers = readingScore[score]
        default: continue
        }
        for reader in readers where listedFor[reader] != index {
          listedFor[reader] = index
          dependents.append(reader)
        }
      }
      dependents.sort()
      return dependents
    }
    self.dependentRules = dependentRules
    let (reading, concluding, adding, readingScores) = (byQuestion, byFinding, byScore, readingScore)
    physicalTestsReachUrgentFlagsOnce = Memo {
      Self.physicalTestsReachUrgentFlags(
        questions: questions, scores: scores, rules: rules, rulesReadingQuestion: reading, dependentRules: dependentRules,
        readingScore: readingScores)
    }
    warningSignRules = Memo {
      let screen = Self.rulesWarningSignsDependOn(rules, scores, concluding, adding)
      guard screen.count < rules.count else { return nil }
      return KnowledgeBase(
        header: header, sources: sources, questions: questions, findings: findings, scores: scores, redFlags: redFlags,
        recommendations: recommendations, norms: norms, rules: screen.map { rules[$0] }, contentHash: contentHash,
        symbols: symbols)
    }
  }

  /// The rules that raise a warning sign and, backwards, every rule that concludes a
  /// finding or adds to a score those rules read (through a score's bands too), in
  /// evaluation order.
  private static func rulesWarningSignsDependOn(
    _ rules: [Rule], _ scores: [Score], _ rulesConcludingFinding: [[Int]], _ rulesAddingToScore: [[Int]]
  ) -> [Int] {
    var needed = [Bool](repeating: false, count: rules.count)
    var pending = rules.indices.filter { rules[$0].raisesRedFlag }
    var findingsRead: [(finding: Int, negated: Bool)] = []
    var scoresRead: [Int] = []
    var scoreFollowed = [Bool](repeating: false, count: scores.count)
    while let rule = pending.popLast() {
      guard !needed[rule] else { continue }
      needed[rule] = true
      findingsRead.removeAll(keepingCapacity: true)
      scoresRead.removeAll(keepingCapacity: true)
      rules[rule].condition.collectFindings(into: &findingsRead)
      rules[rule].condition.collectScores(into: &scoresRead)
      // A score's bands can read findings and scores (their own total among them).
      var position = 0
      while position < scoresRead.count {
        let score = scoresRead[position]
        position += 1
        guard !scoreFollowed[score] else { continue }
        scoreFollowed[score] = true
        pending.append(contentsOf: rulesAddingToScore[score])
        for stratum in scores[score].strata {
          stratum.condition.collectFindings(into: &findingsRead)
          stratum.condition.collectScores(into: &scoresRead)
        }
      }
      for (finding, _) in findingsRead { pending.append(contentsOf: rulesConcludingFinding[finding]) }
    }
    return rules.indices.filter { needed[$0] }
  }

  /// Follows the rules that read a physical test, then the rules reading what those
  /// conclude, until one raises a warning sign at an urgency that withholds self-care.
  private static func physicalTestsReachUrgentFlags(
    questions: [Question], scores: [Score], rules: [Rule], rulesReadingQuestion: [[Int]], dependentRules: [[Int]],
    readingScore: [[Int]]
  ) -> Bool {
    let tests = questions.indices.filter { questions[$0].asksForPhysicalTest }
    guard !tests.isEmpty else { return false }
    var pending = tests.flatMap { rulesReadingQuestion[$0] }
    for (score, definition) in scores.enumerated()
    where definition.strata.contains(where: { stratum in stratum.condition.questionsRead.contains(where: tests.contains) }) {
      pending.append(contentsOf: readingScore[score])
    }
    var reached = [Bool](repeating: false, count: rules.count)
    while let rule = pending.popLast() {
      guard !reached[rule] else { continue }
      reached[rule] = true
      for conclusion in rules[rule].conclusions {
        if case .redFlag(_, let urgency) = conclusion, urgency.withholdsSelfCare { return true }
      }
      pending.append(contentsOf: dependentRules[rule])
    }
    return false
  }

  /// The knowledge base that decides the warning signs: only the rules raising one and
  /// the rules those depend on, so that asking "which signs would this answer raise?"
  /// does not run every other rule. Its red flags and their urgencies are those of this
  /// knowledge base for any answers; its rule indices are its own.
  var warningSignScreen: KnowledgeBase { warningSignRules.value ?? self }

  /// What an id names.
  enum Symbol: Sendable, Hashable {
    case source(Int), question(Int), finding(Int), score(Int), redFlag(Int), recommendation(Int), rule(Int), norm(Int)
  }

  // MARK: Name and texts

  /// The knowledge base's name, as its header declares it.
  public var name: String { header.name }
  /// The knowledge base's version, as its header declares it.
  public var version: String { header.version }
  /// The screening disclaimer shown with every assessment.
  public var disclaimer: String { header.disclaimer }

  // MARK: Instruments

  /// The copyright lines of the scored instruments a question is an item of (a question
  /// read only by rules that add to scores), in score order, without repeats; empty for a
  /// question that is not an instrument's item.
  public func instrumentCopyrights(of question: Question) -> [String] {
    guard let index = questions.firstIndex(where: { $0.id == question.id }) else { return [] }
    return instrumentCopyrights(ofQuestion: index)
  }

  package func instrumentCopyrights(ofQuestion index: Int) -> [String] {
    let readers = rulesReadingQuestion[index]
    let addsPoints = { (rule: Int) in self.rules[rule].conclusions.contains { if case .addPoints = $0 { true } else { false } } }
    guard !readers.isEmpty, readers.allSatisfy(addsPoints) else { return [] }
    var lines: [String] = []
    for rule in readers {
      for case .addPoints(let score, _) in rules[rule].conclusions {
        if let line = scores[score].copyright, !lines.contains(line) { lines.append(line) }
      }
    }
    return lines
  }

  /// What a person answering reads of an instrument's copyright with its items: each line's
  /// first sentence (who owns the tool and who funded it), without the terms a deployment
  /// must follow, which stay in the clinician's report, the FHIR Questionnaire and the docs.
  /// The patient's report shows the same.
  public func instrumentAttributions(of question: Question) -> [String] {
    instrumentCopyrights(of: question).map(Self.attribution)
  }

  package func instrumentAttributions(ofQuestion index: Int) -> [String] {
    instrumentCopyrights(ofQuestion: index).map(Self.attribution)
  }

  /// A copyright line's first sentence.
  package static func attribution(_ line: String) -> String {
    line.range(of: ". ").map { String(line[..<$0.lowerBound]) + "." } ?? line
  }

  /// Every scored instrument's copyright line, in score order.
  public var instrumentCopyrights: [String] { scores.compactMap(\.copyright) }

  // MARK: Lookup by id

  public func question(_ id: String) -> Question? {
    if case .question(let index) = symbols[id] { return questions[index] }
    return nil
  }

  /// The questions (by index) whose date answer some condition counts back from the
  /// assessment date (`q more than 6 weeks ago`), in order: worked out once, as every
  /// answers file (every batch line) is checked against it.
  package let datedQuestions: [Int]

  /// `datedQuestions`, from the rules and the questions' `ask when`s; none without a date question.
  private static func datedQuestions(rules: [Rule], questions: [Question]) -> [Int] {
    guard questions.contains(where: { if case .date = $0.kind { true } else { false } }) else { return [] }
    var dated = Set<Int>()
    for index in rules.indices { dated.formUnion(rules[index].condition.questionsDated) }
    for question in questions { if let askWhen = question.askWhen { dated.formUnion(askWhen.questionsDated) } }
    return dated.sorted()
  }

  /// The question a FHIR item's linkId names: the question that declares it with
  /// `link id`, else the question with that id.
  public func question(linkId: String) -> Question? {
    questions.first { $0.linkIds.contains(linkId) } ?? question(linkId)
  }

  /// The score whose stored total a FHIR item's linkId names (`link id`, else the id).
  public func score(linkId: String) -> Score? {
    scores.first { $0.linkIds.contains(linkId) } ?? score(linkId)
  }

  public func finding(_ id: String) -> Finding? {
    if case .finding(let index) = symbols[id] { return findings[index] }
    return nil
  }

  package func rule(_ id: String) -> Rule? {
    if case .rule(let index) = symbols[id] { return rules[index] }
    return nil
  }

  public func recommendation(_ id: String) -> Recommendation? {
    if case .recommendation(let index) = symbols[id] { return recommendations[index] }
    return nil
  }

  public func redFlag(_ id: String) -> RedFlag? {
    if case .redFlag(let index) = symbols[id] { return redFlags[index] }
    return nil
  }

  public func score(_ id: String) -> Score? {
    if case .score(let index) = symbols[id] { return scores[index] }
    return nil
  }

  package func source(_ id: String) -> Source? {
    if case .source(let index) = symbols[id] { return sources[index] }
    return nil
  }

  /// Every id the knowledge base declares, for "did you mean" suggestions.
  package var allIDs: [String] { symbols.keys.sorted() }
}

// MARK: - Parts

/// Where something was declared: file and line.
public struct DeclarationSite: Sendable, Hashable, Codable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let column: Int

  public var description: String { "\(file):\(line)" }
}

/// The knowledge base's name, version, authors and texts shown on every assessment.
package struct Header: Sendable, Hashable {
  package let name: String
  package let version: String
  package let authors: [String]
  package let disclaimer: String
  package let generalAdvice: String
  /// When to seek help and how fast, one item each (its lead and every warning sign it
  /// lists): shown with every self-care plan, tailored by ``safetyNetting(for:)``.
  package let safetyNetting: [String]
  /// Each item's lead (before its `sign`s) and warning signs, in order.
  package var safetyNettingItems: [SafetyNettingItem] = []
  /// Contributors below this certainty are "possible, less likely".
  package let lessLikelyBelow: Double
}

/// One item of safety-netting advice: its lead ("Call 999 … if you get any of these.")
/// and the warning signs it lists, each shown to the people its condition fits.
package struct SafetyNettingItem: Sendable, Hashable {
  /// One warning sign; shown unless its condition fails on the answers (an unknown
  /// answer keeps it).
  package struct Sign: Sendable, Hashable {
    package let condition: Condition?
    package let text: String
  }

  package let lead: String
  package let signs: [Sign]
}

/// How strong a source's evidence is, strongest first.
public enum EvidenceLevel: String, Sendable, Hashable, Codable, CaseIterable {
  case guideline
  case systematicReview = "systematic-review"
  case trial
  case cohort
  case validatedInstrument = "validated-instrument"
  case caseSeries = "case-series"
  case expertOpinion = "expert-opinion"
  case practitionerArticle = "practitioner-article"

  /// The level in plain words.
  public var description: String {
    switch self {
    case .guideline: "clinical guideline"
    case .systematicReview: "systematic review"
    case .trial: "randomised trial"
    case .cohort: "cohort study"
    case .validatedInstrument: "validated instrument"
    case .caseSeries: "case series"
    case .expertOpinion: "expert opinion"
    case .practitionerArticle: "practitioner's article"
    }
  }
}

/// A publication that rules and recommendations cite.
package struct Source: Sendable, Hashable {
  package let id: String
  package let title: String
  package let citation: String?
  package let url: String?
  package let evidence: EvidenceLevel
  package let location: DeclarationSite
}

/// Who stands behind a rule, recommendation or red flag, and when it was last reviewed.
package struct Provenance: Sendable, Hashable {
  package let sources: [Int]
  package let author: String?
  package let reviewed: String?
}

/// A question put to the person.
public struct Question: Sendable, Hashable {
  /// What kind of answer a question takes.
  public enum Kind: Sendable, Hashable {
    case yesNo
    case number(low: Double, high: Double, unit: String?, decimals: Bool)
    case scale
    case choice([Option])
    case choices([Option])
    /// Free text. Rules cannot read the text: a condition can only ask whether it is answered.
    case text
    /// A calendar day (`YYYY-MM-DD`). Conditions compare it with the assessment date
    /// (`q more than 6 weeks ago`), which is an input, never the clock.
    case date

    /// The options of a `choice` or `choices` question.
    public var options: [Option] {
      switch self {
      case .choice(let options), .choices(let options): options
      default: []
      }
    }

    /// Whether a number answer may have decimals (whole numbers otherwise).
    public var allowsDecimals: Bool {
      if case .number(_, _, _, let decimals) = self { return decimals }
      return false
    }

    /// The lowest and highest number allowed, for `number` and `scale`.
    public var numberRange: ClosedRange<Double>? {
      switch self {
      case .number(let low, let high, _, _): low...high
      case .scale: 0...10
      default: nil
      }
    }

    /// The type's name as written in rule files.
    public var name: String {
      switch self {
      case .yesNo: "yes/no"
      case .number: "number"
      case .scale: "scale"
      case .choice: "choice"
      case .choices: "choices"
      case .text: "text"
      case .date: "date"
      }
    }
  }

  /// One named option of a choice question.
  public struct Option: Sendable, Hashable {
    public let id: String
    public let label: String
    /// Other words or phrases a person might type for it (`synonyms` in the rule file).
    public let synonyms: [String]
    /// The codes other systems use for this option (`code "…" system "…"` after the
    /// option's label), e.g. a LOINC answer code.
    public let codings: [Coding]

    package init(id: String, label: String, synonyms: [String] = [], codings: [Coding] = []) {
      self.id = id
      self.label = label
      self.synonyms = synonyms
      self.codings = codings
    }
  }

  public let id: String
  public let wording: String
  public let help: String?
  public internal(set) var kind: Kind
  public let notSureAllowed: Bool
  package let askWhen: Condition?
  /// Whether the question is asked before every other (`ask first`): where it hurts, and
  /// whether there was an injury, decide which safety questions apply.
  public let asksFirst: Bool
  /// Whether a red-flag rule reads this question: asked before any question that is not,
  /// whenever its answer could still raise a flag, and never skipped.
  public let isRedFlagQuestion: Bool
  /// Whether answering asks the person to stand, balance or move (`physical test`): a
  /// questionnaire asks it after every other safety question, and not at all once a
  /// warning sign that needs a doctor today or now has been raised.
  public internal(set) var asksForPhysicalTest = false
  public let location: DeclarationSite
  /// The FHIR linkIds that name this question in forms written elsewhere (`link id "…"`);
  /// the question's own id always names it too.
  public internal(set) var linkIds: [String] = []
  /// The codes that name the question itself in other systems (`code "…" system "…"`).
  public internal(set) var codings: [Coding] = []
  /// What a person whose number answer is below the range is told (`below range "…"` in
  /// the rules): the range is who the knowledge base is for, so such an answer is not a
  /// slip to ask again but a person it is not for, and a questionnaire ends there
  /// (``QuestionnaireSession/outOfScope``). Nil when an answer below the range is refused
  /// and the question asked again.
  public internal(set) var belowRangeMessage: String?
  /// What a person whose number answer is above the range is told (`above range "…"`),
  /// as ``belowRangeMessage`` is for an answer below it.
  public internal(set) var aboveRangeMessage: String?
  /// The question as put to the people a condition on earlier answers fits (`wording when`),
  /// tried in order; ``wording`` for everyone else (``QuestionnaireSession/wording(of:)``).
  package internal(set) var wordingVariants: [Recommendation.Variant] = []

  /// The linkId the FHIR export gives the question: the first declared one, else its id.
  public var exportLinkId: String { linkIds.first ?? id }

  /// Whether the question's range says who the knowledge base is for (`below range "…"`
  /// or `above range "…"`): a questionnaire asks it before it ends with any advice.
  package var definesScope: Bool { belowRangeMessage != nil || aboveRangeMessage != nil }

  /// What a person whose answer is `number` is told when the answer shows the knowledge
  /// base is not for them: ``belowRangeMessage`` for a number below the range,
  /// ``aboveRangeMessage`` for one above it; nil for a number in the range, or outside it
  /// on a side the rules do not mark (a slip, asked again), and for other questions.
  public func outOfScopeMessage(for number: Double) -> String? {
    guard case .number(let low, let high, _, _) = kind else { return nil }
    if number < low { return belowRangeMessage }
    if number > high { return aboveRangeMessage }
    return nil
  }

  /// The conditions on other answers under which options are offered (`option ID "…"
  /// when CONDITION`), by option id; an option not listed is always offered.
  package internal(set) var optionConditions: [String: Condition] = [:]

  /// The question offering only some of its options (those a person's earlier answers
  /// leave open), as a questionnaire puts it to them.
  package func offering(_ options: [Option]) -> Question {
    let narrowed: Kind =
      switch kind {
      case .choice: .choice(options)
      case .choices: .choices(options)
      default: kind
      }
    // A copy with every other property as it is, so none is dropped when one is added.
    var question = self
    question.kind = narrowed
    return question
  }

  /// The index of an option id, for choice questions.
  package func optionIndex(_ id: String) -> Int? { kind.options.firstIndex { $0.id == id } }
}

/// Whether a finding is where it hurts or something behind it.
public enum FindingKind: String, Sendable, Hashable, Codable {
  case complaint, contributor
}

extension DeclarationKind {
  /// A finding's kind as a kind of declaration.
  package init(_ kind: FindingKind) {
    switch kind {
    case .complaint: self = .complaint
    case .contributor: self = .contributor
    }
  }
}

/// Parts of the body a finding belongs to.
public enum BodyRegion: String, Sendable, Hashable, Codable, CaseIterable {
  case foot, ankle
  case lowerLeg = "lower-leg"
  case knee, thigh, hip, pelvis
  case lowerBack = "lower-back"
  case upperBack = "upper-back"
  case wholeBody = "whole-body"

  /// The region in plain words.
  public var description: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}

/// A complaint or contributor that rules conclude with a certainty.
public struct Finding: Sendable, Hashable {
  public let id: String
  public let kind: FindingKind
  public let name: String
  /// The name in everyday words (`patient name`), for the patient's report; the name
  /// when none is declared.
  public let patientName: String
  public let region: BodyRegion?
  public let explanation: String?
  public let location: DeclarationSite
}

/// A score that rules add points to, with its strata.
public struct Score: Sendable, Hashable {
  /// A named band of a score, such as "high risk".
  package struct Stratum: Sendable, Hashable {
    public let id: String
    public let label: String
    package let condition: Condition
    public let meaning: String?
  }

  public let id: String
  public let name: String
  public let range: ClosedRange<Double>?
  package let strata: [Stratum]
  /// The instrument's copyright and licence line (`copyright`), shown wherever its items
  /// or its result are: the questionnaire, every report, the FHIR Questionnaire.
  public let copyright: String?
  public let location: DeclarationSite
  /// The FHIR linkIds of an item that stores this score's total in other systems' forms
  /// (`link id "…"`): an imported response's stored total is checked against the sum.
  public internal(set) var linkIds: [String] = []
  /// The codes that name the score in other systems (`code "…" system "…"`).
  public internal(set) var codings: [Coding] = []
}

/// A code from a code system, as FHIR's Coding: LOINC, SNOMED CT, a clinic's own.
///
/// Written in a rule file as `code "LA6568-5" system "http://loinc.org"`. A code without a
/// system is accepted (with a warning): it then matches a code with any system.
public struct Coding: Sendable, Hashable {
  /// The code system's URI, e.g. `http://loinc.org`; nil when the rule file gives none.
  public let system: String?
  /// The code within its system.
  public let code: String

  package init(system: String?, code: String) {
    self.system = system
    self.code = code
  }

  /// Whether a coding from elsewhere (system and code) is this one: the same code, and the
  /// same system when both give one.
  public func matches(system other: String?, code otherCode: String) -> Bool {
    guard code == otherCode else { return false }
    guard let system, let other else { return true }
    return system == other
  }
}

/// How soon a red flag needs a clinician, most urgent first.
///
/// With no red flag an assessment is at the self-care level (see ``CareLevel``).
public enum Urgency: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
  /// Now: an emergency department or an ambulance.
  case emergency
  /// Today: a same-day GP, urgent care or specialist service.
  case urgentSameDay = "urgent-same-day"
  /// A routine appointment (GP, physiotherapist or specialist), within weeks.
  case routineReferral = "routine-referral"

  private var rank: Int {
    switch self {
    case .emergency: 0
    case .urgentSameDay: 1
    case .routineReferral: 2
    }
  }

  /// Whether the urgency withholds all self-care advice (a routine referral keeps the
  /// recommendations marked `safe while awaiting referral`).
  public var withholdsSelfCare: Bool { self != .routineReferral }

  /// The urgency in plain words.
  public var description: String {
    switch self {
    case .emergency: "emergency: now"
    case .urgentSameDay: "urgent: the same day"
    case .routineReferral: "routine referral"
    }
  }

  /// `a < b` when `a` is more urgent.
  public static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.rank < rhs.rank }
}

/// A published normal value that depends on another answer, such as the time people of
/// an age can stand on one leg: a table of bands of the `by` question's answer.
///
/// A rule that compares a number with a norm (`stance_seconds < stance_norm`) is
/// compiled into one test per band (`age between 60 and 69 and stance_seconds < 27`, …),
/// so an unknown age leaves the comparison unknown, never false.
package struct Norm: Sendable, Hashable {
  /// One row of the table.
  package struct Band: Sendable, Hashable {
    package let answers: ClosedRange<Double>
    package let value: Double
  }

  package let id: String
  package let name: String
  /// The question whose answer picks the band.
  package let by: Int
  /// The bands, lowest answers first.
  package let bands: [Band]
  package let provenance: Provenance
  package let location: DeclarationSite
  /// The ids of the rules that compare with it, set once the rules are resolved.
  package internal(set) var readBy: [String] = []
}

/// The level of care an assessment calls for: the highest urgency of its red flags, or
/// self-care when none was raised.
public enum CareLevel: String, Sendable, Hashable, Codable, CaseIterable {
  case emergency
  case urgentSameDay = "urgent-same-day"
  case routineReferral = "routine-referral"
  case selfCare = "self-care"

  /// The care level of a highest urgency (nil: no red flag).
  public init(_ urgency: Urgency?) {
    switch urgency {
    case .emergency: self = .emergency
    case .urgentSameDay: self = .urgentSameDay
    case .routineReferral: self = .routineReferral
    case nil: self = .selfCare
    }
  }
}

/// A sign that needs a doctor.
public struct RedFlag: Sendable, Hashable {
  public let id: String
  public let name: String
  /// The urgency it has unless a rule raises it with another.
  public let urgency: Urgency
  /// What to do, at the flag's own urgency.
  public let advice: String
  /// What to do at the other urgencies rules raise it to (`advice URGENCY "…"`).
  public let adviceByUrgency: [Urgency: String]
  public let explanation: String?
  package let provenance: Provenance
  public let location: DeclarationSite

  /// What to do when the flag ends at `urgency`: its wording for that urgency, never the
  /// wording of the level it started at (the compiler makes sure every urgency a rule
  /// raises it to has its own wording).
  public func advice(at urgency: Urgency) -> String {
    urgency == self.urgency ? advice : adviceByUrgency[urgency] ?? advice
  }
}

/// Something to do: an exercise, a change, a referral.
public struct Recommendation: Sendable, Hashable {
  /// A declared conflict with another recommendation and how it is settled.
  package struct Conflict: Sendable, Hashable {
    /// What happens when no `prefer … when` holds.
    public enum Otherwise: Sendable, Hashable {
      case prefer(Int)
      case stronger
      case keepBoth
    }

    package let other: Int
    package let preferences: [(recommendation: Int, when: Condition)]
    package let otherwise: Otherwise
    public let location: DeclarationSite

    package static func == (lhs: Conflict, rhs: Conflict) -> Bool {
      lhs.other == rhs.other && lhs.otherwise == rhs.otherwise && lhs.location == rhs.location
        && lhs.preferences.map(\.recommendation) == rhs.preferences.map(\.recommendation)
        && lhs.preferences.map(\.when) == rhs.preferences.map(\.when)
    }

    package func hash(into hasher: inout Hasher) {
      hasher.combine(other)
      hasher.combine(location)
    }
  }

  /// People a recommendation is not for (`not for CONDITION TEXT`), and why.
  package struct NotFor: Sendable, Hashable {
    /// A condition on the answers only.
    package let condition: Condition
    /// Why, as the person reads it.
    package let reason: String
    /// Where the `not for` is written.
    package let location: DeclarationSite
  }

  /// Wording for the people a condition on the answers fits (`dose when …`).
  package struct Variant: Sendable, Hashable {
    package let condition: Condition
    package let text: String
  }

  public let id: String
  public let title: String
  /// The title in everyday words (`patient title`); the title when none is declared.
  public let patientTitle: String
  /// The dose for anyone no `dose when` variant fits.
  public let dose: String?
  package let doseVariants: [Variant]
  /// The instructions for anyone no `instructions when` variant fits.
  public let instructions: String?
  package let instructionVariants: [Variant]
  public let cautions: [String]
  /// `not for CONDITION TEXT`: when a condition holds on the answers, the recommendation
  /// is withheld with its reason (the first that holds, in the order written).
  package let notFor: [NotFor]
  package let addresses: [Int]
  package let conflicts: [Conflict]
  /// Whether it may be started while waiting for a routine referral
  /// (`safe while awaiting referral`); under an emergency or urgent flag nothing is.
  public let safeWhileAwaitingReferral: Bool
  package let provenance: Provenance
  public let location: DeclarationSite
  /// Whether it is the first advice for the complaints it addresses (`first step`): the
  /// patient's plan starts a complaint with it, before any contributor's exercise.
  package internal(set) var isFirstStep = false
}

/// A rule: when its condition holds, its conclusions follow.
package struct Rule: Sendable, Hashable {
  package let id: String
  package let condition: Condition
  package let conclusions: [Conclusion]
  package let because: String
  package let patientWording: String?
  package let clinicianWording: String?
  package let provenance: Provenance
  package let location: DeclarationSite

  /// Whether the rule raises a red flag.
  package var raisesRedFlag: Bool {
    conclusions.contains { if case .redFlag = $0 { return true } else { return false } }
  }
}

/// One conclusion of a rule, with ids resolved.
package enum Conclusion: Sendable, Hashable {
  case certainty(finding: Int, Double)
  case upstream(contributor: Int, of: Int)
  /// Points in thousandths, so sums are exact.
  case addPoints(score: Int, thousandths: Int)
  case recommend(Int)
  case redFlag(Int, Urgency)
}
