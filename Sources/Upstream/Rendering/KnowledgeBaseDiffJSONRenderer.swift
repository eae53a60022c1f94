// MARK: - `upstream diff --format json`

/// Renders a `KnowledgeBaseDiff` as JSON for review tools and CI:
///
/// ```
/// {"format": "upstream-diff", "version": 1, "behaviourChanged": true, "casesChanged": true,
///  "structure": [{"declaration": "rule", "id": …, "change": "changed", "file", "line",
///                 "details": [{"attribute": "then tight_hip_flexors certainty", "old": "0.5", "new": "0.6"}]}],
///  "behaviour": {"compared": 90, "changed": [{"name": "case …", "location": "…:1", "changes": ["…"],
///                "largestMove": {"finding": …, "by": 0.1}}]},
///  "cases": {"old": 90, "new": 90, "changed": [{"id": …, "change": "changed", "file", "line",
///            "lines": [{"keyword": "expect", "change": "changed", "old": "expect …", "new": "expect …",
///                       "file", "line"}]}]}}
/// ```
///
/// `cases` is null when neither folder has a `cases` folder; members that do not apply
/// (`old` of an added line, `expectations` of a changed case) are left out.
package struct KnowledgeBaseDiffJSONRenderer: Sendable {
  package init() {}

  package func render(_ diff: KnowledgeBaseDiff) -> String {
    JSONWriter.pretty(
      .object([
        ("format", .string("upstream-diff")), ("version", .number(1)), ("behaviourChanged", .bool(diff.behaviourChanged)),
        ("casesChanged", .bool(diff.casesChanged)), ("structure", .array(diff.structure.map(change))),
        (
          "behaviour",
          .object([("compared", .number(Double(diff.compared))), ("changed", .array(diff.behaviour.map(behaviour)))])
        ),
        ("cases", diff.cases.map(cases) ?? .null),
      ]))
  }

  private func place(_ site: DeclarationSite?) -> [(key: String, value: JSONValue)] {
    guard let site else { return [] }
    return [("file", .string(site.file)), ("line", .number(Double(site.line)))]
  }

  private func change(_ change: KnowledgeBaseDiff.Change) -> JSONValue {
    let details = change.details.map { detail -> JSONValue in
      var fields: [(key: String, value: JSONValue)] = [("attribute", .string(detail.attribute))]
      if let old = detail.old { fields.append(("old", .string(old))) }
      if let new = detail.new { fields.append(("new", .string(new))) }
      return .object(fields)
    }
    return .object(
      [("declaration", .string(change.declaration)), ("id", .string(change.id)), ("change", .string(change.kind.rawValue))]
        + place(change.location) + [("details", .array(details))])
  }

  private func behaviour(_ behaviour: KnowledgeBaseDiff.Behaviour) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = [("name", .string(behaviour.name))]
    if let location = behaviour.location { fields.append(("location", .string(location))) }
    fields.append(("changes", .array(behaviour.changes.map { .string($0) })))
    if let move = behaviour.largestMove {
      fields.append(("largestMove", .object([("finding", .string(move.finding)), ("by", .number((move.by * 1000).rounded() / 1000))])))
    }
    return .object(fields)
  }

  private func cases(_ diff: CaseFileDiff) -> JSONValue {
    .object([
      ("old", .number(Double(diff.oldCount))), ("new", .number(Double(diff.newCount))), ("changed", .array(diff.cases.map(testCase))),
    ])
  }

  private func testCase(_ testCase: CaseFileDiff.Case) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] =
      [("id", .string(testCase.id)), ("change", .string(testCase.kind.rawValue))] + place(testCase.location)
    if testCase.kind == .changed {
      fields.append(("lines", .array(testCase.lines.map(line))))
    } else {
      fields.append(("expectations", .number(Double(testCase.expectationCount))))
    }
    return .object(fields)
  }

  private func line(_ line: CaseFileDiff.Line) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = [("keyword", .string(line.keyword)), ("change", .string(line.kind.rawValue))]
    if let old = line.old { fields.append(("old", .string(old))) }
    if let new = line.new { fields.append(("new", .string(new))) }
    return .object(fields + place(line.location))
  }
}
