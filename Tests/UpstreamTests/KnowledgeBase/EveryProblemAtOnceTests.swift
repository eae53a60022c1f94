import Foundation
import Testing

@testable import Upstream

/// One `upstream check` lists every error, and no error is hidden or invented by another.
@Suite("Every problem at once")
struct EveryProblemAtOnceTests {
  /// Rules a clinician might write with three separate mistakes: two in one rule, one in another.
  static let threeMistakes =
    header + """
      question sitting_hours: number
        ask "Hours sitting?"
        range 0 to 24
      complaint hip_pain
        name "Hip pain"
        region hip
        explain "Pain in or around the hip."
      contributor collapsed_arches
        name "Collapsed arches"
        region foot
        explain "Arches that touch the floor."
      rule m4
        when sitting_hours > 8
        then hip_pain upstream of collapsed_arches
        because "x"
        source s-typo
      rule m5
        when sitting_hours > 8 and sitting_hours < 4
        then collapsed_arches certainty 0.6
        because "x"
        source s
      rule fine
        when sitting_hours > 8
        then collapsed_arches certainty 0.6
        and collapsed_arches upstream of hip_pain
        because "x"
        source s

      """

  @Test("a mistake in one rule hides neither another mistake in it nor one in another rule")
  func oneRunListsEveryError() {
    let loaded = compile(Self.threeMistakes)
    #expect(loaded.knowledgeBase == nil)
    let errors = loaded.diagnostics.filter { $0.severity == .error }
    #expect(errors.map(\.code) == [.wrongKindOfId, .unknownId, .ruleNeverFires], "\(errors.map(\.message))")
    #expect(errors.first { $0.code == .unknownId }?.message.contains("s-typo") == true)
    #expect(errors.first { $0.code == .ruleNeverFires }?.message.contains("'m5'") == true)
  }

  @Test("a rule with an error is judged by no check: a number too long to read invents no overlap or double counting")
  func noCascade() {
    let text =
      header + """
        question sitting_hours: number
          ask "Hours sitting?"
          range 0 to 24
        contributor collapsed_arches
          name "Collapsed arches"
          region foot
          explain "Arches that touch the floor."
        rule big-num
          when sitting_hours > 1234567890123456789012
          then collapsed_arches certainty 0.1
          because "x"
          source s
        rule other
          when sitting_hours > 3
          then collapsed_arches certainty 0.1
          because "x"
          source s
        rule unit
          when sitting_hours > 360 minutes
          then collapsed_arches certainty 0.1
          because "x"
          source s

        """
    let codes = compile(text).diagnostics.map(\.code)
    #expect(codes.filter { $0 == .invalidNumber }.count == 1, "\(codes)")
    #expect(codes.filter { $0 == .unitInComparison }.count == 1, "\(codes)")
    #expect(!codes.contains(.overlappingRanges) && !codes.contains(.doubleCounting) && !codes.contains(.ruleNeverFires), "\(codes)")
  }

  @Test("a misspelt conclusion in any shipped rule file: that one error, no warning, and the rest of the knowledge base still judged")
  func shippedFilesWithOneMistake() throws {
    let files = KnowledgeBase.bundled().files
    var mutated = 0
    for (index, file) in files.enumerated() {
      // `then FINDING certainty …`: the finding's id misspelt.
      guard let then = file.text.range(of: #"\n  then [a-z_]+ certainty"#, options: .regularExpression),
        let space = file.text[then].range(of: " certainty")
      else { continue }
      let broken = file.text.replacingCharacters(in: space.lowerBound..<space.lowerBound, with: "_no_such_finding_")
      var sources = files
      sources[index] = SourceFile(path: file.path, text: broken)
      let loaded = KnowledgeBase.compile(sources, checks: fixedDayChecks)
      #expect(loaded.knowledgeBase == nil, "\(file.path)")
      let unknown = loaded.diagnostics.filter { $0.code == .unknownId && $0.message.contains("no_such_finding_") }
      #expect(unknown.count == 1 && unknown.first?.range.file == file.path, "\(file.path): \(loaded.diagnostics.map(\.message))")
      #expect(!loaded.diagnostics.contains { $0.severity == .warning }, "\(file.path): \(loaded.diagnostics.map(\.message))")
      mutated += 1
    }
    #expect(mutated >= 5)
  }

  // MARK: - The per-file cap

  /// `count` questions nobody reads: a warning each.
  static func unusedQuestions(_ count: Int) -> String {
    (0..<count).map { "question unused_\($0): yes/no\n  ask \"Unused \($0)?\"\n" }.joined()
  }

  @Test("more than 200 warnings in a file: the list ends with a warning counting the rest, and the knowledge base still loads")
  func warningsOnlyCap() throws {
    let loaded = compile(
      header + "rule r\n  when pain\n  then walk_advice certainty 0.5\n  because \"b\"\n  source s\n" + Self.used + Self.unusedQuestions(250))
    #expect(loaded.knowledgeBase != nil)
    let last = try #require(loaded.diagnostics.last)
    #expect(last.message == Diagnostic.tooManyMessage)
    #expect(last.severity == .warning)
    #expect(last.notes.first?.message.contains("more warnings not listed") == true)
    #expect(loaded.diagnostics.count == DiagnosticCollector.limitPerFile + 1)
    #expect(!loaded.diagnostics.contains { $0.severity == .error })
  }

  @Test("warnings never push an error out of a file's list, wherever it is in the file")
  func errorsKeptBeforeWarnings() throws {
    let loaded = compile(
      header + Self.used + Self.unusedQuestions(250) + "rule late\n  when pain\n  then nothing_known certainty 0.5\n  because \"b\"\n  source s\n")
    #expect(loaded.knowledgeBase == nil)
    #expect(loaded.diagnostics.contains { $0.code == .unknownId && $0.message.contains("nothing_known") })
    #expect(loaded.diagnostics.count <= DiagnosticCollector.limitPerFile + 1)
  }

  /// A question and a finding the rules use, so only the unused questions warn.
  static let used = """
    question pain: yes/no
      ask "Pain?"
    contributor walk_advice
      name "Walking"
      region foot
      explain "Walking."

    """

  // MARK: - Checks stay linear

  @Test("500 rules banding one question with overlapping ranges: each is reported once, not once per pair")
  func overlappingFamilyIsLinear() {
    let rules = (0..<500).map { index in
      "rule gen-\(index)\n  when hours >= \(index % 24) and pain\n  then walk_advice certainty 0.01\n  because \"generated\"\n  source s\n"
    }
    let text = header + Self.used + "question hours: number\n  ask \"Hours?\"\n  range 0 to 24\n" + rules.joined()
    let loaded = KnowledgeBase.compile([SourceFile(path: "gen.rules", text: text)], checks: [OverlappingRangesCheck()])
    // Every band after the first overlaps the one before it reaching highest: 499 reports
    // (cut to the per-file cap), where pairs would be 124,750.
    #expect(loaded.diagnostics.count == DiagnosticCollector.limitPerFile + 1)
    let note = loaded.diagnostics.last?.notes.first?.message ?? ""
    #expect(note.contains("299 more warnings"), "\(note)")
  }
}
