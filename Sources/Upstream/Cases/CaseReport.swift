// MARK: - Case results as text

/// Renders case results for `upstream test`: a line per case, each failure as expected vs
/// actual with the relevant why-trace, and the closing `N passed, N failed` line.
package struct CaseReport: Sendable {
  package let knowledgeBase: KnowledgeBase
  /// Whether to list every passing case too (otherwise only failures are detailed).
  package let verbose: Bool

  package init(_ knowledgeBase: KnowledgeBase, verbose: Bool = true) {
    self.knowledgeBase = knowledgeBase
    self.verbose = verbose
  }

  /// The whole report.
  package func render(_ results: [CaseResult], coverage: CaseRunner.Coverage? = nil) -> String {
    var lines: [String] = []
    for result in results {
      if result.passed {
        if verbose { lines.append("✓ \(result.testCase.id)") }
        continue
      }
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
