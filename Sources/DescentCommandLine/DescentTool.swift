import DescentConfig
import DescentCore
import DescentReports
import DescentRunner
import Foundation

/// The `descent` command line: parses arguments, calls the library, returns the exit code.
public enum DescentTool {
  public static let version = "0.1.0"

  static let usage = """
    usage: descent <command> [options]

    commands:
      run [PATH...]        run suites (default: configs/)
          --filter GLOB  --jobs N  --seed S  --fail-fast  --quiet  --verbose  --json FILE
      list [PATH...]       expanded instance ids (--filter GLOB, --count)
      validate [PATH...]   check configs, run nothing
      presets              landscape presets with formulas, options and minimizers

    exit codes: 0 all passed, 1 an expectation failed, 2 invalid config or usage,
                3 internal error, 5 nothing matched the filter, 130 interrupted
    """

  /// Runs the command line `arguments` (without the program name) and returns the exit code.
  public static func main(_ arguments: [String]) -> ExitCode {
    let console = Console()
    guard let command = arguments.first else {
      console.error(usage)
      return .invalidInput
    }
    let rest = Array(arguments.dropFirst())
    do {
      switch command {
      case "run": return try RunCommand(rest).execute(console)
      case "list": return try ListCommand(rest).execute(console)
      case "validate": return try ValidateCommand(rest).execute(console)
      case "presets": return try PresetsCommand(rest).execute(console)
      case "--help", "-h", "help":
        console.out(usage)
        return .success
      case "--version":
        console.out("descent \(version)")
        return .success
      default:
        let commands = ["run", "list", "validate", "presets"]
        let hint = Spelling.closest(to: command, among: commands).map { " (did you mean '\($0)'?)" } ?? ""
        console.error("descent: unknown command '\(command)'\(hint)\n\n\(usage)")
        return .invalidInput
      }
    } catch {
      console.error("descent: \(error)")
      return .invalidInput
    }
  }

  /// Loads configs, printing their problems; nil (after printing) when they are invalid.
  static func loadConfigs(_ paths: [String], seed: UInt64?, console: Console) -> LoadedConfigs? {
    let loaded = ConfigLoader.load(paths: paths.isEmpty ? ["configs"] : paths, seedOverride: seed)
    for problem in loaded.pathErrors { console.error("descent: \(problem)") }
    for diagnostic in loaded.diagnostics { console.error(diagnostic.description) }
    guard loaded.isValid else {
      let count = loaded.diagnostics.count + loaded.pathErrors.count
      console.error("descent: \(count) problem\(count == 1 ? "" : "s") found; nothing ran")
      return nil
    }
    return loaded
  }
}

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

    let context = RunContext(suites: loaded.suites, jobs: jobs, durationSeconds: duration, descentVersion: DescentTool.version)
    do {
      if let jsonPath { try AtomicFile.write(JSONReport.document(results, context: context), to: jsonPath) }
    } catch {
      console.error("descent: \(error)")
      return .internalError
    }
    return summary.unsuccessful == 0 ? .success : .failures
  }
}

/// `descent list [PATH...]`.
struct ListCommand {
  let paths: [String]
  let filter: InstanceFilter
  let countOnly: Bool

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(arguments, switches: ["--count"], options: ["--filter"])
    paths = scanner.positional
    filter = InstanceFilter(patterns: scanner.all("--filter"))
    countOnly = scanner.isSet("--count")
  }

  func execute(_ console: Console) -> ExitCode {
    guard let loaded = DescentTool.loadConfigs(paths, seed: nil, console: console) else { return .invalidInput }
    var count = 0
    for suite in loaded.suites {
      for scenario in suite.scenarios {
        for index in 0..<scenario.instanceCount {
          let instance = scenario.instance(at: index)
          guard filter.selects(id: instance.id, suite: instance.suite, scenario: instance.scenario) else { continue }
          count += 1
          if !countOnly { console.out(instance.id) }
        }
      }
    }
    if countOnly { console.out(String(count)) }
    if count == 0 && !filter.patterns.isEmpty {
      console.error("descent: no instance matches the filter \(filter.patterns.joined(separator: " "))")
      return .nothingMatched
    }
    return .success
  }
}

/// `descent validate [PATH...]`.
struct ValidateCommand {
  let paths: [String]

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(arguments, switches: [], options: [])
    paths = scanner.positional
  }

  func execute(_ console: Console) -> ExitCode {
    guard let loaded = DescentTool.loadConfigs(paths, seed: nil, console: console) else { return .invalidInput }
    let scenarios = loaded.suites.reduce(0) { $0 + $1.scenarios.count }
    console.out(
      "ok: \(loaded.suites.count) suite\(loaded.suites.count == 1 ? "" : "s"), \(scenarios) scenario\(scenarios == 1 ? "" : "s"), \(loaded.instanceCount) instance\(loaded.instanceCount == 1 ? "" : "s")"
    )
    return .success
  }
}

/// `descent presets`.
struct PresetsCommand {
  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(arguments, switches: [], options: [])
    guard scanner.positional.isEmpty else { throw UsageError("presets takes no arguments") }
  }

  func execute(_ console: Console) -> ExitCode {
    for preset in LandscapeCatalog.presets {
      console.out("\(preset.name): f = \(preset.formula)")
      console.out("    \(preset.summary)")
      for option in preset.options {
        let defaultText = option.defaultValue.map { "default \($0)" } ?? "required"
        console.out("    \(option.name) (\(defaultText)): \(option.summary)")
      }
      console.out("    minimizers: \(preset.minimizerText)")
    }
    return .success
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
