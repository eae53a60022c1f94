// MARK: - Text bound for a terminal

/// The one sanitiser for text that reaches a terminal.
///
/// Answers, ids, FHIR texts and rule texts come from people and other systems; printed
/// raw, a control character can move the cursor, clear the screen or forge a line of
/// output. Every text renderer and diagnostic passes user text through here: control
/// characters are shown escaped (`\e` for ESC, `^X` for the other C0 controls, `^?` for
/// DEL, `\u{…}` for C1 controls and bidirectional overrides), while new lines and tabs
/// are kept.
public enum TerminalText {
  /// `text` with every control character shown escaped, new lines and tabs kept.
  public static func sanitised(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard needsEscape(scalar) else {
        out.append(scalar)
        continue
      }
      let escaped: String
      switch scalar.value {
      case 0x1B: escaped = "\\e"
      case 0x7F: escaped = "^?"
      case 0..<0x20: escaped = "^" + String(UnicodeScalar(UInt8(scalar.value + 0x40)))
      default: escaped = "\\u{" + String(scalar.value, radix: 16) + "}"
      }
      out.append(contentsOf: escaped.unicodeScalars)
    }
    return String(out)
  }

  /// Whether a scalar must not reach a terminal as it is.
  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x0A, 0x09: false
    case 0..<0x20, 0x7F, 0x80..<0xA0: true
    // Bidirectional overrides and isolates can make text read differently from what it is.
    case 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }
}
