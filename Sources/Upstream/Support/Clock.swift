import Foundation

// MARK: - The clock

/// The one place Upstream learns what day it is.
///
/// Nothing else in the library or the command line reads the date: code that needs
/// "today" (the stale-review check, reports that print a date) is given a `Clock`, so
/// tests and reproducible runs fix the day and get byte-identical output on any day.
/// The command line builds its clock once, from `--today`, `UPSTREAM_TODAY` or
/// `SOURCE_DATE_EPOCH` (see ``Clock/init(environment:)``); the library defaults to
/// ``Clock/system``, which reads the day each time it is asked, never once for good.
package struct Clock: Sendable {
  private let readToday: @Sendable () -> CalendarDay

  /// A clock that answers "today" with `today()`.
  package init(today: @escaping @Sendable () -> CalendarDay) { readToday = today }

  /// The machine's clock: today's date in UTC, read afresh on every call.
  package static let system = Clock { CalendarDay(Date()) }

  /// A clock that always answers `day`.
  package static func fixed(_ day: CalendarDay) -> Clock { Clock { day } }

  /// Today, as this clock tells it.
  package var today: CalendarDay { readToday() }
}

// MARK: - The clock a process uses

extension Clock {
  /// Why the environment's date could not be read.
  package struct EnvironmentError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, in plain words, quoting the value found.
    package let description: String
  }

  /// The clock a process should use: `UPSTREAM_TODAY` (a day, `YYYY-MM-DD`), else
  /// `SOURCE_DATE_EPOCH` (whole seconds since 1970, the reproducible-builds convention),
  /// else the machine's clock.
  package init(environment: [String: String]) throws(EnvironmentError) {
    if let text = environment["UPSTREAM_TODAY"] {
      guard let day = CalendarDay(text) else {
        throw EnvironmentError(description: "UPSTREAM_TODAY must be a day written YYYY-MM-DD (e.g. 2026-12-01); found '\(text)'")
      }
      self = .fixed(day)
    } else if let epoch = environment["SOURCE_DATE_EPOCH"] {
      guard let seconds = Int(epoch) else {
        throw EnvironmentError(description: "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; found '\(epoch)'")
      }
      self = .fixed(CalendarDay(Date(timeIntervalSince1970: TimeInterval(seconds))))
    } else {
      self = .system
    }
  }
}
