import Testing

@testable import Upstream

@Suite("Below range: editing")
struct OutOfScopeEditingTests {
  @Test("completion offers 'below range' and 'above range' among a question's attributes")
  func completion() throws {
    let question = "question q: number\n  ask \"Q?\"\n  range 0 to 9\n  "
    #expect(try EditingTests.completions(after: question + "be") == ["below range"])
    #expect(try EditingTests.completions(after: question + "ab") == ["above range"])
  }

  @Test("hover on a question shows what a person below its range is told")
  func hover() throws {
    let path = "rules/red-flags.rules"
    let offset = try EditingTests.offset("question age", in: path, delta: 9)
    let hover = try #require(EditingTests.shipped.hover(in: path, at: offset))
    #expect(hover.markdown.contains("Range: 16 to 110 years"))
    #expect(hover.markdown.contains("Below the range, not for them: \"Upstream is for people aged 16 and over, so it cannot give you advice"))
  }
}
