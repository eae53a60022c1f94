import Foundation

// MARK: - libFuzzer target: answers files and FHIR QuestionnaireResponses

/// Feeds each input to the answers reader (JSON and FHIR R4), the engine, the renderers
/// and session resumption through `FuzzHarness.answers`. Built by `Tests/Fuzz/run.sh` with
/// `swiftc -sanitize=fuzzer,address`; not part of `swift build`.
@_cdecl("LLVMFuzzerTestOneInput")
public func answersFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard let bytes else { return 0 }
  FuzzHarness.answers(Data(bytes: bytes, count: count))
  return 0
}
