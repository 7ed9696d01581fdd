import DescentReports
import DescentRunner
import Foundation

/// Where command output goes: data on stdout, messages on stderr (clig.dev).
struct Console {
  /// Writes `line` to stdout; a failure (a closed pipe) is noted by `StandardOutput`, and
  /// `DescentTool.main` ends with exit 3.
  func out(_ line: String) {
    StandardOutput.write(Array((line + "\n").utf8))
  }

  /// Writes `line` to stderr — unless a forced exit has begun: a failure it caused (a temporary
  /// file deleted under a writer) is not news, and the process is about to exit 130.
  func error(_ line: String) {
    if ExitGate.process.isForcedExitUnderway { DescentTool.waitForTheForcedExit() }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
