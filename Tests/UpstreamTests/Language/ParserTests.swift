import Testing

@testable import Upstream

@Suite("Lexer and parser")
struct ParserTests {
  private func parse(_ text: String) -> (file: SyntaxFile, diagnostics: [Diagnostic]) {
    Parser.parse(SourceFile(path: "t.rules", text: text))
  }

  @Test("reads every declaration of the sketch in the issue")
  func readsTheSketch() throws {
    let (file, diagnostics) = parse(
      """
      question arch_shape: choice
        ask "Stand barefoot. How do the arches of your feet look?"
        option flat "Flat: the inside of the foot touches the floor"
        option normal "A visible arch"
        not sure allowed

      rule flat-arches-point-to-collapse
        when arch_shape is flat
        then collapsed_arches certainty 0.6
        because "Flat arches absorb less shock, so the hips work harder to steady each step."
        source truckers-guide
        reviewed 2026-11-01
      """)
    #expect(diagnostics.isEmpty)
    #expect(file.declarations.count == 2)
    guard case .question(let question) = file.declarations[0], case .rule(let rule) = file.declarations[1] else {
      Issue.record("wrong declarations")
      return
    }
    #expect(question.options.map(\.id.text) == ["flat", "normal"])
    #expect(question.notSureAllowed != nil)
    #expect(rule.provenance.sources.map(\.text) == ["truckers-guide"])
    #expect(rule.provenance.reviewed?.value == "2026-11-01")
    guard case .certainty(let finding, let certainty) = try #require(rule.conclusions.first) else {
      Issue.record("wrong conclusion")
      return
    }
    #expect(finding.text == "collapsed_arches")
    #expect(certainty.value == 0.6)
    #expect(rule.id.range.start.line == 7)
  }

  @Test("and binds tighter than or; not applies to the next test")
  func precedence() throws {
    let (file, diagnostics) = parse(
      """
      rule r
        when a or b and not c
        then x certainty 1
        because "b"
      """)
    #expect(diagnostics.isEmpty)
    guard case .rule(let rule) = file.declarations[0], case .any(let parts, _) = try #require(rule.condition) else {
      Issue.record("expected an or at the top")
      return
    }
    #expect(parts.count == 2)
    guard case .all(let conjuncts, _) = parts[1], case .not = conjuncts[1] else {
      Issue.record("expected b and not c")
      return
    }
  }

  @Test("texts in a row join with a space; escapes resolve; Unicode is kept")
  func texts() throws {
    let (file, diagnostics) = parse(
      """
      knowledge base "Kinetic \\"chain\\""
        version "1"
        disclaimer "Screening aid –" "not a diagnosis ✓"
      """)
    #expect(diagnostics.isEmpty)
    guard case .header(let header) = file.declarations[0] else {
      Issue.record("no header")
      return
    }
    #expect(header.title.value == "Kinetic \"chain\"")
    #expect(header.disclaimer?.value == "Screening aid – not a diagnosis ✓")
  }

  @Test("reports several errors from one file and keeps parsing")
  func severalErrors() {
    let (file, diagnostics) = parse(
      """
      question q: yes/no
        ask "Fine?"
        colour "red"
      rule r1
        when q is
        then x certainty 0.5
        because "b"
      rule r2
        when q
        then x certainty 0.5
        because "unterminated
      question ok: yes/no
        ask "Still parsed?"
      """)
    let codes = diagnostics.map(\.code)
    #expect(codes.contains(.unknownAttribute))
    #expect(codes.contains(.unexpectedToken))
    #expect(codes.contains(.unterminatedText))
    #expect(diagnostics.count >= 3)
    // The last declaration is still read after the errors.
    #expect(file.declarations.contains { if case .question(let q) = $0 { q.id.text == "ok" } else { false } })
  }

  @Test("an unknown attribute gets a did-you-mean from the attribute list")
  func attributeSuggestion() throws {
    let (_, diagnostics) = parse(
      """
      question q: yes/no
        aks "Fine?"
      """)
    let diagnostic = try #require(diagnostics.first { $0.code == .unknownAttribute })
    #expect(diagnostic.fix?.replacement == "ask")
    #expect(diagnostic.range.start.line == 2)
    #expect(diagnostic.range.start.column == 3)
  }

  @Test("physical test: read on a question, given once; twice is an error; a misspelling lists it among the attributes")
  func physicalTest() throws {
    let (file, diagnostics) = parse(
      """
      question stance: number
        ask "Stand on one leg: how many seconds?"
        range 0 to 45
        physical test
      """)
    #expect(diagnostics.isEmpty)
    guard case .question(let question) = try #require(file.declarations.first) else {
      Issue.record("not a question")
      return
    }
    #expect(question.physicalTest?.start.line == 4)
    let (_, twice) = parse(
      """
      question stance: number
        ask "Stand on one leg: how many seconds?"
        physical test
        physical test
      """)
    #expect(twice.contains { $0.code == .duplicateAttribute && $0.range.start.line == 4 })
    let (_, misspelt) = parse(
      """
      question stance: number
        ask "Stand on one leg: how many seconds?"
        physicl test
      """)
    let unknown = misspelt.first { $0.code == .unknownAttribute }
    #expect(unknown?.message.contains("wording when, physical test") == true)
  }

  @Test("deep nesting is a diagnostic, not a stack overflow")
  func deepNesting() {
    let depth = 100_000
    let text =
      "rule r\n  when " + String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
      + "\n  then x certainty 1\n  because \"b\"\n"
    let (_, diagnostics) = parse(text)
    #expect(diagnostics.contains { $0.code == .nestingTooDeep })
  }

  @Test("nesting within the limit parses")
  func nestingWithinLimit() {
    let depth = 50
    let text =
      "rule r\n  when " + String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth)
      + "\n  then x certainty 1\n  because \"b\"\n"
    #expect(parse(text).diagnostics.isEmpty)
  }

  @Test("lexer problems: invalid characters, bad escapes, bad dates, huge numbers, NUL")
  func lexerProblems() {
    let (_, diagnostics) = parse(
      """
      rule r
        when a = 3 and b > 123456789012345678901234567890
        then x certainty 0.5
        because "bad \\q escape"
        reviewed 2026-02-30
      \u{0}
      """)
    let codes = Set(diagnostics.map(\.code))
    #expect(codes.isSuperset(of: [.invalidCharacter, .invalidNumber, .invalidEscape, .invalidDate, .invalidEncoding]))
    let equals = diagnostics.first { $0.code == .invalidCharacter }
    #expect(equals?.message.contains("write 'is'") == true)
  }

  @Test("a keyword cannot be an id")
  func reservedWord() {
    let (_, diagnostics) = parse(
      """
      question and: yes/no
        ask "?"
      """)
    #expect(diagnostics.map(\.code) == [.reservedWordAsId])
  }

  @Test("case files: answers and every kind of expectation")
  func caseFile() throws {
    let (file, diagnostics) = parse(
      """
      case desk-worker
        description "Sits all day."
        answer sitting_hours 10
        answer back yes
        answer arch not sure
        answer activities (cycling, running)
        answer none_of_these ()
        expect low_back_pain
        expect tight_hips certainty between 0.3 and 0.8
        expect top contributor of low_back_pain is tight_hips
        expect tight_hips upstream of low_back_pain
        expect not collapsed_arches
        expect recommend psoas_stretch
        expect not recommend foot_rolling
        expect withheld foot_rolling
        expect red flag cauda urgency emergency
        expect no red flags
        expect not red flag cauda
        expect startback_total is 5
        expect startback_total is medium
        expect not asked arch
      """)
    #expect(diagnostics.isEmpty)
    guard case .testCase(let testCase) = file.declarations[0] else {
      Issue.record("no case")
      return
    }
    #expect(testCase.answers.count == 5)
    #expect(testCase.answers[3].answer == .options(["cycling", "running"]))
    #expect(testCase.answers[4].answer == .options([]))
    #expect(testCase.expectations.count == 14)
  }

  @Test("positions count characters, not bytes, on lines with Unicode")
  func unicodeColumns() throws {
    let (_, diagnostics) = parse("question q: yes/no\n  ask \"Ça va – très bien?\" oops\n")
    let diagnostic = try #require(diagnostics.first)
    #expect(diagnostic.range.start.line == 2)
    #expect(diagnostic.range.start.column == 28)
  }
}
