// MARK: - Percent-decoding

/// Decodes `%XX` escapes in URLs and form bodies (`application/x-www-form-urlencoded`).
package enum PercentDecoding {
  /// The bytes of `text` with every `%XX` decoded (and `+` as a space when `plusIsSpace`),
  /// as UTF-8 text; nil when an escape is malformed or the result is not UTF-8.
  package static func decode<Bytes: Collection<UInt8>>(_ text: Bytes, plusIsSpace: Bool) -> String? {
    var out: [UInt8] = []
    out.reserveCapacity(text.count)
    var index = text.startIndex
    while index != text.endIndex {
      let byte = text[index]
      if byte == UInt8(ascii: "%") {
        let high = text.index(after: index)
        guard high != text.endIndex else { return nil }
        let low = text.index(after: high)
        guard low != text.endIndex, let h = hexValue(text[high]), let l = hexValue(text[low]) else { return nil }
        out.append(h << 4 | l)
        index = text.index(after: low)
        continue
      }
      out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
      index = text.index(after: index)
    }
    // Decoding replaces invalid UTF-8; the round trip shows whether any was replaced.
    let text = String(decoding: out, as: UTF8.self)
    return Array(text.utf8) == out ? text : nil
  }

  /// Name–value pairs of a query string or a form body: `a=1&b=x%20y`; nil when malformed.
  package static func pairs<Bytes: Collection<UInt8>>(_ text: Bytes) -> [(name: String, value: String)]? {
    var pairs: [(name: String, value: String)] = []
    for part in text.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
      let halves = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
      guard let name = decode(halves[0], plusIsSpace: true) else { return nil }
      let value = halves.count > 1 ? decode(halves[1], plusIsSpace: true) : ""
      guard let value else { return nil }
      pairs.append((name, value))
    }
    return pairs
  }

  /// Percent-encodes everything but unreserved characters (RFC 3986), for links.
  package static func encode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        out.unicodeScalars.append(Unicode.Scalar(byte))
      default:
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        out.unicodeScalars.append("%")
        out.unicodeScalars.append(digits[Int(byte >> 4)])
        out.unicodeScalars.append(digits[Int(byte & 0xF)])
      }
    }
    return out
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
