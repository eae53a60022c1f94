// MARK: - Every id written in a workspace, and where

/// What an id names: a declaration of the knowledge base, a member of one (an option of a
/// question, a stratum of a score), or a clinician's case.
///
/// Ids of the knowledge base share one namespace (a question and a finding cannot have the
/// same id); options live inside their question, strata inside their score, and case ids
/// among the cases.
package struct SymbolKey: Sendable, Hashable, Comparable {
  /// Where the id lives.
  package enum Namespace: Sendable, Hashable, Comparable {
    case knowledgeBase
    /// An option of the question (or a stratum of the score) with this id.
    case member(of: String)
    case testCase
  }

  package let namespace: Namespace
  package let id: String

  package init(_ namespace: Namespace, _ id: String) {
    self.namespace = namespace
    self.id = id
  }

  package static func < (lhs: SymbolKey, rhs: SymbolKey) -> Bool { (lhs.namespace, lhs.id) < (rhs.namespace, rhs.id) }
}

/// One place an id is written.
package struct SymbolOccurrence: Sendable {
  /// How the id is used where it is written.
  package enum Role: Sendable, Hashable {
    /// Where it is declared.
    case declaration(DeclarationKind)
    /// Read by a condition (`when`, `ask when`, a stratum, a variant, a preference).
    case read
    /// Concluded with a certainty by a rule.
    case concluded(certainty: Double)
    /// Named in `X upstream of Y`.
    case upstream
    /// Called for by `recommend`.
    case recommended
    /// Raised by `red flag`.
    case raised
    /// Given points by `add N to`.
    case addedTo
    /// Named in a recommendation's `addresses`.
    case addressed
    /// Named in `conflicts with` or `prefer`.
    case conflict
    /// Cited as a source.
    case cited
    /// Named in a norm's `by` or a comparison with a norm.
    case norm
    /// Answered in a case.
    case answered
    /// Named in a case's `expect` line.
    case expected
    /// Named in `synonyms`.
    case synonym
  }

  package let key: SymbolKey
  package let range: SourceRange
  package let role: Role
  /// The declaration it is written in (a rule's id for a condition), if any.
  package let container: SymbolKey?

  /// Whether this occurrence declares the id.
  package var isDeclaration: Bool {
    if case .declaration = role { return true }
    return false
  }
}

/// Every id written in a set of parsed rule and case files, with its role: the one index
/// hover, definition, references, rename and completion read.
///
/// Built from the syntax, not the compiled knowledge base, so it works while a file has
/// errors: an editor asks while the author is half-way through a line.
package struct SymbolIndex: Sendable {
  /// Every occurrence, in file and position order.
  package let occurrences: [SymbolOccurrence]
  /// Each declaration's syntax, by its key (the first, when an id is declared twice).
  package let declarations: [SymbolKey: Declaration]
  /// Each option's or stratum's label, by its key.
  package let memberLabels: [SymbolKey: String]
  /// The occurrences of each key.
  private let byKey: [SymbolKey: [Int]]
  /// The occurrences in each file, by start offset.
  private let byFile: [String: [Int]]

  /// What one file contributes to the index: kept by an editor until the file changes.
  package struct FileEntries: Sendable {
    fileprivate let occurrences: [SymbolOccurrence]
    fileprivate let declarations: [SymbolKey: Declaration]
    fileprivate let memberLabels: [SymbolKey: String]

    /// Indexes one parsed file; its `source` lets options answered in cases be found.
    package init(_ file: SyntaxFile, source: SourceFile?) {
      var builder = Builder()
      builder.source = source
      for declaration in file.declarations { builder.add(declaration) }
      occurrences = builder.occurrences.sorted { $0.range.start.offset < $1.range.start.offset }
      declarations = builder.declarations
      memberLabels = builder.memberLabels
    }
  }

  /// Indexes parsed files; `sources` (by path) let options answered in cases be found.
  package init(_ files: [SyntaxFile], sources: [String: SourceFile] = [:]) {
    self.init(files.map { (path: $0.path, entries: FileEntries($0, source: sources[$0.path])) })
  }

  /// Joins the entries of files (the first declaration of an id, in path order, counts).
  package init(_ files: [(path: String, entries: FileEntries)]) {
    var all: [SymbolOccurrence] = []
    var declarations: [SymbolKey: Declaration] = [:]
    var memberLabels: [SymbolKey: String] = [:]
    for (_, entries) in files.sorted(by: { $0.path < $1.path }) {
      all += entries.occurrences
      declarations.merge(entries.declarations) { first, _ in first }
      memberLabels.merge(entries.memberLabels) { first, _ in first }
    }
    occurrences = all
    self.declarations = declarations
    self.memberLabels = memberLabels
    var byKey: [SymbolKey: [Int]] = [:]
    var byFile: [String: [Int]] = [:]
    for (index, occurrence) in occurrences.enumerated() {
      byKey[occurrence.key, default: []].append(index)
      byFile[occurrence.range.file, default: []].append(index)
    }
    self.byKey = byKey
    self.byFile = byFile
  }

  /// The occurrence whose id covers the byte `offset` of `file` (its end included, so a
  /// cursor just after an id finds it).
  package func occurrence(in file: String, at offset: Int) -> SymbolOccurrence? {
    let candidates = (byFile[file] ?? []).map { occurrences[$0] }
    return candidates.first { $0.range.start.offset <= offset && offset < $0.range.end.offset }
      ?? candidates.first { $0.range.end.offset == offset }
  }

  /// Every occurrence of a key, in file and position order.
  package func occurrences(of key: SymbolKey) -> [SymbolOccurrence] {
    (byKey[key] ?? []).map { occurrences[$0] }
  }

  /// Where a key is declared (all places, when it is declared more than once).
  package func declarationSites(of key: SymbolKey) -> [SymbolOccurrence] {
    occurrences(of: key).filter(\.isDeclaration)
  }

  /// Every declared key, sorted.
  package var declaredKeys: [SymbolKey] { declarations.keys.sorted() + memberLabels.keys.sorted() }

  /// The members (options or strata) of a question or score.
  package func members(of owner: String) -> [(id: String, label: String)] {
    memberLabels.filter { $0.key.namespace == .member(of: owner) }.map { ($0.key.id, $0.value) }.sorted { $0.id < $1.id }
  }
}

// MARK: - Walking the syntax

/// Collects occurrences declaration by declaration.
private struct Builder {
  var occurrences: [SymbolOccurrence] = []
  var declarations: [SymbolKey: Declaration] = [:]
  var memberLabels: [SymbolKey: String] = [:]
  var container: SymbolKey?
  /// The file being indexed, and its tokens once needed (for options answered in cases).
  var source: SourceFile?
  var tokens: [Token]?

  mutating func note(_ name: Name, _ role: SymbolOccurrence.Role, in namespace: SymbolKey.Namespace = .knowledgeBase) {
    occurrences.append(SymbolOccurrence(key: SymbolKey(namespace, name.text), range: name.range, role: role, container: container))
  }

  mutating func declare(_ name: Name, _ kind: DeclarationKind, _ declaration: Declaration, in namespace: SymbolKey.Namespace = .knowledgeBase) {
    let key = SymbolKey(namespace, name.text)
    container = key
    if declarations[key] == nil { declarations[key] = declaration }
    note(name, .declaration(kind), in: namespace)
  }

  mutating func declareMember(_ name: Name, of owner: String, label: String, kind: DeclarationKind) {
    let key = SymbolKey(.member(of: owner), name.text)
    if memberLabels[key] == nil { memberLabels[key] = label }
    note(name, .declaration(kind), in: .member(of: owner))
  }

  mutating func add(_ declaration: Declaration) {
    container = nil
    switch declaration {
    case .header: break
    case .source(let source): declare(source.id, .source, declaration)
    case .question(let question):
      declare(question.id, .question, declaration)
      for option in question.options { declareMember(option.id, of: question.id.text, label: option.label.value, kind: .question) }
      if let askWhen = question.askWhen { add(askWhen) }
      for variant in question.wordingVariants { add(variant.when) }
      for synonym in question.synonyms { note(synonym.option, .synonym, in: .member(of: question.id.text)) }
    case .finding(let finding):
      declare(finding.id, finding.kind.text == "complaint" ? .complaint : .contributor, declaration)
    case .score(let score):
      declare(score.id, .score, declaration)
      for stratum in score.strata {
        declareMember(stratum.id, of: score.id.text, label: stratum.label.value, kind: .score)
        add(stratum.condition)
      }
    case .redFlag(let flag):
      declare(flag.id, .redFlag, declaration)
      add(flag.provenance)
    case .norm(let norm):
      declare(norm.id, .norm, declaration)
      if let by = norm.by { note(by, .norm) }
      add(norm.provenance)
    case .rule(let rule):
      declare(rule.id, .rule, declaration)
      if let condition = rule.condition { add(condition) }
      for conclusion in rule.conclusions { add(conclusion) }
      add(rule.provenance)
    case .recommendation(let recommendation):
      declare(recommendation.id, .recommendation, declaration)
      for variant in recommendation.doseVariants { add(variant.when) }
      for variant in recommendation.instructionVariants { add(variant.when) }
      for notFor in recommendation.notFor { add(notFor.condition) }
      for finding in recommendation.addresses { note(finding, .addressed) }
      for conflict in recommendation.conflicts {
        note(conflict.other, .conflict)
        for preference in conflict.preferences {
          note(preference.prefer, .conflict)
          add(preference.when)
        }
        if case .prefer(let name)? = conflict.otherwise { note(name, .conflict) }
      }
      add(recommendation.provenance)
    case .testCase(let testCase):
      declare(testCase.id, .clinicalCase, declaration, in: .testCase)
      for answer in testCase.answers {
        note(answer.question, .answered)
        addOptions(answered: answer.answer, after: answer.question)
      }
      for expectation in testCase.expectations { add(expectation.claim) }
    }
  }

  /// The options of an `answer QUESTION OPTION, …` line: the syntax keeps their words, not
  /// their places, so they are found among the tokens after the question on its line.
  mutating func addOptions(answered answer: AnswerSyntax, after question: Name) {
    let options: [String]
    switch answer {
    case .option(let option): options = [option]
    case .options(let list): options = list
    case .yes, .no, .notSure, .number, .text, .date: return
    }
    guard let source else { return }
    if tokens == nil { tokens = Lexer.tokenize(source).tokens }
    for token in tokens ?? [] where token.range.start.offset >= question.range.end.offset {
      if token.range.start.line != question.range.start.line { break }
      if token.kind == .word, options.contains(token.value) {
        note(Name(text: token.value, range: token.range), .answered, in: .member(of: question.text))
      }
    }
  }

  mutating func add(_ provenance: ProvenanceSyntax) {
    for source in provenance.sources { note(source, .cited) }
  }

  mutating func add(_ conclusion: ConclusionSyntax) {
    switch conclusion {
    case .certainty(let finding, let certainty): note(finding, .concluded(certainty: certainty.value))
    case .upstream(let contributor, let of):
      note(contributor, .upstream)
      note(of, .upstream)
    case .addPoints(_, let score): note(score, .addedTo)
    case .recommend(let name): note(name, .recommended)
    case .redFlag(let name, _): note(name, .raised)
    }
  }

  mutating func add(_ condition: ConditionSyntax) {
    switch condition {
    case .test(let test):
      note(test.subject, .read)
      let owner = SymbolKey.Namespace.member(of: test.subject.text)
      switch test.comparison {
      case .is(_, .word(let value)): note(value, .read, in: owner)
      case .in(let values):
        for case .word(let value) in values { note(value, .read, in: owner) }
      case .includes(let value): note(value, .read, in: owner)
      case .compareNorm(_, let norm): note(norm, .norm)
      case .bare, .certainty, .is, .compare, .between, .answered, .ago: break
      }
    case .all(let parts, _), .any(let parts, _), .atLeast(_, let parts, _):
      for part in parts { add(part) }
    case .not(let inner, _): add(inner)
    }
  }

  mutating func add(_ claim: ExpectationSyntax.Claim) {
    switch claim {
    case .finding(let name, _, _), .recommend(let name, _), .withheld(let name), .redFlag(let name, _, _), .notAsked(let name):
      note(name, .expected)
    case .upstream(let contributor, let of):
      note(contributor, .expected)
      note(of, .expected)
    case .topContributor(let of, let top):
      note(of, .expected)
      note(top, .expected)
    case .value(let name, let value):
      note(name, .expected)
      if case .word(let word) = value { note(word, .expected, in: .member(of: name.text)) }
    case .noRedFlags: break
    }
  }
}
