import Foundation
import Testing

@testable import Upstream

/// Small knowledge bases for the questionnaire tests.
enum QuestionnaireFixtures {
  /// Six questions: two red-flag questions (`pain`, `numb`), one choice with help and
  /// "not sure", a number, a yes/no asked only for back pain, and a choice about shoes.
  /// Back pain alone needs `sitting` and `worse_sitting`; hip pain alone needs `arch` and
  /// `shoes`.
  static let rules = """
    knowledge base "Questionnaire test"
      version "1"
      disclaimer "A test knowledge base."
      general advice "Keep moving."

    source s
      title "A source"
      evidence expert-opinion

    question pain: choices
      ask "Where does it hurt?"
      option back "Lower back"
      option hip "Hip"
      ask first

    question numb: yes/no
      ask "Any numbness in the saddle area?"

    question arch: choice
      ask "How do your arches look?"
      help "Stand barefoot and look at the inside edge of each foot."
      option flat "Flat"
      option normal "A visible arch"
      option high "A very high arch"
      not sure allowed

    question sitting: number
      ask "How many hours a day do you sit?"
      range 0 to 24
      unit "hours"
      decimals allowed

    question worse_sitting: yes/no
      ask "Is your back worse after sitting?"
      ask when pain includes back

    question shoes: choice
      ask "Which shoes do you wear most?"
      option stiff "Stiff boots"
      option flexible "Flexible shoes"

    complaint back_pain
      name "Back pain"
      region lower-back
    complaint hip_pain
      name "Hip pain"
      region hip
    contributor flat_arches
      name "Flat arches"
      region foot
    contributor long_sitting
      name "Long sitting"
      region hip
    contributor stiff_shoes
      name "Stiff shoes"
      region foot

    red flag cauda
      name "Possible cauda equina"
      urgency emergency
      advice "Go to an emergency department now."

    recommendation foot_rolling
      title "Roll out your feet"
      dose "A minute each foot"
      addresses flat_arches
      source s

    rule saddle-numbness
      when numb
      then red flag cauda
      because "Saddle numbness with pain needs emergency care."
      source s
    rule reports-back
      when pain includes back
      then back_pain certainty 1.0
      because "You said your back hurts."
      source s
    rule reports-hip
      when pain includes hip
      then hip_pain certainty 1.0
      because "You said your hip hurts."
      source s
    rule flat-arches-load-the-hip
      when arch is flat and hip_pain
      then flat_arches certainty 0.6
      and flat_arches upstream of hip_pain
      because "Flat arches make the hip work harder."
      source s
    rule sitting-tightens-the-back
      when sitting >= 8 and back_pain and worse_sitting
      then long_sitting certainty 0.5
      and long_sitting upstream of back_pain
      because "Long sitting shortens the hip flexors."
      source s
    rule stiff-shoes-load-the-hip
      when shoes is stiff and hip_pain
      then stiff_shoes certainty 0.4
      and stiff_shoes upstream of hip_pain
      because "Stiff shoes stop the foot absorbing shock."
      source s
    rule roll-flat-feet
      when flat_arches
      then recommend foot_rolling
      because "Rolling eases the arch."
      source s

    """

  /// The fixture compiled.
  static func knowledgeBase() throws -> KnowledgeBase {
    let loaded = KnowledgeBase.compile(files: [("questionnaire.rules", rules)])
    let errors = loaded.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(errors.map(\.message))")
    return try #require(loaded.knowledgeBase)
  }

  /// Answers a session's questions from a table until it is complete, returning the ids asked.
  static func run(_ session: inout QuestionnaireSession, _ answers: [String: AnswerValue]) throws -> [String] {
    var asked: [String] = []
    while let question = session.currentQuestion {
      asked.append(question.id)
      let answer = try #require(answers[question.id], "asked \(question.id), which the test gives no answer for")
      try session.answer(answer)
    }
    return asked
  }
}
