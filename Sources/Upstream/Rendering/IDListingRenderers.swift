// MARK: - `upstream list` as text

/// Renders an `IDListing` for a terminal: one block per id, with where it is defined,
/// its wording, and its type and options or range.
///
/// ```
/// questions (2)
///
/// arch_shape  rules/foot-to-hip.rules:12
///   What shape are your arches when you stand?
///   choice: flat "Flat or collapsed", normal "Normal", high "High"
/// sitting_hours  rules/hip-to-back.rules:14
///   On a typical day, how many hours do you spend sitting …?
///   number 0 to 24 hours, decimals allowed
/// ```
package struct IDListingTextRenderer: Sendable {
  package init() {}

  package func render(_ listing: IDListing) -> String {
    var lines = ["\(listing.kind.rawValue.replacingOccurrences(of: "-", with: " ")) (\(listing.entries.count))", ""]
    for entry in listing.entries {
      let kind = listing.kind == .findings ? "\(entry.kind) " : ""
      lines.append("\(kind)\(entry.id)  \(entry.location)")
      lines.append("  " + entry.wording)
      if let type = entry.type {
        let options = entry.options.map { "\($0.id) \"\($0.label)\"" }.joined(separator: ", ")
        lines.append("  " + type + (options.isEmpty ? "" : ": " + options))
      } else if let range = entry.range {
        lines.append("  range \(NumberText.plain(range.lowerBound)) to \(NumberText.plain(range.upperBound))")
      }
      for fact in entry.facts { lines.append("  \(fact.label): \(fact.value)") }
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

// MARK: - `upstream list --format json`

/// Renders an `IDListing` as JSON for editors and scripts:
/// `{"format": "upstream-list", "version": 1, "kind": "questions", "items": [{"id", "kind",
/// "wording", "type", "options", "range", "unit", "facts", "file", "line"}]}`; members that do
/// not apply to an id are left out.
package struct IDListingJSONRenderer: Sendable {
  package init() {}

  package func render(_ listing: IDListing) -> String {
    JSONWriter.pretty(
      .object([
        ("format", .string("upstream-list")), ("version", .number(1)), ("kind", .string(listing.kind.rawValue)),
        ("items", .array(listing.entries.map(item))),
      ]))
  }

  private func item(_ entry: IDListing.Entry) -> JSONValue {
    var fields: [(key: String, value: JSONValue)] = [
      ("id", .string(entry.id)), ("kind", .string(entry.kind.rawValue)), ("wording", .string(entry.wording)),
    ]
    if let type = entry.type { fields.append(("type", .string(type))) }
    if !entry.options.isEmpty {
      fields.append(("options", .array(entry.options.map { .object([("id", .string($0.id)), ("label", .string($0.label))]) })))
    }
    if let range = entry.range {
      fields.append(("range", .object([("low", .number(range.lowerBound)), ("high", .number(range.upperBound))])))
    }
    if let unit = entry.unit { fields.append(("unit", .string(unit))) }
    if !entry.facts.isEmpty {
      fields.append(("facts", .array(entry.facts.map { .object([("label", .string($0.label)), ("value", .string($0.value))]) })))
    }
    fields.append(("file", .string(entry.location.file)))
    fields.append(("line", .number(Double(entry.location.line))))
    return .object(fields)
  }
}
