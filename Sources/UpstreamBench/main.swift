// upstream-bench: measures Upstream and compares it with CLIPS 6.30 on the same workload.
//
// Usage: swift run -c release upstream-bench [--sizes small,medium,large|none] [--seconds S]
//                                            [--no-clips] [--no-batch] [--markdown FILE] [--help]
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

  static let help = """
    upstream-bench: measures Upstream, side by side with CLIPS 6.30 when it is installed.

    Usage: swift run -c release upstream-bench [options]

    Options:
      --sizes LIST     synthetic sizes to run: small,medium,large (default: all), or none
      --seconds S      seconds per throughput measurement (default: 2)
      --no-clips       do not run CLIPS
      --no-batch       do not measure assess --batch
      --markdown FILE  write the results between the markers in FILE (Docs/Performance.md)
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
  var singleCorePerSecond: Double
  var allCoresPerSecond: Double
  var p50Microseconds: Double
  var p99Microseconds: Double
  var peakMiB: Double
  var clipsPerSecond: Double?
  var agreement: String?
  var processMilliseconds: Double?
}

/// Assessments per second on one core, repeating the answer sets for about `seconds`.
func singleCore(_ knowledgeBase: KnowledgeBase, _ answers: [Answers], seconds: Double) -> (perSecond: Double, latencies: [UInt64]) {
  var latencies: [UInt64] = []
  var count = 0
  var checksum = 0.0
  let start = now()
  let deadline = start + UInt64(seconds * 1e9)
  repeat {
    for answer in answers {
      let before = now()
      let assessment = knowledgeBase.assess(validated: answer)
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
func allCores(_ knowledgeBase: KnowledgeBase, _ answers: [Answers], seconds: Double) -> Double {
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
        _ = knowledgeBase.assess(validated: answer)
        count += 1
      }
    } while now() < deadline
    shared[worker] = count
  }
  let elapsed = Double(now() - start) / 1e9
  return Double(counts.reduce(0, +)) / elapsed
}

/// Load + check time of rule text, the median of three.
func loadTime(_ files: [(name: String, text: String)]) -> (milliseconds: Double, knowledgeBase: KnowledgeBase?) {
  var times: [Double] = []
  var knowledgeBase: KnowledgeBase?
  for _ in 0..<3 {
    let start = now()
    knowledgeBase = KnowledgeBase.compile(files: files).knowledgeBase
    times.append(Double(now() - start) / 1e6)
  }
  return (times.sorted()[1], knowledgeBase)
}

// MARK: - CLIPS

/// Runs the workload in CLIPS: returns cases per second and whether every certainty agrees.
func runCLIPS(_ synthetic: SyntheticKnowledgeBase, _ knowledgeBase: KnowledgeBase, _ answers: [Answers], seconds: Double) -> (
  perSecond: Double, agreement: String
)? {
  guard let clips = ["/usr/bin/clips", "/usr/local/bin/clips"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
    return nil
  }
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-bench-\(getpid())")
  try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { if ProcessInfo.processInfo.environment["UPSTREAM_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: folder) } }
  let program = folder.appendingPathComponent("kb.clp")
  try? synthetic.clipsProgram.write(to: program, atomically: true, encoding: .utf8)
  // CLIPS's (time) is too coarse here, so the loop is timed from outside: the same driver
  // runs once with no repetitions (load and check only) and once with `repeats`; the
  // difference is the time for repeats × cases assessments (reset, assert, run each).
  func driver(repeats: Int) -> String {
    var text = "(load \"\(program.path)\")\n"
    for (index, answer) in answers.enumerated() {
      text += "(deffunction case-\(index) () (reset) (assert \(synthetic.clipsFacts(answer))) (run))\n"
    }
    text += "(deffunction all-cases () " + answers.indices.map { "(case-\($0))" }.joined(separator: " ") + ")\n"
    if repeats > 0 { text += "(loop-for-count \(repeats) (all-cases))\n" }
    for index in answers.indices {
      text += "(case-\(index))\n(do-for-all-facts ((?c cf)) TRUE (printout t \"CF \(index) \" ?c:f \" \" ?c:v crlf))\n"
    }
    return text + "(exit)\n"
  }
  func run(_ text: String) -> (seconds: Double, output: String)? {
    let file = folder.appendingPathComponent("driver.clp")
    try? text.write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: clips)
    process.arguments = ["-f2", file.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let start = now()
    guard (try? process.run()) != nil else { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (Double(now() - start) / 1e9, String(decoding: data, as: UTF8.self))
  }
  guard let baseline = run(driver(repeats: 0)) else { return nil }
  // Grow the number of passes until the timed part is long enough to measure.
  var repeats = 1
  var timed = 0.0
  while true {
    guard let run = run(driver(repeats: repeats)) else { return nil }
    timed = run.seconds - baseline.seconds
    if timed >= seconds / 2 || repeats >= 1 << 16 { break }
    let factor = timed <= 0.01 ? 8.0 : min(8, max(2, seconds / timed))
    repeats = Int(Double(repeats) * factor)
  }
  let perSecond = Double(repeats * answers.count) / max(1e-9, timed)
  let data = Data(baseline.output.utf8)
  var mismatches = 0
  var compared = 0
  let assessments = answers.map { knowledgeBase.assess(validated: $0) }
  for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
    let parts = line.split(separator: " ")
    if parts.first == "CF", parts.count == 4, let index = Int(parts[1]), let value = Double(parts[3]) {
      let id = String(parts[2])
      let ours = assessments[index].finding(id)?.certainty ?? .nan
      compared += 1
      if !(abs(ours - value) <= 0.000_05 + 1e-12) {
        mismatches += 1
        if ProcessInfo.processInfo.environment["UPSTREAM_BENCH_KEEP"] != nil {
          print("mismatch case \(index) \(id): upstream \(ours), CLIPS \(value)")
        }
      }
    }
  }
  let expected = answers.count * synthetic.findingCount
  let agreement =
    compared == expected && mismatches == 0
    ? "all \(compared) certainties agree to 4 decimals"
    : "\(mismatches) of \(compared) certainties differ (expected \(expected))"
  return (perSecond, agreement)
}

// MARK: - The shipped knowledge base as a whole process

/// Median wall time of `upstream assess` on one answers file, as a whole process.
///
/// The runs are started by a shell loop (20 per sample), not by Foundation's `Process`,
/// whose own start-up overhead on Linux is larger than the command being measured.
func processWallTime(answersFile: String) -> Double? {
  let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("upstream").path
  guard FileManager.default.isExecutableFile(atPath: binary) else { return nil }
  let runs = 20
  var samples: [Double] = []
  for _ in 0..<5 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = [
      "-c", "i=0; while [ $i -lt \(runs) ]; do \"$0\" assess --answers \"$1\" --format json >/dev/null; i=$((i+1)); done", binary, answersFile,
    ]
    let start = now()
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    samples.append(Double(now() - start) / 1e6 / Double(runs))
  }
  return samples.sorted()[samples.count / 2]
}

// MARK: - Main

let options = Options(Array(CommandLine.arguments.dropFirst()))
var results: [Measurement] = []
for size in options.sizes {
  let synthetic = SyntheticKnowledgeBase(size)
  let text = synthetic.ruleText
  let (load, built) = loadTime([("synthetic.rules", text)])
  guard let knowledgeBase = built else {
    let diagnostics = KnowledgeBase.compile(files: [("synthetic.rules", text)]).diagnostics.filter { $0.severity == .error }
    print("\(size.rawValue): the generated knowledge base has errors: \(diagnostics.prefix(3).map(\.message))")
    exit(1)
  }
  let caseCount = size == .large ? 50 : 200
  let answers = synthetic.answerSets(count: caseCount)
  let single = singleCore(knowledgeBase, answers, seconds: options.seconds)
  let parallel = allCores(knowledgeBase, answers, seconds: options.seconds)
  var measurement = Measurement(
    name: "\(size.rawValue) (Q=\(synthetic.questionCount), R=\(synthetic.ruleCount), D=\(synthetic.depth))",
    rules: knowledgeBase.rules.count, loadMilliseconds: load, singleCorePerSecond: single.perSecond,
    allCoresPerSecond: parallel, p50Microseconds: percentile(single.latencies, 0.5),
    p99Microseconds: percentile(single.latencies, 0.99), peakMiB: peakMemoryMiB())
  if options.clips, let clips = runCLIPS(synthetic, knowledgeBase, Array(answers.prefix(size == .large ? 20 : 100)), seconds: options.seconds) {
    measurement.clipsPerSecond = clips.perSecond
    measurement.agreement = clips.agreement
  }
  results.append(measurement)
  print(measurement)
}

// The shipped knowledge base with its own clinician cases as the workload.
var batchLine = ""
let bundledFiles = KnowledgeBase.bundled().files.map { (name: $0.path, text: $0.text) }
let (bundledLoad, bundled) = loadTime(bundledFiles)
if let bundled {
  let answers = CaseLoader.bundled(for: bundled).cases.map(\.answers)
  let single = singleCore(bundled, answers, seconds: options.seconds)
  let parallel = allCores(bundled, answers, seconds: options.seconds)
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
    _ = BatchAssessment(bundled, jobs: jobs).run(nextLine: { remaining.popFirst() }, write: { _ in written += 1 })
    return Double(written) / (Double(now() - start) / 1e9)
  }
  if options.batch {
    let batchOne = batchRate(jobs: 1)
    let batchAll = batchRate(jobs: ProcessInfo.processInfo.activeProcessorCount)
    batchLine =
      "Batch (`assess --batch`, JSON in and JSON out, \(lines.count) lines): \(fixed(batchOne, 0))/s on 1 job, \(fixed(batchAll, 0))/s on \(ProcessInfo.processInfo.activeProcessorCount) jobs (\(fixed(batchAll / batchOne, 2))×)."
    print(batchLine)
  }
  results.append(measurement)
  print(measurement)
}

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

// The adaptive questionnaire over the clinician cases: questions asked as a share of all.
let adaptivityLine = AdaptivityReport.bundled().map { "Adaptive questionnaire over the clinician cases: \($0.summary)." } ?? ""
print(adaptivityLine)

// MARK: - Report

var table =
  "| workload | load + check | 1 core | \(ProcessInfo.processInfo.activeProcessorCount) cores | speed-up | p50 | p99 | peak memory | CLIPS 6.30 | Upstream ÷ CLIPS | agreement |\n"
table += "|---|---|---|---|---|---|---|---|---|---|---|\n"
for result in results {
  let clips = result.clipsPerSecond.map { fixed($0, 0) + "/s" } ?? "–"
  let ratio = result.clipsPerSecond.map { fixed(result.singleCorePerSecond / $0) + "×" } ?? "–"
  table +=
    "| \(result.name) | \(fixed(result.loadMilliseconds)) ms | \(fixed(result.singleCorePerSecond, 0))/s | \(fixed(result.allCoresPerSecond, 0))/s | "
  table +=
    "\(fixed(result.allCoresPerSecond / result.singleCorePerSecond, 2))× | \(fixed(result.p50Microseconds)) µs | \(fixed(result.p99Microseconds)) µs | "
  table += "\(fixed(result.peakMiB)) MiB | \(clips) | \(ratio) | \(result.agreement ?? "–") |\n"
}
print("")
print(table)
if let process = results.last?.processMilliseconds {
  print("upstream assess (one answers file, whole process, median of 5 × 20 runs): \(fixed(process)) ms")
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
    var block = "\(begin)\nMeasured \(date) on \(machine) with `swift run -c release upstream-bench`.\n\n\(table)\n"
    if let process = results.last?.processMilliseconds {
      block += "`upstream assess` on one answers file, as a whole process (median of 5 samples of 20 runs): \(fixed(process)) ms.\n"
    }
    if !batchLine.isEmpty { block += "\n" + batchLine + "\n" }
    if !adaptivityLine.isEmpty { block += "\n" + adaptivityLine + "\n" }
    if !lspLine.isEmpty { block += "\n" + lspLine + "\n" }
    document.replaceSubrange(start.lowerBound..<stop.upperBound, with: block + end)
    try document.write(toFile: path, atomically: true, encoding: .utf8)
    print("wrote \(path)")
  }
}
