// MARK: - Three-valued truth

/// The outcome of a condition: it holds (with a certainty), it fails, or it is unknown.
///
/// Unknown means the answers given do not decide it: a question was not asked, skipped or
/// answered "not sure", or a finding or score could still move either way. Unknown is
/// never treated as false.
public enum Truth: Sendable, Hashable, Codable {
  case holds(Double)
  case fails
  case unknown

  /// Whether the condition holds.
  public var isHolding: Bool { if case .holds = self { true } else { false } }

  /// `not`: holds ⇄ fails (a negation that holds is certain); unknown stays unknown.
  public var negated: Truth {
    switch self {
    case .holds: .fails
    case .fails: .holds(1)
    case .unknown: .unknown
    }
  }

  /// `and` over several outcomes: fails if any fails, else unknown if any is, else the
  /// smallest certainty.
  static func all<S: Sequence>(_ outcomes: S) -> Truth where S.Element == Truth {
    var certainty = 1.0
    var sawUnknown = false
    for outcome in outcomes {
      switch outcome {
      case .fails: return .fails
      case .unknown: sawUnknown = true
      case .holds(let value): certainty = min(certainty, value)
      }
    }
    return sawUnknown ? .unknown : .holds(certainty)
  }

  /// `or`: holds with the largest certainty if any holds, else unknown if any is, else fails.
  static func any<S: Sequence>(_ outcomes: S) -> Truth where S.Element == Truth {
    var certainty: Double?
    var sawUnknown = false
    for outcome in outcomes {
      switch outcome {
      case .holds(let value): certainty = max(certainty ?? value, value)
      case .unknown: sawUnknown = true
      case .fails: break
      }
    }
    if let certainty { return .holds(certainty) }
    return sawUnknown ? .unknown : .fails
  }

  /// `at least N of`: holds with the N-th largest certainty when N hold; unknown when
  /// enough could still hold; fails otherwise.
  static func atLeast<S: Sequence>(_ count: Int, _ outcomes: S) -> Truth where S.Element == Truth {
    var held: [Double] = []
    var unknown = 0
    for outcome in outcomes {
      switch outcome {
      case .holds(let value): held.append(value)
      case .unknown: unknown += 1
      case .fails: break
      }
    }
    if held.count >= count { return .holds(held.sorted(by: >)[count - 1]) }
    return held.count + unknown >= count ? .unknown : .fails
  }
}
