import DescentReports
import DescentRunner
import Foundation

/// `descent merge RESULT.json... [--json FILE] [--junit FILE] [--markdown FILE] [--summary-csv FILE] [--tap]`.
struct MergeCommand {
  let paths: [String]
  let outputs: ReportOutputs
  let quiet: Bool
  let verbose: Bool

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(
      arguments, switches: Set(["--quiet", "--verbose"] + ReportOutputs.switches),
      options: Set(ReportOutputs.options))
    paths = scanner.positional
    guard !paths.isEmpty else { throw UsageError("merge needs the results files of the shards (from run --json)") }
    outputs = try ReportOutputs(scanner)
    quiet = scanner.isSet("--quiet")
    verbose = scanner.isSet("--verbose")
    if quiet && verbose { throw UsageError("--quiet and --verbose cannot be combined") }
  }

  func execute(_ console: Console) -> ExitCode {
    let environment = ProcessInfo.processInfo.environment
    let terminal = Terminal(environment: environment)
    let interruption = Interruption(
      terminal: terminal,
      notice: "descent: interrupted; writing the reports so far, marked interrupted (interrupt again to stop at once)")
    let merge: ResultMerge
    do throws(ResultMerge.Problem) {
      merge = try ResultMerge(paths: paths)
    } catch {
      console.error("descent: merge: \(error)")
      return .invalidInput
    }
    let reports: ReportSet
    do {
      let writers =
        try outputs.fileWriters()
        + outputs.streamWriters(terminal: terminal, environment: environment, verbose: verbose)
      reports = try ReportSet(header: merge.header, writers: writers)
    } catch {
      console.error("descent: \(error)")
      return .internalError
    }
    let summary: ResultSummary
    let ending: Runner.Ending
    do {
      (summary, ending) = try merge.run(
        into: reports, descentVersion: DescentTool.version, cancellation: interruption.cancellation)
    } catch let problem as ResultMerge.Problem {
      terminal.flush()
      console.error("descent: merge: \(problem)")
      return .invalidInput
    } catch let problem as ReportInputError {
      terminal.flush()
      console.error("descent: merge: \(problem)")
      return .invalidInput
    } catch {
      terminal.flush()
      console.error("descent: \(error)")
      return .internalError
    }
    if ending == .interrupted { return .interrupted }
    return summary.unsuccessful == 0 ? .success : .failures
  }
}
