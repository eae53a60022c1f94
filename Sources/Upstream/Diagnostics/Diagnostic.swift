// MARK: - Diagnostics

/// One problem found in rule files, case files or answers: data, rendered in one place.
///
/// The lexer, the parser, the checks and the answers validator all add to the same list of
/// diagnostics; `DiagnosticRenderer` turns that list into text or JSON.
public struct Diagnostic: Sendable, Hashable, Codable {
  /// How serious a diagnostic is. Errors stop a knowledge base or answers from being used.
  public enum Severity: String, Sendable, Codable, Comparable {
    case error, warning, note

    private var rank: Int {
      switch self {
      case .error: 0
      case .warning: 1
      case .note: 2
      }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
  }

  /// A further remark, usually pointing at another place ("first declared here").
  public struct Note: Sendable, Hashable, Codable {
    public let message: String
    public let range: SourceRange?

    package init(_ message: String, at range: SourceRange? = nil) {
      self.message = message
      self.range = range
    }
  }

  /// A concrete edit that would fix the problem, such as a "did you mean" spelling.
  public struct FixSuggestion: Sendable, Hashable, Codable {
    /// What to tell the person, e.g. "did you mean 'arch_shape'?".
    public let message: String
    /// The text that would replace `range`.
    public let replacement: String
    public let range: SourceRange
  }

  public let severity: Severity
  public let code: DiagnosticCode
  public let message: String
  public let range: SourceRange
  public var notes: [Note]
  public var fix: FixSuggestion?

  package init(
    _ severity: Severity, _ code: DiagnosticCode, _ message: String, at range: SourceRange,
    notes: [Note] = [], fix: FixSuggestion? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.range = range
    self.notes = notes
    self.fix = fix
  }

  /// The message that ends a file's list of problems once it is too long to be useful.
  package static let tooManyMessage = "too many problems in this file; stopping here"

  /// An error.
  package static func error(
    _ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [Note] = [],
    fix: FixSuggestion? = nil
  ) -> Diagnostic {
    Diagnostic(.error, code, message, at: range, notes: notes, fix: fix)
  }

  /// A warning: worth a reviewer's attention, but the knowledge base can still run.
  package static func warning(
    _ code: DiagnosticCode, _ message: String, at range: SourceRange, notes: [Note] = [],
    fix: FixSuggestion? = nil
  ) -> Diagnostic {
    Diagnostic(.warning, code, message, at: range, notes: notes, fix: fix)
  }

  /// Adds a "did you mean" fix when `name` is close to one of `candidates`.
  package func suggesting<S: Sequence>(_ name: String, from candidates: S) -> Diagnostic
  where S.Element == String {
    guard let best = Suggestion.closest(to: name, in: candidates) else { return self }
    var copy = self
    copy.fix = FixSuggestion(message: "did you mean '\(best)'?", replacement: best, range: range)
    return copy
  }
}

extension Array where Element == Diagnostic {
  /// Whether any diagnostic is an error.
  package var hasErrors: Bool { contains { $0.severity == .error } }

  /// The diagnostics in a stable order: by file, position, then code and message.
  ///
  /// Positions are sorted rather than the diagnostics themselves (each a large value that
  /// would be copied at every move), and each key is compared only when the ones before it
  /// tie.
  package func sortedForDisplay() -> [Diagnostic] {
    let order = indices.sorted { first, second in
      let a = self[first]
      let b = self[second]
      if a.range.file != b.range.file { return a.range.file < b.range.file }
      if a.range.start.offset != b.range.start.offset { return a.range.start.offset < b.range.start.offset }
      if a.severity != b.severity { return a.severity < b.severity }
      if a.code != b.code { return a.code.rawValue < b.code.rawValue }
      return a.message < b.message
    }
    return order.map { self[$0] }
  }
}

extension Diagnostic: Error {}
