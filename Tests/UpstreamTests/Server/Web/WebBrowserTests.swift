import Foundation
import Testing

@testable import Upstream

/// The web questionnaire in a real browser: Selenium drives headless Chromium (Debian's
/// `chromium` and `chromium-driver`) through `Tests/Browser/personas.py` against the real
/// binary, for two personas from `rules/cases/`. Each is walked from the start page to the
/// handout by clicking labels and buttons, going back once, answering "not sure" once,
/// opening "why am I asked this?", and carrying on in a fresh browser from the page's link;
/// a choice question must offer exactly the options the earlier answers leave open;
/// every page is checked for labels, fieldsets and legends, Tab order and sideways scrolling
/// at 390 px; the handout's red flags (first) and first steps must be the library's for the
/// same replies, and the clinician view must open. Screenshots at 390 px and 1280 px are kept
/// in `.build/test-output/web/`.
@Suite("Server: the web questionnaire in a real browser", .serialized)
struct WebBrowserTests {
  static let knowledgeBase = FuzzHarness.bundled

  /// The personas, each a case and a short name for its screenshots: the patient-experience
  /// office worker (knee and back, no red flag), a person whose pain has not improved in
  /// three months (a red flag: see a doctor within days; first steps still given), a person
  /// with back pain who agrees with every STarT Back item (the instrument's items, with
  /// their attribution and "why", on the page), and a driver whose calf aches and who has
  /// suddenly become short of breath (an emergency: the warning on every page after it, and
  /// a handout with nothing to do but call 999).
  static let personas = [
    ("office-worker-knee-on-stairs-back-stiff-after-sitting", "office-worker"),
    ("red-flag-pain-not-improving-after-3-months", "red-flag"), ("startback-high-all-items", "startback-high"),
    ("red-flag-driver-calf-ache-sudden-breathlessness", "emergency"),
  ]

  /// Where the screenshots are kept for a person to look at after the run.
  static let outputFolder = UpstreamBinary.packageRoot.appendingPathComponent(".build/test-output/web")

  /// chromedriver on the PATH or where Debian's chromium-driver puts it.
  static let chromedriver: String? = {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/lib/chromium"]
    return folders.map { "\($0)/chromedriver" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  /// What is missing of Chromium, chromedriver and Selenium (empty when all are here).
  static let missing: [String] = {
    var missing: [String] = []
    if HTMLBrowserTests.chromium == nil { missing.append("chromium (apt-get install chromium)") }
    if chromedriver == nil { missing.append("chromedriver (apt-get install chromium-driver)") }
    if (try? runTool("python3", ["-c", "import selenium"]).status) != 0 { missing.append("Selenium (pip install selenium)") }
    return missing
  }()

  // MARK: - The plan the browser follows

  /// A persona's walk through the questionnaire, as the library's `QuestionnaireSession`
  /// asks it in the web's mode (until the advice is settled): the case's answers, "not sure" once, a neutral answer (no, none, the first
  /// option, the lowest number) to what the case leaves out; and what the handout then shows.
  static func plan(_ id: String, name: String) throws -> [String: Any] {
    let answers = try #require(AdaptivityReport.bundledCases().first { $0.id == id }).answers
    var session = QuestionnaireSession(knowledgeBase, mode: .untilAdviceSettled)
    var steps: [[String: Any]] = []
    var notSureGiven = false
    while let question = session.currentQuestion, steps.count < 200 {
      let kind =
        switch question.kind {
        case .yesNo, .choice: "radio"
        case .choices: "checkbox"
        case .number, .scale, .date: "text"
        case .text: "textarea"
        }
      if !notSureGiven && steps.count >= 3 && question.notSureAllowed && !question.isRedFlagQuestion {
        notSureGiven = true
        steps.append(["question": question.id, "kind": kind, "values": [String](), "notSure": true])
        try session.answer(.notSure)
        continue
      }
      let value: AnswerValue =
        answers[question.id]
        ?? {
          switch question.kind {
          case .yesNo: return .no
          case .choices: return .options([])
          case .choice(let options): return .option(options.first?.id ?? "")
          case .number, .scale: return .number(question.kind.numberRange?.lowerBound ?? 0)
          case .text: return .text("words")
          case .date: return .date(testDay)
          }
        }()
      let values: [String] =
        switch value {
        case .yes: ["yes"]
        case .no: ["no"]
        case .option(let option): [option]
        case .options(let options): options
        case .number(let number): [NumberText.plain(number)]
        case .text(let text): [text]
        case .date(let day): [day.description]
        default: []
        }
      var step: [String: Any] = ["question": question.id, "kind": kind, "values": values, "notSure": value == .notSure]
      // The warning signs already raised that need a doctor, as the page's warning box words them.
      step["warnings"] = session.urgentWarnings.map { "Warning sign: \($0.redFlag.name) — \($0.urgency.description)" }
      // A choice question offers only the options the earlier answers leave open (`option
      // ID "…" when …`): the page must show those and no other.
      if case .choice(let offered) = question.kind { step["offered"] = offered.map(\.id) }
      if case .choices(let offered) = question.kind { step["offered"] = offered.map(\.id) }
      let declared = try #require(knowledgeBase.question(question.id)).kind.options.map(\.id)
      let withheld = declared.filter { !question.kind.options.map(\.id).contains($0) }
      if !withheld.isEmpty { step["withheld"] = withheld }
      // An instrument's item shows its short note and whose tool it is (the library's
      // attribution), never the licence terms; the first one's "why" is opened and read.
      let index = try #require(knowledgeBase.questions.firstIndex { $0.id == question.id })
      let attributions = knowledgeBase.instrumentAttributions(ofQuestion: index)
      if !attributions.isEmpty {
        step["attribution"] = attributions + [question.help].compactMap { $0 }
        if !steps.contains(where: { $0["attribution"] != nil }) {
          step["why"] = try #require(session.why(question.id)).lines.map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }.filter { !$0.isEmpty }
        }
      }
      steps.append(step)
      try session.answer(value)
    }
    // After an emergency only safety questions are left, which take no "not sure".
    let urgent = session.urgentWarnings.contains { $0.urgency.withholdsSelfCare }
    try #require(session.isComplete && (notSureGiven || urgent), "\(id): the walk did not complete with a 'not sure'")
    let tree = session.assessment.tree
    let words = TreeWording(audience: .patient)
    return [
      "name": name,
      "steps": steps,
      "backAfter": 2, "whyAt": 4, "resumeAt": 6,
      "redFlags": tree.redFlags.map(\.name),
      "firstSteps": tree.patientPlan.parts.compactMap(\.firstStep).map(words.planStep),
    ]
  }

  @Test(
    "four personas fill the questionnaire in Chromium: back, not sure, why, resume, STarT Back's attribution, an emergency's warning, the handout, the clinician view"
  )
  func personasInChromium() throws {
    guard testToolsPresent(Self.missing, for: "the browser personas") else { return }
    let personas = try Self.personas.map { try Self.plan($0.0, name: $0.1) }
    #expect(personas.contains { !($0["redFlags"] as? [String] ?? []).isEmpty }, "one persona has a red flag")
    let emergency = try #require(personas.first { $0["name"] as? String == "emergency" })
    #expect(
      personas.allSatisfy { $0["name"] as? String == "emergency" || !($0["firstSteps"] as? [String] ?? []).isEmpty },
      "each handout without an emergency has first steps")
    // The emergency's handout: the one warning sign, nothing to do but what it says.
    #expect(emergency["redFlags"] as? [String] == ["Possible blood clot in the lungs (pulmonary embolism)"])
    #expect((emergency["firstSteps"] as? [String])?.isEmpty == true)
    let warned = (emergency["steps"] as? [[String: Any]] ?? []).filter { !($0["warnings"] as? [String] ?? []).isEmpty }
    #expect(warned.count >= 3, "the emergency persona sees the warning on the pages after it (\(warned.count))")
    // The office worker's knee hurts, so how long the pain has lasted is asked without
    // "no pain": the browser must not show it.
    let narrowed = personas.flatMap { ($0["steps"] as? [[String: Any]]) ?? [] }.filter { $0["withheld"] != nil }
    #expect(!narrowed.isEmpty, "a persona meets a question whose options the earlier answers narrow")
    let backPain = try #require(personas.first { $0["name"] as? String == "startback-high" })
    let items = (backPain["steps"] as? [[String: Any]] ?? []).filter { $0["attribution"] != nil }
    #expect(items.count >= 5, "the back-pain persona reaches STarT Back items in the browser (\(items.count))")
    let server = try ServerProcess()
    try? FileManager.default.removeItem(at: Self.outputFolder)
    try FileManager.default.createDirectory(at: Self.outputFolder, withIntermediateDirectories: true)
    let plan: [String: Any] = [
      "url": server.url, "out": Self.outputFolder.path, "chromedriver": Self.chromedriver ?? "",
      "chromium": HTMLBrowserTests.chromium ?? "", "personas": personas,
    ]
    // The plan and the script's report are kept beside the screenshots.
    let file = Self.outputFolder.appendingPathComponent("plan.json").path
    try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: file))
    let script = UpstreamBinary.packageRoot.appendingPathComponent("Tests/Browser/personas.py").path
    // Chromium's scratch folders go in a folder removed after the test, not in /tmp.
    let scratch = try TemporaryFolder()
    let result = try runTool("python3", [script, file], temporaryFolder: scratch)
    try? result.output.write(to: Self.outputFolder.appendingPathComponent("report.txt"), atomically: true, encoding: .utf8)
    let failed = result.output.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
    #expect(result.status == 0 && failed.isEmpty, "\(failed.joined(separator: "\n"))\n\(result.output.suffix(2_000))\(result.errors.suffix(2_000))")
    // Each persona's pages, at phone and desktop width, for a person to look at.
    for persona in personas.compactMap({ $0["name"] as? String }) {
      for page in ["first-question", "result", "clinician"] {
        for width in [390, 1280] {
          let shot = Self.outputFolder.appendingPathComponent("\(persona)-\(page)-\(width).png")
          #expect(FileManager.default.fileExists(atPath: shot.path), "no screenshot \(shot.lastPathComponent)")
        }
      }
    }
    let stopped = server.stop()
    #expect(stopped.status == 0)
    #expect(stopped.errors.contains("POST /s/{id}/back 303 "), "the browser went back")
    #expect(result.output.contains("startback-high step"), "the back-pain persona was walked")
    #expect(result.output.contains("STarT Back"), "its attribution was checked on the page")
  }
}
