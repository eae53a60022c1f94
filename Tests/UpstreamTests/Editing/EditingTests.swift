import Foundation
import Testing

@testable import Upstream

/// The language intelligence behind `upstream lsp`, on the shipped rules held in memory as
/// an editor holds them: diagnostics across files, hover, definition, references, rename,
/// completion, formatting and fixes.
@Suite("Editing")
struct EditingTests {
  /// The shipped rules and cases as a workspace, with `edits` (path → text) in place.
  static func workspace(_ edits: [String: String] = [:]) -> RulesWorkspace {
    var texts: [String: String] = [:]
    for file in KnowledgeBase.bundledFiles(extension: "rules") + KnowledgeBase.bundledFiles(extension: "case") {
      texts[file.path] = file.text
    }
    var workspace = RulesWorkspace(folder: "rules", texts: texts, checks: standardChecks(clock: .fixed(testDay)))
    for (path, text) in edits { workspace.setText(text, of: path) }
    return workspace
  }

  static let shipped = workspace().analyse()
  static let footToHip = "rules/foot-to-hip.rules"

  /// The byte offset of the `occurrence`-th `needle` in a file, plus `delta`.
  static func offset(_ needle: String, in path: String, _ analysis: WorkspaceAnalysis = shipped, occurrence: Int = 0, delta: Int = 0) throws
    -> Int
  {
    let text = Array(try #require(analysis.sources[path]?.text).utf8)
    let pattern = Array(needle.utf8)
    var seen = 0
    var index = 0
    while index + pattern.count <= text.count {
      if text[index..<(index + pattern.count)].elementsEqual(pattern) {
        if seen == occurrence { return index + delta }
        seen += 1
      }
      index += 1
    }
    Issue.record("'\(needle)' is not in \(path) \(occurrence + 1) times")
    return -1
  }

  // MARK: Diagnostics

  @Test("the shipped rules and cases give no errors, and every file has an entry")
  func shippedRulesAreClean() {
    let analysis = Self.shipped
    #expect(analysis.knowledgeBase != nil)
    #expect(analysis.diagnostics.values.joined().filter { $0.severity == .error }.isEmpty)
    #expect(Set(analysis.diagnostics.keys) == Set(analysis.sources.keys))
  }

  @Test("renaming a declaration in one file reports its uses in the other files, with a did-you-mean fix")
  func diagnosticsAcrossFiles() throws {
    let complaints = "rules/complaints.rules"
    let text = try #require(Self.shipped.sources[complaints]?.text).replacingOccurrences(of: "complaint hip_pain", with: "complaint hip_pains")
    let analysis = Self.workspace([complaints: text]).analyse()
    let broken = try #require(analysis.diagnostics[Self.footToHip]?.first { $0.message.contains("'hip_pain'") })
    #expect(broken.code == .unknownId)
    #expect(broken.fix?.replacement == "hip_pains")
    #expect(analysis.knowledgeBase == nil)
  }

  // MARK: Hover

  @Test("hover on a question shows its wording, options and the rules that read it")
  func hoverOnQuestion() throws {
    let offset = try Self.offset("when arch_shape is flat", in: Self.footToHip, delta: 7)
    let hover = try #require(Self.shipped.hover(in: Self.footToHip, at: offset))
    #expect(hover.markdown.contains("**question `arch_shape`**: choice"))
    #expect(hover.markdown.contains("> Stand barefoot. How do the arches of your feet look?"))
    #expect(hover.markdown.contains("`high_arched` \"A very high arch"))
    #expect(hover.markdown.contains("Read by: `flat-arches-make-hips-stabilise`"))
    #expect(hover.markdown.contains("*foot-to-hip.rules:12*"))
    #expect(hover.range.start.offset == offset - 2)
  }

  @Test("hover on a finding lists the rules that conclude it, with their certainties")
  func hoverOnFinding() throws {
    let offset = try Self.offset("then collapsed_arches certainty", in: Self.footToHip, delta: 6)
    let hover = try #require(Self.shipped.hover(in: Self.footToHip, at: offset))
    #expect(hover.markdown.contains("**contributor `collapsed_arches`**"))
    #expect(hover.markdown.contains("Concluded by: `flat-arches-make-hips-stabilise` (0.5)"))
    #expect(hover.markdown.contains("Addressed by:"))
  }

  @Test("hover on a recommendation shows its dose; on an option its label and question")
  func hoverOnRecommendationAndOption() throws {
    let path = "rules/recommendations.rules"
    let hover = try #require(Self.shipped.hover(in: path, at: try Self.offset("recommendation foot_rolling", in: path, delta: 16)))
    #expect(hover.markdown.contains("Dose: 1 to 2 minutes on each foot"))
    let option = try #require(Self.shipped.hover(in: Self.footToHip, at: try Self.offset("arch_shape is flat", in: Self.footToHip, delta: 15)))
    #expect(option.markdown.hasPrefix("**option `flat`** \"Flat: the inside of the foot touches"))
    #expect(option.markdown.contains("of question `arch_shape`"))
  }

  @Test("no hover on a keyword, a text or a comment")
  func noHoverOffIds() throws {
    #expect(Self.shipped.hover(in: Self.footToHip, at: try Self.offset("  when arch_shape", in: Self.footToHip, delta: 3)) == nil)
    #expect(Self.shipped.hover(in: Self.footToHip, at: try Self.offset("Stand barefoot", in: Self.footToHip, delta: 2)) == nil)
    #expect(Self.shipped.hover(in: Self.footToHip, at: 2) == nil)
  }

  // MARK: Definition and references

  @Test("definition goes from a use to the declaration in another file")
  func definition() throws {
    let sites = Self.shipped.definition(in: Self.footToHip, at: try Self.offset("is flat and hip_pain", in: Self.footToHip, delta: 13))
    #expect(sites.map(\.file) == ["rules/complaints.rules"])
    #expect(sites.first?.start.line == 39)
  }

  @Test("references find every use, in rules and cases, with or without the declaration")
  func references() throws {
    let offset = try Self.offset("question arch_shape", in: Self.footToHip, delta: 10)
    let all = Self.shipped.references(in: Self.footToHip, at: offset, includingDeclaration: true)
    let uses = Self.shipped.references(in: Self.footToHip, at: offset, includingDeclaration: false)
    #expect(all.count == uses.count + 1)
    #expect(Set(all.map(\.file)).contains { $0.hasPrefix("rules/cases/") })
    #expect(Set(all.map(\.file)).contains("rules/footwear.rules"))
    for range in all {
      let text = try #require(Self.shipped.sources[range.file]?.text)
      let bytes = Array(text.utf8)[range.start.offset..<range.end.offset]
      #expect(String(decoding: bytes, as: UTF8.self) == "arch_shape", "\(range)")
    }
  }

  // MARK: Rename

  @Test("a rename changes the declaration and every use, across files and cases, and the result compiles")
  func renameEverywhere() throws {
    let offset = try Self.offset("question arch_shape", in: Self.footToHip, delta: 10)
    let edits = try Self.shipped.rename(in: Self.footToHip, at: offset, to: "arch_form").get()
    #expect(edits.keys.contains { $0.hasPrefix("rules/cases/") })
    var workspace = Self.workspace()
    for (path, fileEdits) in edits {
      var bytes = Array(try #require(Self.shipped.sources[path]?.text).utf8)
      for edit in fileEdits.sorted(by: { $0.range.start.offset > $1.range.start.offset }) {
        bytes.replaceSubrange(edit.range.start.offset..<edit.range.end.offset, with: Array(edit.newText.utf8))
      }
      workspace.setText(String(decoding: bytes, as: UTF8.self), of: path)
    }
    let renamed = workspace.analyse()
    #expect(renamed.diagnostics.values.joined().filter { $0.severity == .error }.map(\.message) == [])
    #expect(renamed.knowledgeBase?.question("arch_form") != nil)
  }

  @Test("an option renamed in its question is renamed in conditions and in the cases that answer it")
  func renameOption() throws {
    let offset = try Self.offset("option high_arched", in: Self.footToHip, delta: 8)
    let edits = try Self.shipped.rename(in: Self.footToHip, at: offset, to: "high").get()
    #expect(edits.keys.contains { $0.hasPrefix("rules/cases/") })
    #expect(edits[Self.footToHip]?.count ?? 0 >= 3)
  }

  @Test("a rename onto an id in use, a keyword or a malformed id is refused with the reason")
  func renameRefused() throws {
    let offset = try Self.offset("question arch_shape", in: Self.footToHip, delta: 10)
    func refusal(_ newID: String) -> String? {
      if case .failure(let refusal) = Self.shipped.rename(in: Self.footToHip, at: offset, to: newID) { return refusal.message }
      return nil
    }
    #expect(refusal("hip_pain")?.contains("'hip_pain' is already declared (complaints.rules:39)") == true)
    #expect(refusal("when")?.contains("word of the rule language") == true)
    #expect(refusal("2feet")?.contains("is not an id") == true)
    #expect(refusal("arch-") != nil)
    let option = try Self.offset("option high_arched", in: Self.footToHip, delta: 8)
    if case .failure(let refused) = Self.shipped.rename(in: Self.footToHip, at: option, to: "flat") {
      #expect(refused.message.contains("'arch_shape' already has an option or stratum 'flat'"))
    } else {
      Issue.record("renaming an option onto its sibling was not refused")
    }
    #expect(throws: RenameRefusal.self) { try Self.shipped.renameTarget(in: Self.footToHip, at: 2).get() }
  }

  // MARK: Completion

  /// The labels offered at the end of `line`, appended to foot-to-hip.rules.
  static func completions(after line: String) throws -> [String] {
    let path = Self.footToHip
    let text = try #require(Self.shipped.sources[path]?.text) + "\n" + line
    let analysis = Self.workspace([path: text]).analyse()
    return try #require(analysis.completions(in: path, at: text.utf8.count)).candidates.map(\.label)
  }

  @Test("completion offers what fits where the cursor is")
  func completionInContext() throws {
    #expect(try Self.completions(after: "rule r\n  when arch_shape is ") == ["flat", "high_arched", "normal"])
    #expect(try Self.completions(after: "rule r\n  when arch_shape is not h") == ["high_arched"])
    #expect(try Self.completions(after: "rule r\n  when arch_shape in (flat, ") == ["flat", "high_arched", "normal"])
    #expect(try Self.completions(after: "rule r\n  when arch_shape is flat\n  then recommend foot_").allSatisfy { $0.hasPrefix("foot_") })
    #expect(try Self.completions(after: "rule r\n  when arch_shape is flat\n  then recommend foot_").contains("foot_rolling"))
    #expect(try Self.completions(after: "rule r\n  when arch_") == ["arch_returns_on_tiptoe", "arch_shape"])
    #expect(try Self.completions(after: "rule r\n  when hip_pain\n  then ").contains("recommend"))
    #expect(try Self.completions(after: "rule r\n  when hip_pain\n  then ").contains("collapsed_arches"))
    #expect(try Self.completions(after: "rule r\n  when hip_pain\n  then ").contains("arch_shape") == false)
    #expect(try Self.completions(after: "reco") == ["recommendation"])
    #expect(try Self.completions(after: "rule r\n  bec") == ["because"])
    #expect(try Self.completions(after: "rule r\n  when hip_pain\n  source truckers-") == ["truckers-guide"])
  }

  @Test("completion in a case file: questions after 'answer', then that question's options")
  func completionInCases() throws {
    let path = "rules/cases/new.case"
    let text = "case new\n  answer arch_"
    let analysis = Self.workspace([path: text]).analyse()
    #expect(analysis.completions(in: path, at: text.utf8.count)?.candidates.map(\.label) == ["arch_returns_on_tiptoe", "arch_shape"])
    let options = "case new\n  answer arch_shape "
    let withOptions = Self.workspace([path: options]).analyse()
    #expect(withOptions.completions(in: path, at: options.utf8.count)?.candidates.map(\.label) == ["flat", "high_arched", "normal"])
  }

  // MARK: Formatting and fixes

  @Test("formatting gives the fmt layout as one edit, nothing for a formatted file, a refusal for a file with errors")
  func formatting() throws {
    let path = Self.footToHip
    let clean = try #require(Self.shipped.sources[path]?.text)
    #expect(try Self.shipped.formatted(path).get() == [])
    let messy = clean.replacingOccurrences(of: "  when arch_shape is flat and hip_pain", with: "  when   arch_shape is flat   and hip_pain")
    let edits = try Self.workspace([path: messy]).analyse().formatted(path).get()
    #expect(edits.map(\.newText) == [clean])
    #expect(edits.first?.range.end.offset == messy.utf8.count)
    let broken = clean + "\nrule r\n  when (\n"
    #expect(throws: FormattingRefusal.self) { try Self.workspace([path: broken]).analyse().formatted(path).get() }
  }

  @Test("every diagnostic that carries a fix gives an editor fix at its place, and only there")
  func fixesFromDiagnostics() throws {
    let path = Self.footToHip
    let text = try #require(Self.shipped.sources[path]?.text)
      .replacingOccurrences(of: "when arch_shape is flat and hip_pain", with: "when arch_shap is flat and hip_pain")
    let analysis = Self.workspace([path: text]).analyse()
    let at = try Self.offset("arch_shap is", in: path, analysis)
    let fixes = analysis.fixes(in: path, overlapping: at...at)
    #expect(fixes.map(\.title) == ["Did you mean 'arch_shape'?"])
    #expect(fixes.first?.edits[path]?.map(\.newText) == ["arch_shape"])
    #expect(fixes.first?.edits[path]?.first?.range.start.offset == at)
    #expect(analysis.fixes(in: path, overlapping: 0...10).isEmpty)
    let withFixes = analysis.diagnostics[path]?.filter { $0.fix != nil } ?? []
    #expect(withFixes.count == 1)
  }
}
