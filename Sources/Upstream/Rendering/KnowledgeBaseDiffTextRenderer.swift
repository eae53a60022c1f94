// MARK: - `upstream diff` as text

/// Renders a `KnowledgeBaseDiff` for a reviewer: the declarations that changed, then each
/// case or answers file whose assessment changed, then each case whose expectations or
/// answers were edited, and a closing verdict.
///
/// ```
/// Structure: 1 rule changed
///   rule flat-arches-make-hips-stabilise changed (new/foot-to-hip.rules:97)
///     then collapsed_arches certainty: 0.5 → 0.6
///
/// Behaviour: 1 of 49 assessments change
///   case foot-and-hip-pain-flat-feet-stiff-shoes (new/cases/….case:1)
///     contributor collapsed_arches: 0.50 → 0.60 (+0.10)
///   largest certainty move: +0.10 (collapsed_arches, case foot-and-hip-pain-flat-feet-stiff-shoes)
///
/// Cases: 1 expectation changed in 1 case
///   case foot-and-hip-pain-flat-feet-stiff-shoes (new/cases/….case:1)
///     new/cases/….case:40: expectation changed
///       - expect collapsed_arches certainty between 0.49 and 0.51
///       + expect collapsed_arches certainty between 0.59 and 0.61
///
/// Behaviour changed: review the changes above before the edit ships.
/// Cases changed: check that each case still expects what a clinician would.
/// ```
package struct KnowledgeBaseDiffTextRenderer: Sendable {
  package init() {}

  package func render(_ diff: KnowledgeBaseDiff) -> String {
    var lines = structure(diff.structure)
    lines.append("")
    lines += behaviour(diff)
    if let cases = diff.cases {
      lines.append("")
      lines += self.cases(cases)
    }
    if diff.behaviourChanged || diff.casesChanged { lines.append("") }
    if diff.behaviourChanged { lines.append("Behaviour changed: review the changes above before the edit ships.") }
    if diff.casesChanged { lines.append("Cases changed: check that each case still expects what a clinician would.") }
    return lines.joined(separator: "\n") + "\n"
  }

  private func cases(_ diff: CaseFileDiff) -> [String] {
    guard diff.changed else {
      return ["Cases: no case, expectation or answer added, removed or changed (\(count(diff.newCount, "case")))"]
    }
    // "6 expectations changed, 1 answer changed in 3 cases, 1 case added"
    var tally: [(String, Int)] = []
    for line in diff.cases.flatMap(\.lines) {
      let key = "\(line.keyword == "expect" ? "expectation" : "answer")|\(line.kind.rawValue)"
      if let index = tally.firstIndex(where: { $0.0 == key }) { tally[index].1 += 1 } else { tally.append((key, 1)) }
    }
    var parts: [String] = []
    let changedCases = diff.cases.filter { $0.kind == .changed }.count
    if changedCases > 0 {
      let lines = tally.map { key, number in
        let words = key.split(separator: "|").map(String.init)
        return "\(count(number, words[0])) \(words[1])"
      }
      parts.append(lines.joined(separator: ", ") + " in \(count(changedCases, "case"))")
    }
    for kind in [CaseFileDiff.Case.Kind.added, .removed] {
      let number = diff.cases.filter { $0.kind == kind }.count
      if number > 0 { parts.append("\(count(number, "case")) \(kind.rawValue)") }
    }
    var lines = ["Cases: " + parts.joined(separator: ", ")]
    for changed in diff.cases {
      switch changed.kind {
      case .added, .removed:
        lines.append("  case \(changed.id) \(changed.kind.rawValue) (\(changed.location)): \(count(changed.expectationCount, "expectation"))")
      case .changed:
        lines.append("  case \(changed.id) (\(changed.location))")
        for line in changed.lines {
          lines.append("    \(line.location): \(line.keyword == "expect" ? "expectation" : "answer") \(line.kind.rawValue)")
          if let old = line.old { lines.append("      - " + old) }
          if let new = line.new { lines.append("      + " + new) }
        }
      }
    }
    return lines
  }

  private func structure(_ changes: [KnowledgeBaseDiff.Change]) -> [String] {
    guard !changes.isEmpty else { return ["Structure: no declaration added, removed or changed"] }
    // "2 rules changed, 1 question added"
    var tally: [(String, Int)] = []
    for change in changes {
      let key = "\(change.declaration)|\(change.kind.rawValue)"
      if let index = tally.firstIndex(where: { $0.0 == key }) { tally[index].1 += 1 } else { tally.append((key, 1)) }
    }
    let summary = tally.map { key, number in
      let parts = key.split(separator: "|").map(String.init)
      return "\(count(number, parts[0])) \(parts[1])"
    }
    var lines = ["Structure: " + summary.joined(separator: ", ")]
    for change in changes {
      let place = change.location.map { " (\($0))" } ?? ""
      lines.append("  \(change.declaration) \(change.id) \(change.kind.rawValue)\(place)")
      for detail in change.details {
        switch (detail.old, detail.new) {
        case (nil, let new?): lines.append("    + \(detail.attribute)" + (new.isEmpty ? "" : ": \(new)"))
        case (let old?, nil): lines.append("    - \(detail.attribute)" + (old.isEmpty ? "" : ": \(old)"))
        case (let old?, let new?): lines.append("    \(detail.attribute): \(old) → \(new)")
        case (nil, nil): break
        }
      }
    }
    return lines
  }

  private func behaviour(_ diff: KnowledgeBaseDiff) -> [String] {
    guard diff.compared > 0 else {
      return ["Behaviour: no cases or answers to compare (give --cases DIR or --answers FILE)"]
    }
    guard diff.behaviourChanged else {
      return ["Behaviour: no change in any of \(count(diff.compared, "assessment"))"]
    }
    var lines = ["Behaviour: \(diff.behaviour.count) of \(count(diff.compared, "assessment")) change"]
    for changed in diff.behaviour {
      lines.append("  \(changed.name)" + (changed.location.map { " (\($0))" } ?? ""))
      lines += changed.changes.map { "    " + $0 }
    }
    let largest = diff.behaviour.compactMap { changed in changed.largestMove.map { (changed.name, $0) } }
      .max { abs($0.1.by) < abs($1.1.by) }
    if let (name, move) = largest {
      lines.append("  largest certainty move: \(move.by > 0 ? "+" : "−")\(Certainty.number(abs(move.by))) (\(move.finding), \(name))")
    }
    return lines
  }

  private func count(_ number: Int, _ word: String) -> String {
    "\(number) \(word)\(number == 1 ? "" : "s")"
  }
}
