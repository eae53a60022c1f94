// MARK: - The knowledge graph in Mermaid

/// Draws a `KnowledgeGraph` as a Mermaid flowchart, which GitHub and many Markdown
/// viewers render inside a ```` ```mermaid ```` block.
///
/// Each node is labelled with its name and id. Shapes follow the DOT picture: complaints are stadiums, contributors rounded boxes,
/// scores hexagons, recommendations parallelograms, red flags (in their own subgraph)
/// rhombi. Upstream links are thick arrows, `addresses` dotted lines. In a trace, what
/// the assessment reached is coloured and the edges of the rules that fired are thick red.
package struct KnowledgeGraphMermaidRenderer: Sendable {
  package init() {}

  /// The whole flowchart.
  package func render(_ graph: KnowledgeGraph) -> String {
    var names: [String: String] = [:]
    for (index, node) in graph.nodes.enumerated() { names[node.id] = "n\(index)" }
    var lines = ["flowchart LR"]
    for node in graph.nodes where !node.setApart { lines.append("  " + statement(node, names)) }
    let apart = graph.nodes.filter(\.setApart)
    if !apart.isEmpty {
      lines.append("  subgraph red_flags [\"Red flags: asked first, never skipped\"]")
      for node in apart { lines.append("    " + statement(node, names)) }
      lines.append("  end")
    }
    var highlightedEdges: [Int] = []
    for (index, edge) in graph.edges.enumerated() {
      guard let from = names[edge.from], let to = names[edge.to] else { continue }
      // A recommendation is drawn after the finding it addresses, so the line runs backwards.
      let (left, right) = edge.kind == .addresses ? (to, from) : (from, to)
      lines.append("  \(left) \(arrow(edge.kind)) \(right)")
      if edge.highlighted { highlightedEdges.append(index) }
    }
    // Classes: one per kind of node, and one for what a trace reached.
    for kind in KnowledgeGraph.NodeKind.allCases {
      let members = graph.nodes.filter { $0.kind == kind }.compactMap { names[$0.id] }
      guard !members.isEmpty else { continue }
      lines.append("  classDef \(className(kind)) \(style(kind))")
      lines.append("  class \(members.joined(separator: ",")) \(className(kind))")
    }
    if graph.isTrace {
      let reached = graph.nodes.filter(\.highlighted).compactMap { names[$0.id] }
      let unreached = graph.nodes.filter { !$0.highlighted }.compactMap { names[$0.id] }
      if !unreached.isEmpty {
        lines.append("  classDef unreached fill:#f7f7f7,stroke:#bbbbbb,color:#999999")
        lines.append("  class \(unreached.joined(separator: ",")) unreached")
      }
      if !reached.isEmpty {
        lines.append("  classDef reached stroke-width:3px")
        lines.append("  class \(reached.joined(separator: ",")) reached")
      }
      if !highlightedEdges.isEmpty {
        lines.append("  linkStyle \(highlightedEdges.map(String.init).joined(separator: ",")) stroke:#c62828,stroke-width:3px")
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func statement(_ node: KnowledgeGraph.Node, _ names: [String: String]) -> String {
    var label = escape(node.label)
    if node.kind != .question && node.label != node.id { label += "<br/>" + escape(node.id) }
    if let detail = node.detail { label += "<br/>= " + escape(detail) }
    let name = names[node.id] ?? node.id
    switch node.kind {
    case .question: return "\(name)[\"\(label)\"]"
    case .contributor: return "\(name)(\"\(label)\")"
    case .complaint: return "\(name)([\"\(label)\"])"
    case .score: return "\(name){{\"\(label)\"}}"
    case .recommendation: return "\(name)[/\"\(label)\"/]"
    case .redFlag: return "\(name){\"\(label)\"}"
    }
  }

  private func arrow(_ kind: KnowledgeGraph.EdgeKind) -> String {
    switch kind {
    case .evidence, .points, .raises: "-->"
    case .against: "--x"
    case .upstream: "==>|upstream of|"
    case .recommends: "-.->"
    case .addresses: "-.-"
    }
  }

  private func className(_ kind: KnowledgeGraph.NodeKind) -> String {
    kind == .redFlag ? "redFlag" : kind.rawValue
  }

  private func style(_ kind: KnowledgeGraph.NodeKind) -> String {
    switch kind {
    case .question: "fill:#ffffff,stroke:#757575"
    case .contributor: "fill:#fff3e0,stroke:#ef6c00"
    case .complaint: "fill:#e3f2fd,stroke:#1565c0,stroke-width:2px"
    case .score: "fill:#ede7f6,stroke:#5e35b1"
    case .recommendation: "fill:#e8f5e9,stroke:#2e7d32"
    case .redFlag: "fill:#ffcdd2,stroke:#c62828,stroke-width:2px"
    }
  }

  /// Text safe inside a quoted Mermaid label.
  private func escape(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "\"": escaped += "#quot;"
      case "<": escaped += "#lt;"
      case ">": escaped += "#gt;"
      case "\n": escaped += "<br/>"
      default: escaped.append(character)
      }
    }
    return escaped
  }
}
