import Foundation
import Testing

@testable import Upstream

/// The reviewer warnings added for authoring: duplicate conditions, overlapping and gapped
/// number ranges, missing explanations and stale reviews.
@Suite("Reviewer checks")
struct ReviewerChecksTests {
  static let hours = """
    question hours: number
      ask "Hours sitting?"
      range 0 to 24

    """

  static let hoursWithDecimals = """
    question hours: number
      ask "Hours sitting?"
      range 0 to 24
      decimals allowed

    """

  /// Two rules concluding `sitting` from two conditions on `hours`.
  static func bands(_ first: String, _ second: String, question: String = hours) -> String {
    header + question + """
      contributor sitting
        name "Long sitting"
        explain "e"
      rule low-band
        when \(first)
        then sitting certainty 0.3
        because "b"
        source s
      rule high-band
        when \(second)
        then sitting certainty 0.6
        because "b"
        source s

      """
  }

  static func warnings(_ text: String, _ code: DiagnosticCode) -> [Diagnostic] {
    compile(text).diagnostics.filter { $0.code == code }
  }

  @Test("ranges that only meet neither overlap nor leave a gap")
  func rangesThatMeet() {
    for (first, second) in [("hours < 7", "hours >= 7"), ("hours <= 6", "hours >= 7"), ("hours between 0 and 6", "hours > 6")] {
      let text = Self.bands(first, second)
      #expect(Self.warnings(text, .overlappingRanges).isEmpty, "\(first) / \(second)")
      #expect(Self.warnings(text, .gappedRanges).isEmpty, "\(first) / \(second)")
    }
  }

  @Test("a shared value is an overlap, named in the message")
  func overlap() throws {
    let warning = try #require(Self.warnings(Self.bands("hours <= 7", "hours >= 7"), .overlappingRanges).first)
    #expect(warning.message.contains("'low-band' and 'high-band' both fire when 'hours' is 7"))
    #expect(warning.severity == .warning)
    let wide = try #require(Self.warnings(Self.bands("hours between 2 and 9", "hours > 5"), .overlappingRanges).first)
    #expect(wide.message.contains("is 6 to 9"))
  }

  @Test("whole-number questions have no gap between 6 and 7; questions with decimals do")
  func gapsDependOnDecimals() throws {
    #expect(Self.warnings(Self.bands("hours <= 6", "hours >= 7"), .gappedRanges).isEmpty)
    let gap = try #require(Self.warnings(Self.bands("hours <= 6", "hours >= 7", question: Self.hoursWithDecimals), .gappedRanges).first)
    #expect(gap.message.contains("when 'hours' is above 6 and below 7"))
    let missing = try #require(Self.warnings(Self.bands("hours between 4 and 6", "hours >= 9"), .gappedRanges).first)
    #expect(missing.message.contains("when 'hours' is 7 to 8"))
  }

  @Test("rules that test other things too, or conclude other things, are not bands of one another")
  func unrelatedRulesAreNotBands() {
    let otherFinding =
      header + Self.hours + """
        question pain: yes/no
          ask "Pain?"
        contributor sitting
          name "S"
          explain "e"
        contributor other
          name "O"
          explain "e"
        rule low-band
          when hours <= 7
          then sitting certainty 0.3
          because "b"
          source s
        rule high-band
          when hours >= 7
          then other certainty 0.6
          because "b"
          source s
        rule gated
          when hours >= 12 and pain
          then sitting certainty 0.6
          because "b"
          source s

        """
    #expect(Self.warnings(otherFinding, .overlappingRanges).isEmpty)
    #expect(Self.warnings(otherFinding, .gappedRanges).isEmpty)
  }

  @Test("a duplicate condition is found however its parts are ordered")
  func duplicateConditions() throws {
    let text = Self.bands("hours >= 7 and hours <= 9", "(hours <= 9) and hours >= 7")
    let warning = try #require(Self.warnings(text, .duplicateCondition).first)
    #expect(warning.message.contains("rule 'low-band' has the same condition as rule 'high-band'"))
    #expect(Self.warnings(Self.bands("hours >= 7", "hours >= 8"), .duplicateCondition).isEmpty)
  }

  @Test("a finding without 'explain' is reported")
  func missingExplanation() throws {
    let text = Self.bands("hours < 7", "hours >= 7").replacingOccurrences(of: "  explain \"e\"\n", with: "")
    let warning = try #require(Self.warnings(text, .missingExplanation).first)
    #expect(warning.message.contains("contributor 'sitting' has no 'explain'"))
  }

  // MARK: Stale reviews

  static func reviewed(_ date: String) -> String {
    Self.bands("hours < 7", "hours >= 7").replacingOccurrences(of: "rule high-band\n", with: "rule high-band\n  reviewed \(date)\n")
  }

  static func staleWarnings(_ text: String, days: Int, today: String) throws -> [Diagnostic] {
    let checks = standardChecks(staleAfterDays: days, clock: .fixed(try #require(CalendarDay(today))))
    return KnowledgeBase.compile([SourceFile(path: "t.rules", text: text)], checks: checks).diagnostics.filter { $0.code == .staleReview }
  }

  @Test("a review older than the allowed age is stale, measured from the day given")
  func staleReviews() throws {
    let text = Self.reviewed("2026-01-01")
    #expect(try Self.staleWarnings(text, days: 30, today: "2026-01-31").isEmpty)
    let stale = try Self.staleWarnings(text, days: 30, today: "2026-02-01")
    #expect(stale.count == 1)
    #expect(
      stale.first?.message == "rule 'high-band' was last reviewed on 2026-01-01, more than 30 days ago; review it and update its 'reviewed' date")
    #expect(try Self.staleWarnings(text, days: 730, today: "2027-12-31").isEmpty)
    #expect(try Self.staleWarnings(text, days: 730, today: "2028-01-02").count == 1)
  }

  @Test("the shipped rules are clean under every check, measured from a fixed day")
  func shippedRulesClean() throws {
    let checks = standardChecks(clock: .fixed(try #require(CalendarDay("2026-11-22"))))
    let loaded = KnowledgeBase.bundled(checks: checks)
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map { "\($0.range): \($0.message)" })")
  }

  @Test("the check reads the clock each time it runs, never once for good")
  func staleCheckReadsTheClockEachTime() throws {
    final class Calendar: @unchecked Sendable {
      var day = CalendarDay(daysSince1970: 0)
    }
    let calendar = Calendar()
    let checks = standardChecks(staleAfterDays: 30, clock: Clock { calendar.day })
    let text = Self.reviewed("2026-01-01")
    func staleCount() -> Int {
      KnowledgeBase.compile([SourceFile(path: "t.rules", text: text)], checks: checks).diagnostics.filter { $0.code == .staleReview }.count
    }
    calendar.day = try #require(CalendarDay("2026-01-15"))
    #expect(staleCount() == 0)
    calendar.day = try #require(CalendarDay("2029-12-01"))
    #expect(staleCount() == 1)
  }

  @Test("the environment's day: UPSTREAM_TODAY, else SOURCE_DATE_EPOCH, else the machine's clock")
  func clockFromEnvironment() throws {
    #expect(try Clock(environment: ["UPSTREAM_TODAY": "2029-12-01"]).today.description == "2029-12-01")
    #expect(try Clock(environment: ["SOURCE_DATE_EPOCH": "1795996800"]).today.description == "2026-11-30")
    #expect(try Clock(environment: ["UPSTREAM_TODAY": "2029-12-01", "SOURCE_DATE_EPOCH": "0"]).today.description == "2029-12-01")
    #expect(throws: Clock.EnvironmentError.self) { try Clock(environment: ["UPSTREAM_TODAY": "2029-02-30"]) }
    #expect(throws: Clock.EnvironmentError.self) { try Clock(environment: ["SOURCE_DATE_EPOCH": "12.5"]) }
    // With neither set, the machine's clock answers: today is after the day this test was written.
    #expect(try Clock(environment: [:]).today >= CalendarDay("2026-12-02") ?? testDay)
  }

  // MARK: Days

  @Test("calendar days read and write YYYY-MM-DD and count days exactly")
  func calendarDays() throws {
    #expect(CalendarDay("1970-01-01")?.daysSince1970 == 0)
    #expect(CalendarDay("2000-03-01")?.daysSince1970 == 11_017)
    #expect(CalendarDay("1969-12-31")?.daysSince1970 == -1)
    for text in ["2024-02-29", "2026-11-22", "1999-12-31", "2100-02-28"] {
      #expect(CalendarDay(text)?.description == text)
    }
    for invalid in ["2023-02-29", "2100-02-29", "2026-13-01", "2026-1-01", "today", "2026-11-22x"] {
      #expect(CalendarDay(invalid) == nil, "\(invalid)")
    }
    let day = try #require(CalendarDay("2026-02-28"))
    #expect(day.adding(days: 1).description == "2026-03-01")
    #expect(CalendarDay(Date(timeIntervalSince1970: 86_400 * 20_000 + 86_399)).daysSince1970 == 20_000)
  }
}
