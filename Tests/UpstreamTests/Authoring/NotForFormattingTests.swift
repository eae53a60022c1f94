import Testing

@testable import Upstream

@Suite("Not for: formatting")
struct NotForFormattingTests {
  @Test("upstream fmt lays out a not for canonically, idempotently, and the meaning is kept")
  func roundTrip() throws {
    let messy =
      header + """
        question numb: yes/no
          ask "Numb?"
        question diabetes: yes/no
          ask "Diabetes?"
        recommendation rolling
          title "Roll"
              not   for   diabetes   or
                (numb and not diabetes)   "It can bruise a foot"   "with less feeling."
          not for numb "Again."
          source s

        """
    let formatted = try FormatterTests.format(messy)
    #expect(
      formatted.hasSuffix(
        """
        recommendation rolling
          title "Roll"
          not for diabetes or
                  (numb and not diabetes) "It can bruise a foot"
                                          "with less feeling."
          not for numb "Again."
          source s

        """))
    #expect(try FormatterTests.format(formatted) == formatted)
    let before = try #require(KnowledgeBase.compile(files: [("t.rules", messy)]).knowledgeBase)
    let after = try #require(KnowledgeBase.compile(files: [("t.rules", formatted)]).knowledgeBase)
    #expect(MeaningFingerprint.of(before) == MeaningFingerprint.of(after))
    #expect(before.recommendation("rolling")?.notFor.count == 2)
  }
}
