import Foundation
import Testing

@testable import Upstream

/// Small purpose-written knowledge bases for the tree and explanation tests, with
/// certainties worked out by hand next to each test.
enum TreeFixtures {
  static let header = """
    knowledge base "Tree tests"
      version "1.2"
      disclaimer "Test knowledge base."
      general advice "Keep moving."
      less likely below 0.4
    source s
      title "A source"
      evidence expert-opinion
    source t
      title "A trial"
      evidence trial

    """

  /// Knee pain ← restricted hip rotation ← collapsed arches, with the arches also behind
  /// hip pain, and long sitting (weak) behind hip pain.
  static let chain =
    header + """
      question pain: choices
        ask "Where does it hurt?"
        option knee "Knee"
        option hip "Hip"
      question flat: yes/no
        ask "Are your arches flat?"
      question stiff: yes/no
        ask "Do your hips feel stiff?"
      question sits: yes/no
        ask "Do you sit most of the day?"
      question rotation_full: yes/no
        ask "Can you turn your leg fully in and out?"

      complaint knee_pain
        name "Knee pain"
        region knee
      complaint hip_pain
        name "Hip pain"
        region hip
      contributor hip_rotation
        name "Restricted hip rotation"
        region hip
      contributor arches
        name "Collapsed arches"
        region foot
      contributor sitting
        name "Long sitting"
        region pelvis

      rule knee
        when pain includes knee
        then knee_pain certainty 1.0
        because "You said your knee hurts."
        source s
      rule hip
        when pain includes hip
        then hip_pain certainty 0.8
        because "You said your hip hurts."
        source s
      rule stiff-hips-load-the-knee
        when stiff and knee_pain
        then hip_rotation certainty 0.8
        and hip_rotation upstream of knee_pain
        because "Stiff hips load the knee."
        patient wording "Your stiff hips make your knee twist."
        clinician wording "Hip rotation deficit loading the knee."
        source s, t
      rule full-rotation-argues-against
        when rotation_full and knee_pain
        then hip_rotation certainty -0.5
        because "A hip that turns fully is not restricted."
        source s
      rule arches-turn-the-hip
        when flat and hip_rotation
        then arches certainty 0.5
        and arches upstream of hip_rotation
        because "Flat arches turn the thigh in."
        source s
      rule arches-load-the-hip
        when flat and hip_pain
        then arches certainty 0.4
        and arches upstream of hip_pain
        because "Flat arches load the hip."
        source s
      rule sitting-stiffens
        when sits and hip_pain
        then sitting certainty 0.3
        and sitting upstream of hip_pain
        because "Sitting all day stiffens the hips."
        source s

      recommendation roll
        title "Roll your feet"
        dose "2 minutes a foot"
        caution "Not with an open wound."
        addresses arches
        source s
      recommendation rotate
        title "Hip rotations"
        dose "10 each side"
        addresses hip_rotation, arches
        source s
      recommendation walk
        title "Short walks"
        dose "Every hour"
        source s

      rule treat-arches
        when arches
        then recommend roll
        and recommend rotate
        because "Feet first."
        source s
      rule treat-rotation
        when hip_rotation
        then recommend rotate
        because "Move the hips."
        source s
      rule walk-breaks
        when sits
        then recommend walk
        because "Break up the sitting."
        source s

      """

  /// Two recommendations in a declared conflict, settled by a preference or by strength.
  static let conflict =
    header + """
      question arch: choice
        ask "How do your arches look?"
        option flat "Flat"
        option normal "Normal"
      question boots: yes/no
        ask "Do you wear stiff boots?"
      question diabetes: yes/no
        ask "Do you have diabetes?"
      question hurts: yes/no
        ask "Does your hip hurt?"

      complaint hip_pain
        name "Hip pain"
      contributor arches
        name "Collapsed arches"
      contributor stiff_shoes
        name "Stiff shoes"

      rule hip
        when hurts
        then hip_pain certainty 1.0
        because "Your hip hurts."
        source s
      rule flat-arches
        when arch is flat and hip_pain
        then arches certainty 0.6
        and arches upstream of hip_pain
        because "Flat arches."
        source s
      rule stiff-boots
        when boots and hip_pain
        then stiff_shoes certainty 0.45
        and stiff_shoes upstream of hip_pain
        because "Stiff boots."
        source s

      recommendation insoles
        title "Supportive insoles"
        dose "Daily"
        addresses arches
        conflicts with minimal
          prefer insoles when diabetes
          otherwise prefer stronger
        source s
      recommendation minimal
        title "Minimal shoes"
        dose "Build up over weeks"
        addresses stiff_shoes
        source s

      rule support-arches
        when arches
        then recommend insoles
        because "Support the arch."
        source s
      rule free-the-foot
        when stiff_shoes
        then recommend minimal
        because "Let the foot move."
        source s

      """

  /// Red flags (emergency and routine) over a contributor with self-care advice, and a
  /// scored instrument.
  static let redFlags =
    header + """
      question numb: yes/no
        ask "Is the saddle area numb?"
      question weight_loss: yes/no
        ask "Have you lost weight without trying?"
      question hurts: yes/no
        ask "Does your back hurt?"
      question flat: yes/no
        ask "Are your arches flat?"
      question worry: yes/no
        ask "Do worrying thoughts keep coming?"
      question walk_less: yes/no
        ask "Do you walk less because of the pain?"

      complaint back_pain
        name "Back pain"
      contributor arches
        name "Collapsed arches"

      red flag cauda
        name "Possible cauda equina"
        urgency emergency
        advice "Go to an emergency department now."
        explain "Saddle numbness can mean pressure on the nerves."
        source s
      red flag unexplained_weight_loss
        name "Unexplained weight loss"
        urgency routine-referral
        advice "See your GP within two weeks."
        source s

      score risk
        name "Risk score"
        range 0 to 2
        stratum low "Low risk" when risk <= 1
          means "Most get better with advice."
        stratum high "High risk" when risk >= 2

      rule saddle
        when numb
        then red flag cauda
        because "Saddle numbness needs an emergency scan."
        source s
      rule weight
        when weight_loss
        then red flag unexplained_weight_loss
        because "Weight loss without trying needs checking."
        source s
      rule back
        when hurts
        then back_pain certainty 1.0
        because "Your back hurts."
        source s
      rule arches-and-back
        when flat and back_pain
        then arches certainty 0.5
        and arches upstream of back_pain
        because "Flat arches pass the jolt up."
        source s
      rule item-worry
        when worry
        then add 1 to risk
        because "Worry scores 1."
        source s
      rule item-walk
        when walk_less
        then add 1 to risk
        because "Walking less scores 1."
        source s

      recommendation roll
        title "Roll your feet"
        dose "2 minutes"
        addresses arches
        source s
      rule treat-arches
        when arches
        then recommend roll
        because "Feet first."
        source s
      recommendation physio
        title "See a physiotherapist"
        dose "Within a month"
        source s
      rule high-risk-physio
        when risk is high
        then recommend physio
        because "High risk needs physiotherapy."
        source s

      """

  /// Compiles a fixture, failing the test on errors.
  static func compile(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> KnowledgeBase {
    let loaded = KnowledgeBase.compile(files: [(name: "tree.rules", text: text)])
    let errors = loaded.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "unexpected errors: \(errors.map { "\($0.range): \($0.message)" })", sourceLocation: sourceLocation)
    return try #require(loaded.knowledgeBase, sourceLocation: sourceLocation)
  }

  /// The line a declaration starts on in a fixture (for file:line expectations).
  static func line(of declaration: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == Substring(declaration) }.map { $0 + 1 }
  }
}

extension RecommendationTree {
  /// The first node with an id, depth first.
  func node(_ id: String) -> FindingNode? { allNodes.first { $0.id == id } }
}

extension FindingNode {
  /// The direct contributor with an id.
  func child(_ id: String) -> FindingNode? { contributors.first { $0.id == id } }
}

/// Whether two certainties agree to the precision hand calculations are written with.
func close(_ a: Double?, _ b: Double, within tolerance: Double = 1e-9) -> Bool {
  guard let a else { return false }
  return abs(a - b) <= tolerance
}
