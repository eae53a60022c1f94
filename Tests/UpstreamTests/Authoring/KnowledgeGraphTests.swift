import Foundation
import Testing

@testable import Upstream

/// The knowledge network: which edges a rule makes, focusing, tracing, and both drawings.
@Suite("Knowledge graph")
struct KnowledgeGraphTests {
  static let text =
    header + """
      question arch: choice
        ask "Arch?"
        option flat "Flat"
        option high "High"
      question numb: yes/no
        ask "Numb?"
      complaint hip_pain
        name "Hip \\"pain\\""
        explain "e"
      contributor flat_feet
        name "Flat feet"
        explain "e"
      recommendation insoles
        title "Insoles"
        dose "d"
        addresses flat_feet
        source s
      red flag numbness
        name "Numbness"
        urgency emergency
        advice "Go now."
        source s
      rule hip
        when arch in (flat, high)
        then hip_pain certainty 1
        because "b"
        source s
      rule flat
        when arch is flat and hip_pain
        then flat_feet certainty 0.6
        and flat_feet upstream of hip_pain
        and recommend insoles
        because "b"
        source s
      rule not-high
        when arch is high
        then flat_feet certainty -0.4
        because "b"
        source s
      rule numb-flag
        when numb
        then red flag numbness
        because "b"
        source s

      """

  static func graph() throws -> (KnowledgeGraph, KnowledgeBase) {
    let kb = try knowledgeBase(text)
    return (KnowledgeGraph(kb), kb)
  }

  static func edges(_ graph: KnowledgeGraph) -> [String] {
    graph.edges.map { "\($0.from) \($0.kind.rawValue) \($0.to)" }
  }

  @Test("rules become edges: evidence, against, upstream, raises, addresses; the linked complaint is not drawn as evidence")
  func edgesFromRules() throws {
    let (graph, _) = try Self.graph()
    #expect(
      Self.edges(graph) == [
        "arch against flat_feet", "arch evidence flat_feet", "arch evidence hip_pain", "flat_feet upstream hip_pain",
        "insoles addresses flat_feet", "numb raises numbness",
      ])
    #expect(graph.edges.first { $0.kind == .upstream }?.rules == ["flat"])
    #expect(graph.nodes.filter(\.setApart).map(\.id) == ["numb", "numbness"])
  }

  @Test("focusing keeps the nodes within the depth, following edges either way")
  func focus() throws {
    let (graph, _) = try Self.graph()
    #expect(graph.focused(on: ["insoles"], depth: 0).nodes.map(\.id) == ["insoles"])
    #expect(Set(graph.focused(on: ["insoles"], depth: 1).nodes.map(\.id)) == ["insoles", "flat_feet"])
    #expect(Set(graph.focused(on: ["insoles"], depth: 2).nodes.map(\.id)) == ["insoles", "flat_feet", "arch", "hip_pain"])
    // A rule's own neighbourhood includes the recommendations it calls for (drawn beside the
    // finding they address, not on an edge of the rule).
    #expect(graph.seeds(for: "flat") == ["arch", "flat_feet", "hip_pain", "insoles"])
    #expect(graph.seeds(for: "nothing") == nil)
  }

  @Test("a trace highlights what was answered, found and given, and the edges of the rules that fired")
  func trace() throws {
    let (graph, kb) = try Self.graph()
    let traced = graph.tracing(kb.assess(validated: Answers(["arch": .option("flat"), "numb": .no])))
    let highlighted = traced.nodes.filter(\.highlighted).map { "\($0.id)=\($0.detail ?? "")" }
    #expect(highlighted == ["arch=flat", "numb=no", "flat_feet=0.60", "hip_pain=1.00", "insoles=given"])
    let lit = traced.edges.filter(\.highlighted).map { "\($0.from) \($0.kind.rawValue) \($0.to)" }
    #expect(lit == ["arch evidence flat_feet", "arch evidence hip_pain", "flat_feet upstream hip_pain", "insoles addresses flat_feet"])
    let reached = traced.reachedOnly()
    #expect(reached.nodes.map(\.id) == ["arch", "numb", "flat_feet", "hip_pain", "insoles"])
    #expect(reached.edges.map { "\($0.from) \($0.kind.rawValue) \($0.to)" } == lit)
  }

  @Test("DOT escapes quotes in names and puts red flags in their own cluster; Mermaid names nodes safely")
  func renderers() throws {
    let (graph, kb) = try Self.graph()
    let dot = KnowledgeGraphDOTRenderer().render(graph)
    #expect(dot.contains(#""hip_pain" [label="Hip \"pain\"\nhip_pain""#))
    #expect(dot.contains("subgraph cluster_red_flags {\n    label=\"Red flags: asked first, never skipped\""))
    #expect(dot.contains(##""flat_feet" -> "insoles" [color="#2e7d32", style=dotted, dir=none]"##))
    let mermaid = KnowledgeGraphMermaidRenderer().render(graph.tracing(kb.assess(validated: Answers(["arch": .option("flat")]))))
    #expect(mermaid.contains(##"n3(["Hip #quot;pain#quot;<br/>hip_pain<br/>= 1.00"])"##))
    #expect(mermaid.contains("n2 -.- n4"))
    #expect(mermaid.contains("n2 ==>|upstream of| n3"))
    #expect(mermaid.contains("linkStyle 1,2,3,4 stroke:#c62828,stroke-width:3px"))
  }
}
