// MARK: - Parser
//
// The grammar of rule and case files (Docs/RuleLanguage.md explains each construct).
// A declaration starts with its keyword in the first column; attributes are indented.
//
//   file            = { declaration } ;
//   declaration     = header | source | question | finding | score | red-flag
//                   | rule | recommendation | norm | case ;
//   header          = "knowledge" "base" TEXT { header-attr } ;
//   header-attr     = "version" TEXT | "author" TEXT | "disclaimer" TEXT
//                   | "general" "advice" TEXT | "safety" "netting" TEXT
//                     { "sign" [ "when" condition ] TEXT }
//                   | "less" "likely" "below" NUMBER ;
//   source          = "source" ID { "title" TEXT | "citation" TEXT | "url" TEXT
//                   | "evidence" ID } ;
//   question        = "question" ID ":" question-type { question-attr } ;
//   question-type   = "yes" "/" "no" | "number" | "scale" | "choice" | "choices" | "text"
//                   | "date" ;
//   question-attr   = "ask" TEXT | "help" TEXT | "option" ID TEXT { coding } [ "when" condition ]
//                   | "range" NUMBER "to" NUMBER | ( "below" | "above" ) "range" TEXT
//                   | "unit" TEXT | "decimals" "allowed"
//                   | "not" "sure" "allowed" | "ask" "when" condition | "ask" "first"
//                   | "physical" "test" | "wording" "when" condition TEXT
//                   | "synonyms" ID TEXT { "," TEXT } | "link" "id" TEXT | coding ;
//   coding          = "code" TEXT [ "system" TEXT ] ;
//   finding         = ( "complaint" | "contributor" ) ID
//                     { "name" TEXT | "patient" "name" TEXT | "region" ID | "explain" TEXT } ;
//   score           = "score" ID { "name" TEXT | "range" NUMBER "to" NUMBER
//                   | "stratum" ID TEXT "when" condition [ "means" TEXT ]
//                   | "copyright" TEXT | "link" "id" TEXT | coding } ;
//   red-flag        = "red" "flag" ID { "name" TEXT | "urgency" ID | "advice" [ ID ] TEXT
//                   | "explain" TEXT | provenance } ;
//   rule            = "rule" ID "when" condition "then" conclusion { "and" conclusion }
//                     { "because" TEXT | "patient" "wording" TEXT
//                     | "clinician" "wording" TEXT | provenance } ;
//   conclusion      = ID "certainty" NUMBER | ID "upstream" "of" ID
//                   | "add" NUMBER "to" ID | "recommend" ID
//                   | "red" "flag" ID [ "urgency" ID ] ;
//   recommendation  = "recommendation" ID { "title" TEXT | "patient" "title" TEXT
//                   | "dose" [ "when" condition ] TEXT
//                   | "instructions" [ "when" condition ] TEXT | "caution" TEXT
//                   | "not" "for" condition TEXT | "addresses" id-list
//                   | "safe" "while" "awaiting" "referral" | "first" "step" | conflict | provenance } ;
//   conflict        = "conflicts" "with" ID { "prefer" ID "when" condition }
//                     [ "otherwise" ( "prefer" ( ID | "stronger" ) | "keep" "both" ) ] ;
//   norm            = "norm" ID { "name" TEXT | "by" ID
//                   | "band" NUMBER "to" NUMBER "value" NUMBER | provenance } ;
//   provenance      = "source" id-list | "author" TEXT | "reviewed" DATE ;
//   id-list         = ID { "," ID } ;
//
//   condition       = conjunction { "or" conjunction } ;
//   conjunction     = negation { "and" negation } ;
//   negation        = "not" negation | primary ;
//   primary         = "(" condition ")"
//                   | "at" "least" NUMBER "of" "(" condition { "," condition } ")"
//                   | test ;
//   test            = ID [ "certainty" COMPARE NUMBER | "is" [ "not" ] ( value | "answered" )
//                        | "in" "(" value { "," value } ")" | "includes" ID
//                        | COMPARE ( NUMBER | ID ) | "between" NUMBER "and" NUMBER
//                        | ( "more" | "less" ) "than" NUMBER ID "ago" ] ;
//   value           = ID | NUMBER ;
//
//   case            = "case" ID { "description" TEXT | "answer" ID answer
//                   | "assessment" "date" DATE | "expect" expectation } ;
//   answer          = "yes" | "no" | NUMBER | ID | "not" "sure"
//                   | "(" [ ID { "," ID } ] ")" | TEXT | DATE ;
//   expectation     = [ "not" ] ID [ "certainty" number-test ]
//                   | ID "upstream" "of" ID | "top" "contributor" "of" ID "is" ID
//                   | [ "not" ] "recommend" ID | "withheld" ID
//                   | [ "not" ] "red" "flag" ID [ "urgency" ID ] | "no" "red" "flags"
//                   | ID "is" value | "not" "asked" ID ;
//   number-test     = COMPARE NUMBER | "between" NUMBER "and" NUMBER ;
//
// TEXT is one or more quoted texts in a row, joined with a space.

/// Parses one rule or case file into a `SyntaxFile`, never stopping at the first error.
///
/// Each `parseX()` below repeats its grammar rule. On an error the parser records a
/// diagnostic and resumes at the next line, so one file can report many problems.
/// Conditions may nest at most `maximumDepth` levels.
package struct Parser {
  /// How deeply conditions may nest (parentheses, `not`, `at least`).
  package static let maximumDepth = 100

  /// The words that open a declaration when written in the first column.
  static let declarationKeywords = [
    "knowledge", "source", "question", "complaint", "contributor", "score", "red", "rule",
    "recommendation", "norm", "case",
  ]

  /// Words of the language that cannot be ids.
  package static let reservedWords: Set<String> = [
    "and", "or", "not", "is", "in", "includes", "between", "at", "least", "of", "certainty",
    "when", "then", "to", "upstream", "recommend", "add", "red", "flag", "urgency", "prefer",
    "otherwise", "keep", "both", "stronger", "yes", "no", "sure", "allowed", "asked", "expect",
    "answer", "rule", "question", "source", "case", "score", "complaint", "contributor",
    "recommendation", "knowledge", "flags", "withheld", "top", "answered",
  ]

  /// The first words of every declaration's attributes: a condition written on one line with
  /// the next attribute (`stratum low "Low" when t <= 1 means "m"`) ends before them.
  static let attributeWords: Set<String> = [
    "version", "author", "disclaimer", "general", "safety", "less", "title", "citation", "url", "evidence", "ask", "help",
    "option", "range", "unit", "decimals", "synonyms", "name", "patient", "region", "explain", "stratum", "means", "copyright",
    "urgency", "advice", "source", "reviewed", "by", "band", "because", "clinician", "dose", "instructions", "caution",
    "addresses", "conflicts", "safe", "description", "sign", "first", "physical", "below", "above",
  ]

  /// The attributes of the declarations a large knowledge base has many of, as error
  /// messages list them (made once, not for each declaration).
  private static let ruleAttributes = ["when", "then", "because", "patient wording", "clinician wording", "source", "author", "reviewed"]
  private static let questionAttributes = [
    "ask", "help", "option", "range", "below range", "above range", "unit", "decimals allowed", "not sure allowed", "ask when",
    "ask first", "synonyms", "link id", "code", "wording when", "physical test",
  ]
  private static let findingAttributes = ["name", "patient name", "region", "explain"]

  /// A parse that cannot go on in this construct; the caller resumes at the next line.
  private struct Failure: Error {}

  private let source: SourceFile
  private var tokens: TokenWindow
  private var index = 0
  private var depth = 0
  private var collector = DiagnosticCollector()
  /// The byte offset of each attribute's first word, for the formatter.
  private var attributeOffsets: [Int] = []

  private init(source: SourceFile, lexer: Lexer) {
    self.source = source
    self.tokens = TokenWindow(lexer)
  }

  /// Parses `source`, returning its syntax tree and every problem found on the way.
  package static func parse(_ source: SourceFile) -> (file: SyntaxFile, diagnostics: [Diagnostic]) {
    var parser = Parser(source: source, lexer: Lexer(source))
    return parser.parseWhole()
  }

  private mutating func parseWhole() -> (file: SyntaxFile, diagnostics: [Diagnostic]) {
    let declarations = parseFile()
    let file = SyntaxFile(
      path: source.path, declarations: declarations, comments: tokens.comments, attributeOffsets: attributeOffsets)
    return (file, tokens.diagnostics + collector.diagnostics)
  }

  // MARK: One file on several threads

  /// Where a large file can be cut into parts that parse on threads of their own: at the
  /// starts of lines that open a rule, about `count` equal parts (one part for a file under
  /// `minimumSize` bytes, or one with no such line).
  ///
  /// No token spans lines, and `rule` is a reserved word that only opens a declaration:
  /// where it starts a line, a parse of the whole file is at a declaration's start, or has
  /// already found an error that the part before it finds too (it ends there instead).
  /// ``join(_:)`` keeps the parts' parse only when no part found any problem.
  package static func parts(of source: SourceFile, count: Int, minimumSize: Int = 1 << 18) -> [Range<Int>] {
    let size = source.bytes.count
    guard count > 1, size >= minimumSize else { return [0..<size] }
    var cuts: [Int] = []
    source.bytes.withUnsafeBufferPointer { bytes in
      for part in 1..<count {
        var offset = max(size * part / count, (cuts.last ?? 0) + 1)
        while offset < size {
          guard let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else {
            offset = size
            break
          }
          let start = newline + 1
          if start + 5 <= size, bytes[start..<(start + 4)].elementsEqual("rule".utf8),
            bytes[start + 4] == UInt8(ascii: " ") || bytes[start + 4] == UInt8(ascii: "\t")
          {
            cuts.append(start)
            break
          }
          offset = start
        }
      }
    }
    let bounds = [0] + cuts + [size]
    return (0..<(bounds.count - 1)).map { bounds[$0]..<bounds[$0 + 1] }
  }

  /// Parses the lines of `source` in `lines` (one of ``parts(of:count:minimumSize:)``),
  /// with every position as in the whole file.
  package static func parse(_ source: SourceFile, lines: Range<Int>) -> (file: SyntaxFile, diagnostics: [Diagnostic]) {
    var parser = Parser(source: source, lexer: Lexer(source, lines: lines))
    return parser.parseWhole()
  }

  /// The file's parse from its parts' parses, in order; nil when any part found a problem,
  /// so that the file is parsed again whole and its diagnostics (their order, their cap)
  /// are exactly one parse's.
  package static func join(_ parts: [(file: SyntaxFile, diagnostics: [Diagnostic])]) -> (file: SyntaxFile, diagnostics: [Diagnostic])? {
    guard let first = parts.first else { return nil }
    if parts.count == 1 { return first }
    guard parts.allSatisfy({ $0.diagnostics.isEmpty }) else { return nil }
    let file = SyntaxFile(
      path: first.file.path, declarations: parts.flatMap(\.file.declarations), comments: parts.flatMap(\.file.comments),
      attributeOffsets: parts.flatMap(\.file.attributeOffsets))
    return (file, [])
  }

  // MARK: Token helpers

  private var current: Token { tokens[index] }

  private func peek(_ ahead: Int = 1) -> Token { tokens[index + ahead] }

  private var atEnd: Bool { current.kind == .endOfFile }

  /// Whether the current token is a word of the language, which cannot be an id.
  private var atReservedWord: Bool {
    current.kind == .word && current.lowercaseLetters && Self.reservedWords.contains(current.value)
  }

  /// Whether the current token opens a new declaration (a keyword in the first column).
  private var atDeclarationStart: Bool {
    atEnd
      || (current.kind == .word && current.startsLine && current.range.start.column == 1
        && Self.declarationKeywords.contains(current.value))
  }

  @discardableResult
  private mutating func take() -> Token {
    let token = current
    if token.kind != .endOfFile {
      index += 1
      tokens.read(through: index + 1)
    }
    return token
  }

  private mutating func takeIfWord(_ word: String) -> Token? {
    current.isWord(word) ? take() : nil
  }

  private mutating func report(_ diagnostic: Diagnostic) {
    collector.add(diagnostic, alongside: tokens.diagnostics.count)
  }

  /// Reports "expected X, found Y" at the current token and fails the construct.
  private mutating func fail(expected: String, suggestionsFrom candidates: [String] = []) -> Failure {
    var diagnostic = Diagnostic.error(
      .unexpectedToken, "expected \(expected), found \(current.description)", at: current.range)
    if current.kind == .word { diagnostic = diagnostic.suggesting(current.value, from: candidates) }
    report(diagnostic)
    return Failure()
  }

  private mutating func expectWord(_ word: String) throws {
    guard takeIfWord(word) != nil else { throw fail(expected: "'\(word)'", suggestionsFrom: [word]) }
  }

  private mutating func expect(_ kind: Token.Kind, _ what: String) throws -> Token {
    guard current.kind == kind else { throw fail(expected: what) }
    return take()
  }

  /// ID: a word that is not a word of the language.
  private mutating func parseName(_ what: String) throws -> Name {
    guard current.kind == .word else { throw fail(expected: what) }
    if atReservedWord {
      report(
        .error(
          .reservedWordAsId,
          "'\(current.value)' is a word of the rule language and cannot be used as \(what)",
          at: current.range))
      throw Failure()
    }
    let token = take()
    return Name(text: token.value, range: token.range)
  }

  /// TEXT = quoted-text { quoted-text } ;
  private mutating func parseText(_ what: String) throws -> Spelled<String> {
    let first = try expect(.text, "\(what) in double quotes")
    var value = first.value
    var range = first.range
    while current.kind == .text {
      let next = take()
      value += " " + next.value
      range = range.through(next.range)
    }
    return Spelled(value: value, range: range)
  }

  /// `ATTRIBUTE TEXT`, or `ATTRIBUTE when condition TEXT`: a wording for the people the
  /// condition fits (a recommendation's `dose` and `instructions`).
  private mutating func parseWording(
    _ word: Token, _ what: String, _ wording: inout Spelled<String>?,
    variants: inout [(when: ConditionSyntax, text: Spelled<String>)]
  ) throws {
    if takeIfWord("when") != nil {
      let condition = try parseCondition()
      variants.append((condition, try parseText("\(what) for people this condition fits")))
    } else {
      checkSingle(wording, word)
      wording = try parseText(what)
    }
  }

  /// coding = "code" TEXT [ "system" TEXT ] ; (after the word `code`)
  private mutating func parseCoding(_ word: Token) throws -> CodingSyntax {
    let code = try parseText("the code, e.g. \"LA6568-5\"")
    var system: Spelled<String>?
    if takeIfWord("system") != nil {
      system = try parseText("the code system's URI, e.g. \"http://loinc.org\"")
    }
    return CodingSyntax(code: code, system: system, range: word.range.through(system?.range ?? code.range))
  }

  /// `link id TEXT` (after the word `link`).
  private mutating func parseLinkId() throws -> Spelled<String> {
    try expectWord("id")
    return try parseText("the FHIR linkId, e.g. \"/44249-1/44250-9\"")
  }

  /// `( "below" | "above" ) "range" TEXT` (after the first word): what a person whose
  /// number answer falls outside the range is told, the knowledge base not being for them.
  private mutating func parseOutOfScope(_ word: Token) throws -> OutOfScopeSyntax {
    try expectWord("range")
    let message = try parseText(
      "what a person whose answer is \(word.value) the range is told, e.g. \"Upstream is for people aged 16 and over.\"")
    return OutOfScopeSyntax(
      side: word.value == "below" ? .below : .above, message: message, range: word.range.through(message.range),
      startsLine: word.startsLine)
  }

  /// Reports a `below range` (or `above range`) given twice, with a fix that removes the
  /// second one, its whole lines when it has them to itself.
  private mutating func reportDuplicate(_ clause: OutOfScopeSyntax, first: OutOfScopeSyntax) {
    let keyword = clause.side == .below ? "below range" : "above range"
    let removal = wholeLines(of: clause)
    report(
      .error(
        .duplicateAttribute,
        "'\(keyword)' is given twice; a person \(clause.side == .below ? "below" : "above") the range can be told only one thing, so keep one",
        at: clause.range, notes: [.init("first given here", at: first.range)],
        fix: .init(message: "remove the second '\(keyword)'", replacement: "", range: removal)))
  }

  /// A clause's range widened to its whole lines (the indentation before it and the line
  /// break after it) when nothing else is written on them; else the clause alone.
  private func wholeLines(of clause: OutOfScopeSyntax) -> SourceRange {
    let bytes = source.bytes
    var end = clause.range.end
    var offset = end.offset
    while offset < bytes.count, bytes[offset] == UInt8(ascii: " ") || bytes[offset] == UInt8(ascii: "\t") { offset += 1 }
    if offset < bytes.count, bytes[offset] == UInt8(ascii: "\r") { offset += 1 }
    guard clause.startsLine, offset == bytes.count || bytes[offset] == UInt8(ascii: "\n") else { return clause.range }
    if offset < bytes.count {
      end = SourceLocation(line: end.line + 1, column: 1, offset: offset + 1)
    } else {
      end = SourceLocation(line: end.line, column: end.column + offset - end.offset, offset: offset)
    }
    // Only spaces and tabs stand before the clause's first word, one byte a column.
    let start = clause.range.start
    let lineStart = SourceLocation(line: start.line, column: 1, offset: start.offset - (start.column - 1))
    return SourceRange(file: clause.range.file, start: lineStart, end: end)
  }

  /// NUMBER
  private mutating func parseNumber(_ what: String) throws -> Spelled<Double> {
    guard current.kind == .number, let number = current.number else { throw fail(expected: what) }
    let token = take()
    // `0,6`: a decimal comma, as many countries write it; the comma and digits touch.
    if current.kind == .comma, current.range.start.offset == token.range.end.offset, peek().kind == .number,
      peek().range.start.offset == current.range.end.offset, !token.value.contains("."), !peek().value.hasPrefix("-"),
      peek().value.count != 3 || token.value == "0",  // `1,000` is a thousands separator, not a decimal
      let decimal = Double(token.value + "." + peek().value)
    {
      take()
      let fraction = take()
      let whole = token.range.through(fraction.range)
      let written = NumberText.plain(decimal)
      var diagnostic = Diagnostic.error(
        .invalidNumber, "write decimals with a point: \(written), not \(token.value),\(fraction.value)", at: whole)
      diagnostic.fix = .init(message: "write \(written)", replacement: written, range: whole)
      report(diagnostic)
      return Spelled(value: decimal, range: whole)
    }
    return Spelled(value: number, range: token.range)
  }

  /// id-list = ID { "," ID } ;
  private mutating func parseNameList(_ what: String) throws -> [Name] {
    var names = [try parseName(what)]
    while current.kind == .comma {
      take()
      names.append(try parseName(what))
    }
    return names
  }

  /// Skips to the start of the next line, after an error.
  private mutating func recoverToNextLine() {
    if !atEnd { take() }
    while !atEnd && !current.startsLine { take() }
  }

  /// Reports an attribute given twice.
  private mutating func checkSingle<T>(_ existing: T?, _ keyword: Token) {
    if existing != nil {
      report(
        .error(
          .duplicateAttribute, "'\(keyword.value)' is given twice; keep one", at: keyword.range))
    }
  }

  // MARK: File and declarations

  /// file = { declaration } ;
  private mutating func parseFile() -> [Declaration] {
    var declarations: [Declaration] = []
    while !atEnd {
      guard atDeclarationStart else {
        let what =
          current.kind == .word && current.range.start.column > 1 && Self.declarationKeywords.contains(current.value)
          ? "a declaration starting in the first column (remove the indentation before '\(current.value)')"
          : "a declaration (question, complaint, contributor, rule, recommendation, red flag, score, source, case or knowledge base)"
        _ = fail(expected: what, suggestionsFrom: Self.declarationKeywords)
        recoverToNextLine()
        while !atDeclarationStart { recoverToNextLine() }
        continue
      }
      if let declaration = parseDeclaration() { declarations.append(declaration) }
    }
    return declarations
  }

  /// declaration = header | source | question | finding | score | red-flag | rule
  ///             | recommendation | case ;
  private mutating func parseDeclaration() -> Declaration? {
    let keyword = take()
    do {
      switch keyword.value {
      case "knowledge": return .header(try parseHeader(keyword))
      case "source": return .source(try parseSource(keyword))
      case "question": return .question(try parseQuestion(keyword))
      case "complaint", "contributor": return .finding(try parseFinding(keyword))
      case "score": return .score(try parseScore(keyword))
      case "red": return .redFlag(try parseRedFlag(keyword))
      case "rule": return .rule(try parseRule(keyword))
      case "recommendation": return .recommendation(try parseRecommendation(keyword))
      case "norm": return .norm(try parseNorm(keyword))
      default: return .testCase(try parseCase(keyword))
      }
    } catch {
      // The declaration's opening line was unusable: skip its whole block.
      recoverToNextLine()
      while !atDeclarationStart { recoverToNextLine() }
      return nil
    }
  }

  /// Runs `parseAttribute` for each attribute until the next declaration, recovering
  /// from errors line by line.
  private mutating func parseAttributes(
    of what: DeclarationKind, attributes: [String], _ parseAttribute: (inout Parser, Token) throws -> Bool
  ) {
    while !atDeclarationStart {
      let keyword = current
      attributeOffsets.append(keyword.range.start.offset)
      do {
        guard keyword.kind == .word else {
          throw fail(expected: "an attribute of the \(what) (\(attributes.joined(separator: ", ")))")
        }
        take()
        if try !parseAttribute(&self, keyword) {
          index -= 1
          var diagnostic = Diagnostic.error(
            .unknownAttribute,
            "a \(what) has no attribute '\(keyword.value)'; it has \(attributes.joined(separator: ", "))",
            at: keyword.range)
          diagnostic = diagnostic.suggesting(keyword.value, from: attributes)
          if Self.declarationKeywords.contains(keyword.value) && keyword.startsLine {
            diagnostic.notes.append(.init("a new declaration must start in the first column"))
          }
          report(diagnostic)
          throw Failure()
        }
      } catch {
        recoverToNextLine()
      }
    }
  }

  /// header = "knowledge" "base" TEXT { header-attr } ;
  private mutating func parseHeader(_ keyword: Token) throws -> HeaderSyntax {
    try expectWord("base")
    let title = try parseText("the knowledge base's name")
    var header = HeaderSyntax(title: title, range: keyword.range.through(title.range))
    parseAttributes(
      of: .knowledgeBase,
      attributes: ["version", "author", "disclaimer", "general advice", "safety netting", "sign", "less likely below"]
    ) { parser, word in
      switch word.value {
      case "version":
        parser.checkSingle(header.version, word)
        header.version = try parser.parseText("the version")
      case "author": header.authors.append(try parser.parseText("the author"))
      case "disclaimer":
        parser.checkSingle(header.disclaimer, word)
        header.disclaimer = try parser.parseText("the disclaimer")
      case "general":
        try parser.expectWord("advice")
        parser.checkSingle(header.generalAdvice, word)
        header.generalAdvice = try parser.parseText("the general advice")
      case "safety":
        try parser.expectWord("netting")
        header.safetyNetting.append(try parser.parseText("safety-netting advice: when to seek help, and how fast"))
        header.safetyNettingSigns.append([])
      case "sign":
        // `sign [when CONDITION] TEXT`: one warning sign of the safety-netting item above.
        guard !header.safetyNettingSigns.isEmpty else {
          parser.report(
            .error(
              .unexpectedToken, "a 'sign' belongs to the 'safety netting' item above it; write the 'safety netting' line first",
              at: word.range))
          return true
        }
        let condition = parser.takeIfWord("when") != nil ? try parser.parseCondition() : nil
        let text = try parser.parseText("the warning sign, in plain words")
        header.safetyNettingSigns[header.safetyNettingSigns.count - 1].append((condition, text))
      case "less":
        try parser.expectWord("likely")
        try parser.expectWord("below")
        header.lessLikelyBelow = try parser.parseNumber("a certainty between 0 and 1")
      default: return false
      }
      return true
    }
    return header
  }

  /// source = "source" ID { "title" TEXT | "citation" TEXT | "url" TEXT | "evidence" ID } ;
  private mutating func parseSource(_ keyword: Token) throws -> SourceSyntax {
    let id = try parseName("a source id")
    var source = SourceSyntax(id: id, range: keyword.range.through(id.range))
    parseAttributes(of: .source, attributes: ["title", "citation", "url", "evidence"]) { parser, word in
      switch word.value {
      case "title":
        parser.checkSingle(source.title, word)
        source.title = try parser.parseText("the source's title")
      case "citation":
        parser.checkSingle(source.citation, word)
        source.citation = try parser.parseText("the citation")
      case "url":
        parser.checkSingle(source.url, word)
        source.url = try parser.parseText("the address")
      case "evidence":
        parser.checkSingle(source.evidence, word)
        source.evidence = try parser.parseName("an evidence level")
      default: return false
      }
      return true
    }
    return source
  }

  /// question = "question" ID ":" question-type { question-attr } ;
  /// question-type = "yes" "/" "no" | "number" | "scale" | "choice" | "choices" | "text" | "date" ;
  private mutating func parseQuestion(_ keyword: Token) throws -> QuestionSyntax {
    let id = try parseName("a question id")
    _ = try expect(.colon, "':' and the question's type (yes/no, number, scale, choice, choices, text or date)")
    let type: Name
    if current.isWord("yes") {
      let yes = take()
      guard current.kind == .slash else { throw fail(expected: "'/no' (the type is written yes/no)") }
      take()
      let no = current
      try expectWord("no")
      type = Name(text: "yes/no", range: yes.range.through(no.range))
    } else {
      guard current.kind == .word else {
        throw fail(expected: "the question's type (yes/no, number, scale, choice, choices, text or date)")
      }
      let token = take()
      type = Name(text: token.value, range: token.range)
    }
    var question = QuestionSyntax(id: id, type: type, range: keyword.range.through(type.range))
    parseAttributes(of: .question, attributes: Self.questionAttributes) { parser, word in
      switch word.value {
      case "ask":
        if parser.takeIfWord("when") != nil {
          if question.askWhen != nil {
            parser.report(.error(.duplicateAttribute, "'ask when' is given twice; join the conditions with 'and'", at: word.range))
          }
          question.askWhen = try parser.parseCondition()
        } else if parser.takeIfWord("first") != nil {
          parser.checkSingle(question.askFirst, word)
          question.askFirst = word.range
        } else {
          parser.checkSingle(question.wording, word)
          question.wording = try parser.parseText("the question's wording")
        }
      case "wording":
        try parser.expectWord("when")
        let condition = try parser.parseCondition()
        question.wordingVariants.append((condition, try parser.parseText("the question's wording for the people the condition fits")))
      case "help":
        parser.checkSingle(question.help, word)
        question.help = try parser.parseText("the help text")
      case "option":
        let option = try parser.parseName("an option id")
        let label = try parser.parseText("the option's label")
        // Codings on the option's own line belong to it; a `code` line is the question's.
        var codings: [CodingSyntax] = []
        while !parser.current.startsLine, let code = parser.takeIfWord("code") {
          codings.append(try parser.parseCoding(code))
        }
        // `when CONDITION` after the label (on its line or the next): the option is
        // offered only to the people the condition on other answers does not rule out.
        let offeredWhen = parser.takeIfWord("when") != nil ? try parser.parseCondition() : nil
        question.options.append((option, label))
        question.optionCodings.append(codings)
        question.optionConditions.append(offeredWhen)
      case "synonyms":
        let option = try parser.parseName("the id of the option these words stand for")
        var words = [try parser.parseText("a word or phrase a person might type for the option")]
        while parser.current.kind == .comma {
          parser.take()
          words.append(try parser.parseText("another word or phrase"))
        }
        question.synonyms.append((option, words))
      case "range":
        parser.checkSingle(question.declaredRange.map { $0.low }, word)
        let low = try parser.parseNumber("the lowest allowed number")
        try parser.expectWord("to")
        question.declaredRange = (low, try parser.parseNumber("the highest allowed number"))
      case "below", "above":
        let clause = try parser.parseOutOfScope(word)
        let existing = clause.side == .below ? question.belowRange : question.aboveRange
        if let existing {
          parser.reportDuplicate(clause, first: existing)
        } else if clause.side == .below {
          question.belowRange = clause
        } else {
          question.aboveRange = clause
        }
      case "unit":
        parser.checkSingle(question.unit, word)
        question.unit = try parser.parseText("the unit")
      case "decimals":
        try parser.expectWord("allowed")
        question.decimalsAllowed = word.range
      case "not":
        try parser.expectWord("sure")
        try parser.expectWord("allowed")
        question.notSureAllowed = word.range
      case "physical":
        try parser.expectWord("test")
        parser.checkSingle(question.physicalTest, word)
        question.physicalTest = word.range
      case "link": question.linkIds.append(try parser.parseLinkId())
      case "code": question.codings.append(try parser.parseCoding(word))
      default: return false
      }
      return true
    }
    return question
  }

  /// finding = ( "complaint" | "contributor" ) ID { "name" TEXT | "region" ID | "explain" TEXT } ;
  private mutating func parseFinding(_ keyword: Token) throws -> FindingSyntax {
    let id = try parseName("a finding id")
    var finding = FindingSyntax(
      kind: Name(text: keyword.value, range: keyword.range), id: id, range: keyword.range.through(id.range))
    parseAttributes(of: DeclarationKind(rawValue: keyword.value) ?? .finding, attributes: Self.findingAttributes) {
      parser, word in
      switch word.value {
      case "patient":
        try parser.expectWord("name")
        parser.checkSingle(finding.patientName, word)
        finding.patientName = try parser.parseText("the name in everyday words, for patients")
      case "name":
        parser.checkSingle(finding.name, word)
        finding.name = try parser.parseText("the plain-language name")
      case "region":
        parser.checkSingle(finding.region, word)
        finding.region = try parser.parseName("a body region")
      case "explain":
        parser.checkSingle(finding.explanation, word)
        finding.explanation = try parser.parseText("the explanation for patients")
      default: return false
      }
      return true
    }
    return finding
  }

  /// score = "score" ID { "name" TEXT | "range" NUMBER "to" NUMBER
  ///       | "stratum" ID TEXT "when" condition [ "means" TEXT ] } ;
  private mutating func parseScore(_ keyword: Token) throws -> ScoreSyntax {
    let id = try parseName("a score id")
    var score = ScoreSyntax(id: id, range: keyword.range.through(id.range))
    parseAttributes(of: .score, attributes: ["name", "range", "stratum", "means", "copyright", "link id", "code"]) {
      parser, word in
      switch word.value {
      case "name":
        parser.checkSingle(score.name, word)
        score.name = try parser.parseText("the score's name")
      case "range":
        parser.checkSingle(score.declaredRange.map { $0.low }, word)
        let low = try parser.parseNumber("the lowest possible score")
        try parser.expectWord("to")
        score.declaredRange = (low, try parser.parseNumber("the highest possible score"))
      case "stratum":
        let stratumID = try parser.parseName("a stratum id")
        let label = try parser.parseText("the stratum's label")
        try parser.expectWord("when")
        let condition = try parser.parseCondition()
        score.strata.append(.init(id: stratumID, label: label, condition: condition))
      case "means":
        guard !score.strata.isEmpty else {
          throw parser.fail(expected: "'means' only after a 'stratum'")
        }
        score.strata[score.strata.count - 1].meaning = try parser.parseText("what the stratum means")
      case "copyright":
        parser.checkSingle(score.copyright, word)
        score.copyright = try parser.parseText("the instrument's copyright and licence")
      case "link": score.linkIds.append(try parser.parseLinkId())
      case "code": score.codings.append(try parser.parseCoding(word))
      default: return false
      }
      return true
    }
    return score
  }

  /// provenance = "source" id-list | "author" TEXT | "reviewed" DATE ;
  private mutating func parseProvenance(_ word: Token, into provenance: inout ProvenanceSyntax) throws -> Bool {
    switch word.value {
    case "source", "sources":
      provenance.sources.append(contentsOf: try parseNameList("a source id"))
    case "author":
      checkSingle(provenance.author, word)
      provenance.author = try parseText("the author")
    case "reviewed":
      checkSingle(provenance.reviewed, word)
      let date = try expect(.date, "the date of the last review (YYYY-MM-DD)")
      provenance.reviewed = Spelled(value: date.value, range: date.range)
    default: return false
    }
    return true
  }

  /// red-flag = "red" "flag" ID { "name" TEXT | "urgency" ID | "advice" [ ID ] TEXT
  ///          | "explain" TEXT | provenance } ;
  ///
  /// `advice TEXT` is the wording at the flag's own urgency; `advice URGENCY TEXT` is the
  /// wording when a rule raises the flag to another urgency.
  private mutating func parseRedFlag(_ keyword: Token) throws -> RedFlagSyntax {
    try expectWord("flag")
    let id = try parseName("a red flag id")
    var flag = RedFlagSyntax(id: id, range: keyword.range.through(id.range))
    let attributes = ["name", "urgency", "advice", "explain", "source", "author", "reviewed"]
    parseAttributes(of: .redFlag, attributes: attributes) { parser, word in
      switch word.value {
      case "name":
        parser.checkSingle(flag.name, word)
        flag.name = try parser.parseText("the red flag's name")
      case "urgency":
        parser.checkSingle(flag.urgency, word)
        flag.urgency = try parser.parseName("an urgency (emergency, urgent-same-day or routine-referral)")
      case "advice":
        if parser.current.kind == .word {
          let urgency = try parser.parseName("an urgency (emergency, urgent-same-day or routine-referral)")
          flag.adviceByUrgency.append((urgency, try parser.parseText("what to do at that urgency")))
        } else {
          parser.checkSingle(flag.advice, word)
          flag.advice = try parser.parseText("what to do")
        }
      case "explain":
        parser.checkSingle(flag.explanation, word)
        flag.explanation = try parser.parseText("the explanation")
      default: return try parser.parseProvenance(word, into: &flag.provenance)
      }
      return true
    }
    return flag
  }

  /// norm = "norm" ID { "name" TEXT | "by" ID
  ///      | "band" NUMBER "to" NUMBER "value" NUMBER | provenance } ;
  private mutating func parseNorm(_ keyword: Token) throws -> NormSyntax {
    let id = try parseName("a norm id")
    var norm = NormSyntax(id: id, range: keyword.range.through(id.range))
    parseAttributes(of: .norm, attributes: ["name", "by", "band", "source", "author", "reviewed"]) { parser, word in
      switch word.value {
      case "name":
        parser.checkSingle(norm.name, word)
        norm.name = try parser.parseText("what the norm measures")
      case "by":
        parser.checkSingle(norm.by, word)
        norm.by = try parser.parseName("the question that picks the band (e.g. age)")
      case "band":
        let low = try parser.parseNumber("the band's lowest answer")
        try parser.expectWord("to")
        let high = try parser.parseNumber("the band's highest answer")
        try parser.expectWord("value")
        let value = try parser.parseNumber("the norm's value in this band")
        norm.bands.append(.init(low: low, high: high, value: value, range: word.range.through(value.range)))
      default: return try parser.parseProvenance(word, into: &norm.provenance)
      }
      return true
    }
    return norm
  }

  /// rule = "rule" ID "when" condition "then" conclusion { "and" conclusion }
  ///        { "because" TEXT | "patient" "wording" TEXT | "clinician" "wording" TEXT
  ///        | provenance } ;
  private mutating func parseRule(_ keyword: Token) throws -> RuleSyntax {
    let id = try parseName("a rule id")
    var condition: ConditionSyntax?
    var rule = RuleSyntax(id: id, condition: nil, range: keyword.range.through(id.range))
    var sawThen = false
    parseAttributes(of: .rule, attributes: Self.ruleAttributes) { parser, word in
      switch word.value {
      case "when":
        parser.checkSingle(condition, word)
        condition = try parser.parseCondition()
      case "then":
        if sawThen {
          parser.report(.error(.duplicateAttribute, "'then' is given twice; join conclusions with 'and'", at: word.range))
        }
        sawThen = true
        rule.conclusions.append(try parser.parseConclusion())
        while parser.takeIfWord("and") != nil { rule.conclusions.append(try parser.parseConclusion()) }
      case "and" where sawThen:
        rule.conclusions.append(try parser.parseConclusion())
      case "because":
        parser.checkSingle(rule.because, word)
        rule.because = try parser.parseText("the reason")
      case "patient", "clinician":
        try parser.expectWord("wording")
        let text = try parser.parseText("the wording")
        if word.value == "patient" { rule.patientWording = text } else { rule.clinicianWording = text }
      default: return try parser.parseProvenance(word, into: &rule.provenance)
      }
      return true
    }
    if condition == nil {
      report(.error(.missingAttribute, "rule '\(id.text)' has no 'when' condition", at: id.range))
    }
    if !sawThen {
      report(.error(.missingAttribute, "rule '\(id.text)' has no 'then' conclusion", at: id.range))
    }
    return RuleSyntax(
      id: rule.id, condition: condition, conclusions: rule.conclusions, because: rule.because,
      patientWording: rule.patientWording, clinicianWording: rule.clinicianWording,
      provenance: rule.provenance, range: rule.range)
  }

  /// conclusion = ID "certainty" NUMBER | ID "upstream" "of" ID | "add" NUMBER "to" ID
  ///            | "recommend" ID | "red" "flag" ID [ "urgency" ID ] ;
  private mutating func parseConclusion() throws -> ConclusionSyntax {
    if takeIfWord("add") != nil {
      let points = try parseNumber("the number of points to add")
      try expectWord("to")
      return .addPoints(points: points, score: try parseName("a score id"))
    }
    if takeIfWord("recommend") != nil { return .recommend(try parseName("a recommendation id")) }
    if current.isWord("red") && peek().isWord("flag") {
      take()
      take()
      let flag = try parseName("a red flag id")
      let urgency = takeIfWord("urgency") != nil ? try parseName("an urgency (emergency, urgent or routine)") : nil
      if current.isWord("certainty") && !current.startsLine {
        // `then red flag X certainty 0.6`: a flag is raised or not, at an urgency.
        let keyword = take()
        let end = current.kind == .number && !current.startsLine ? take().range : keyword.range
        let written = SourceRange(file: keyword.range.file, start: (urgency ?? flag).range.end, end: end.end)
        var diagnostic = Diagnostic.error(
          .unexpectedToken,
          "a red flag takes no certainty: a rule raises '\(flag.text)' or not; to make it more or less pressing, "
            + "give the rule an urgency ('red flag \(flag.text) urgency emergency')",
          at: keyword.range.through(end))
        diagnostic.fix = .init(message: "remove the certainty", replacement: "", range: written)
        report(diagnostic)
      }
      return .redFlag(flag, urgency: urgency)
    }
    guard current.kind == .word, !atReservedWord else {
      throw fail(
        expected: "a conclusion (FINDING certainty N, FINDING upstream of FINDING, add N to SCORE, recommend ID or red flag ID)")
    }
    let finding = try parseName("a finding id")
    if takeIfWord("certainty") != nil {
      return .certainty(finding: finding, certainty: try parseNumber("a certainty between -1 and 1"))
    }
    if takeIfWord("upstream") != nil {
      try expectWord("of")
      return .upstream(contributor: finding, of: try parseName("a finding id"))
    }
    if current.kind == .number {
      // `then tight_hip_flexors 0.6`: the word `certainty` left out.
      let number = current
      var diagnostic = Diagnostic.error(
        .unexpectedToken, "write 'certainty' before the number: '\(finding.text) certainty \(number.value)'", at: number.range)
      diagnostic.fix = .init(message: "write 'certainty \(number.value)'", replacement: "certainty \(number.value)", range: number.range)
      report(diagnostic)
      return .certainty(finding: finding, certainty: try parseNumber("a certainty between -1 and 1"))
    }
    throw fail(expected: "'certainty' or 'upstream of' after '\(finding.text)'", suggestionsFrom: ["certainty", "upstream"])
  }

  /// recommendation = "recommendation" ID { "title" TEXT | "dose" TEXT | "instructions" TEXT
  ///                | "caution" TEXT | "not" "for" condition TEXT | "addresses" id-list
  ///                | conflict | provenance } ;
  private mutating func parseRecommendation(_ keyword: Token) throws -> RecommendationSyntax {
    let id = try parseName("a recommendation id")
    var recommendation = RecommendationSyntax(id: id, range: keyword.range.through(id.range))
    let attributes = [
      "title", "patient title", "dose", "dose when", "instructions", "instructions when", "caution", "not for", "addresses", "conflicts with",
      "prefer", "otherwise",
      "safe while awaiting referral", "first step", "source", "author", "reviewed",
    ]
    parseAttributes(of: .recommendation, attributes: attributes) { parser, word in
      switch word.value {
      case "title":
        parser.checkSingle(recommendation.title, word)
        recommendation.title = try parser.parseText("the title")
      case "patient":
        try parser.expectWord("title")
        parser.checkSingle(recommendation.patientTitle, word)
        recommendation.patientTitle = try parser.parseText("the title in everyday words, for patients")
      case "dose":
        try parser.parseWording(word, "the dose", &recommendation.dose, variants: &recommendation.doseVariants)
      case "instructions":
        try parser.parseWording(word, "the instructions", &recommendation.instructions, variants: &recommendation.instructionVariants)
      case "caution": recommendation.cautions.append(try parser.parseText("the caution"))
      case "not":
        try parser.expectWord("for")
        guard parser.current.kind != .text else {
          throw parser.fail(expected: "the people it is not for, as a condition (e.g. 'not for feet_numb is yes \"…\"')")
        }
        let condition = try parser.parseCondition()
        let reason = try parser.parseText("the reason it is not for them (e.g. \"It can bruise a foot with less feeling.\")")
        recommendation.notFor.append(NotForSyntax(condition: condition, reason: reason, range: word.range.through(reason.range)))
      case "addresses": recommendation.addresses.append(contentsOf: try parser.parseNameList("a finding id"))
      case "safe":
        try parser.expectWord("while")
        try parser.expectWord("awaiting")
        try parser.expectWord("referral")
        parser.checkSingle(recommendation.safeWhileAwaitingReferral, word)
        recommendation.safeWhileAwaitingReferral = word.range
      case "first":
        try parser.expectWord("step")
        parser.checkSingle(recommendation.firstStep, word)
        recommendation.firstStep = word.range
      case "conflicts":
        try parser.expectWord("with")
        let other = try parser.parseName("a recommendation id")
        recommendation.conflicts.append(ConflictSyntax(other: other, range: word.range.through(other.range)))
      case "prefer", "otherwise":
        guard !recommendation.conflicts.isEmpty else {
          throw parser.fail(expected: "'conflicts with ID' before '\(word.value)'")
        }
        try parser.parseSettlement(word, into: &recommendation.conflicts[recommendation.conflicts.count - 1])
      default: return try parser.parseProvenance(word, into: &recommendation.provenance)
      }
      return true
    }
    return recommendation
  }

  /// conflict = "conflicts" "with" ID { "prefer" ID "when" condition }
  ///            [ "otherwise" ( "prefer" ( ID | "stronger" ) | "keep" "both" ) ] ;
  private mutating func parseSettlement(_ word: Token, into conflict: inout ConflictSyntax) throws {
    if conflict.otherwise != nil {
      report(.error(.unexpectedToken, "nothing may follow 'otherwise' in a conflict", at: word.range))
    }
    if word.value == "prefer" {
      let preferred = try parseName("the recommendation to prefer")
      try expectWord("when")
      conflict.preferences.append((preferred, try parseCondition()))
      return
    }
    if takeIfWord("keep") != nil {
      try expectWord("both")
      conflict.otherwise = .keepBoth(word.range)
      return
    }
    try expectWord("prefer")
    if let stronger = takeIfWord("stronger") {
      conflict.otherwise = .stronger(stronger.range)
    } else {
      conflict.otherwise = .prefer(try parseName("the recommendation to prefer, or 'stronger'"))
    }
  }

  // MARK: Conditions

  /// condition = conjunction { "or" conjunction } ;
  mutating func parseCondition() throws -> ConditionSyntax {
    depth += 1
    defer { depth -= 1 }
    if depth > Self.maximumDepth {
      report(
        .error(
          .nestingTooDeep, "this condition nests more than \(Self.maximumDepth) levels deep; split it into several rules",
          at: current.range))
      throw Failure()
    }
    let first = try parseConjunction()
    // Most conditions are one conjunction: no list is made for them.
    guard takeIfWord("or") != nil else { return first }
    var parts = [first, try parseConjunction()]
    while takeIfWord("or") != nil { parts.append(try parseConjunction()) }
    return .any(parts, first.range.through(parts[parts.count - 1].range))
  }

  /// conjunction = negation { "and" negation } ;
  private mutating func parseConjunction() throws -> ConditionSyntax {
    let first = try parseNegation()
    // In a rule, `and` after the condition cannot occur (`then` comes first), so `and`
    // always continues the condition here.
    guard takeIfWord("and") != nil else { return first }
    var parts = [first, try parseNegation()]
    while takeIfWord("and") != nil { parts.append(try parseNegation()) }
    return .all(parts, first.range.through(parts[parts.count - 1].range))
  }

  /// negation = "not" negation | primary ;
  private mutating func parseNegation() throws -> ConditionSyntax {
    if let not = takeIfWord("not") {
      depth += 1
      defer { depth -= 1 }
      if depth > Self.maximumDepth {
        report(.error(.nestingTooDeep, "too many 'not's in a row", at: not.range))
        throw Failure()
      }
      let inner = try parseNegation()
      return .not(inner, not.range.through(inner.range))
    }
    return try parsePrimary()
  }

  /// primary = "(" condition ")" | "at" "least" NUMBER "of" "(" condition { "," condition } ")" | test ;
  private mutating func parsePrimary() throws -> ConditionSyntax {
    if current.kind == .openParenthesis {
      take()
      let inner = try parseCondition()
      _ = try expect(.closeParenthesis, "')' to close the '('")
      return inner
    }
    if let at = takeIfWord("at") {
      try expectWord("least")
      let count = try parseNumber("how many conditions must hold")
      try expectWord("of")
      _ = try expect(.openParenthesis, "'(' and the list of conditions")
      var parts = [try parseCondition()]
      while current.kind == .comma {
        take()
        parts.append(try parseCondition())
      }
      let close = try expect(.closeParenthesis, "',' or ')' in the list of conditions")
      guard count.value == count.value.rounded(), count.value >= 1 else {
        report(.error(.invalidNumber, "'at least' needs a whole number of 1 or more", at: count.range))
        throw Failure()
      }
      return .atLeast(Int(count.value), parts, at.range.through(close.range))
    }
    return .test(try parseTest())
  }

  /// test = ID [ "certainty" COMPARE NUMBER | "is" [ "not" ] ( value | "answered" )
  ///      | "in" "(" value { "," value } ")" | "includes" ID | COMPARE NUMBER
  ///      | "between" NUMBER "and" NUMBER | ( "more" | "less" ) "than" NUMBER ID "ago" ] ;
  private mutating func parseTest() throws -> TestSyntax {
    let subject = try parseName("a question, finding or score")
    func done(_ comparison: TestSyntax.Comparison, _ end: SourceRange) -> TestSyntax {
      var test = TestSyntax(subject: subject, comparison: comparison, range: subject.range.through(end))
      if !comparison.numbers.isEmpty || isCertainty(comparison) {
        (test.unit, test.unitRemoval) = unitAfterNumber(end)
      }
      return test
    }
    if takeIfWord("certainty") != nil {
      guard let op = comparisonOperator(current.kind) else {
        throw fail(expected: "a comparison (<, <=, >, >=) after 'certainty'")
      }
      take()
      let bound = try parseNumber("a certainty")
      return done(.certainty(op, bound), bound.range)
    }
    if takeIfWord("is") != nil {
      let negated = takeIfWord("not") != nil
      if let answered = takeIfWord("answered") { return done(.answered(negated: negated), answered.range) }
      let value = try parseValue()
      return done(.is(negated: negated, value), value.range)
    }
    if current.isWord("more") || current.isWord("less") {
      let more = take().value == "more"
      try expectWord("than")
      let amount = try parseNumber("how many days, weeks, months or years")
      let unit = try parseName("days, weeks, months or years")
      guard let ago = takeIfWord("ago") else { throw fail(expected: "'ago' after the unit", suggestionsFrom: ["ago"]) }
      return done(.ago(more: more, amount: amount, unit: unit), ago.range)
    }
    if takeIfWord("in") != nil {
      _ = try expect(.openParenthesis, "'(' and a list of options")
      var values = [try parseValue()]
      while current.kind == .comma {
        take()
        values.append(try parseValue())
      }
      let close = try expect(.closeParenthesis, "',' or ')' in the list of options")
      return done(.in(values), close.range)
    }
    if takeIfWord("includes") != nil {
      let option = try parseName("an option id")
      return done(.includes(option), option.range)
    }
    if takeIfWord("between") != nil {
      let low = try parseNumber("the low end of the range")
      try expectWord("and")
      let high = try parseNumber("the high end of the range")
      return done(.between(low, high), high.range)
    }
    if let op = comparisonOperator(current.kind) {
      take()
      if current.kind == .word {
        let norm = try parseName("a norm id")
        return done(.compareNorm(op, norm), norm.range)
      }
      let bound = try parseNumber("a number or a norm to compare with")
      return done(.compare(op, bound), bound.range)
    }
    return done(.bare, subject.range)
  }

  private func isCertainty(_ comparison: TestSyntax.Comparison) -> Bool {
    if case .certainty = comparison { true } else { false }
  }

  /// Words on the same line after a number that the grammar does not expect there
  /// (`> 6 hours`, `> 6 hours a day`): taken, so the compiler can say the number stands
  /// alone, in the question's unit.
  private mutating func unitAfterNumber(_ number: SourceRange) -> (Spelled<String>?, SourceRange?) {
    var words: [Token] = []
    while current.kind == .word, !current.startsLine,
      !current.lowercaseLetters || (!Self.reservedWords.contains(current.value) && !Self.attributeWords.contains(current.value))
    {
      words.append(take())
    }
    guard let first = words.first, let last = words.last else { return (nil, nil) }
    let unit = Spelled(value: words.map(\.value).joined(separator: " "), range: first.range.through(last.range))
    return (unit, SourceRange(file: number.file, start: number.end, end: last.range.end))
  }

  /// value = ID | NUMBER ;
  private mutating func parseValue() throws -> ValueSyntax {
    if current.kind == .number, let number = current.number {
      let token = take()
      return .number(Spelled(value: number, range: token.range))
    }
    guard current.kind == .word, !atReservedWord || current.isWord("yes") || current.isWord("no")
    else { throw fail(expected: "an option, a stratum or a number") }
    let token = take()
    return .word(Name(text: token.value, range: token.range))
  }

  private func comparisonOperator(_ kind: Token.Kind) -> ComparisonOperator? {
    switch kind {
    case .less: .less
    case .lessOrEqual: .lessOrEqual
    case .greater: .greater
    case .greaterOrEqual: .greaterOrEqual
    default: nil
    }
  }

  // MARK: Cases

  /// case = "case" ID { "description" TEXT | "answer" ID answer | "expect" expectation } ;
  private mutating func parseCase(_ keyword: Token) throws -> CaseSyntax {
    let id = try parseName("a case id")
    var testCase = CaseSyntax(id: id, range: keyword.range.through(id.range))
    parseAttributes(of: .clinicalCase, attributes: ["description", "answer", "expect", "assessment"]) { parser, word in
      switch word.value {
      case "assessment":
        try parser.expectWord("date")
        parser.checkSingle(testCase.assessmentDate, word)
        let date = try parser.expect(.date, "the assessment date (YYYY-MM-DD): the day the case's answers were given")
        testCase.assessmentDate = Spelled(value: date.value, range: date.range)
      case "description":
        parser.checkSingle(testCase.description, word)
        testCase.description = try parser.parseText("the description")
      case "answer":
        let question = try parser.parseName("a question id")
        testCase.answers.append((question, try parser.parseAnswer()))
      case "expect":
        testCase.expectations.append(try parser.parseExpectation(word))
      default: return false
      }
      return true
    }
    return testCase
  }

  /// answer = "yes" | "no" | NUMBER | ID | "not" "sure" | "(" [ ID { "," ID } ] ")" | TEXT | DATE ;
  private mutating func parseAnswer() throws -> AnswerSyntax {
    if takeIfWord("yes") != nil { return .yes }
    if takeIfWord("no") != nil { return .no }
    if takeIfWord("not") != nil {
      try expectWord("sure")
      return .notSure
    }
    if current.kind == .number, let number = current.number {
      take()
      return .number(number)
    }
    if current.kind == .openParenthesis {
      take()
      var options: [String] = []
      if current.kind != .closeParenthesis {
        options.append(try parseName("an option id").text)
        while current.kind == .comma {
          take()
          options.append(try parseName("an option id").text)
        }
      }
      _ = try expect(.closeParenthesis, "',' or ')' in the list of options")
      return .options(options)
    }
    if current.kind == .text { return .text(try parseText("the answer").value) }
    if current.kind == .date { return .date(take().value) }
    guard current.kind == .word else {
      throw fail(expected: "an answer (yes, no, a number, an option, (options…), a quoted text, a date or not sure)")
    }
    return .option(take().value)
  }

  /// expectation = [ "not" ] ID [ "certainty" number-test ] | ID "upstream" "of" ID
  ///             | "top" "contributor" "of" ID "is" ID | [ "not" ] "recommend" ID
  ///             | "withheld" ID | [ "not" ] "red" "flag" ID [ "urgency" ID ]
  ///             | "no" "red" "flags" | ID "is" value | "not" "asked" ID ;
  private mutating func parseExpectation(_ keyword: Token) throws -> ExpectationSyntax {
    let start = keyword.range
    func done(_ claim: ExpectationSyntax.Claim, numbers: [SourceRange] = []) -> ExpectationSyntax {
      ExpectationSyntax(claim: claim, range: start.through(tokens[max(0, index - 1)].range), certaintyNumbers: numbers)
    }
    if takeIfWord("no") != nil {
      try expectWord("red")
      try expectWord("flags")
      return done(.noRedFlags)
    }
    let present = takeIfWord("not") == nil
    if takeIfWord("recommend") != nil {
      return done(.recommend(try parseName("a recommendation id"), present: present))
    }
    if current.isWord("red") {
      take()
      try expectWord("flag")
      let flag = try parseName("a red flag id")
      let urgency = takeIfWord("urgency") != nil ? try parseName("an urgency") : nil
      return done(.redFlag(flag, present: present, urgency: urgency))
    }
    if !present, takeIfWord("asked") != nil {
      return done(.notAsked(try parseName("a question id")))
    }
    if present, takeIfWord("withheld") != nil {
      return done(.withheld(try parseName("a recommendation id")))
    }
    if present, takeIfWord("top") != nil {
      try expectWord("contributor")
      try expectWord("of")
      let complaint = try parseName("a complaint id")
      try expectWord("is")
      return done(.topContributor(of: complaint, is: try parseName("a contributor id")))
    }
    let subject = try parseName("a finding, score, recommendation or red flag to expect")
    if takeIfWord("certainty") != nil {
      let test = try parseNumberTest()
      return done(.finding(subject, present: present, certainty: test.test), numbers: test.numbers)
    }
    if present, takeIfWord("upstream") != nil {
      try expectWord("of")
      return done(.upstream(subject, of: try parseName("a finding id")))
    }
    if present, takeIfWord("is") != nil {
      return done(.value(subject, try parseValue()))
    }
    return done(.finding(subject, present: present, certainty: nil))
  }

  /// number-test = COMPARE NUMBER | "between" NUMBER "and" NUMBER ;
  /// Returns the test and where each of its numbers is written.
  private mutating func parseNumberTest() throws -> (test: NumberTest, numbers: [SourceRange]) {
    if takeIfWord("between") != nil {
      let low = try parseNumber("the low end")
      try expectWord("and")
      let high = try parseNumber("the high end")
      return (.between(low.value, high.value), [low.range, high.range])
    }
    guard let op = comparisonOperator(current.kind) else {
      throw fail(expected: "a comparison (<, <=, >, >=) or 'between'")
    }
    take()
    let bound = try parseNumber("a certainty")
    return (.compare(op, bound.value), [bound.range])
  }
}

// MARK: - Tokens as the parser reads them

/// The parser's view of a file's tokens: read from the lexer as parsing goes, keeping only
/// the few just behind the current one (the parser looks back at most two), so memory does
/// not grow with the number of tokens in the file.
private struct TokenWindow {
  private var lexer: Lexer
  private var buffer: [Token] = []
  /// The position of `buffer[0]` among all the file's tokens.
  private var first = 0

  init(_ lexer: Lexer) {
    self.lexer = lexer
    read(through: 1)
  }

  /// The lexer's problems so far.
  var diagnostics: [Diagnostic] { lexer.diagnostics }
  /// The comments read so far (all of them, once the parser reaches the end).
  var comments: [Comment] { lexer.comments }

  /// The token at a position (at most two behind the furthest read); past the end of the
  /// file, the end-of-file token.
  subscript(position: Int) -> Token { buffer[min(max(position - first, 0), buffer.count - 1)] }

  /// Whether the end-of-file token has been read.
  private var readToEnd = false

  /// Reads tokens until the one at `position` is read or the file ends.
  mutating func read(through position: Int) {
    while first + buffer.count <= position, !readToEnd {
      let token = lexer.next()
      readToEnd = token.kind == .endOfFile
      buffer.append(token)
    }
    if buffer.count > 4096 {
      let dropped = buffer.count - 16
      buffer.removeFirst(dropped)
      first += dropped
    }
  }
}
