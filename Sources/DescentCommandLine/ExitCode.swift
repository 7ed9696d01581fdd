/// The exit codes of SPEC §2.
public enum ExitCode: Int32, Sendable {
  /// Everything ran and every expectation held.
  case success = 0
  /// An expectation failed (or an instance could not run).
  case failures = 1
  /// Invalid config or usage; nothing ran.
  case invalidInput = 2
  /// A bug or an environment failure (e.g. a report could not be written, stdout is closed).
  case internalError = 3
  /// Nothing matched the filter.
  case nothingMatched = 5
  /// Interrupted by SIGINT, SIGTERM or SIGHUP; partial reports say so.
  case interrupted = 130
}
