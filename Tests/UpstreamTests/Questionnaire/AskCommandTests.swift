import Foundation
import Testing

@testable import Upstream

/// `upstream ask` end to end through the real binary: piped input, and a real terminal.
@Suite("upstream ask")
struct AskCommandTests {
  /// A folder holding the fixture knowledge base.
  static func rulesFolder() throws -> TemporaryFolder {
    let folder = try TemporaryFolder()
    try folder.write("rules/questionnaire.rules", QuestionnaireFixtures.rules)
    return folder
  }

  static func file(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  /// A session file's answers: the file without the progress count it keeps
  /// (`"progress shown"`, which PatientFitTests checks).
  static func answers(_ path: String) throws -> String {
    try file(path).replacingOccurrences(of: #"\n  "progress shown": \{[^}]*\},?"#, with: "", options: .regularExpression)
      .replacingOccurrences(of: ",\n}", with: "\n}")
  }

  @Test("piped replies: help, hints, a refused skip, why, back, abbreviations, then the tree and an explanation")
  func pipedSession() throws {
    let folder = try Self.rulesFolder()
    let session = folder.url.appendingPathComponent("session.json").path
    let input =
      ["?", "knee", "hip", "skip", "maybe", "n", "why", "fl", "back", "normal", "s", "1", ""].joined(separator: "\n") + "\n"
    let result = try UpstreamBinary.run(["ask", "--rules", folder.path + "/rules", "--session", session], input: input)
    #expect(result.status == 0, "\(result.errors)")
    let out = result.output
    #expect(out.contains("Your answers are saved to \(session) after every reply."))
    #expect(out.contains("First, where it hurts, then the safety questions that apply to you."))
    #expect(out.contains("Question 1 · about 3 more\nWhere does it hurt?\n  1. Lower back\n  2. Hip\n"))
    #expect(out.contains("> ?\nThere is no extra help for this question.\nAnswer with the numbers or words of every option"))
    #expect(
      out.contains("> knee\n'knee' is not one of the options; type its number (1–2) or words from it.\n\nQuestion 1 · about 3 more"))
    #expect(out.contains("> skip\nThis is a safety question, so it cannot be skipped. Please answer yes or no.\n"))
    #expect(out.contains("> maybe\nPlease answer yes or no (y or n).\n\nQuestion 2 · about 2 more · safety question"))
    #expect(out.contains("Now the questions about your pain: only those that can still change the advice."))
    #expect(
      out.contains(
        "> why\nYour answer can still change:\n  - Flat arches (a possible contributor, foot)\nThe rule that uses it:\n  - Flat arches make the hip work harder.\n"
      ))
    #expect(out.contains("> back\nGoing back to: How do your arches look?"))
    #expect(
      out.contains(
        "How do your arches look?\n  1. Flat\n  2. A visible arch\n  3. A very high arch\n  (your answer was: Flat)"
      ))
    #expect(
      out.contains("That is every question needed: 4 of the 6 questions were asked; the others could\nnot change the advice.\n"))
    #expect(out.contains("Stiff shoes"))
    #expect(!out.contains("Flat arches (flat_arches)"))
    #expect(
      out.contains(
        "Would you like any part explained? Type its number or name, or press Enter to\nfinish.\n  1. Hip pain\n  2. Stiff shoes\n"
      ))
    #expect(out.contains("> 1\nWhy Hip pain"))
    #expect(
      try Self.answers(session) == """
        {
          "assessment date": "\(testDay)",
          "pain": [
            "hip"
          ],
          "numb": false,
          "arch": "normal",
          "shoes": "stiff"
        }

        """)
  }

  @Test("input ends mid-way: the answers so far are kept, and --resume carries on to the end")
  func stopAndResume() throws {
    let folder = try Self.rulesFolder()
    let rules = folder.path + "/rules"
    let session = folder.url.appendingPathComponent("session.json").path
    let first = try UpstreamBinary.run(["ask", "--rules", rules, "--session", session], input: "back\nno\n")
    #expect(first.status == 0)
    #expect(
      first.output.contains(
        "Stopped. Your answers so far are saved in \(session).\nTo carry on: upstream ask --resume \(session) --rules \(rules)\n")
    )
    #expect(try Self.answers(session) == "{\n  \"assessment date\": \"\(testDay)\",\n  \"pain\": [\n    \"back\"\n  ],\n  \"numb\": false\n}\n")

    let second = try UpstreamBinary.run(["ask", "--resume", session, "--rules", rules], input: "10\nyes\n\n")
    #expect(second.status == 0, "\(second.errors)")
    #expect(second.output.contains("Carrying on from \(session): 2 answers so far."))
    #expect(second.output.contains("Question 3 · about 1 more\nHow many hours a day do you sit?"))
    #expect(
      second.output.contains(
        "That is every question needed: 4 of the 6 questions were asked; the others could\nnot change the advice."))
    #expect(second.output.contains("Long sitting"))
    #expect(
      try Self.answers(session)
        == "{\n  \"assessment date\": \"\(testDay)\",\n  \"pain\": [\n    \"back\"\n  ],\n  \"numb\": false,\n  \"sitting\": 10,\n  \"worse_sitting\": true\n}\n"
    )
  }

  @Test("in a 40-column terminal without COLUMNS set, the questionnaire wraps to the terminal's own width")
  func terminalWidth() throws {
    let folder = try Self.rulesFolder()
    let session = folder.url.appendingPathComponent("session.json").path
    let environment = ["NO_COLOR": "1", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"]
    let command = ([UpstreamBinary.path, "ask", "--rules", folder.path + "/rules", "--session", session]).joined(separator: " ")
    let terminal = try PseudoTerminal("/bin/sh", ["-c", "stty cols 40 rows 24 && exec \(command)"], environment: environment)
    try terminal.waitFor("Where does it hurt?")
    terminal.type("quit\n")
    #expect(try terminal.waitForExit() == 0)
    // The disclaimer and the help line wrap at 40 columns (no line longer), not at 80.
    let lines = terminal.screen.split(separator: "\n").filter { !$0.contains(session) && !$0.contains(folder.path) }
    #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines.filter { $0.count > 40 })")
    #expect(lines.contains { $0.count > 30 }, "nothing was wrapped near 40 columns")
  }

  @Test("a warning sign that needs a doctor now is told at once, offered as a place to stop, recalled above later questions, told again on stopping")
  func urgentWarningAtOnce() throws {
    let folder = try TemporaryFolder()
    let session = folder.url.appendingPathComponent("session.json").path
    // Lower back pain, no injury, then numbness in the saddle area (cauda equina: an emergency).
    let first = try UpstreamBinary.run(["ask", "--session", session], input: "back\nno\nyes\n", environment: ["COLUMNS": "80"])
    #expect(first.status == 0, "\(first.errors)")
    let told = """
      > yes

      ! Warning sign: Possible cauda equina syndrome — emergency: now
        Go to an emergency department now (or call an ambulance). Do not wait to see
        if it settles.
      You can stop here (type quit): your answers are saved and this comes first in
      your result. Or carry on: the questions left help whoever sees you.

      Question 4
      """
    #expect(first.output.contains(told), "\(first.output.suffix(900))")
    #expect(
      first.output.contains(
        "Before you go, your answers raised a warning sign:\n! Possible cauda equina syndrome — emergency: now\n"
          + "  Go to an emergency department now (or call an ambulance). Do not wait to see\n  if it settles.\n\nStopped. "))
    // Carrying on later tells it again before the next question; a red flag is told once a session.
    let second = try UpstreamBinary.run(["ask", "--resume", session], input: "quit\n", environment: ["COLUMNS": "80"])
    #expect(second.output.components(separatedBy: "! Warning sign: Possible cauda equina syndrome").count == 2)
    #expect(second.output.contains("Before you go, your answers raised a warning sign:"))
    // Each question after the one the warning came with keeps it in front of the person in one line.
    #expect(!first.output.contains("! Remember:"), "no reminder straight under the warning itself")
    let third = try UpstreamBinary.run(["ask", "--resume", session], input: "no\nquit\n", environment: ["COLUMNS": "80"])
    #expect(third.output.components(separatedBy: "! Remember: Possible cauda equina syndrome — emergency: now.").count == 2, "\(third.output)")
  }

  @Test("a new session is dated the day it starts and keeps that day when resumed later; --assessment-date gives another")
  func sessionDay() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "rules/dated.rules",
      CheckExamples.preamble + """
        question injury_date: date
          ask "When did it start?"
        question worse: yes/no
          ask "Is it getting worse?"
        contributor long_standing
          name "Long-standing pain"
        rule long-standing
          when injury_date more than 6 weeks ago
          then long_standing certainty 0.6
          because "Pain for more than six weeks."
          source s

        """)
    let rules = folder.path + "/rules"
    let session = folder.url.appendingPathComponent("session.json").path
    // Started on the test day (the tests' clock), stopped after the first answer.
    let started = testDay.description
    let first = try UpstreamBinary.run(["ask", "--rules", rules, "--session", session], input: "\(testDay.adding(days: -50))\n")
    #expect(first.status == 0, "\(first.errors)")
    #expect(try Self.file(session).contains("\"assessment date\": \"\(started)\""))
    // Resumed 30 days later: the session still counts back from the day it started, so
    // 50 days before it is more than 6 weeks ago.
    let later = String((testDay.daysSince1970 + 30) * 86_400)
    let resumed = try UpstreamBinary.run(
      ["ask", "--rules", rules, "--resume", session, "--audience", "clinician"], input: "no\n\n",
      environment: ["SOURCE_DATE_EPOCH": later])
    #expect(resumed.status == 0, "\(resumed.errors)")
    #expect(try Self.file(session).contains("\"assessment date\": \"\(started)\""))
    #expect(resumed.output.contains("Long-standing pain"))
    // Given another day, a new session counts back from it: 50 days before the test day
    // is less than 6 weeks before a day 10 days earlier.
    let other = folder.url.appendingPathComponent("other.json").path
    let dated = try UpstreamBinary.run(
      ["ask", "--rules", rules, "--session", other, "--assessment-date", testDay.adding(days: -10).description, "--audience", "clinician"],
      input: "\(testDay.adding(days: -50))\nno\n\n")
    #expect(dated.status == 0, "\(dated.errors)")
    #expect(try Self.file(other).contains("\"assessment date\": \"\(testDay.adding(days: -10))\""))
    #expect(!dated.output.contains("Long-standing pain (long_standing"))
  }

  @Test("--all asks every question whose ask when allows")
  func everyQuestion() throws {
    let folder = try Self.rulesFolder()
    let session = folder.url.appendingPathComponent("session.json").path
    let result = try UpstreamBinary.run(
      ["ask", "--all", "--rules", folder.path + "/rules", "--session", session], input: "hip\nno\nnormal\n3\nflexible\n\n")
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output.contains("Now the questions about your pain.\n"))
    #expect(result.output.contains("How many hours a day do you sit?"))
    #expect(!result.output.contains("Is your back worse after sitting?"))
    #expect(result.output.contains("That is every question: 5 of the 6 were asked."))
  }

  @Test("the stop rule follows the reader: the advice for the patient, the whole assessment for a clinician; two rules refused")
  func stopRuleFollowsAudience() throws {
    let folder = try Self.rulesFolder()
    let rules = folder.path + "/rules"
    let replies = "back\nno\n10\nyes\n\n"
    func ask(_ options: [String], _ name: String) throws -> UpstreamBinary.Result {
      let session = folder.url.appendingPathComponent(name).path
      return try UpstreamBinary.run(["ask", "--rules", rules, "--session", session] + options, input: replies)
    }
    let patient = try ask([], "patient.json")
    #expect(patient.status == 0, "\(patient.errors)")
    #expect(patient.output.contains("the others could\nnot change the advice."))
    let clinician = try ask(["--audience", "clinician"], "clinician.json")
    #expect(clinician.status == 0, "\(clinician.errors)")
    #expect(clinician.output.contains("the others could\nnot change the result."))
    // Stopped half-way, the command to carry on keeps the audience, and so the stop rule.
    let stopped = folder.url.appendingPathComponent("stopped.json").path
    let half = try UpstreamBinary.run(
      ["ask", "--rules", rules, "--session", stopped, "--audience", "clinician"], input: "back\nno\n")
    #expect(half.output.contains("To carry on: upstream ask --resume \(stopped) --rules \(rules) --audience clinician\n"))
    let chosen = try ask(["--until-assessment-settled"], "chosen.json")
    #expect(chosen.output.contains("the others could\nnot change the result."))
    let both = try ask(["--all", "--until-assessment-settled"], "both.json")
    #expect(both.status == 2)
    #expect(both.errors.contains("--all and --until-assessment-settled ask different questions; choose one"))
  }

  @Test("session files: an existing one is not overwritten; a broken or FHIR one is refused with the reason")
  func sessionFileProblems() throws {
    let folder = try Self.rulesFolder()
    let rules = folder.path + "/rules"
    let existing = try folder.write("existing.json", "{\"numb\": false}")
    let taken = try UpstreamBinary.run(["ask", "--rules", rules, "--session", existing], input: "")
    #expect(taken.status == 2)
    #expect(taken.errors.contains("the session file '\(existing)' already exists; continue it with --resume \(existing)"))
    #expect(try Self.file(existing) == "{\"numb\": false}")

    let broken = try folder.write("broken.json", "{\"pain\": [\"knee\"], \"sitting\": 40}")
    let invalid = try UpstreamBinary.run(["ask", "--rules", rules, "--resume", broken], input: "")
    #expect(invalid.status == 3)
    #expect(invalid.errors.contains("question 'pain' has no option 'knee'; its options are back, hip"))
    #expect(invalid.errors.contains("question 'sitting' takes a number from 0 to 24 hours; found 40"))

    let fhir = try folder.write("response.json", "{\"resourceType\": \"QuestionnaireResponse\", \"status\": \"completed\"}")
    let refused = try UpstreamBinary.run(["ask", "--rules", rules, "--resume", fhir], input: "")
    #expect(refused.status == 2)
    #expect(
      refused.errors.contains("is a FHIR QuestionnaireResponse, not a session file; assess it with: upstream assess --answers"))

    let missing = try UpstreamBinary.run(["ask", "--rules", rules, "--resume", folder.path + "/nothing.json"], input: "")
    #expect(missing.status == 4)
  }

  @Test("upstream with no arguments runs the questionnaire on the bundled knowledge base; --help prints the overview")
  func noArguments() throws {
    let folder = try TemporaryFolder()
    let first = try UpstreamBinary.run([], input: "", in: folder.url)
    #expect(first.status == 0, "\(first.errors)")
    #expect(first.output.contains("Upstream: the kinetic chain"))
    #expect(first.output.contains("Question 1 · about "))
    #expect(first.output.contains("Where do you have pain at the moment?"))
    #expect(first.output.contains("To carry on: upstream ask --resume upstream-session.json"))
    #expect(try Self.answers(folder.url.appendingPathComponent("upstream-session.json").path) == "{\n  \"assessment date\": \"\(testDay)\"\n}\n")
    let second = try UpstreamBinary.run([], input: "", in: folder.url)
    #expect(second.output.contains("saved to upstream-session-2.json"))
    let help = try UpstreamBinary.run(["--help"])
    #expect(help.output.contains("Usage: upstream COMMAND [options]"))
    #expect(help.output.contains("  ask "))
    #expect(help.output.contains("  export "))
  }

  @Test("in a real terminal: typed replies, Ctrl-C keeps the session and says how to resume; --resume finishes it")
  func pseudoTerminal() throws {
    let folder = try Self.rulesFolder()
    let rules = folder.path + "/rules"
    let session = folder.url.appendingPathComponent("session.json").path
    let environment = [
      "NO_COLOR": "1", "COLUMNS": "100", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
      "SOURCE_DATE_EPOCH": String(testDay.daysSince1970 * 86_400),
    ]

    let terminal = try PseudoTerminal(
      UpstreamBinary.path, ["ask", "--rules", rules, "--session", session], environment: environment)
    try terminal.waitForPrompt(after: "Where does it hurt?")
    var mark = terminal.mark
    terminal.type("hip\n")
    // The terminal echoes what was typed; the program does not repeat it.
    let afterPain = try terminal.waitForPrompt(after: "Any numbness in the saddle area?", from: mark)
    #expect(afterPain.hasPrefix("hip\n"), "the screen: \(terminal.screen.debugDescription)")
    #expect(!afterPain.contains("hip\nhip"))
    mark = terminal.mark
    terminal.type("n\n")
    try terminal.waitFor("How do your arches look?", after: mark)
    mark = terminal.mark
    terminal.type("?\n")
    try terminal.waitFor("Stand barefoot and look at the inside edge of each foot.", after: mark)
    mark = terminal.mark
    terminal.type("fl\n")
    try terminal.waitFor("Which shoes do you wear most?", after: mark)
    #expect(try Self.file(session).contains("\"arch\": \"flat\""))
    mark = terminal.mark
    terminal.type("\u{03}")  // Ctrl-C
    let stopped = try terminal.waitFor("To carry on:", after: mark)
    #expect(try terminal.waitForExit() == 130)
    #expect(stopped.contains("Stopped. Your answers so far are saved in \(session)."))
    #expect(terminal.text(from: mark).contains("To carry on: upstream ask --resume \(session) --rules \(rules)"))
    #expect(
      try Self.answers(session)
        == "{\n  \"assessment date\": \"\(testDay)\",\n  \"pain\": [\n    \"hip\"\n  ],\n  \"numb\": false,\n  \"arch\": \"flat\"\n}\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }.isEmpty)

    let resumed = try PseudoTerminal(
      UpstreamBinary.path, ["ask", "--resume", session, "--rules", rules], environment: environment)
    try resumed.waitFor("Carrying on from \(session): 3 answers so far.")
    try resumed.waitFor("Question 4 · probably the last\nWhich shoes do you wear most?")
    mark = resumed.mark
    resumed.type("back\n")
    try resumed.waitFor("(your answer was: Flat)", after: mark)
    mark = resumed.mark
    resumed.type("normal\n")
    try resumed.waitFor("Which shoes do you wear most?", after: mark)
    mark = resumed.mark
    resumed.type("stiff\n")
    let result = try resumed.waitFor("Would you like any part explained?", after: mark)
    #expect(result.contains("That is every question needed: 4 of the 6 questions were asked"))
    #expect(result.contains("Stiff shoes"))
    mark = resumed.mark
    resumed.type("stiff\n")
    try resumed.waitFor("Why Stiff shoes", after: mark)
    resumed.type("\n")
    #expect(try resumed.waitForExit() == 0)
    #expect(
      try Self.answers(session)
        == "{\n  \"assessment date\": \"\(testDay)\",\n  \"pain\": [\n    \"hip\"\n  ],\n  \"numb\": false,\n  \"arch\": \"normal\",\n  \"shoes\": \"stiff\"\n}\n"
    )
  }
}
