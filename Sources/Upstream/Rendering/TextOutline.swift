// MARK: - Box-drawn outlines that wrap

/// A tree of lines drawn with box-drawing characters (├─ └─ │) and word-wrapped to a width.
///
/// Each node has a headline, detail lines printed under it, and children. Continuation
/// lines keep the tree's guides, so a wrapped line never breaks the picture:
///
/// ```
/// Hip pain — very likely
/// ├─ Collapsed arches — possible · shared
/// │  │  Why: Your arches are flat, so your feet soak up less of
/// │  │  each step.
/// │  └─ Do: Roll out your feet
/// └─ Possible, less likely
/// ```
package struct TextOutline {
  /// How a line is painted on a terminal.
  enum Style {
    case plain, bold, dim, alert, good
  }

  /// One logical line: wrapped as a paragraph, continuation lines indented by `hang`.
  struct Line {
    var text: String
    var style: Style = .plain
    var hang: Int = 0
  }

  struct Node {
    var headline: Line
    var details: [Line] = []
    var children: [Node] = []
  }

  /// The total width to wrap to.
  let width: Int
  /// Whether to paint with ANSI colours.
  let colour: Bool

  /// The narrowest text column wrapping keeps, however deep the tree.
  private static let minimumColumn = 20

  /// Draws nodes as one tree (roots at the left margin).
  func draw(_ roots: [Node]) -> [String] {
    roots.flatMap { draw($0, prefix: "", isLast: true, isRoot: true) }
  }

  /// A paragraph wrapped to the width, with no tree guides.
  func paragraph(_ line: Line) -> [String] {
    wrap(line, first: "", rest: String(repeating: " ", count: line.hang))
  }

  /// Plain text wrapped to `width` columns, continuation lines indented `hang` columns.
  package static func wrapped(_ text: String, width: Int, hang: Int = 0) -> [String] {
    TextOutline(width: width, colour: false).paragraph(Line(text: text, hang: hang))
  }

  private func draw(_ node: Node, prefix: String, isLast: Bool, isRoot: Bool) -> [String] {
    let connector = isRoot ? "" : (isLast ? "└─ " : "├─ ")
    let childPrefix = isRoot ? prefix : prefix + (isLast ? "   " : "│  ")
    let detailPrefix = childPrefix + (node.children.isEmpty ? "   " : "│  ")
    var lines = wrap(node.headline, first: prefix + connector, rest: detailPrefix)
    for detail in node.details {
      lines += wrap(detail, first: detailPrefix, rest: detailPrefix + String(repeating: " ", count: detail.hang))
    }
    for (index, child) in node.children.enumerated() {
      lines += draw(child, prefix: childPrefix, isLast: index == node.children.count - 1, isRoot: false)
    }
    return lines
  }

  /// Word-wraps a line after a first-line prefix and a continuation prefix.
  private func wrap(_ line: Line, first: String, rest: String) -> [String] {
    let line = Line(text: TerminalText.sanitised(line.text), style: line.style, hang: line.hang)
    var output: [String] = []
    var current = ""
    var prefix = first
    func column() -> Int { max(Self.minimumColumn, width - prefix.count) }
    func flush() {
      output.append(trimmed(prefix + paint(current, line.style)))
      current = ""
      prefix = rest
    }
    for paragraph in line.text.split(separator: "\n", omittingEmptySubsequences: false) {
      for word in paragraph.split(separator: " ") {
        var word = Substring(word)
        while !word.isEmpty {
          let room = column() - current.count - (current.isEmpty ? 0 : 1)
          if word.count <= room {
            current += (current.isEmpty ? "" : " ") + word
            word = ""
          } else if current.isEmpty {
            // A word longer than the column: break it.
            let cut = word.index(word.startIndex, offsetBy: max(1, room))
            current = String(word[..<cut])
            word = word[cut...]
            flush()
          } else {
            flush()
          }
        }
      }
      flush()
    }
    return output
  }

  private func trimmed(_ text: String) -> String {
    var text = text
    while text.last == " " { text.removeLast() }
    return text
  }

  private func paint(_ text: String, _ style: Style) -> String {
    guard colour, !text.isEmpty else { return text }
    let code: String
    switch style {
    case .plain: return text
    case .bold: code = "1"
    case .dim: code = "2"
    case .alert: code = "1;31"
    case .good: code = "32"
    }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }
}
