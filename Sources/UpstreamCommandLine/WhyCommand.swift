import Upstream
/// `upstream why NODE`: how a finding, red flag, recommendation or score was reached, as a
/// chain back to the answers.
enum WhyCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "why", summary: "Explain how a conclusion was reached, back to the answers.",
    arguments: [("NODE", "A finding, red flag, recommendation or score id, e.g. collapsed_arches.")],
    options: [
      answersOption, rulesOption,
      OptionSpec("--format", value: "FORMAT", help: "text (default) or json."),
      audienceOption, widthOption, outputOption,
    ],
    examples: [
      "upstream why collapsed_arches --answers answers.json",
      "upstream why minimal_shoes --answers answers.json --audience clinician",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: [.text, .json], command: spec.name)
    let audience = try Shared.audience(arguments, command: spec.name)
    let width = try Shared.width(arguments, console: console, command: spec.name)
    let node = try Shared.node(arguments, command: spec.name)
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let assessment = knowledgeBase.assess(validated: try Shared.answers(arguments, for: knowledgeBase, console: console, command: spec.name))
    try Shared.explainable(node, in: assessment, command: spec.name)
    guard let explanation = assessment.explain(node) else { return .usage }
    let text =
      format == .json
      ? WhyJSONRenderer(audience: audience).render(explanation, stamp: assessment.stamp)
      : WhyTextRenderer(audience: audience, width: width, colour: Shared.colour(arguments, console: console)).render(explanation)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
