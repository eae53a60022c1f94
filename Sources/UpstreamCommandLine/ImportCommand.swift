import Foundation
import Upstream

/// `upstream import fhir-questionnaire FILE --out DIR`: a FHIR Questionnaire as a rules
/// skeleton, checked before anything is written.
enum ImportCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "import", summary: "Turn a FHIR R4 Questionnaire into a rules file (questions, options, codes, ask when).",
    arguments: [("fhir-questionnaire FILE", "What to import (a FHIR R4 Questionnaire, JSON) and from which file.")],
    options: [
      OptionSpec(
        "--out", value: "DIR",
        help: "The rules folder to write into (created if missing); a header file is added when it has none.")
    ],
    examples: [
      "upstream import fhir-questionnaire phq-9.json --out clinic-rules",
      "upstream import fhir-questionnaire intake.json --out rules/instruments/intake",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    guard arguments.positionals.first == "fhir-questionnaire" else {
      let found = arguments.positionals.first.map { "'\($0)'" } ?? "nothing"
      throw CommandError.usage(
        "upstream import takes 'fhir-questionnaire FILE'; found \(found)",
        suggestion: arguments.positionals.first.flatMap { Suggestion.closest(to: $0, in: ["fhir-questionnaire"]) }.map {
          "did you mean '\($0)'?"
        }, command: spec.name)
    }
    guard arguments.positionals.count == 2, let path = arguments.positionals.last else {
      throw CommandError.usage(
        "upstream import fhir-questionnaire needs one FILE (the Questionnaire)", suggestion: nil, command: spec.name)
    }
    guard let folder = arguments.value("--out") else {
      throw CommandError.usage("upstream import needs --out DIR: the rules folder to write into", suggestion: nil, command: spec.name)
    }
    let file = try Shared.readText(path, console: console, what: "Questionnaire file")

    // The folder's own rules, if any: the import joins them, and is checked with them.
    var existing: [SourceFile] = []
    if FileManager.default.fileExists(atPath: folder) {
      let read = KnowledgeBase.readFiles(in: folder, extension: "rules")
      if read.diagnostics.hasErrors { throw CommandError.knowledgeBase(read.diagnostics, sources: read.files) }
      existing = read.files
    }
    let hasHeader = existing.contains { $0.text.split(separator: "\n").contains { $0.hasPrefix("knowledge base ") } }
    let output = FHIRQuestionnaireImport.read(file, withHeader: !hasHeader)
    guard !output.diagnostics.hasErrors, let module = output.module else {
      console.writeError(DiagnosticRenderer(sources: [file], colour: console.colourErrors).text(output.diagnostics))
      console.writeError("error: the Questionnaire cannot be imported, so nothing was written\n")
      return .failure
    }
    var written = [module]
    if let header = output.header { written.append(header) }
    for entry in written where existing.contains(where: { ($0.path as NSString).lastPathComponent == entry.name }) {
      throw CommandError.file("'\(folder)/\(entry.name)' already exists; import into another folder, or move the file first")
    }

    // Check the folder as it would be, before writing a byte.
    let candidate = existing + written.map { SourceFile(path: (folder as NSString).appendingPathComponent($0.name), text: $0.text) }
    let loaded = KnowledgeBase.compile(candidate)
    if loaded.diagnostics.hasErrors {
      console.writeError(DiagnosticRenderer(sources: candidate, colour: console.colourErrors).text(loaded.diagnostics))
      console.writeError("error: the imported rules would not check, so nothing was written\n")
      return .failure
    }
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for entry in written {
      try AtomicFile.write(entry.text, to: (folder as NSString).appendingPathComponent(entry.name), inputs: [path])
    }
    if !loaded.diagnostics.isEmpty {
      console.writeError(DiagnosticRenderer(sources: candidate, colour: console.colourErrors).text(loaded.diagnostics))
    }
    let lines = module.text.split(separator: "\n")
    let questions = lines.filter { $0.hasPrefix("question ") }.count
    let notes = lines.filter { $0.hasPrefix("# ") && $0.contains("not ") }.count
    let warnings = loaded.diagnostics.count
    console.write(
      "wrote \(written.map { (folder as NSString).appendingPathComponent($0.name) }.joined(separator: " and ")): "
        + "\(questions) questions; `upstream check --rules \(folder)` "
        + (warnings == 0 ? "finds no problems" : "gives \(warnings) warning\(warnings == 1 ? "" : "s") (above)")
        + (notes > 0 ? "; \(notes) comment\(notes == 1 ? " says" : "s say") what was not translated" : "") + "\n")
    return .success
  }
}
