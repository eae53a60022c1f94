import Foundation
import Testing

@testable import Upstream

/// Loading a rule folder on several threads (`assess --batch --jobs N`) gives what loading
/// it on one gives: the same knowledge base, the same diagnostics in the same order.
@Suite("Loading rules on several threads")
struct ParallelLoadingTests {
  /// The bundled rules written out as a folder of their own (13 files).
  static func bundledFolder() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    for file in KnowledgeBase.bundled().files {
      try folder.write(String(file.path.split(separator: "/").last ?? ""), file.text)
    }
    return folder
  }

  @Test("a multi-file rule folder loaded on 1 and on 2 jobs gives the same knowledge base and diagnostics, in the same order")
  func sameKnowledgeBase() throws {
    let folder = try Self.bundledFolder()
    // Warnings from the checks in two more files: the same condition as a bundled rule
    // (in another file), and a rule with no review date.
    try folder.write(
      "a-copy.rules",
      """
      rule flat-arches-again
        when arch_shape is flat and hip_pain
        then collapsed_arches certainty 0.5
        because "Flat arches absorb less shock."
        source truckers-guide

      """)
    try folder.write(
      "z-copy.rules",
      """
      rule flat-arches-once-more
        when hip_pain and arch_shape is flat
        then collapsed_arches certainty 0.4
        because "Flat arches absorb less shock."
        source truckers-guide

      """)
    let one = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: 1)
    let knowledgeBase = try #require(one.knowledgeBase, "\(one.diagnostics.filter { $0.severity == .error })")
    #expect(Set(one.diagnostics.map(\.code)).count >= 2, "warnings of several checks to compare: \(one.diagnostics.map(\.code))")
    #expect(Set(one.diagnostics.map(\.range.file)).count >= 2, "warnings in several files")
    for jobs in [2, 4] {
      let many = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: jobs)
      #expect(many.diagnostics == one.diagnostics)
      #expect(many.files.map(\.path) == one.files.map(\.path))
      let other = try #require(many.knowledgeBase)
      #expect(other.contentHash == knowledgeBase.contentHash)
      #expect(other.questions.map(\.id) == knowledgeBase.questions.map(\.id))
      #expect(other.findings.map(\.id) == knowledgeBase.findings.map(\.id))
      #expect(other.rules.map(\.id) == knowledgeBase.rules.map(\.id))
      // Every clinician case assessed by both gives the same record, byte for byte.
      for clinicianCase in CaseLoader.bundled(for: knowledgeBase).cases {
        let expected = JSONWriter.compact(AssessmentJSONRenderer().value(knowledgeBase.assess(validated: clinicianCase.answers).tree))
        let found = JSONWriter.compact(AssessmentJSONRenderer().value(other.assess(validated: clinicianCase.answers).tree))
        #expect(found == expected, "\(clinicianCase.id)")
      }
    }
  }

  @Test("errors in several files are reported the same on 1 and on 2 jobs, in file and line order")
  func sameErrors() throws {
    let folder = try Self.bundledFolder()
    // A misspelt id in one file, a syntax error in another, a rule that can never fire in a third.
    try folder.write(
      "zz-broken.rules",
      """
      rule broken-one
        when arch_shap is flat
        then plantar_fasciitis certainty 0.5
        because "b"
        source nice-ng226

      """)
    try folder.write("aa-broken.rules", "question half_written: yes/no\n  ask\n")
    let one = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: 1)
    #expect(one.knowledgeBase == nil)
    #expect(one.diagnostics.filter { $0.severity == .error }.count >= 2)
    let two = KnowledgeBase.load(directories: [folder.url.path], checks: allChecks, jobs: 2)
    #expect(two.knowledgeBase == nil)
    #expect(two.diagnostics == one.diagnostics)
  }

  @Test("upstream assess --batch gives the same lines on 1 and 2 jobs with a multi-file --rules folder")
  func batchThroughTheBinary() throws {
    let folder = try Self.bundledFolder()
    let knowledgeBase = try #require(KnowledgeBase.bundled().knowledgeBase)
    let lines = CaseLoader.bundled(for: knowledgeBase).cases.map { JSONWriter.compact($0.answers.json) }
    let input = lines.joined(separator: "\n") + "\n"
    for format in ["summary", "tree"] {
      let one = try UpstreamBinary.run(
        ["assess", "--rules", folder.url.path, "--batch", "-", "--jobs", "1", "--output-format", format], input: input)
      let two = try UpstreamBinary.run(
        ["assess", "--rules", folder.url.path, "--batch", "-", "--jobs", "2", "--output-format", format], input: input)
      #expect(one.status == 0, "\(one.errors.prefix(2000))")
      #expect(two.output == one.output)
      #expect(one.output.split(separator: "\n").count == lines.count)
    }
  }
}
