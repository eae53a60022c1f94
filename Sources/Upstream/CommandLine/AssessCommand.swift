/// `upstream assess`: assesses one answers file and prints what was found and why.
enum AssessCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "assess", summary: "Assess an answers file: red flags, likely contributors, what to do, and why.",
    options: [
      OptionSpec("--answers", value: "FILE", help: "The answers: a JSON object of question id → answer ('-' reads standard input)."),
      rulesOption,
      formatOption,
      OptionSpec("--output", value: "FILE", help: "Write to FILE (atomically) instead of standard output."),
    ],
    examples: ["upstream assess --answers answers.json", "cat answers.json | upstream assess --answers - --format json"])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: ["text", "json"], command: spec.name)
    guard let answersPath = arguments.value("--answers") ?? arguments.positionals.first else {
      throw CommandError.usage("upstream assess needs answers: --answers FILE (or - for standard input)", suggestion: nil, command: spec.name)
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let answers = try Shared.answers(answersPath, for: knowledgeBase, console: console)
    let assessment = knowledgeBase.assess(answers)
    let text =
      format == "json"
      ? AssessmentJSONRenderer().render(assessment)
      : AssessmentTextRenderer(colour: console.colourOutput && arguments.value("--output") == nil).render(assessment)
    try Shared.emit(text, arguments, console: console)
    return .success
  }
}
