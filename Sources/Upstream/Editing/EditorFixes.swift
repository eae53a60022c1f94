// MARK: - Formatting and fixes

/// A fix an editor can apply in one step: the fix a diagnostic carries, as edits.
package struct EditorFix: Sendable, Hashable {
  /// What the fix does, for the editor's menu ("Did you mean 'arch_shape'?").
  package let title: String
  /// The diagnostic it fixes.
  package let diagnostic: Diagnostic
  /// The edits, by file.
  package let edits: [String: [TextEdit]]
}

/// Why a file cannot be formatted.
package struct FormattingRefusal: Error, Sendable, Hashable {
  package let message: String
}

extension WorkspaceAnalysis {
  /// The fixes for the diagnostics of `path` whose range or fix overlaps `range` (byte
  /// offsets, both ends included, so a cursor at either end of a word counts): every
  /// diagnostic that carries a fix gives one, whatever check or stage made it.
  package func fixes(in path: String, overlapping range: ClosedRange<Int>) -> [EditorFix] {
    (diagnostics[path] ?? []).compactMap { diagnostic -> EditorFix? in
      guard let fix = diagnostic.fix else { return nil }
      let touches = [diagnostic.range, fix.range].contains { place in
        place.file == path && place.start.offset <= range.upperBound && range.lowerBound <= place.end.offset
      }
      guard touches else { return nil }
      let title = fix.message.prefix(1).uppercased() + fix.message.dropFirst()
      return EditorFix(
        title: title, diagnostic: diagnostic, edits: [fix.range.file: [TextEdit(range: fix.range, newText: fix.replacement)]])
    }
  }

  /// The file in the canonical layout (`upstream fmt`), as one edit of the whole text; no
  /// edit when it is already formatted, a refusal naming the first error when the file
  /// has syntax errors (a file with errors is never formatted).
  package func formatted(_ path: String) -> Result<[TextEdit], FormattingRefusal> {
    guard let source = sources[path] else {
      return .failure(FormattingRefusal(message: "'\(path)' is not a rule or case file of this folder"))
    }
    let output = RuleFormatter.format(source)
    guard let text = output.text else {
      let first = output.errors.first.map { ": \($0.range.start.line):\($0.range.start.column): \($0.message)" } ?? ""
      return .failure(FormattingRefusal(message: "the file has errors, so it is not formatted; fix them first\(first)"))
    }
    guard text != source.text else { return .success([]) }
    return .success([TextEdit(range: source.range(0, source.text.utf8.count), newText: text)])
  }
}
