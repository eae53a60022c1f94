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
  ///
  /// Errors are kept before warnings, so a file's warnings never push an error out of the
  /// list; the closing line is an error only when an error was left out (a file whose
  /// only excess is warnings still loads and checks with exit 0), and a note counts what
  /// was left out.
  package static func capped(_ sorted: [Diagnostic]) -> [Diagnostic] {
    var kept: [Diagnostic] = []
    kept.reserveCapacity(min(sorted.count, 4 * limitPerFile))
    var fileStart = sorted.startIndex
    while fileStart < sorted.endIndex {
      let file = sorted[fileStart].range.file
      var fileEnd = fileStart
      while fileEnd < sorted.endIndex, sorted[fileEnd].range.file == file { fileEnd += 1 }
      cap(sorted[fileStart..<fileEnd], into: &kept)
      fileStart = fileEnd
    }
    return kept
  }

  /// One file's share of `capped`.
  private static func cap(_ problems: ArraySlice<Diagnostic>, into kept: inout [Diagnostic]) {
    guard problems.count > limitPerFile else {
      kept.append(contentsOf: problems)
      return
    }
    // A stage that stopped early already said so: its line is counted as an error.
    let errors = problems.count { $0.severity == .error && $0.message != Diagnostic.tooManyMessage }
    let warningRoom = limitPerFile - min(errors, limitPerFile)
    var keptErrors = 0
    var keptWarnings = 0
    var firstLeftOut: Diagnostic?
    var leftOut = (errors: 0, warnings: 0)
    var stageLine: Diagnostic?
    for problem in problems {
      if problem.message == Diagnostic.tooManyMessage {
        stageLine = problem
        continue
      }
      let keep: Bool
      if problem.severity == .error {
        keep = keptErrors < limitPerFile
        if keep { keptErrors += 1 } else { leftOut.errors += 1 }
      } else {
        keep = keptWarnings < warningRoom
        if keep { keptWarnings += 1 } else { leftOut.warnings += 1 }
      }
      if keep {
        kept.append(problem)
      } else if firstLeftOut == nil {
        firstLeftOut = problem
      }
    }
    guard let first = firstLeftOut else {
      if let stageLine { kept.append(stageLine) }
      return
    }
    let severity: Diagnostic.Severity = leftOut.errors > 0 || stageLine != nil ? .error : .warning
    var counted: [String] = []
    if leftOut.errors > 0 { counted.append(leftOut.errors == 1 ? "1 more error" : "\(leftOut.errors) more errors") }
    if leftOut.warnings > 0 { counted.append(leftOut.warnings == 1 ? "1 more warning" : "\(leftOut.warnings) more warnings") }
    kept.append(
      Diagnostic(
        severity, first.code, Diagnostic.tooManyMessage, at: first.range,
        notes: [.init("\(counted.joined(separator: " and ")) not listed; fix these and check again")]))
  }
}
