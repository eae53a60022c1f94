import Testing

@testable import Upstream

@Suite("Not for: parsing and compiling")
struct NotForParsingTests {
  private func parse(_ text: String) -> (file: SyntaxFile, diagnostics: [Diagnostic]) {
    Parser.parse(SourceFile(path: "t.rules", text: text))
  }

  private func recommendation(_ text: String) throws -> RecommendationSyntax {
    let (file, diagnostics) = parse(text)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let found = file.declarations.compactMap { declaration -> RecommendationSyntax? in
      if case .recommendation(let recommendation) = declaration { return recommendation }
      return nil
    }
    return try #require(found.first)
  }

  @Test("not for CONDITION TEXT is read, may repeat, and keeps its source ranges")
  func readsNotFor() throws {
    let syntax = try recommendation(
      """
      recommendation foot_rolling
        title "Roll out your feet"
        not for diabetes or feet_numb
            "Rolling a ball under a foot with less feeling can bruise it" "without you feeling it."
        not for age > 90 "Not at this age."
        source s
      """)
    #expect(syntax.notFor.count == 2)
    let first = syntax.notFor[0]
    #expect(first.reason.value == "Rolling a ball under a foot with less feeling can bruise it without you feeling it.")
    guard case .any(let parts, _) = first.condition else {
      Issue.record("expected an 'or' condition")
      return
    }
    #expect(parts.count == 2)
    #expect(first.range.start.line == 3 && first.range.start.column == 3)
    #expect(first.range.end.line == 4)
    #expect(first.condition.range.start.column == 11)
    #expect(syntax.notFor[1].reason.value == "Not at this age.")
    #expect(syntax.notFor[1].range.start.line == 5)
  }

  @Test("a not for with no condition, with no reason, or without 'for' is reported, and parsing goes on")
  func badNotFor() {
    let (file, diagnostics) = parse(
      """
      recommendation a
        title "A"
        not for "No condition"
        source s
      recommendation b
        title "B"
        not for numb
        source s
      recommendation c
        title "C"
        not numb "x"
        source s
      """)
    #expect(
      diagnostics.map { "\($0.range.start.line):\($0.range.start.column) \($0.code.rawValue) \($0.message)" } == [
        "3:11 UP0010 expected the people it is not for, as a condition (e.g. 'not for feet_numb is yes \"…\"'), found a quoted text",
        "8:3 UP0010 expected the reason it is not for them (e.g. \"It can bruise a foot with less feeling.\") in double quotes, found 'source'",
        "11:7 UP0010 expected 'for', found 'numb'",
      ])
    #expect(file.declarations.count == 3)
  }

  @Test("a not for naming an unknown question gets a did-you-mean; a finding is refused, as in dose when")
  func resolvesIds() throws {
    let text =
      header + """
        question numb: yes/no
          ask "Numb?"
        contributor flat_arches
          name "Flat arches"
        recommendation d
          title "D"
          not for numbb "x"
          source s
        recommendation e
          title "E"
          not for flat_arches "x"
          source s

        """
    let errors = compile(text).diagnostics.filter { $0.severity == .error }
    #expect(errors.map(\.code) == [.unknownId, .wrongKindOfId])
    #expect(errors.first?.message == "no question is called 'numbb'")
    #expect(errors.first?.fix?.replacement == "numb")
    #expect(errors.last?.message.hasPrefix("'flat_arches' is a contributor, but a condition needs a question") == true)
  }

  @Test("a compiled not for keeps its condition, reason and place; its question counts as used")
  func compiles() throws {
    let kb = try NotForFixture.kb()
    let rolling = try #require(kb.recommendation("rolling"))
    #expect(rolling.notFor.count == 1)
    #expect(rolling.notFor[0].reason == "It can bruise a foot with less feeling without you noticing.")
    #expect(ConditionText.describe(rolling.notFor[0].condition, in: kb) == "numb")
    #expect(rolling.notFor[0].location.line == 30)
    #expect(!compile(NotForFixture.text).diagnostics.contains { $0.code == .unusedQuestion })
  }
}
