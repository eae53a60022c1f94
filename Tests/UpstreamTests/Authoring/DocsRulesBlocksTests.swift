import Foundation
import Testing

@testable import Upstream

/// Every code block in Docs/*.md that is rules text compiles against the shipped rules, so
/// a clinician who copies an example gets ids that exist (issue 17: `pain_standing_up`
/// did not). A block that redeclares a shipped id is a copy of it and may do so; a block
/// marked `<!-- standalone example -->` on the line before is compiled on its own instead, and
/// the clinician guide's edit steps are left to ClinicianGuideTests, which follows them.
@Suite("Rules examples in the docs")
struct DocsRulesBlocksTests {
  static let root = UpstreamBinary.packageRoot
  static let declarationWords = ["case ", "question ", "rule ", "complaint ", "contributor ", "recommendation ", "red flag ", "score ", "norm "]

  /// The rules-text code blocks of one document: (first line number, text, standalone).
  static func blocks(_ path: String) throws -> [(line: Int, text: String, standalone: Bool)] {
    let lines = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8).components(separatedBy: "\n")
    var found: [(line: Int, text: String, standalone: Bool)] = []
    var index = 0
    while index < lines.count {
      guard lines[index] == "```" else {
        if lines[index].hasPrefix("```") { index = (lines[(index + 1)...].firstIndex { $0.hasPrefix("```") } ?? index) + 1 } else { index += 1 }
        continue
      }
      let close = lines[(index + 1)...].firstIndex { $0.hasPrefix("```") } ?? lines.count
      let body = lines[(index + 1)..<close]
      // The clinician guide's steps (`<!-- append: … -->` and the like) build on each other in
      // a practice folder; ClinicianGuideTests compiles them there.
      let guideStep = index > 0 && ["append:", "replace:", "create:", "excerpt:"].contains { lines[index - 1].contains("<!-- " + $0) }
      if let first = body.first, !guideStep, declarationWords.contains(where: { first.hasPrefix($0) }) {
        let standalone = index > 0 && lines[index - 1].contains("<!-- standalone example -->")
        found.append((index + 2, body.joined(separator: "\n") + "\n", standalone))
      }
      index = close + 1
    }
    return found
  }

  static var documents: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Docs").path)) ?? []
    return names.filter { $0.hasSuffix(".md") }.sorted().map { "Docs/" + $0 }
  }

  @Test("every rules block compiles against the shipped rules", arguments: documents)
  func compiles(_ document: String) throws {
    for block in try Self.blocks(document) {
      let file = SourceFile(path: "\(document):\(block.line)", text: block.standalone ? CheckExamples.preamble + block.text : block.text)
      if block.text.hasPrefix("case ") {
        // A case example reads against the shipped knowledge base.
        let cases = CaseLoader.load([file], for: FuzzHarness.bundled)
        #expect(!cases.diagnostics.hasErrors, "\(document) line \(block.line): \(cases.diagnostics.map(\.message))")
        continue
      }
      let files = block.standalone ? [file] : KnowledgeBase.bundled().files + [file]
      let errors = KnowledgeBase.compile(files, checks: []).diagnostics.filter {
        $0.severity == .error && $0.code != .duplicateId && $0.range.file == file.path
      }
      #expect(errors.isEmpty, "\(document) line \(block.line): \(errors.map(\.message))")
    }
  }

  @Test("the rule language's examples are found and use ids the shipped rules declare")
  func ruleLanguageExamples() throws {
    let blocks = try Self.blocks("Docs/RuleLanguage.md")
    #expect(blocks.count >= 5)
    let text = blocks.map(\.text).joined()
    #expect(text.contains("back_worse_after_sitting or stiff_standing_up"))
    #expect(!text.contains("pain_standing_up") && !text.contains("back_pain_worse_sitting"))
  }
}
