// MARK: - Conditions compared by meaning

/// A text key for a compiled condition that is the same for conditions that differ only
/// in the order of `and`, `or` and `in (…)` parts, or in brackets.
///
/// Checks use it to see that two rules test the same thing however it was written.
enum ConditionKey {
  /// The condition's key.
  static func of(_ condition: Condition) -> String {
    switch condition {
    case .answer(let question, let test): return "q" + String(question) + " " + key(test)
    case .finding(let finding, let op, let bound): return "f" + String(finding) + " " + op.rawValue + " " + String(bound)
    case .score(let score, let test): return "s\(score) " + key(test)
    case .all(let parts): return "all(" + commutative(parts, flattening: { if case .all(let inner) = $0 { inner } else { nil } }) + ")"
    case .any(let parts): return "any(" + commutative(parts, flattening: { if case .any(let inner) = $0 { inner } else { nil } }) + ")"
    case .not(let inner): return "not(" + of(inner) + ")"
    case .atLeast(let count, let parts): return "atLeast\(count)(" + sortedSet(parts.map(of)) + ")"
    }
  }

  /// The parts of an `and` or `or` as a sorted set, with nested parts of the same kind lifted.
  private static func commutative(_ parts: [Condition], flattening: (Condition) -> [Condition]?) -> String {
    var keys: [String] = []
    keys.reserveCapacity(parts.count)
    var pending = parts
    while let part = pending.popLast() {
      if let inner = flattening(part) { pending.append(contentsOf: inner) } else { keys.append(of(part)) }
    }
    return sortedSet(keys)
  }

  /// Keys sorted, each once, joined: a set's sorted elements, without hashing the few
  /// keys a condition has.
  private static func sortedSet(_ keys: [String]) -> String {
    var sorted = keys
    sorted.sort()
    var text = ""
    var previous: String?
    for key in sorted where key != previous {
      if previous != nil { text += ", " }
      text += key
      previous = key
    }
    return text
  }

  // Keys are spelled out rather than made with "\(test)", which describes an enum by
  // reflection and was the slowest part of checking a large knowledge base.
  private static func key(_ test: AnswerTest) -> String {
    switch test {
    case .yesNo(let yes): yes ? "yes" : "no"
    case .option(let option, let negated): (negated ? "isNot " : "is ") + String(option)
    case .oneOf(let options): "oneOf " + Set(options).sorted().map(String.init).joined(separator: ",")
    case .includes(let option): "includes " + String(option)
    case .compare(let op, let bound): op.rawValue + " " + String(bound)
    case .equals(let value, let negated): (negated ? "!= " : "== ") + String(value)
    case .between(let low, let high): "between " + String(low) + " " + String(high)
    case .answered(let negated): negated ? "unanswered" : "answered"
    case .ago(let more, let amount, let unit): (more ? "more " : "less ") + String(amount) + " " + unit.rawValue
    }
  }

  private static func key(_ test: ScoreTest) -> String {
    switch test {
    case .compare(let op, let bound): op.rawValue + " " + String(bound)
    case .equals(let value, let negated): (negated ? "!= " : "== ") + String(value)
    case .between(let low, let high): "between " + String(low) + " " + String(high)
    case .stratum(let stratum, let negated): (negated ? "notStratum " : "stratum ") + String(stratum)
    }
  }
}
