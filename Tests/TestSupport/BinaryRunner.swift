import Foundation
import Synchronization

/// What one run of the built `descent` binary printed and returned.
public struct CommandResult: Sendable {
  public var exitCode: Int32
  public var stdout: String
  public var stderr: String

  /// stdout's lines, without the final empty one.
  public var lines: [String] {
    stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
  }
}

/// Runs the `descent` executable that `swift build`/`swift test` built next to the tests.
public enum DescentBinary {
  /// The built executable: beside the test bundle, or in `.build/debug`.
  public static let url: URL = {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for folder in [
      besideTests, besideTests.deletingLastPathComponent(), PackagePaths.root.appendingPathComponent(".build/debug"),
    ] {
      let candidate = folder.appendingPathComponent("descent")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    fatalError("the descent executable was not found; run `swift build` first")
  }()

  /// Variables that change what descent prints or runs (CI detection, sharding): removed from
  /// the environment of every run unless a test sets them, so tests pass the same under CI.
  public static let ciVariables = [
    "GITHUB_ACTIONS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP", "CI_NODE_INDEX", "CI_NODE_TOTAL", "JOB_COMPLETION_INDEX", "DESCENT_SHARD_TOTAL",
  ]

  /// Runs `descent arguments...` in `directory` (the package root by default) with extra environment.
  public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws
    -> CommandResult
  {
    try start(arguments, in: directory, environment: environment).wait()
  }

  /// Runs `descent arguments...` with stdout a pipe nobody reads — its read end closed before
  /// descent starts, so every write to stdout fails (EPIPE, or SIGPIPE where not ignored).
  public static func runWithClosedOutput(_ arguments: [String], in directory: String? = nil) throws -> CommandResult {
    try start(arguments, in: directory, closedOutput: true).wait()
  }

  /// Runs `descent arguments...` under `ulimit -f blocks` (through `/bin/sh`): a file written
  /// past the limit fails (EFBIG, or SIGXFSZ where not ignored).
  public static func run(_ arguments: [String], in directory: String? = nil, fileSizeLimit blocks: Int) throws
    -> CommandResult
  {
    try start(
      ["-c", "ulimit -f \(blocks) && exec \"$0\" \"$@\"", url.path] + arguments, in: directory,
      executable: URL(fileURLWithPath: "/bin/sh")
    ).wait()
  }

  /// Starts `descent arguments...` without waiting for it.
  public static func start(
    _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
    executable: URL = DescentBinary.url, closedOutput: Bool = false
  ) throws -> RunningDescent {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? PackagePaths.root.path)
    var processEnvironment = ProcessInfo.processInfo.environment
    for key in ciVariables { processEnvironment[key] = nil }
    for (key, value) in environment { processEnvironment[key] = value }
    process.environment = processEnvironment
    return try RunningDescent(process, closedOutput: closedOutput)
  }
}

/// A started `descent` process whose output is being collected.
public final class RunningDescent: @unchecked Sendable {
  private let process: Process
  private let group = DispatchGroup()
  private var outputData = Data()
  /// stderr as it arrives (`waitForError(containing:)` reads it while the process runs).
  private let errorData = Mutex(Data())

  /// Starts `process`, collecting its stdout and stderr; with `closedOutput`, its stdout is a
  /// pipe whose read end is closed (nothing is collected).
  init(_ process: Process, closedOutput: Bool = false) throws {
    self.process = process
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    if closedOutput { try output.fileHandleForReading.close() }
    try Self.runWithoutBlockedSignals(process)
    // Read both pipes concurrently so a full pipe cannot block the child.
    for (pipe, isOutput) in closedOutput ? [(errors, false)] : [(output, true), (errors, false)] {
      group.enter()
      DispatchQueue.global().async {
        if isOutput {
          self.outputData = pipe.fileHandleForReading.readDataToEndOfFile()
        } else {
          while case let chunk = pipe.fileHandleForReading.availableData, !chunk.isEmpty {
            self.errorData.withLock { $0.append(chunk) }
          }
        }
        self.group.leave()
      }
    }
  }

  /// Starts `process` from a thread that blocks no signal: a child inherits its spawning thread's
  /// signal mask, and the test runner's threads block SIGHUP, SIGINT, SIGXFSZ and others, which a
  /// process started from a shell does not.
  private static func runWithoutBlockedSignals(_ process: Process) throws {
    let outcome = Mutex<Result<Void, any Error>>(.success(()))
    let started = DispatchSemaphore(value: 0)
    let thread = Thread {
      var none = sigset_t()
      sigemptyset(&none)
      pthread_sigmask(SIG_SETMASK, &none, nil)
      do {
        try process.run()
      } catch {
        outcome.withLock { $0 = .failure(error) }
      }
      started.signal()
    }
    thread.start()
    started.wait()
    try outcome.withLock { $0 }.get()
  }

  /// Sends SIGINT, as Ctrl-C does.
  public func interrupt() { process.interrupt() }

  /// Sends `signal` (SIGHUP, SIGTERM, …).
  public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

  public var isRunning: Bool { process.isRunning }

  /// Waits until stderr holds `text` (true) or the process has ended without it (false).
  public func waitForError(containing text: String) -> Bool {
    while true {
      if errorData.withLock({ String(decoding: $0, as: UTF8.self).contains(text) }) { return true }
      if !process.isRunning { return false }
      usleep(10_000)
    }
  }

  /// Waits for the process to end and returns what it printed.
  public func wait() -> CommandResult {
    group.wait()
    process.waitUntilExit()
    return CommandResult(
      exitCode: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
      stderr: errorData.withLock { String(decoding: $0, as: UTF8.self) })
  }
}

/// External tools some tests use when present.
public enum ExternalTools {
  /// The path of `name` on PATH, or nil.
  public static func path(of name: String) -> String? {
    let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// The JUnit schema the reports must validate against: windyroad's `JUnit.xsd` (Apache-2.0),
  /// a copy of `../shared/reference/JUnit.xsd` kept in the repository so CI has it.
  public static let junitSchema = PackagePaths.path("Tests/Fixtures/JUnit.xsd")

  /// Runs `xmllint --noout --schema JUnit.xsd file` (xmllint must exist: see `path(of:)`).
  public static func validateJUnit(_ file: String) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path(of: "xmllint") ?? "/usr/bin/xmllint")
    process.arguments = ["--noout", "--schema", junitSchema, file]
    return try RunningDescent(process).wait()
  }
}

/// A fresh temporary folder, removed by `remove()`.
public struct TemporaryFolder {
  public let path: String

  public init() throws {
    path = NSTemporaryDirectory() + "descent-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  /// Writes `contents` to `name` inside the folder and returns its path.
  @discardableResult
  public func write(_ name: String, _ contents: String) throws -> String {
    let file = path + "/" + name
    try FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try contents.write(toFile: file, atomically: true, encoding: .utf8)
    return file
  }

  public func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Reading `--json` result documents in tests.
public enum ResultDocument {
  /// The text of the per-instance records of the results document at `path`: everything from
  /// `"instances": [` up to the run-level `"run": ` block (timings), which differs between runs.
  public static func instanceRecords(at path: String) throws -> String {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    guard let start = text.range(of: "\"instances\": ["), let end = text.range(of: "\"run\": "),
      start.upperBound <= end.lowerBound
    else {
      throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
    }
    return String(text[start.lowerBound..<end.lowerBound])
  }
}
