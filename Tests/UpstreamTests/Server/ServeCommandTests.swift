import Foundation
import Testing

@testable import Upstream
@testable import UpstreamCommandLine
@testable import UpstreamServer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `upstream serve` as a process: the JSON API through curl and Python's http.client, the
/// refusals, slow clients, the connection limit, logs and graceful shutdown.
@Suite("upstream serve", .serialized)
struct ServeCommandTests {
  static let trucker = CommandLineTests.trucker

  // MARK: The JSON API, with curl

  @Test("POST /assess, /why, /why-not, /what-if and GET /questionnaire give what the commands print")
  func apiMatchesCommands() throws {
    let server = try ServerProcess()
    let folder = try TemporaryFolder()
    let answers = try folder.write("a.json", Self.trucker)
    func curl(_ arguments: [String]) throws -> String {
      let result = try runTool("curl", ["-sS", "--fail-with-body"] + arguments)
      #expect(result.status == 0, "curl \(arguments): \(result.errors)")
      return result.output
    }
    let json = ["-H", "Content-Type: application/json", "--data-binary", "@" + answers]
    #expect(
      try curl(json + [server.url + "/assess?audience=patient"])
        == UpstreamInProcess.run(["assess", "--answers", answers, "--format", "json", "--audience", "patient"]).output)
    #expect(try curl(json + [server.url + "/assess"]) == UpstreamInProcess.run(["assess", "--answers", answers, "--format", "json"]).output)
    #expect(
      try curl(json + [server.url + "/why/collapsed_arches"])
        == UpstreamInProcess.run(["why", "collapsed_arches", "--answers", answers, "--format", "json"]).output)
    #expect(
      try curl(json + [server.url + "/why-not/tight_plantar_fascia?audience=patient"])
        == UpstreamInProcess.run(["why-not", "tight_plantar_fascia", "--answers", answers, "--format", "json", "--audience", "patient"]).output)
    let body =
      "{\"answers\": \(Self.trucker), \"set\": {\"arch_shape\": \"normal\", \"pain_areas\": [\"hip\", \"knee\"]}, \"unset\": [\"ankle_stiff\"]}"
    #expect(
      try curl(["-H", "Content-Type: application/json", "--data-binary", body, server.url + "/what-if"])
        == UpstreamInProcess.run([
          "what-if", "--answers", answers, "--set", "arch_shape=normal", "--set", "pain_areas=hip,knee", "--unset", "ankle_stiff", "--format",
          "json",
        ]).output)
    #expect(try curl([server.url + "/questionnaire"]) == UpstreamInProcess.run(["export"]).output)
    // A FHIR QuestionnaireResponse is read as the command reads it.
    let fhir = UpstreamBinary.packageRoot.appendingPathComponent("Tests/Fuzz/seeds/answers/fhir-runner-knee.json").path
    #expect(
      try curl(["-H", "Content-Type: application/fhir+json", "--data-binary", "@" + fhir, server.url + "/assess"])
        == UpstreamInProcess.run(["assess", "--answers", fhir, "--format", "json"]).output)
    #expect(server.stop().status == 0)
  }

  @Test("bad answers get 400 with every problem, its code, line and column, and the did-you-mean")
  func badAnswers() throws {
    let server = try ServerProcess()
    let bad = "{\n  \"arch_shap\": \"flat\",\n  \"sitting_hours\": 99\n}"
    let result = try runTool(
      "curl", ["-sS", "-w", "\n%{http_code}", "-H", "Content-Type: application/json", "--data-binary", bad, server.url + "/assess"])
    let status = result.output.split(separator: "\n").last
    #expect(status == "400")
    let body = String(result.output.dropLast(4))
    let error = try #require((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["error"] as? [String: Any])
    #expect(error["status"] as? Int == 400)
    #expect(error["message"] as? String == "the answers have problems, so nothing was assessed")
    let problems = try #require(error["problems"] as? [[String: Any]])
    #expect(problems.map { $0["code"] as? String } == ["UP0402", "UP0404"])
    #expect(problems.map { $0["line"] as? Int } == [2, 3])
    #expect(problems.map { $0["column"] as? Int } == [3, 20])
    #expect(problems[0]["suggestion"] as? String == "did you mean 'arch_shape'?")
    #expect(problems[1]["message"] as? String == "question 'sitting_hours' takes a number from 0 to 24 hours; found 99")
    // Not JSON at all.
    let notJSON = try httpRequest(server.port, "POST", "/assess", headers: ["Content-Type": "application/json"], body: "{oops")
    #expect(notJSON.status == 400)
    #expect((notJSON.json["error"] as? [String: Any])?["problems"] as? [Any] != nil)
    #expect(server.stop().status == 0)
  }

  @Test("the Date header is the injectable clock's: SOURCE_DATE_EPOCH's second, UPSTREAM_TODAY's midnight, on every response")
  func dateHeaderFromTheClock() throws {
    #expect(HTTPResponse.httpDate(Date(timeIntervalSince1970: 1_956_531_723)) == "Thu, 01 Jan 2032 01:02:03 GMT")
    let second = testDay.daysSince1970 * 86_400 + 3_723
    let epoch = try ServerProcess(environment: ["SOURCE_DATE_EPOCH": String(second)])
    let expected = HTTPResponse.httpDate(Date(timeIntervalSince1970: TimeInterval(second)))
    #expect(expected.hasSuffix(" 01:02:03 GMT"))
    for (method, path) in [("GET", "/"), ("GET", "/questionnaire"), ("GET", "/nothing"), ("POST", "/s")] {
      #expect(try httpRequest(epoch.port, method, path).header("Date") == expected, "\(method) \(path)")
    }
    #expect(epoch.stop().status == 0)
    let day = try #require(CalendarDay("2031-05-06"))
    let today = try ServerProcess(environment: ["UPSTREAM_TODAY": "2031-05-06"])
    #expect(try httpRequest(today.port, "GET", "/").header("Date") == "Tue, 06 May 2031 00:00:00 GMT")
    #expect(Clock.fixed(day).now == Date(timeIntervalSince1970: TimeInterval(day.daysSince1970 * 86_400)))
    #expect(today.stop().status == 0)
    #expect(try Clock(environment: ["SOURCE_DATE_EPOCH": "1956531723"]).now == Date(timeIntervalSince1970: 1_956_531_723))
    #expect(try Clock(environment: ["SOURCE_DATE_EPOCH": "1956531723"]).today == CalendarDay("2032-01-01"))
  }

  @Test("404, 405 with Allow, 413, 415, 411, 400 and 505 come back in the JSON error format")
  func refusals() throws {
    let server = try ServerProcess()
    func error(_ response: RawResponse) -> (Int?, String?) {
      let error = response.json["error"] as? [String: Any]
      return (error?["status"] as? Int, error?["message"] as? String)
    }
    let missing = try httpRequest(server.port, "GET", "/nothing")
    #expect(missing.status == 404)
    #expect(error(missing) == (404, "there is nothing at /nothing"))
    let method = try httpRequest(server.port, "GET", "/assess")
    #expect(method.status == 405)
    #expect(method.header("Allow") == "POST")
    let unknownNode = try httpRequest(server.port, "POST", "/why/collapsed_arche", headers: ["Content-Type": "application/json"], body: "{}")
    #expect(unknownNode.status == 404)
    #expect((unknownNode.json["error"] as? [String: Any])?["suggestion"] as? String == "did you mean 'collapsed_arches'?")
    let form = try httpRequest(server.port, "POST", "/assess", headers: ["Content-Type": "text/plain"], body: "{}")
    #expect(form.status == 415)
    #expect(error(form) == (415, "'text/plain' is not accepted; send application/json"))
    let audience = try httpRequest(server.port, "POST", "/assess?audience=doctor", headers: ["Content-Type": "application/json"], body: "{}")
    #expect(error(audience) == (400, "'doctor' is not an audience; use clinician or patient"))
    // 413 as soon as the length is read: the body is never read, and curl still sees the answer.
    let folder = try TemporaryFolder()
    let large = try folder.write("large.json", "{\"a\": \"" + String(repeating: "x", count: (1 << 20) + 10) + "\"}")
    let tooLarge = try runTool(
      "curl",
      ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "--data-binary", "@" + large, server.url + "/assess"])
    #expect(tooLarge.output == "413")
    let chunked = try RawConnection(port: server.port)
    chunked.send("POST /assess HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    let lengthRequired = try #require(chunked.readResponse())
    #expect(lengthRequired.status == 411)
    #expect(lengthRequired.header("Connection") == "close")
    let garbage = try RawConnection(port: server.port)
    garbage.send("HELLO\r\n\r\n")
    #expect(garbage.readResponse()?.status == 400)
    let version = try RawConnection(port: server.port)
    version.send("GET / HTTP/2.0\r\n\r\n")
    #expect(version.readResponse()?.status == 505)
    let headers = try RawConnection(port: server.port)
    headers.send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 17_000) + "\r\n\r\n")
    #expect(headers.readResponse()?.status == 431)
    // The server is still up.
    #expect(try httpRequest(server.port, "GET", "/questionnaire").status == 200)
    let stopped = server.stop()
    #expect(stopped.status == 0)
    #expect(stopped.errors.contains("GET (no route) 404 "))
    #expect(stopped.errors.contains("POST /why/{node} 404 "))
    #expect(stopped.errors.contains("- (unreadable request) 413 ") || stopped.errors.contains("POST /assess 413"))
  }

  // MARK: Python's http.client

  @Test("Python's http.client: keep-alive, HEAD, every endpoint and error")
  func pythonClient() throws {
    let server = try ServerProcess()
    let script = """
      import http.client, json, sys
      c = http.client.HTTPConnection("127.0.0.1", \(server.port), timeout=20)
      answers = json.dumps(\(Self.trucker.replacingOccurrences(of: "true", with: "True")))
      def call(method, path, body=None, ctype="application/json"):
          c.request(method, path, body=body, headers={"Content-Type": ctype} if body is not None else {})
          r = c.getresponse()
          data = r.read()
          return r.status, r.getheader("Content-Type"), data
      s, t, d = call("POST", "/assess", answers); assert s == 200 and t.startswith("application/json"), (s, t)
      assert json.loads(d)["format"] == "upstream-assessment"
      s, t, d = call("POST", "/why/collapsed_arches", answers); assert s == 200 and json.loads(d)["format"].startswith("upstream-why"), d[:80]
      s, t, d = call("POST", "/why-not/tight_plantar_fascia", answers); assert s == 200, s
      s, t, d = call("POST", "/what-if", json.dumps({"answers": json.loads(answers), "set": {"arch_shape": "normal"}})); assert s == 200, d
      s, t, d = call("POST", "/what-if", json.dumps({"answers": {}, "set": {"arch_shape": "flatt"}}))
      assert s == 400 and json.loads(d)["error"]["problems"][0]["code"] == "UP0405", d
      s, t, d = call("POST", "/what-if", json.dumps({"answers": {}})); assert s == 400, s
      s, t, d = call("GET", "/questionnaire"); assert s == 200 and json.loads(d)["resourceType"] == "Questionnaire"
      s, t, d = call("HEAD", "/questionnaire"); assert s == 200 and d == b"", d
      s, t, d = call("PUT", "/questionnaire", "{}"); assert s == 405, s
      s, t, d = call("POST", "/assess", "{}", "text/plain"); assert s == 415, s
      s, t, d = call("POST", "/assess", "[1]"); assert s == 400 and json.loads(d)["error"]["problems"][0]["code"] == "UP0401", d
      s, t, d = call("GET", "/nope"); assert s == 404, s
      s, t, d = call("GET", "/"); assert s == 200 and t.startswith("text/html"), t
      print("ok: 14 requests on one connection")
      """
    let result = try runTool("python3", ["-c", script])
    #expect(result.status == 0, "\(result.errors)")
    #expect(result.output == "ok: 14 requests on one connection\n")
    #expect(server.stop().status == 0)
  }

  // MARK: Slow clients and limits

  @Test("a slow client sending half a header does not stop another being served, and gets 408 at the timeout")
  func slowClient() throws {
    let server = try ServerProcess(["--timeout", "3"])
    let slow = try RawConnection(port: server.port)
    slow.send("POST /assess HTTP/1.1\r\nHost: a\r\nContent-")
    let started = ContinuousClock.now
    #expect(try httpRequest(server.port, "GET", "/questionnaire").status == 200)
    // Served while the slow client still holds its connection (well before its 3-second timeout).
    #expect(ContinuousClock.now - started < .milliseconds(2500))
    let timedOut = try #require(slow.readResponse())
    #expect(timedOut.status == 408)
    #expect((timedOut.json["error"] as? [String: Any])?["message"] as? String == "the request did not arrive within 3 seconds")
    #expect(ContinuousClock.now - started < .seconds(8))
    // A client that connects and sends nothing is closed at the timeout, without an answer.
    let silent = try RawConnection(port: server.port)
    #expect(silent.isClosedByServer())
    let stopped = server.stop()
    #expect(stopped.status == 0)
    #expect(stopped.errors.contains("- (slow request) 408 "))
  }

  @Test("Expect: 100-continue gets 100 Continue at once, then the answer; a body over the limit gets 413 instead, at once")
  func expectContinue() throws {
    let server = try ServerProcess(["--timeout", "3"])
    let body = Self.trucker
    let connection = try RawConnection(port: server.port)
    let started = ContinuousClock.now
    connection.send(
      "POST /assess HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
    let interim = try #require(connection.readResponse())
    #expect(interim.status == 100, "the server should ask for the body, not wait for it: \(interim.status) \(interim.text)")
    #expect(ContinuousClock.now - started < .seconds(2))
    connection.send(body)
    let answered = try #require(connection.readResponse())
    #expect(answered.status == 200)
    #expect(answered.json["format"] as? String == "upstream-assessment")

    let tooLarge = try RawConnection(port: server.port)
    tooLarge.send("POST /assess HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n")
    #expect(tooLarge.readResponse()?.status == 413)
    #expect(server.stop().status == 0)
  }

  @Test("beyond --max-connections a client is told 503 and the others are still served")
  func connectionLimit() throws {
    let server = try ServerProcess(["--max-connections", "2"])
    let first = try RawConnection(port: server.port)
    let second = try RawConnection(port: server.port)
    first.send("GET /questionnaire HTTP/1.1\r\nHost: a\r\n\r\n")
    second.send("GET /questionnaire HTTP/1.1\r\nHost: a\r\n\r\n")
    #expect(first.readResponse()?.status == 200)
    #expect(second.readResponse()?.status == 200)
    let third = try RawConnection(port: server.port)
    let busy = try #require(third.readResponse())
    #expect(busy.status == 503)
    // Both kept-alive connections still work.
    first.send("GET /questionnaire HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    #expect(first.readResponse()?.status == 200)
    #expect(server.stop().status == 0)
  }

  @Test("pipelined requests on one connection are answered in order")
  func pipelining() throws {
    let server = try ServerProcess()
    let connection = try RawConnection(port: server.port)
    connection.send(
      "GET /questionnaire HTTP/1.1\r\nHost: a\r\n\r\nGET /nothing HTTP/1.1\r\nHost: a\r\n\r\nDELETE /assess HTTP/1.1\r\nHost: a\r\n\r\n")
    #expect(connection.readResponse()?.status == 200)
    #expect(connection.readResponse()?.status == 404)
    #expect(connection.readResponse()?.status == 405)
    #expect(server.stop().status == 0)
  }

  // MARK: Shutdown, address and logs

  @Test("SIGTERM: a request in flight finishes, new connections are refused, exit 0")
  func gracefulShutdown() throws {
    let server = try ServerProcess()
    let body = Self.trucker
    let inFlight = try RawConnection(port: server.port)
    inFlight.send("POST /assess HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
    inFlight.send(String(body.prefix(20)))
    Thread.sleep(forTimeInterval: 0.3)
    server.program.signal(SIGTERM)
    Thread.sleep(forTimeInterval: 0.3)
    #expect(server.program.isRunning)
    #expect((try? RawConnection(port: server.port)) == nil, "the server stopped accepting")
    inFlight.send(String(body.dropFirst(20)))
    let response = try #require(inFlight.readResponse())
    #expect(response.status == 200)
    #expect(response.header("Connection") == "close")
    #expect(response.json["format"] as? String == "upstream-assessment")
    let stopped = server.stop()
    #expect(stopped.status == 0)
    #expect(stopped.errors.contains("POST /assess 200 "))
    #expect(stopped.errors.contains("Upstream stopped; every answer is saved."))
  }

  @Test("--host other than loopback warns to put TLS in front; bad options are usage errors")
  func hostWarning() throws {
    let server = try ServerProcess(host: "0.0.0.0")
    let stopped = server.stop()
    #expect(stopped.status == 0)
    #expect(stopped.errors.contains("warning: listening on 0.0.0.0, not only this machine: answers travel unencrypted; put a TLS proxy in front"))
    let port = UpstreamInProcess.run(["serve", "--port", "70000"])
    #expect(port.status == 2)
    #expect(port.errors.contains("error: --port takes a whole number from 0 to 65535; found '70000'"))
    let folder = try TemporaryFolder()
    let file = try folder.write("file", "x")
    let sessions = UpstreamInProcess.run(["serve", "--port", "0", "--sessions", file])
    #expect(sessions.status == 4)
    #expect(sessions.errors.contains("is a file, not a folder for sessions"))
  }

  @Test("a port in use is a file error naming the port")
  func portInUse() throws {
    let server = try ServerProcess()
    let second = UpstreamInProcess.run(["serve", "--port", String(server.port), "--sessions", server.sessions.path])
    #expect(second.status == 4)
    #expect(second.errors.contains("cannot listen on 127.0.0.1 port \(server.port)"))
    #expect(server.stop().status == 0)
  }

  @Test("a port in use leaves no temporary sessions folder behind, nor a --sessions folder it made")
  func portInUseLeavesNoFolder() throws {
    let server = try ServerProcess()
    defer { _ = server.stop() }
    let scratch = try TemporaryFolder()
    let made = scratch.path + "/new-sessions"
    for extra in [[], ["--sessions", made]] {
      let second = try ChildProgram(
        UpstreamBinary.path, ["serve", "--port", String(server.port)] + extra, environment: ChildEnvironment.clean(temporaryFolder: scratch))
      #expect(second.wait(seconds: 30) == .exited(4), "\(second.errors)")
      #expect(second.errors.contains("cannot listen on 127.0.0.1 port \(server.port)"))
      #expect(!second.errors.contains("note: sessions are kept"), "no folder to name: \(second.errors)")
      let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
      #expect(left.isEmpty, "left behind: \(left)")
    }
  }
}
