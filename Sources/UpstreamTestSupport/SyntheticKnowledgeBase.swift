import Upstream

// MARK: - Synthetic knowledge bases for benchmarks and tests

/// Generates a knowledge base of a given size, with answer sets, in Upstream's rule language
/// and as an equivalent CLIPS program, from a fixed seed.
///
/// Questions are yes/no, numbers (0–100) and choices (four options). Findings sit in
/// `depth` layers: rules for layer 0 read only answers; rules for a deeper layer also read
/// at least one finding of the layer above, so chains run `depth` findings deep. Each rule
/// has 1–5 tests combined with and, or and not, and a certainty for (mostly) or against.
package struct SyntheticKnowledgeBase: Sendable {
  /// The sizes named in the benchmarks.
  package enum Size: String, Sendable, CaseIterable {
    case small, medium, large

    /// (questions, rules, depth).
    package var shape: (questions: Int, rules: Int, depth: Int) {
      switch self {
      case .small: (30, 60, 4)
      case .medium: (200, 1_000, 6)
      case .large: (1_000, 10_000, 8)
      }
    }
  }

  /// One generated test.
  private indirect enum Test: Sendable {
    case yesNo(question: Int)
    case number(question: Int, op: ComparisonOperator, bound: Int)
    case choice(question: Int, option: Int)
    case finding(Int)
    case all([Test]), any([Test]), not(Test)
  }

  private enum Kind: Sendable { case yesNo, number, choice }

  package let questionCount: Int
  package let ruleCount: Int
  package let depth: Int
  private let kinds: [Kind]
  private let findingLayers: [Int]
  private let rules: [(finding: Int, certainty: Double, condition: Test)]

  /// Generates a knowledge base of the given shape from a seed.
  package init(questions: Int, rules ruleCount: Int, depth: Int, seed: UInt64) {
    var random = SplitMix64(seed: seed)
    questionCount = questions
    self.ruleCount = ruleCount
    self.depth = depth
    let kinds: [Kind] = (0..<questions).map { _ in
      switch random.next() % 4 {
      case 0, 1: .yesNo
      case 2: .number
      default: .choice
      }
    }
    self.kinds = kinds
    let findings = max(depth * 2, ruleCount / 3)
    let findingLayers = (0..<findings).map { $0 * depth / findings }
    self.findingLayers = findingLayers
    var byLayer = [[Int]](repeating: [], count: depth)
    for (finding, layer) in findingLayers.enumerated() { byLayer[layer].append(finding) }

    // A rule tests each question at most once, so no rule contradicts itself.
    func answerTest(_ random: inout SplitMix64, avoiding used: inout Set<Int>) -> Test {
      var question = Int(random.next() % UInt64(questions))
      while used.contains(question) && used.count < questions { question = (question + 1) % questions }
      used.insert(question)
      switch kinds[question] {
      case .yesNo: return .yesNo(question: question)
      case .number:
        let ops: [ComparisonOperator] = [.less, .lessOrEqual, .greater, .greaterOrEqual]
        return .number(question: question, op: ops[Int(random.next() % 4)], bound: 1 + Int(random.next() % 99))
      case .choice: return .choice(question: question, option: Int(random.next() % 4))
      }
    }
    var generated: [(Int, Double, Test)] = []
    for index in 0..<ruleCount {
      // Every finding gets at least one rule; the rest are spread at random.
      let finding = index < findings ? index : Int(random.next() % UInt64(findings))
      let layer = findingLayers[finding]
      let count = 1 + Int(random.next() % 5)
      var tests: [Test] = []
      var used = Set<Int>()
      if layer > 0, let above = byLayer[layer - 1].isEmpty ? nil : byLayer[layer - 1] {
        tests.append(.finding(above[Int(random.next() % UInt64(above.count))]))
      }
      while tests.count < count {
        if layer > 0, random.next() % 4 == 0 {
          let upper = Int(random.next() % UInt64(layer))
          if !byLayer[upper].isEmpty {
            tests.append(.finding(byLayer[upper][Int(random.next() % UInt64(byLayer[upper].count))]))
            continue
          }
        }
        tests.append(answerTest(&random, avoiding: &used))
      }
      // Combine: mostly `and`, sometimes an `or` pair, sometimes a `not`.
      var parts: [Test] = []
      var position = 0
      while position < tests.count {
        let roll = random.next() % 6
        if roll == 0, position + 1 < tests.count {
          parts.append(.any([tests[position], tests[position + 1]]))
          position += 2
        } else if roll == 1, case .finding = tests[position] {
          parts.append(tests[position])
          position += 1
        } else if roll == 1 {
          parts.append(.not(tests[position]))
          position += 1
        } else {
          parts.append(tests[position])
          position += 1
        }
      }
      let condition = parts.count == 1 ? parts[0] : .all(parts)
      let magnitude = Double(20 + Int(random.next() % 71)) / 100
      let certainty = random.next() % 10 == 0 ? -magnitude : magnitude
      generated.append((finding, certainty, condition))
    }
    rules = generated
  }

  /// The named size with a fixed seed.
  package init(_ size: Size, seed: UInt64 = 42) {
    let shape = size.shape
    self.init(questions: shape.questions, rules: shape.rules, depth: shape.depth, seed: seed)
  }

  /// The number of findings.
  package var findingCount: Int { findingLayers.count }

  // MARK: Upstream rule text

  /// The knowledge base in Upstream's rule language, as one file.
  package var ruleText: String {
    var out = """
      knowledge base "Synthetic"
        version "1"
        disclaimer "Generated for benchmarks."
      source generated
        title "Generated"
        evidence expert-opinion

      """
    for (index, kind) in kinds.enumerated() {
      switch kind {
      case .yesNo: out += "question q\(index): yes/no\n  ask \"Q\(index)?\"\n"
      case .number: out += "question q\(index): number\n  ask \"Q\(index)?\"\n  range 0 to 100\n"
      case .choice:
        out += "question q\(index): choice\n  ask \"Q\(index)?\"\n"
        for option in 0..<4 { out += "  option o\(option) \"O\(option)\"\n" }
      }
    }
    for finding in 0..<findingCount { out += "contributor f\(finding)\n  name \"F\(finding)\"\n" }
    for (index, rule) in rules.enumerated() {
      out += "rule r\(index)\n  when \(text(rule.condition, top: true))\n  then f\(rule.finding) certainty \(NumberText.plain(rule.certainty))\n"
      out += "  because \"generated\"\n  source generated\n"
    }
    return out
  }

  private func text(_ test: Test, top: Bool = false) -> String {
    switch test {
    case .yesNo(let question): "q\(question)"
    case .number(let question, let op, let bound): "q\(question) \(op.rawValue) \(bound)"
    case .choice(let question, let option): "q\(question) is o\(option)"
    case .finding(let finding): "f\(finding)"
    case .all(let parts): parts.map { text($0) }.joined(separator: " and ")
    case .any(let parts): "(" + parts.map { text($0) }.joined(separator: " or ") + ")"
    case .not(let inner): "not " + text(inner)
    }
  }

  // MARK: Answers

  /// `count` complete answer sets (every question answered).
  package func answerSets(count: Int, seed: UInt64 = 7) -> [Answers] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in
      var answers = Answers()
      for (index, kind) in kinds.enumerated() {
        switch kind {
        case .yesNo: answers["q\(index)"] = random.next() % 2 == 0 ? .yes : .no
        case .number: answers["q\(index)"] = .number(Double(random.next() % 101))
        case .choice: answers["q\(index)"] = .option("o\(random.next() % 4)")
        }
      }
      return answers
    }
  }

  // MARK: CLIPS

  /// The same knowledge base as a CLIPS program, as `upstream-bench` first wrote it (kept
  /// as the second encoding the expert one is checked against).
  ///
  /// Each rule matches the answers and findings it reads, works out its condition's
  /// certainty on the right-hand side (0 = fails; and = min, or = max, not), and folds its
  /// evidence into the finding's running products (globals). After each layer a combining
  /// rule per finding applies the MYCIN combination and asserts the finding's certainty,
  /// so the deeper layers read final certainties, as in Upstream.
  package var clipsProgram: String {
    var out = """
      (deftemplate answer (slot q) (slot v))
      (deftemplate cf (slot f) (slot v))
      (deffunction truth (?flag) (if ?flag then 1.0 else 0.0))
      (deffunction negate (?t) (if (> ?t 0.0) then 0.0 else 1.0))
      (deffunction combine (?p ?n)
        (if (and (= ?p 1.0) (= ?n 1.0)) then 0.0 else (/ (- ?p ?n) (- 1.0 (min ?p ?n)))))

      """
    // Running products Π(1 − c) of each finding's evidence for and against; `reset`
    // puts them back to 1.
    for finding in 0..<findingCount { out += "(defglobal ?*for-f\(finding)* = 1.0 ?*against-f\(finding)* = 1.0)\n" }
    for (index, rule) in rules.enumerated() {
      let layer = findingLayers[rule.finding]
      var patterns: [String] = []
      var variables: [String: String] = [:]
      collect(rule.condition, &patterns, &variables)
      let product = rule.certainty > 0 ? "?*for-f\(rule.finding)*" : "?*against-f\(rule.finding)*"
      out += "(defrule r\(index) (declare (salience \(10_000 - 20 * layer)))\n"
      out += patterns.map { "  " + $0 + "\n" }.joined()
      out += "  =>\n  (bind ?p \(clips(rule.condition, variables)))\n"
      out += "  (if (> ?p 0.0) then (bind \(product) (* \(product) (- 1.0 (* \(NumberText.plain(abs(rule.certainty))) ?p))))))\n"
    }
    for finding in 0..<findingCount {
      let layer = findingLayers[finding]
      out += "(defrule combine-f\(finding) (declare (salience \(10_000 - 20 * layer - 10)))\n"
      out += "  => (assert (cf (f f\(finding)) (v (combine (- 1.0 ?*for-f\(finding)*) (- 1.0 ?*against-f\(finding)*))))))\n"
    }
    return out
  }

  private func collect(_ test: Test, _ patterns: inout [String], _ variables: inout [String: String]) {
    func bind(_ key: String, _ pattern: (String) -> String) {
      guard variables[key] == nil else { return }
      let name = "?v\(variables.count)"
      variables[key] = name
      patterns.append(pattern(name))
    }
    switch test {
    case .yesNo(let question), .number(let question, _, _), .choice(let question, _):
      bind("q\(question)") { "(answer (q q\(question)) (v \($0)))" }
    case .finding(let finding):
      bind("f\(finding)") { "(cf (f f\(finding)) (v \($0)))" }
    case .all(let parts), .any(let parts): for part in parts { collect(part, &patterns, &variables) }
    case .not(let inner): collect(inner, &patterns, &variables)
    }
  }

  private func clips(_ test: Test, _ variables: [String: String]) -> String {
    switch test {
    case .yesNo(let question): return "(truth (eq \(variables["q\(question)"] ?? "?") yes))"
    case .number(let question, let op, let bound): return "(truth (\(op.rawValue) \(variables["q\(question)"] ?? "?") \(bound)))"
    case .choice(let question, let option): return "(truth (eq \(variables["q\(question)"] ?? "?") o\(option)))"
    case .finding(let finding):
      let name = variables["f\(finding)"] ?? "?"
      return "(if (> \(name) 0.2) then \(name) else 0.0)"
    case .all(let parts): return "(min " + parts.map { clips($0, variables) }.joined(separator: " ") + ")"
    case .any(let parts): return "(max " + parts.map { clips($0, variables) }.joined(separator: " ") + ")"
    case .not(let inner): return "(negate \(clips(inner, variables)))"
    }
  }

  // MARK: CLIPS, as an expert writes it

  /// The same knowledge base as a CLIPS expert would write it: a template per question
  /// (`qN`, slot `v`) and per finding (`fN`, slot `cf`), every test a constraint in the
  /// rule's patterns, so a rule is activated only when its condition holds; a salience per
  /// layer, and a combining rule per finding that runs only for findings some rule
  /// concluded. Answer facts are asserted per case; nothing else is.
  ///
  /// An `or` becomes exclusive rules (one holds and the other fails, or both hold, taking
  /// the larger certainty), so no evidence is counted twice. A rule's certainty folds into
  /// the finding's running products (globals, put back to 1 by `reset`); the combining
  /// rule asserts the finding's certainty with the MYCIN combination.
  package var clipsExpertProgram: String {
    var out = """
      (deffunction combine (?p ?n)
        (if (and (= ?p 1.0) (= ?n 1.0)) then 0.0 else (/ (- ?p ?n) (- 1.0 (min ?p ?n)))))

      """
    for index in 0..<questionCount { out += "(deftemplate q\(index) (slot v))\n" }
    for finding in 0..<findingCount {
      out += "(deftemplate f\(finding) (slot cf))\n"
      out += "(defglobal ?*for-f\(finding)* = 1.0 ?*against-f\(finding)* = 1.0)\n"
    }
    for (index, rule) in rules.enumerated() {
      let layer = findingLayers[rule.finding]
      let product = rule.certainty > 0 ? "?*for-f\(rule.finding)*" : "?*against-f\(rule.finding)*"
      let parts: [Test]
      if case .all(let all) = rule.condition { parts = all } else { parts = [rule.condition] }
      for (variant, (patterns, certainties)) in expertVariants(parts).enumerated() {
        out += "(defrule r\(index)-\(variant) (declare (salience \(10_000 - 20 * layer)))\n"
        out += patterns.map { "  " + $0 + "\n" }.joined()
        let premise = certainties.isEmpty ? "1.0" : certainties.count == 1 ? certainties[0] : "(min \(certainties.joined(separator: " ")))"
        out += "  =>\n  (bind \(product) (* \(product) (- 1.0 (* \(NumberText.plain(abs(rule.certainty))) \(premise)))))\n"
        out += "  (assert (seen f\(rule.finding))))\n"
      }
    }
    for finding in 0..<findingCount {
      let layer = findingLayers[finding]
      out += "(defrule combine-f\(finding) (declare (salience \(10_000 - 20 * layer - 10))) (seen f\(finding))\n"
      out += "  => (assert (f\(finding) (cf (combine (- 1.0 ?*for-f\(finding)*) (- 1.0 ?*against-f\(finding)*))))))\n"
    }
    return out
  }

  /// The exclusive pattern sets of an `and` of parts, each with the certainties whose
  /// minimum is the rule's premise.
  private func expertVariants(_ parts: [Test]) -> [(patterns: [String], certainties: [String])] {
    var variants: [(patterns: [String], certainties: [String])] = [([], [])]
    var counter = 0
    func holds(_ test: Test) -> (pattern: String, certainty: String?) {
      counter += 1
      switch test {
      case .yesNo(let question): return ("(q\(question) (v yes))", nil)
      case .number(let question, let op, let bound): return ("(q\(question) (v ?x\(counter)&:(\(op.rawValue) ?x\(counter) \(bound))))", nil)
      case .choice(let question, let option): return ("(q\(question) (v o\(option)))", nil)
      case .finding(let finding): return ("(f\(finding) (cf ?c\(counter)&:(> ?c\(counter) 0.2)))", "?c\(counter)")
      case .not(let inner): return (fails(inner), nil)
      case .all, .any: return ("", nil)
      }
    }
    func fails(_ test: Test) -> String {
      counter += 1
      switch test {
      case .yesNo(let question): return "(q\(question) (v ~yes))"
      case .number(let question, let op, let bound): return "(q\(question) (v ?x\(counter)&:(not (\(op.rawValue) ?x\(counter) \(bound)))))"
      case .choice(let question, let option): return "(q\(question) (v ~o\(option)))"
      case .finding(let finding): return "(not (f\(finding) (cf ?c\(counter)&:(> ?c\(counter) 0.2))))"
      case .not(let inner): return holds(inner).pattern
      case .all, .any: return ""
      }
    }
    for part in parts {
      if case .any(let choices) = part, choices.count == 2 {
        let (a, b) = (holds(choices[0]), holds(choices[1]))
        let (notA, notB) = (fails(choices[0]), fails(choices[1]))
        // Both hold: the larger certainty, which is 1 when either side is an answer.
        var both: [String] = []
        if let ca = a.certainty, let cb = b.certainty { both = ["(max \(ca) \(cb))"] }
        let cases: [([String], [String])] = [
          ([a.pattern, notB], a.certainty.map { [$0] } ?? []),
          ([notA, b.pattern], b.certainty.map { [$0] } ?? []),
          ([a.pattern, b.pattern], both),
        ]
        variants = variants.flatMap { variant in
          cases.map { (variant.patterns + $0.0, variant.certainties + $0.1) }
        }
      } else {
        let test = holds(part)
        variants = variants.map { ($0.patterns + [test.pattern], $0.certainties + (test.certainty.map { [$0] } ?? [])) }
      }
    }
    return variants
  }

  /// A CLIPS `(assert …)` of one answer set for `clipsExpertProgram`.
  package func clipsExpertFacts(_ answers: Answers) -> String {
    (0..<questionCount).compactMap { index -> String? in
      switch answers["q\(index)"] {
      case .yes?: "(q\(index) (v yes))"
      case .no?: "(q\(index) (v no))"
      case .number(let number)?: "(q\(index) (v \(NumberText.plain(number))))"
      case .option(let option)?: "(q\(index) (v \(option)))"
      default: nil
      }
    }.joined(separator: " ")
  }

  /// A CLIPS `(assert …)` of one answer set.
  package func clipsFacts(_ answers: Answers) -> String {
    (0..<questionCount).map { index -> String in
      let value: String
      switch answers["q\(index)"] {
      case .yes?: value = "yes"
      case .no?: value = "no"
      case .number(let number)?: value = NumberText.plain(number)
      case .option(let option)?: value = option
      default: value = "unknown"
      }
      return "(answer (q q\(index)) (v \(value)))"
    }.joined(separator: " ")
  }
}

/// SplitMix64: a small, fast, seedable random number generator for reproducible data.
package struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  package init(seed: UInt64) { state = seed }

  package mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
