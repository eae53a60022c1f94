/// `upstream assess`: assesses one answers file and prints the explained recommendation tree.
enum AssessCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "assess", summary: "Assess an answers file: red flags, likely contributors, what to do, and why.",
    options: [
      answersOption,
      rulesOption,
      OptionSpec("--format", value: "FORMAT", help: "text (default), json, markdown or html."),
      audienceOption,
      widthOption,
      outputOption,
    ],
    examples: [
      "upstream assess --answers answers.json",
      "upstream assess --answers answers.json --audience clinician --width 100",
      "upstream assess --answers answers.json --format html --output report.html",
      "cat answers.json | upstream assess --answers - --format json",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: ["text", "json", "markdown", "html"], command: spec.name)
    let audience = try Shared.audience(arguments, command: spec.name)
    let width = try Shared.width(arguments, console: console, command: spec.name)
    guard let answersPath = arguments.value("--answers") ?? arguments.positionals.first else {
      throw CommandError.usage("upstream assess needs answers: --answers FILE (or - for standard input)", suggestion: nil, command: spec.name)
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let answers = try Shared.answers(answersPath, for: knowledgeBase, console: console)
    let tree = knowledgeBase.assess(answers).tree
    let text: String
    switch format {
    case "json": text = AssessmentJSONRenderer(audience: audience).render(tree)
    case "markdown": text = TreeMarkdownRenderer(audience: audience).render(tree)
    case "html": text = TreeHTMLRenderer(audience: audience).render(tree)
    default: text = TreeTextRenderer(audience: audience, width: width, colour: Shared.colour(arguments, console: console)).render(tree)
    }
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
