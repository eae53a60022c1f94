import Foundation
import Testing

@testable import Upstream

/// `upstream list`: a clinician adding a rule finds the ids that exist, with their wording,
/// options or range, and where each is defined, instead of grepping the rule files.
@Suite("upstream list")
struct ListCommandTests {
  static let root = UpstreamBinary.packageRoot

  /// The line `file:line` points at, read from the package's files.
  static func line(_ file: String, _ number: Int) throws -> String {
    let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
    return text.components(separatedBy: "\n")[number - 1]
  }

  @Test("list questions shows a number question's wording, range and unit, and a choice question's options, at their file:line")
  func questionsText() throws {
    let result = UpstreamInProcess.run(["list", "questions"])
    #expect(result.status == 0, "\(result.errors)")
    let lines = result.output.components(separatedBy: "\n")
    #expect(lines[0] == "questions (\(FuzzHarness.bundled.questions.count))")
    let sitting = try #require(lines.firstIndex { $0.hasPrefix("sitting_hours  rules/") })
    #expect(lines[sitting + 1].contains("how many hours do you spend sitting"))
    #expect(lines[sitting + 2] == "  number 0 to 24 hours, decimals allowed")
    let arch = try #require(lines.firstIndex { $0.hasPrefix("arch_shape  ") })
    #expect(lines[arch + 2].hasPrefix("  choice: flat \"Flat"))
    #expect(lines[arch + 2].contains("high_arched \""))
    // The location is where the question is declared.
    let site = try #require(lines[sitting].split(separator: " ").last).split(separator: ":")
    #expect(try Self.line(String(site[0]), Int(site[1]) ?? 0).hasPrefix("question sitting_hours:"))
    // Who the questionnaire is not for, and a physical test, are said too.
    let age = try #require(lines.firstIndex { $0.hasPrefix("age  ") })
    #expect(lines[age + 3].hasPrefix("  below range: Upstream is for people aged 16 and over"), "\(lines[age...(age + 3)])")
    let stance = try #require(lines.firstIndex { $0.hasPrefix("single_leg_stance_seconds  ") })
    #expect(lines[stance...].prefix(6).contains("  physical test: asked last; not once a sign needs a doctor today or now"))
  }

  @Test("every kind lists each declared id once, sorted, and each file:line is its declaration", arguments: IDListing.Kind.allCases)
  func everyKindJSON(kind: IDListing.Kind) throws {
    let result = UpstreamInProcess.run(["list", kind.rawValue, "--format", "json"])
    #expect(result.status == 0, "\(result.errors)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    #expect(object["format"] as? String == "upstream-list")
    let items = try #require(object["items"] as? [[String: Any]])
    let ids = items.compactMap { $0["id"] as? String }
    let kb = FuzzHarness.bundled
    let declared: [String] =
      switch kind {
      case .questions: kb.questions.map(\.id)
      case .findings: kb.findings.map(\.id)
      case .recommendations: kb.recommendations.map(\.id)
      case .redFlags: kb.redFlags.map(\.id)
      case .scores: kb.scores.map(\.id)
      }
    #expect(ids == declared.sorted())
    for item in items {
      let id = try #require(item["id"] as? String)
      let file = try #require(item["file"] as? String)
      let line = try #require(item["line"] as? Int)
      let text = try Self.line(file, line)
      #expect(text.contains(" \(id)") && text.hasPrefix(item["kind"] as? String ?? "?"), "\(id) at \(file):\(line) is '\(text)'")
      #expect(!(item["wording"] as? String ?? "").isEmpty)
    }
  }

  @Test("a number question's range and unit, and a recommendation's dose, are in the JSON")
  func detailsJSON() throws {
    let questions = UpstreamInProcess.run(["list", "questions", "--format", "json"]).output
    #expect(questions.contains("\"range\": {\n        \"low\": 0,\n        \"high\": 24\n      },\n      \"unit\": \"hours\""))
    let recommendations = UpstreamInProcess.run(["list", "recommendations"]).output
    #expect(recommendations.contains("  dose: "))
    let flags = UpstreamInProcess.run(["list", "red-flags"]).output
    #expect(flags.contains("cauda_equina  rules/red-flags.rules:"))
    #expect(flags.contains("  urgency: emergency"))
  }

  @Test("the listing is the same whatever order the files are read in")
  func orderIndependent() throws {
    let folder = try TemporaryFolder()
    // The same files under names that sort the other way round.
    for (index, file) in EmbeddedRules.files.filter({ $0.path.hasSuffix(".rules") }).enumerated() {
      try folder.write("kb/\(String(format: "%02d", 99 - index))-\((file.path as NSString).lastPathComponent)", file.text)
    }
    let reordered = UpstreamInProcess.run(["list", "findings", "--rules", folder.url.appendingPathComponent("kb").path]).output
    let shipped = UpstreamInProcess.run(["list", "findings"]).output
    let strip = { (text: String) in text.replacingOccurrences(of: #"  \S+\.rules:\d+"#, with: "", options: .regularExpression) }
    #expect(!reordered.isEmpty && strip(reordered) == strip(shipped))
  }

  @Test("an unknown kind exits 2 with a did-you-mean; no kind lists the kinds")
  func badKind() {
    let result = UpstreamInProcess.run(["list", "recomendations"])
    #expect(result.status == 2)
    #expect(result.errors.contains("help: did you mean 'recommendations'?"))
    let none = UpstreamInProcess.run(["list"])
    #expect(none.status == 2)
    #expect(none.errors.contains("questions, findings, recommendations, red-flags, scores"))
    #expect(UpstreamInProcess.run(["--help"]).output.contains("  list "))
  }
}
