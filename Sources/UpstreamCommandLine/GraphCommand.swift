import Upstream

/// `upstream graph`: the knowledge network as a picture, optionally with one assessment's trace.
enum GraphCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "graph", summary: "Draw the knowledge network (Graphviz DOT or Mermaid), or one assessment's trace through it.",
    options: [
      rulesOption,
      OptionSpec("--format", value: "FORMAT", help: "dot (default; render with Graphviz: dot -Tsvg) or mermaid."),
      OptionSpec("--answers", value: "FILE", help: "Highlight what these answers reach: answers, findings, fired rules ('-' reads standard input)."),
      OptionSpec("--reached-only", help: "With --answers: draw only what the assessment reached, and the links that fired."),
      OptionSpec("--focus", value: "ID", help: "Only the neighbourhood of a question, finding, score, recommendation, red flag or rule."),
      OptionSpec("--depth", value: "N", help: "With --focus: how many links away to go (default 1: the direct neighbours)."),
      OptionSpec("--output", value: "FILE", help: "Write to FILE (atomically) instead of standard output."),
    ],
    examples: [
      "upstream graph > knowledge.dot && dot -Tsvg knowledge.dot > knowledge.svg",
      "upstream graph --focus hip_pain --depth 1 --format mermaid",
      "upstream graph --answers Docs/examples/trucker.json --reached-only",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: [.dot, .mermaid], command: spec.name)
    guard arguments.positionals.isEmpty else {
      throw CommandError.usage("upstream graph takes no arguments; use --focus ID to draw part of the graph", suggestion: nil, command: spec.name)
    }
    var depth = KnowledgeGraph.defaultFocusDepth
    if let text = arguments.value("--depth") {
      guard let value = Int(text), value >= 0 else {
        throw CommandError.usage("--depth needs a whole number (0 or more); found '\(text)'", suggestion: nil, command: spec.name)
      }
      guard arguments.value("--focus") != nil else {
        throw CommandError.usage("--depth only applies with --focus ID", suggestion: nil, command: spec.name)
      }
      depth = value
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    var graph = KnowledgeGraph(knowledgeBase)
    if let id = arguments.value("--focus") {
      guard let seeds = graph.seeds(for: id) else {
        throw Shared.unknownID(id, in: knowledgeBase, expected: "a question, finding, score, recommendation, red flag or rule", command: spec.name)
      }
      graph = graph.focused(on: seeds, depth: depth)
    }
    if let path = arguments.value("--answers") {
      let answers = try Shared.answers(path, for: knowledgeBase, console: console)
      graph = graph.tracing(knowledgeBase.assess(validated: answers))
      if arguments.flag("--reached-only") { graph = graph.reachedOnly() }
    } else if arguments.flag("--reached-only") {
      throw CommandError.usage("--reached-only needs --answers FILE: it draws what those answers reach", suggestion: nil, command: spec.name)
    }
    let text = format == .mermaid ? KnowledgeGraphMermaidRenderer().render(graph) : KnowledgeGraphDOTRenderer().render(graph)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}

extension Shared {
  /// The usage error (exit 2) for an id the knowledge base does not have, with the closest
  /// id as a "did you mean", or for an id of a kind that cannot be used here.
  static func unknownID(_ id: String, in knowledgeBase: KnowledgeBase, expected: String? = nil, command: String) -> CommandError {
    let what = Explain.kind(of: id, in: knowledgeBase)
    let message = what.map { "'\(id)' is \($0), but \(command) needs \(expected ?? "something else")" } ?? "the knowledge base has no id '\(id)'"
    let suggestion = what == nil ? Suggestion.closest(to: id, in: knowledgeBase.allIDs).map { "did you mean '\($0)'?" } : nil
    return CommandError.usage(message, suggestion: suggestion, command: command)
  }
}
