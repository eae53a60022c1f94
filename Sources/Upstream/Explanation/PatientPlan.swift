// MARK: - The patient's plan

/// What a person reads first about each complaint: the one or two most likely
/// contributors, in plain words, and one first thing to do, with its dose.
///
/// Derived from the tree, so it never disagrees with it:
/// - one part per complaint, most certain first, but none for a complaint with nothing
///   found and nothing to do when another of its region has a plan (foot pain beside
///   pain under the heel);
/// - its contributors: the likely ones (at most two, most certain first), or, when there
///   are none, the two most certain "possible, less likely" ones;
/// - its first step: the given recommendation, not already a first step for an earlier
///   complaint, that is most strongly called for among the complaint's own marked
///   `first step`, then those for its first contributor, then its second, then the
///   complaint itself (ties by the tree's order); none when a
///   red flag withholds self-care;
/// - at most ``RecommendationTree/PatientPlan/mostFirstSteps`` first steps in all, so a
///   person starts with a few things, not a list;
/// - every other given recommendation in the tree, once each, in the tree's order, is
///   "more you can try".
extension RecommendationTree {
  public struct PatientPlan: Sendable, Hashable {
    /// One complaint's part of the plan.
    public struct Part: Sendable, Hashable {
      public let complaint: FindingNode
      /// The most likely contributors (at most two).
      public let contributors: [FindingNode]
      /// The first thing to do for it; nil when there is no specific advice for it, or
      /// when self-care is withheld.
      public let firstStep: RecommendationEntry?
      /// Whether another complaint's first step already covers this one (a person is
      /// told so rather than given a fourth exercise).
      public let coveredByEarlierStep: Bool
    }

    /// The most first steps a plan has, however many complaints there are.
    public static let mostFirstSteps = 3

    public let parts: [Part]
    /// The other recommendations given, for when the first steps feel easy.
    public let moreToTry: [RecommendationEntry]
  }

  /// The patient's plan: per complaint, the most likely contributors and one first step.
  public var patientPlan: PatientPlan {
    Self.plan(
      complaints: complaints, otherRecommendations: otherRecommendations,
      selfCare: !redFlags.contains { $0.urgency.withholdsSelfCare })
  }

  /// The plan for some complaints; `selfCare` false leaves out every step.
  static func plan(complaints: [FindingNode], otherRecommendations: [RecommendationEntry], selfCare: Bool) -> PatientPlan {
    var chosen = Set<String>()
    var parts: [PatientPlan.Part] = []
    for complaint in complaints {
      let likely = complaint.contributors.filter { !$0.lessLikely }
      let contributors = Array((likely.isEmpty ? complaint.contributors : likely).prefix(2))
      // The complaint's own first advice (`first step`: for low back pain, stay active)
      // comes before any contributor's exercise.
      let first = complaint.recommendations.filter(\.isFirstStep)
      let candidates = ([first] + contributors.map(\.recommendations) + [complaint.recommendations]).map { group in
        group.filter { $0.status == .given }.enumerated().sorted { ($1.element.strength, $0.offset) < ($0.element.strength, $1.offset) }
          .map(\.element)
      }
      let fresh = candidates.joined().first { !chosen.contains($0.id) }
      let allowed = selfCare && chosen.count < PatientPlan.mostFirstSteps
      let step = allowed ? fresh : nil
      if let step { chosen.insert(step.id) }
      let covered = step == nil && selfCare && candidates.joined().contains { chosen.contains($0.id) }
      parts.append(.init(complaint: complaint, contributors: contributors, firstStep: step, coveredByEarlierStep: covered))
    }
    // A complaint with nothing found and nothing to do is left out when another complaint
    // of its region has a plan: "foot pain: nothing found" above "pain under the heel:
    // tight tissue along the sole" reads as a contradiction. The clinician's tree keeps it.
    let planned = Set(parts.filter { !$0.contributors.isEmpty || $0.firstStep != nil }.compactMap(\.complaint.region))
    parts.removeAll { part in
      part.contributors.isEmpty && part.firstStep == nil && !part.coveredByEarlierStep
        && part.complaint.recommendations.isEmpty && part.complaint.region.map(planned.contains) == true
    }
    var more: [RecommendationEntry] = []
    var listed = chosen
    if selfCare {
      for entry in complaints.flatMap(\.selfAndDescendants).flatMap(\.recommendations) + otherRecommendations
      where entry.status == .given && listed.insert(entry.id).inserted {
        more.append(entry)
      }
    }
    return PatientPlan(parts: parts, moreToTry: more)
  }
}
