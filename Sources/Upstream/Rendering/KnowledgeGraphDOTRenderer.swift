// MARK: - The knowledge graph in Graphviz DOT

/// Draws a `KnowledgeGraph` in Graphviz's DOT language (`dot -Tsvg graph.dot > graph.svg`).
///
/// Left to right: questions, then findings and scores, then recommendations. Complaints
/// are bold ellipses, contributors rounded boxes, recommendations notes; red flags and
/// the questions only they read sit apart in a red cluster. Upstream links are thick,
/// evidence against is dashed red, `addresses` dotted. In a trace, what the assessment
/// reached is coloured and labelled with its answer or certainty, and the rest is grey.
package struct KnowledgeGraphDOTRenderer: Sendable {
  package init() {}

  /// The whole DOT document.
  package func render(_ graph: KnowledgeGraph) -> String {
    var lines = [
      "digraph upstream {",
      "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.15, ranksep=1.2, label=\(quote(title(graph))), labelloc=t];",
      "  node [fontname=\"Helvetica\", fontsize=10];",
      "  edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.6];",
    ]
    let apart = graph.nodes.filter(\.setApart)
    for node in graph.nodes where !node.setApart { lines.append("  " + statement(node, trace: graph.isTrace)) }
    if !apart.isEmpty {
      lines.append("  subgraph cluster_red_flags {")
      lines.append("    label=\"Red flags: asked first, never skipped\"; style=\"rounded,filled\"; color=\"#c62828\"; fillcolor=\"#fff5f5\";")
      for node in apart { lines.append("    " + statement(node, trace: graph.isTrace)) }
      lines.append("  }")
    }
    for edge in graph.edges { lines.append("  " + statement(edge, trace: graph.isTrace)) }
    lines += legend(graph)
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  private func title(_ graph: KnowledgeGraph) -> String {
    graph.isTrace ? "Upstream: what this assessment reached (coloured) and why" : "Upstream: the knowledge network"
  }

  /// A key to the shapes and lines used, for the kinds of node and edge in the graph.
  private func legend(_ graph: KnowledgeGraph) -> [String] {
    var lines = [
      "  subgraph cluster_legend {",
      "    label=\"Key\"; style=\"rounded\"; color=\"#bdbdbd\"; fontsize=10;",
    ]
    let kinds = KnowledgeGraph.NodeKind.allCases.filter { kind in graph.nodes.contains { $0.kind == kind } }
    let names: [KnowledgeGraph.NodeKind: String] = [
      .question: "question", .complaint: "complaint (where it hurts)", .contributor: "contributor (what may be behind it)",
      .score: "score", .recommendation: "recommendation", .redFlag: "red flag",
    ]
    for kind in kinds {
      let (shape, style, fill, border) = look(kind)
      lines.append(
        "    \(quote("key:" + kind.rawValue)) [label=\(quote(names[kind] ?? kind.rawValue)), shape=\(shape), style=\(quote(style)), color=\(quote(border)), fillcolor=\(quote(fill))];"
      )
    }
    let edgeKinds = KnowledgeGraph.EdgeKind.allCases.filter { kind in graph.edges.contains { $0.kind == kind } }
    let edgeNames: [KnowledgeGraph.EdgeKind: String] = [
      .evidence: "evidence for", .against: "evidence against", .upstream: "upstream of", .points: "adds points to",
      .raises: "raises", .recommends: "calls for", .addresses: "addressed by",
    ]
    for (position, kind) in edgeKinds.enumerated() {
      let from = quote("key:edge\(position)a")
      let to = quote("key:edge\(position)b")
      lines.append("    \(from) [label=\"\", shape=point, width=0.05]; \(to) [label=\(quote(edgeNames[kind] ?? kind.rawValue)), shape=plaintext];")
      lines.append("    \(from) -> \(to) \(list(look(kind)));")
    }
    lines.append("  }")
    return lines
  }

  // MARK: Nodes and edges

  private func statement(_ node: KnowledgeGraph.Node, trace: Bool) -> String {
    var label = node.label
    if node.kind != .question && node.label != node.id { label += "\n" + node.id }
    if let detail = node.detail { label += "\n= " + detail }
    var attributes = [("label", quote(label)), ("tooltip", quote(node.kind.rawValue + " " + node.id))]
    let (shape, style, fill, border) = look(node.kind)
    attributes.append(("shape", shape))
    attributes.append(("style", quote(style)))
    if trace && !node.highlighted {
      attributes += [("color", quote("#bbbbbb")), ("fontcolor", quote("#999999")), ("fillcolor", quote("#f7f7f7"))]
    } else {
      attributes += [("color", quote(border)), ("fillcolor", quote(fill))]
      if trace { attributes.append(("penwidth", "2.5")) }
    }
    return quote(node.id) + " " + list(attributes) + ";"
  }

  /// Shape, style, fill and border colour for each kind of node.
  private func look(_ kind: KnowledgeGraph.NodeKind) -> (String, String, String, String) {
    switch kind {
    case .question: ("box", "filled", "#ffffff", "#757575")
    case .contributor: ("box", "rounded,filled", "#fff3e0", "#ef6c00")
    case .complaint: ("ellipse", "bold,filled", "#e3f2fd", "#1565c0")
    case .score: ("hexagon", "filled", "#ede7f6", "#5e35b1")
    case .recommendation: ("note", "filled", "#e8f5e9", "#2e7d32")
    case .redFlag: ("octagon", "bold,filled", "#ffcdd2", "#c62828")
    }
  }

  private func statement(_ edge: KnowledgeGraph.Edge, trace: Bool) -> String {
    var attributes = look(edge.kind)
    if !edge.rules.isEmpty { attributes.append(("tooltip", quote("rules: " + edge.rules.joined(separator: ", ")))) }
    if trace {
      if edge.highlighted {
        attributes.removeAll { $0.0 == "penwidth" }
        attributes.append(("penwidth", "3"))
      } else {
        attributes.removeAll { $0.0 == "color" }
        attributes.append(("color", quote("#dddddd")))
      }
    }
    // A recommendation is drawn after the finding it addresses, so the edge runs backwards.
    let (from, to) = edge.kind == .addresses ? (edge.to, edge.from) : (edge.from, edge.to)
    return quote(from) + " -> " + quote(to) + " " + list(attributes) + ";"
  }

  /// Colour, line and arrow for each kind of edge.
  private func look(_ kind: KnowledgeGraph.EdgeKind) -> [(String, String)] {
    switch kind {
    case .evidence: [("color", quote("#616161"))]
    case .against: [("color", quote("#c62828")), ("style", "dashed"), ("arrowhead", "tee")]
    case .upstream: [("color", quote("#ef6c00")), ("penwidth", "2")]
    case .points: [("color", quote("#5e35b1"))]
    case .raises: [("color", quote("#c62828"))]
    case .recommends: [("color", quote("#2e7d32")), ("style", "dashed")]
    case .addresses: [("color", quote("#2e7d32")), ("style", "dotted"), ("dir", "none")]
    }
  }

  private func list(_ attributes: [(String, String)]) -> String {
    "[" + attributes.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") + "]"
  }

  /// A DOT string: quotes and backslashes escaped, new lines as `\n`.
  private func quote(_ text: String) -> String {
    var escaped = ""
    for character in text {
      switch character {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      default: escaped.append(character)
      }
    }
    return "\"" + escaped + "\""
  }
}
