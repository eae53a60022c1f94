import Foundation

// MARK: - libFuzzer target: rule and case files

/// Feeds each input to the rule-file front end (lexer, parser, checks, formatter, case
/// loader) through `FuzzHarness.rules`. Built by `Tests/Fuzz/run.sh` with
/// `swiftc -sanitize=fuzzer,address`; not part of `swift build`.
@_cdecl("LLVMFuzzerTestOneInput")
public func rulesFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard let bytes else { return 0 }
  FuzzHarness.rules(Data(bytes: bytes, count: count))
  return 0
}
