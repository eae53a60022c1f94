import Foundation

/// Decodes 8-bit RGB and RGBA PNG files (what Chromium's screenshots are), so tests can
/// look at the pixels of a rendered page. Includes a small inflate (RFC 1951), since
/// Foundation on Linux has no zlib API.
struct PNGImage {
  let width: Int
  let height: Int
  /// RGB(A) bytes, row by row.
  let pixels: [UInt8]
  let bytesPerPixel: Int

  struct DecodeError: Error, CustomStringConvertible {
    let description: String
  }

  /// The red, green and blue of one pixel.
  func rgb(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
    let offset = (y * width + x) * bytesPerPixel
    return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
  }

  init(data: Data) throws {
    let bytes = [UInt8](data)
    guard bytes.count > 8, bytes.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
      throw DecodeError(description: "not a PNG file")
    }
    var offset = 8
    var width = 0
    var height = 0
    var colourType = 0
    var compressed: [UInt8] = []
    func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
    while offset + 8 <= bytes.count {
      let length = be32(offset)
      let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
      let body = offset + 8
      guard body + length + 4 <= bytes.count else { throw DecodeError(description: "truncated chunk \(type)") }
      switch type {
      case "IHDR":
        width = be32(body)
        height = be32(body + 4)
        guard bytes[body + 8] == 8, bytes[body + 12] == 0 else { throw DecodeError(description: "only 8-bit, non-interlaced PNGs") }
        colourType = Int(bytes[body + 9])
      case "IDAT": compressed += bytes[body..<body + length]
      default: break
      }
      offset = body + length + 4
      if type == "IEND" { break }
    }
    let bytesPerPixel: Int
    switch colourType {
    case 2: bytesPerPixel = 3
    case 6: bytesPerPixel = 4
    default: throw DecodeError(description: "colour type \(colourType) is not RGB or RGBA")
    }
    guard compressed.count > 2 else { throw DecodeError(description: "no image data") }
    var inflater = Inflater(Array(compressed.dropFirst(2)))
    let raw = try inflater.inflate()
    let stride = width * bytesPerPixel
    guard raw.count >= height * (stride + 1) else { throw DecodeError(description: "image data too short") }
    var pixels = [UInt8](repeating: 0, count: height * stride)
    for row in 0..<height {
      let filter = raw[row * (stride + 1)]
      let source = row * (stride + 1) + 1
      let target = row * stride
      for column in 0..<stride {
        let x = raw[source + column]
        let a = column >= bytesPerPixel ? Int(pixels[target + column - bytesPerPixel]) : 0
        let b = row > 0 ? Int(pixels[target - stride + column]) : 0
        let c = row > 0 && column >= bytesPerPixel ? Int(pixels[target - stride + column - bytesPerPixel]) : 0
        let predicted: Int
        switch filter {
        case 0: predicted = 0
        case 1: predicted = a
        case 2: predicted = b
        case 3: predicted = (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          predicted = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: throw DecodeError(description: "unknown filter \(filter)")
        }
        pixels[target + column] = UInt8(truncatingIfNeeded: Int(x) + predicted)
      }
    }
    self.width = width
    self.height = height
    self.pixels = pixels
    self.bytesPerPixel = bytesPerPixel
  }
}

/// Inflate (RFC 1951): stored, fixed and dynamic Huffman blocks.
private struct Inflater {
  private let input: [UInt8]
  private var position = 0
  private var bitBuffer = 0
  private var bitCount = 0
  private var output: [UInt8] = []

  init(_ input: [UInt8]) { self.input = input }

  private mutating func bits(_ count: Int) throws -> Int {
    while bitCount < count {
      guard position < input.count else { throw PNGImage.DecodeError(description: "compressed data ended early") }
      bitBuffer |= Int(input[position]) << bitCount
      position += 1
      bitCount += 8
    }
    let value = bitBuffer & ((1 << count) - 1)
    bitBuffer >>= count
    bitCount -= count
    return value
  }

  /// A canonical Huffman code: counts per length and symbols in code order.
  private struct Huffman {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int] = []

    init(lengths: [Int]) {
      for length in lengths { counts[length] += 1 }
      counts[0] = 0
      var offsets = [Int](repeating: 0, count: 16)
      for length in 1..<16 { offsets[length] = offsets[length - 1] + counts[length - 1] }
      symbols = [Int](repeating: 0, count: lengths.count)
      for (symbol, length) in lengths.enumerated() where length != 0 {
        symbols[offsets[length]] = symbol
        offsets[length] += 1
      }
    }
  }

  private mutating func decode(_ huffman: Huffman) throws -> Int {
    var code = 0
    var first = 0
    var index = 0
    for length in 1..<16 {
      code |= try bits(1)
      let count = huffman.counts[length]
      if code - count < first { return huffman.symbols[index + (code - first)] }
      index += count
      first = (first + count) << 1
      code <<= 1
    }
    throw PNGImage.DecodeError(description: "bad Huffman code")
  }

  private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
  private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
  private static let distanceBase = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
  ]
  private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

  mutating func inflate() throws -> [UInt8] {
    var last = 0
    repeat {
      last = try bits(1)
      switch try bits(2) {
      case 0:
        bitBuffer = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw PNGImage.DecodeError(description: "truncated stored block") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        position += 4
        guard position + length <= input.count else { throw PNGImage.DecodeError(description: "truncated stored block") }
        output += input[position..<position + length]
        position += length
      case 1:
        let lengths =
          [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24)
          + [Int](repeating: 8, count: 8)
        try block(Huffman(lengths: lengths), Huffman(lengths: [Int](repeating: 5, count: 30)))
      case 2:
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeCount = try bits(4) + 4
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeCount { codeLengths[order[index]] = try bits(3) }
        let codeHuffman = Huffman(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
          let symbol = try decode(codeHuffman)
          switch symbol {
          case 0..<16: lengths.append(symbol)
          case 16:
            guard let previous = lengths.last else { throw PNGImage.DecodeError(description: "repeat with no length") }
            lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
          case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
          default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
          }
        }
        try block(Huffman(lengths: Array(lengths[0..<literalCount])), Huffman(lengths: Array(lengths[literalCount...])))
      default:
        throw PNGImage.DecodeError(description: "invalid block type")
      }
    } while last == 0
    return output
  }

  private mutating func block(_ literals: Huffman, _ distances: Huffman) throws {
    while true {
      let symbol = try decode(literals)
      if symbol < 256 {
        output.append(UInt8(symbol))
      } else if symbol == 256 {
        return
      } else {
        let index = symbol - 257
        guard index < Self.lengthBase.count else { throw PNGImage.DecodeError(description: "bad length symbol") }
        let length = Self.lengthBase[index] + (try bits(Self.lengthExtra[index]))
        let distanceSymbol = try decode(distances)
        guard distanceSymbol < Self.distanceBase.count else { throw PNGImage.DecodeError(description: "bad distance symbol") }
        let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
        guard distance <= output.count else { throw PNGImage.DecodeError(description: "distance too far back") }
        let start = output.count - distance
        for offset in 0..<length { output.append(output[start + offset]) }
      }
    }
  }
}
