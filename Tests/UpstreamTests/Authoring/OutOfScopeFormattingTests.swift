import Testing

@testable import Upstream

@Suite("Below range: formatting")
struct OutOfScopeFormattingTests {
  @Test("upstream fmt lays out below range and above range canonically, idempotently, and the meaning is kept")
  func roundTrip() throws {
    let messy =
      header + """
        question age: number
          ask "How old are you?"
          range 16 to 110
              below    range   "For people aged 16"   "and over."
          above range
             "Please check the age."
          unit "years"

        """
    let formatted = try FormatterTests.format(messy)
    #expect(
      formatted.hasSuffix(
        """
        question age: number
          ask "How old are you?"
          range 16 to 110
          below range "For people aged 16"
                      "and over."
          above range
                "Please check the age."
          unit "years"

        """), "\(formatted)")
    #expect(try FormatterTests.format(formatted) == formatted)
    let before = try #require(KnowledgeBase.compile(files: [("t.rules", messy)]).knowledgeBase)
    let after = try #require(KnowledgeBase.compile(files: [("t.rules", formatted)]).knowledgeBase)
    #expect(MeaningFingerprint.of(before) == MeaningFingerprint.of(after))
    #expect(before.question("age")?.belowRangeMessage == "For people aged 16 and over.")
    // Dropping the clause changes the meaning: the formatter's proof would catch it.
    let lines = formatted.split(separator: "\n", omittingEmptySubsequences: false)
    let kept = lines.filter { !$0.contains("above range") && !$0.contains("Please check the age.") }.joined(separator: "\n")
    #expect(kept.count < formatted.count)
    let without = try #require(KnowledgeBase.compile(files: [("t.rules", kept)]).knowledgeBase)
    #expect(MeaningFingerprint.of(without) != MeaningFingerprint.of(after))
  }
}
