import Foundation
import UpstreamTestSupport

@testable import Upstream

/// Writes random but valid knowledge bases and cases, each laid out at random: attributes
/// run together on one line or split over several, odd indentation, blank lines, extra
/// brackets, texts in pieces, and comments everywhere a comment can go.
///
/// The same seed always gives the same files, so a failure can be replayed.
struct RuleFileGenerator {
  /// A deterministic random source (SplitMix64).
  struct Random {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ probability: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < probability }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
  }

  /// One declaration: its lines of tokens, the first being the declaration's own line.
  typealias Declaration = [[String]]

  var random: Random
  private var commentCount = 0

  init(seed: UInt64) { random = Random(seed: seed) }

  // MARK: Content

  private struct QuestionPlan {
    let id: String
    let type: String
    let options: [String]
  }

  /// A knowledge base in canonical tokens, and a case file answering it.
  mutating func knowledgeBase() -> (rules: [Declaration], cases: [Declaration]) {
    var declarations: [Declaration] = []
    declarations.append([
      ["knowledge", "base", text()], ["version", "\"1\""], ["author", text()], ["disclaimer"] + texts(),
      ["general", "advice", text()], ["less", "likely", "below", "0.4"],
    ])
    declarations.append([["source", "s"], ["title", text()], ["citation"] + texts(), ["evidence", "expert-opinion"]])
    declarations.append([["source", "s2"], ["title", text()], ["url", "\"https://example.org/a\""], ["evidence", "trial"]])

    // Questions: q0 is yes/no and gates some of the others.
    var questions: [QuestionPlan] = [QuestionPlan(id: "q0", type: "yes/no", options: [])]
    let count = random.int(4...8)
    for index in 1...count {
      let type = random.pick(["yes/no", "number", "scale", "choice", "choices"])
      let options = type.hasPrefix("choice") ? (0..<random.int(2...4)).map { "o\(index)_\($0)" } : []
      questions.append(QuestionPlan(id: "q\(index)", type: type, options: options))
    }
    for question in questions {
      var lines: Declaration = [["question", question.id, ":"] + (question.type == "yes/no" ? ["yes", "/", "no"] : [question.type])]
      lines.append(["ask"] + texts())
      if random.chance(0.3) { lines.append(["help", text()]) }
      for option in question.options { lines.append(["option", option, text()]) }
      if question.type == "number" {
        lines.append(["range", "0", "to", "24"])
        if random.chance(0.5) { lines.append(["unit", "\"hours\""]) }
        if random.chance(0.5) { lines.append(["decimals", "allowed"]) }
      }
      if random.chance(0.4) { lines.append(["not", "sure", "allowed"]) }
      if question.id != "q0", random.chance(0.3) { lines.append(["ask", "when", "q0"]) }
      if random.chance(0.5) { lines.shuffle(from: 1, using: &random) }
      declarations.append(lines)
    }

    // Findings: complaints first, then contributors; a rule concluding finding i reads only earlier ones.
    let findings = (0..<random.int(3...6)).map { "f\($0)" }
    for (index, finding) in findings.enumerated() {
      var lines: Declaration = [[index < 2 ? "complaint" : "contributor", finding], ["name", text()]]
      if random.chance(0.6) { lines.append(["region", random.pick(["foot", "hip", "knee", "lower-back"])]) }
      if random.chance(0.7) { lines.append(["explain"] + texts()) }
      declarations.append(lines)
    }
    declarations.append([
      ["score", "total"], ["name", text()], ["range", "0", "to", "10"],
      ["stratum", "low", "\"Low\"", "when", "total", "<=", "3"], ["means", text()],
      ["stratum", "high", "\"High\"", "when", "total", ">=", "4"],
    ])
    declarations.append([
      ["red", "flag", "alarm"], ["name", text()], ["urgency", "urgent-same-day"], ["advice", text()],
      ["advice", "emergency", text()], ["source", "s"],
    ])
    declarations.append([
      ["recommendation", "r0"], ["title", text()], ["dose", text()], ["caution", text()], ["caution", text()],
      ["addresses", findings[findings.count - 1], ",", findings[0]], ["conflicts", "with", "r1"],
      ["prefer", "r0", "when"] + condition(questions, findings: [], depth: 1, scores: true), ["otherwise", "keep", "both"],
      ["source", "s", ",", "s2"], ["author", text()], ["reviewed", "2026-01-15"],
    ])
    declarations.append([["recommendation", "r1"], ["title", text()], ["dose", text()], ["source", "s2"]])

    for (index, finding) in findings.enumerated() {
      for ruleNumber in 0..<random.int(1...2) {
        var lines: Declaration = [["rule", "rule-\(finding)-\(ruleNumber)"]]
        lines.append(["when"] + condition(questions, findings: Array(findings[..<index]), depth: random.int(0...3)))
        let certainty = random.pick(["0.5", "0.3", "-0.2", "1", "0.45"])
        lines.append(["then", finding, "certainty", certainty])
        if index >= 2, random.chance(0.6) { lines.append(["and", finding, "upstream", "of", findings[random.int(0...1)]]) }
        if random.chance(0.3) { lines.append(["and", "recommend", random.pick(["r0", "r1"])]) }
        if random.chance(0.3) { lines.append(["and", "add", random.pick(["1", "2", "0.5"]), "to", "total"]) }
        lines.append(["because"] + texts())
        if random.chance(0.3) { lines.append(["patient", "wording", text()]) }
        if random.chance(0.3) { lines.append(["clinician", "wording", text()]) }
        lines.append(["source", random.pick(["s", "s2"])])
        if random.chance(0.5) { lines.append(["reviewed", "2026-02-03"]) }
        if random.chance(0.4) { lines.shuffle(from: 3 + lines[3...].prefix { $0.first == "and" }.count, using: &random) }
        declarations.append(lines)
      }
    }
    declarations.append([
      ["rule", "raise-the-alarm"], ["when", "total", "is", "high", "and", "q0"], ["then", "red", "flag", "alarm", "urgency", "emergency"],
      ["because", text()], ["source", "s"],
    ])

    var testCase: Declaration = [["case", "generated-case"], ["description", text()]]
    for question in questions {
      switch question.type {
      case "yes/no": testCase.append(["answer", question.id, random.pick(["yes", "no"])])
      case "number", "scale": testCase.append(["answer", question.id, random.pick(["3", "7", "0"])])
      case "choice": testCase.append(["answer", question.id, random.pick(question.options)])
      default: testCase.append(["answer", question.id, "(", question.options[0], ",", question.options[1], ")"])
      }
    }
    testCase.append(["answer", "q1", "not", "sure"])
    testCase += [
      ["expect", findings[0]], ["expect", "not", findings[1], "certainty", ">=", "0.5"],
      ["expect", findings[0], "certainty", "between", "0.1", "and", "0.9"], ["expect", "recommend", "r0"],
      ["expect", "no", "red", "flags"], ["expect", "total", "is", "low"], ["expect", "not", "asked", "q1"],
    ]
    return (declarations, [testCase])
  }

  /// A condition in tokens; each test uses a different question, so it never contradicts itself.
  /// Rule conditions read no score (a rule may add to it, which would make a cycle).
  private mutating func condition(_ questions: [QuestionPlan], findings: [String], depth: Int, scores: Bool = false) -> [String] {
    var unused = questions.filter { $0.id != "q0" }.shuffled(using: &random)
    return condition(&unused, findings: findings, depth: depth, top: true, scores: scores)
  }

  private mutating func condition(_ unused: inout [QuestionPlan], findings: [String], depth: Int, top: Bool, scores: Bool) -> [String] {
    if depth == 0 || unused.count < 3 { return test(&unused, findings: findings, scores: scores) }
    let parts = (0..<random.int(2...3)).map { _ in condition(&unused, findings: findings, depth: depth - 1, top: false, scores: scores) }
    var tokens: [String]
    switch random.int(0...3) {
    case 0: tokens = join(parts, "and")
    case 1: tokens = join(parts, "or")
    case 2: tokens = ["not", "("] + join(parts, "and") + [")"]
    default:
      tokens = ["at", "least", String(random.int(1...parts.count)), "of", "("]
      for (index, part) in parts.enumerated() { tokens += (index > 0 ? [","] : []) + part }
      tokens.append(")")
    }
    return top || tokens.first == "not" || tokens.first == "at" ? tokens : ["("] + tokens + [")"]
  }

  private func join(_ parts: [[String]], _ word: String) -> [String] {
    parts.enumerated().flatMap { index, part in (index > 0 ? [word] : []) + part }
  }

  private mutating func test(_ unused: inout [QuestionPlan], findings: [String], scores: Bool) -> [String] {
    if !findings.isEmpty, random.chance(0.25) {
      let finding = random.pick(findings)
      return random.chance(0.5) ? [finding] : [finding, "certainty", random.pick([">=", ">", "<"]), random.pick(["0.3", "0.5"])]
    }
    if random.chance(0.1) { return scores ? random.pick([["total", ">=", "2"], ["total", "is", "low"]]) : ["q0"] }
    guard let question = unused.popLast() else { return ["q0"] }
    let tokens: [String]
    switch question.type {
    case "yes/no": tokens = random.pick([[question.id], [question.id, "is", "yes"], [question.id, "is", "no"]])
    case "number", "scale":
      tokens = random.pick([
        [question.id, random.pick([">=", "<", ">", "<="]), String(random.int(1...9))],
        [question.id, "between", "2", "and", "8"], [question.id, "is", "5"],
      ])
    case "choice":
      tokens = random.pick([
        [question.id, "is", question.options[0]], [question.id, "is", "not", question.options[1]],
        [question.id, "in", "(", question.options[0], ",", question.options[1], ")"],
      ])
    default: tokens = [question.id, "includes", random.pick(question.options)]
    }
    return random.chance(0.15) ? ["("] + tokens + [")"] : tokens
  }

  private mutating func text() -> String {
    let words = ["Flat", "arches", "hurt", "the", "hip", "\\\"quoted\\\"", "back\\\\slash", "new\\nline", "ünïcödé", "–", "tab\\tbed"]
    return "\"" + (0..<random.int(1...5)).map { _ in random.pick(words) }.joined(separator: " ") + "\""
  }

  private mutating func texts() -> [String] { (0..<random.int(1...3)).map { _ in text() } }

  // MARK: Layout

  /// The declarations written out with a random layout and comments.
  mutating func write(_ declarations: [Declaration]) -> String {
    var out = random.chance(0.5) ? comment() + "\n" + (random.chance(0.5) ? "\n" : "") : ""
    for declaration in declarations {
      for (lineIndex, line) in declaration.enumerated() {
        if lineIndex == 0 {
          out += line[0]
        } else if random.chance(0.15) {
          out += " "  // the attribute runs on after the one before
        } else {
          out += newLine()
        }
        for (index, token) in line.enumerated() where !(lineIndex == 0 && index == 0) {
          if lineIndex > 0, index == 0 {
            out += token
            continue
          }
          let previous = index > 0 ? line[index - 1] : ""
          let tight = [",", ")", ":", "/"].contains(token) || previous == "(" || previous == "/"
          if random.chance(0.07) {
            out += newLine()
          } else if tight && random.chance(0.6) {
            // no space
          } else {
            out += random.chance(0.85) ? " " : "   "
          }
          out += token
        }
      }
      if random.chance(0.3) { out += "   " + comment() }
      out += "\n" + String(repeating: "\n", count: random.int(0...2))
      if random.chance(0.3) { out += (random.chance(0.5) ? "  " : "") + comment() + "\n" }
      if random.chance(0.3) { out += comment() + "\n" + (random.chance(0.5) ? "\n" : "") }
    }
    return out
  }

  /// A line break inside a declaration, perhaps with comments and blank lines; the next
  /// line is indented (never in the first column, which would start a declaration).
  private mutating func newLine() -> String {
    var out = random.chance(0.1) ? "  " + comment() : ""
    out += "\n"
    if random.chance(0.1) { out += "\n" }
    if random.chance(0.1) { out += String(repeating: " ", count: random.int(0...6)) + comment() + "\n" }
    return out + String(repeating: " ", count: random.int(1...8)) + (random.chance(0.05) ? "\t" : "")
  }

  private mutating func comment() -> String {
    commentCount += 1
    return "# comment \(commentCount) " + random.pick(["", "and or not", "\"quoted\"", "# twice", "rule r when"])
  }
}

extension Array {
  /// Shuffles the elements from `start` on.
  mutating func shuffle(from start: Int, using random: inout RuleFileGenerator.Random) {
    guard start < count - 1 else { return }
    for index in stride(from: count - 1, to: start, by: -1) {
      let other = start + random.int(0...(index - start))
      swapAt(index, other)
    }
  }

  /// The elements in a random order.
  func shuffled(using random: inout RuleFileGenerator.Random) -> [Element] {
    var copy = self
    copy.shuffle(from: 0, using: &random)
    return copy
  }
}
