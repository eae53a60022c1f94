import Foundation
import Testing

@testable import Upstream

/// `upstream fmt`, `graph`, `diff`, `explain` and the new `check` options, through the real
/// binary: good input, and bad input (a folder with errors, unknown ids, a missing folder).
@Suite("Authoring commands")
struct AuthoringCommandLineTests {
  static let rules = UpstreamBinary.packageRoot.appendingPathComponent("rules")

  /// A copy of the shipped rules (and cases) in a temporary folder, optionally edited; the
  /// copy's rules folder.
  @discardableResult
  static func copyOfRules(in folder: TemporaryFolder, named name: String = "rules", edit: (String, String) -> String = { _, text in text }) throws
    -> String
  {
    for entry in ["", "cases"] {
      let source = entry.isEmpty ? rules : rules.appendingPathComponent(entry)
      for file in try FileManager.default.contentsOfDirectory(atPath: source.path) where file.hasSuffix(".rules") || file.hasSuffix(".case") {
        let text = try String(contentsOf: source.appendingPathComponent(file), encoding: .utf8)
        let relative = entry.isEmpty ? file : "\(entry)/\(file)"
        try folder.write("\(name)/\(relative)", edit(relative, text))
      }
    }
    return folder.url.appendingPathComponent(name).path
  }

  /// How many rule and case files ship.
  /// The default knowledge base's files (rules/*.rules and rules/cases/*.case; the optional
  /// modules under rules/instruments are not part of it).
  static var shippedFileCount: Int {
    KnowledgeBase.bundledFiles(extension: "rules").count + KnowledgeBase.bundledFiles(extension: "case").count
  }
  static var shippedCaseCount: Int { KnowledgeBase.bundledFiles(extension: "case").count }

  static let brokenRule = "\nrule broken\n  when arch_shap is flat\n  then collapsed_arches certainty 0.3\n  because \"b\"\n  source truckers-guide\n"

  // MARK: fmt

  @Test("fmt lays out a messy folder, keeps comments, then finds nothing more to do")
  func fmtFormats() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("kb/kb.rules", FormatterTests.messy)
    let result = UpstreamInProcess.run(["fmt", "--rules", folder.url.appendingPathComponent("kb").path])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.contains("formatted 1 of 1 file"))
    #expect(try String(contentsOfFile: path, encoding: .utf8) == FormatterTests.messyFormatted)
    let again = try UpstreamBinary.run(["fmt", "--rules", "kb"], in: folder.url)
    #expect(again.status == 0)
    #expect(again.output == "1 file already formatted\n")
  }

  @Test("fmt --check lists the files that would change, changes nothing and exits 1")
  func fmtCheck() throws {
    let folder = try TemporaryFolder()
    let rules = try Self.copyOfRules(in: folder) { name, text in
      name == "footwear.rules" ? text.replacingOccurrences(of: "\n  when ", with: "\n      when ") : text
    }
    let footwear = (rules as NSString).appendingPathComponent("footwear.rules")
    let before = try String(contentsOfFile: footwear, encoding: .utf8)
    let result = try UpstreamBinary.run(["fmt", "--check", "--rules", "rules"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.output.hasPrefix("would reformat rules/footwear.rules\n"))
    #expect(result.output.contains("1 file of \(Self.shippedFileCount) would be reformatted"))
    #expect(try String(contentsOfFile: footwear, encoding: .utf8) == before)
    let clean = UpstreamInProcess.run(["fmt", "--check", "--rules", Self.rules.path])
    #expect(clean.status == 0, "the shipped rules should already be formatted: \(clean.output)")
  }

  @Test("fmt refuses a folder with errors, a folder with broken cases and a missing folder, touching nothing")
  func fmtRefuses() throws {
    let folder = try TemporaryFolder()
    let messy = "  " + FormatterTests.messy.dropFirst(2)
    try folder.write("bad/kb.rules", messy + Self.brokenRule.replacingOccurrences(of: "arch_shap is flat", with: "q and"))
    let result = try UpstreamBinary.run(["fmt", "--rules", "bad"], in: folder.url)
    #expect(result.status == 1)
    #expect(result.errors.contains("error[UP0012]: rule 'broken' has no 'then' conclusion"))
    #expect(result.errors.contains("so no file was formatted"))
    #expect(try String(contentsOfFile: folder.url.appendingPathComponent("bad/kb.rules").path, encoding: .utf8).hasPrefix(messy))

    let withCases = try Self.copyOfRules(in: folder, named: "cased") { name, text in
      name.hasPrefix("cases/desk") ? text.replacingOccurrences(of: "expect low_back_pain\n", with: "expect low_back_pian\n") : text
    }
    let cases = UpstreamInProcess.run(["fmt", "--rules", withCases])
    #expect(cases.status == 1)
    #expect(cases.errors.contains("did you mean 'low_back_pain'?"))
    #expect(cases.errors.contains("case files"))

    let missing = try UpstreamBinary.run(["fmt", "--rules", "no-such-folder"], in: folder.url)
    #expect(missing.status == 1)
    #expect(missing.errors.contains("there is no folder 'no-such-folder'"))
    let usage = try UpstreamBinary.run(["fmt", "some.rules"], in: folder.url)
    #expect(usage.status == 2)
  }

  @Test("fmt formats a module alone under a stand-in header, or with the main rules it builds on")
  func fmtModule() throws {
    let folder = try TemporaryFolder()
    let shipped = UpstreamBinary.packageRoot.appendingPathComponent("rules/instruments/phq-9")
    let original = try String(contentsOf: shipped.appendingPathComponent("phq-9.rules"), encoding: .utf8)
    let cases = try String(contentsOf: shipped.appendingPathComponent("cases/phq-9.case"), encoding: .utf8)
    let messy = original.replacingOccurrences(of: "\n  when phq9_1 is several_days\n", with: "\n      when   phq9_1 is several_days\n")
    #expect(messy != original)
    let path = try folder.write("phq-9/phq-9.rules", messy)
    try folder.write("phq-9/cases/phq-9.case", cases)
    let alone = try UpstreamBinary.run(["fmt", "--rules", "phq-9"], in: folder.url)
    #expect(alone.status == 0, "\(alone.errors)")
    #expect(alone.output == "formatted phq-9/phq-9.rules\nformatted 1 of 2 files\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == original)
    // The stand-in header is never written.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("phq-9").path).sorted() == ["cases", "phq-9.rules"])

    // A module that uses what the main rules declare needs them too.
    let extra = "rule phq9-extra\n      when arch_shape is flat\n  then add 1 to phq9_total\n  because \"b\"\n  source kroenke-2001\n"
    try folder.write("phq-9/extra.rules", extra)
    let refused = try UpstreamBinary.run(["fmt", "--rules", "phq-9"], in: folder.url)
    #expect(refused.status == 1)
    #expect(refused.errors.contains("arch_shape"))
    #expect(refused.errors.contains("give both, e.g. --rules rules --rules phq-9"))
    let both = try UpstreamBinary.run(["fmt", "--check", "--rules", Self.rules.path, "--rules", "phq-9"], in: folder.url)
    #expect(both.status == 1, "\(both.errors)")
    #expect(both.output.hasPrefix("would reformat phq-9/extra.rules\n"), "\(both.output)")
  }

  // MARK: graph

  @Test("graph draws the shipped rules in DOT that Graphviz accepts, and in Mermaid")
  func graphFormats() throws {
    let dot = UpstreamInProcess.run(["graph"])
    #expect(dot.status == 0)
    #expect(dot.output.hasPrefix("digraph upstream {"))
    #expect(
      dot.output.contains("\"collapsed_arches\" -> \"hip_pain\" [color=\"#ef6c00\", penwidth=2, tooltip=\"rules: flat-arches-make-hips-stabilise\"];")
    )
    #expect(dot.output.contains("subgraph cluster_red_flags"))
    if let graphviz = Self.graphviz {
      let folder = try TemporaryFolder()
      let file = try folder.write("graph.dot", dot.output)
      let drawing = try ChildProgram(
        graphviz, ["-Tsvg", file, "-o", folder.url.appendingPathComponent("graph.svg").path], environment: ChildEnvironment.clean())
      #expect(drawing.wait(seconds: 120) == .exited(0), "dot rejected the graph: \(drawing.errors)")
    }
    let mermaid = UpstreamInProcess.run(["graph", "--format", "mermaid"])
    #expect(mermaid.status == 0)
    #expect(mermaid.output.hasPrefix("flowchart LR\n"))
    #expect(mermaid.output.contains("subgraph red_flags"))
    #expect(mermaid.output.contains("==>|upstream of|"))
  }

  /// Graphviz's `dot`, when installed (the test that runs it is skipped otherwise).
  static var graphviz: String? {
    ["/usr/bin/dot", "/usr/local/bin/dot", "/opt/homebrew/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  @Test("graph --focus keeps one neighbourhood; --answers highlights what fired")
  func graphFocusAndTrace() throws {
    let focused = UpstreamInProcess.run(["graph", "--focus", "poor_ankle_mobility", "--depth", "1"])
    #expect(focused.status == 0)
    #expect(focused.output.contains("\"ankle_stiff\" -> \"poor_ankle_mobility\""))
    #expect(!focused.output.contains("cauda_equina"))
    #expect(!focused.output.contains("\"arch_shape\""))
    let answers = UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/trucker.json").path
    let trace = UpstreamInProcess.run(["graph", "--answers", answers, "--focus", "hip_pain", "--format", "mermaid"])
    #expect(trace.status == 0, "\(trace.errors)")
    #expect(trace.output.contains("= 0.50"))
    #expect(trace.output.contains("linkStyle"))
    #expect(trace.output.contains("classDef reached"))
    let reached = UpstreamInProcess.run(["graph", "--answers", answers, "--reached-only"])
    #expect(reached.status == 0)
    #expect(reached.output.contains("\"stiff_footwear\" [label=\"Over-padded or stiff shoes\\nstiff_footwear\\n= 0.40\""))
    #expect(!reached.output.contains("\"knee_pain\""))
    #expect(!reached.output.contains("#dddddd"), "an edge that did not fire is drawn")
  }

  @Test("graph rejects an unknown id, a wrong format, --depth alone, a folder with errors and a missing folder")
  func graphBadInput() throws {
    let unknown = UpstreamInProcess.run(["graph", "--focus", "hip_pian"])
    #expect(unknown.status == 2)
    #expect(unknown.errors.contains("did you mean 'hip_pain'?"))
    let source = UpstreamInProcess.run(["graph", "--focus", "truckers-guide"])
    #expect(source.status == 2)
    #expect(source.errors.contains("'truckers-guide' is a source"))
    #expect(UpstreamInProcess.run(["graph", "--format", "svg"]).status == 2)
    #expect(UpstreamInProcess.run(["graph", "--depth", "2"]).status == 2)
    #expect(UpstreamInProcess.run(["graph", "--reached-only"]).status == 2)
    let folder = try TemporaryFolder()
    let broken = try Self.copyOfRules(in: folder) { name, text in name == "footwear.rules" ? text + Self.brokenRule : text }
    let errors = UpstreamInProcess.run(["graph", "--rules", broken])
    #expect(errors.status == 1)
    #expect(errors.errors.contains("arch_shap"))
    #expect(UpstreamInProcess.run(["graph", "--rules", "/no/such/folder"]).status == 1)
  }

  // MARK: diff

  @Test("diff of a changed certainty lists the rule, the cases that move, and exits 1")
  func diffCertainty() throws {
    let folder = try TemporaryFolder()
    let new = try Self.copyOfRules(in: folder, named: "new") { name, text in
      name == "foot-to-hip.rules"
        ? text.replacingOccurrences(of: "  then collapsed_arches certainty 0.3\n", with: "  then collapsed_arches certainty 0.6\n") : text
    }
    let result = UpstreamInProcess.run(["diff", Self.rules.path, new])
    #expect(result.status == 1, "\(result.output)\(result.errors)")
    #expect(result.output.contains("Structure: 1 rule changed"))
    #expect(result.output.contains("rule flat-arches-stress-the-knee changed"))
    #expect(result.output.contains("then collapsed_arches certainty: 0.3 → 0.6"))
    #expect(result.output.contains("case cyclist-knee-pain-flat-arches-knees-in"))
    #expect(result.output.contains("contributor collapsed_arches: 0.30 → 0.60 (+0.30)"))
    #expect(result.output.contains("Behaviour changed"))
  }

  @Test("diff of an edit that changes no assessment exits 0, and of identical folders says so")
  func diffWithoutBehaviour() throws {
    let folder = try TemporaryFolder()
    let new = try Self.copyOfRules(in: folder, named: "new") { name, text in
      name == "foot-to-hip.rules"
        ? text.replacingOccurrences(
          of: "\"Flat arches absorb less shock, so the hips work harder to steady each step.\"", with: "\"Flat arches absorb less shock.\"")
        : text
    }
    let result = UpstreamInProcess.run(["diff", Self.rules.path, new])
    #expect(result.status == 0, "\(result.output)")
    #expect(
      result.output.contains("because: Flat arches absorb less shock, so the hips work harder to steady each step. → Flat arches absorb less shock."))
    #expect(result.output.contains("Behaviour: no change in any of \(Self.shippedCaseCount) assessments"))
    let same = UpstreamInProcess.run(["diff", Self.rules.path, Self.rules.path])
    #expect(same.status == 0)
    #expect(same.output.hasPrefix("Structure: no declaration added, removed or changed\n"))
  }

  @Test("diff with a question added: answers to it are left out for the old rules, with a note")
  func diffAddedQuestion() throws {
    let folder = try TemporaryFolder()
    let added = """

      question wears_heels: yes/no
        ask "Do you wear high heels most days?"

      rule heels-stiffen-the-ankle
        when wears_heels and hip_pain
        then poor_ankle_mobility certainty 0.3
        and poor_ankle_mobility upstream of hip_pain
        because "b"
        source clinical-team-judgement

      """
    let new = try Self.copyOfRules(in: folder, named: "new") { name, text in name == "foot-to-hip.rules" ? text + added : text }
    let answers = try folder.write("answers.json", #"{"pain_areas": ["hip"], "wears_heels": true}"#)
    let noCases = folder.url.appendingPathComponent("no-cases")
    try FileManager.default.createDirectory(at: noCases, withIntermediateDirectories: true)
    let result = UpstreamInProcess.run(["diff", Self.rules.path, new, "--cases", noCases.path, "--answers", answers])
    #expect(result.status == 1, "\(result.output)\(result.errors)")
    #expect(result.output.contains("Structure: 1 question added, 1 rule added"))
    #expect(result.errors.contains("answers 'wears_heels', which the old rules do not ask"))
    #expect(result.output.contains("gains contributor poor_ankle_mobility: 0.00 → 0.30 (+0.30)"))
    #expect(result.output.contains("top contributor of hip_pain: none → poor_ankle_mobility (0.30)"))
  }

  @Test("diff rejects a folder with errors, a missing folder, one folder, and a missing or invalid answers file")
  func diffBadInput() throws {
    let folder = try TemporaryFolder()
    let broken = try Self.copyOfRules(in: folder, named: "broken") { name, text in name == "footwear.rules" ? text + Self.brokenRule : text }
    let errors = UpstreamInProcess.run(["diff", Self.rules.path, broken])
    #expect(errors.status == 1)
    #expect(errors.errors.contains("did you mean 'arch_shape'?"))
    let missing = UpstreamInProcess.run(["diff", Self.rules.path, "/no/such/folder"])
    #expect(missing.status == 1)
    #expect(missing.errors.contains("there is no folder '/no/such/folder'"))
    #expect(UpstreamInProcess.run(["diff", Self.rules.path]).status == 2)
    #expect(UpstreamInProcess.run(["diff", Self.rules.path, Self.rules.path, "--answers", "/no/such.json"]).status == 4)
    let invalid = try folder.write("bad.json", #"{"arch_shape": "flaat"}"#)
    let wrong = UpstreamInProcess.run(["diff", Self.rules.path, Self.rules.path, "--answers", invalid])
    #expect(wrong.status == 3)
    #expect(wrong.errors.contains("did you mean 'flat'?"))
  }

  // MARK: explain

  @Test("explain says what an id is, where it is defined, what it uses and what uses it")
  func explainIDs() throws {
    let finding = UpstreamInProcess.run(["explain", "poor_ankle_mobility"])
    #expect(finding.status == 0)
    #expect(finding.output.hasPrefix("contributor poor_ankle_mobility: Stiff ankles\ndefined at rules/foot-to-hip.rules:"))
    let footToHip = try String(contentsOf: Self.rules.appendingPathComponent("foot-to-hip.rules"), encoding: .utf8)
    let line = try #require(footToHip.components(separatedBy: "\n").firstIndex(of: "rule stiff-ankle-twists-the-hip")) + 1
    #expect(finding.output.contains("rule stiff-ankle-twists-the-hip (rules/foot-to-hip.rules:\(line)): certainty 0.45"))
    #expect(finding.output.contains("addressed by"))
    let rule = UpstreamInProcess.run(["explain", "stiff-ankle-twists-the-hip"])
    #expect(rule.output.contains("  when               ankle_stiff and hip_pain\n"))
    #expect(rule.output.contains("question ankle_stiff (rules/foot-to-hip.rules:"))
    #expect(rule.output.contains("source truckers-guide (rules/sources.rules:"))
    let question = UpstreamInProcess.run(["explain", "ankle_stiff"])
    #expect(question.output.contains("read by (2):"))
    let source = UpstreamInProcess.run(["explain", "truckers-guide"])
    #expect(source.output.contains("cited by ("))
    let recommendation = UpstreamInProcess.run(["explain", "minimal_shoes"])
    #expect(recommendation.output.contains("in a conflict declared by (1):\n    recommendation arch_support_insoles"))
    let flag = UpstreamInProcess.run(["explain", "cauda_equina"])
    #expect(flag.output.contains("raised by"))
  }

  @Test("explain rejects an unknown id with a suggestion, no id, and a broken or missing folder")
  func explainBadInput() throws {
    let unknown = UpstreamInProcess.run(["explain", "poor_ankle_mobilty"])
    #expect(unknown.status == 2)
    #expect(unknown.errors.contains("the knowledge base has no id 'poor_ankle_mobilty'"))
    #expect(unknown.errors.contains("did you mean 'poor_ankle_mobility'?"))
    #expect(UpstreamInProcess.run(["explain"]).status == 2)
    #expect(UpstreamInProcess.run(["explain", "a", "b"]).status == 2)
    let folder = try TemporaryFolder()
    let broken = try Self.copyOfRules(in: folder) { name, text in name == "footwear.rules" ? text + Self.brokenRule : text }
    #expect(UpstreamInProcess.run(["explain", "hip_pain", "--rules", broken]).status == 1)
    #expect(UpstreamInProcess.run(["explain", "hip_pain", "--rules", "/no/such/folder"]).status == 1)
  }

  // MARK: check

  @Test("check --stale-after reports old reviews, measured from SOURCE_DATE_EPOCH")
  func checkStaleAfter() throws {
    let day = try #require(CalendarDay("2027-01-01"))
    let environment = ["SOURCE_DATE_EPOCH": String(day.daysSince1970 * 86_400)]
    let recent = UpstreamInProcess.run(["check", "--stale-after", "365"], environment: environment)
    #expect(recent.status == 0)
    #expect(!recent.output.contains("UP0212"))
    let stale = UpstreamInProcess.run(["check", "--stale-after", "30", "--format", "json"], environment: environment)
    #expect(stale.status == 0)
    #expect(stale.output.contains("\"code\": \"UP0212\""))
    #expect(stale.output.contains("was last reviewed on 2026-11-01, more than 30 days ago"))
    #expect(UpstreamInProcess.run(["check", "--stale-after", "soon"]).status == 2)
    let badEpoch = UpstreamInProcess.run(["check"], environment: ["SOURCE_DATE_EPOCH": "yesterday"])
    #expect(badEpoch.status == 2)
    #expect(badEpoch.errors.contains("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; found 'yesterday'"))
  }

  @Test("the day review ages are measured from: --today, else UPSTREAM_TODAY, else SOURCE_DATE_EPOCH")
  func checkToday() throws {
    let epoch2026 = ["SOURCE_DATE_EPOCH": String((try #require(CalendarDay("2026-11-20"))).daysSince1970 * 86_400)]
    func stale(_ arguments: [String], _ environment: [String: String]) throws -> Bool {
      let result = UpstreamInProcess.run(["check", "--stale-after", "400"] + arguments, environment: environment)
      #expect(result.status == 0, "\(result.errors)")
      return result.output.contains("UP0212")
    }
    // Reviews of 2026 are fresh on 2026-11-20 and stale 400 days after them.
    #expect(try !stale([], epoch2026))
    #expect(try stale([], epoch2026.merging(["UPSTREAM_TODAY": "2029-12-01"]) { $1 }))
    #expect(try stale(["--today", "2029-12-01"], epoch2026))
    #expect(try !stale(["--today", "2026-11-20"], ["UPSTREAM_TODAY": "2029-12-01"]))
    let badDay = UpstreamInProcess.run(["check", "--today", "2026-02-30"])
    #expect(badDay.status == 2)
    #expect(badDay.errors.contains("--today needs a day written YYYY-MM-DD (e.g. 2026-12-01); found '2026-02-30'"))
    let badVariable = UpstreamInProcess.run(["check"], environment: ["UPSTREAM_TODAY": "tomorrow"])
    #expect(badVariable.status == 2)
    #expect(badVariable.errors.contains("UPSTREAM_TODAY must be a day written YYYY-MM-DD"))
  }
}
