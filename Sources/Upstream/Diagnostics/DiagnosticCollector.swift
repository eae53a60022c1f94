// MARK: - Collecting diagnostics, up to a limit

/// Collects one stage's problems with one file, up to a limit: the lexer, the parser, the
/// compiler and the answers readers all stop listing at `limitPerFile` problems and say
/// so once, so a file of garbage cannot fill memory or a terminal with diagnostics.
///
/// Past the limit the next problem becomes one "too many problems in this file; stopping
/// here" line (with that problem's code and place) and later ones are dropped.
package struct DiagnosticCollector: Sendable {
  /// The most problems listed for one file.
  package static let limitPerFile = 200

  /// The problems collected, in the order they were found.
  package private(set) var diagnostics: [Diagnostic] = []
  /// Whether the limit was reached (and said).
  package private(set) var isFull = false

  package init() {}

  /// Adds a problem, counting `others` already listed for the same file elsewhere (the
  /// parser counts the lexer's).
  package mutating func add(_ diagnostic: Diagnostic, alongside others: Int = 0) {
    guard !isFull else { return }
    if diagnostics.count + others < Self.limitPerFile {
      diagnostics.append(diagnostic)
    } else {
      isFull = true
      diagnostics.append(.error(diagnostic.code, Diagnostic.tooManyMessage, at: diagnostic.range))
    }
  }

  /// Whether `diagnostics` already holds the limit, for a reader that stops reading there:
  /// the first time, adds the "too many problems" line at `range`.
  package static func reachedLimit(_ diagnostics: inout [Diagnostic], at range: SourceRange) -> Bool {
    guard diagnostics.count >= limitPerFile else { return false }
    if diagnostics.count == limitPerFile {
      let code = diagnostics.last?.code ?? .answersNotJSON
      diagnostics.append(.error(code, Diagnostic.tooManyMessage, at: range))
    }
    return true
  }

  /// At most `limitPerFile` problems a file from a list in display order, then one "too
  /// many problems" line: past that a list stops being read, and printing it costs time
  /// linear in a folder's mistakes.
  package static func capped(_ sorted: [Diagnostic]) -> [Diagnostic] {
    var perFile: [String: Int] = [:]
    var kept: [Diagnostic] = []
    kept.reserveCapacity(sorted.count)
    for diagnostic in sorted {
      let count = perFile[diagnostic.range.file, default: 0]
      perFile[diagnostic.range.file] = count + 1
      if count < limitPerFile {
        kept.append(diagnostic)
      } else if count == limitPerFile, diagnostic.message != Diagnostic.tooManyMessage {
        kept.append(.error(diagnostic.code, Diagnostic.tooManyMessage, at: diagnostic.range))
      }
    }
    return kept
  }
}
