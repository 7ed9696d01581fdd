import DescentConfig
import DescentCore
import DescentReports
import DescentRunner
import Foundation

/// `descent run [PATH...]`.
struct RunCommand {
  let paths: [String]
  let filter: InstanceFilter
  let jobs: Int
  let seed: UInt64?
  let failFast: Bool
  let quiet: Bool
  let verbose: Bool
  let jsonPath: String?

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(
      arguments, switches: ["--fail-fast", "--quiet", "--verbose"], options: ["--filter", "--jobs", "--seed", "--json"])
    paths = scanner.positional
    filter = InstanceFilter(patterns: scanner.all("--filter"))
    jobs = try scanner.integer("--jobs", in: 1...4096) ?? ProcessInfo.processInfo.activeProcessorCount
    if let text = scanner.value("--seed") {
      guard let value = UInt64(text) else { throw UsageError("--seed must be a whole number ≥ 0, got '\(text)'") }
      seed = value
    } else {
      seed = nil
    }
    failFast = scanner.isSet("--fail-fast")
    quiet = scanner.isSet("--quiet")
    verbose = scanner.isSet("--verbose")
    if quiet && verbose { throw UsageError("--quiet and --verbose cannot be combined") }
    jsonPath = scanner.value("--json")
    for path in [jsonPath].compactMap({ $0 }) { try OutputPaths.checkWritable(path) }
  }

  func execute(_ console: Console) -> ExitCode {
    guard let loaded = DescentTool.loadConfigs(paths, seed: seed, console: console) else { return .invalidInput }
    let instances = Runner.select(loaded.suites, filter: filter)
    guard !instances.isEmpty else {
      console.error("descent: no instance matches the filter \(filter.patterns.joined(separator: " "))")
      return .nothingMatched
    }
    let started = Date()
    let results = Runner.run(instances, jobs: jobs, failFast: failFast)
    let duration = Date().timeIntervalSince(started)
    let summary = ResultSummary(results)
    if verbose {
      for result in results where result.status == .passed {
        console.out("PASS \(result.instance.id) (\(result.outcome.map { $0.classification.regime.rawValue } ?? ""))")
      }
    }
    for line in ConsoleReport.failureLines(results) { console.out(line) }
    console.out(ConsoleReport.summaryLine(summary))

    let context = RunContext(
      suites: loaded.suites, jobs: jobs, durationSeconds: duration, descentVersion: DescentTool.version)
    do {
      if let jsonPath { try AtomicFile.write(JSONReport.document(results, context: context), to: jsonPath) }
    } catch {
      console.error("descent: \(error)")
      return .internalError
    }
    return summary.unsuccessful == 0 ? .success : .failures
  }
}

/// Checks made on output paths before anything runs, so a typo in a path is a usage error.
enum OutputPaths {
  static func checkWritable(_ path: String) throws(UsageError) {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw UsageError("cannot write \(path): folder \(folder) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: folder) else {
      throw UsageError("cannot write \(path): folder \(folder) is not writable")
    }
  }
}
