import Foundation

/// Where command output goes: data on stdout, messages on stderr (clig.dev).
struct Console {
  func out(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  func error(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
