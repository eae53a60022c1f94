import Foundation

// MARK: - Calendar days

/// A day of the calendar, as written in rule files (`2026-11-01`), counted from 1970-01-01.
///
/// Review dates, the answers to `date` questions and the assessment date are whole days
/// with no time zone, so they are compared as day numbers: no calendar, locale or clock is
/// involved once a day is made.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Days since 1970-01-01 (negative before it).
  public let daysSince1970: Int

  /// The day `daysSince1970` days after 1970-01-01.
  public init(daysSince1970: Int) { self.daysSince1970 = daysSince1970 }

  /// The day written `YYYY-MM-DD`, or nil when the text is not a real date.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
      (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year)
    else { return nil }
    daysSince1970 = Self.days(year: year, month: month, day: day)
  }

  /// The day (in UTC) that a moment falls on.
  package init(_ date: Date) {
    daysSince1970 = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
  }

  /// The day `days` later (or earlier, when negative).
  public func adding(days: Int) -> CalendarDay { CalendarDay(daysSince1970: daysSince1970 + days) }

  /// The same day of the month `months` later (or earlier, when negative); the last day of
  /// the month when that month is shorter (2026-03-31 less one month is 2026-02-28).
  public func adding(months: Int) -> CalendarDay {
    let (year, month, day) = parts
    let counted = year * 12 + (month - 1) + months
    let (newYear, newMonth) = (Self.floorDivide(counted, 12), counted - Self.floorDivide(counted, 12) * 12 + 1)
    let newDay = min(day, Self.daysIn(month: newMonth, year: newYear))
    return CalendarDay(daysSince1970: Self.days(year: newYear, month: newMonth, day: newDay))
  }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (year, month, day) = parts
    func pad(_ value: Int, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  /// The year, month (1-12) and day of the month.
  private var parts: (year: Int, month: Int, day: Int) {
    // Howard Hinnant's civil-from-days algorithm.
    let z = daysSince1970 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  private static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
    value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
  }

  public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.daysSince1970 < rhs.daysSince1970 }

  // MARK: Arithmetic

  private static func daysIn(month: Int, year: Int) -> Int {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  }

  /// Howard Hinnant's days-from-civil algorithm.
  private static func days(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}

// MARK: - Coding

extension CalendarDay: Codable {
  /// Reads a day written `YYYY-MM-DD` (a saved session's assessment date).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let text = try container.decode(String.self)
    guard let day = CalendarDay(text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "a day is written YYYY-MM-DD; found '\(text)'")
    }
    self = day
  }

  /// Writes the day as `YYYY-MM-DD`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
