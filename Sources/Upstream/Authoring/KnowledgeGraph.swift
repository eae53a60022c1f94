// MARK: - The knowledge network as a graph

/// The knowledge base as a network a clinician can look at: questions lead to the findings
/// they are evidence for, contributors to the complaints they sit upstream of,
/// recommendations beside the findings they address, red flags set apart.
///
/// The graph is data; `KnowledgeGraphDOTRenderer` and `KnowledgeGraphMermaidRenderer`
/// draw it. `focused(on:depth:)` keeps the neighbourhood of one id and `tracing(_:)` marks
/// what one assessment answered, found and fired.
package struct KnowledgeGraph: Sendable {
  /// What a node stands for.
  package enum NodeKind: String, Sendable, Hashable, CaseIterable {
    case question, complaint, contributor, score, recommendation, redFlag = "red-flag"
  }

  /// One question, finding, score, recommendation or red flag.
  package struct Node: Sendable, Hashable {
    /// The id in the knowledge base (ids are unique across kinds).
    package let id: String
    package let kind: NodeKind
    /// The name a person reads: the finding's name, the recommendation's title…
    package let label: String
    /// Whether the node belongs with the red flags, set apart from the rest: a red flag,
    /// or a question that only red-flag rules read.
    package let setApart: Bool
    /// In a trace: the answer, certainty or total; nil when not traced or not reached.
    package var detail: String?
    /// In a trace: whether the assessment answered, found, raised or gave it.
    package var highlighted = false
  }

  /// What an edge says.
  package enum EdgeKind: String, Sendable, Hashable, CaseIterable {
    /// A rule reads the source and concludes the target with a positive certainty.
    case evidence
    /// A rule reads the source and concludes the target with a negative certainty.
    case against
    /// A rule concludes `source upstream of target`.
    case upstream
    /// A rule reads the source and adds points to the target score.
    case points
    /// A rule reads the source and raises the target red flag.
    case raises
    /// A rule reads the source and recommends the target (drawn only for recommendations
    /// that address nothing).
    case recommends
    /// The source recommendation addresses the target finding.
    case addresses
  }

  /// A link between two nodes, with the rules that make it.
  package struct Edge: Sendable, Hashable {
    package let from: String
    package let to: String
    package let kind: EdgeKind
    /// The rules behind the edge, by id (empty for `addresses`).
    package let rules: [String]
    /// In a trace: whether a rule behind it fired (or, for `addresses`, whether the
    /// recommendation was given for a finding that was found).
    package var highlighted = false
  }

  /// Nodes in a fixed order: questions in asking order, then findings, scores,
  /// recommendations and red flags, each by id.
  package private(set) var nodes: [Node]
  /// Edges sorted by source, target and kind.
  package private(set) var edges: [Edge]
  /// Whether the graph shows an assessment's trace.
  package private(set) var isTrace = false
  /// For each rule, what it reads and the recommendations it calls for: its own
  /// neighbourhood, even where the picture draws a recommendation beside the finding it
  /// addresses rather than on an edge of the rule.
  private var neighbourhoodByRule: [String: [String]] = [:]

  /// The whole network of a knowledge base.
  package init(_ knowledgeBase: KnowledgeBase) {
    let redFlagOnly = Self.questionsReadOnlyByRedFlagRules(knowledgeBase)
    var nodes: [Node] = knowledgeBase.questions.enumerated().map { index, question in
      Node(id: question.id, kind: .question, label: question.id, setApart: redFlagOnly.contains(index))
    }
    nodes += knowledgeBase.findings.sorted { $0.id < $1.id }.map {
      Node(id: $0.id, kind: $0.kind == .complaint ? .complaint : .contributor, label: $0.name, setApart: false)
    }
    nodes += knowledgeBase.scores.sorted { $0.id < $1.id }.map { Node(id: $0.id, kind: .score, label: $0.name, setApart: false) }
    nodes += knowledgeBase.recommendations.sorted { $0.id < $1.id }.map {
      Node(id: $0.id, kind: .recommendation, label: $0.title, setApart: false)
    }
    nodes += knowledgeBase.redFlags.sorted { $0.id < $1.id }.map { Node(id: $0.id, kind: .redFlag, label: $0.name, setApart: true) }
    self.nodes = nodes
    self.edges = Self.edges(knowledgeBase)
    for rule in knowledgeBase.rules {
      var neighbourhood = rule.condition.questionsRead.map { knowledgeBase.questions[$0].id }
      neighbourhood += rule.condition.findingsRead().map { knowledgeBase.findings[$0.finding].id }
      neighbourhood += rule.condition.scoresRead.map { knowledgeBase.scores[$0].id }
      for case .recommend(let recommendation) in rule.conclusions {
        neighbourhood.append(knowledgeBase.recommendations[recommendation].id)
      }
      neighbourhoodByRule[rule.id] = neighbourhood
    }
  }

  // MARK: Edges

  private static func edges(_ kb: KnowledgeBase) -> [Edge] {
    var rulesByEdge: [EdgeKey: [String]] = [:]
    func add(_ from: String, _ to: String, _ kind: EdgeKind, _ rule: String) {
      guard from != to else { return }
      rulesByEdge[EdgeKey(from: from, to: to, kind: kind), default: []].append(rule)
    }
    let addressing = Set(kb.recommendations.indices.filter { !kb.recommendations[$0].addresses.isEmpty })
    for rule in kb.rules {
      var inputs = Set(rule.condition.questionsRead.map { kb.questions[$0].id })
      inputs.formUnion(rule.condition.findingsRead().map { kb.findings[$0.finding].id })
      inputs.formUnion(rule.condition.scoresRead.map { kb.scores[$0].id })
      // A rule that links a contributor upstream of a finding reads that finding only to
      // know where the contributor matters: the upstream edge says so already.
      var linkedTargets = Set<String>()
      for case .upstream(let contributor, let finding) in rule.conclusions {
        add(kb.findings[contributor].id, kb.findings[finding].id, .upstream, rule.id)
        linkedTargets.insert(kb.findings[finding].id)
      }
      for conclusion in rule.conclusions {
        let target: String
        let kind: EdgeKind
        switch conclusion {
        case .certainty(let finding, let value):
          (target, kind) = (kb.findings[finding].id, value < 0 ? .against : .evidence)
        case .addPoints(let score, _): (target, kind) = (kb.scores[score].id, .points)
        case .redFlag(let flag, _): (target, kind) = (kb.redFlags[flag].id, .raises)
        case .recommend(let recommendation):
          guard !addressing.contains(recommendation) else { continue }
          (target, kind) = (kb.recommendations[recommendation].id, .recommends)
        case .upstream: continue
        }
        for input in inputs.sorted() where !(kind == .evidence && linkedTargets.contains(input)) {
          add(input, target, kind, rule.id)
        }
      }
    }
    for recommendation in kb.recommendations {
      for finding in recommendation.addresses {
        rulesByEdge[EdgeKey(from: recommendation.id, to: kb.findings[finding].id, kind: .addresses), default: []] = []
      }
    }
    return rulesByEdge.keys.sorted().map { key in
      Edge(from: key.from, to: key.to, kind: key.kind, rules: Array(Set(rulesByEdge[key] ?? [])).sorted())
    }
  }

  private struct EdgeKey: Hashable, Comparable {
    let from: String
    let to: String
    let kind: EdgeKind

    static func < (lhs: EdgeKey, rhs: EdgeKey) -> Bool {
      (lhs.from, lhs.to, lhs.kind.rawValue) < (rhs.from, rhs.to, rhs.kind.rawValue)
    }
  }

  /// Questions that red-flag rules read and no other rule, stratum or `ask when` does.
  private static func questionsReadOnlyByRedFlagRules(_ kb: KnowledgeBase) -> Set<Int> {
    var byRedFlagRules = Set<Int>()
    var byOthers = Set<Int>()
    for rule in kb.rules {
      if rule.raisesRedFlag {
        byRedFlagRules.formUnion(rule.condition.questionsRead)
      } else {
        byOthers.formUnion(rule.condition.questionsRead)
      }
    }
    for question in kb.questions { byOthers.formUnion(question.askWhen?.questionsRead ?? []) }
    for score in kb.scores { byOthers.formUnion(score.strata.flatMap(\.condition.questionsRead)) }
    return byRedFlagRules.subtracting(byOthers)
  }

  // MARK: Selecting and tracing

  /// The node with an id.
  package func node(_ id: String) -> Node? { nodes.first { $0.id == id } }

  /// The nodes within `depth` edges of the seeds (edges followed either way), and the
  /// edges between them.
  package func focused(on seeds: Set<String>, depth: Int) -> KnowledgeGraph {
    var neighbours: [String: Set<String>] = [:]
    for edge in edges {
      neighbours[edge.from, default: []].insert(edge.to)
      neighbours[edge.to, default: []].insert(edge.from)
    }
    var kept = seeds
    var frontier = seeds
    for _ in 0..<max(0, depth) {
      let next = Set(frontier.flatMap { neighbours[$0] ?? [] }).subtracting(kept)
      kept.formUnion(next)
      frontier = next
    }
    var copy = self
    copy.nodes = nodes.filter { kept.contains($0.id) }
    copy.edges = edges.filter { kept.contains($0.from) && kept.contains($0.to) }
    return copy
  }

  /// The nodes an id names: the node itself, or for a rule every node its edges touch,
  /// everything it reads and every recommendation it calls for.
  package func seeds(for id: String) -> Set<String>? {
    if node(id) != nil { return [id] }
    let touched = edges.filter { $0.rules.contains(id) }.flatMap { [$0.from, $0.to] } + (neighbourhoodByRule[id] ?? [])
    return touched.isEmpty ? nil : Set(touched)
  }

  /// How many links `--focus` follows when no depth is given: the focused node's direct
  /// neighbours (for a rule: what it reads, concludes and recommends, and their neighbours).
  package static let defaultFocusDepth = 1

  /// Only what a trace reached: highlighted nodes, and the highlighted edges between them.
  package func reachedOnly() -> KnowledgeGraph {
    var copy = self
    copy.nodes = nodes.filter(\.highlighted)
    let kept = Set(copy.nodes.map(\.id))
    copy.edges = edges.filter { $0.highlighted && kept.contains($0.from) && kept.contains($0.to) }
    return copy
  }

  /// The graph with one assessment's trace: what was answered, found, scored, raised and
  /// given is highlighted, with its answer or certainty, and so are the edges of the
  /// rules that fired.
  package func tracing(_ assessment: Assessment) -> KnowledgeGraph {
    let kb = assessment.knowledgeBase
    var details: [String: String] = [:]
    for question in kb.questions {
      if let answer = assessment.answers[question.id] { details[question.id] = answer.description }
    }
    for result in assessment.findings where result.isPresent {
      details[kb.findings[result.finding].id] = Certainty.number(result.certainty)
    }
    for result in assessment.scores where result.contributions.count > 0 {
      details[kb.scores[result.score].id] = NumberText.plain(result.total)
    }
    for flag in assessment.redFlags { details[kb.redFlags[flag.flag].id] = flag.urgency.rawValue }
    for result in assessment.recommendations {
      switch result.status {
      case .given: details[kb.recommendations[result.recommendation].id] = "given"
      case .setAside, .withheld, .notForYou: break
      }
    }
    let fired = Set(assessment.firings.map { kb.rules[$0.rule].id })
    var copy = self
    copy.isTrace = true
    copy.nodes = nodes.map { node in
      var traced = node
      traced.detail = details[node.id]
      traced.highlighted = traced.detail != nil
      return traced
    }
    copy.edges = edges.map { edge in
      var traced = edge
      if edge.kind == .addresses {
        traced.highlighted = details[edge.from] != nil && details[edge.to] != nil
      } else {
        traced.highlighted = edge.rules.contains(where: fired.contains) && details[edge.from] != nil
      }
      return traced
    }
    return copy
  }
}
