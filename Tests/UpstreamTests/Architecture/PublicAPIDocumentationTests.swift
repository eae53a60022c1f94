import Foundation
import Testing

/// The public API that Docs/Architecture.md describes is the public API the code has: every
/// public type in the checked-in list (Docs/API/Upstream.api.txt, which `.ci/api` keeps
/// equal to the code) is named in the document's "What is public" section, and the section
/// names no public type that is not in the list.
@Suite("Public API documentation")
struct PublicAPIDocumentationTests {
  static let root = UpstreamBinary.packageRoot

  /// The top-level public types in the API list: lines such as `Assessment: struct Assessment`.
  static func listedTypes() throws -> Set<String> {
    let text = try String(contentsOf: root.appendingPathComponent("Docs/API/Upstream.api.txt"), encoding: .utf8)
    var types = Set<String>()
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2, !parts[0].contains("."), !parts[0].contains("(") else { continue }
      let declaration = parts[1].split(separator: " ")
      if let kind = declaration.dropLast().last, ["class", "struct", "enum", "protocol"].contains(kind) {
        types.insert(String(parts[0]))
      }
    }
    return types
  }

  /// The names in backticks in Architecture.md's "What is public" section.
  static func documentedNames() throws -> Set<String> {
    let text = try String(contentsOf: root.appendingPathComponent("Docs/Architecture.md"), encoding: .utf8)
    guard let start = text.range(of: "## What is public") else { return [] }
    let rest = text[start.upperBound...]
    let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
    var names = Set<String>()
    for piece in section.split(separator: "`").enumerated() where piece.offset % 2 == 1 {
      let name = piece.element
      guard name.allSatisfy({ $0.isLetter || $0.isNumber }), let first = name.first, first.isUppercase else { continue }
      names.insert(String(name))
    }
    return names
  }

  @Test("every public type is in Architecture.md's 'What is public', and it names no other type")
  func architectureNamesThePublicTypes() throws {
    let listed = try Self.listedTypes()
    let documented = try Self.documentedNames()
    #expect(listed.count > 40, "the API list should hold the library's public types")
    let missing = listed.subtracting(documented).sorted()
    #expect(missing.isEmpty, "public types not described in Docs/Architecture.md's 'What is public': \(missing)")
    let notPublic = documented.subtracting(listed).sorted()
    #expect(notPublic.isEmpty, "Docs/Architecture.md calls these public, but the API list has no such type: \(notPublic)")
  }
}
