// MARK: - Numbers as a person writes them

/// Writes numbers the way rule files and reports show them, independent of the locale.
package enum NumberText {
  /// A number as a person writes it: `3`, not `3.0`; `0.6` as `0.6`.
  package static func plain(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }
}
