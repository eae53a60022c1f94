import Upstream
/// `upstream why-not NODE`: every rule that could have concluded it, what stopped each,
/// and the answers that would have made it fire.
enum WhyNotCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "why-not", summary: "Explain why something was not concluded, and which answers would change that.",
    arguments: [("NODE", "A finding, red flag, recommendation or score id, e.g. tight_plantar_fascia.")],
    options: [
      answersOption, rulesOption,
      OptionSpec("--format", value: "FORMAT", help: "text (default) or json."),
      audienceOption, widthOption, outputOption,
    ],
    examples: [
      "upstream why-not tight_plantar_fascia --answers answers.json",
      "upstream why-not arch_support_insoles --answers answers.json --audience clinician",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: [.text, .json], command: spec.name)
    let audience = try Shared.audience(arguments, command: spec.name)
    let width = try Shared.width(arguments, console: console, command: spec.name)
    let node = try Shared.node(arguments, command: spec.name)
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let assessment = knowledgeBase.assess(validated: try Shared.answers(arguments, for: knowledgeBase, console: console, command: spec.name))
    try Shared.explainable(node, in: assessment, command: spec.name)
    guard let explanation = assessment.whyNot(node) else { return .usage }
    let text =
      format == .json
      ? WhyNotJSONRenderer(audience: audience).render(explanation, stamp: assessment.stamp)
      : WhyNotTextRenderer(audience: audience, width: width, colour: Shared.colour(arguments, console: console)).render(explanation)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
