import Testing

@testable import Upstream

/// A misspelt source gets a "did you mean" only when the numbers match: a guideline's
/// number is never guessed, since a quick fix would cite another guideline.
@Suite("Unknown sources")
struct UnknownSourceTests {
  /// The shipped rules and one more rule citing `source`.
  static func diagnostic(citing source: String) throws -> Diagnostic {
    let rule = """
      rule physio-cites
        when hip_pain
        then weak_glutes certainty 0.2
        because "b"
        source \(source)

      """
    let (loaded, _) = DoubleCountingTests.shipped(plus: rule)
    return try #require(loaded.diagnostics.first { $0.code == .unknownId }, "\(loaded.diagnostics)")
  }

  @Test("a guideline with another number is not suggested: nice-ng136 is not nice-ng19; the note says how to declare it")
  func anotherNumberIsNotSuggested() throws {
    let unknown = try Self.diagnostic(citing: "nice-ng136")
    #expect(unknown.message == "no source is called 'nice-ng136'")
    #expect(unknown.fix == nil, "suggested \(unknown.fix?.replacement ?? "")")
    #expect(unknown.notes.contains { $0.message.contains("'source nice-ng136' with a 'title', a 'citation'") })
  }

  @Test("a misspelling with the same numbers, or none, still gets its did-you-mean")
  func sameNumbersAreSuggested() throws {
    #expect(try Self.diagnostic(citing: "nice-ng95").fix == nil, "59 and 95 are other numbers")
    #expect(try Self.diagnostic(citing: "nice_ng59").fix?.replacement == "nice-ng59")
    #expect(try Self.diagnostic(citing: "ifompt-redflags").fix?.replacement == "ifompt-red-flags")
  }
}
