// MARK: - Kinds of declaration

/// What a declaration in a rule file declares, named as messages and reports name it
/// ("red flag 'cauda_equina' has no 'advice'").
///
/// One list for the parser (attributes of a declaration), the compiler (missing
/// attributes, unknown and wrong-kind ids), the reviewer checks, the case checker and
/// `upstream explain`, so a kind is always written the same way.
package enum DeclarationKind: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
  case knowledgeBase = "knowledge base"
  case source, question
  /// A finding where it hurts.
  case complaint
  /// A finding behind a complaint.
  case contributor
  /// A complaint or contributor, when either would do.
  case finding
  case score, norm
  case redFlag = "red flag"
  case recommendation, rule
  /// A clinician's case test.
  case clinicalCase = "case"

  /// The kind in words, as messages write it.
  package var description: String { rawValue }

  /// "a" or "an", as the kind's first sound needs.
  package var article: String { ["a", "e", "i", "o", "u"].contains(rawValue.prefix(1)) ? "an" : "a" }

  /// Ordered by name, as reports list references.
  package static func < (lhs: DeclarationKind, rhs: DeclarationKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
