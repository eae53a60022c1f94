// upstream-bench: measures Upstream and compares it with CLIPS 6.30 on the same workload.
//
// Usage: swift run -c release --static-swift-stdlib upstream-bench
//          [--sizes small,medium,large|none] [--seconds S] [--no-clips] [--no-batch] [--markdown FILE] [--help]
//
// For each synthetic size it reports load + check time of the rule text, assessments per
// second on one core and on all cores, p50/p99 latency, and peak memory; then the same for
// the shipped knowledge base plus `upstream assess` wall time as a whole process. With
// CLIPS installed (Debian's `clips`), it runs the same workload in CLIPS (load once; reset,
// assert, run per case), checks both give the same certainties to 4 decimals, and prints
// the ratio. `--markdown FILE` writes the results as Docs/Performance.md.
import Dispatch
import Foundation
import Upstream
import UpstreamTestSupport

// MARK: - Options

struct Options {
  var sizes: [SyntheticKnowledgeBase.Size] = SyntheticKnowledgeBase.Size.allCases
  var seconds = 2.0
  var clips = true
  var batch = true
  var markdown: String?
  /// `--profile WORKLOAD`: run a fixed number of assessments and nothing else (for callgrind).
  var profile: String?
  var count = 1_000
  /// `--write-rules DIR`: write each synthetic size's rules to DIR/SIZE/synthetic.rules.
  var writeRules: String?
  /// `--write-cases N`: with `--write-rules`, also write N answer sets to DIR/SIZE/cases.jsonl.
  var writeCases = 0
  /// `--jobs N`: worker threads for the `batch-run-…` profile workloads.
  var jobs = 1
  var userLevel = true

  static let help = """
    upstream-bench: measures Upstream, side by side with CLIPS 6.30 when it is installed.

    Usage: swift run -c release --static-swift-stdlib upstream-bench [options]

    Options:
      --sizes LIST     synthetic sizes to run: small,medium,large (default: all), or none
      --seconds S      seconds per throughput measurement (default: 2)
      --no-clips       do not run CLIPS
      --no-batch       do not measure assess --batch
      --no-user-level  do not compare whole processes (upstream assess --batch against the CLIPS CLI)
      --markdown FILE  write the results between the markers in FILE (Docs/Performance.md)
      --profile W      only run --count assessments of workload W (shipped, shipped-resolved,
                       small, medium, large, or any of them with -resolved: answers
                       resolved to slots before the loop),
                       batch-tree, batch-summary: the last two through BatchAssessment on the
                       shipped cases, one job), for instruction counts under
                       valgrind --tool=callgrind --toggle-collect='*profileLoop*';
                       batch-run-tree, batch-run-summary: --count lines through the whole
                       BatchAssessment pipeline on --jobs workers (compare CPU time);
                       contention-tree, contention-summary: --count lines on --jobs threads
                       sharing one knowledge base (UPSTREAM_BENCH_REPLICAS=1: one each);
                       load-small, load-medium, load-large: load + check --count times
                       on --jobs threads (median and fastest milliseconds)
      --count N        assessments for --profile (default 1000)
      --jobs N         workers for the batch-run workloads (default 1)
      --write-rules D  write the synthetic sizes' rules to D/SIZE/synthetic.rules and stop
                       (for `upstream check --rules D/large`, say)
      --write-cases N  with --write-rules: also write N answer sets as JSON Lines to
                       D/SIZE/cases.jsonl (the whole-process batch workload's cases)
      --help           show this help
    """

  init(_ arguments: [String]) {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      func value() -> String {
        defer { index += 1 }
        return index < arguments.count ? arguments[index] : ""
      }
      switch argument {
      case "--sizes": sizes = value().split(separator: ",").compactMap { SyntheticKnowledgeBase.Size(rawValue: String($0)) }
      case "--seconds": seconds = Double(value()) ?? seconds
      case "--no-clips": clips = false
      case "--no-batch": batch = false
      case "--markdown": markdown = value()
      case "--no-user-level": userLevel = false
      case "--profile": profile = value()
      case "--count": count = Int(value()) ?? count
      case "--jobs": jobs = Int(value()) ?? jobs
      case "--write-rules": writeRules = value()
      case "--write-cases": writeCases = Int(value()) ?? writeCases
      case "--help", "-h":
        print(Self.help)
        exit(0)
      default:
        FileHandle.standardError.write(Data("upstream-bench: unknown option \(argument)\n".utf8))
        exit(2)
      }
    }
  }
}

// MARK: - Measuring

func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

#if os(Linux)
  let rusageSelf = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
  let rusageSelf = RUSAGE_SELF
#endif

/// The process's peak resident memory in MiB.
func peakMemoryMiB() -> Double {
  var usage = rusage()
  getrusage(rusageSelf, &usage)
  #if os(Linux)
    return Double(usage.ru_maxrss) / 1024
  #else
    return Double(usage.ru_maxrss) / 1024 / 1024
  #endif
}

func percentile(_ sorted: [UInt64], _ fraction: Double) -> Double {
  guard !sorted.isEmpty else { return 0 }
  return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]) / 1000
}

struct Measurement {
  var name: String
  var rules: Int
  var loadMilliseconds: Double
  /// Load + check with the files parsed, and the checks run, on every core.
  var loadAllCoresMilliseconds: Double?
  var singleCorePerSecond: Double
  var allCoresPerSecond: Double
  var p50Microseconds: Double
  var p99Microseconds: Double
  var peakMiB: Double
  /// CLIPS with the expert encoding, and with the naive one.
  var clipsPerSecond: Double?
  var clipsNaivePerSecond: Double?
  var agreement: String?
  var userLevel: UserLevel?
  var processMilliseconds: Double?
}

/// Assessments per second on one core, repeating the answer sets for about `seconds`.
///
/// The answers are resolved to question slots once, before timing (`ResolvedAnswers`), as
/// a caller that holds pre-built answers does; the assessment itself, with its full record
/// of what fired, is timed.
func singleCore(_ knowledgeBase: KnowledgeBase, _ answers: [ResolvedAnswers], seconds: Double) -> (
  perSecond: Double, latencies: [UInt64]
) {
  var latencies: [UInt64] = []
  var count = 0
  var checksum = 0.0
  let start = now()
  let deadline = start + UInt64(seconds * 1e9)
  repeat {
    for answer in answers {
      let before = now()
      let assessment = knowledgeBase.assess(resolved: answer)
      latencies.append(now() - before)
      checksum += assessment.findings.first?.certainty ?? 0
      count += 1
    }
  } while now() < deadline
  let elapsed = Double(now() - start) / 1e9
  if checksum.isNaN { print("") }
  return (Double(count) / elapsed, latencies.sorted())
}

/// Assessments per second on all cores.
func allCores(_ knowledgeBase: KnowledgeBase, _ answers: [ResolvedAnswers], seconds: Double) -> Double {
  let workers = ProcessInfo.processInfo.activeProcessorCount
  let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers)
  counts.initialize(repeating: 0)
  defer { counts.deallocate() }
  let start = now()
  let deadline = start + UInt64(seconds * 1e9)
  nonisolated(unsafe) let shared = counts
  DispatchQueue.concurrentPerform(iterations: workers) { worker in
    var count = 0
    repeat {
      for answer in answers {
        _ = knowledgeBase.assess(resolved: answer)
        count += 1
      }
    } while now() < deadline
    shared[worker] = count
  }
  let elapsed = Double(now() - start) / 1e9
  return Double(counts.reduce(0, +)) / elapsed
}

/// Load + check time of rule text, the median of three, on `jobs` threads (1: one thread).
func loadTime(_ files: [(name: String, text: String)], jobs: Int = 1) -> (milliseconds: Double, knowledgeBase: KnowledgeBase?) {
  var times: [Double] = []
  var knowledgeBase: KnowledgeBase?
  let sources = files.map { SourceFile(path: $0.name, text: $0.text) }
  for _ in 0..<3 {
    knowledgeBase = nil  // the previous run's, freed first: the peak is one knowledge base's
    let start = now()
    knowledgeBase = KnowledgeBase.compile(sources, checks: allChecks, jobs: jobs).knowledgeBase
    times.append(Double(now() - start) / 1e6)
  }
  return (times.sorted()[1], knowledgeBase)
}

// MARK: - CLIPS

/// The CLIPS 6.30 command-line program, when installed.
let clipsBinary = ["/usr/bin/clips", "/usr/local/bin/clips"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// One way of writing the workload in CLIPS.
struct CLIPSEncoding {
  var name: String
  var program: String
  /// The `(assert …)` of one case's answers.
  var facts: (Answers) -> String
  /// CLIPS code that prints case `index`'s finding certainties, parsed by `findingCertainties`.
  var printResults: (Int) -> String

  /// The encoding a CLIPS expert writes (`SyntheticKnowledgeBase.clipsExpertProgram`).
  static func expert(_ synthetic: SyntheticKnowledgeBase) -> CLIPSEncoding {
    CLIPSEncoding(
      name: "expert", program: synthetic.clipsExpertProgram, facts: { "(assert \(synthetic.clipsExpertFacts($0)))" },
      printResults: { "(printout t \"CASE \($0)\" crlf)\n(facts)\n" })
  }

  /// The first, naive encoding (`SyntheticKnowledgeBase.clipsProgram`): every rule fires on
  /// every case; kept to check the expert one against.
  static func naive(_ synthetic: SyntheticKnowledgeBase) -> CLIPSEncoding {
    CLIPSEncoding(
      name: "naive", program: synthetic.clipsProgram, facts: { "(assert \(synthetic.clipsFacts($0)))" },
      printResults: { "(do-for-all-facts ((?c cf)) TRUE (printout t \"CF \($0) \" ?c:f \" \" ?c:v crlf))\n" })
  }
}

/// Every finding certainty CLIPS printed, by case and finding id (a finding no rule
/// concluded is absent: certainty 0).
func findingCertainties(_ output: String) -> [Int: [String: Double]] {
  var result: [Int: [String: Double]] = [:]
  var current = -1
  for line in output.split(separator: "\n") {
    let parts = line.split(separator: " ")
    if parts.first == "CASE", parts.count == 2, let index = Int(parts[1]) {
      current = index
    } else if parts.first == "CF", parts.count == 4, let index = Int(parts[1]), let value = Double(parts[3]) {
      result[index, default: [:]][String(parts[2])] = value
    } else if let open = line.range(of: "(f"), let cf = line.range(of: " (cf ", range: open.upperBound..<line.endIndex) {
      // `(facts)` prints `f-12    (f7 (cf 0.35))`.
      let id = String(line[line.index(after: open.lowerBound)..<cf.lowerBound])
      let value = line[cf.upperBound...].prefix { $0 != ")" }
      if let value = Double(value) { result[current, default: [:]][id] = value }
    }
  }
  return result
}

/// Runs CLIPS on a driver program: wall seconds and what it printed.
func runCLIPSDriver(_ text: String, in folder: URL, keepOutput: Bool = true) -> (seconds: Double, output: String)? {
  guard let clipsBinary else { return nil }
  let file = folder.appendingPathComponent("driver.clp")
  try? text.write(to: file, atomically: true, encoding: .utf8)
  let printed = folder.appendingPathComponent("printed.txt")
  guard let seconds = wallSeconds([(clipsBinary, ["-f2", file.path])], outputPath: keepOutput ? printed.path : nil) else { return nil }
  let output = keepOutput ? ((try? String(contentsOf: printed, encoding: .utf8)) ?? "") : ""
  return (seconds, output)
}

/// Runs the workload in CLIPS with one encoding: cases per second of reset, assert and
/// run (load excluded), and the certainties it computed.
func runCLIPS(_ encoding: CLIPSEncoding, _ answers: [Answers], seconds: Double) -> (
  perSecond: Double, certainties: [Int: [String: Double]]
)? {
  guard clipsBinary != nil else { return nil }
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-bench-\(getpid())-\(encoding.name)")
  try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { if ProcessInfo.processInfo.environment["UPSTREAM_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: folder) } }
  let program = folder.appendingPathComponent("kb.clp")
  try? encoding.program.write(to: program, atomically: true, encoding: .utf8)
  // CLIPS's (time) is too coarse here, so the loop is timed from outside: the same driver
  // runs once with no repetitions (load and check only) and once with `repeats`; the
  // difference is the time for repeats × cases assessments (reset, assert, run each).
  func driver(repeats: Int) -> String {
    var text = "(load \"\(program.path)\")\n"
    for (index, answer) in answers.enumerated() {
      text += "(deffunction case-\(index) () (reset) \(encoding.facts(answer)) (run))\n"
    }
    text += "(deffunction all-cases () " + answers.indices.map { "(case-\($0))" }.joined(separator: " ") + ")\n"
    if repeats > 0 { text += "(loop-for-count \(repeats) (all-cases))\n" }
    for index in answers.indices { text += "(case-\(index))\n" + encoding.printResults(index) }
    return text + "(exit)\n"
  }
  guard let baseline = runCLIPSDriver(driver(repeats: 0), in: folder) else { return nil }
  // Grow the number of passes until the timed part is long enough to measure.
  var repeats = 1
  var timed = 0.0
  while true {
    guard let run = runCLIPSDriver(driver(repeats: repeats), in: folder, keepOutput: false) else { return nil }
    timed = run.seconds - baseline.seconds
    if timed >= seconds / 2 || repeats >= 1 << 16 { break }
    let factor = timed <= 0.01 ? 8.0 : min(8, max(2, seconds / timed))
    repeats = Int(Double(repeats) * factor)
  }
  return (Double(repeats * answers.count) / max(1e-9, timed), findingCertainties(baseline.output))
}

/// How many finding certainties differ (beyond 4 decimals) between two sets, out of how many.
func disagreements(_ a: [Int: [String: Double]], _ b: [Int: [String: Double]], cases: Int, findings: [String]) -> (
  differ: Int, compared: Int
) {
  var differ = 0
  var compared = 0
  for index in 0..<cases {
    for id in findings {
      compared += 1
      let left = a[index]?[id] ?? 0
      let right = b[index]?[id] ?? 0
      if !(abs(left - right) <= 0.000_05 + 1e-12) {
        differ += 1
        if ProcessInfo.processInfo.environment["UPSTREAM_BENCH_KEEP"] != nil { print("mismatch case \(index) \(id): \(left) vs \(right)") }
      }
    }
  }
  return (differ, compared)
}

// MARK: - Whole processes: upstream assess --batch against the CLIPS CLI

/// Wall seconds of a command with standard output to /dev/null; the best of `runs`.
func wallTime(_ executable: String, _ arguments: [String], runs: Int = 2) -> Double? {
  var best: Double?
  for _ in 0..<runs {
    guard let seconds = runQuietly(executable, arguments) else { return nil }
    best = min(best ?? seconds, seconds)
  }
  return best
}

/// Runs a command once with no input and its output discarded; its wall seconds, or nil
/// when it cannot be started or fails.
func runQuietly(_ executable: String, _ arguments: [String]) -> Double? {
  wallSeconds([(executable, arguments)])
}

/// Wall time and peak memory (maximum resident set) of one run of a child process, its
/// output discarded. The peak is read by `/usr/bin/time` (nil without it), which starts the
/// command from its own small process: Linux counts the spawning process's resident set
/// towards a child's peak when the child is started straight from this (large) one.
func childPeak(_ executable: String, _ arguments: [String]) -> (seconds: Double, peakMiB: Double)? {
  let timer = "/usr/bin/time"
  guard FileManager.default.isExecutableFile(atPath: timer) else { return nil }
  let report = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-bench-peak-\(getpid())").path
  defer { try? FileManager.default.removeItem(atPath: report) }
  guard let seconds = runQuietly(timer, ["-f", "%M", "-o", report, executable] + arguments),
    let text = try? String(contentsOfFile: report, encoding: .utf8),
    let kilobytes = text.split(separator: "\n").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) })
  else { return nil }
  return (seconds, kilobytes / 1024)
}

/// The `upstream` binary next to this benchmark.
let upstreamBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("upstream").path

/// How the `upstream` binary timed as a whole process was linked: whether it names the
/// Swift runtime's shared library (a build without `--static-swift-stdlib`), which adds
/// several milliseconds to every start. The names of the libraries a program needs are
/// near the start of the file, so only its first MiB is read.
func upstreamLinkage() -> String {
  guard let file = FileHandle(forReadingAtPath: upstreamBinary) else { return "not built" }
  defer { try? file.close() }
  let start = (try? file.read(upToCount: 1 << 20)) ?? Data()
  let sharedRuntime = start.range(of: Data("libswiftCore.so".utf8)) != nil
  return sharedRuntime ? "Swift runtime as shared libraries" : "Swift runtime linked in, --static-swift-stdlib"
}

/// Cases per second, whole process, start to exit, output written (to /dev/null).
struct UserLevel {
  var cases: Int
  /// (label, cases per second) for each Upstream run.
  var upstream: [(label: String, perSecond: Double)]
  var clips: Double?
  /// `upstream check --rules DIR` on the knowledge base alone: seconds and peak MiB.
  var check: (seconds: Double, peakMiB: Double)?
  /// The same Upstream runs on a batch the size of issue 20's table (how many cases, and
  /// (label, cases per second)): a fair test of `--jobs`, where start-up is a small share.
  var scaling: (cases: Int, rates: [(label: String, perSecond: Double)])?
}

/// How many cases the `--jobs` scaling runs give each size: issue 20's table.
func scalingCaseCount(_ size: SyntheticKnowledgeBase.Size) -> Int { size == .large ? 1_000 : 10_000 }

/// Wall seconds of two commands started together, until both have exited (output
/// discarded), or nil when one cannot be started.
func concurrentWallTime(_ executable: String, _ first: [String], _ second: [String]) -> Double? {
  wallSeconds([(executable, first), (executable, second)])
}

/// The label of the machine's own ceiling for two cores in `batchRates`.
let halvesLabel = "two 1-job processes on halves"

/// Cases per second of `upstream assess --batch` in each output format on 1 and 2 jobs,
/// and of the machine's ceiling for two cores: two `--jobs 1` processes started together,
/// each on half of the cases (what two shared-nothing workers, such as two Spark
/// executors, would get). The three are run in turn, in rounds, the order rotating from
/// round to round (1, 2, halves; 2, halves, 1; …), and each rate is from the median of its
/// runs: the machine's speed drifts within minutes, and rotating lets the drift land on
/// every side. Three rounds, or seven when the first took under three seconds: a short
/// run is where the machine's noise weighs most, and the extra rounds cost little.
func batchRates(rules: String, batch: String, cases: Int) -> [(label: String, perSecond: Double)] {
  var rates: [(label: String, perSecond: Double)] = []
  let lines = ((try? String(contentsOfFile: batch, encoding: .utf8)) ?? "").split(separator: "\n")
  let halves = [batch + ".first-half", batch + ".second-half"]
  let middle = lines.count / 2
  try? lines[..<middle].map { $0 + "\n" }.joined().write(toFile: halves[0], atomically: true, encoding: .utf8)
  try? lines[middle...].map { $0 + "\n" }.joined().write(toFile: halves[1], atomically: true, encoding: .utf8)
  defer { for half in halves { try? FileManager.default.removeItem(atPath: half) } }
  let orders = [[1, 2, 0], [2, 0, 1], [0, 1, 2]]
  for format in ["summary", "tree"] {
    func arguments(_ file: String, jobs: Int) -> [String] {
      ["assess", "--rules", rules, "--batch", file, "--jobs", "\(jobs)", "--output-format", format]
    }
    // 1 and 2: --jobs; 0: the two halves at once.
    var seconds: [Int: [Double]] = [0: [], 1: [], 2: []]
    var rounds = 3
    var round = 0
    while round < rounds {
      defer {
        if round == 0, seconds.values.joined().reduce(0, +) < 3 { rounds = 7 }
        round += 1
      }
      for run in orders[round % orders.count] {
        let time =
          run == 0
          ? concurrentWallTime(upstreamBinary, arguments(halves[0], jobs: 1), arguments(halves[1], jobs: 1))
          : wallTime(upstreamBinary, arguments(batch, jobs: run), runs: 1)
        if let time { seconds[run, default: []].append(time) }
      }
    }
    for run in [1, 2, 0] {
      let times = (seconds[run] ?? []).sorted()
      guard !times.isEmpty else { continue }
      rates.append((run == 0 ? "\(format), \(halvesLabel)" : "\(format), --jobs \(run)", Double(cases) / times[times.count / 2]))
    }
  }
  return rates
}

/// `upstream assess --rules DIR --batch FILE` in each output format on 1 and 2 jobs, and the
/// CLIPS CLI loading the expert encoding and running (reset, assert, run, print the
/// findings' certainties) the same cases, each as one whole process.
func userLevel(_ synthetic: SyntheticKnowledgeBase, _ answers: [Answers], scalingAnswers: [Answers] = []) -> UserLevel? {
  guard FileManager.default.isExecutableFile(atPath: upstreamBinary) else { return nil }
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-bench-user-\(getpid())")
  try? FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  try? synthetic.ruleText.write(to: folder.appendingPathComponent("rules/synthetic.rules"), atomically: true, encoding: .utf8)
  let batch = folder.appendingPathComponent("cases.jsonl").path
  try? answers.map { JSONWriter.compact($0.json) + "\n" }.joined().write(toFile: batch, atomically: true, encoding: .utf8)
  var result = UserLevel(cases: answers.count, upstream: [])
  // Load and check alone, as a process of its own: its peak memory is the knowledge base's,
  // not this benchmark's (which has held every size before it). The faster of two runs.
  let checkArguments = ["check", "--rules", folder.appendingPathComponent("rules").path, "--format", "json"]
  if let first = childPeak(upstreamBinary, checkArguments), let second = childPeak(upstreamBinary, checkArguments) {
    result.check = (min(first.seconds, second.seconds), max(first.peakMiB, second.peakMiB))
  }
  for format in ["summary", "tree"] {
    for jobs in [1, 2] {
      let arguments = [
        "assess", "--rules", folder.appendingPathComponent("rules").path, "--batch", batch, "--jobs", "\(jobs)", "--output-format", format,
      ]
      if let seconds = wallTime(upstreamBinary, arguments) {
        result.upstream.append(("\(format), --jobs \(jobs)", Double(answers.count) / seconds))
      }
    }
  }
  if !scalingAnswers.isEmpty {
    let large = folder.appendingPathComponent("scaling.jsonl").path
    try? scalingAnswers.map { JSONWriter.compact($0.json) + "\n" }.joined().write(toFile: large, atomically: true, encoding: .utf8)
    let rates = batchRates(rules: folder.appendingPathComponent("rules").path, batch: large, cases: scalingAnswers.count)
    result.scaling = (scalingAnswers.count, rates)
  }
  if clipsBinary != nil {
    let encoding = CLIPSEncoding.expert(synthetic)
    let program = folder.appendingPathComponent("kb.clp")
    try? encoding.program.write(to: program, atomically: true, encoding: .utf8)
    var text = "(load \"\(program.path)\")\n"
    for (index, answer) in answers.enumerated() { text += "(reset)\n\(encoding.facts(answer))\n(run)\n" + encoding.printResults(index) }
    text += "(exit)\n"
    let driver = folder.appendingPathComponent("driver.clp")
    try? text.write(to: driver, atomically: true, encoding: .utf8)
    if let clipsBinary, let seconds = wallTime(clipsBinary, ["-f2", driver.path]) { result.clips = Double(answers.count) / seconds }
  }
  return result
}

// MARK: - Profiling (instruction counts)

/// Runs `count` assessments of one workload and nothing else, so that
/// `valgrind --tool=callgrind --toggle-collect='*profileLoop*'` counts only them.
@inline(never)
func profileLoop(_ count: Int, _ step: (Int) -> Double) -> Double {
  var checksum = 0.0
  for index in 0..<count { checksum += step(index) }
  return checksum
}

func runProfile(_ workload: String, count: Int, jobs: Int) -> Never {
  let shipped = { () -> (KnowledgeBase, [Answers]) in
    guard let kb = KnowledgeBase.bundled().knowledgeBase else { exit(1) }
    return (kb, CaseLoader.bundled(for: kb).cases.map(\.answers))
  }
  let checksum: Double
  switch workload {
  case "shipped":
    let (kb, answers) = shipped()
    checksum = profileLoop(count) { kb.assess(validated: answers[$0 % answers.count]).findings.first?.certainty ?? 0 }
  case "shipped-resolved":
    let (kb, answers) = shipped()
    let resolved = answers.map { ResolvedAnswers($0, for: kb) }
    checksum = profileLoop(count) { kb.assess(resolved: resolved[$0 % resolved.count]).findings.first?.certainty ?? 0 }
  case "batch-tree", "batch-summary":
    let (kb, answers) = shipped()
    let lines = answers.map { JSONWriter.compact($0.json) }
    let batch = BatchAssessment(kb, format: workload == "batch-tree" ? .tree : .summary, jobs: 1)
    checksum = profileLoop(count) { Double(batch.assess(line: lines[$0 % lines.count], number: $0 + 1).json.utf8.count) }
  case "contention-tree", "contention-summary":
    // Experiment: `jobs` threads assessing lines, sharing one knowledge base, or each with
    // its own (UPSTREAM_BENCH_REPLICAS=1).
    let (kb, answers) = shipped()
    let replicas = ProcessInfo.processInfo.environment["UPSTREAM_BENCH_REPLICAS"] == "1"
    let files = KnowledgeBase.bundled().files.map { (name: $0.path, text: String(decoding: Array($0.text.utf8), as: UTF8.self)) }
    let group = DispatchGroup()
    let start = now()
    for worker in 0..<jobs {
      let own = replicas ? (KnowledgeBase.compile(files: files).knowledgeBase ?? kb) : kb
      let lines = answers.map { JSONWriter.compact($0.json) }
      let batch = BatchAssessment(own, format: workload == "contention-tree" ? .tree : .summary, jobs: 1)
      let thread = Thread {
        var total = 0
        for index in stride(from: worker, to: count, by: jobs) {
          total += batch.assess(line: lines[index % lines.count], number: index).json.utf8.count
        }
        if total == 0 { print("") }
        group.leave()
      }
      group.enter()
      thread.start()
    }
    group.wait()
    checksum = Double(now() - start) / 1e6
  case "batch-run-tree", "batch-run-summary":
    let (kb, answers) = shipped()
    let lines = answers.map { JSONWriter.compact($0.json) }
    let batch = BatchAssessment(kb, format: workload == "batch-run-tree" ? .tree : .summary, jobs: jobs)
    checksum = profileLoop(1) { _ in
      var next = 0
      var written = 0
      _ = batch.run(
        nextLine: { () -> InputLine? in
          defer { next += 1 }
          return next < count ? .text(lines[next % lines.count]) : nil
        },
        writeBlock: { written += $0.utf8.count })
      return Double(written)
    }
  case "load-small", "load-medium", "load-large":
    // Load + check of one synthetic size, --count times on --jobs threads; the checksum is
    // the median in milliseconds.
    guard let size = SyntheticKnowledgeBase.Size(rawValue: String(workload.dropFirst("load-".count))) else { exit(2) }
    let files = [SourceFile(path: "synthetic.rules", text: SyntheticKnowledgeBase(size).ruleText)]
    var times: [Double] = []
    checksum = profileLoop(count) { _ in
      let start = now()
      let loaded = KnowledgeBase.compile(files, checks: allChecks, jobs: jobs)
      times.append(Double(now() - start) / 1e6)
      return loaded.knowledgeBase == nil ? 1 : 0
    }
    times.sort()
    print("\(workload) on \(jobs) jobs: median \(fixed(times[times.count / 2])) ms, fastest \(fixed(times[0])) ms")
  default:
    let resolving = workload.hasSuffix("-resolved")
    guard let size = SyntheticKnowledgeBase.Size(rawValue: resolving ? String(workload.dropLast("-resolved".count)) : workload),
      let kb = KnowledgeBase.compile(files: [("synthetic.rules", SyntheticKnowledgeBase(size).ruleText)]).knowledgeBase
    else {
      print("upstream-bench: unknown workload \(workload)")
      exit(2)
    }
    let answers = SyntheticKnowledgeBase(size).answerSets(count: 50)
    if resolving {
      let resolved = answers.map { ResolvedAnswers($0, for: kb) }
      checksum = profileLoop(count) { kb.assess(resolved: resolved[$0 % resolved.count]).findings.first?.certainty ?? 0 }
    } else {
      checksum = profileLoop(count) { kb.assess(validated: answers[$0 % answers.count]).findings.first?.certainty ?? 0 }
    }
  }
  print("\(workload): \(count) assessments (checksum \(fixed(checksum, 3)))")
  exit(0)
}

// MARK: - The shipped knowledge base as a whole process

/// Median wall time of `upstream assess` on one answers file, as a whole process.
///
/// The runs are started by a shell loop (20 per sample), not one by one from here, so
/// that what is timed is the command and not this benchmark's own spawning.
func processWallTime(answersFile: String) -> Double? {
  let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("upstream").path
  guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
  let runs = 20
  let loop = "i=0; while [ $i -lt \(runs) ]; do \"$0\" assess --answers \"$1\" --format json >/dev/null; i=$((i+1)); done"
  var samples: [Double] = []
  for _ in 0..<5 {
    guard let seconds = wallSeconds([("/bin/sh", ["-c", loop, binary, answersFile])]) else { return nil }
    samples.append(seconds * 1e3 / Double(runs))
  }
  return samples.sorted()[samples.count / 2]
}

// MARK: - Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
if let folder = options.writeRules {
  for size in options.sizes {
    let directory = URL(fileURLWithPath: folder).appendingPathComponent(size.rawValue)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let synthetic = SyntheticKnowledgeBase(size)
    try synthetic.ruleText.write(to: directory.appendingPathComponent("synthetic.rules"), atomically: true, encoding: .utf8)
    if options.writeCases > 0 {
      let lines = synthetic.answerSets(count: options.writeCases, seed: 11).map { JSONWriter.compact($0.json) + "\n" }.joined()
      try lines.write(to: directory.appendingPathComponent("cases.jsonl"), atomically: true, encoding: .utf8)
    }
  }
  exit(0)
}
if let workload = options.profile { runProfile(workload, count: options.count, jobs: options.jobs) }
// The shipped knowledge base with its own clinician cases as the workload, measured first
// while the process is small (after the large synthetic size its heap holds a hundred
// megabytes, which slowed the shipped loop by a third and set its peak), listed last.
var shippedMeasurement: Measurement?
var batchLine = ""
let bundledFiles = KnowledgeBase.bundled().files.map { (name: $0.path, text: $0.text) }
let (bundledLoad, bundled) = loadTime(bundledFiles)
if let bundled {
  let answers = CaseLoader.bundled(for: bundled).cases.map(\.answers)
  let resolved = answers.map { ResolvedAnswers($0, for: bundled) }
  let single = singleCore(bundled, resolved, seconds: options.seconds)
  let parallel = allCores(bundled, resolved, seconds: options.seconds)
  let file = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-bench-answers.json").path
  try? JSONWriter.pretty(answers.first?.json ?? .object([])).write(toFile: file, atomically: true, encoding: .utf8)
  var measurement = Measurement(
    name: "shipped knowledge base (\(bundled.questions.count) questions, \(bundled.rules.count) rules)", rules: bundled.rules.count,
    loadMilliseconds: bundledLoad, singleCorePerSecond: single.perSecond, allCoresPerSecond: parallel,
    p50Microseconds: percentile(single.latencies, 0.5), p99Microseconds: percentile(single.latencies, 0.99),
    peakMiB: peakMemoryMiB())
  measurement.processMilliseconds = processWallTime(answersFile: file)
  // Batch (JSON in, JSON out) on one job and on every core, over the cases repeated.
  let lines = Array(repeating: answers.map { JSONWriter.compact($0.json) }, count: 40).flatMap { $0 }
  func batchRate(jobs: Int) -> Double {
    var remaining = lines[...]
    var written = 0
    let start = now()
    // Blocks of records as `assess --batch` writes them, kept (as the command hands them to
    // its output) but not scanned: counting a block's line breaks byte by byte on the
    // writing thread made the writer the bottleneck of this measurement (0.84–0.90× on two
    // jobs), though the command never does it. The records are counted from the summary.
    let summary = BatchAssessment(bundled, jobs: jobs).run(
      nextLine: { remaining.popFirst().map(InputLine.text) },
      writeBlock: { block in written &+= block.utf8.count })
    precondition(written > 0)
    return Double(summary.assessed + summary.failed) / (Double(now() - start) / 1e9)
  }
  if options.batch {
    let batchOne = batchRate(jobs: 1)
    let batchAll = batchRate(jobs: ProcessInfo.processInfo.activeProcessorCount)
    batchLine =
      "Batch (`assess --batch`, JSON in and JSON out, \(lines.count) lines): \(fixed(batchOne, 0))/s on 1 job, \(fixed(batchAll, 0))/s on \(ProcessInfo.processInfo.activeProcessorCount) jobs (\(fixed(batchAll / batchOne, 2))×)."
    print(batchLine)
  }
  shippedMeasurement = measurement
  print(measurement)
}

var results: [Measurement] = []
for size in options.sizes {
  let synthetic = SyntheticKnowledgeBase(size)
  let text = synthetic.ruleText
  let (load, built) = loadTime([("synthetic.rules", text)])
  let cores = ProcessInfo.processInfo.activeProcessorCount
  let loadAllCores = cores > 1 ? loadTime([("synthetic.rules", text)], jobs: cores).milliseconds : nil
  guard let knowledgeBase = built else {
    let diagnostics = KnowledgeBase.compile(files: [("synthetic.rules", text)]).diagnostics.filter { $0.severity == .error }
    print("\(size.rawValue): the generated knowledge base has errors: \(diagnostics.prefix(3).map(\.message))")
    exit(1)
  }
  let caseCount = size == .large ? 50 : 200
  let answers = synthetic.answerSets(count: caseCount)
  let resolved = answers.map { ResolvedAnswers($0, for: knowledgeBase) }
  let single = singleCore(knowledgeBase, resolved, seconds: options.seconds)
  let parallel = allCores(knowledgeBase, resolved, seconds: options.seconds)
  var measurement = Measurement(
    name: "\(size.rawValue) (Q=\(synthetic.questionCount), R=\(synthetic.ruleCount), D=\(synthetic.depth))",
    rules: knowledgeBase.rules.count, loadMilliseconds: load, loadAllCoresMilliseconds: loadAllCores,
    singleCorePerSecond: single.perSecond,
    allCoresPerSecond: parallel, p50Microseconds: percentile(single.latencies, 0.5),
    p99Microseconds: percentile(single.latencies, 0.99), peakMiB: peakMemoryMiB())
  if options.clips, clipsBinary != nil {
    // Both encodings on the same cases; each must give Upstream's certainties, and so each other's.
    let cases = Array(answers.prefix(size == .large ? 20 : 100))
    let ids = knowledgeBase.findings.map(\.id)
    var ours: [Int: [String: Double]] = [:]
    for (index, answer) in cases.enumerated() {
      let assessment = knowledgeBase.assess(validated: answer)
      for id in ids { ours[index, default: [:]][id] = assessment.finding(id)?.certainty ?? .nan }
    }
    let expert = runCLIPS(.expert(synthetic), cases, seconds: options.seconds)
    let naive = runCLIPS(.naive(synthetic), cases, seconds: options.seconds)
    measurement.clipsPerSecond = expert?.perSecond
    measurement.clipsNaivePerSecond = naive?.perSecond
    if let expert, let naive {
      let withExpert = disagreements(ours, expert.certainties, cases: cases.count, findings: ids)
      let withNaive = disagreements(ours, naive.certainties, cases: cases.count, findings: ids)
      let between = disagreements(expert.certainties, naive.certainties, cases: cases.count, findings: ids)
      measurement.agreement =
        withExpert.differ + withNaive.differ + between.differ == 0
        ? "all \(withExpert.compared) certainties agree to 4 decimals (Upstream, expert and naive CLIPS)"
        : "differ: \(withExpert.differ) expert, \(withNaive.differ) naive, \(between.differ) between the encodings, of \(withExpert.compared)"
    }
  }
  if options.userLevel {
    let count = size == .large ? 40 : size == .medium ? 400 : 4_000
    measurement.userLevel = userLevel(
      synthetic, synthetic.answerSets(count: count, seed: 11), scalingAnswers: synthetic.answerSets(count: scalingCaseCount(size), seed: 11))
  }
  results.append(measurement)
  print(measurement)
}

if let shippedMeasurement { results.append(shippedMeasurement) }

// The language server's re-check after a keystroke: the shipped rules and cases as an editor
// holds them, one character typed into a rule file (a did-you-mean while the id is
// half-typed, then the fixed id), then the whole folder analysed again (compile with every
// check, check the cases, index every id), as `upstream lsp` does on each change. Only the
// changed file is parsed and indexed again; the others' parses are kept.
var lspLine = ""
do {
  var texts: [String: String] = [:]
  for file in KnowledgeBase.bundled().files { texts[file.path] = file.text }
  let caseFiles = KnowledgeBase.bundled().knowledgeBase.map { CaseLoader.bundled(for: $0).files } ?? []
  for file in caseFiles { texts[file.path] = file.text }
  var workspace = RulesWorkspace(folder: "rules", texts: texts)
  let path = "rules/foot-to-hip.rules"
  let original = texts[path] ?? ""
  let typo = original.replacingOccurrences(of: "when arch_shape is flat", with: "when arch_shap is flat")
  var samples: [UInt64] = []
  let end = now() + UInt64(options.seconds * 1e9)
  var round = 0
  while now() < end || samples.count < 20 {
    let start = now()
    workspace.setText(round % 2 == 0 ? typo : original, of: path)
    let analysis = workspace.analyse()
    samples.append(now() - start)
    precondition(analysis.diagnostics[path] != nil)
    round += 1
  }
  samples.sort()
  let median = percentile(samples, 0.5) / 1000
  let p99 = percentile(samples, 0.99) / 1000
  lspLine =
    "Language server re-check after a keystroke (`upstream lsp`: the shipped \(texts.count - caseFiles.count) rule files and \(caseFiles.count) case files compiled with every check, cases checked, ids indexed): median \(fixed(median)) ms, p99 \(fixed(p99)) ms over \(samples.count) edits."
  print(lspLine)
}

// The questionnaire over the clinician cases, questions asked as a share of all: as
// `upstream ask` runs it for the patient (until the advice shown is settled), then until
// the whole assessment is (`--until-assessment-settled`, a clinician's default).
let adviceSettledLine =
  AdaptivityReport.bundled(mode: .untilAdviceSettled, measuringNecessary: true).map {
    "Questionnaire as `upstream ask` runs it for the patient (until the advice is settled), over the clinician cases: \($0.summary)."
  } ?? ""
let adaptivityLine =
  AdaptivityReport.bundled(measuringNecessary: true).map {
    "Questionnaire until the whole assessment is settled (`ask --until-assessment-settled`), over the clinician cases: \($0.summary)."
  } ?? ""
print(adviceSettledLine)
print(adaptivityLine)

// MARK: - Report

var table =
  "| workload | load + check (on every core) | 1 core | \(ProcessInfo.processInfo.activeProcessorCount) cores | speed-up | p50 | p99 | peak memory | CLIPS, expert encoding | CLIPS, naive encoding | Upstream ÷ CLIPS (expert) | agreement |\n"
table += "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
for result in results {
  let clips = result.clipsPerSecond.map { fixed($0, 0) + "/s" } ?? "–"
  let naive = result.clipsNaivePerSecond.map { fixed($0, 0) + "/s" } ?? "–"
  let ratio = result.clipsPerSecond.map { fixed(result.singleCorePerSecond / $0) + "×" } ?? "–"
  let load = "\(fixed(result.loadMilliseconds)) ms" + (result.loadAllCoresMilliseconds.map { " (\(fixed($0)) ms)" } ?? "")
  table +=
    "| \(result.name) | \(load) | \(fixed(result.singleCorePerSecond, 0))/s | \(fixed(result.allCoresPerSecond, 0))/s | "
  table +=
    "\(fixed(result.allCoresPerSecond / result.singleCorePerSecond, 2))× | \(fixed(result.p50Microseconds)) µs | \(fixed(result.p99Microseconds)) µs | "
  table += "\(fixed(result.peakMiB)) MiB | \(clips) | \(naive) | \(ratio) | \(result.agreement ?? "–") |\n"
}
// Whole processes: cases per second from start to exit, output written.
var userTable = ""
let userRows = results.compactMap { result in result.userLevel.map { (result.name, $0) } }
if let first = userRows.first?.1 {
  userTable = "| workload (cases) | " + first.upstream.map { "`assess --batch`, \($0.label)" }.joined(separator: " | ")
  userTable += " | CLIPS CLI (expert) | summary ÷ CLIPS | tree ÷ CLIPS | --jobs 2 ÷ 1 (summary, tree) | `upstream check` alone: time, peak memory |\n"
  userTable += "|---|" + first.upstream.map { _ in "---|" }.joined() + "---|---|---|---|---|\n"
  for (name, row) in userRows {
    let rate = Dictionary(row.upstream.map { ($0.label, $0.perSecond) }, uniquingKeysWith: { a, _ in a })
    userTable += "| \(name) (\(row.cases)) | " + row.upstream.map { fixed($0.perSecond, 0) + "/s" }.joined(separator: " | ")
    let clips = row.clips.map { fixed($0, 0) + "/s" } ?? "–"
    let best = { (format: String) -> String in
      guard let clips = row.clips else { return "–" }
      let fastest = max(rate["\(format), --jobs 1"] ?? 0, rate["\(format), --jobs 2"] ?? 0)
      return fixed(fastest / clips) + "×"
    }
    let scaling = ["summary", "tree"].map { format in
      fixed((rate["\(format), --jobs 2"] ?? 0) / max(1e-9, rate["\(format), --jobs 1"] ?? 0), 2) + "×"
    }.joined(separator: ", ")
    let check = row.check.map { "\(fixed($0.seconds * 1000, 0)) ms, \(fixed($0.peakMiB)) MiB" } ?? "–"
    userTable += " | \(clips) | \(best("summary")) | \(best("tree")) | \(scaling) | \(check) |\n"
  }
}
// `--jobs` at issue 20's sizes: start-up a small share of each run.
var scalingTable = ""
let scalingRows = userRows.compactMap { row in row.1.scaling.map { (row.0, $0) } }
if let first = scalingRows.first?.1 {
  scalingTable = "| workload (cases) | " + first.rates.map { "`assess --batch`, \($0.label)" }.joined(separator: " | ")
  scalingTable += " | --jobs 2 ÷ 1 (summary, tree) | the machine: halves ÷ 1 (summary, tree) |\n|---|"
  scalingTable += first.rates.map { _ in "---|" }.joined() + "---|---|\n"
  for (name, scaling) in scalingRows {
    let rate = Dictionary(scaling.rates.map { ($0.label, $0.perSecond) }, uniquingKeysWith: { a, _ in a })
    func ratios(_ over: String) -> String {
      ["summary", "tree"].map { format in
        fixed((rate["\(format), \(over)"] ?? 0) / max(1e-9, rate["\(format), --jobs 1"] ?? 0), 2) + "×"
      }.joined(separator: ", ")
    }
    scalingTable += "| \(name) (\(scaling.cases)) | " + scaling.rates.map { fixed($0.perSecond, 0) + "/s" }.joined(separator: " | ")
    scalingTable += " | \(ratios("--jobs 2")) | \(ratios(halvesLabel)) |\n"
  }
}
print("")
print(table)
if !userTable.isEmpty { print(userTable) }
if !scalingTable.isEmpty { print(scalingTable) }
if let process = results.last?.processMilliseconds {
  print("upstream assess (one answers file, whole process, median of 5 × 20 runs; \(upstreamLinkage())): \(fixed(process)) ms")
}
if let path = options.markdown {
  let machine =
    "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(fixed(Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824, 0)) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
  var document = try String(contentsOfFile: path, encoding: .utf8)
  let begin = "<!-- benchmark results: begin -->"
  let end = "<!-- benchmark results: end -->"
  if let start = document.range(of: begin), let stop = document.range(of: end) {
    // The report's date, from the one injectable clock (UPSTREAM_TODAY or SOURCE_DATE_EPOCH fix it).
    let date = (try? Clock(environment: ProcessInfo.processInfo.environment))?.today ?? Clock.system.today
    var block =
      "\(begin)\nMeasured \(date) on \(machine) with `upstream-bench`, release build (\(upstreamLinkage())).\n\n\(table)\n"
    if !userTable.isEmpty { block += "Whole processes, start to exit (best of 2 runs):\n\n\(userTable)\n" }
    if !scalingTable.isEmpty {
      block += "`--jobs` on batches the size of issue 20's table (whole processes; the median of 3 runs each, "
      block += "or of 7 where a round takes under three seconds; 1 job, 2 jobs and the machine's ceiling taken in turn, "
      block += "the ceiling being two 1-job processes started together on half the cases each):\n\n\(scalingTable)\n"
    }
    if let process = results.last?.processMilliseconds {
      block +=
        "`upstream assess` on one answers file, as a whole process (median of 5 samples of 20 runs; \(upstreamLinkage())): "
        + "\(fixed(process)) ms.\n"
    }
    if !batchLine.isEmpty { block += "\n" + batchLine + "\n" }
    if !adviceSettledLine.isEmpty { block += "\n" + adviceSettledLine + "\n" }
    if !adaptivityLine.isEmpty { block += "\n" + adaptivityLine + "\n" }
    if !lspLine.isEmpty { block += "\n" + lspLine + "\n" }
    document.replaceSubrange(start.lowerBound..<stop.upperBound, with: block + end)
    try document.write(toFile: path, atomically: true, encoding: .utf8)
    print("wrote \(path)")
  }
}
