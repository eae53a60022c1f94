// MARK: - Certainty factors

/// MYCIN-style certainty factors in -1…1, and how evidence combines.
public enum Certainty {
  /// Combines all evidence for and against a conclusion, independent of order.
  ///
  /// Evidence for (`c > 0`) combines as `1 − Π(1 − cᵢ)`, evidence against likewise on
  /// `|cᵢ|`, and the two as `(for − against) / (1 − min(for, against))`. Certain evidence
  /// for meeting certain evidence against gives 0. Factors are sorted before multiplying,
  /// so the result is bit-for-bit the same whatever order the rules fired in.
  package static func combine(for supporting: [Double], against opposing: [Double]) -> Double {
    let positive = combinePositive(supporting)
    let negative = combinePositive(opposing)
    if positive == 1 && negative == 1 { return 0 }
    let combined = (positive - negative) / (1 - min(positive, negative))
    return max(-1, min(1, combined))
  }

  /// Combines already-combined evidence for (0…1) and against (0…1).
  static func combine(_ positive: Double, _ negative: Double) -> Double {
    if positive == 1 && negative == 1 { return 0 }
    let combined = (positive - negative) / (1 - min(positive, negative))
    return max(-1, min(1, combined))
  }

  /// `1 − Π(1 − cᵢ)` over the factors (each in 0…1), multiplied in sorted order.
  package static func combinePositive(_ factors: [Double]) -> Double {
    switch factors.count {
    case 0: return 0
    case 1: return factors[0]
    default:
      var remaining = 1.0
      for factor in factors.sorted() { remaining *= 1 - factor }
      return 1 - remaining
    }
  }

  /// A certainty in words, as a patient reads it.
  public static func words(_ value: Double) -> String {
    switch value {
    case 0.8...: "very likely"
    case 0.6..<0.8: "likely"
    case 0.4..<0.6: "possible"
    case 0.2..<0.4: "less likely"
    case -0.2..<0.2: "unclear"
    case -0.6 ..< -0.2: "unlikely"
    default: "very unlikely"
    }
  }

  /// A certainty with two decimals, as `0.72`.
  public static func number(_ value: Double) -> String {
    let hundredths = (value * 100).rounded()
    let sign = hundredths < 0 ? "-" : ""
    let magnitude = Int(abs(hundredths))
    let fraction = magnitude % 100
    return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// Words and number together: `likely (0.72)`.
  public static func describe(_ value: Double) -> String { "\(words(value)) (\(number(value)))" }
}
