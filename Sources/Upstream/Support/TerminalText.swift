// MARK: - Text bound for a terminal

/// The one sanitiser for text that reaches a terminal.
///
/// Answers, ids, FHIR texts and rule texts come from people and other systems; printed
/// raw, a control character can move the cursor, clear the screen or forge a line of
/// output. Every text renderer and diagnostic passes user text through here: control
/// characters are shown escaped (`\e` for ESC, `^X` for the other C0 controls, `^?` for
/// DEL, `\u{…}` for C1 controls and bidirectional overrides), while new lines and tabs
/// are kept.
package enum TerminalText {
  /// `text` with each character that must not reach a terminal as its one-column
  /// picture (U+2400… for C0 controls, U+2421 for DEL, U+FFFD for the rest) and tabs as
  /// spaces, so a caret under a source line stays under the right column.
  static func pictured(_ line: String) -> String {
    String(
      String.UnicodeScalarView(
        line.unicodeScalars.map { scalar in
          switch scalar.value {
          case 0x09: " "
          case _ where !needsEscape(scalar): scalar
          case 0..<0x20: Unicode.Scalar(0x2400 + scalar.value) ?? "\u{FFFD}"
          case 0x7F: "\u{2421}"
          default: "\u{FFFD}"
          }
        }))
  }

  /// `text` with every control character shown escaped, new lines and tabs kept.
  package static func sanitised(_ text: String) -> String {
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
  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x0A, 0x09: false
    case 0..<0x20, 0x7F, 0x80..<0xA0: true
    // Bidirectional overrides and isolates can make text read differently from what it is.
    case 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }
}
