import Foundation
import Upstream
import UpstreamDigest

// MARK: - Pages and their headers

/// The web questionnaire's HTML: the page frame, escaping, and the strict headers every
/// HTML response carries (Docs/Web.md).
package enum WebPage {
  /// The Content-Security-Policy of every page: nothing but the page itself and its inline
  /// style; no scripts, no frames, forms only to this server.
  package static let contentSecurityPolicy =
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

  /// Warning signs that need a doctor now or today, each as its name, urgency and advice
  /// (the paragraphs inside a page's red warning box).
  package static func warningSigns(_ warnings: [QuestionnaireSession.UrgentWarning]) -> String {
    warnings.map { warning in
      "<p><strong>Warning sign: \(escape(warning.redFlag.name)) — \(escape(warning.urgency.description))</strong></p>\n"
        + "<p>\(escape(warning.advice))</p>\n"
    }.joined()
  }

  /// Escapes text for HTML content and attribute values.
  package static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text.unicodeScalars {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(character)
      }
    }
    return out
  }

  /// An HTML response with the strict headers; `scriptHashes` allows those inline scripts
  /// (the handout's print helper) and no other.
  package static func response(status: Int = 200, html: String, scriptHashes: [String] = []) -> HTTPResponse {
    let policy = contentSecurityPolicy + (scriptHashes.isEmpty ? "" : "; script-src " + scriptHashes.map { "'sha256-\($0)'" }.joined(separator: " "))
    return HTTPResponse(
      status: status, contentType: "text/html; charset=utf-8", text: html,
      headers: [
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Cache-Control", "no-store"),
      ])
  }

  /// A redirect after a form post (303: the browser then GETs the page).
  package static func redirect(_ location: String) -> HTTPResponse {
    HTTPResponse(
      status: 303, contentType: "text/plain; charset=utf-8", text: "See \(location)\n",
      headers: [("Location", location), ("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")])
  }

  /// A page: the frame around `body` (already HTML), with the title escaped.
  package static func page(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(escape(title))</title>
    <style>
    \(style)
    </style>
    </head>
    <body>
    <main>
    \(body)
    </main>
    </body>
    </html>

    """
  }

  /// An error page in plain words, with a way back to the start.
  package static func error(status: Int, message: String) -> HTTPResponse {
    let body = """
      <h1>\(escape(HTTPResponse.reason(status)))</h1>
      <p role="alert">\(escape(message.prefix(1).uppercased() + message.dropFirst())).</p>
      <p><a href="/">Go to the start page</a></p>
      """
    return response(status: status, html: page(title: "\(HTTPResponse.reason(status)) — Upstream", body: body))
  }

  /// The base64 SHA-256 of each inline `<script>` in a page, for its CSP.
  package static func inlineScriptHashes(_ html: String) -> [String] {
    var hashes: [String] = []
    var rest = Substring(html)
    while let open = rest.range(of: "<script>"), let close = rest.range(of: "</script>", range: open.upperBound..<rest.endIndex) {
      hashes.append(Data(SHA256.digest(Array(rest[open.upperBound..<close.lowerBound].utf8))).base64EncodedString())
      rest = rest[close.upperBound...]
    }
    return hashes
  }

  /// The pages' style: readable on a 390-pixel phone, large targets, visible focus.
  private static let style = """
    * { box-sizing: border-box; }
    body { margin: 0; color: #1b1b1f; background: #fff; font: 18px/1.5 -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
    main { max-width: 40rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
    h1 { font-size: 1.3rem; margin: .5rem 0 1rem; }
    fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
    legend { padding: 0; margin-bottom: .75rem; font-size: 1.2rem; font-weight: bold; }
    .progress { color: #5f6368; margin: 0; font-size: .95rem; }
    progress { width: 100%; height: .5rem; }
    .help { color: #3c4043; margin-top: 0; }
    .option { display: flex; align-items: flex-start; gap: .6rem; padding: .6rem .75rem; margin: .4rem 0; border: 1px solid #c9ccd1; border-radius: .5rem; }
    .option.none { margin-top: .9rem; border-style: dashed; }
    .option input { margin-top: .35rem; width: 1.2rem; height: 1.2rem; flex: none; }
    input[type=text] { font: inherit; width: 100%; max-width: 14rem; padding: .5rem; border: 1px solid #80868b; border-radius: .4rem; }
    button { font: inherit; padding: .6rem 1.1rem; border-radius: .5rem; border: 1px solid #1a4f8b; background: #1a4f8b; color: #fff; min-height: 2.75rem; }
    button.secondary { background: #fff; color: #1a4f8b; }
    .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
    .actions form { margin: 0; }
    :focus-visible { outline: 3px solid #f29900; outline-offset: 2px; }
    .error { background: #fdecea; border: 2px solid #b3261e; border-radius: .5rem; padding: .5rem .75rem; }
    .warning { background: #fdecea; border: 3px solid #b3261e; border-radius: .5rem; padding: .25rem .75rem; margin: 1rem 0; }
    details { margin: 1rem 0; }
    summary { cursor: pointer; color: #1a4f8b; }
    .resume { font-size: .9rem; color: #5f6368; }
    ol.answers { padding-left: 1.5rem; }
    ol.answers li { margin: 0 0 1rem; }
    ol.answers p { margin: 0; }
    .disclaimer { border-left: 3px solid #c9ccd1; padding-left: .75rem; color: #3c4043; }
    nav.session { max-width: 46rem; margin: 0 auto; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; border-bottom: 1px solid #c9ccd1; }
    nav.session form { margin: 0; }
    """
}
