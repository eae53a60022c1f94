import Foundation
import Testing

@testable import Upstream

/// The HTML report as a handout on a phone and a desktop, in headless Chromium: the
/// persona's page at 390 px and 1280 px (screenshots kept in `.build/test-output/`), and
/// every "see above" link clicked, in every shipped case, opening and scrolling to its card.
@Suite("The HTML handout in a real browser")
struct HandoutBrowserTests {
  static let kb = FuzzHarness.bundled
  static let cases = AdaptivityReport.bundledCases()

  /// Where screenshots are kept for a person to look at after the run.
  static let outputFolder: URL = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/test-output/handout")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  /// A page with a script added at the end that records what a test wants to know on the
  /// `<html>` element, where `--dump-dom` shows it.
  static func probed(_ html: String, _ script: String) -> String {
    html.replacingOccurrences(of: "</body>", with: "<script>\n\(script)\n</script>\n</body>")
  }

  static func attribute(_ name: String, in dom: String) -> String? {
    guard let start = dom.range(of: "\(name)=\"") else { return nil }
    let rest = dom[start.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
  }

  @Test(
    "the persona's handout at phone and desktop width: nothing wider than the screen; screenshots kept",
    .enabled(if: HTMLBrowserTests.available), arguments: [390, 1280])
  func widths(_ width: Int) throws {
    let persona = try #require(Self.cases.first { $0.id == "office-worker-knee-on-stairs-back-stiff-after-sitting" })
    let html = TreeHTMLRenderer(audience: .patient).render(Self.kb.assess(validated: persona.answers).tree)
    let folder = try TemporaryFolder()
    let page = try folder.write(
      "probed.html",
      Self.probed(
        html,
        "document.documentElement.setAttribute('data-overflow', document.documentElement.scrollWidth - window.innerWidth);"))
    let dom = try HTMLBrowserTests.chromium(["--window-size=\(width),900", "--dump-dom", "file://\(page)"], in: folder)
    let overflow = try #require(Self.attribute("data-overflow", in: dom).flatMap(Int.init))
    #expect(overflow <= 0, "the page scrolls sideways by \(overflow) px")
    #expect(dom.contains("Start with: Glute bridges"))
    // The screenshot is laid out at exactly this width: nothing is drawn in the right-hand
    // margin, so nothing was too wide and cut off.
    let handout = try folder.write("handout.html", html)
    let shot = Self.outputFolder.appendingPathComponent("persona-\(width).png").path
    _ = try HTMLBrowserTests.chromium(["--screenshot=\(shot)", "--window-size=\(width),1600", "file://\(handout)"], in: folder)
    let image = try PNGImage(data: Data(contentsOf: URL(fileURLWithPath: shot)))
    #expect(image.width == width)
    var inked = 0
    for y in stride(from: 0, to: image.height, by: 2) {
      for x in (width - 6)..<width {
        let (r, g, b) = image.rgb(x: x, y: y)
        if Int(r) + Int(g) + Int(b) < 600 { inked += 1 }
      }
    }
    #expect(inked == 0, "\(inked) drawn pixels in the right-hand margin at \(width) px: something is too wide")
    print("Screenshot of the persona's handout at \(width) px: \(shot)")
  }

  @Test(
    "every 'see above' link in every shipped case's report opens the section its card is in and scrolls to it",
    .enabled(if: HTMLBrowserTests.available))
  func seeAboveLinks() throws {
    let folder = try TemporaryFolder()
    var pages = 0
    var links = 0
    // The clicks: each link in turn, then whether its card is visible (every <details>
    // around it open) and on the screen.
    let script = """
      var results = [];
      document.querySelectorAll("details").forEach(function (d) { d.open = false; });
      document.querySelectorAll("a.see-above").forEach(function (a) {
        document.querySelectorAll("details").forEach(function (d) { d.open = false; });
        a.click();
        var card = document.getElementById(a.getAttribute("href").slice(1));
        var open = !!card;
        for (var e = card && card.parentElement; e; e = e.parentElement) { if (e.tagName === "DETAILS" && !e.open) open = false; }
        var top = card ? card.getBoundingClientRect().top : -1;
        results.push((open && top > -2 && top < window.innerHeight ? "ok:" : "bad:") + a.getAttribute("href"));
      });
      document.documentElement.setAttribute("data-links", results.join(" "));
      """
    for (audience, id, answers) in Self.cases.flatMap({ c in [Audience.clinician, .patient].map { ($0, c.id, c.answers) } }) {
      let html = TreeHTMLRenderer(audience: audience).render(Self.kb.assess(validated: answers).tree)
      guard html.contains("class=\"see-above\"") else { continue }
      pages += 1
      let page = try folder.write("\(id)-\(audience.rawValue).html", Self.probed(html, script))
      let dom = try HTMLBrowserTests.chromium(["--window-size=390,800", "--dump-dom", "file://\(page)"], in: folder)
      let results = try #require(Self.attribute("data-links", in: dom), "\(id): the page's script did not run")
      for result in results.split(separator: " ") {
        links += 1
        #expect(result.hasPrefix("ok:"), "\(id) (\(audience.rawValue)): \(result) does not show its card")
      }
      if pages >= 12 { break }
    }
    #expect(pages > 0 && links > 0, "no page had a 'see above' link to try")
    print("Clicked \(links) 'see above' links on \(pages) pages")
  }
}
