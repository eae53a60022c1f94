import Testing

@testable import Upstream

@Suite("Not for: editing")
struct NotForEditingTests {
  @Test("completion offers 'not for' among a recommendation's attributes, then 'for', then questions")
  func completion() throws {
    let recommendation = "recommendation r\n  title \"R\"\n  "
    #expect(try EditingTests.completions(after: recommendation + "no") == ["not for"])
    #expect(try EditingTests.completions(after: recommendation + "not ") == ["for"])
    let questions = try EditingTests.completions(after: recommendation + "not for feet_")
    #expect(questions == ["feet_numb"])
  }

  @Test("hover on a recommendation shows its not for reasons; the ids in a not for are references")
  func hoverAndReferences() throws {
    let path = "rules/recommendations.rules"
    let offset = try EditingTests.offset("recommendation foot_rolling", in: path, delta: 16)
    let hover = try #require(EditingTests.shipped.hover(in: path, at: offset))
    #expect(hover.markdown.contains("Not for some people: Rolling a ball under a foot with less feeling"))
    let numb = try EditingTests.offset("not for diabetes or feet_numb", in: path, delta: 20)
    let uses = EditingTests.shipped.references(in: path, at: numb, includingDeclaration: true)
    #expect(uses.contains { $0.file == path && $0.start.offset == numb })
    #expect(uses.contains { $0.file == "rules/red-flags.rules" })
  }
}
