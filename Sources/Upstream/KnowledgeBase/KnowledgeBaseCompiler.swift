import UpstreamDigest

// MARK: - Compiling rule files into a knowledge base

/// Turns parsed rule files into a checked `KnowledgeBase`, collecting every diagnostic.
///
/// The stages add to one list of diagnostics: the parser's, then resolution (ids, types,
/// options, ranges), then ordering (cycles), then the checks in `Checks/`. A knowledge base
/// is returned only when there is no error.
package enum KnowledgeBaseCompiler {
  /// The result of compiling: the knowledge base when there were no errors, and all diagnostics.
  package struct Output: Sendable {
    package let knowledgeBase: KnowledgeBase?
    package let diagnostics: [Diagnostic]
  }

  /// Compiles rule files (their order does not matter), running `checks` on the result.
  ///
  /// The syntax trees live only while the knowledge base is resolved and checked: the
  /// result keeps none of them, so a loaded knowledge base costs only its compiled form.
  /// `contentHash`, when given, is the files' content hash worked out before (the bundled
  /// rules' is computed at build time); otherwise it is computed here.
  ///
  /// With `jobs` above 1, the files are parsed on up to that many threads (they are
  /// independent until they are resolved; a large file in parts cut at its rules, see
  /// `Parser.parts(of:count:minimumSize:)`), the content hash is worked out alongside, and
  /// the checks run side by side; the knowledge base and the diagnostics, in their order,
  /// are the same as with one job.
  package static func compile(
    _ files: [SourceFile], checks: [any KnowledgeBaseCheck] = allChecks, contentHash: String? = nil, jobs: Int = 1
  ) -> Output {
    guard jobs > 1 else {
      return compile(parsed: files.map { ($0, Parser.parse($0)) }, checks: checks, contentHash: contentHash)
    }
    let hashing = contentHash == nil
    // A large file is cut into parts at its rules, so that one big file parses on every
    // job too; the last piece of work, when there is no hash yet, is hashing the files.
    let parts = files.indices.flatMap { file in Parser.parts(of: files[file], count: jobs).map { (file: file, lines: $0) } }
    let pieces = Parallel.map(count: parts.count + (hashing ? 1 : 0), jobs: jobs) { index -> ParallelPiece in
      index < parts.count
        ? .parse(Parser.parse(files[parts[index].file], lines: parts[index].lines))
        : .hash(Self.contentHash(of: files.sorted { $0.path < $1.path }))
    }
    var partsOfFile: [[(file: SyntaxFile, diagnostics: [Diagnostic])]] = Array(repeating: [], count: files.count)
    var hash = contentHash
    for (index, piece) in pieces.enumerated() {
      switch piece {
      case .parse(let parse): partsOfFile[parts[index].file].append(parse)
      case .hash(let text): hash = text
      }
    }
    // A file whose parts found a problem is parsed again whole, for one parse's diagnostics.
    let parsed = files.indices.map { file in
      (source: files[file], parse: Parser.join(partsOfFile[file]) ?? Parser.parse(files[file]))
    }
    return compile(parsed: parsed, checks: checks, contentHash: hash, jobs: jobs)
  }

  /// One file's parse, or the content hash, worked out on a thread of its own.
  private enum ParallelPiece: Sendable {
    case parse((file: SyntaxFile, diagnostics: [Diagnostic]))
    case hash(String)
  }

  /// Compiles rule files already parsed (an editor keeps each file's parse until it
  /// changes); with `jobs` above 1 the checks run side by side, their diagnostics kept in
  /// the order of `checks`.
  package static func compile(
    parsed files: [(source: SourceFile, parse: (file: SyntaxFile, diagnostics: [Diagnostic]))], checks: [any KnowledgeBaseCheck] = allChecks,
    contentHash knownHash: String? = nil, jobs: Int = 1
  ) -> Output {
    let sorted = files.sorted { $0.source.path < $1.source.path }
    let ordered = sorted.map(\.source)
    var diagnostics: [Diagnostic] = []
    var syntax: [SyntaxFile] = []
    for (_, parsed) in sorted {
      diagnostics.append(contentsOf: parsed.diagnostics)
      syntax.append(parsed.file)
    }
    var resolver = Resolver(files: syntax, syntaxErrors: diagnostics)
    let draft = resolver.resolve(contentHash: knownHash ?? contentHash(of: ordered))
    diagnostics.append(contentsOf: resolver.diagnostics)
    guard let draft else {
      return Output(knowledgeBase: nil, diagnostics: DiagnosticCollector.capped(diagnostics.sortedForDisplay()))
    }
    // With errors (in the text or in resolving), the draft lacks the rules that hold them:
    // only the checks that judge each rule on its own can run on it without reporting what
    // those rules would settle; the rest wait until the errors are fixed.
    let checks = diagnostics.hasErrors ? checks.filter(\.judgesEachRuleAlone) : checks
    for found in Parallel.map(count: checks.count, jobs: jobs, { checks[$0].check(draft) }) {
      diagnostics.append(contentsOf: found)
    }
    let knowledgeBase = diagnostics.hasErrors ? nil : draft.knowledgeBase
    return Output(knowledgeBase: knowledgeBase, diagnostics: DiagnosticCollector.capped(diagnostics.sortedForDisplay()))
  }

  /// The SHA-256 of the files' paths and texts, in path order.
  static func contentHash(of files: [SourceFile]) -> String {
    ContentHash.of(files.map { (path: $0.path, bytes: $0.bytes) })
  }
}

/// A resolved knowledge base together with the syntax it came from, which checks read.
package struct DraftKnowledgeBase: Sendable {
  package let knowledgeBase: KnowledgeBase
  /// Each rule's condition syntax, by rule index, for checks that point at a test.
  let ruleConditions: [ConditionSyntax]
  /// Each rule's declaration range, by rule index.
  let ruleRanges: [SourceRange]
  /// Each rule's place among the rules sorted by id, by rule index (0 for the first id),
  /// so that checks report in id order without comparing ids.
  let ruleIDRank: [Int]
  /// Each rule's conclusions as written, by rule index, for checks that point at (or fix) one.
  let ruleConclusions: [[ConclusionSyntax]]
  let questionRanges: [SourceRange]
  let findingRanges: [SourceRange]
  let recommendationRanges: [SourceRange]
  let sourceRanges: [SourceRange]
  let redFlagRanges: [SourceRange]
  /// The `knowledge base` header's range.
  let headerRange: SourceRange
  /// Each question's `ask when` syntax, by question index.
  let askWhenSyntax: [ConditionSyntax?]
  /// Recommendations that declare no dose, and where.
  let recommendationDoses: [Bool]
  /// The number ranges rules test, by question: worked out once, when a range check
  /// first asks (commands that run only the loading checks never do).
  private let numberBandsOnce: Memo<NumberBands>
  /// Each rule's `ConditionKey.hash`, by rule index: worked out once, for the checks that
  /// compare conditions by meaning.
  private let conditionHashesOnce: Memo<[UInt64]>

  /// The number ranges rules test, by question, for the range checks.
  var numberBands: NumberBands { numberBandsOnce.value }
  /// Each rule's condition hash (`ConditionKey.hash` of its condition), by rule index:
  /// rules whose conditions have the same key have the same hash.
  var conditionHashes: [UInt64] { conditionHashesOnce.value }

  init(
    knowledgeBase: KnowledgeBase, ruleConditions: [ConditionSyntax], ruleRanges: [SourceRange], ruleIDRank: [Int],
    ruleConclusions: [[ConclusionSyntax]],
    questionRanges: [SourceRange], findingRanges: [SourceRange], recommendationRanges: [SourceRange], sourceRanges: [SourceRange],
    redFlagRanges: [SourceRange], headerRange: SourceRange, askWhenSyntax: [ConditionSyntax?], recommendationDoses: [Bool]
  ) {
    self.knowledgeBase = knowledgeBase
    self.ruleConditions = ruleConditions
    self.ruleRanges = ruleRanges
    self.ruleIDRank = ruleIDRank
    self.ruleConclusions = ruleConclusions
    self.questionRanges = questionRanges
    self.findingRanges = findingRanges
    self.recommendationRanges = recommendationRanges
    self.sourceRanges = sourceRanges
    self.redFlagRanges = redFlagRanges
    self.headerRange = headerRange
    self.askWhenSyntax = askWhenSyntax
    self.recommendationDoses = recommendationDoses
    numberBandsOnce = Memo { NumberBands(knowledgeBase) }
    conditionHashesOnce = Memo { knowledgeBase.rules.map { ConditionKey.hash($0.condition) } }
  }
}

// MARK: - Resolution

/// Resolves ids and types across all files of a knowledge base.
private struct Resolver {
  let files: [SyntaxFile]
  var diagnostics: [Diagnostic] = []

  private var symbols: [String: KnowledgeBase.Symbol] = [:]
  private var declaredAt: [String: SourceRange] = [:]
  /// The rule being resolved, and the rules that compare with each norm.
  private var currentRule: String?
  private var normReaders: [Int: [String]] = [:]
  /// Unknown ids reported so far, by file.
  private var unknownIDsPerFile: [String: Int] = [:]

  private var headers: [HeaderSyntax] = []
  private var sourceSyntax: [SourceSyntax] = []
  private var questionSyntax: [QuestionSyntax] = []
  private var findingSyntax: [FindingSyntax] = []
  private var scoreSyntax: [ScoreSyntax] = []
  private var redFlagSyntax: [RedFlagSyntax] = []
  private var ruleSyntax: [RuleSyntax] = []
  private var recommendationSyntax: [RecommendationSyntax] = []
  private var normSyntax: [NormSyntax] = []
  /// Resolved norms, by index (nil when a norm has errors).
  private var norms: [Norm?] = []

  // Resolved questions, kept while resolving conditions.
  private var questions: [Question] = []
  private var scoreStrata: [[String]] = []
  private var scoreRanges: [ClosedRange<Double>?] = []

  /// Where each file's syntax errors start (offsets, sorted): a rule holding one is left out.
  private let syntaxErrors: [String: [Int]]

  init(files: [SyntaxFile], syntaxErrors: [Diagnostic] = []) {
    self.files = files
    var starts: [String: [Int]] = [:]
    for error in syntaxErrors where error.severity == .error { starts[error.range.file, default: []].append(error.range.start.offset) }
    self.syntaxErrors = starts.mapValues { $0.sorted() }
  }

  /// Whether a syntax error starts inside a rule: from its keyword to the end of the last
  /// of its condition, conclusions and explanation.
  private func hasSyntaxError(in rule: RuleSyntax) -> Bool {
    guard let starts = syntaxErrors[rule.range.file] else { return false }
    var end = rule.range.end.offset
    for part in [rule.condition?.range, rule.because?.range] + rule.conclusions.map(\.range) {
      if let part { end = max(end, part.end.offset) }
    }
    // The first error at or after the rule's start, found by halving.
    var low = 0
    var high = starts.count
    while low < high {
      let middle = (low + high) / 2
      if starts[middle] < rule.range.start.offset { low = middle + 1 } else { high = middle }
    }
    return low < starts.count && starts[low] <= end
  }

  private mutating func error(_ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [Diagnostic.Note] = []) {
    diagnostics.append(.error(code, message, at: range, notes: notes))
  }

  // MARK: Declarations

  /// Gathers declarations, sorted by id so that their order in files never matters.
  private mutating func gather() {
    // Rules are most of a large knowledge base: their array is made to size at once.
    ruleSyntax.reserveCapacity(
      files.reduce(0) { count, file in
        count + file.declarations.reduce(0) { if case .rule = $1 { $0 + 1 } else { $0 } }
      })
    for file in files {
      for declaration in file.declarations {
        switch declaration {
        case .header(let header): headers.append(header)
        case .source(let source): sourceSyntax.append(source)
        case .question(let question): questionSyntax.append(question)
        case .finding(let finding): findingSyntax.append(finding)
        case .score(let score): scoreSyntax.append(score)
        case .redFlag(let flag): redFlagSyntax.append(flag)
        case .rule(let rule): ruleSyntax.append(rule)
        case .recommendation(let recommendation): recommendationSyntax.append(recommendation)
        case .norm(let norm): normSyntax.append(norm)
        case .testCase(let testCase):
          error(.unexpectedToken, "case '\(testCase.id.text)' belongs in a .case file, not among the rules", at: testCase.range)
        }
      }
    }
    sourceSyntax.sort { $0.id.text < $1.id.text }
    findingSyntax.sort { $0.id.text < $1.id.text }
    scoreSyntax.sort { $0.id.text < $1.id.text }
    redFlagSyntax.sort { $0.id.text < $1.id.text }
    ruleSyntax.sort { $0.id.text < $1.id.text }
    recommendationSyntax.sort { $0.id.text < $1.id.text }
    normSyntax.sort { $0.id.text < $1.id.text }
    // Questions keep their declaration order (files in path order): it is the order in
    // which the questionnaire asks them when nothing else decides.
  }

  /// Declares an id, reporting a duplicate. Returns false for a duplicate.
  private mutating func declare(_ name: Name, as symbol: KnowledgeBase.Symbol) -> Bool {
    if let first = declaredAt[name.text] {
      error(
        .duplicateId, "'\(name.text)' is declared twice; ids must be unique across the knowledge base",
        at: name.range, notes: [.init("first declared here", at: first)])
      return false
    }
    declaredAt[name.text] = name.range
    symbols[name.text] = symbol
    return true
  }

  private func location(_ range: SourceRange) -> DeclarationSite {
    DeclarationSite(file: range.file, line: range.start.line, column: range.start.column)
  }

  /// Parses a word into one of a fixed set of values, or reports it with a suggestion.
  private mutating func word<T: RawRepresentable & CaseIterable>(_ name: Name?, as type: T.Type, what: String) -> T?
  where T.RawValue == String {
    guard let name else { return nil }
    if let value = T(rawValue: name.text) { return value }
    let allowed = T.allCases.map(\.rawValue)
    diagnostics.append(
      Diagnostic.error(
        .unknownWord, "'\(name.text)' is not \(what); use one of: \(allowed.joined(separator: ", "))",
        at: name.range
      ).suggesting(name.text, from: allowed))
    return nil
  }

  private mutating func require<T>(_ value: T?, _ attribute: String, of what: DeclarationKind, _ id: Name) -> T? {
    if value == nil {
      error(.missingAttribute, "\(what) '\(id.text)' has no '\(attribute)'", at: id.range)
    }
    return value
  }

  // MARK: The whole knowledge base

  mutating func resolve(contentHash: String) -> DraftKnowledgeBase? {
    gather()

    // Ids first, so that any declaration may refer to any other. The tables are made to
    // size at once, rather than grown (and every id hashed again) as they fill.
    let declarations =
      questionSyntax.count + sourceSyntax.count + findingSyntax.count + scoreSyntax.count + redFlagSyntax.count
      + recommendationSyntax.count + ruleSyntax.count + normSyntax.count
    symbols.reserveCapacity(declarations)
    declaredAt.reserveCapacity(declarations)
    var questionSlots: [QuestionSyntax] = []
    for question in questionSyntax where declare(question.id, as: .question(questionSlots.count)) {
      questionSlots.append(question)
    }
    questionSyntax = questionSlots
    sourceSyntax = declareAll(sourceSyntax, id: \.id) { .source($0) }
    findingSyntax = declareAll(findingSyntax, id: \.id) { .finding($0) }
    scoreSyntax = declareAll(scoreSyntax, id: \.id) { .score($0) }
    redFlagSyntax = declareAll(redFlagSyntax, id: \.id) { .redFlag($0) }
    recommendationSyntax = declareAll(recommendationSyntax, id: \.id) { .recommendation($0) }
    ruleSyntax = declareAll(ruleSyntax, id: \.id) { .rule($0) }
    normSyntax = declareAll(normSyntax, id: \.id) { .norm($0) }

    let header = resolveHeader()
    let sources = sourceSyntax.map { resolveSource($0) }
    let findings = findingSyntax.map { resolveFinding($0) }
    scoreStrata = scoreSyntax.map { $0.strata.map(\.id.text) }
    scoreRanges = scoreSyntax.map { score in score.declaredRange.map { $0.low.value...max($0.low.value, $0.high.value) } }

    // Questions without their `ask when` first, so that conditions can see every type.
    questions = questionSyntax.map { resolveQuestion($0, askWhen: nil) }
    norms = normSyntax.map { resolveNorm($0) }
    let askWhens = questionSyntax.enumerated().map { index, syntax in
      syntax.askWhen.flatMap { resolveCondition($0, onlyQuestions: true, selfQuestion: index) }
    }
    // A question's other wordings read earlier answers only, never its own.
    let wordings = questionSyntax.enumerated().map { index, syntax in
      syntax.wordingVariants.compactMap { variant in
        resolveCondition(variant.when, onlyQuestions: true, selfQuestion: index).map {
          Recommendation.Variant(condition: $0, text: variant.text.value)
        }
      }
    }
    // An option's condition, like a wording's, reads other answers only.
    let optionConditions = questionSyntax.enumerated().map { index, syntax in
      var conditions: [String: Condition] = [:]
      for (option, condition) in zip(syntax.options, syntax.optionConditions) {
        if let condition, let resolved = resolveCondition(condition, onlyQuestions: true, selfQuestion: index) {
          conditions[option.id.text] = resolved
        }
      }
      return conditions
    }
    // A safety-netting sign is shown to the people its condition on the answers fits.
    let safetyNettingItems = headers.first.map { first in
      zip(first.safetyNetting, first.safetyNettingSigns).map { lead, signs in
        SafetyNettingItem(
          lead: lead.value,
          signs: signs.map { sign in
            SafetyNettingItem.Sign(
              condition: sign.when.flatMap { resolveCondition($0, onlyQuestions: true) }, text: sign.text.value)
          })
      }
    }
    let scores = scoreSyntax.map { resolveScore($0) }
    let redFlags = redFlagSyntax.map { resolveRedFlag($0) }
    let recommendations = recommendationSyntax.map { resolveRecommendation($0) }
    var rules: [Rule] = []
    var conditionSyntax: [ConditionSyntax] = []
    var ruleRanges: [SourceRange] = []
    var conclusionSyntax: [[ConclusionSyntax]] = []
    rules.reserveCapacity(ruleSyntax.count)
    conditionSyntax.reserveCapacity(ruleSyntax.count)
    ruleRanges.reserveCapacity(ruleSyntax.count)
    conclusionSyntax.reserveCapacity(ruleSyntax.count)
    for syntax in ruleSyntax {
      guard let rule = resolveRule(syntax), let condition = syntax.condition else { continue }
      rules.append(rule)
      conditionSyntax.append(condition)
      ruleRanges.append(syntax.id.range)
      conclusionSyntax.append(syntax.conclusions)
    }
    let redFlagQuestions = Set(rules.filter(\.raisesRedFlag).flatMap(\.condition.questionsRead))
    let finalQuestions = questions.enumerated().map { index, question in
      var final = Question(
        id: question.id, wording: question.wording, help: question.help, kind: question.kind,
        notSureAllowed: question.notSureAllowed, askWhen: askWhens[index], asksFirst: question.asksFirst,
        isRedFlagQuestion: redFlagQuestions.contains(index), location: question.location, linkIds: question.linkIds,
        codings: question.codings, belowRangeMessage: question.belowRangeMessage, aboveRangeMessage: question.aboveRangeMessage)
      final.asksForPhysicalTest = question.asksForPhysicalTest
      final.wordingVariants = wordings[index]
      final.optionConditions = optionConditions[index]
      return final
    }
    checkLinkIds()

    // With errors, a draft of what did resolve is still made (when there is a header to
    // make it with), so that the checks that judge each rule alone can run on it and one
    // run lists every error: it is never used as a knowledge base.
    guard var header else { return nil }
    header.safetyNettingItems = safetyNettingItems ?? []

    // Order rules so that each comes after every rule whose conclusions it reads.
    guard let order = evaluationOrder(rules, ranges: ruleRanges, scores: scores) else { return nil }
    // The resolver's table is not read again: each rule's entry is changed in place (a
    // copy would rehash every id).
    for (position, original) in order.enumerated() { symbols[rules[original].id] = .rule(position) }
    if rules.count < ruleSyntax.count {
      // A draft with errors: the rules that did not resolve name nothing in it.
      let resolved = Set(rules.map(\.id))
      for syntax in ruleSyntax where !resolved.contains(syntax.id.text) { symbols[syntax.id.text] = nil }
    }
    let knowledgeBase = KnowledgeBase(
      header: header, sources: sources, questions: finalQuestions, findings: findings, scores: scores,
      redFlags: redFlags, recommendations: recommendations,
      norms: norms.enumerated().compactMap { index, norm in
        var used = norm
        used?.readBy = Set(normReaders[index] ?? []).sorted()
        return used
      },
      rules: order.map { rules[$0] },
      contentHash: contentHash, symbols: symbols)
    return DraftKnowledgeBase(
      knowledgeBase: knowledgeBase, ruleConditions: order.map { conditionSyntax[$0] },
      // The rules were resolved in id order, so each rule's index before ordering is its rank by id.
      ruleRanges: order.map { ruleRanges[$0] }, ruleIDRank: order, ruleConclusions: order.map { conclusionSyntax[$0] },
      questionRanges: questionSyntax.map(\.id.range),
      findingRanges: findingSyntax.map(\.id.range), recommendationRanges: recommendationSyntax.map(\.id.range),
      sourceRanges: sourceSyntax.map(\.id.range), redFlagRanges: redFlagSyntax.map(\.id.range),
      headerRange: headers.first?.range ?? .wholeFile(files.first?.path ?? "rules"), askWhenSyntax: questionSyntax.map(\.askWhen),
      recommendationDoses: recommendationSyntax.map { $0.dose != nil })
  }

  private mutating func declareAll<T>(
    _ items: [T], id: KeyPath<T, Name>, symbol: (Int) -> KnowledgeBase.Symbol
  ) -> [T] {
    var kept: [T] = []
    kept.reserveCapacity(items.count)
    for item in items where declare(item[keyPath: id], as: symbol(kept.count)) { kept.append(item) }
    return kept
  }

  // MARK: Parts

  private mutating func resolveHeader() -> Header? {
    guard let first = headers.first else {
      let place = files.first.map { SourceRange.wholeFile($0.path) } ?? .wholeFile("rules")
      error(
        .knowledgeBaseHeader,
        "no file declares the knowledge base; add 'knowledge base \"Name\"' with a version and a disclaimer",
        at: place)
      return nil
    }
    for extra in headers.dropFirst() {
      error(
        .knowledgeBaseHeader, "the knowledge base is declared more than once; keep one 'knowledge base'",
        at: extra.range, notes: [.init("first declared here", at: first.range)])
    }
    let threshold = first.lessLikelyBelow?.value ?? 0.4
    if let below = first.lessLikelyBelow, !(0...1).contains(below.value) {
      error(.certaintyOutOfRange, "'less likely below' must be between 0 and 1, found \(below.value)", at: below.range)
    }
    let version = require(first.version, "version", of: .knowledgeBase, Name(text: first.title.value, range: first.range))
    let disclaimer = require(
      first.disclaimer, "disclaimer", of: .knowledgeBase, Name(text: first.title.value, range: first.range))
    return Header(
      name: first.title.value, version: version?.value ?? "", authors: first.authors.map(\.value),
      disclaimer: disclaimer?.value ?? "", generalAdvice: first.generalAdvice?.value ?? "",
      safetyNetting: zip(first.safetyNetting, first.safetyNettingSigns).map { lead, signs in
        ([lead.value] + signs.map(\.text.value)).joined(separator: " ")
      },
      lessLikelyBelow: threshold)
  }

  private mutating func resolveSource(_ syntax: SourceSyntax) -> Source {
    _ = require(syntax.title, "title", of: .source, syntax.id)
    let evidence = require(syntax.evidence, "evidence", of: .source, syntax.id)
    return Source(
      id: syntax.id.text, title: syntax.title?.value ?? syntax.id.text, citation: syntax.citation?.value,
      url: syntax.url?.value, evidence: word(evidence, as: EvidenceLevel.self, what: "an evidence level") ?? .expertOpinion,
      location: location(syntax.id.range))
  }

  private mutating func resolveFinding(_ syntax: FindingSyntax) -> Finding {
    _ = require(syntax.name, "name", of: DeclarationKind(rawValue: syntax.kind.text) ?? .finding, syntax.id)
    return Finding(
      id: syntax.id.text, kind: syntax.kind.text == "complaint" ? .complaint : .contributor,
      name: syntax.name?.value ?? syntax.id.text, patientName: syntax.patientName?.value ?? syntax.name?.value ?? syntax.id.text,
      region: word(syntax.region, as: BodyRegion.self, what: "a body region"),
      explanation: syntax.explanation?.value, location: location(syntax.id.range))
  }

  private mutating func resolveQuestion(_ syntax: QuestionSyntax, askWhen: Condition?) -> Question {
    _ = require(syntax.wording, "ask", of: .question, syntax.id)
    let kind: Question.Kind
    let typeNames = ["yes/no", "number", "scale", "choice", "choices", "text", "date"]
    for synonyms in syntax.synonyms where !syntax.options.contains(where: { $0.id.text == synonyms.option.text }) {
      diagnostics.append(
        Diagnostic.error(
          .unknownId, "question '\(syntax.id.text)' has no option '\(synonyms.option.text)' to give synonyms for",
          at: synonyms.option.range
        ).suggesting(synonyms.option.text, from: syntax.options.map(\.id.text)))
    }
    let options = syntax.options.enumerated().map { index, option in
      Question.Option(
        id: option.id.text, label: option.label.value,
        synonyms: syntax.synonyms.filter { $0.option.text == option.id.text }.flatMap { $0.words.map(\.value) },
        codings: index < syntax.optionCodings.count ? syntax.optionCodings[index].map(Self.coding) : [])
    }
    checkOptionCodings(syntax)
    switch syntax.type.text {
    case "yes/no": kind = .yesNo
    case "scale": kind = .scale
    case "text": kind = .text
    case "date": kind = .date
    case "number":
      guard let range = syntax.declaredRange else {
        error(.missingAttribute, "number question '\(syntax.id.text)' has no 'range LOW to HIGH'", at: syntax.id.range)
        kind = .number(low: 0, high: 0, unit: syntax.unit?.value, decimals: syntax.decimalsAllowed != nil)
        break
      }
      if range.low.value > range.high.value {
        error(
          .invalidRange,
          "the range \(NumberText.plain(range.low.value)) to \(NumberText.plain(range.high.value)) runs backwards; write the low end first",
          at: range.low.range.through(range.high.range))
      }
      kind = .number(
        low: range.low.value, high: max(range.low.value, range.high.value), unit: syntax.unit?.value,
        decimals: syntax.decimalsAllowed != nil)
    case "choice", "choices":
      kind = syntax.type.text == "choice" ? .choice(options) : .choices(options)
      if options.count < 2 && syntax.type.text == "choice" {
        error(.missingAttribute, "choice question '\(syntax.id.text)' needs at least two options", at: syntax.id.range)
      }
      if options.count > 64 {
        error(.inputTooLarge, "question '\(syntax.id.text)' has \(options.count) options; at most 64 are allowed", at: syntax.id.range)
      }
      var seen: [String: SourceRange] = [:]
      for option in syntax.options {
        if let first = seen[option.id.text] {
          error(
            .duplicateId, "option '\(option.id.text)' is given twice in question '\(syntax.id.text)'",
            at: option.id.range, notes: [.init("first given here", at: first)])
        }
        seen[option.id.text] = option.id.range
      }
    default:
      diagnostics.append(
        Diagnostic.error(
          .unknownWord, "'\(syntax.type.text)' is not a question type; use one of: \(typeNames.joined(separator: ", "))",
          at: syntax.type.range
        ).suggesting(syntax.type.text, from: typeNames))
      kind = .yesNo
    }
    if !options.isEmpty, !["choice", "choices"].contains(syntax.type.text), let first = syntax.options.first {
      error(.typeMismatch, "only choice and choices questions have options; '\(syntax.id.text)' is \(syntax.type.text)", at: first.id.range)
    }
    if let range = syntax.declaredRange, syntax.type.text != "number" {
      error(.typeMismatch, "only number questions have a range; '\(syntax.id.text)' is \(syntax.type.text)", at: range.low.range)
    }
    let outOfScope = [syntax.belowRange, syntax.aboveRange].compactMap { $0 }
    for clause in outOfScope { checkOutOfScope(clause, of: syntax) }
    let usable = { (clause: OutOfScopeSyntax?) in syntax.type.text == "number" ? clause?.message.value : nil }
    var question = Question(
      id: syntax.id.text, wording: syntax.wording?.value ?? "", help: syntax.help?.value, kind: kind,
      notSureAllowed: syntax.notSureAllowed != nil, askWhen: askWhen, asksFirst: syntax.askFirst != nil,
      isRedFlagQuestion: false, location: location(syntax.id.range), linkIds: syntax.linkIds.map(\.value),
      codings: syntax.codings.map(Self.coding), belowRangeMessage: usable(syntax.belowRange),
      aboveRangeMessage: usable(syntax.aboveRange))
    question.asksForPhysicalTest = syntax.physicalTest != nil
    return question
  }

  /// A `below range "…"` or `above range "…"` clause: only on a number question (whose
  /// range is then who the knowledge base is for), with words for the person.
  private mutating func checkOutOfScope(_ clause: OutOfScopeSyntax, of syntax: QuestionSyntax) {
    let side = clause.side == .below ? "below" : "above"
    if syntax.type.text != "number" {
      error(
        .typeMismatch,
        "only a number question can say who is \(side) its range; '\(syntax.id.text)' is \(syntax.type.text)",
        at: clause.range)
    } else if clause.message.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      error(
        .missingAttribute,
        "the text after '\(side) range' is empty; write what a person \(side) the range is told: who it is for, and where to go instead",
        at: clause.message.range)
    }
  }

  // MARK: Codes and linkIds

  private static func coding(_ syntax: CodingSyntax) -> Coding {
    Coding(system: syntax.system?.value, code: syntax.code.value)
  }

  /// Every coding of a question: none empty, a warning for each without a system, and no
  /// two options with one code (an imported answer would match both).
  private mutating func checkOptionCodings(_ syntax: QuestionSyntax) {
    var seen: [Coding: (option: String, range: SourceRange)] = [:]
    for (index, codings) in syntax.optionCodings.enumerated() where index < syntax.options.count {
      let option = syntax.options[index].id.text
      for coding in codings {
        checkCoding(coding, owner: "option '\(option)' of question '\(syntax.id.text)'")
        let key = Self.coding(coding)
        if let first = seen[key], first.option != option {
          error(
            .ambiguousCode,
            "options '\(first.option)' and '\(option)' of question '\(syntax.id.text)' both have the code \(Self.describe(key)); an imported answer with it would match both",
            at: coding.range, notes: [.init("first given here", at: first.range)])
        }
        seen[key] = seen[key] ?? (option, coding.range)
      }
    }
    for coding in syntax.codings { checkCoding(coding, owner: "question '\(syntax.id.text)'") }
  }

  /// One coding: a code that is not empty, and a system (a warning without one).
  private mutating func checkCoding(_ coding: CodingSyntax, owner: String) {
    if coding.code.value.trimmingCharacters(in: .whitespaces).isEmpty {
      error(.ambiguousCode, "the code of \(owner) is empty; write the code, e.g. code \"LA6568-5\"", at: coding.code.range)
    }
    if coding.system == nil {
      diagnostics.append(
        .warning(
          .codingWithoutSystem,
          "the code \"\(coding.code.value)\" of \(owner) has no system, so it matches that code in any code system; add e.g. system \"http://loinc.org\"",
          at: coding.range))
    }
  }

  private static func describe(_ coding: Coding) -> String {
    coding.system.map { "\"\(coding.code)\" (system \"\($0)\")" } ?? "\"\(coding.code)\""
  }

  /// linkIds and codes that name questions and scores: each names one thing. A linkId may
  /// not be another question's id, and no two questions (or scores) share a code.
  private mutating func checkLinkIds() {
    var owners: [String: (owner: String, range: SourceRange)] = [:]
    for question in questionSyntax { owners[question.id.text] = ("question '\(question.id.text)'", question.id.range) }
    let declared: [(owner: String, linkIds: [Spelled<String>], codings: [CodingSyntax])] =
      questionSyntax.map { ("question '\($0.id.text)'", $0.linkIds, $0.codings) }
      + scoreSyntax.map { ("score '\($0.id.text)'", $0.linkIds, $0.codings) }
    var codes: [Coding: (owner: String, range: SourceRange)] = [:]
    for (owner, linkIds, codings) in declared {
      for linkId in linkIds {
        if linkId.value.isEmpty {
          error(.ambiguousCode, "the linkId of \(owner) is empty; write the linkId the form uses", at: linkId.range)
          continue
        }
        if let first = owners[linkId.value], first.owner != owner {
          error(
            .ambiguousCode, "the linkId \"\(linkId.value)\" of \(owner) already names \(first.owner); a linkId names one item",
            at: linkId.range, notes: [.init("named here", at: first.range)])
        }
        owners[linkId.value] = owners[linkId.value] ?? (owner, linkId.range)
      }
      for coding in codings {
        if owner.hasPrefix("score") { checkCoding(coding, owner: owner) }
        let key = Self.coding(coding)
        if let first = codes[key], first.owner != owner {
          error(
            .ambiguousCode, "the code \(Self.describe(key)) of \(owner) already names \(first.owner)",
            at: coding.range, notes: [.init("named here", at: first.range)])
        }
        codes[key] = codes[key] ?? (owner, coding.range)
      }
    }
  }

  private mutating func resolveScore(_ syntax: ScoreSyntax) -> Score {
    let strata = syntax.strata.compactMap { stratum -> Score.Stratum? in
      guard let condition = resolveCondition(stratum.condition) else { return nil }
      if condition.testsStratum {
        error(.typeMismatch, "a stratum is decided by numbers: compare scores with numbers here, not with strata", at: stratum.condition.range)
        return nil
      }
      return Score.Stratum(id: stratum.id.text, label: stratum.label.value, condition: condition, meaning: stratum.meaning?.value)
    }
    var seen: [String: SourceRange] = [:]
    for stratum in syntax.strata {
      if let first = seen[stratum.id.text] {
        error(.duplicateId, "stratum '\(stratum.id.text)' is given twice", at: stratum.id.range, notes: [.init("first given here", at: first)])
      }
      seen[stratum.id.text] = stratum.id.range
    }
    if let range = syntax.declaredRange, range.low.value > range.high.value {
      error(.invalidRange, "the range runs backwards; write the low end first", at: range.low.range.through(range.high.range))
    }
    var range = syntax.declaredRange.map { $0.low.value...max($0.low.value, $0.high.value) }
    if let declared = syntax.declaredRange, scoreThousandths(declared.low) == nil || scoreThousandths(declared.high) == nil {
      range = nil
    }
    return Score(
      id: syntax.id.text, name: syntax.name?.value ?? syntax.id.text,
      range: range, strata: strata, copyright: syntax.copyright?.value,
      location: location(syntax.id.range), linkIds: syntax.linkIds.map(\.value), codings: syntax.codings.map(Self.coding))
  }

  private mutating func resolveProvenance(_ syntax: ProvenanceSyntax) -> Provenance {
    let sources = syntax.sources.compactMap { name -> Int? in
      guard let symbol = symbols[name.text] else {
        unknownSource(name)
        return nil
      }
      guard case .source(let index) = symbol else {
        error(.wrongKindOfId, "'\(name.text)' is \(describe(symbol)), not a source", at: name.range)
        return nil
      }
      return index
    }
    return Provenance(sources: sources, author: syntax.author?.value, reviewed: syntax.reviewed?.value)
  }

  private mutating func resolveRedFlag(_ syntax: RedFlagSyntax) -> RedFlag {
    _ = require(syntax.name, "name", of: .redFlag, syntax.id)
    _ = require(syntax.advice, "advice", of: .redFlag, syntax.id)
    let urgency = require(syntax.urgency, "urgency", of: .redFlag, syntax.id)
    let declared = word(urgency, as: Urgency.self, what: "an urgency") ?? .routineReferral
    var adviceByUrgency: [Urgency: String] = [:]
    for (name, text) in syntax.adviceByUrgency {
      guard let level = word(name, as: Urgency.self, what: "an urgency") else { continue }
      if level == declared, urgency != nil {
        error(
          .duplicateAttribute,
          "red flag '\(syntax.id.text)' is \(level.rawValue) already, so 'advice \(level.rawValue)' repeats its 'advice'; keep one",
          at: name.range)
      } else if adviceByUrgency[level] != nil {
        error(.duplicateAttribute, "'advice \(level.rawValue)' is given twice; keep one", at: name.range)
      }
      adviceByUrgency[level] = text.value
    }
    return RedFlag(
      id: syntax.id.text, name: syntax.name?.value ?? syntax.id.text,
      urgency: declared, advice: syntax.advice?.value ?? "", adviceByUrgency: adviceByUrgency,
      explanation: syntax.explanation?.value, provenance: resolveProvenance(syntax.provenance),
      location: location(syntax.id.range))
  }

  private mutating func resolveRecommendation(_ syntax: RecommendationSyntax) -> Recommendation {
    _ = require(syntax.title, "title", of: .recommendation, syntax.id)
    let addresses = syntax.addresses.compactMap { resolveID($0, expected: .finding) { if case .finding(let i) = $0 { i } else { nil } } }
    let conflicts = syntax.conflicts.compactMap { conflict -> Recommendation.Conflict? in
      guard let other = resolveID(conflict.other, expected: .recommendation, { if case .recommendation(let i) = $0 { i } else { nil } })
      else { return nil }
      if conflict.other.text == syntax.id.text {
        error(.conflictSettlement, "a recommendation cannot conflict with itself", at: conflict.other.range)
      }
      let pair = [syntax.id.text, conflict.other.text]
      var preferences: [(Int, Condition)] = []
      for preference in conflict.preferences {
        guard pair.contains(preference.prefer.text) else {
          error(
            .conflictSettlement,
            "'\(preference.prefer.text)' is not part of this conflict; prefer '\(pair[0])' or '\(pair[1])'",
            at: preference.prefer.range)
          continue
        }
        guard case .recommendation(let index) = symbols[preference.prefer.text],
          let condition = resolveCondition(preference.when)
        else { continue }
        preferences.append((index, condition))
      }
      var otherwise = Recommendation.Conflict.Otherwise.keepBoth
      switch conflict.otherwise {
      case .prefer(let name):
        if pair.contains(name.text), case .recommendation(let index) = symbols[name.text] {
          otherwise = .prefer(index)
        } else {
          error(.conflictSettlement, "'\(name.text)' is not part of this conflict; prefer '\(pair[0])' or '\(pair[1])'", at: name.range)
        }
      case .stronger: otherwise = .stronger
      case .keepBoth, nil: otherwise = .keepBoth
      }
      return Recommendation.Conflict(other: other, preferences: preferences, otherwise: otherwise, location: location(conflict.range))
    }
    let doseVariants = syntax.doseVariants.compactMap { variant in
      resolveCondition(variant.when, onlyQuestions: true).map { Recommendation.Variant(condition: $0, text: variant.text.value) }
    }
    let instructionVariants = syntax.instructionVariants.compactMap { variant in
      resolveCondition(variant.when, onlyQuestions: true).map { Recommendation.Variant(condition: $0, text: variant.text.value) }
    }
    let notFor = syntax.notFor.compactMap { notFor in
      resolveCondition(notFor.condition, onlyQuestions: true).map {
        Recommendation.NotFor(condition: $0, reason: notFor.reason.value, location: location(notFor.range))
      }
    }
    let title = syntax.title?.value ?? syntax.id.text
    var recommendation = Recommendation(
      id: syntax.id.text, title: title, patientTitle: syntax.patientTitle?.value ?? title, dose: syntax.dose?.value,
      doseVariants: doseVariants, instructions: syntax.instructions?.value, instructionVariants: instructionVariants,
      cautions: syntax.cautions.map(\.value), notFor: notFor, addresses: addresses,
      conflicts: conflicts, safeWhileAwaitingReferral: syntax.safeWhileAwaitingReferral != nil, provenance: resolveProvenance(syntax.provenance),
      location: location(syntax.id.range))
    recommendation.isFirstStep = syntax.firstStep != nil
    return recommendation
  }

  /// A norm's table: bands in order, each with its low end first, none overlapping, read
  /// by a number question.
  private mutating func resolveNorm(_ syntax: NormSyntax) -> Norm? {
    _ = require(syntax.name, "name", of: .norm, syntax.id)
    guard let byName = require(syntax.by, "by", of: .norm, syntax.id) else { return nil }
    guard case .question(let by)? = symbols[byName.text] else {
      if symbols[byName.text] == nil {
        unknown(byName, expected: DeclarationKind.question.description) { if case .question = $1 { true } else { false } }
      } else {
        error(.wrongKindOfId, "a norm's 'by' names a number question (e.g. age), and '\(byName.text)' is not one", at: byName.range)
      }
      return nil
    }
    guard questions[by].kind.numberRange != nil else {
      error(.typeMismatch, "'\(byName.text)' is a \(questions[by].kind.name) question; a norm's 'by' must be a number question", at: byName.range)
      return nil
    }
    if syntax.bands.isEmpty { error(.missingAttribute, "norm '\(syntax.id.text)' has no 'band'", at: syntax.id.range) }
    var bands: [Norm.Band] = []
    var gaps: [String] = []
    let range = questions[by].kind.numberRange
    let decimals = questions[by].kind.allowsDecimals
    // The highest answer a band covers so far, counting a band refused for overlapping:
    // its answers are not a gap, and reporting them as one would send the author the
    // wrong way.
    var reach: Double?
    for band in syntax.bands.sorted(by: { $0.low.value < $1.low.value }) {
      guard band.low.value <= band.high.value else {
        error(
          .invalidRange, "'band \(NumberText.plain(band.low.value)) to \(NumberText.plain(band.high.value))' runs backwards; write the low end first",
          at: band.range)
        continue
      }
      if let reach, let range, let gap = Self.uncoveredAnswers(after: reach, before: band.low.value, in: range, decimals: decimals) {
        gaps.append(gap)
      }
      reach = max(reach ?? band.high.value, band.high.value)
      if let previous = bands.last, band.low.value <= previous.answers.upperBound {
        error(
          .overlappingRanges,
          "this band starts at \(NumberText.plain(band.low.value)), inside the band before it (\(NumberText.plain(previous.answers.lowerBound)) to "
            + "\(NumberText.plain(previous.answers.upperBound))); a norm's bands must not overlap",
          at: band.range)
        continue
      }
      bands.append(.init(answers: band.low.value...band.high.value, value: band.value.value))
    }
    // An answer no band covers would rule every comparison out: the bands must cover the
    // whole range the question is asked over.
    if let range, let first = bands.first, let reach {
      if let gap = Self.uncoveredAnswers(after: nil, before: first.answers.lowerBound, in: range, decimals: decimals) {
        gaps.insert(gap, at: 0)
      }
      if let gap = Self.uncoveredAnswers(after: reach, before: nil, in: range, decimals: decimals) { gaps.append(gap) }
    }
    if !gaps.isEmpty {
      error(
        .invalidRange,
        "norm '\(syntax.id.text)' leaves answers to '\(byName.text)' uncovered (\(gaps.joined(separator: ", "))); "
          + "an answer in a gap would rule out every comparison with it, so cover the whole range",
        at: syntax.id.range)
    }
    return Norm(
      id: syntax.id.text, name: syntax.name?.value ?? syntax.id.text, by: by, bands: bands,
      provenance: resolveProvenance(syntax.provenance), location: location(syntax.id.range))
  }

  /// The answers a question takes between two bands (or before the first, or after the
  /// last: nil), as an author reads them: "59" or "59 to 61" for whole numbers, "over 58
  /// to under 60" when decimals are allowed; nil when no answer lies between.
  static func uncoveredAnswers(after covered: Double?, before next: Double?, in range: ClosedRange<Double>, decimals: Bool) -> String? {
    if decimals {
      let low = covered ?? range.lowerBound
      let high = next ?? range.upperBound
      guard low < high else { return nil }
      let from = covered == nil ? NumberText.plain(low) : "over \(NumberText.plain(low))"
      let to = next == nil ? NumberText.plain(high) : "under \(NumberText.plain(high))"
      return "\(from) to \(to)"
    }
    let low = covered.map { ($0 + 1).rounded(.down) } ?? range.lowerBound.rounded(.up)
    let high = next.map { ($0 - 1).rounded(.up) } ?? range.upperBound.rounded(.down)
    guard low <= high else { return nil }
    return low == high ? NumberText.plain(low) : "\(NumberText.plain(low)) to \(NumberText.plain(high))"
  }

  private mutating func resolveRule(_ syntax: RuleSyntax) -> Rule? {
    _ = require(syntax.because, "because", of: .rule, syntax.id)
    currentRule = syntax.id.text
    defer { currentRule = nil }
    // Every part is resolved, so one mistake in a rule does not hide another in it; a rule
    // with a mistake (here, or in its text) is left out, so no check judges what it does not say.
    let reported = diagnostics.count
    let condition = syntax.condition.flatMap { resolveCondition($0) }
    let conclusions = syntax.conclusions.compactMap { resolveConclusion($0) }
    let provenance = resolveProvenance(syntax.provenance)
    guard let condition, conclusions.count == syntax.conclusions.count, !conclusions.isEmpty,
      !diagnostics[reported...].contains(where: { $0.severity == .error }), !hasSyntaxError(in: syntax)
    else { return nil }
    return Rule(
      id: syntax.id.text, condition: condition, conclusions: conclusions, because: syntax.because?.value ?? "",
      patientWording: syntax.patientWording?.value, clinicianWording: syntax.clinicianWording?.value,
      provenance: provenance, location: location(syntax.id.range))
  }

  private mutating func resolveConclusion(_ syntax: ConclusionSyntax) -> Conclusion? {
    func finding(_ name: Name) -> Int? {
      resolveID(name, expected: .finding) { if case .finding(let i) = $0 { i } else { nil } }
    }
    switch syntax {
    case .certainty(let name, let certainty):
      guard let index = finding(name) else { return nil }
      guard (-1...1).contains(certainty.value) else {
        var diagnostic = Diagnostic.error(
          .certaintyOutOfRange,
          "a certainty must be between -1 and 1 (negative is evidence against); found \(NumberText.plain(certainty.value))",
          at: certainty.range)
        if abs(certainty.value) <= 100, abs(certainty.value) >= 10 || certainty.value == certainty.value.rounded() {
          // `certainty 60`: a percentage without its sign. `1.5` is no such percentage
          // (0.015 would all but switch the rule off): no guess is offered for it.
          let fraction = NumberText.plain(certainty.value / 100)
          diagnostic.fix = .init(
            message: "did you mean \(fraction) (\(NumberText.plain(certainty.value))%)?", replacement: fraction, range: certainty.range)
        }
        diagnostics.append(diagnostic)
        return nil
      }
      return .certainty(finding: index, certainty.value)
    case .upstream(let contributor, let of):
      guard let from = finding(contributor), let to = finding(of) else { return nil }
      if findingSyntax[from].kind.text != "contributor" {
        error(
          .wrongKindOfId, "'\(contributor.text)' is a complaint; only a contributor can be upstream of something",
          at: contributor.range)
        return nil
      }
      if from == to {
        error(.wrongKindOfId, "'\(contributor.text)' cannot be upstream of itself", at: of.range)
        return nil
      }
      return .upstream(contributor: from, of: to)
    case .addPoints(let points, let score):
      guard let index = resolveID(score, expected: .score, { if case .score(let i) = $0 { i } else { nil } }) else { return nil }
      let thousandths = (points.value * 1000).rounded()
      guard abs(thousandths) < 1e12, abs(points.value * 1000 - thousandths) < 1e-6 else {
        error(.invalidNumber, "points are written with at most three decimals and below a billion; found \(points.value)", at: points.range)
        return nil
      }
      return .addPoints(score: index, thousandths: Int(thousandths))
    case .recommend(let name):
      return resolveID(name, expected: .recommendation) { if case .recommendation(let i) = $0 { i } else { nil } }
        .map { .recommend($0) }
    case .redFlag(let name, let urgencyName):
      guard let index = resolveID(name, expected: .redFlag, { if case .redFlag(let i) = $0 { i } else { nil } }) else { return nil }
      let flag = redFlagSyntax[index]
      let declared = flag.urgency.flatMap { Urgency(rawValue: $0.text) }
      if let urgencyName {
        guard let urgency = word(urgencyName, as: Urgency.self, what: "an urgency") else { return nil }
        if let declared, urgency != declared, !flag.adviceByUrgency.contains(where: { $0.urgency.text == urgency.rawValue }) {
          error(
            .adviceUrgencyMissing,
            "this rule raises red flag '\(flag.id.text)' to \(urgency.rawValue), but the flag has advice only for "
              + "\(declared.rawValue); a person told '\(urgency.description)' must read advice worded for it",
            at: urgencyName.range,
            notes: [.init("add 'advice \(urgency.rawValue) \"…\"' to the red flag", at: flag.id.range)])
        }
        return .redFlag(index, urgency)
      }
      return .redFlag(index, declared ?? .routineReferral)
    }
  }

  // MARK: Ids

  private func describe(_ symbol: KnowledgeBase.Symbol) -> String {
    switch symbol {
    case .source: "a source"
    case .question: "a question"
    case .finding(let i): findingSyntax[i].kind.text == "complaint" ? "a complaint" : "a contributor"
    case .score: "a score"
    case .redFlag: "a red flag"
    case .recommendation: "a recommendation"
    case .rule: "a rule"
    case .norm: "a norm"
    }
  }

  /// An unknown id, with a "did you mean" among the declared ids `candidate` accepts and,
  /// when none is close, `note`.
  private mutating func unknown(
    _ name: Name, expected: String, note: String? = nil,
    candidate: (String, KnowledgeBase.Symbol) -> Bool = { _, _ in true }
  ) {
    var diagnostic = Diagnostic.error(.unknownId, "no \(expected) is called '\(name.text)'", at: name.range)
    // Past the number of problems a file lists, the suggestion would be dropped unread:
    // not working it out keeps a folder full of unknown ids linear to check.
    unknownIDsPerFile[name.range.file, default: 0] += 1
    guard unknownIDsPerFile[name.range.file, default: 0] <= DiagnosticCollector.limitPerFile else {
      diagnostics.append(diagnostic)
      return
    }
    diagnostic = diagnostic.suggesting(name.text, from: symbols.filter { candidate($0.key, $0.value) }.map(\.key))
    if diagnostic.fix == nil, let note { diagnostic.notes.append(.init(note)) }
    diagnostics.append(diagnostic)
  }

  /// An unknown source. A "did you mean" goes only to a source with the same numbers: a
  /// guideline's number is never guessed (`nice-ng158` is not `nice-ng19`, a guideline on
  /// another subject), and without one the note says how to declare a new source.
  private mutating func unknownSource(_ name: Name) {
    let numbers = Self.numbers(in: name.text)
    unknown(
      name, expected: DeclarationKind.source.description,
      note: "a new source is declared once, with what it is: 'source \(name.text)' with a 'title', a 'citation' and its 'evidence' level"
    ) { id, symbol in
      if case .source = symbol { Self.numbers(in: id) == numbers } else { false }
    }
  }

  /// The runs of digits in an id, in order: `nice-ng59` has [59].
  private static func numbers(in id: String) -> [Substring] {
    id.split(whereSeparator: { !$0.isNumber })
  }

  private mutating func resolveID(_ name: Name, expected: DeclarationKind, _ match: (KnowledgeBase.Symbol) -> Int?) -> Int? {
    guard let symbol = symbols[name.text] else {
      unknown(name, expected: expected.description) { match($1) != nil }
      return nil
    }
    guard let index = match(symbol) else {
      error(.wrongKindOfId, "'\(name.text)' is \(describe(symbol)), but \(expected.article) \(expected) belongs here", at: name.range)
      return nil
    }
    return index
  }

  // MARK: Conditions

  /// Resolves a condition; `onlyQuestions` is set for `ask when`.
  private mutating func resolveCondition(_ syntax: ConditionSyntax, onlyQuestions: Bool = false, selfQuestion: Int? = nil) -> Condition? {
    switch syntax {
    case .test(let test): return resolveTest(test, onlyQuestions: onlyQuestions, selfQuestion: selfQuestion)
    case .all(let parts, _):
      let resolved = parts.map { resolveCondition($0, onlyQuestions: onlyQuestions, selfQuestion: selfQuestion) }
      return resolved.contains { $0 == nil } ? nil : .all(resolved.compactMap { $0 })
    case .any(let parts, _):
      let resolved = parts.map { resolveCondition($0, onlyQuestions: onlyQuestions, selfQuestion: selfQuestion) }
      return resolved.contains { $0 == nil } ? nil : .any(resolved.compactMap { $0 })
    case .not(let inner, _):
      return resolveCondition(inner, onlyQuestions: onlyQuestions, selfQuestion: selfQuestion).map { .not($0) }
    case .atLeast(let count, let parts, let range):
      let resolved = parts.map { resolveCondition($0, onlyQuestions: onlyQuestions, selfQuestion: selfQuestion) }
      if count > parts.count {
        error(.ruleNeverFires, "'at least \(count) of' lists only \(parts.count) conditions, so it can never hold", at: range)
        return nil
      }
      return resolved.contains { $0 == nil } ? nil : .atLeast(count, resolved.compactMap { $0 })
    }
  }

  private mutating func resolveTest(_ test: TestSyntax, onlyQuestions: Bool, selfQuestion: Int?) -> Condition? {
    let name = test.subject
    if let unit = test.unit, let removal = test.unitRemoval { reportUnit(unit, removal, after: name) }
    guard let symbol = symbols[name.text] else {
      unknown(name, expected: onlyQuestions ? "question" : "question, finding or score") { _, symbol in
        switch symbol {
        case .question: true
        case .finding, .score: !onlyQuestions
        default: false
        }
      }
      return nil
    }
    switch symbol {
    case .question(let index):
      if index == selfQuestion {
        error(.ruleCycle, "question '\(name.text)' cannot be asked only when it has itself been answered", at: name.range)
        return nil
      }
      if case .compareNorm(let op, let normName) = test.comparison {
        return resolveNormComparison(test, question: index, op, normName)
      }
      return resolveAnswerTest(test, question: index).map { .answer(question: index, $0) }
    case .finding(let index) where !onlyQuestions:
      switch test.comparison {
      case .bare: return .finding(index, .greater, Condition.defaultThreshold)
      case .certainty(let op, let bound):
        guard (0...1).contains(bound.value) else {
          error(.certaintyOutOfRange, "a certainty threshold must be between 0 and 1; found \(NumberText.plain(bound.value))", at: bound.range)
          return nil
        }
        return .finding(index, op, bound.value)
      default:
        error(
          .typeMismatch,
          "'\(name.text)' is a finding: test it alone ('\(name.text)') or by certainty ('\(name.text) certainty >= 0.5')",
          at: test.range)
        return nil
      }
    case .score(let index) where !onlyQuestions:
      return resolveScoreTest(test, score: index).map { .score(index, $0) }
    default:
      let expected = onlyQuestions ? "a question (this condition may only read answers)" : "a question, finding or score"
      error(.wrongKindOfId, "'\(name.text)' is \(describe(symbol)), but a condition needs \(expected)", at: name.range)
      return nil
    }
  }

  /// `sitting_hours > 6 hours`: the number stands alone, in the question's own unit.
  private mutating func reportUnit(_ unit: Spelled<String>, _ removal: SourceRange, after name: Name) {
    var declared: String?
    if case .question(let index)? = symbols[name.text], case .number(_, _, let questionUnit, _) = questions[index].kind {
      declared = questionUnit
    }
    let written = unit.value.split(separator: " ").first.map(String.init) ?? unit.value
    let message: String
    var fix: Diagnostic.FixSuggestion?
    if let declared, Self.sameUnit(written, declared) {
      message = "write the number only; the question '\(name.text)' is in \(declared)"
      fix = .init(message: "remove '\(unit.value)'", replacement: "", range: removal)
    } else if let declared {
      message = "the question '\(name.text)' is in \(declared), not '\(unit.value)': write the number of \(declared) only"
    } else {
      message = "write the number only; '\(name.text)' is compared with a plain number, so '\(unit.value)' cannot follow it"
      fix = .init(message: "remove '\(unit.value)'", replacement: "", range: removal)
    }
    diagnostics.append(.error(.unitInComparison, message, at: unit.range, fix: fix))
  }

  /// Whether a unit as written names the declared one: `hours`, `hour`, `hrs`, `h`.
  private static func sameUnit(_ written: String, _ declared: String) -> Bool {
    let a = written.lowercased()
    let b = declared.lowercased()
    func stem(_ word: String) -> String { word.hasSuffix("s") && word.count > 2 ? String(word.dropLast()) : word }
    return stem(a) == stem(b) || (a.count <= 3 && b.hasPrefix(a.prefix(1)))
  }

  /// `QUESTION < NORM`: one test per band of the norm, any of which may hold.
  private mutating func resolveNormComparison(
    _ test: TestSyntax, question index: Int, _ op: ComparisonOperator, _ normName: Name
  ) -> Condition? {
    guard case .norm(let normIndex)? = symbols[normName.text] else {
      unknown(normName, expected: DeclarationKind.norm.description) { if case .norm = $1 { true } else { false } }
      return nil
    }
    guard questions[index].kind.numberRange != nil else {
      error(
        .typeMismatch, "'\(test.subject.text)' is a \(questions[index].kind.name) question; only numbers are compared with a norm",
        at: test.range)
      return nil
    }
    guard let norm = norms[normIndex] else { return nil }
    if let currentRule { normReaders[normIndex, default: []].append(currentRule) }
    return .any(
      norm.bands.map { band in
        .all([
          .answer(question: norm.by, .between(band.answers.lowerBound, band.answers.upperBound)),
          .answer(question: index, .compare(op, band.value)),
        ])
      })
  }

  private mutating func resolveAnswerTest(_ test: TestSyntax, question index: Int) -> AnswerTest? {
    let question = questions[index]
    let name = test.subject.text
    func mismatch(_ hint: String) -> AnswerTest? {
      error(.typeMismatch, "'\(name)' is a \(question.kind.name) question: \(hint)", at: test.range)
      return nil
    }
    func option(_ value: ValueSyntax) -> Int? {
      guard case .word(let word) = value else {
        _ = mismatch("compare it with one of its options (\(question.kind.options.map(\.id).joined(separator: ", "))), not a number")
        return nil
      }
      if let found = question.optionIndex(word.text) { return found }
      let options = question.kind.options.map(\.id)
      diagnostics.append(
        Diagnostic.error(
          .unknownOption,
          "question '\(name)' has no option '\(word.text)'; its options are \(options.joined(separator: ", "))",
          at: word.range
        ).suggesting(word.text, from: options))
      return nil
    }
    // A number no answer can take is worth a warning whatever the comparison: `hours < 30`
    // always holds on a 0–24 question, and `hours > 30` never does (which the never-fires
    // check reports as an error).
    if let range = question.kind.numberRange {
      for bound in test.comparison.numbers where !range.contains(bound.value) {
        diagnostics.append(
          .warning(
            .valueOutOfRange,
            "no answer to '\(name)' can be \(NumberText.plain(bound.value)): it is asked from \(NumberText.plain(range.lowerBound)) to \(NumberText.plain(range.upperBound))",
            at: bound.range))
      }
    }
    func answered(_ negated: Bool = false) -> Diagnostic.FixSuggestion {
      let text = "\(name) is \(negated ? "not " : "")answered"
      return .init(message: "write '\(text)'", replacement: text, range: test.range)
    }
    switch (question.kind, test.comparison) {
    case (_, .answered(let negated)): return .answered(negated: negated)
    case (.date, .ago(let more, let amount, let unit)):
      guard amount.value >= 0, amount.value == amount.value.rounded(), amount.value < 100_000 else {
        error(
          .valueOutOfRange, "count whole days, weeks, months or years back from the assessment date; found \(NumberText.plain(amount.value))",
          at: amount.range)
        return nil
      }
      guard let dateUnit = DateUnit(word: unit.text) else {
        let units = DateUnit.allCases.map(\.rawValue)
        diagnostics.append(
          Diagnostic.error(
            .unknownWord, "'\(unit.text)' is not a unit of a date condition; use days, weeks, months or years", at: unit.range
          ).suggesting(unit.text, from: units))
        return nil
      }
      return .ago(more: more, amount: Int(amount.value), unit: dateUnit)
    case (_, .ago):
      return mismatch("only a date question is counted back from the assessment date ('QUESTION more than 6 weeks ago')")
    case (.text, let comparison):
      var negated = false
      if case .is(let isNot, _) = comparison { negated = isNot }
      diagnostics.append(
        .error(
          .typeMismatch,
          "'\(name)' is a text question: rules cannot read free text, only whether it is answered; write '\(name) is answered' or '\(name) is not answered'",
          at: test.range, fix: answered(negated)))
      return nil
    case (.date, let comparison):
      let fix: Diagnostic.FixSuggestion? = if case .bare = comparison { answered() } else { nil }
      diagnostics.append(
        .error(
          .typeMismatch,
          "'\(name)' is a date question: count it back from the assessment date ('\(name) more than 6 weeks ago', '\(name) less than 2 days ago') or write '\(name) is answered'",
          at: test.range, fix: fix))
      return nil
    case (.yesNo, .bare): return .yesNo(true)
    case (.yesNo, .is(let negated, .word(let word))) where word.text == "yes" || word.text == "no":
      return .yesNo((word.text == "yes") != negated)
    case (.yesNo, _):
      return mismatch("write '\(name)', '\(name) is yes' or '\(name) is no'")
    case (.choice, .is(let negated, let value)):
      return option(value).map { .option($0, negated: negated) }
    case (.choice, .in(let values)):
      let options = values.map(option)
      return options.contains { $0 == nil } ? nil : .oneOf(options.compactMap { $0 })
    case (.choice, _):
      return mismatch("write '\(name) is OPTION', '\(name) is not OPTION' or '\(name) in (OPTION, …)'")
    case (.choices, .includes(let word)):
      return option(.word(word)).map { .includes($0) }
    case (.choices, _):
      return mismatch("several options can be chosen, so write '\(name) includes OPTION'")
    case (.number, .compare(let op, let bound)), (.scale, .compare(let op, let bound)):
      return .compare(op, bound.value)
    case (.number, .between(let low, let high)), (.scale, .between(let low, let high)):
      if low.value > high.value {
        error(
          .invalidRange, "'between \(NumberText.plain(low.value)) and \(NumberText.plain(high.value))' runs backwards; write the low end first",
          at: test.range)
        return nil
      }
      return .between(low.value, high.value)
    case (.number, .is(let negated, .number(let value))), (.scale, .is(let negated, .number(let value))):
      return .equals(value.value, negated: negated)
    case (.number, _), (.scale, _):
      return mismatch("compare it with a number ('\(name) >= 7', '\(name) between 7 and 15')")
    }
  }

  private mutating func resolveScoreTest(_ test: TestSyntax, score index: Int) -> ScoreTest? {
    let name = test.subject.text
    switch test.comparison {
    case .compare(let op, let bound): return scoreThousandths(bound).map { .compare(op, $0) }
    case .between(let low, let high):
      guard let low = scoreThousandths(low), let high = scoreThousandths(high) else { return nil }
      return .between(low, high)
    case .is(let negated, .number(let value)): return scoreThousandths(value).map { .equals($0, negated: negated) }
    case .is(let negated, .word(let word)):
      if let stratum = scoreStrata[index].firstIndex(of: word.text) { return .stratum(stratum, negated: negated) }
      diagnostics.append(
        Diagnostic.error(
          .unknownOption,
          "score '\(name)' has no stratum '\(word.text)'; its strata are \(scoreStrata[index].joined(separator: ", "))",
          at: word.range
        ).suggesting(word.text, from: scoreStrata[index]))
      return nil
    default:
      error(.typeMismatch, "'\(name)' is a score: compare it with a number ('\(name) >= 4') or a stratum ('\(name) is high')", at: test.range)
      return nil
    }
  }

  /// A number a score is compared with, in exact thousandths of a point; nil (after an
  /// error) when it is too large for totals to be added up exactly.
  private mutating func scoreThousandths(_ number: Spelled<Double>) -> Int? {
    let thousandths = (number.value * 1000).rounded()
    guard abs(thousandths) < 1e12 else {
      error(.invalidNumber, "scores are compared with numbers below a billion; found \(NumberText.plain(number.value))", at: number.range)
      return nil
    }
    return Int(thousandths)
  }

  // MARK: Evaluation order

  /// Orders rules so each follows every rule it depends on; reports cycles.
  ///
  /// A rule depends on another when it reads a finding or score the other concludes
  /// (reading a score's stratum reads every score the strata test). Ties are broken by
  /// rule id, so the order never depends on the order of files.
  private mutating func evaluationOrder(_ rules: [Rule], ranges: [SourceRange], scores: [Score]) -> [Int]? {
    var dependencies = Dependencies(rules: rules, scores: scores, findingCount: findingSyntax.count)
    // Kahn's algorithm: each rule's stratum is one more than the highest stratum it reads.
    // Each rule's parents are counted once: a parent is marked with the index of the rule
    // whose list it was last seen in, rather than hashed into a set per rule.
    var remaining = [Int](repeating: 0, count: rules.count)
    var dependents = [[Int]](repeating: [], count: rules.count)
    var seenFor = [Int](repeating: -1, count: rules.count)
    var parents: [(rule: Int, negated: Bool)] = []
    for index in rules.indices {
      parents.removeAll(keepingCapacity: true)
      dependencies.collect(index, into: &parents)
      for parent in parents where seenFor[parent.rule] != index {
        seenFor[parent.rule] = index
        remaining[index] += 1
        dependents[parent.rule].append(index)
      }
    }
    var stratum = [Int](repeating: 0, count: rules.count)
    var queue = (0..<rules.count).filter { remaining[$0] == 0 }
    queue.reserveCapacity(rules.count)
    var head = 0
    while head < queue.count {
      let next = queue[head]
      head += 1
      for dependent in dependents[next] {
        stratum[dependent] = max(stratum[dependent], stratum[next] + 1)
        remaining[dependent] -= 1
        if remaining[dependent] == 0 { queue.append(dependent) }
      }
    }
    guard queue.count < rules.count else {
      // Rules are sorted by id, so sorting by (stratum, index) breaks ties by id.
      return queue.sorted { stratum[$0] != stratum[$1] ? stratum[$0] < stratum[$1] : $0 < $1 }
    }
    // A cycle: each rule's dependencies are listed, to find one and report it.
    let dependsOn = rules.indices.map { index in
      var depends: [(rule: Int, negated: Bool)] = []
      dependencies.collect(index, into: &depends)
      return depends
    }
    reportCycle(rules: rules, ranges: ranges, dependsOn: dependsOn, stuck: Set(0..<rules.count).subtracting(queue))
    return nil
  }

  /// The rules each rule depends on: those concluding a finding it reads, or adding to a
  /// score it reads (reading a score's stratum reads every score the strata test).
  private struct Dependencies {
    let rules: [Rule]
    let scores: [Score]
    /// The rules concluding each finding, and adding to each score, in rule order (findings
    /// and scores are numbered from 0, so arrays rather than tables hashed by number).
    private var findingWriters: [[Int]]
    private var scoreWriters: [[Int]]
    private var findingsRead: [(finding: Int, negated: Bool)] = []
    private var directScores: [Int] = []

    init(rules: [Rule], scores: [Score], findingCount: Int) {
      self.rules = rules
      self.scores = scores
      findingWriters = [[Int]](repeating: [], count: findingCount)
      scoreWriters = [[Int]](repeating: [], count: scores.count)
      for index in rules.indices {
        for conclusion in rules[index].conclusions {
          switch conclusion {
          case .certainty(let finding, _): findingWriters[finding].append(index)
          case .addPoints(let score, _): scoreWriters[score].append(index)
          default: break
          }
        }
      }
    }

    /// Appends the rules `index` depends on to `depends`, and whether each through a `not`:
    /// the writers of each finding it reads, in the order read, then those of each score it
    /// reads, in score order.
    mutating func collect(_ index: Int, into depends: inout [(rule: Int, negated: Bool)]) {
      let condition = rules[index].condition
      findingsRead.removeAll(keepingCapacity: true)
      directScores.removeAll(keepingCapacity: true)
      condition.collectFindings(into: &findingsRead)
      condition.collectScores(into: &directScores)
      for score in directScores {
        for stratum in scores[score].strata { stratum.condition.collectFindings(into: &findingsRead) }
      }
      for (finding, negated) in findingsRead {
        for writer in findingWriters[finding] { depends.append((writer, negated)) }
      }
      guard !directScores.isEmpty else { return }
      var scoresRead = Set(directScores)
      for score in directScores {
        for stratum in scores[score].strata { scoresRead.formUnion(stratum.condition.scoresRead) }
      }
      for score in scoresRead.sorted() {
        for writer in scoreWriters[score] { depends.append((writer, false)) }
      }
    }
  }

  /// Finds one cycle among the rules that could not be ordered and reports it.
  private mutating func reportCycle(rules: [Rule], ranges: [SourceRange], dependsOn: [[(rule: Int, negated: Bool)]], stuck: Set<Int>) {
    guard let start = stuck.min() else { return }
    // Walk back through dependencies inside the stuck set until a rule repeats.
    var path: [Int] = [start]
    var negatedSteps: [Bool] = []
    var seenAt: [Int: Int] = [start: 0]
    var current = start
    while true {
      guard let step = dependsOn[current].filter({ stuck.contains($0.rule) }).min(by: { $0.rule < $1.rule }) else { return }
      negatedSteps.append(step.negated)
      if let first = seenAt[step.rule] {
        let cycle = Array(path[first...])
        let throughNot = negatedSteps[first...].contains(true)
        let names = (cycle + [step.rule]).reversed().map { "'\(rules[$0].id)'" }.joined(separator: " → ")
        let message =
          throughNot
          ? "these rules depend on their own conclusions through 'not', so they cannot be put in an order: \(names)"
          : "these rules depend on their own conclusions: \(names)"
        let notes = cycle.dropFirst().map { Diagnostic.Note("'\(rules[$0].id)' is part of the cycle", at: ranges[$0]) }
        diagnostics.append(
          .error(throughNot ? .negationCycle : .ruleCycle, message, at: ranges[cycle[0]], notes: Array(notes)))
        return
      }
      seenAt[step.rule] = path.count
      path.append(step.rule)
      current = step.rule
    }
  }
}
