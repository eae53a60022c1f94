import Foundation
import Testing

@testable import Upstream

/// An answer below a range the rules mark as who the knowledge base is for, outside a
/// questionnaire: still an error, as any number out of range is, with the rules' words
/// in a note.
@Suite("Not for this person: answers files, batch and FHIR")
struct OutOfScopeAnswersTests {
  static let note = "15 is below the range the knowledge base is for, so a questionnaire ends there and tells the person: "

  static var message: String { FuzzHarness.bundled.question("age")?.belowRangeMessage ?? "(no below range on age)" }

  @Test("assess of an answers file with age 15 is an error (exit 3) whose note quotes the rules' words; nothing is assessed")
  func answersFile() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("a.json", #"{"pain_areas": ["knee"], "age": 15}"#)
    let result = UpstreamInProcess.run(["assess", "--answers", file])
    #expect(result.status == 3)
    #expect(result.output.isEmpty)
    #expect(result.errors.contains("a.json:1:33: error[UP0404]: question 'age' takes a number from 16 to 110 years; found 15"))
    #expect(result.errors.contains("= note: \(Self.note)\"\(Self.message)\""))
    // An age above the range has no such clause: the error stands alone.
    let old = try folder.write("b.json", #"{"age": 111}"#)
    let above = UpstreamInProcess.run(["assess", "--answers", old])
    #expect(above.status == 3 && !above.errors.contains("note:"))
  }

  @Test("a batch line, a FHIR QuestionnaireResponse, a quantity and answers built in code with age 15 are refused with the same note")
  func everyOtherPath() throws {
    let batch = try UpstreamBinary.run(["assess", "--batch", "-"], input: #"{"age": 15}"# + "\n")
    #expect(batch.status == 3)
    #expect(batch.output.contains(#""code":"UP0404""#))
    #expect(batch.output.contains("\"notes\":[{\"message\":\"\(Self.note)\\\"\(Self.message)\\\"\""))

    let kb = FuzzHarness.bundled
    let response = """
      {"resourceType": "QuestionnaireResponse", "status": "completed",
       "item": [{"linkId": "age", "answer": [{"valueInteger": 15}]}]}
      """
    let quantity = #"{"age": {"value": 180, "unit": "mo"}}"#
    for text in [response, quantity] {
      #expect {
        _ = try kb.readAnswers(SourceFile(path: "r.json", text: text))
      } throws: { error in
        let problems = (error as? AnswersRejected)?.problems ?? []
        return problems.map(\.code) == [.answerOutOfRange] && problems[0].notes.map(\.message) == ["\(Self.note)\"\(Self.message)\""]
      }
    }

    var answers = Answers()
    answers["age"] = .number(15)
    #expect {
      _ = try kb.assess(answers)
    } throws: { error in
      (error as? AnswersRejected)?.problems.first?.notes.first?.message == "\(Self.note)\"\(Self.message)\""
    }
  }
}
