// MARK: - Conditions compared by meaning

/// A text key for a compiled condition that is the same for conditions that differ only
/// in the order of `and`, `or` and `in (…)` parts, or in brackets.
///
/// Checks use it to see that two rules test the same thing however it was written.
enum ConditionKey {
  /// The condition's key.
  static func of(_ condition: Condition) -> String {
    var key = Key()
    key.append(condition)
    return String(decoding: key.bytes, as: UTF8.self)
  }

  /// A number that is the same for conditions with the same key, and almost always differs
  /// otherwise: checks compare these first, and work out the keys (text, far slower) only
  /// for conditions whose numbers match. It mirrors the key: parts of an `and` or `or` are
  /// lifted and taken as a set, and numbers are compared bit for bit, as their text is.
  static func hash(_ condition: Condition) -> UInt64 {
    switch condition {
    case .answer(let question, let test): return mix(mix(1, UInt64(bitPattern: Int64(question))), hash(test))
    case .finding(let finding, let op, let bound):
      return mix(mix(mix(2, UInt64(bitPattern: Int64(finding))), hash(op)), bits(bound))
    case .score(let score, let test): return mix(mix(3, UInt64(bitPattern: Int64(score))), hash(test))
    case .all(let parts): return mix(4, commutativeHash(parts) { if case .all(let inner) = $0 { inner } else { nil } })
    case .any(let parts): return mix(5, commutativeHash(parts) { if case .any(let inner) = $0 { inner } else { nil } })
    case .not(let inner): return mix(6, hash(inner))
    case .atLeast(let count, let parts): return mix(mix(7, UInt64(bitPattern: Int64(count))), setHash(parts.map(hash)))
    }
  }

  /// The hash of an `and` or `or`'s parts, nested parts of the same kind lifted, as a set.
  private static func commutativeHash(_ parts: [Condition], flattening: (Condition) -> [Condition]?) -> UInt64 {
    var hashes: [UInt64] = []
    hashes.reserveCapacity(parts.count)
    var pending = parts
    while let part = pending.popLast() {
      if let inner = flattening(part) { pending.append(contentsOf: inner) } else { hashes.append(hash(part)) }
    }
    return setHash(hashes)
  }

  /// Hashes combined as a set: sorted, each once.
  private static func setHash(_ hashes: [UInt64]) -> UInt64 {
    var sorted = hashes
    sorted.sort()
    var combined: UInt64 = 8
    for (index, hash) in sorted.enumerated() where index == 0 || hash != sorted[index - 1] { combined = mix(combined, hash) }
    return combined
  }

  private static func hash(_ test: AnswerTest) -> UInt64 {
    switch test {
    case .yesNo(let yes): return mix(11, yes ? 1 : 0)
    case .option(let option, let negated): return mix(mix(12, UInt64(bitPattern: Int64(option))), negated ? 1 : 0)
    case .oneOf(let options):
      var combined: UInt64 = 13
      for option in Set(options).sorted() { combined = mix(combined, UInt64(bitPattern: Int64(option))) }
      return combined
    case .includes(let option): return mix(14, UInt64(bitPattern: Int64(option)))
    case .compare(let op, let bound): return mix(mix(15, hash(op)), bits(bound))
    case .equals(let value, let negated): return mix(mix(16, bits(value)), negated ? 1 : 0)
    case .between(let low, let high): return mix(mix(17, bits(low)), bits(high))
    case .answered(let negated): return mix(18, negated ? 1 : 0)
    case .ago(let more, let amount, let unit):
      return mix(mix(mix(19, more ? 1 : 0), UInt64(bitPattern: Int64(amount))), UInt64(DateUnit.allCases.firstIndex(of: unit) ?? 0))
    }
  }

  private static func hash(_ test: ScoreTest) -> UInt64 {
    switch test {
    case .compare(let op, let bound): return mix(mix(21, hash(op)), UInt64(bitPattern: Int64(bound)))
    case .equals(let value, let negated): return mix(mix(22, UInt64(bitPattern: Int64(value))), negated ? 1 : 0)
    case .between(let low, let high): return mix(mix(23, UInt64(bitPattern: Int64(low))), UInt64(bitPattern: Int64(high)))
    case .stratum(let stratum, let negated): return mix(mix(24, UInt64(bitPattern: Int64(stratum))), negated ? 1 : 0)
    }
  }

  private static func hash(_ op: ComparisonOperator) -> UInt64 {
    switch op {
    case .less: 1
    case .lessOrEqual: 2
    case .greater: 3
    case .greaterOrEqual: 4
    }
  }

  /// A number's bits (every NaN alike, as every NaN is written `nan`).
  private static func bits(_ number: Double) -> UInt64 { number.isNaN ? 0x7FF8_0000_0000_0000 : number.bitPattern }

  /// Two numbers mixed into one (a multiply and shift, as in SplitMix64): deterministic,
  /// unlike `Hasher`, and cheap.
  static func mix(_ accumulated: UInt64, _ value: UInt64) -> UInt64 {
    var mixed = (accumulated ^ value) &* 0x9E37_79B9_7F4A_7C15
    mixed ^= mixed >> 29
    mixed = (mixed &+ value) &* 0xBF58_476D_1CE4_E5B9
    return mixed ^ (mixed >> 32)
  }

  /// A key being written, as UTF-8 bytes: appending to a byte array costs far less than
  /// joining strings, and a key is made a string once, at the end. Keys are ASCII, so
  /// their bytes sort as the strings do.
  private struct Key {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(32) }

    mutating func append(_ condition: Condition) {
      switch condition {
      case .answer(let question, let test):
        write("q")
        write(question)
        write(" ")
        append(test)
      case .finding(let finding, let op, let bound):
        write("f")
        write(finding)
        write(" ")
        write(op.rawValue)
        write(" ")
        write(bound)
      case .score(let score, let test):
        write("s")
        write(score)
        write(" ")
        append(test)
      case .all(let parts):
        write("all(")
        commutative(parts, flattening: { if case .all(let inner) = $0 { inner } else { nil } })
        write(")")
      case .any(let parts):
        write("any(")
        commutative(parts, flattening: { if case .any(let inner) = $0 { inner } else { nil } })
        write(")")
      case .not(let inner):
        write("not(")
        append(inner)
        write(")")
      case .atLeast(let count, let parts):
        write("atLeast")
        write(count)
        write("(")
        sortedSet(parts.map(Self.bytes))
        write(")")
      }
    }

    private static func bytes(_ condition: Condition) -> [UInt8] {
      var key = Key()
      key.append(condition)
      return key.bytes
    }

    /// The parts of an `and` or `or` as a sorted set, with nested parts of the same kind lifted.
    private mutating func commutative(_ parts: [Condition], flattening: (Condition) -> [Condition]?) {
      // One part needs no sorting: its key is written in place.
      if parts.count == 1, let only = parts.first, flattening(only) == nil {
        append(only)
        return
      }
      var keys: [[UInt8]] = []
      keys.reserveCapacity(parts.count)
      var pending = parts
      while let part = pending.popLast() {
        if let inner = flattening(part) { pending.append(contentsOf: inner) } else { keys.append(Self.bytes(part)) }
      }
      sortedSet(keys)
    }

    /// Keys sorted, each once, joined: a set's sorted elements, without hashing the few
    /// keys a condition has.
    private mutating func sortedSet(_ keys: [[UInt8]]) {
      var sorted = keys
      sorted.sort { $0.lexicographicallyPrecedes($1) }
      for (index, key) in sorted.enumerated() where index == 0 || key != sorted[index - 1] {
        if index > 0 { write(", ") }
        bytes.append(contentsOf: key)
      }
    }

    // Keys are spelled out rather than made with "\(test)", which describes an enum by
    // reflection and was the slowest part of checking a large knowledge base.
    private mutating func append(_ test: AnswerTest) {
      switch test {
      case .yesNo(let yes): write(yes ? "yes" : "no")
      case .option(let option, let negated):
        write(negated ? "isNot " : "is ")
        write(option)
      case .oneOf(let options):
        write("oneOf ")
        for (index, option) in Set(options).sorted().enumerated() {
          if index > 0 { write(",") }
          write(option)
        }
      case .includes(let option):
        write("includes ")
        write(option)
      case .compare(let op, let bound):
        write(op.rawValue)
        write(" ")
        write(bound)
      case .equals(let value, let negated):
        write(negated ? "!= " : "== ")
        write(value)
      case .between(let low, let high):
        write("between ")
        write(low)
        write(" ")
        write(high)
      case .answered(let negated): write(negated ? "unanswered" : "answered")
      case .ago(let more, let amount, let unit):
        write(more ? "more " : "less ")
        write(amount)
        write(" ")
        write(unit.rawValue)
      }
    }

    private mutating func append(_ test: ScoreTest) {
      switch test {
      case .compare(let op, let bound):
        write(op.rawValue)
        write(" ")
        write(bound)
      case .equals(let value, let negated):
        write(negated ? "!= " : "== ")
        write(value)
      case .between(let low, let high):
        write("between ")
        write(low)
        write(" ")
        write(high)
      case .stratum(let stratum, let negated):
        write(negated ? "notStratum " : "stratum ")
        write(stratum)
      }
    }

    private mutating func write(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A whole number in decimal, as `String(number)` writes it.
    private mutating func write(_ number: Int) {
      if number < 0 { bytes.append(UInt8(ascii: "-")) }
      var magnitude = number.magnitude
      let start = bytes.count
      repeat {
        bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
        magnitude /= 10
      } while magnitude > 0
      bytes[start...].reverse()
    }

    /// A number as `String(number)` writes it (`74.0`, `0.53`).
    private mutating func write(_ number: Double) { write(String(number)) }
  }
}
