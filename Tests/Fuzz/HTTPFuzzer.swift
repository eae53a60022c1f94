// MARK: - libFuzzer target: HTTP requests

/// Feeds each input to the HTTP request parser (`HTTPRequestParser.parse`), with the
/// default limits and with small ones, and decodes the query and a form body from what it
/// accepts. Built by `Tests/Fuzz/run.sh` with `swiftc -sanitize=fuzzer,address` from the
/// parser's own files (stdlib only); not part of `swift build`.
@_cdecl("LLVMFuzzerTestOneInput")
public func httpFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard let bytes else { return 0 }
  let input = Array(UnsafeBufferPointer(start: bytes, count: count))
  for limits in [HTTPLimits(), HTTPLimits(headerBytes: 64, headerCount: 3, bodyBytes: 16)] {
    var rest = input
    // Every request in the input, as a connection would read them one after another.
    while case .complete(let request, let consumed) = HTTPRequestParser.parse(rest, limits: limits), consumed > 0 {
      precondition(consumed <= rest.count, "consumed more than was read")
      precondition(request.body.count <= limits.bodyBytes, "a body over the limit was accepted")
      _ = request.path
      _ = request.wantsKeepAlive
      _ = request.contentType
      _ = PercentDecoding.pairs(request.body)
      rest.removeFirst(consumed)
    }
  }
  return 0
}
