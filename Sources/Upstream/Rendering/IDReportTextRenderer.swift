// MARK: - `upstream explain` as text

/// Renders an `IDReport` for a terminal: what the id is and where it is defined, its
/// attributes as written, then what it uses and what uses it, each with `file:line`.
///
/// ```
/// contributor collapsed_arches: Collapsed arches
/// defined at rules/foot-to-hip.rules:63
///
///   name     Collapsed arches
///   region   foot
///
/// uses
///   concluded by:
///     rule flat-arches-make-hips-stabilise (rules/foot-to-hip.rules:97): certainty 0.5
/// used by
///   addressed by:
///     recommendation foot_rolling (rules/recommendations.rules:10)
/// ```
package struct IDReportTextRenderer: Sendable {
  package init() {}

  package func render(_ report: IDReport) -> String {
    var lines = ["\(report.kind) \(report.id)" + (report.title.map { ": \($0)" } ?? "")]
    lines.append("defined at \(report.location)")
    lines.append("")
    let width = report.facts.map(\.label.count).max() ?? 0
    for fact in report.facts {
      lines.append("  " + fact.label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + fact.value)
    }
    lines.append("")
    lines.append(contentsOf: render(report.uses, title: "uses"))
    lines.append(contentsOf: render(report.usedBy, title: "used by"))
    return lines.joined(separator: "\n") + "\n"
  }

  private func render(_ groups: [IDReport.Group], title: String) -> [String] {
    guard !groups.isEmpty else { return ["\(title): nothing"] }
    var lines = [title]
    for group in groups {
      lines.append("  \(group.title) (\(group.references.count)):")
      for reference in group.references {
        lines.append("    \(reference.kind) \(reference.id) (\(reference.location))" + (reference.note.map { ": \($0)" } ?? ""))
      }
    }
    return lines
  }
}
