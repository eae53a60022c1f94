import Foundation
import Testing

@testable import Upstream

/// `upstream ask` through the real binary, for a person the knowledge base is not for.
@Suite("upstream ask: not for this person")
struct OutOfScopeAskTests {
  /// The replies a person with knee pain types up to the age question: the neutral
  /// answers of `OutOfScopeShippedTests.shippedAtAge()`.
  static func repliesUpToAge() throws -> [String] {
    var session = QuestionnaireSession(FuzzHarness.bundled, mode: .untilAdviceSettled)
    var replies: [String] = []
    while let question = session.currentQuestion, question.id != "age" {
      let value = OutOfScopeShippedTests.neutral(question)
      let reply =
        switch value {
        case .options(let ids): ids.isEmpty ? "none" : ids.joined(separator: ", ")
        case .option(let id): id
        case .number(let number): NumberText.plain(number)
        default: "no"
        }
      replies.append(reply)
      try session.answer(value)
    }
    return replies
  }

  static let message = FuzzHarness.bundled.question("age")?.belowRangeMessage

  @Test("upstream ask: 15 for the age prints the rules' words and ends, exit 0, with no result; the session file keeps the reply")
  func fifteenEnds() throws {
    let folder = try TemporaryFolder()
    let input = (try Self.repliesUpToAge() + ["15", ""]).joined(separator: "\n") + "\n"
    let result = try UpstreamBinary.run(["ask", "--session", "s.json", "--width", "400"], input: input, in: folder.url)
    #expect(result.status == 0, "\(result.errors)")
    let message = try #require(Self.message)
    #expect(result.output.contains("> 15\n\n\(message)\n\nIf 15 years was a slip, type back to change it; or press Enter to finish.\n> \n"))
    #expect(
      result.output.hasSuffix(
        "The questionnaire has ended. Your answers are saved in s.json.\nTo change your answer later: upstream ask --resume s.json\n"))
    // No result, no advice, nothing more asked.
    #expect(!result.output.contains("That is every question"))
    #expect(!result.output.contains("Would you like any part explained"))
    #expect(!result.output.contains("is outside the range"))
    #expect(result.output.components(separatedBy: "How old are you?").count == 2, "the age is asked once")
    let saved = try String(contentsOf: folder.url.appendingPathComponent("s.json"), encoding: .utf8)
    #expect(saved.contains("\"age\": 15"))
  }

  @Test("upstream ask --resume of an ended session says it has ended; back there asks the age again and the questions carry on")
  func resumeSaysEnded() throws {
    let folder = try TemporaryFolder()
    let replies = try Self.repliesUpToAge()
    let first = try UpstreamBinary.run(
      ["ask", "--session", "s.json"], input: (replies + ["15", ""]).joined(separator: "\n") + "\n", in: folder.url)
    #expect(first.status == 0)

    let resumed = try UpstreamBinary.run(["ask", "--resume", "s.json", "--width", "400"], input: "\n", in: folder.url)
    #expect(resumed.status == 0, "\(resumed.errors)")
    let message = try #require(Self.message)
    #expect(resumed.output.contains("This questionnaire has ended: your answer to \"How old are you?\" was 15 years.\n\n\(message)\n"))
    #expect(!resumed.output.contains("Question "), "nothing is asked")
    #expect(resumed.output.hasSuffix("To change your answer later: upstream ask --resume s.json\n"))

    let corrected = try UpstreamBinary.run(["ask", "--resume", "s.json", "--width", "400"], input: "back\n51\nquit\n", in: folder.url)
    #expect(corrected.status == 0, "\(corrected.errors)")
    #expect(corrected.output.contains("Going back to: How old are you?"))
    #expect(corrected.output.contains("(your answer was: 15)"))
    #expect(corrected.output.contains("> 51\n\nQuestion "), "the questions carry on after 51")
    let saved = try String(contentsOf: folder.url.appendingPathComponent("s.json"), encoding: .utf8)
    #expect(saved.contains("\"age\": 51"))
  }

  @Test("assess of an ended session's file is an error whose note quotes the rules' words")
  func assessRefusesIt() throws {
    let folder = try TemporaryFolder()
    let input = (try Self.repliesUpToAge() + ["15", ""]).joined(separator: "\n") + "\n"
    _ = try UpstreamBinary.run(["ask", "--session", "s.json"], input: input, in: folder.url)
    let assessed = UpstreamInProcess.run(["assess", "--answers", folder.url.appendingPathComponent("s.json").path])
    #expect(assessed.status == 3)
    let message = try #require(Self.message)
    #expect(assessed.errors.contains("error[UP0404]: question 'age' takes a number from 16 to 110 years; found 15"))
    #expect(
      assessed.errors.contains(
        "= note: 15 is below the range the knowledge base is for, so a questionnaire ends there and tells the person: \"\(message)\""))
    #expect(assessed.output.isEmpty)
  }
}
