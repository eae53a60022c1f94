import Foundation
import Testing

@testable import Upstream
@testable import UpstreamCommandLine

/// The transcripts in Docs/Explanations.md and Docs/OutputFormat.md are real output: each
/// ```` ```console ```` block starting `$ upstream …` is run from the package root (at 80
/// columns, no colour) and must print exactly what the block shows.
///
/// After a deliberate change, regenerate them with
/// `UPSTREAM_UPDATE_DOCS=1 swift test --filter DocumentationTranscriptTests`.
@Suite("Documentation transcripts")
struct DocumentationTranscriptTests {
  static let documents = ["Docs/Explanations.md", "Docs/OutputFormat.md"]

  /// One ```` ```console ```` block: where it is, the command, the output shown.
  struct Transcript {
    let range: Range<String.Index>
    let command: String
    let output: String
  }

  static func transcripts(in text: String) -> [Transcript] {
    var result: [Transcript] = []
    var searchStart = text.startIndex
    while let open = text.range(of: "```console\n$ upstream ", range: searchStart..<text.endIndex),
      let close = text.range(of: "\n```\n", range: open.upperBound..<text.endIndex)
    {
      let body = text[text.index(open.lowerBound, offsetBy: "```console\n$ ".count)..<close.lowerBound]
      let lines = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
      let output = lines.count > 1 ? String(lines[1]) + "\n" : ""
      result.append(Transcript(range: open.lowerBound..<close.upperBound, command: String(lines[0]), output: output))
      searchStart = close.upperBound
    }
    return result
  }

  /// Splits a command line into words: spaces separate, single or double quotes group.
  static func words(_ command: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character?
    var inWord = false
    for character in command {
      if let open = quote {
        if character == open { quote = nil } else { current.append(character) }
      } else if character == "'" || character == "\"" {
        quote = character
        inWord = true
      } else if character == " " {
        if inWord { words.append(current) }
        current = ""
        inWord = false
      } else {
        current.append(character)
        inWord = true
      }
    }
    if inWord { words.append(current) }
    return words
  }

  static func run(_ command: String) throws -> String {
    let arguments = Array(words(command).dropFirst())
    let result = try UpstreamBinary.run(arguments, in: UpstreamBinary.packageRoot, environment: ["COLUMNS": "80"])
    return result.output
  }

  @Test("every transcript in the docs is what the current code prints", arguments: documents)
  func transcriptsMatch(document: String) throws {
    let url = UpstreamBinary.packageRoot.appendingPathComponent(document)
    var text = try String(contentsOf: url, encoding: .utf8)
    let transcripts = Self.transcripts(in: text)
    #expect(!transcripts.isEmpty, "\(document) has no transcripts")
    let update = ProcessInfo.processInfo.environment["UPSTREAM_UPDATE_DOCS"] != nil
    for transcript in transcripts.reversed() {
      let actual = try Self.run(transcript.command)
      if update {
        text.replaceSubrange(transcript.range, with: "```console\n$ \(transcript.command)\n\(actual)```\n")
      } else {
        #expect(
          actual == transcript.output,
          "\(document): the output of '\(transcript.command)' changed; regenerate with UPSTREAM_UPDATE_DOCS=1")
      }
    }
    if update { try AtomicFile.write(text, to: url.path) }
  }

  @Test("the transcript reader splits commands and finds blocks")
  func reader() {
    #expect(
      Self.words("upstream what-if --set 'arch_shape=not sure' --width 80") == [
        "upstream", "what-if", "--set", "arch_shape=not sure", "--width", "80",
      ])
    let text = "Intro\n\n```console\n$ upstream why x --answers a.json\nWhy X\n└─ y\n```\n\nEnd\n"
    let found = Self.transcripts(in: text)
    #expect(found.map(\.command) == ["upstream why x --answers a.json"])
    #expect(found.first?.output == "Why X\n└─ y\n")
  }
}
