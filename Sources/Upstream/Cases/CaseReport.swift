// MARK: - Case results as text

/// Renders case results for `upstream test`: a line per case, each failure as expected vs
/// actual with the relevant why-trace, and the closing `N passed, N failed` line.
package struct CaseReport: Sendable {
  package let knowledgeBase: KnowledgeBase
  /// Whether to list every passing case too (otherwise only failures are detailed).
  package let verbose: Bool
  /// Whether to detail each failure (`test --update` lists them in its own report instead).
  package let detailsFailures: Bool

  package init(_ knowledgeBase: KnowledgeBase, verbose: Bool = true, detailsFailures: Bool = true) {
    self.knowledgeBase = knowledgeBase
    self.verbose = verbose
    self.detailsFailures = detailsFailures
  }

  /// The whole report.
  package func render(_ results: [CaseResult], coverage: CaseRunner.Coverage? = nil) -> String {
    var lines: [String] = []
    for result in results {
      if result.passed {
        if verbose { lines.append("✓ \(result.testCase.id)") }
        continue
      }
      guard detailsFailures else { continue }
      lines.append("✗ \(result.testCase.id) (\(result.testCase.range.file):\(result.testCase.range.start.line))")
      for failure in result.failures {
        let place = failure.expectation.range.start
        lines.append(
          "    \(failure.expectation.range.file):\(place.line):\(place.column): error[\(DiagnosticCode.caseFailed.rawValue)]: \(failure.expectation.text)"
        )
        lines.append("      expected: \(failure.expectation.text.replacingOccurrences(of: "expect ", with: ""))")
        lines.append("      actual:   \(failure.actual)")
        if let finding = failure.finding {
          let why = WhyTrace(result.assessment).lines(for: finding)
          if !why.isEmpty {
            lines.append("      why:")
            lines.append(contentsOf: why.map { "        " + $0 })
          }
        }
      }
    }
    if let coverage {
      lines.append("")
      lines.append(contentsOf: render(coverage))
    }
    let passed = results.filter(\.passed).count
    lines.append("\(passed) passed, \(results.count - passed) failed")
    return lines.joined(separator: "\n") + "\n"
  }

  private func render(_ coverage: CaseRunner.Coverage) -> [String] {
    if coverage.isComplete { return ["Coverage: every rule fires, every finding, recommendation and red flag appears in some case."] }
    var lines = ["Coverage: not exercised by any case:"]
    func add(_ title: String, _ ids: [String]) {
      guard !ids.isEmpty else { return }
      lines.append("  \(title) (\(ids.count)): \(ids.joined(separator: ", "))")
    }
    add("rules that never fire", coverage.rulesNeverFired)
    add("findings never present", coverage.findingsNeverPresent)
    add("recommendations never called for", coverage.recommendationsNeverCalledFor)
    add("red flags never raised", coverage.redFlagsNeverRaised)
    return lines
  }
}

/// A finding's justification as indented text lines: each rule with its conditions.
package struct WhyTrace: Sendable {
  package let assessment: Assessment

  package init(_ assessment: Assessment) { self.assessment = assessment }

  /// The rules that fired for or against a finding, and those left undecided.
  package func lines(for finding: Int) -> [String] {
    let justification = assessment.justification(for: finding)
    var lines: [String] = []
    for trace in justification.fired { lines.append(contentsOf: self.lines(for: trace)) }
    for trace in justification.undecided {
      lines.append(contentsOf: self.lines(for: trace))
    }
    if lines.isEmpty { lines.append("no rule concluded \(assessment.knowledgeBase.findings[finding].id)") }
    return lines
  }

  /// One rule's part: its contribution, `because` text, file:line and conditions.
  package func lines(for trace: RuleTrace) -> [String] {
    let rule = assessment.knowledgeBase.rules[trace.rule]
    let head: String
    if let contribution = trace.contribution {
      head = "\(contribution >= 0 ? "+" : "−")\(Certainty.number(abs(contribution))) rule \(rule.id) (\(rule.location))"
    } else {
      head = "? rule \(rule.id) (\(rule.location)) is undecided"
    }
    var lines = [head + ": " + rule.because]
    for leaf in trace.condition.leaves {
      let mark = leaf.outcome.isHolding ? "✓" : (leaf.outcome == .unknown ? "?" : "✗")
      lines.append("  \(mark) \(leaf.text)" + (leaf.fact.map { " — " + assessment.describe($0) } ?? ""))
    }
    return lines
  }
}

// MARK: - What `test --update` changed

/// Renders an `ExpectationUpdate` for `upstream test --update`: each expectation rewritten
/// (`file:line: case ID: finding old → new (now actual)`), each failure left with its
/// reason, and for a preview (`--dry-run`) the changed lines as a unified diff.
package struct ExpectationUpdateReport: Sendable {
  /// Whether the files were written or only previewed.
  package enum Mode: Sendable { case written, preview }

  package let update: ExpectationUpdate

  package init(_ update: ExpectationUpdate) { self.update = update }

  /// The report; `unwritten` names case files that could not be written (left as they were).
  package func render(_ mode: Mode, unwritten: Set<String> = []) -> String {
    var lines: [String] = []
    let done = update.rewrites.filter { !unwritten.contains($0.range.file) }
    let fileCount = Set(done.map(\.range.file)).count
    if update.rewrites.isEmpty {
      lines.append("No certainty or score expectation to update.")
    } else if mode == .preview {
      lines.append("Would update \(count(done.count, "expectation")) in \(count(fileCount, "case file")) (--dry-run: nothing written):")
    } else {
      lines.append("Updated \(count(done.count, "expectation")) in \(count(fileCount, "case file")):")
    }
    lines += done.map { "  " + line($0) }
    let failed = update.rewrites.filter { unwritten.contains($0.range.file) }
    if !failed.isEmpty {
      lines.append("Not written (the file could not be written, so it is as it was):")
      lines += failed.map { "  " + line($0) }
    }
    if !update.left.isEmpty {
      lines.append("Left as they are (a number cannot fix these; review the change and edit the case by hand):")
      for left in update.left {
        let place = left.expectation.range
        lines.append("  \(place.file):\(place.start.line): case \(left.caseID): \(left.expectation.text) — \(left.reason)")
      }
    }
    if mode == .preview {
      for file in update.files { lines += diff(file) }
    } else if !done.isEmpty {
      lines.append("Run 'upstream test' again to confirm.")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func line(_ rewrite: ExpectationUpdate.Rewrite) -> String {
    let now = rewrite.actual == rewrite.new ? "" : " (now \(rewrite.actual))"
    return "\(rewrite.range.file):\(rewrite.range.start.line): case \(rewrite.caseID): \(rewrite.subject) \(rewrite.old) → \(rewrite.new)\(now)"
  }

  /// The changed lines of one file as a unified diff, one hunk per line.
  private func diff(_ file: ExpectationUpdate.FileUpdate) -> [String] {
    let before = file.original.split(separator: "\n", omittingEmptySubsequences: false)
    let after = file.updated.split(separator: "\n", omittingEmptySubsequences: false)
    var lines = ["--- \(file.path)", "+++ \(file.path)"]
    for number in Set(file.rewrites.map(\.range.start.line)).sorted() where number - 1 < before.count && number - 1 < after.count {
      lines.append("@@ -\(number) +\(number) @@")
      lines.append("-" + before[number - 1])
      lines.append("+" + after[number - 1])
    }
    return lines
  }

  private func count(_ number: Int, _ word: String) -> String { "\(number) \(word)\(number == 1 ? "" : "s")" }
}
