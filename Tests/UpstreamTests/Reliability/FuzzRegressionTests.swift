import Foundation
import Testing

@testable import Upstream

/// Replays, through the same harness the libFuzzer targets use, every input that once
/// crashed Upstream (`Tests/Fuzz/regressions/`) and the seed corpus the fuzzers start
/// from (the shipped rules, cases and example answers). An input found by
/// `Tests/Fuzz/run.sh` becomes a regression test by copying it into the folder.
@Suite("Fuzz regressions and seeds")
struct FuzzRegressionTests {
  static let root = UpstreamBinary.packageRoot

  /// The files in a folder under the package root, sorted by name.
  static func files(in folder: String, extensions: Set<String>) -> [URL] {
    let url = root.appendingPathComponent(folder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.sorted().map { url.appendingPathComponent($0) }.filter { extensions.contains($0.pathExtension) }
  }

  @Test("every rules regression and rules seed goes through the front end without a crash")
  func rulesInputs() throws {
    let regressions = Self.files(in: "Tests/Fuzz/regressions/rules", extensions: ["rules", "case"])
    #expect(regressions.count >= 3)
    let seeds =
      Self.files(in: "rules", extensions: ["rules"]) + Self.files(in: "rules/cases", extensions: ["case"])
      + Self.files(in: "Docs/examples/mini", extensions: ["rules"])
    for file in regressions + seeds {
      let data = try Data(contentsOf: file)
      // Deep and long inputs must not need a big stack.
      onSmallStack { FuzzHarness.rules(data) }
    }
  }

  @Test("every answers regression and answers seed goes through the reader, engine and renderers without a crash")
  func answersInputs() throws {
    let regressions = Self.files(in: "Tests/Fuzz/regressions/answers", extensions: ["json"])
    #expect(regressions.count >= 2)
    let seeds =
      Self.files(in: "Docs/examples", extensions: ["json"]) + Self.files(in: "Docs/examples/mini", extensions: ["json"])
      + Self.files(in: "Tests/Fuzz/seeds/answers", extensions: ["json"])
    #expect(seeds.count >= 5)
    for file in regressions + seeds {
      let data = try Data(contentsOf: file)
      onSmallStack { FuzzHarness.answers(data) }
    }
  }

  @Test("the regressions still give their diagnostics: huge numbers, invalid characters, lone surrogates, deep nesting")
  func regressionDiagnostics() throws {
    func text(_ path: String) throws -> String {
      try String(contentsOf: Self.root.appendingPathComponent("Tests/Fuzz/regressions/" + path), encoding: .utf8)
    }
    let invalid = compile(try text("rules/invalid-characters-100k.rules"))
    #expect(invalid.diagnostics.count <= DiagnosticCollector.limitPerFile + 4)
    #expect(invalid.diagnostics.contains { $0.message == Diagnostic.tooManyMessage })

    let score = compile(header + (try text("rules/score-compared-beyond-int.rules")))
    #expect(score.knowledgeBase == nil)
    #expect(score.diagnostics.filter { $0.code == .invalidNumber }.count == 2)

    let kb = FuzzHarness.bundled
    let cases = CaseLoader.load([SourceFile(path: "c.case", text: try text("rules/case-expects-huge-score.case"))], for: kb)
    #expect(CaseRunner(kb).run(cases.cases).map(\.passed) == [false])

    let surrogates = AnswersReader.read(SourceFile(path: "a.json", text: try text("answers/lone-surrogates.json")), for: kb)
    #expect(surrogates.diagnostics.map(\.code) == [.unknownQuestion, .unknownQuestion])
    #expect(surrogates.diagnostics.first?.message.contains("\u{FFFD}A") == true)

    let deep = AnswersReader.read(SourceFile(path: "a.json", text: try text("answers/nested-600-deep.json")), for: kb)
    #expect(deep.diagnostics.map(\.code) == [.answersNotJSON])
  }
}
