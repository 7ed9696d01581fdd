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
          --filter GLOB  --jobs N  --shard I/N|auto  --seed S  --fail-fast  --quiet  --verbose
          --json FILE  --junit FILE  --markdown FILE  --summary-csv FILE  --tap
          --dump DIR  --dump-every K
      merge RESULT.json... combine shard results (--json/--junit/--markdown/--summary-csv FILE, --tap)
      list [PATH...]       expanded instance ids (--filter GLOB, --count)
      validate [PATH...]   check configs, run nothing
      presets              landscape presets with formulas, options and minimizers
      theory LANDSCAPE     eigenvalues, κ, stability thresholds, optimal lr/momentum at x*
          --lr X  --momentum B  --nesterov  --dampening T  --weight-decay W  --start X,Y  --steps N

    exit codes: 0 all passed, 1 an expectation failed, 2 invalid config or usage,
                3 internal error, 5 nothing matched the filter, 130 interrupted
    """

  /// Runs the command line `arguments` (without the program name) and returns the exit code.
  ///
  /// SIGPIPE and SIGXFSZ are ignored, so that writing to a closed pipe or past the file-size
  /// limit is a failed write — exit 3 with `cannot write …: Broken pipe` / `File too large`, no
  /// temporary file left — instead of a death by signal that leaves them.
  public static func main(_ arguments: [String]) -> ExitCode {
    signal(SIGPIPE, SIG_IGN)
    signal(SIGXFSZ, SIG_IGN)
    let console = Console()
    let code = run(arguments, console: console)
    // A closed stdout is news unless the command failed for a reason of its own first.
    if let failure = StandardOutput.failure, [.success, .failures, .nothingMatched].contains(code) {
      console.error("descent: cannot write standard output: \(failure)")
      return .internalError
    }
    return code
  }

  private static func run(_ arguments: [String], console: Console) -> ExitCode {
    guard let command = arguments.first else {
      console.error(usage)
      return .invalidInput
    }
    let rest = Array(arguments.dropFirst())
    do {
      switch command {
      case "run": return try RunCommand(rest).execute(console)
      case "merge": return try MergeCommand(rest).execute(console)
      case "list": return try ListCommand(rest).execute(console)
      case "validate": return try ValidateCommand(rest).execute(console)
      case "presets": return try PresetsCommand(rest).execute(console)
      case "theory": return try TheoryCommand(rest).execute(console)
      case "--help", "-h", "help":
        console.out(usage)
        return .success
      case "--version":
        console.out("descent \(version)")
        return .success
      default:
        let commands = ["run", "list", "validate", "presets", "theory", "merge"]
        let hint = Spelling.closest(to: command, among: commands).map { " (did you mean '\($0)'?)" } ?? ""
        console.error("descent: unknown command '\(command)'\(hint)\n\n\(usage)")
        return .invalidInput
      }
    } catch {
      console.error("descent: \(error)")
      return .invalidInput
    }
  }

  /// Ends the process with `code` — unless a forced exit (a second Ctrl-C) has begun: then waits
  /// for it to delete the temporary files and exit 130 (`Interruption`, `ExitGate`).
  public static func exit(_ code: ExitCode) -> Never {
    guard ExitGate.process.claimNormalExit() else { waitForTheForcedExit() }
    Foundation.exit(code.rawValue)
  }

  /// Blocks for good: the forced exit under way ends the process.
  static func waitForTheForcedExit() -> Never {
    while true { pause() }
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
