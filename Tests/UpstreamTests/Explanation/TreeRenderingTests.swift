import Foundation
import Testing

@testable import Upstream

@Suite("Tree renderers")
struct TreeRenderingTests {
  static func chainTree(_ answers: Answers = RecommendationTreeTests.answersA) throws -> RecommendationTree {
    try TreeFixtures.compile(TreeFixtures.chain).assess(answers).tree
  }

  // MARK: Text

  @Test("text wraps to the width and keeps the tree's guides on every continuation line", arguments: [40, 56, 80, 132])
  func textWraps(width: Int) throws {
    let tree = try Self.chainTree()
    for audience in Audience.allCases {
      let text = TreeTextRenderer(audience: audience, width: width).render(tree)
      for line in text.split(separator: "\n") {
        #expect(line.count <= width, "\(audience) line longer than \(width): \(line)")
      }
      // Inside the clinician's complaints section every line is a root, a branch or a
      // continuation (the patient's report has no tree).
      guard audience == .clinician else { continue }
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let start = try #require(lines.firstIndex { $0.hasPrefix("Knee pain") })
      let end = try #require(lines[start...].firstIndex { $0.isEmpty })
      for line in lines[start..<end] where !line.hasPrefix("Knee pain") && !line.hasPrefix("Hip pain") {
        #expect(["├─ ", "└─ ", "│  ", "   "].contains { line.hasPrefix($0) }, "stray line: \(line)")
      }
    }
  }

  @Test("text shows the chain as a box-drawn tree for the clinician, less likely contributors grouped")
  func textTree() throws {
    let text = TreeTextRenderer(audience: .clinician, width: 100).render(try Self.chainTree())
    #expect(text.contains("Knee pain (knee_pain) — very likely (1.00)\n└─ Restricted hip rotation (hip_rotation) — very likely (0.80)\n"))
    #expect(text.contains("Hip pain (hip_pain) — very likely (0.80)\n├─ Collapsed arches (arches) — possible (0.59) · shared\n"))
    #expect(text.contains("└─ Possible, less likely\n   └─ Long sitting (sitting) — less likely (0.24)\n"))
    #expect(text.contains("Also behind: Hip pain (hip_pain)"))
    #expect(text.contains("Do: Hip rotations (rotate) (see above)"))
    #expect(text.contains("OTHER ADVICE\nDo: Short walks (walk)"))
  }

  @Test("text gives the patient a plan per complaint: the likely contributor, why, one first step; the rest as more to try")
  func patientPlan() throws {
    let tree = try Self.chainTree()
    let text = TreeTextRenderer(audience: .patient, width: 100).render(tree)
    #expect(
      text.contains(
        "KNEE PAIN\nMost likely behind it: Restricted hip rotation (very likely).\nYour stiff hips make your knee twist.\nStart with: Hip rotations — 10 each side.\n"
      ))
    #expect(
      text.contains(
        "HIP PAIN\nMost likely behind it: Collapsed arches (possible).\nFlat arches load the hip.\nStart with: Roll your feet — 2 minutes a foot.\n"))
    #expect(text.contains("MORE YOU CAN TRY, ONCE THESE FEEL EASY\n- Short walks: every hour\n"))
    #expect(tree.firstSteps.map(\.id) == ["rotate", "roll"])
    #expect(!text.contains("├─") && !text.contains("sha256") && !text.contains("ANSWERS"))
  }

  @Test("patients read plain words; clinicians read rule ids, places, certainties and sources")
  func audiences() throws {
    let tree = try Self.chainTree()
    let patient = TreeTextRenderer(audience: .patient, width: 200).render(tree)
    let clinician = TreeTextRenderer(audience: .clinician, width: 200).render(tree)
    for text in ["stiff-hips-load-the-knee", "tree.rules:", "(0.80)", "(hip_rotation)", "expert opinion"] {
      #expect(!patient.contains(text), "patient text shows \(text)")
      #expect(clinician.contains(text), "clinician text lacks \(text)")
    }
    #expect(patient.contains("Your stiff hips make your knee twist."))
    #expect(clinician.contains("+0.80 stiff-hips-load-the-knee (tree.rules:"))
    #expect(clinician.contains("Hip rotation deficit loading the knee. [s: expert opinion; t: randomised trial]"))
    #expect(clinician.contains("Called for by treat-rotation, treat-arches (strength 0.92)"))
    #expect(patient.contains("Start with: ") && !clinician.contains("Start with: "))
  }

  @Test("colour only when asked for")
  func colour() throws {
    let tree = try TreeFixtures.compile(TreeFixtures.redFlags).assess(validated: Answers(["numb": .yes, "hurts": .yes, "flat": .yes])).tree
    #expect(!TreeTextRenderer(colour: false).render(tree).contains("\u{1B}["))
    let coloured = TreeTextRenderer(colour: true).render(tree)
    #expect(coloured.contains("\u{1B}[1;31m! Possible cauda equina — EMERGENCY — now\u{1B}[0m"))
  }

  @Test("red flags open the text, and withheld advice is listed there with the reason")
  func textRedFlags() throws {
    let tree = try TreeFixtures.compile(TreeFixtures.redFlags).assess(validated: Answers(["numb": .yes, "hurts": .yes, "flat": .yes])).tree
    let text = TreeTextRenderer(audience: .patient, width: 100).render(tree)
    #expect(text.contains("GET HELP NOW"), "an emergency's heading says how soon")
    #expect(!text.contains("SEE A CLINICIAN FIRST"))
    // Under an emergency the patient's text is the red flag alone: no plan for the complaint.
    #expect(!text.contains("BACK PAIN"))
    #expect(TreeTextRenderer(audience: .clinician, width: 100).render(tree).contains("Back pain (back_pain) — very likely"))
    #expect(!text.contains("Start with: "))
    #expect(text.contains("What to do: Go to an emergency department now."))
    // The answers that raised it are the clinician's to read when the flag explains itself.
    #expect(text.contains("Why: Saddle numbness can mean pressure on the nerves.") && !text.contains("Because you answered"))
    // Under an emergency the patient is told that nothing is to be started, not which exercises.
    #expect(text.contains("Do not start any exercises or other self-care until a clinician has seen you."))
    #expect(!text.contains("Roll your feet"))
    let clinician = TreeTextRenderer(audience: .clinician, width: 100).render(tree)
    #expect(clinician.contains("Self-care advice withheld until a clinician has seen you:\n└─ Roll your feet (roll) — for Collapsed arches (arches)"))
    #expect(!text.contains("Do: Roll your feet"))
  }

  // MARK: Markdown

  @Test("Markdown: headings per complaint, nested lists, escaped text, the answers as JSON")
  func markdown() throws {
    let tree = try Self.chainTree()
    let markdown = TreeMarkdownRenderer(audience: .clinician).render(tree)
    #expect(markdown.hasPrefix("# Tree tests, knowledge base 1.2\n"))
    #expect(
      markdown.contains("## Knee pain (knee\\_pain) — very likely (1.00)\n\n- **Restricted hip rotation (hip\\_rotation)** — very likely (0.80)\n"))
    #expect(markdown.contains("  - **Collapsed arches (arches)** — possible (0.59) · *shared*"))
    #expect(markdown.contains("- *Possible, less likely*\n  - **Long sitting (sitting)** — less likely (0.24)"))
    #expect(markdown.contains("✅ **Do: Roll your feet (roll)**"))
    // The answers block is the answers file, ready to paste.
    let block = try #require(markdown.components(separatedBy: "```json\n").last?.components(separatedBy: "```").first)
    #expect(try JSONValue.parse(block) == tree.stamp.answers.json)
  }

  // MARK: HTML

  @Test("HTML is one self-contained page: inline CSS, collapsible tree, why panels, print and phone ready")
  func html() throws {
    let tree = try TreeFixtures.compile(TreeFixtures.redFlags).assess(validated: Answers(["weight_loss": .yes, "hurts": .yes, "flat": .yes])).tree
    let html = TreeHTMLRenderer(audience: .clinician).render(tree)
    #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    let patient = TreeHTMLRenderer(audience: .patient).render(tree)
    #expect(patient.contains("<article class=\"plan\"><h2>Back pain</h2>") && !patient.contains("sha256"))
    #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
    #expect(html.contains("<style>") && html.contains("@media print"))
    #expect(html.contains("<details class=\"why\"><summary>Why?</summary>"))
    #expect(html.contains("<li class=\"contributor\"><details open><summary>"))
    // No external assets and nothing fetched: no src, no stylesheet links, no url().
    for forbidden in ["src=", "<link", "url(", "@import", "<iframe", "fetch("] {
      #expect(!html.contains(forbidden), "the page refers to \(forbidden)")
    }
    // Stamped with the knowledge base and the answers.
    #expect(html.contains("Rules <code>sha256:\(tree.stamp.contentHash)</code>"))
    #expect(html.contains("Answers <code>sha256:\(tree.stamp.answersHash)</code>"))
    // Text is escaped.
    let escaped = TreeHTMLRenderer().escape("<b>\"Tom\" & 'Jerry'</b>")
    #expect(escaped == "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;")
  }
}
