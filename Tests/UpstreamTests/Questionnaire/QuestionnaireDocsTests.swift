import Foundation
import Testing

@testable import Upstream

/// Docs/Questionnaire.md shows real output: the session transcript is what
/// `upstream ask` prints for the replies in Docs/examples/ask-session.txt, the FHIR
/// excerpt is part of what `upstream export` writes, and the adaptivity figures are the
/// current report's.
///
/// After a deliberate change, regenerate the transcript with
/// `UPSTREAM_UPDATE_DOCS=1 swift test --filter QuestionnaireDocsTests`.
@Suite("Questionnaire documentation")
struct QuestionnaireDocsTests {
  static let document = UpstreamBinary.packageRoot.appendingPathComponent("Docs/Questionnaire.md")
  static let command = "upstream ask --session session.json < Docs/examples/ask-session.txt"

  @Test("the session transcript is what upstream ask prints for the replies in Docs/examples/ask-session.txt")
  func transcript() throws {
    var text = try String(contentsOf: Self.document, encoding: .utf8)
    let opening = "```console\n$ \(Self.command)\n"
    let start = try #require(text.range(of: opening), "Docs/Questionnaire.md has no transcript of '\(Self.command)'")
    let end = try #require(text.range(of: "\n```\n", range: start.upperBound..<text.endIndex))
    let replies = try String(
      contentsOf: UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/ask-session.txt"), encoding: .utf8)
    let folder = try TemporaryFolder()
    let result = try UpstreamBinary.run(
      ["ask", "--session", "session.json"], input: replies, in: folder.url, environment: ["COLUMNS": "80"])
    #expect(result.status == 0, "\(result.errors)")
    if ProcessInfo.processInfo.environment["UPSTREAM_UPDATE_DOCS"] != nil {
      text.replaceSubrange(start.upperBound..<end.upperBound, with: result.output + "```\n")
      try text.write(to: Self.document, atomically: true, encoding: .utf8)
    } else {
      #expect(String(text[start.upperBound..<end.lowerBound]) + "\n" == result.output)
    }
  }

  @Test("the FHIR excerpt is part of what upstream export writes")
  func fhirExcerpt() throws {
    let text = try String(contentsOf: Self.document, encoding: .utf8)
    let start = try #require(text.range(of: "```json\n"))
    let end = try #require(text.range(of: "\n```\n", range: start.upperBound..<text.endIndex))
    let excerpt = text[start.upperBound..<end.lowerBound]
    let export = try UpstreamBinary.run(["export"])
    #expect(export.status == 0)
    let indented = excerpt.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    #expect(export.output.contains(indented))
  }

  @Test("the adaptivity figures are the current report's")
  func adaptivityFigures() throws {
    let text = try String(contentsOf: Self.document, encoding: .utf8)
    let report = try #require(AdaptivityReport.bundled(measuringNecessary: true))
    #expect(text.contains(report.summary), "the current figures are: \(report.summary)")
    let settled = try #require(AdaptivityReport.bundled(mode: .untilAdviceSettled))
    #expect(text.contains(settled.summary), "the current figures until the advice is settled are: \(settled.summary)")
  }
}
