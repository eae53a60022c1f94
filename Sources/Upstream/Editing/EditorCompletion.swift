// MARK: - Completion in context

/// One thing the author could type at the cursor.
package struct CompletionCandidate: Sendable, Hashable {
  /// What it is, so an editor can show an icon.
  package enum Kind: Sendable, Hashable {
    case keyword, question, finding, score, redFlag, recommendation, rule, source, norm, option
  }

  /// The text inserted.
  package let label: String
  package let kind: Kind
  /// A short description: a question's wording, a finding's name, an option's label.
  package let detail: String?
}

/// What the author is completing: the range of the word being typed, and the candidates.
package struct Completion: Sendable, Hashable {
  /// The part of the word already typed, replaced by the chosen candidate.
  package let range: SourceRange
  package let candidates: [CompletionCandidate]
}

extension WorkspaceAnalysis {
  /// The candidates at byte `offset` of `path`, in context: declaration keywords at the
  /// start of a line, a declaration's attribute words at the start of an indented line,
  /// the options of the question after `is`, `in (` and `includes`, recommendations after
  /// `recommend`, red flags after `red flag`, sources after `source`, findings after `then`
  /// and `addresses`, and questions, findings and scores in conditions. Only candidates
  /// that start with what is already typed.
  package func completions(in path: String, at offset: Int) -> Completion? {
    guard let source = sources[path] else { return nil }
    let bytes = Array(source.text.utf8)
    let cursor = max(0, min(offset, bytes.count))
    var lineStart = cursor
    while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
    let before = String(decoding: bytes[lineStart..<cursor], as: UTF8.self)
    let context = CompletionContext(line: before, declaration: declarationKeyword(bytes, before: lineStart))
    let prefix = context.partial
    let range = source.range(cursor - prefix.utf8.count, cursor)
    let candidates = candidates(for: context).filter { $0.label.hasPrefix(prefix) }
    var seen = Set<String>()
    return Completion(range: range, candidates: candidates.filter { seen.insert($0.label).inserted })
  }

  /// The first word of the declaration the line at `lineStart` belongs to: the nearest line
  /// above (or this one) that starts in the first column with a word.
  private func declarationKeyword(_ bytes: [UInt8], before lineStart: Int) -> String? {
    var start = lineStart
    while true {
      if start < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[start]) {
        var end = start
        while end < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[end]) { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
      }
      guard start > 0 else { return nil }
      start -= 1
      while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
    }
  }

  // MARK: Candidates

  private func candidates(for context: CompletionContext) -> [CompletionCandidate] {
    switch context.expects {
    case .declarationKeyword: return CompletionContext.declarationKeywords.map { keyword($0) }
    case .attributeKeyword(let declaration):
      return (CompletionContext.attributes[declaration ?? ""] ?? []).map { keyword($0) }
    case .members(let owner):
      return index.members(of: owner).map { CompletionCandidate(label: $0.id, kind: .option, detail: $0.label) }
    case .ids(let kinds, let keywords):
      return keywords.map { keyword($0) } + declared(kinds)
    }
  }

  private func keyword(_ word: String) -> CompletionCandidate {
    CompletionCandidate(label: word, kind: .keyword, detail: nil)
  }

  /// The declared ids of some kinds, sorted, with their names or wordings.
  private func declared(_ kinds: Set<DeclarationKind>) -> [CompletionCandidate] {
    index.declarations.compactMap { key, declaration -> CompletionCandidate? in
      guard key.namespace == .knowledgeBase else { return nil }
      switch declaration {
      case .question(let question) where kinds.contains(.question):
        return CompletionCandidate(label: key.id, kind: .question, detail: question.wording?.value)
      case .finding(let finding) where kinds.contains(.finding):
        return CompletionCandidate(label: key.id, kind: .finding, detail: finding.name?.value)
      case .score(let score) where kinds.contains(.score):
        return CompletionCandidate(label: key.id, kind: .score, detail: score.name?.value)
      case .redFlag(let flag) where kinds.contains(.redFlag):
        return CompletionCandidate(label: key.id, kind: .redFlag, detail: flag.name?.value)
      case .recommendation(let recommendation) where kinds.contains(.recommendation):
        return CompletionCandidate(label: key.id, kind: .recommendation, detail: recommendation.title?.value)
      case .rule where kinds.contains(.rule):
        return CompletionCandidate(label: key.id, kind: .rule, detail: nil)
      case .source(let source) where kinds.contains(.source):
        return CompletionCandidate(label: key.id, kind: .source, detail: source.title?.value)
      case .norm(let norm) where kinds.contains(.norm):
        return CompletionCandidate(label: key.id, kind: .norm, detail: norm.name?.value)
      default: return nil
      }
    }.sorted { $0.label < $1.label }
  }
}

// MARK: - Reading the line before the cursor

/// What the text before the cursor, on its line, calls for.
struct CompletionContext {
  enum Expectation: Equatable {
    case declarationKeyword
    /// An attribute of the declaration that starts with this word.
    case attributeKeyword(String?)
    /// An option of this question (or a stratum of this score).
    case members(of: String)
    case ids(Set<DeclarationKind>, keywords: [String])
  }

  static let declarationKeywords = [
    "question", "complaint", "contributor", "rule", "recommendation", "red flag", "score", "source", "norm", "case", "knowledge base",
  ]

  /// The first words of each declaration's attributes.
  static let attributes: [String: [String]] = [
    "knowledge": ["version", "author", "disclaimer", "general advice", "safety netting", "sign", "sign when", "less likely below"],
    "source": ["title", "citation", "url", "evidence"],
    "question": [
      "ask", "help", "option", "synonyms", "range", "below range", "above range", "unit", "decimals allowed", "not sure allowed",
      "ask when", "ask first", "wording when", "physical test",
    ],
    "complaint": ["name", "patient name", "region", "explain"],
    "contributor": ["name", "patient name", "region", "explain"],
    "score": ["name", "range", "stratum", "means", "copyright"],
    "red": ["name", "urgency", "advice", "explain", "source", "author", "reviewed"],
    "norm": ["name", "by", "band", "source", "author", "reviewed"],
    "rule": ["when", "then", "and", "because", "patient wording", "clinician wording", "source", "author", "reviewed"],
    "recommendation": [
      "title", "patient title", "dose", "instructions", "caution", "not for", "addresses", "safe while awaiting referral", "first step",
      "conflicts with",
      "prefer", "otherwise", "source", "author", "reviewed",
    ],
    "case": ["description", "answer", "expect"],
  ]

  /// Words that start a condition, besides ids.
  static let conditionWords = ["not", "at least"]

  /// The word being typed (possibly empty).
  let partial: String
  let expects: Expectation

  init(line: String, declaration: String?) {
    let scalars = Array(line.unicodeScalars)
    var start = scalars.count
    func isWord(_ scalar: Unicode.Scalar) -> Bool {
      scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }
    while start > 0, isWord(scalars[start - 1]) { start -= 1 }
    partial = String(String.UnicodeScalarView(scalars[start...]))
    let head = String(String.UnicodeScalarView(scalars[..<start]))
    let indented = head.first == " " || head.first == "\t"
    // The words before the one being typed, with punctuation as words of its own.
    let words = head.replacingOccurrences(of: "(", with: " ( ").replacingOccurrences(of: ",", with: " , ")
      .split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    if words.isEmpty {
      expects = indented ? .attributeKeyword(declaration) : .declarationKeyword
      return
    }
    expects = Self.expectation(after: words, declaration: declaration)
  }

  private static let conditionKinds: Set<DeclarationKind> = [.question, .finding, .score]

  private static func expectation(after words: [String], declaration: String?) -> Expectation {
    let last = words[words.count - 1]
    let previous = words.count > 1 ? words[words.count - 2] : ""
    // After `is`, `is not`, `includes`, or inside `in ( … ,`: the subject's options.
    if let subject = subjectOfMemberTest(words) { return .members(of: subject) }
    // `answer QUESTION ` in a case, and after each `,` of a list of options.
    if declaration == "case", let answer = words.lastIndex(of: "answer"), answer + 1 < words.count {
      return .members(of: words[answer + 1])
    }
    switch last {
    case "recommend", "with", "prefer": return .ids([.recommendation], keywords: [])
    case "flag" where previous == "red": return .ids([.redFlag], keywords: [])
    case "source", "sources": return .ids([.source], keywords: [])
    case "addresses": return .ids([.finding], keywords: [])
    case "to" where words.contains("add"): return .ids([.score], keywords: [])
    case "by" where declaration == "norm": return .ids([.question], keywords: [])
    case "answer": return .ids([.question], keywords: [])
    case "then": return .ids([.finding], keywords: ["recommend", "red flag", "add"])
    case "and" where declaration == "rule" && !words.contains("when") && words.first == "and":
      return .ids([.finding], keywords: ["recommend", "red flag", "add"])
    case "of" where words.contains("upstream"): return .ids([.finding], keywords: [])
    case "expect":
      return .ids([.finding, .recommendation, .redFlag, .question, .score], keywords: ["no", "red flag", "no red flags", "top contributor"])
    // `not for` opens a recommendation's attribute; its condition reads answers only.
    case "not" where words.count == 1 && declaration == "recommendation": return .ids([], keywords: ["for"])
    case "for" where previous == "not" && words.count == 2: return .ids([.question], keywords: conditionWords)
    case "when", "and", "or", "not", "(", "of", ",": return .ids(conditionKinds, keywords: conditionWords)
    case "<", "<=", ">", ">=": return .ids([.norm], keywords: [])
    default: return .ids(conditionKinds.union([.recommendation, .redFlag, .source, .rule, .norm]), keywords: [])
    }
  }

  /// The subject of the member test being written: `arch_shape` in `arch_shape is `,
  /// `arch_shape is not `, `arch_shape in (flat, ` or `shoes includes `.
  private static func subjectOfMemberTest(_ words: [String]) -> String? {
    var index = words.count - 1
    if words[index] == "not", index >= 1, words[index - 1] == "is" { index -= 1 }
    if words[index] == "is" || words[index] == "includes" {
      return index >= 1 ? words[index - 1] : nil
    }
    // Inside `in (`: back over the options already written to the parenthesis.
    while index >= 0, words[index] != "(" {
      if words[index] == ")" { return nil }
      index -= 1
    }
    guard index >= 2, words[index - 1] == "in" else { return nil }
    return words[index - 2]
  }
}
