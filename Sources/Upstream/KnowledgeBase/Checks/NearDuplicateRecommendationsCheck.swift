// MARK: - Near-identical recommendations given together

/// Two recommendations that are nearly the same exercise should not both reach a patient.
///
/// Triggers (as a warning) for two recommendations that
/// - address a finding in common,
/// - have titles that share a word naming what is done (`stretch`, `lunge`, `flexor`…; the
///   words for a position such as `standing` or `kneeling`, and small words, do not count),
///   and do not name different parts of the body (`Ankle circles` and `Hip circles` are
///   different exercises), and
/// - can be called for together: a rule recommending one and a rule recommending the other
///   can fire for the same answers.
///
/// Does not trigger for a referral and self-care advice (`See a podiatrist about
/// made-to-measure insoles` and `Supportive insoles`), when the two declare a `conflicts with` each other (the author has
/// settled which one a patient gets, or that both are meant), or when their titles share no such word.
struct NearDuplicateRecommendationsCheck: KnowledgeBaseCheck {
  let code = DiagnosticCode.nearDuplicateRecommendations

  let triggeringExamples = [
    """
    question stiff: yes/no
      ask "Stiff when you stand up?"
    contributor tight
      name "Tight hip flexors"
    recommendation psoas_stretch
      title "Psoas stretch"
      dose "30 seconds, 3 times, daily"
      addresses tight
      source s
    recommendation kneeling_stretch
      title "Kneeling hip-flexor stretch"
      dose "3 times 30 seconds, daily"
      addresses tight
      source s
    rule stiffness
      when stiff
      then tight certainty 0.5
      and recommend psoas_stretch
      and recommend kneeling_stretch
      because "b"
      source s
    """
  ]

  let nonTriggeringExamples = [
    """
    question stiff: yes/no
      ask "Stiff when you stand up?"
    contributor tight
      name "Tight hip flexors"
    recommendation psoas_stretch
      title "Psoas stretch"
      dose "30 seconds, 3 times, daily"
      addresses tight
      source s
    recommendation kneeling_stretch
      title "Kneeling hip-flexor stretch"
      dose "3 times 30 seconds, daily"
      addresses tight
      conflicts with psoas_stretch
        otherwise prefer stronger
      source s
    rule stiffness
      when stiff
      then tight certainty 0.5
      and recommend psoas_stretch
      and recommend kneeling_stretch
      because "b"
      source s
    """,
    """
    question stiff: yes/no
      ask "Stiff ankles?"
    contributor ankles
      name "Stiff ankles"
    recommendation ankle_circles
      title "Ankle circles"
      dose "10 each way, daily"
      addresses ankles
      source s
    recommendation hip_circles
      title "Standing hip circles"
      dose "10 each way, daily"
      addresses ankles
      source s
    rule stiffness
      when stiff
      then ankles certainty 0.5
      and recommend ankle_circles
      and recommend hip_circles
      because "b"
      source s
    """,
  ]

  func check(_ draft: DraftKnowledgeBase) -> [Diagnostic] {
    let kb = draft.knowledgeBase
    let analysis = ConditionAnalysis(questions: kb.questions, scores: kb.scores)
    var recommendedBy = [[Int]](repeating: [], count: kb.recommendations.count)
    let rules = kb.rules
    for index in rules.indices {
      for case .recommend(let recommendation) in rules[index].conclusions { recommendedBy[recommendation].append(index) }
    }
    let words = kb.recommendations.map { TitleWords($0.title) }
    let order = kb.recommendations.indices.sorted { kb.recommendations[$0].id < kb.recommendations[$1].id }
    var diagnostics: [Diagnostic] = []
    for (position, first) in order.enumerated() {
      for second in order[(position + 1)...] {
        let a = kb.recommendations[first]
        let b = kb.recommendations[second]
        let shared = words[first].action.intersection(words[second].action)
        guard !shared.isEmpty, words[first].compatible(words[second]), !Set(a.addresses).isDisjoint(with: b.addresses),
          !a.conflicts.contains(where: { $0.other == second }), !b.conflicts.contains(where: { $0.other == first }),
          let together = calledTogether(recommendedBy[first], recommendedBy[second], kb, analysis)
        else { continue }
        let (later, earlier) = draft.recommendationRanges[first] < draft.recommendationRanges[second] ? (second, first) : (first, second)
        let findings = Set(a.addresses).intersection(b.addresses).map { kb.findings[$0].id }.sorted()
        let rules =
          together.0 == together.1
          ? "rule '\(kb.rules[together.0].id)' calls for both"
          : "rules '\(kb.rules[together.0].id)' and '\(kb.rules[together.1].id)' can fire together"
        let message =
          "recommendations '\(a.id)' (\"\(a.title)\") and '\(b.id)' (\"\(b.title)\") look alike (\(shared.sorted().joined(separator: ", ")); "
          + "both address \(findings.map { "'\($0)'" }.joined(separator: ", "))) and \(rules), so a patient can be given both; "
          + "keep one, or declare 'conflicts with \(kb.recommendations[earlier].id)' with 'otherwise prefer stronger'"
        diagnostics.append(
          .warning(
            code, message, at: draft.recommendationRanges[later],
            notes: [.init("recommendation '\(kb.recommendations[earlier].id)' is declared here", at: draft.recommendationRanges[earlier])]))
      }
    }
    return diagnostics
  }

  /// A rule calling for the first and a rule calling for the second that can fire for the
  /// same answers (the first such pair by rule id), or nil.
  private func calledTogether(_ first: [Int], _ second: [Int], _ kb: KnowledgeBase, _ analysis: ConditionAnalysis) -> (Int, Int)? {
    var pairs: [(Int, Int)] = []
    // Bounded work: a generated knowledge base may call for one recommendation from
    // thousands of rules; the first rules by id decide.
    let limit = DoubleCountingCheck.maximumRulesCompared
    let first = Array(first.sorted { kb.rules[$0].id < kb.rules[$1].id }.prefix(limit))
    let second = Array(second.sorted { kb.rules[$0].id < kb.rules[$1].id }.prefix(limit))
    for a in first {
      for b in second where a == b || analysis.canHoldAll([kb.rules[a].condition, kb.rules[b].condition]) { pairs.append((a, b)) }
    }
    return pairs.min { (kb.rules[$0.0].id, kb.rules[$0.1].id) < (kb.rules[$1.0].id, kb.rules[$1.1].id) }
  }
}

// MARK: - The words of a title

/// The words of a recommendation's title that say what is done, and the parts of the body
/// it names.
private struct TitleWords {
  static let smallWords: Set<String> = [
    "a", "an", "the", "and", "or", "of", "on", "in", "to", "for", "with", "your", "you", "all", "before", "after", "daily", "try",
    "gentle", "out", "how", "about", "switch",
  ]
  /// Words that make a title a referral ("See a podiatrist…"): a referral and a self-care
  /// exercise or product are different kinds of advice, however alike their words.
  static let referralWords: Set<String> = ["see", "ask", "refer", "referral", "consult", "visit"]
  static let positions: Set<String> = ["standing", "seated", "sitting", "supine", "kneeling", "lying", "prone", "side"]
  static let regions: Set<String> = [
    "foot", "feet", "toe", "ankle", "calf", "shin", "knee", "thigh", "hip", "glute", "pelvi", "back", "spine", "spinal", "core",
  ]

  /// Words naming what is done.
  let action: Set<String>
  /// Parts of the body named.
  let regions: Set<String>
  /// Whether the title sends the person to someone.
  let isReferral: Bool

  init(_ title: String) {
    let words = title.lowercased().split { !$0.isLetter }.map { word -> String in
      // A plain plural counts as its singular: "stretches" and "stretch", "circles" and "circle".
      if word.hasSuffix("es"), word.count > 4, ["ch", "sh", "ss"].contains(String(word.dropLast(2).suffix(2))) { return String(word.dropLast(2)) }
      if word.hasSuffix("s"), !word.hasSuffix("ss"), word.count > 3 { return String(word.dropLast()) }
      return String(word)
    }
    regions = Set(words).intersection(Self.regions)
    isReferral = !Set(words).isDisjoint(with: Self.referralWords)
    action = Set(words).subtracting(Self.smallWords).subtracting(Self.referralWords).subtracting(Self.positions).subtracting(Self.regions)
  }

  /// Whether the two titles could be the same advice: both referrals or neither, and about
  /// the same part of the body (one names none, or they name one in common).
  func compatible(_ other: TitleWords) -> Bool {
    guard isReferral == other.isReferral else { return false }
    return regions.isEmpty || other.regions.isEmpty || !regions.isDisjoint(with: other.regions)
  }
}
