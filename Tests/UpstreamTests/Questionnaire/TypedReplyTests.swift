import Foundation
import Testing

@testable import Upstream

/// Replies typed in the terminal, read forgivingly.
@Suite("Typed replies")
struct TypedReplyTests {
  let kb: KnowledgeBase

  init() throws { kb = try QuestionnaireFixtures.knowledgeBase() }

  private func read(_ text: String, _ question: String) throws -> TypedReply {
    TypedReply.read(text, for: try #require(kb.question(question)))
  }

  @Test("commands: ?, help, why, back, skip, quit in any case")
  func commands() throws {
    #expect(try read("?", "numb") == .help)
    #expect(try read(" HELP ", "numb") == .help)
    #expect(try read("why", "numb") == .why)
    #expect(try read("Back", "arch") == .back)
    #expect(try read("skip", "arch") == .skip)
    #expect(try read("quit", "arch") == .quit)
    #expect(try read("undo", "pain") == .back)
    // An option spelt like a command is the option.
    #expect(try read("back", "pain") == .answer(.options(["back"])))
  }

  @Test("yes/no: y, yes, n, no; anything else gets a hint")
  func yesNo() throws {
    #expect(try read("y", "numb") == .answer(.yes))
    #expect(try read("Yes", "numb") == .answer(.yes))
    #expect(try read("n", "numb") == .answer(.no))
    #expect(try read("maybe", "numb") == .invalid("Please answer yes or no (y or n)."))
    #expect(
      try read("not sure", "numb") == .invalid("This question needs an answer: yes or no. (\"not sure\" is not one of them.)"))
  }

  @Test("numbers: with or without the unit, decimals where allowed; out of range gets the range")
  func numbers() throws {
    #expect(try read("10", "sitting") == .answer(.number(10)))
    #expect(try read("7.5 hours", "sitting") == .answer(.number(7.5)))
    #expect(try read("8h", "sitting") == .answer(.number(8)))
    #expect(try read("7,5", "sitting") == .answer(.number(7.5)))
    #expect(try read("30", "sitting") == .invalid("30 is outside the range: please give a number from 0 to 24 hours."))
    #expect(try read("lots", "sitting") == .invalid("Please give a number from 0 to 24 hours."))
  }

  @Test("one option: by number, id, label, the start of either, or initials; ambiguity and typos get a hint")
  func choice() throws {
    #expect(try read("1", "arch") == .answer(.option("flat")))
    #expect(try read("normal", "arch") == .answer(.option("normal")))
    #expect(try read("fl", "arch") == .answer(.option("flat")))
    #expect(try read("a visible", "arch") == .answer(.option("normal")))
    #expect(try read("A very high arch", "arch") == .answer(.option("high")))
    #expect(try read("not sure", "arch") == .answer(.notSure))
    #expect(try read("don't know", "arch") == .answer(.notSure))
    #expect(try read("4", "arch") == .invalid("'4' is not one of the options (flat, normal, high); type its number or name."))
    #expect(
      try read("flatt", "arch")
        == .invalid("'flatt' is not one of the options (flat, normal, high); type its number or name. Did you mean 'flat'?"))
    let shoes = try #require(kb.question("shoes"))
    #expect(TypedReply.read("s", for: shoes) == .answer(.option("stiff")))
    let rolls = Question(
      id: "rolls", wording: "?", help: nil,
      kind: .choice([.init(id: "rolls_in", label: "In"), .init(id: "rolls_out", label: "Out")]), notSureAllowed: false,
      askWhen: nil,
      isRedFlagQuestion: false, location: DeclarationSite(file: "f", line: 1, column: 1))
    #expect(
      TypedReply.read("ro", for: rolls)
        == .invalid("'ro' could be rolls_in or rolls_out; type a little more. The options are rolls_in, rolls_out."))
    #expect(TypedReply.read("ri", for: rolls) == .answer(.option("rolls_in")))
  }

  @Test("several options: numbers or names with commas or spaces, in the options' order; none")
  func choices() throws {
    #expect(try read("2, 1", "pain") == .answer(.options(["back", "hip"])))
    #expect(try read("hip back", "pain") == .answer(.options(["back", "hip"])))
    #expect(try read("lower back", "pain") == .answer(.options(["back"])))
    #expect(try read("none", "pain") == .answer(.options([])))
    #expect(try read("hip, knee", "pain") == .invalid("'knee' is not one of the options (back, hip); type its number or name."))
  }

  @Test("what each kind of question takes, in words")
  func expectations() throws {
    #expect(TypedReply.expectation(try #require(kb.question("numb"))) == "yes or no")
    #expect(TypedReply.expectation(try #require(kb.question("sitting"))) == "a number from 0 to 24 hours")
    #expect(TypedReply.expectation(try #require(kb.question("arch"))) == "one option: its number (1–3) or its name, or not sure")
    #expect(
      TypedReply.expectation(try #require(kb.question("pain")))
        == "any of the options: numbers or names separated by commas, or none")
  }
}

extension TypedReplyTests {
  @Test("a reply longer than the limit is refused at once with a hint, however long")
  func overlongReply() throws {
    let kb = FuzzHarness.bundled
    let question = try #require(kb.question("pain_areas"))
    let reply = TypedReply.read(String(repeating: "knee ", count: 200_000), for: question)
    guard case .invalid(let hint) = reply else {
      Issue.record("expected a refusal, got \(reply)")
      return
    }
    #expect(hint.contains("longer than 1000 characters"))
  }
}

extension TypedReplyTests {
  @Test("a 20 MB reply line through the binary is refused with a hint and the questionnaire carries on")
  func overlongReplyThroughTheBinary() throws {
    let folder = try TemporaryFolder()
    let result = try UpstreamBinary.run(
      ["ask", "--session", "s.json"], input: String(repeating: "x", count: 20_000_000) + "\nquit\n", in: folder.url)
    #expect(result.output.contains("That reply is longer than 1000 characters; please answer in a few words."))
    #expect(result.output.contains("Stopped. Your answers so far are saved in s.json."))
    #expect(!result.output.contains("xxxxxxxxxx"), "the reply is not echoed back")
  }
}
