// MARK: - Durations typed for a choice of time bands

extension TypedReply {
  /// How long something has lasted, typed in everyday words (`2 months`, `a year`,
  /// `years`, `about a year, not getting better`), read for a choice whose option labels
  /// are time bands: `Less than 6 weeks`, `6 weeks to 3 months`, `More than 3 months, …`.
  ///
  /// The bands come from the labels the knowledge base declares, so any choice written
  /// this way takes durations; an option whose label gives no band (`I have no pain at
  /// the moment`) is never chosen by one. A duration that fits one band chooses it; one
  /// that fits several (a year is more than 3 months, getting better or not) is narrowed
  /// by the rest of the reply (`not getting better`), and otherwise the person is asked to
  /// choose between just those bands. Vague amounts are ranges: `a few` is 3 to 5, `a
  /// couple` 2, `several` 3 to 7, a plural alone (`years`) 2 or more.
  enum Duration {
    /// A span of time in days, from `low` to `high` (equal for an exact one).
    struct Span: Equatable {
      let low: Double
      let high: Double
    }

    /// A band an option's label gives, in days, with whether each end is included.
    struct Band: Equatable {
      let low: Double
      let lowIncluded: Bool
      let high: Double
      let highIncluded: Bool

      func overlaps(_ span: Span) -> Bool {
        let aboveLow = lowIncluded ? span.high >= low : span.high > low
        let belowHigh = highIncluded ? span.low <= high : span.low < high
        return aboveLow && belowHigh
      }
    }

    /// Days in each unit a person may write, by the unit's singular stem.
    private static let unitDays: [String: Double] = [
      "day": 1, "week": 7, "wk": 7, "fortnight": 14, "month": 30.4375, "mo": 30.4375, "year": 365.25, "yr": 365.25,
    ]

    /// How many a count word stands for, as a range.
    private static let counts: [String: (Double, Double)] = [
      "a": (1, 1), "an": (1, 1), "one": (1, 1), "two": (2, 2), "three": (3, 3), "four": (4, 4), "five": (5, 5),
      "six": (6, 6), "seven": (7, 7), "eight": (8, 8), "nine": (9, 9), "ten": (10, 10), "eleven": (11, 11),
      "twelve": (12, 12), "couple": (2, 2), "few": (3, 5), "several": (3, 7), "many": (3, 50),
    ]

    /// The words a duration is written with, besides its count and unit: they say nothing
    /// about which band is meant.
    private static let durationWords: Set<String> = [
      "about", "around", "roughly", "approximately", "approx", "nearly", "almost", "maybe", "for", "over", "more",
      "than", "less", "under", "since", "ago", "past", "last", "the", "of", "just", "i", "ve", "have", "had", "it",
      "its", "s", "been", "and", "but", "now", "or", "so", "a", "an", "half", "at", "least", "only", "already",
    ]

    /// The unit's stem of a word (`months` → `month`, `yrs` → `yr`), if it is a unit.
    private static func unit(_ word: String) -> String? {
      if unitDays[word] != nil { return word }
      if word.hasSuffix("s"), unitDays[String(word.dropLast())] != nil { return String(word.dropLast()) }
      return nil
    }

    /// Where the duration is in some words: the index of its count (or of its unit when
    /// it has none), of its unit, and the span.
    private static func find(in words: [String]) -> (start: Int, end: Int, span: Span)? {
      guard let unitIndex = words.firstIndex(where: { unit($0) != nil }), let unitStem = unit(words[unitIndex]),
        let days = unitDays[unitStem]
      else { return nil }
      let plural = words[unitIndex] != unitStem
      var start = unitIndex
      var count: (Double, Double)
      let before = unitIndex > 0 ? words[unitIndex - 1] : ""
      if let number = Double(before) {
        count = (number, number)
        start -= 1
      } else if let word = counts[before] {
        count = word
        start -= 1
        // "a couple of months", "a few weeks".
        if ["couple", "few"].contains(before), unitIndex > 1, words[unitIndex - 2] == "a" { start -= 1 }
      } else if before == "of", unitIndex > 1, let word = counts[words[unitIndex - 2]] {
        count = word
        start -= 2
      } else if plural {
        count = (2, unitStem == "year" ? 50 : 11)
      } else {
        count = (1, 1)
      }
      // "over a year", "more than 3 months", "less than a week", "under 6 weeks".
      let lead = words[..<start].suffix(2)
      var span = Span(low: count.0 * days, high: count.1 * days)
      if lead.last == "over" || lead.elementsEqual(["more", "than"]) || lead.elementsEqual(["at", "least"]) {
        span = Span(low: span.low + 1, high: .infinity)
      } else if lead.last == "under" || lead.elementsEqual(["less", "than"]) {
        span = Span(low: 0, high: max(0, span.high - 1))
      }
      return (start, unitIndex, span)
    }

    /// The span a reply gives, if it names a duration.
    static func span(of text: String) -> Span? { find(in: splitWords(text))?.span }

    /// The band each option's label gives, when at least two options give one.
    static func bands(_ options: [Question.Option]) -> [String: Band]? {
      var bands: [String: Band] = [:]
      for option in options {
        let words = splitWords(option.label)
        guard let first = find(in: words) else { continue }
        if words.first == "less" || words.first == "under" {
          bands[option.id] = Band(low: 0, lowIncluded: true, high: first.span.high + 1, highIncluded: false)
        } else if words.first == "more" || words.first == "over" {
          bands[option.id] = Band(low: first.span.low - 1, lowIncluded: false, high: .infinity, highIncluded: true)
        } else if let second = find(in: Array(words[(first.end + 1)...])), first.start == 0 {
          bands[option.id] = Band(low: first.span.low, lowIncluded: true, high: second.span.high, highIncluded: true)
        }
      }
      return bands.count >= 2 ? bands : nil
    }

    /// The option a duration chooses, narrowed by the rest of the reply; or a hint naming
    /// the bands it could be.
    static func option(_ span: Span, typed: String, bands: [String: Band], options: [Question.Option])
      -> Result<String, Hint>
    {
      var fitting = options.filter { bands[$0.id]?.overlaps(span) == true }
      guard !fitting.isEmpty else {
        return .failure(
          Hint(
            message: "'\(typed)' fits none of the options; type the number (1–\(options.count)) or words of the one closest."))
      }
      // The words that are not the duration: "not getting better", "it is getting worse".
      let words = splitWords(typed)
      let rest = words.enumerated().filter { index, word in
        guard let found = find(in: words) else { return true }
        return !(found.start...found.end).contains(index) && !durationWords.contains(word) && Double(word) == nil
      }.map(\.element)
      let stems = Set(rest.filter { !TypedReply.fillerWords.contains($0) }.map(TypedReply.stem))
      if !stems.isEmpty, fitting.count > 1 {
        let described = fitting.filter { option in
          stems.isSubset(of: Set(([option.label] + option.synonyms).flatMap(TypedReply.words).map(TypedReply.stem)))
        }
        if !described.isEmpty { fitting = described }
      }
      if fitting.count > 1, !stems.isEmpty { fitting = TypedReply.withoutNegationUnlessSaid(fitting, typed: rest.joined(separator: " ")) }
      if fitting.count == 1 { return .success(fitting[0].id) }
      let numbers = fitting.compactMap { option in options.firstIndex { $0.id == option.id }.map { "\($0 + 1)" } }
      return .failure(
        Hint(
          message: "'\(typed)' could be \(fitting.map { "'\($0.label)'" }.joined(separator: " or ")); "
            + "type \(numbers.joined(separator: " or ")), or say a little more."))
    }

    /// Lower-case words, digits kept with a decimal point (`1.5 years`).
    private static func splitWords(_ text: String) -> [String] {
      text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == ".") }.map { $0.trimmingCharacters(in: .init(charactersIn: ".")) }
        .filter { !$0.isEmpty }
    }
  }
}
