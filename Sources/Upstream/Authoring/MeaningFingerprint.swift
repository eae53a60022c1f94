// MARK: - What a knowledge base or case means, as text

/// Describes a value by everything it holds except where it was written: source ranges,
/// locations and the hash of the files' text.
///
/// Two knowledge bases with equal fingerprints mean the same: the same questions, rules,
/// certainties, texts and evaluation order. The formatter uses it to prove that a file it
/// laid out still compiles to the same knowledge base (and the same cases); tests use it
/// to compare knowledge bases compiled from differently written files.
package enum MeaningFingerprint {
  /// The fingerprint of a compiled knowledge base.
  package static func of(_ knowledgeBase: KnowledgeBase) -> String { describe(knowledgeBase) }

  /// The fingerprint of parsed case files' cases, in order.
  package static func of(cases files: [SyntaxFile]) -> String {
    files.map { file in file.declarations.map(describe).joined(separator: "\n") }.joined(separator: "\n")
  }

  /// Stored properties that record where something was written, not what it means.
  private static let ignoredLabels: Set<String> = ["location", "range", "keyRange", "contentHash", "attributeOffsets", "comments", "path"]

  /// Any value, field by field; sets and dictionaries in sorted order.
  static func describe(_ value: Any) -> String {
    if value is SourceRange || value is SourceLocation || value is DeclarationSite { return "_" }
    // What is worked out from the rest when first asked for (`Memo`) adds no meaning.
    if value is any FirstAskMemo { return "_" }
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .struct?, .class?:
      let fields = mirror.children.filter { !ignoredLabels.contains($0.label ?? "") }
        .map { "\($0.label ?? "_"): \(describe($0.value))" }
      return "\(type(of: value))(" + fields.joined(separator: ", ") + ")"
    case .enum?:
      guard let payload = mirror.children.first else { return "\(value)" }
      return ".\(payload.label ?? "_")" + describe(payload.value)
    case .optional?:
      return mirror.children.first.map { describe($0.value) } ?? "nil"
    case .tuple?:
      return "(" + mirror.children.map { ($0.label.map { $0 + ": " } ?? "") + describe($0.value) }.joined(separator: ", ") + ")"
    case .collection?:
      return "[" + mirror.children.map { describe($0.value) }.joined(separator: ", ") + "]"
    case .set?, .dictionary?:
      return "{" + mirror.children.map { describe($0.value) }.sorted().joined(separator: ", ") + "}"
    default:
      return String(reflecting: value)
    }
  }
}
