import Foundation

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

  /// Runs `descent arguments...` in `directory` (the package root by default) with extra environment.
  public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws
    -> CommandResult
  {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? PackagePaths.root.path)
    var processEnvironment = ProcessInfo.processInfo.environment
    for (key, value) in environment { processEnvironment[key] = value }
    process.environment = processEnvironment
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Read both pipes concurrently so a full pipe cannot block the child.
    nonisolated(unsafe) var errorData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errorData = errors.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
      exitCode: process.terminationStatus, stdout: String(decoding: outputData, as: UTF8.self),
      stderr: String(decoding: errorData, as: UTF8.self))
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
