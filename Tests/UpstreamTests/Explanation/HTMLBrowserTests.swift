import Foundation
import Testing

@testable import Upstream

/// Renders the HTML report in headless Chromium and looks at the result.
///
/// Chromium (`chromium` or `chromium-browser` on PATH) is required when the environment
/// variable CI is set; elsewhere the tests are skipped without it.
@Suite("HTML in a real browser")
struct HTMLBrowserTests {
  static let chromium: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      for name in ["chromium", "chromium-browser"] {
        let candidate = "\(folder)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      }
    }
    return nil
  }()

  static var available: Bool { chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil }

  /// Chromium is required under CI and missing.
  struct ChromiumMissing: Error, CustomStringConvertible {
    var description: String {
      "CI is set but neither 'chromium' nor 'chromium-browser' is on PATH: install Debian's 'chromium' package (apt-get install -y chromium)"
    }
  }

  /// Runs Chromium headless on a file with extra arguments; returns standard output.
  static func chromium(_ arguments: [String], in folder: TemporaryFolder) throws -> String {
    guard let chromium else { throw ChromiumMissing() }
    let browser = try ChildProgram(
      chromium,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
        "--user-data-dir=\(folder.path)/profile",
      ] + arguments, environment: ChildEnvironment.clean(temporaryFolder: folder), in: folder.url)
    browser.wait(seconds: 120)
    return browser.output
  }

  static func report(_ answers: Answers) throws -> String {
    let kb = try TreeFixtures.compile(TreeFixtures.redFlags)
    return TreeHTMLRenderer(audience: .patient).render(kb.assess(validated: answers).tree)
  }

  @Test("a phone-sized screenshot shows the page, with the red-flag panel in red", .enabled(if: HTMLBrowserTests.available))
  func screenshot() throws {
    let folder = try TemporaryFolder()
    let page = try folder.write("report.html", Self.report(Answers(["numb": .yes, "hurts": .yes, "flat": .yes])))
    _ = try Self.chromium(["--screenshot=\(folder.path)/shot.png", "--window-size=390,1200", "file://\(page)"], in: folder)
    let data = try Data(contentsOf: folder.url.appendingPathComponent("shot.png"))
    let image = try PNGImage(data: data)
    #expect(image.width == 390 && image.height == 1200)
    // Not blank: many distinct colours (text, panels), and some dark text pixels.
    var colours = Set<UInt32>()
    var dark = 0
    var red = 0
    for y in stride(from: 0, to: image.height, by: 2) {
      for x in stride(from: 0, to: image.width, by: 2) {
        let (r, g, b) = image.rgb(x: x, y: y)
        colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b))
        if Int(r) + Int(g) + Int(b) < 150 { dark += 1 }
        // The red-flag border and heading: #b3261e.
        if r > 150 && g < 80 && b < 80 { red += 1 }
      }
    }
    #expect(colours.count > 20, "the screenshot looks blank (\(colours.count) colours)")
    #expect(dark > 200, "hardly any text drawn (\(dark) dark pixels)")
    #expect(red > 50, "no red-flag panel in the screenshot (\(red) red pixels)")
    // The page fits a phone: the top-left is the white page, not a horizontal scroll.
    let (r, g, b) = image.rgb(x: 2, y: 2)
    #expect(r > 240 && g > 240 && b > 240)
  }

  @Test("the rendered DOM has the red flag and that all self-care waits, and no plan beside an emergency", .enabled(if: HTMLBrowserTests.available))
  func dom() throws {
    let folder = try TemporaryFolder()
    let page = try folder.write("report.html", Self.report(Answers(["numb": .yes, "hurts": .yes, "flat": .yes])))
    let dom = try Self.chromium(["--dump-dom", "file://\(page)"], in: folder)
    #expect(dom.contains("<section class=\"red-flags\" role=\"alert\">"))
    #expect(dom.contains("Go to an emergency department now."))
    // Under an emergency nothing is to be started: one sentence, not a list of exercises.
    #expect(dom.contains("Do not start any exercises or other self-care until a clinician has seen you."))
    #expect(!dom.contains("Roll your feet"))
    // Under an emergency the patient's page is the red flag alone, with no plan beside it.
    #expect(!dom.contains("<article class=\"plan\">"))
  }
}
