/// `upstream check`: compiles a knowledge base and reports every problem.
enum CheckCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "check", summary: "Check rule files for errors and warnings.",
    options: [rulesOption, formatOption],
    examples: ["upstream check", "upstream check --rules my-rules", "upstream check --format json"])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    let format = try Shared.format(arguments, allowed: ["text", "json"], command: spec.name)
    let loaded = arguments.value("--rules").map { KnowledgeBase.load(directory: $0) } ?? KnowledgeBase.bundled()
    let renderer = DiagnosticRenderer(sources: loaded.files, colour: console.colourOutput)
    if format == "json" {
      console.write(renderer.json(loaded.diagnostics))
    } else if loaded.diagnostics.isEmpty, let knowledgeBase = loaded.knowledgeBase {
      console.write(
        "\(knowledgeBase.header.name) \(knowledgeBase.header.version): no problems in \(loaded.files.count) files "
          + "(\(knowledgeBase.questions.count) questions, \(knowledgeBase.findings.count) findings, "
          + "\(knowledgeBase.rules.count) rules, \(knowledgeBase.recommendations.count) recommendations, "
          + "\(knowledgeBase.redFlags.count) red flags)\n")
    } else {
      console.write(renderer.text(loaded.diagnostics))
    }
    return loaded.diagnostics.hasErrors ? .failure : .success
  }
}
