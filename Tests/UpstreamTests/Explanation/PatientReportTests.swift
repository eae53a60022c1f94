import Foundation
import Testing

@testable import Upstream

/// The patient's report as a person reads it, over every shipped case (the personas in
/// `rules/cases/`): one page, a few things to start with, every complaint answered, plain
/// words, nothing meant for a clinician.
@Suite("The patient's report: one page that fits the person")
struct PatientReportTests {
  static let cases = AdaptivityReport.bundledCases()
  static let kb = FuzzHarness.bundled

  /// The patient's text for a case, at 80 columns.
  static func text(_ answers: Answers) -> (RecommendationTree, String) {
    let tree = kb.assess(validated: answers).tree
    return (tree, TreeTextRenderer(audience: .patient, width: 80).render(tree))
  }

  @Test("every shipped case: under 60 lines at 80 columns, at most 3 things to start with")
  func onePage() throws {
    #expect(Self.cases.count >= 80)
    var longest = (0, "")
    for (id, answers) in Self.cases {
      let (tree, text) = Self.text(answers)
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
      if lines > longest.0 { longest = (lines, id) }
      #expect(lines < 60, "\(id): \(lines) lines")
      let starts = tree.patientPlan.parts.compactMap(\.firstStep)
      #expect(starts.count <= 3, "\(id): \(starts.count) first steps")
      #expect(text.components(separatedBy: "Start with: ").count - 1 == starts.count, "\(id)")
    }
    print("Longest patient report: \(longest.0) lines (\(longest.1))")
  }

  @Test("every complaint reported gets a first step, a pointer to one, 'it waits for the clinician', or an honest 'no specific advice'")
  func everyComplaintAnswered() throws {
    var noAdvice = 0
    for (id, answers) in Self.cases {
      let (tree, text) = Self.text(answers)
      guard !tree.redFlags.contains(where: { $0.urgency.withholdsSelfCare }) else { continue }
      for part in tree.patientPlan.parts {
        let heading = part.complaint.patientName.uppercased()
        let section = try #require(text.components(separatedBy: heading + "\n").dropFirst().first, "\(id): no \(heading)")
        let body = section.components(separatedBy: "\n\n").first ?? ""
        let answered =
          body.contains("Start with: ") || body.contains("Start with the step")
          || body.contains("We have no specific advice for this yet")
          || body.contains("What to do for this waits until a clinician has seen you")
        #expect(answered, "\(id): \(heading) has nothing to do:\n\(body)")
        if body.contains("no specific advice") { noAdvice += 1 }
        // Advice held back by a routine referral is not "no advice".
        let findings = Set([part.complaint.id] + part.contributors.map(\.id))
        let heldBack = tree.withheld.contains { $0.wouldAddress.contains { findings.contains($0.id) } }
        if heldBack && part.firstStep == nil && !part.coveredByEarlierStep { #expect(!body.contains("no specific advice"), "\(id): \(heading)") }
      }
    }
    // Knee pain, the persona's main complaint, now has advice.
    let persona = try #require(Self.cases.first { $0.id == "office-worker-knee-on-stairs-back-stiff-after-sitting" })
    let (tree, text) = Self.text(persona.answers)
    #expect(tree.patientPlan.parts.map(\.complaint.id) == ["knee_pain", "low_back_pain"])
    #expect(tree.patientPlan.parts.allSatisfy { $0.firstStep != nil })
    #expect(text.contains("KNEE PAIN\nMost likely behind it: Weak buttock muscles (possible).\n"))
    #expect(text.contains("Start with: Glute bridges — 2 sets of 10, most days."))
    print("Complaints with no specific advice over the shipped cases: \(noAdvice)")
  }

  @Test("beside an emergency, a lower warning sign is named, not given its own advice: one place to go; the clinician reads every flag in full")
  func onePlaceToGo() throws {
    var mixed = 0
    for (id, answers) in Self.cases {
      let (tree, text) = Self.text(answers)
      guard let most = tree.redFlags.map(\.urgency).min(), tree.redFlags.contains(where: { $0.urgency != most }) else { continue }
      mixed += 1
      let html = TreeHTMLRenderer(audience: .patient).render(tree)
      let markdown = TreeMarkdownRenderer(audience: .patient).render(tree)
      let clinician = TreeTextRenderer(audience: .clinician, width: 10_000).render(tree)
      let oneLine = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
      for flag in tree.redFlags {
        let advice = String(flag.advice.prefix(40))
        #expect(clinician.contains(advice), "\(id): \(flag.id)")
        if flag.urgency == most {
          #expect(html.contains(flag.name) && markdown.contains(flag.name), "\(id): \(flag.id)")
        } else {
          #expect(!oneLine.contains(advice) && !html.contains(advice) && !markdown.contains(advice), "\(id): \(flag.id)'s advice")
          #expect(oneLine.contains(flag.name), "\(id): \(flag.id) not named")
        }
      }
      #expect(oneLine.contains("Also tell whoever sees you that your answers point to:"), "\(id)")
    }
    #expect(mixed >= 2, "shipped cases with warning signs of two urgencies: \(mixed)")
  }

  @Test("the patient can ask why about what their report shows: only the warning signs under an emergency, never advice held back")
  func explainableForThePatient() throws {
    var urgent = 0
    var heldBack = 0
    for (id, answers) in Self.cases {
      let assessment = Self.kb.assess(validated: answers)
      let patient = assessment.explainableParts(for: .patient).map(\.id)
      let clinician = assessment.explainableParts(for: .clinician).map(\.id)
      let flags = assessment.raisedRedFlags.map(\.redFlag.id)
      #expect(Array(patient.prefix(flags.count)) == flags && Set(patient).isSubset(of: Set(clinician)), "\(id)")
      if assessment.raisedRedFlags.contains(where: { $0.urgency.withholdsSelfCare }) {
        urgent += 1
        #expect(patient == flags, "\(id): \(patient)")
      }
      let notGiven = assessment.recommendations.filter { $0.status != .given }.map { Self.kb.recommendations[$0.recommendation].id }
      heldBack += notGiven.count
      #expect(notGiven.allSatisfy { !patient.contains($0) && clinician.contains($0) }, "\(id)")
    }
    #expect(urgent >= 10 && heldBack >= 10, "\(urgent) urgent cases, \(heldBack) recommendations not given")
  }

  @Test("no 'nothing found' for a complaint beside another of its region that has a plan (foot pain beside heel pain); the clinician keeps both")
  func noEmptyComplaintBesideItsRegion() throws {
    let hiker = try #require(Self.cases.first { $0.id == "hiker-plantar-fasciitis-weak-hips" })
    let (tree, text) = Self.text(hiker.answers)
    #expect(tree.complaints.map(\.id).contains("foot_pain") && tree.complaints.map(\.id).contains("plantar_heel_pain"))
    #expect(!text.contains("FOOT OR ANKLE PAIN"), "\(text)")
    #expect(text.contains("PAIN UNDER THE HEEL"))
    #expect(TreeTextRenderer(audience: .clinician, width: 100).render(tree).contains("Foot or ankle pain (foot_pain)"))
    for (id, answers) in Self.cases {
      let plan = Self.kb.assess(validated: answers).tree.patientPlan
      for part in plan.parts where part.contributors.isEmpty && part.firstStep == nil && !part.coveredByEarlierStep {
        let others = plan.parts.filter { $0.complaint.id != part.complaint.id && $0.complaint.region == part.complaint.region }
        #expect(part.complaint.region == nil || !others.contains { !$0.contributors.isEmpty || $0.firstStep != nil }, "\(id)")
      }
    }
  }

  @Test("nothing meant for a clinician: no ids, hashes, raw answers or subscale numbers")
  func nothingForClinicians() throws {
    let ids = Set(Self.kb.questions.map(\.id) + Self.kb.findings.map(\.id) + Self.kb.recommendations.map(\.id))
    for (id, answers) in Self.cases {
      let (_, text) = Self.text(answers)
      #expect(!text.contains("sha256"), "\(id)")
      #expect(!text.contains("ANSWERS"), "\(id)")
      #expect(!text.contains("subscale"), "\(id)")
      #expect(text.range(of: #"score[^\n]*: \d"#, options: .regularExpression) == nil, "\(id): a score's number")
      let words = Set(text.split { !($0.isLetter || $0 == "_") }.map(String.init))
      let leaked = words.intersection(ids).filter { $0.contains("_") }
      #expect(leaked.isEmpty, "\(id): \(leaked.sorted())")
    }
  }

  @Test("advice written for drivers reaches only drivers")
  func driversOnly() throws {
    for (id, answers) in Self.cases {
      let (_, text) = Self.text(answers)
      let driver = answers["occupation"] == .option("professional_driver")
      for phrase in ["fuelling up", "get into the cab", "truckers' guide"] where text.contains(phrase) {
        #expect(driver, "\(id): '\(phrase)' in a plan for someone who is not a driver")
      }
    }
    let trucker = try #require(Self.cases.first { $0.id == "trucker-hip-pain-flat-arches-stiff-boots" })
    #expect(TreeMarkdownRenderer(audience: .patient).render(Self.kb.assess(validated: trucker.answers).tree).contains("fuelling up"))
  }

  @Test("what a red flag holds back is named in the patient's report by its everyday title")
  func withheldInEverydayWords() throws {
    var renamed = 0
    for (id, answers) in Self.cases {
      let tree = Self.kb.assess(validated: answers).tree
      let text = TreeTextRenderer(audience: .patient, width: 100_000).render(tree)
      let html = TreeHTMLRenderer(audience: .patient).render(tree)
      // Under a flag that needs a doctor now or today, one sentence says all self-care waits.
      for entry in tree.withheld where entry.patientTitle != entry.title && tree.careLevel == .routineReferral {
        #expect(text.contains(entry.patientTitle) && !text.contains(entry.title), "\(id): \(entry.id)")
        #expect(!html.contains(entry.title), "\(id): \(entry.id)")
        renamed += 1
      }
    }
    #expect(renamed > 0, "no case holds back a recommendation with an everyday title")
  }

  @Test(
    "every case: the patient reads doses, not where they came from, and nothing (nor the why of their advice) points at advice withheld or a report they lack"
  )
  func noEditorialNotes() throws {
    let editorial = [
      "team suggestion", "team's suggestion", "the article", "article's", "gives no dose", "the guide", "full report", "switched off",
    ]
    var withheldChecked = 0
    for (id, answers) in Self.cases {
      let (tree, text) = Self.text(answers)
      let html = TreeHTMLRenderer(audience: .patient).render(tree)
      for phrase in editorial {
        #expect(!text.lowercased().contains(phrase), "\(id): '\(phrase)' in the patient text")
        #expect(!html.lowercased().contains(phrase), "\(id): '\(phrase)' in the patient handout")
      }
      // Every line but the one naming what is withheld: none may name a withheld item,
      // in any form ("after rolling your feet" names "Roll out your feet").
      let lines = text.components(separatedBy: "\n\n").filter { !$0.contains("until a clinician has seen you") }
      for entry in tree.withheld {
        let named = Self.stems(entry.patientTitle)
        for line in lines where named.isSubset(of: Self.stems(line)) {
          Issue.record("\(id): '\(line)' refers to \(entry.patientTitle), which is withheld")
        }
        withheldChecked += 1
      }
      // Nor does the explanation of anything the person is told to do.
      let assessment = Self.kb.assess(validated: answers)
      for recommendation in assessment.givenRecommendations {
        guard let explanation = assessment.explain(recommendation.id) else { continue }
        let why = WhyTextRenderer(audience: .patient, width: 100_000).render(explanation)
        for entry in tree.withheld where entry.id != recommendation.id {
          let named = Self.stems(entry.patientTitle)
          for line in why.split(separator: "\n") where named.isSubset(of: Self.stems(String(line))) {
            Issue.record("\(id): why \(recommendation.id): '\(line)' refers to \(entry.patientTitle), which is withheld")
          }
        }
      }
    }
    #expect(withheldChecked > 20)
    // The terminal says where the rest of the plan is; other front ends name no other place.
    let words = TreeWording(audience: .patient)
    #expect(words.moreLeftOut(7) == "And 7 more. Ask your physiotherapist which suit you.")
  }

  /// The words of a text that name something, without their endings: "Roll out your
  /// feet" and "after rolling your feet" both give roll and feet.
  static func stems(_ text: String) -> Set<String> {
    let filler: Set<String> = ["a", "an", "the", "your", "you", "out", "of", "on", "in", "to", "and", "or", "with", "up"]
    return Set(
      text.lowercased().split { !$0.isLetter }.map(String.init).filter { !filler.contains($0) }.map { word in
        for ending in ["ing", "es", "s"] where word.count > ending.count + 2 && word.hasSuffix(ending) {
          return String(word.dropLast(ending.count))
        }
        return word
      })
  }

  @Test("the patient's 'why' of each finding never shows their own answer crossed out, nor the same line twice, nor a command")
  func patientWhyIsConsistent() throws {
    var explained = 0
    for (id, answers) in Self.cases {
      let assessment = Self.kb.assess(validated: answers)
      for result in assessment.presentFindings {
        let finding = Self.kb.findings[result.finding]
        guard let explanation = assessment.explain(finding.id) else { continue }
        let text = WhyTextRenderer(audience: .patient, width: 100_000).render(explanation)
        let facts = text.split(separator: "\n").map { $0.drop { !"✓✗?".contains($0) } }.filter { !$0.isEmpty }
        #expect(!facts.contains { $0.hasPrefix("✗") }, "\(id), \(finding.id):\n\(text)")
        #expect(!text.contains("upstream why-not"), "\(id), \(finding.id)")
        for line in text.split(separator: "\n") where line.contains("✓") {
          let fact = line.drop { $0 != "✓" }
          #expect(!text.contains("✗" + fact.dropFirst()), "\(id), \(finding.id): \(fact)")
        }
        explained += 1
      }
    }
    #expect(explained > 50)
  }

  @Test("plain words: the patient text of every case reads at Flesch–Kincaid grade 8 or below")
  func readingGrade() throws {
    var grades: [(Double, String)] = []
    for (id, answers) in Self.cases {
      // Unwrapped (one paragraph per line), so sentences are found whole.
      let text = TreeTextRenderer(audience: .patient, width: 100_000).render(Self.kb.assess(validated: answers).tree)
      let grade = Readability.fleschKincaidGrade(text)
      grades.append((grade, id))
      #expect(grade <= 8, "\(id): grade \(grade)")
    }
    let worst = try #require(grades.max { $0.0 < $1.0 })
    print("Flesch–Kincaid grade of the patient text: highest \(Double(Int(worst.0 * 10)) / 10) (\(worst.1))")
    // The hardest sentences, for whoever simplifies the wording next.
    var sentences = Set<String>()
    for (_, answers) in Self.cases {
      let text = TreeTextRenderer(audience: .patient, width: 100_000).render(Self.kb.assess(validated: answers).tree)
      for paragraph in Readability.paragraphs(text) {
        for sentence in paragraph.split(whereSeparator: { ".!?".contains($0) }) { sentences.insert(String(sentence)) }
      }
    }
    for sentence in sentences.sorted(by: { Readability.fleschKincaidGrade($0) > Readability.fleschKincaidGrade($1) }).prefix(25) {
      print("grade \(Int(Readability.fleschKincaidGrade(sentence))): \(sentence)")
    }
  }

  @Test("the reading-grade measure itself: short plain sentences score low, long technical ones high")
  func readingGradeMeasure() {
    #expect(Readability.fleschKincaidGrade("The cat sat on the mat. It was warm.") < 2)
    #expect(
      Readability.fleschKincaidGrade(
        "Pronation-driven tibial internal rotation against restricted femoral rotation produces torsional loading at the tibiofemoral articulation."
      ) > 14)
    #expect(Readability.syllables("stretches") == 2)
    #expect(Readability.syllables("the") == 1)
    #expect(Readability.syllables("physiotherapist") >= 5)
  }
}

/// Flesch–Kincaid grade level of a text report, computed as the published formula says:
/// 0.39 × words per sentence + 11.8 × syllables per word − 15.59.
///
/// Each line is a paragraph (the report is rendered without wrapping), headings (lines in
/// capitals) are left out, and a paragraph or list item that does not end in a full stop
/// still ends its sentence. Syllables are counted as groups of vowels, less a
/// silent final "e".
enum Readability {
  static func fleschKincaidGrade(_ text: String) -> Double {
    var sentences = 0
    var words = 0
    var syllableCount = 0
    for paragraph in paragraphs(text) {
      let pieces = paragraph.split { ".!?".contains($0) }.map { $0.trimmingCharacters(in: .whitespaces) }.filter {
        $0.contains { $0.isLetter }
      }
      for piece in pieces {
        let pieceWords = piece.split { !($0.isLetter || $0 == "'" || $0 == "’") }.filter { $0.contains { $0.isLetter } }
        guard !pieceWords.isEmpty else { continue }
        sentences += 1
        words += pieceWords.count
        syllableCount += pieceWords.map { syllables(String($0)) }.reduce(0, +)
      }
    }
    guard sentences > 0, words > 0 else { return 0 }
    return 0.39 * Double(words) / Double(sentences) + 11.8 * Double(syllableCount) / Double(words) - 15.59
  }

  /// Paragraphs and list items (one a line, in a report rendered without wrapping), less
  /// headings (lines in capitals).
  static func paragraphs(_ text: String) -> [String] {
    text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.contains { $0.isLowercase } }
  }

  static func syllables(_ word: String) -> Int {
    let lower = word.lowercased()
    let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]
    var count = 0
    var previousVowel = false
    for character in lower {
      let vowel = vowels.contains(character)
      if vowel && !previousVowel { count += 1 }
      previousVowel = vowel
    }
    if lower.hasSuffix("e") && !lower.hasSuffix("le") && count > 1 { count -= 1 }
    return max(1, count)
  }
}

extension PatientReportTests {
  @Test(
    "the README's first example (Docs/examples/trucker.json) answers every safety question: no open-safety list for either audience, and the patient's text is one page"
  )
  func readmeExample() throws {
    let answers = UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples/trucker.json").path
    let clinician = try UpstreamBinary.run(["assess", "--answers", answers, "--width", "80"])
    let patient = try UpstreamBinary.run(["assess", "--answers", answers, "--audience", "patient", "--width", "80"])
    let html = try UpstreamBinary.run(["assess", "--answers", answers, "--format", "html"])
    #expect(clinician.status == 0 && patient.status == 0 && html.status == 0)
    #expect(!clinician.output.contains("SAFETY QUESTIONS NOT ANSWERED") && !clinician.output.contains("(not answered)"))
    #expect(!patient.output.contains("SAFETY QUESTIONS STILL OPEN"))
    #expect(!html.output.contains("<section class=\"safety-open\""))
    let lines = patient.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count < 60, "\(lines.count) lines")
    #expect(lines.allSatisfy { $0.count <= 80 })
  }

  @Test("every example answers file in Docs/examples answers every safety question: an app that copies one screens completely")
  func examplesAnswerEverySafetyQuestion() throws {
    let folder = UpstreamBinary.packageRoot.appendingPathComponent("Docs/examples")
    let examples = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
    #expect(examples.count >= 4)
    for example in examples {
      let result = try UpstreamBinary.run(["assess", "--answers", folder.appendingPathComponent(example).path, "--format", "json"])
      #expect(result.status == 0, "\(example): \(result.errors)")
      #expect(result.output.contains("\"unansweredSafetyQuestions\": []"), "\(example) leaves safety questions open")
    }
  }

  @Test("why-not a red flag, for the patient: no all-clear, no answer that would raise it, each reason once")
  func patientWhyNotRedFlag() throws {
    let answers = #"{"pain_areas": ["hip"], "fever_or_chills": true, "age": 70, "cannot_take_four_steps": false}"#
    let patient = try UpstreamBinary.run(["why-not", "spinal_infection", "--answers", "-", "--audience", "patient"], input: answers)
    #expect(patient.status == 0, "\(patient.errors)")
    #expect(patient.output.contains("None of the warning signs Upstream asks about"), "\(patient.output)")
    #expect(patient.output.contains("That does not rule it out."))
    #expect(!patient.output.contains("It is not raised"))
    #expect(!patient.output.contains("It would apply if you answered"), "no coaching: \(patient.output)")
    let flat = patient.output.replacingOccurrences(of: "\n", with: " ")
    #expect(flat.components(separatedBy: "you answered 'Hip, buttock or groin'").count == 2, "the same reason once: \(patient.output)")
    // The clinician still sees which answers would raise it.
    let clinician = try UpstreamBinary.run(["why-not", "spinal_infection", "--answers", "-"], input: answers)
    #expect(clinician.output.contains("Would fire with:"))
  }
}
