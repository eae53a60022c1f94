// MARK: - The content hash of rule files

/// The content hash of a knowledge base's rule files, stamped on every assessment.
///
/// SHA-256 over each file's name (the last part of its path), a zero byte, its UTF-8 text
/// and a zero byte, the files in path order. The library hashes the files it loads with it,
/// and the `EmbedRules` build tool the bundled rules, so the bundled hash costs nothing at
/// run time and is the same value.
package enum ContentHash {
  /// The content hash of `files` (path and UTF-8 text each), as 64 lowercase hex digits.
  package static func of(_ files: [(path: String, bytes: [UInt8])]) -> String {
    var bytes: [UInt8] = []
    for file in files.sorted(by: { $0.path < $1.path }) {
      let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
      bytes.append(contentsOf: Array(name.utf8))
      bytes.append(0)
      bytes.append(contentsOf: file.bytes)
      bytes.append(0)
    }
    return SHA256.hex(bytes)
  }
}
