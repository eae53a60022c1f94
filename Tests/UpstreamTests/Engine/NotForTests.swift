import Foundation
import Testing

@testable import Upstream

/// A knowledge base where `rolling` is `not for numb` and conflicts with `insoles`, which
/// it wins when both are given: the shared fixture of the `not for` tests.
enum NotForFixture {
  static let text =
    header + """
      question flat: yes/no
        ask "Are your arches flat?"
      question numb: yes/no
        ask "Do you have numb feet?"
        not sure allowed
      contributor flat_arches
        name "Flat arches"
      rule flat-arches
        when flat
        then flat_arches certainty 0.8
        because "flat arches"
        source s
      rule treat-flat-arches
        when flat_arches
        then recommend rolling
        and recommend insoles
        because "treat them"
        source s
      recommendation rolling
        title "Roll out your feet"
        patient title "Roll your feet on a ball"
        dose "Daily"
        caution "Skip this with numb feet."
        not for numb
            "It can bruise a foot with less feeling without you noticing."
        addresses flat_arches
        source s
        conflicts with insoles
          otherwise prefer rolling
      recommendation insoles
        title "Insoles"
        dose "Daily"
        addresses flat_arches
        source s

      """

  static func kb() throws -> KnowledgeBase { try knowledgeBase(text) }

  static func assess(numb: AnswerValue?) throws -> Assessment {
    var values: [String: AnswerValue] = ["flat": .yes]
    if let numb { values["numb"] = numb }
    return try kb().assess(validated: Answers(values))
  }

  /// Each recommendation called for, by id, with its status in words.
  static func statuses(_ assessment: Assessment) -> [String: String] {
    let kb = assessment.knowledgeBase
    var result: [String: String] = [:]
    for entry in assessment.recommendations {
      let status: String
      switch entry.status {
      case .given: status = "given"
      case .setAside(let settlement): status = "set aside for \(kb.recommendations[settlement.winner].id)"
      case .withheld: status = "withheld"
      case .notForYou(let position): status = "not for you #\(position)"
      }
      result[kb.recommendations[entry.recommendation].id] = status
    }
    return result
  }
}

@Suite("Not for: the engine")
struct NotForEngineTests {
  @Test("a not for that holds withholds the recommendation, and its conflict partner is simply given")
  func holdsWithholds() throws {
    let assessment = try NotForFixture.assess(numb: .yes)
    #expect(NotForFixture.statuses(assessment) == ["rolling": "not for you #0", "insoles": "given"])
    #expect(assessment.givenRecommendations.map(\.id) == ["insoles"])
    let insoles = try #require(assessment.recommendations.first { assessment.knowledgeBase.recommendations[$0.recommendation].id == "insoles" })
    #expect(insoles.settlementsWon.isEmpty)
  }

  @Test("an unanswered or not-sure not for is unknown, not true: the recommendation is given as before")
  func unknownGives() throws {
    for numb in [nil, AnswerValue.notSure] {
      let assessment = try NotForFixture.assess(numb: numb)
      #expect(NotForFixture.statuses(assessment) == ["rolling": "given", "insoles": "set aside for rolling"])
      let tree = assessment.tree
      #expect(tree.notForYou.isEmpty)
      let entry = try #require(tree.allNodes.flatMap(\.recommendations).first { $0.id == "rolling" })
      #expect(entry.cautions == ["Skip this with numb feet."])
    }
  }

  @Test("a not for that fails leaves the recommendation given")
  func failsGives() throws {
    let assessment = try NotForFixture.assess(numb: .no)
    #expect(NotForFixture.statuses(assessment) == ["rolling": "given", "insoles": "set aside for rolling"])
  }

  @Test("the adaptive questionnaire asks what a not for reads while it could withhold something called for")
  func relevanceCountsNotFor() throws {
    let kb = try NotForFixture.kb()
    var session = QuestionnaireSession(kb)
    #expect(session.currentQuestion?.id == "flat")
    try session.answer(.yes)
    #expect(session.currentQuestion?.id == "numb")
    var settled = QuestionnaireSession(kb, mode: .untilAdviceSettled)
    try settled.answer(.yes)
    #expect(settled.currentQuestion?.id == "numb")
    var nothingCalledFor = QuestionnaireSession(kb)
    try nothingCalledFor.answer(.no)
    #expect(nothingCalledFor.isComplete)
  }
}
