import Testing

@testable import Upstream

/// `below range "…"` and `above range "…"` on a number question: the range is who the
/// knowledge base is for.
@Suite("Below range: parsing and checking")
struct OutOfScopeParsingTests {
  private func parse(_ text: String) -> (file: SyntaxFile, diagnostics: [Diagnostic]) {
    Parser.parse(SourceFile(path: "t.rules", text: text))
  }

  private func question(_ text: String) throws -> QuestionSyntax {
    let (file, diagnostics) = parse(text)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let found = file.declarations.compactMap { declaration -> QuestionSyntax? in
      if case .question(let question) = declaration { return question }
      return nil
    }
    return try #require(found.first)
  }

  @Test("below range TEXT and above range TEXT are read, their texts joined, with their source ranges")
  func readsClauses() throws {
    let syntax = try question(
      """
      question age: number
        ask "How old are you?"
        range 16 to 110
        below range "For people aged 16 and over."
                    "Please see your GP."
        above range "Please check the age you typed."
      """)
    let below = try #require(syntax.belowRange)
    #expect(below.side == .below)
    #expect(below.message.value == "For people aged 16 and over. Please see your GP.")
    #expect(below.range.start.line == 4 && below.range.start.column == 3)
    #expect(below.range.end.line == 5)
    #expect(below.startsLine)
    let above = try #require(syntax.aboveRange)
    #expect(above.side == .above)
    #expect(above.message.value == "Please check the age you typed.")
    #expect(above.range.start.line == 6)
  }

  @Test("a clause without 'range' or without its text is reported, and parsing goes on")
  func badClauses() {
    let (file, diagnostics) = parse(
      """
      question a: number
        ask "A?"
        range 0 to 10
        below "Not for you."
      question b: number
        ask "B?"
        range 0 to 10
        above range
        unit "years"
      question c: number
        ask "C?"
      """)
    #expect(
      diagnostics.map { "\($0.range.start.line):\($0.range.start.column) \($0.code.rawValue) \($0.message)" } == [
        "4:9 UP0010 expected 'range', found a quoted text",
        "9:3 UP0010 expected what a person whose answer is above the range is told, e.g. \"Upstream is for people aged 16 and over.\" in double quotes, found 'unit'",
      ])
    #expect(file.declarations.count == 3)
  }

  @Test("must trigger: a clause given twice is an error whose fix removes the second, leaving a file that checks clean")
  func duplicateClause() throws {
    let text =
      header + """
        question age: number
          ask "How old are you?"
          range 16 to 110
          below range "For people aged 16 and over."
          below range "Also for people aged 16 and over."
                      "Twice."
          unit "years"

        """
    let diagnostics = parse(text).diagnostics
    #expect(diagnostics.map(\.code) == [.duplicateAttribute])
    let duplicate = try #require(diagnostics.first)
    #expect(
      duplicate.message == "'below range' is given twice; a person below the range can be told only one thing, so keep one")
    #expect(duplicate.range.start.line == 11)
    #expect(duplicate.notes.first?.range?.start.line == 10)
    let fix = try #require(duplicate.fix)
    #expect(fix.message == "remove the second 'below range'")
    #expect(fix.replacement == "")
    let bytes = Array(text.utf8)
    let fixed = String(decoding: bytes[..<fix.range.start.offset] + bytes[fix.range.end.offset...], as: UTF8.self)
    #expect(fixed.contains("  below range \"For people aged 16 and over.\"\n  unit \"years\"\n"))
    #expect(!fixed.contains("Twice"))
    #expect(compile(fixed).diagnostics.filter { $0.severity == .error }.isEmpty)
  }

  @Test(
    "must trigger: a clause on a question that is not a number, or with an empty text",
    arguments: [
      (
        "question q: yes/no\n  ask \"Q?\"\n  below range \"Not for you.\"\n", DiagnosticCode.typeMismatch,
        "only a number question can say who is below its range; 'q' is yes/no"
      ),
      (
        "question q: scale\n  ask \"Q?\"\n  above range \"Not for you.\"\n", .typeMismatch,
        "only a number question can say who is above its range; 'q' is scale"
      ),
      (
        "question q: number\n  ask \"Q?\"\n  range 0 to 9\n  below range \"  \"\n", .missingAttribute,
        "the text after 'below range' is empty; write what a person below the range is told: who it is for, and where to go instead"
      ),
    ])
  func mustTrigger(_ declaration: String, _ code: DiagnosticCode, _ message: String) {
    let errors = compile(header + declaration).diagnostics.filter { $0.severity == .error }
    #expect(errors.map(\.code) == [code])
    #expect(errors.first?.message == message)
  }

  @Test("must not trigger: a number question with both clauses compiles clean, and says what each side is told")
  func mustNotTrigger() throws {
    let loaded = compile(
      header + """
        question age: number
          ask "How old are you?"
          range 16 to 110
          unit "years"
          below range "For people aged 16 and over."
          above range "Please check the age you typed."
        question sitting: number
          ask "Hours sitting?"
          range 0 to 24

        """)
    #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty, "\(loaded.diagnostics.map(\.message))")
    let kb = try #require(loaded.knowledgeBase)
    let age = try #require(kb.question("age"))
    #expect(age.belowRangeMessage == "For people aged 16 and over.")
    #expect(age.aboveRangeMessage == "Please check the age you typed.")
    #expect(age.outOfScopeMessage(for: 15) == "For people aged 16 and over.")
    #expect(age.outOfScopeMessage(for: 15.5) == "For people aged 16 and over.")
    #expect(age.outOfScopeMessage(for: 16) == nil && age.outOfScopeMessage(for: 110) == nil)
    #expect(age.outOfScopeMessage(for: 111) == "Please check the age you typed.")
    let sitting = try #require(kb.question("sitting"))
    #expect(sitting.belowRangeMessage == nil && sitting.outOfScopeMessage(for: -1) == nil && sitting.outOfScopeMessage(for: 25) == nil)
  }
}
