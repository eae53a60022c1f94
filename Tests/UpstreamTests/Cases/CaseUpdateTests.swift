import Foundation
import Testing

@testable import Upstream

/// `upstream test --update` through the real binary, on a copy of the shipped rules whose
/// `sitting-signs-point-to-hip-flexors` rule was raised from 0.5 to 0.6 (the physiotherapist's
/// change in issue 17): the cases that pin the old certainties fail, `--update` rewrites just
/// those numbers, and a second run passes.
@Suite("Updating case expectations")
struct CaseUpdateTests {
  static let desk = "rules/cases/desk-worker-back-after-sitting.case"
  static let sitter = "rules/cases/sits-fifteen-hours-back-and-hip.case"

  /// The physiotherapist's reviewed change in `hip-to-back.rules`: the sitting signs'
  /// certainty for tight hip flexors raised from 0.5 to 0.6.
  static func raisingHipFlexorRule(_ text: String) -> String {
    text.replacingOccurrences(
      of: "  then tight_hip_flexors certainty 0.5\n  and tight_hip_flexors upstream of low_back_pain",
      with: "  then tight_hip_flexors certainty 0.6\n  and tight_hip_flexors upstream of low_back_pain")
  }

  /// A copy of the rules with the reviewed change, and the desk worker's case given
  /// comments, odd spacing, a certainty bound and (optionally) extra expectations.
  static func reviewedChange(in folder: TemporaryFolder, extra: String = "") throws -> (rules: String, desk: String) {
    try AuthoringCommandLineTests.copyOfRules(in: folder) { name, text in
      switch name {
      case "hip-to-back.rules":
        return raisingHipFlexorRule(text)
      case "cases/desk-worker-back-after-sitting.case":
        return text.replacingOccurrences(
          of: "  expect tight_hip_flexors certainty between 0.49 and 0.51\n",
          with: "  # Pinned after review, 2026-11-01.\n  expect tight_hip_flexors certainty between  0.49   and 0.51  # ±0.01\n"
            + "  expect tight_hip_flexors certainty < 0.55\n" + extra)
      default: return text
      }
    }
    let desk = try String(contentsOf: folder.url.appendingPathComponent(desk), encoding: .utf8)
    #expect(desk.contains("# ±0.01"))
    return (folder.url.appendingPathComponent("rules").path, desk)
  }

  static func read(_ folder: TemporaryFolder, _ path: String) throws -> String {
    try String(contentsOf: folder.url.appendingPathComponent(path), encoding: .utf8)
  }

  @Test("--update rewrites exactly the failing numbers, keeps comments and layout, and a second run passes")
  func updateThenPass() throws {
    let folder = try TemporaryFolder()
    let (_, desk) = try Self.reviewedChange(in: folder)
    let sitter = try Self.read(folder, Self.sitter)
    let arguments = ["test", "--rules", "rules", "--quiet", Self.desk, Self.sitter]

    let failing = try UpstreamBinary.run(arguments, in: folder.url)
    #expect(failing.status == 1)
    #expect(failing.output.hasSuffix("0 passed, 2 failed\n"), "\(failing.output)")

    // A preview writes nothing and shows the diff.
    let preview = try UpstreamBinary.run(arguments + ["--update", "--dry-run"], in: folder.url)
    #expect(preview.status == 1, "\(preview.output)\(preview.errors)")
    #expect(preview.output.contains("Would update 5 expectations in 2 case files (--dry-run: nothing written):"))
    #expect(preview.output.contains("-  expect tight_hip_flexors certainty between  0.49   and 0.51  # ±0.01\n"))
    #expect(preview.output.contains("+  expect tight_hip_flexors certainty between  0.59   and 0.61  # ±0.01\n"))
    #expect(try Self.read(folder, Self.desk) == desk)
    #expect(try Self.read(folder, Self.sitter) == sitter)

    let update = try UpstreamBinary.run(arguments + ["--update"], in: folder.url)
    #expect(update.status == 0, "\(update.output)\(update.errors)")
    #expect(update.output.contains("Updated 5 expectations in 2 case files:"))
    #expect(
      update.output.contains(
        "\(Self.desk):60: case desk-worker-back-after-sitting: tight_hip_flexors certainty between  0.49   and 0.51 → between  0.59   and 0.61 (now 0.60)"
      ), "\(update.output)")
    #expect(update.output.contains("\(Self.desk):61: case desk-worker-back-after-sitting: tight_hip_flexors certainty < 0.55 → < 0.61 (now 0.60)"))
    #expect(
      update.output.contains(
        "\(Self.desk):64: case desk-worker-back-after-sitting: prolonged_sitting certainty between 0.34 and 0.36 → between 0.41 and 0.43 (now 0.42)"))
    #expect(!update.output.contains("Left as they are"))

    // Byte for byte: only those numbers changed.
    let expectedDesk =
      desk
      .replacingOccurrences(of: "between  0.49   and 0.51  # ±0.01", with: "between  0.59   and 0.61  # ±0.01")
      .replacingOccurrences(of: "certainty < 0.55\n", with: "certainty < 0.61\n")
      .replacingOccurrences(of: "prolonged_sitting certainty between 0.34 and 0.36", with: "prolonged_sitting certainty between 0.41 and 0.43")
    #expect(try Self.read(folder, Self.desk) == expectedDesk)
    let expectedSitter =
      sitter
      .replacingOccurrences(of: "prolonged_sitting certainty between 0.75 and 0.77", with: "prolonged_sitting certainty between 0.78 and 0.8")
      .replacingOccurrences(of: "tight_hip_flexors certainty between 0.49 and 0.51", with: "tight_hip_flexors certainty between 0.59 and 0.61")
    #expect(try Self.read(folder, Self.sitter) == expectedSitter)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("rules/cases").path).allSatisfy { !$0.hasSuffix(".tmp") })

    let again = try UpstreamBinary.run(arguments, in: folder.url)
    #expect(again.status == 0, "\(again.output)")
    #expect(again.output == "2 passed, 0 failed\n")
    let nothing = try UpstreamBinary.run(arguments + ["--update"], in: folder.url)
    #expect(nothing.status == 0)
    #expect(nothing.output.hasSuffix("No certainty or score expectation to update.\n"))
  }

  @Test("--update leaves what a number cannot fix, says why, and still fails")
  func leavesClaims() throws {
    let folder = try TemporaryFolder()
    let extra =
      "  expect red flag cauda_equina\n  expect collapsed_arches certainty between 0.3 and 0.5\n  expect startback_total is 3\n"
    let (_, desk) = try Self.reviewedChange(in: folder, extra: extra)
    let arguments = ["test", "--rules", "rules", "--quiet", Self.desk]
    let update = try UpstreamBinary.run(arguments + ["--update"], in: folder.url)
    #expect(update.status == 1, "\(update.output)\(update.errors)")
    #expect(update.output.contains("Updated 4 expectations in 1 case file:"), "\(update.output)")
    #expect(update.output.contains("\(Self.desk):64: case desk-worker-back-after-sitting: startback_total is 3 → 1\n"))
    #expect(update.output.contains("Left as they are (a number cannot fix these; review the change and edit the case by hand):"))
    #expect(
      update.output.contains(
        "\(Self.desk):62: case desk-worker-back-after-sitting: expect red flag cauda_equina — cauda_equina was not raised"))
    #expect(
      update.output.contains(
        "\(Self.desk):63: case desk-worker-back-after-sitting: expect collapsed_arches certainty between 0.3 and 0.5 — collapsed_arches is absent now (0.00) and the expectation needs it present; a new number would hide that"
      ))
    let after = try Self.read(folder, Self.desk)
    #expect(
      after.contains("  expect red flag cauda_equina\n  expect collapsed_arches certainty between 0.3 and 0.5\n  expect startback_total is 1\n"))
    #expect(after != desk)

    let again = try UpstreamBinary.run(arguments, in: folder.url)
    #expect(again.status == 1)
    #expect(again.output.contains("expect red flag cauda_equina"))
    #expect(again.output.contains("expect collapsed_arches certainty between 0.3 and 0.5"))
    #expect(!again.output.contains("expect tight_hip_flexors"))
  }

  @Test("a case file that cannot be written is left as it was, the others are written, exit 4")
  func unwritableFile() throws {
    let folder = try TemporaryFolder()
    let (_, desk) = try Self.reviewedChange(in: folder)
    let sitter = try Self.read(folder, Self.sitter)
    let deskPath = folder.url.appendingPathComponent(Self.desk).path
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: deskPath)
    let update = try UpstreamBinary.run(["test", "--rules", "rules", "--quiet", "--update", Self.desk, Self.sitter], in: folder.url)
    #expect(update.status == 4, "\(update.output)\(update.errors)")
    #expect(update.errors.contains("cannot write '\(Self.desk)': the file is read-only"))
    #expect(update.output.contains("Updated 2 expectations in 1 case file:"))
    #expect(update.output.contains("Not written (the file could not be written, so it is as it was):\n  \(Self.desk):60:"))
    #expect(try Self.read(folder, Self.desk) == desk)
    #expect(try Self.read(folder, Self.sitter) != sitter)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("rules/cases").path).allSatisfy { !$0.hasSuffix(".tmp") })
  }

  @Test("a case file with a byte order mark and Windows line ends keeps both")
  func byteOrderMarkAndLineEnds() throws {
    let folder = try TemporaryFolder()
    let (_, desk) = try Self.reviewedChange(in: folder)
    let windows = Data([0xEF, 0xBB, 0xBF]) + Data(desk.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    try windows.write(to: folder.url.appendingPathComponent(Self.desk))
    let update = try UpstreamBinary.run(["test", "--rules", "rules", "--quiet", "--update", Self.desk], in: folder.url)
    #expect(update.status == 0, "\(update.output)\(update.errors)")
    #expect(update.output.contains("Updated 3 expectations in 1 case file:"))
    let after = try Data(contentsOf: folder.url.appendingPathComponent(Self.desk))
    #expect(after.starts(with: [0xEF, 0xBB, 0xBF]))
    let text = String(decoding: after.dropFirst(3), as: UTF8.self)
    #expect(text.components(separatedBy: "\r\n").count == desk.components(separatedBy: "\n").count)
    #expect(text.contains("expect tight_hip_flexors certainty between  0.59   and 0.61  # ±0.01\r\n"))
    #expect(text.contains("expect tight_hip_flexors certainty < 0.61\r\n"))
    let again = try UpstreamBinary.run(["test", "--rules", "rules", "--quiet", Self.desk], in: folder.url)
    #expect(again.output == "1 passed, 0 failed\n")
  }

  @Test("--dry-run needs --update, and --update needs case files on disk")
  func usage() throws {
    let dryRun = UpstreamInProcess.run(["test", "--dry-run"])
    #expect(dryRun.status == 2)
    #expect(dryRun.errors.contains("--dry-run only goes with --update"))
    let builtIn = UpstreamInProcess.run(["test", "--update"])
    #expect(builtIn.status == 2)
    #expect(builtIn.errors.contains("the built-in cases are not files"))
  }

  @Test("new bounds keep the width and precision written, stay within -1…1 and hold for the value")
  func bounds() {
    #expect(CertaintyBounds.fitting(.between(0.44, 0.46), to: 0.8, written: ["0.44", "0.46"]) == ["0.79", "0.81"])
    #expect(CertaintyBounds.fitting(.between(0.63, 0.645), to: 0.7, written: ["0.63", "0.645"]) == ["0.693", "0.708"])
    #expect(CertaintyBounds.fitting(.between(0.3, 0.8), to: 0.95, written: ["0.3", "0.8"]) == ["0.5", "1"])
    #expect(CertaintyBounds.fitting(.between(0.49, 0.5), to: 0.5357, written: ["0.49", "0.5"]) == ["0.53", "0.55"])
    #expect(CertaintyBounds.fitting(.compare(.less, 0.4), to: 0.5, written: ["0.4"]) == ["0.51"])
    #expect(CertaintyBounds.fitting(.compare(.lessOrEqual, 0.4), to: 0.5, written: ["0.4"]) == ["0.5"])
    #expect(CertaintyBounds.fitting(.compare(.greater, 0.4), to: 0.29, written: ["0.4"]) == ["0.28"])
    #expect(CertaintyBounds.fitting(.compare(.greaterOrEqual, 0.4), to: 0.29, written: ["0.4"]) == ["0.29"])
    #expect(CertaintyBounds.fitting(.compare(.greater, 0.4), to: -0.3, written: ["0.4"]) == ["-0.31"])
  }
}
