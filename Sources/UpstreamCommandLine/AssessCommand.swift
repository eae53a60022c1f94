import Foundation
import Upstream
import UpstreamServer

/// `upstream assess`: assesses one answers file and prints the explained recommendation tree.
enum AssessCommand: UpstreamCommand {
  static let spec = CommandSpec(
    name: "assess", summary: "Assess an answers file: red flags, likely contributors, what to do, and why.",
    options: [
      answersOption,
      rulesOption,
      assessmentDateOption,
      OptionSpec(
        "--format", value: "FORMAT",
        help: "text (default), json, markdown, html, or fhir (a FHIR R4 Bundle: RiskAssessment and score Observations)."),
      audienceOption,
      widthOption,
      outputOption,
      OptionSpec(
        "--batch", value: "FILE",
        help:
          "Assess JSON Lines (one answers object or QuestionnaireResponse per line; '-' for standard input), writing one JSON result per line in input order."
      ),
      OptionSpec("--jobs", value: "N", help: "With --batch: how many assessments run in parallel (default: every core)."),
      OptionSpec(
        "--strict",
        help: "A FHIR QuestionnaireResponse item that no question names is an error (UP0411), not a warning (with --batch: the line fails)."),
      OptionSpec(
        "--output-format", value: "FORMAT",
        help:
          "With --batch: what each line carries: tree (default; the full explained record), summary (red flags, findings, recommendations given, scores) or fhir (the FHIR R4 Bundle of --format fhir, on one line)."
      ),
    ],
    examples: [
      "upstream assess --answers answers.json",
      "upstream assess --answers answers.json --audience clinician --width 100",
      "upstream assess --answers answers.json --format html --output report.html",
      "upstream assess --answers response.json --strict",
      "upstream assess --answers answers.json --assessment-date 2026-12-01",
      "cat answers.json | upstream assess --answers - --format json",
      "upstream assess --answers response.json --format fhir --output bundle.json",
      "upstream assess --batch people.jsonl --jobs 2 > results.jsonl",
      "upstream assess --batch people.jsonl --output-format summary > summaries.jsonl",
      "upstream assess --batch people.jsonl --output results.jsonl",
      "upstream assess --batch visits.jsonl --assessment-date 2026-12-01 --strict",
    ])

  static func run(_ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    if let batch = arguments.value("--batch") { return try runBatch(batch, arguments, console: console) }
    if arguments.value("--output-format") != nil {
      throw CommandError.usage(
        "--output-format chooses what each line of --batch carries; for one answers file use --format", suggestion: nil,
        command: spec.name)
    }
    let format = try Shared.format(arguments, allowed: [.text, .json, .markdown, .html, .fhir], command: spec.name)
    let audience = try Shared.audience(arguments, command: spec.name)
    let width = try Shared.width(arguments, console: console, command: spec.name)
    guard let answersPath = arguments.value("--answers") ?? arguments.positionals.first else {
      throw CommandError.usage("upstream assess needs answers: --answers FILE (or - for standard input)", suggestion: nil, command: spec.name)
    }
    let (knowledgeBase, _) = try Shared.knowledgeBase(arguments, console: console)
    let answers = try Shared.answers(
      answersPath, for: knowledgeBase, console: console, strict: arguments.flag("--strict"),
      assessmentDate: try Shared.assessmentDate(arguments, command: spec.name))
    if format == .json {
      try Shared.emit(Operations.assessmentJSON(answers, knowledgeBase, audience: audience), arguments, console: console)
      return .success
    }
    let assessment = knowledgeBase.assess(validated: answers)
    if format == .fhir {
      try Shared.emit(AssessmentFHIRRenderer(knowledgeBase).render(assessment), arguments, console: console)
      return .success
    }
    let tree = assessment.tree
    let text: String
    switch format {
    case .markdown: text = TreeMarkdownRenderer(audience: audience).render(tree)
    case .html: text = TreeHTMLRenderer(audience: audience).render(tree)
    default: text = TreeTextRenderer(audience: audience, width: width, colour: Shared.colour(arguments, console: console)).render(tree)
    }
    try Shared.emit(text, arguments, console: console)
    return .success
  }

  /// `--batch`: JSON Lines in, JSON Lines out, on every core; exit 3 if any line failed.
  private static func runBatch(_ path: String, _ arguments: ParsedArguments, console: Console) throws -> ExitCode {
    if arguments.value("--answers") != nil || arguments.value("--format").map({ $0 != "json" }) == true {
      throw CommandError.usage(
        "--batch reads its own answers and always writes JSON Lines; drop --answers and --format", suggestion: nil, command: spec.name)
    }
    var jobs: Int?
    if let text = arguments.value("--jobs") {
      guard let value = Int(text), value >= 1 else {
        throw CommandError.usage("--jobs takes a whole number of 1 or more; found '\(text)'", suggestion: nil, command: spec.name)
      }
      // More jobs than cores only adds memory (each holds a chunk of lines): capped.
      let cores = ProcessInfo.processInfo.activeProcessorCount
      if value > cores {
        console.writeError("warning: --jobs \(value) is more than the \(cores) cores here; using \(cores)\n")
      }
      jobs = min(value, cores)
    }
    let format = try recordFormat(arguments)
    // The rule files are parsed, and the checks run, on the jobs the batch will use.
    let (knowledgeBase, loaded) = try Shared.knowledgeBase(
      arguments, console: console, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    // For the records that quote the rules' wording (tree, fhir), each job after the first
    // compiles its own copy of the rules (see `BatchAssessment.workerKnowledgeBase`); the
    // checks already ran on the first. Not for a summary, which names ids only: there the
    // copy's compile (a tenth of a second on 10,000 rules) costs more than sharing does.
    // Nor for rule files over `largestRulesCopiedPerJob` in all: a copy of 10,000 rules
    // (1.3 MB) holds about 50 MB more, for no gain measured.
    let files = loaded.files
    let contentHash = knowledgeBase.contentHash
    let compileCopy: @Sendable () -> KnowledgeBase? = {
      KnowledgeBase.compile(files, checks: [], contentHash: contentHash).knowledgeBase
    }
    let ruleBytes = files.reduce(0) { $0 + $1.text.utf8.count }
    let ownCopy = format == .summary || ruleBytes > Self.largestRulesCopiedPerJob ? nil : compileCopy
    let handle: FileHandle
    if path == "-" {
      handle = FileHandle.standardInput
    } else {
      guard let file = FileHandle(forReadingAtPath: path) else { throw CommandError.file("there is no batch file '\(path)'") }
      handle = file
    }
    // `--output FILE`: the records go to a draft that replaces FILE only once every line
    // is written, so a run that stops part-way leaves the old file as it was.
    let inputs = arguments.values.filter { $0.key != "--output" }.flatMap(\.value) + arguments.positionals
    let draft = try arguments.value("--output").flatMap { $0 == "-" ? nil : try AtomicFile.Draft($0, inputs: inputs) }
    let reader = LineReader(handle)
    let batch = BatchAssessment(
      knowledgeBase, audience: try Shared.audience(arguments, command: spec.name), format: format, jobs: jobs,
      assessmentDate: try Shared.assessmentDate(arguments, command: spec.name), strict: arguments.flag("--strict"),
      workerKnowledgeBase: ownCopy)
    let started = ContinuousClock.now  // a duration: the monotonic clock, not the date
    let summary = batch.run(
      nextLine: { reader.nextLine() },
      writeBlock: { block in
        guard let draft else { return console.write(block) }
        do {
          try draft.append(block)
        } catch let failure as CommandError {
          console.writeError(failure.render(colour: false))
          exit(failure.exitCode.rawValue)
        } catch {
          exit(ExitCode.fileError.rawValue)
        }
      },
      progress: { summary in
        guard console.errorIsTerminal else { return }
        let total = summary.assessed + summary.failed
        let elapsed = (ContinuousClock.now - started).components
        let rate = Double(total) / max(0.001, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
        console.writeError("\r\(total) lines, \(Int(rate)) per second, \(summary.failed) errors")
      })
    if console.errorIsTerminal { console.writeError("\n") }
    if let failure = reader.readFailure {
      // What was read is written; the rest of the input was never seen.
      throw CommandError.file("cannot read the batch input '\(path)': \(failure)")
    }
    _ = try draft?.commit()
    return summary.failed > 0 ? .invalidAnswers : .success
  }

  /// The most bytes of rule text for which each batch job compiles its own copy of the
  /// rules (1 MiB: the shipped rules are 160 KB, the benchmark's 1,000 rules 134 KB).
  private static let largestRulesCopiedPerJob = 1 << 20

  /// `--output-format`: what each batch line carries (default `tree`).
  private static func recordFormat(_ arguments: ParsedArguments) throws -> BatchRecordFormat {
    guard let written = arguments.value("--output-format") else { return .tree }
    guard let format = BatchRecordFormat(rawValue: written) else {
      let names = BatchRecordFormat.allCases.map(\.rawValue)
      throw CommandError.usage(
        "'\(written)' is not an output format of upstream assess --batch; use \(names.joined(separator: " or "))",
        suggestion: Suggestion.closest(to: written, in: names).map { "did you mean '\($0)'?" }, command: spec.name)
    }
    return format
  }
}
