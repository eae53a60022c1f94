import Foundation

// MARK: - The clock

/// The one place Upstream learns what day it is, and what time.
///
/// Nothing else in the library, the command line or the server reads the date: code that
/// needs "today" (the stale-review check, reports that print a date) or the instant (the
/// `Date` header of an HTTP response) is given a `Clock`, so tests and reproducible runs
/// fix it and get byte-identical output on any day. The command line builds its clock
/// once, from `--today`, `UPSTREAM_TODAY` or `SOURCE_DATE_EPOCH` (see
/// ``Clock/init(environment:)``); the library defaults to ``Clock/system``, which reads
/// the machine's clock each time it is asked, never once for good.
///
/// Durations and deadlines (timeouts, how long a request took) are not dates: they use
/// the monotonic `ContinuousClock`, which no setting of the calendar moves.
package struct Clock: Sendable {
  private let readNow: @Sendable () -> Date

  /// A clock that answers "now" with `now()` (and "today" with the UTC day of it).
  package init(now: @escaping @Sendable () -> Date) { readNow = now }

  /// A clock that answers "today" with `today()` (and "now" with that day's midnight UTC).
  package init(today: @escaping @Sendable () -> CalendarDay) {
    readNow = { Date(timeIntervalSince1970: TimeInterval(today().daysSince1970) * 86_400) }
  }

  /// The machine's clock, read afresh on every call.
  package static let system = Clock(now: { Date() })

  /// A clock that always answers `day` (its first instant, midnight UTC, for "now").
  package static func fixed(_ day: CalendarDay) -> Clock { Clock(today: { day }) }

  /// A clock that always answers `instant`.
  package static func fixed(instant: Date) -> Clock { Clock(now: { instant }) }

  /// Today in UTC, as this clock tells it.
  package var today: CalendarDay { CalendarDay(readNow()) }

  /// The instant, as this clock tells it: for what a transport must stamp (an HTTP `Date`
  /// header), never for a duration.
  package var now: Date { readNow() }
}

// MARK: - The clock a process uses

extension Clock {
  /// Why the environment's date could not be read.
  package struct EnvironmentError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, in plain words, quoting the value found.
    package let description: String
  }

  /// The clock a process should use: `UPSTREAM_TODAY` (a day, `YYYY-MM-DD`; now is its
  /// midnight UTC), else `SOURCE_DATE_EPOCH` (whole seconds since 1970, the
  /// reproducible-builds convention; now is that second), else the machine's clock.
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
      self = .fixed(instant: Date(timeIntervalSince1970: TimeInterval(seconds)))
    } else {
      self = .system
    }
  }
}
