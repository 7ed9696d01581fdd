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
  let outputs: ReportOutputs
  /// `--shard I/N`, or nil with `--shard auto` (read from the environment) or without `--shard`.
  let shard: Shard?
  let autoShard: Bool
  let dump: BatchRun.DumpOptions?

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(
      arguments, switches: Set(["--fail-fast", "--quiet", "--verbose"] + ReportOutputs.switches),
      options: Set(["--filter", "--jobs", "--seed", "--shard", "--dump", "--dump-every"] + ReportOutputs.options),
      repeatable: ["--filter"])
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
    let every = try scanner.integer("--dump-every", in: 1...Int.max)
    if let folder = scanner.value("--dump") {
      try OutputPaths.checkFolder(folder)
      dump = BatchRun.DumpOptions(folder: folder, every: every ?? 1)
    } else {
      if every != nil { throw UsageError("--dump-every needs --dump DIR") }
      dump = nil
    }
    outputs = try ReportOutputs(scanner, dumpFolder: dump?.folder)
    if let text = scanner.value("--shard"), text != "auto" {
      do throws(Shard.Problem) {
        shard = try Shard.parse(text)
      } catch {
        throw UsageError(error.message)
      }
    } else {
      shard = nil
    }
    autoShard = scanner.value("--shard") == "auto"
  }

  func execute(_ console: Console) -> ExitCode {
    let environment = ProcessInfo.processInfo.environment
    var shard = shard
    var shardSource: String?
    if autoShard {
      do {
        let detection = try Shard.detect(environment: environment)
        shard = detection.shard
        shardSource = detection.source
      } catch {
        console.error("descent: --shard auto: \(error)")
        return .invalidInput
      }
    }
    let terminal = Terminal(environment: environment)
    let interruption = Interruption(terminal: terminal)

    guard let loaded = DescentTool.loadConfigs(paths, seed: seed, console: console) else { return .invalidInput }
    var selection = Selection(suites: loaded.suites, filter: filter)
    guard selection.count > 0 else {
      console.error("descent: no instance matches the filter \(filter.patterns.joined(separator: " "))")
      return .nothingMatched
    }
    if let shard {
      selection = selection.sharded(shard)
      if !quiet {
        terminal.write(
          "descent: shard \(shard) (\(shardSource ?? "--shard")): \(selection.count) of \(selection.totalCount) instances",
          to: .error)
      }
    }
    if let dump {
      do throws(UsageError) {
        try OutputPaths.checkClear(
          ofSuiteFolders: Set(loaded.suites.map { TrajectoryFiles.suiteFolder($0.name) }), in: dump.folder,
          outputs.files)
        try OutputPaths.makeFolder(dump.folder)
      } catch {
        console.error("descent: \(error)")
        return .invalidInput
      }
    }
    var writers: [any ReportWriter] = []
    do {
      writers = try outputs.fileWriters()
      if let dump {
        writers.append(try SummaryCSVWriter(path: dump.folder + "/" + TrajectoryFiles.summaryName))
      }
    } catch {
      for writer in writers { writer.abandon() }
      ScratchFiles.process.removeEmptyFolders()
      console.error("descent: \(error)")
      return .internalError
    }
    writers += outputs.streamWriters(terminal: terminal, environment: environment, verbose: verbose)
    let reports: ReportSet
    do {
      reports = try ReportSet(header: RunHeader(selection, filter: filter), writers: writers)
    } catch {
      ScratchFiles.process.removeEmptyFolders()
      console.error("descent: \(error)")
      return .internalError
    }

    let progress = RunProgress(total: selection.count)
    let display = !quiet && terminal.errorIsTerminal ? ProgressDisplay(terminal: terminal, progress: progress) : nil
    let ending: Runner.ExecutionSummary
    do {
      ending = try BatchRun.run(
        selection, reports: reports,
        options: BatchRun.Options(jobs: jobs, failFast: failFast, dump: dump),
        facts: BatchRun.Facts(
          descentVersion: DescentTool.version, jobs: jobs, shard: shard, shardSource: shardSource),
        cancellation: interruption.cancellation, progress: progress)
    } catch {
      display?.stop()
      terminal.flush()
      console.error("descent: \(error)")
      return .internalError
    }
    display?.stop()
    if ending.ending == .interrupted { return .interrupted }
    return reports.summary.unsuccessful == 0 ? .success : .failures
  }
}

/// The report flags shared by `run` and `merge`, and the writers they ask for.
struct ReportOutputs {
  static let switches = ["--tap"]
  static let options = ["--json", "--junit", "--markdown", "--summary-csv"]

  let jsonPath: String?
  let junitPath: String?
  let markdownPath: String?
  let summaryCSVPath: String?
  let tap: Bool
  /// The report files asked for, with their flags.
  let files: [(flag: String, path: String)]

  /// Reads the report flags and checks each path can be written (`OutputPaths.checkWritable`);
  /// `dumpFolder`'s summary.csv counts as one more report file.
  init(_ scanner: ArgumentScanner, dumpFolder: String? = nil) throws(UsageError) {
    jsonPath = scanner.value("--json")
    junitPath = scanner.value("--junit")
    markdownPath = scanner.value("--markdown")
    summaryCSVPath = scanner.value("--summary-csv")
    tap = scanner.isSet("--tap")
    let files: [(flag: String, path: String)] = [
      ("--json", jsonPath), ("--junit", junitPath), ("--markdown", markdownPath), ("--summary-csv", summaryCSVPath),
    ].compactMap { flag, path in path.map { (flag, $0) } }
    self.files = files
    if let dumpFolder {
      try OutputPaths.checkDistinct(files + [("--dump", dumpFolder + "/" + TrajectoryFiles.summaryName)])
      try OutputPaths.checkOutside(dumpFolder: dumpFolder, files)
    }
    try OutputPaths.checkDistinct(files)
    for (flag, path) in files {
      // In a dump folder descent is about to create (`--dump out --json out/r.json` on a clean
      // checkout): that folder is checked when it is made, before any report is opened.
      if let dumpFolder, OutputPaths.isDirectly(in: dumpFolder, path), !OutputPaths.exists(dumpFolder) { continue }
      try OutputPaths.checkWritable(path, flag: flag)
    }
  }

  /// The report files asked for; if one cannot be created, those already created are abandoned.
  func fileWriters() throws -> [any ReportWriter] {
    var writers: [any ReportWriter] = []
    do {
      if let jsonPath { writers.append(try JSONReportWriter(path: jsonPath)) }
      if let junitPath { writers.append(try JUnitReportWriter(path: junitPath)) }
      if let markdownPath { writers.append(try MarkdownReportWriter(path: markdownPath)) }
      if let summaryCSVPath { writers.append(try SummaryCSVWriter(path: summaryCSVPath)) }
    } catch {
      for writer in writers { writer.abandon() }
      throw error
    }
    return writers
  }

  /// TAP (stdout), GitHub annotations (with `GITHUB_ACTIONS=true`) and the console report, last.
  /// With `--tap`, stdout carries only TAP: the console report and annotations go to stderr.
  func streamWriters(terminal: Terminal, environment: [String: String], verbose: Bool) -> [any ReportWriter] {
    let messages: Terminal.Stream = tap ? .error : .output
    var writers: [any ReportWriter] = []
    if tap { writers.append(TAPWriter(terminal: terminal)) }
    if environment["GITHUB_ACTIONS"] == "true" {
      writers.append(GitHubAnnotationWriter(terminal: terminal, stream: messages))
    }
    writers.append(ConsoleWriter(terminal: terminal, stream: messages, verbose: verbose))
    return writers
  }
}

/// Checks made on output paths before anything runs, so a wrong path is a usage error (exit 2)
/// rather than a run thrown away at the end.
enum OutputPaths {
  /// A report file: not empty, not a folder (nor a link to one); a file to be replaced needs an
  /// existing, writable folder; a node written in place (`/dev/stdout`, a FIFO) must be writable.
  static func checkWritable(_ path: String, flag: String) throws(UsageError) {
    let target: AtomicFile.Target
    do {
      target = try AtomicFile.target(of: path)
    } catch {
      throw UsageError(path.isEmpty ? "\(flag): \(error.reason)" : "\(flag) \(path): \(error.reason)")
    }
    switch target {
    case .replace(let file):
      let folder = AtomicFile.folder(of: file)
      let shown = folder.isEmpty ? "." : String(folder.dropLast(folder.count > 1 ? 1 : 0))
      var info = stat()
      guard stat(folder.isEmpty ? "." : folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
        throw UsageError("\(flag) \(path): folder \(shown) does not exist")
      }
      guard access(folder.isEmpty ? "." : folder, W_OK | X_OK) == 0 else {
        throw UsageError("\(flag) \(path): folder \(shown) is not writable")
      }
    case .direct(let node):
      guard access(node, W_OK) == 0 else {
        throw UsageError("\(flag) \(path): not writable (\(String(cString: strerror(errno))))")
      }
    case .descriptor(let number):
      let flags = fcntl(number, F_GETFL)
      guard flags != -1 else { throw UsageError("\(flag) \(path): descriptor \(number) is not open") }
      guard flags & O_ACCMODE != O_RDONLY else {
        throw UsageError("\(flag) \(path): descriptor \(number) is open for reading only")
      }
    }
  }

  /// No two report flags may name the same file (after following symbolic links): one would
  /// silently replace the other. Outputs written in place (`/dev/null`) may be shared.
  static func checkDistinct(_ files: [(flag: String, path: String)]) throws(UsageError) {
    var seen: [String: String] = [:]
    for (flag, path) in files {
      guard case .replace(let file)? = try? AtomicFile.target(of: path) else { continue }
      let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
      if let other = seen[absolute] {
        throw UsageError("\(other) and \(flag) both write \(path); give each report its own file")
      }
      seen[absolute] = flag
    }
  }

  /// No report may be the `--dump` folder or a folder the dump would need above it: each such
  /// run used to end, after running, in exit 3. A report may lie in the dump folder beside what
  /// the dump writes there (`--dump out --json out/r.json`); see `checkClear(ofSuiteFolders:)`.
  static func checkOutside(dumpFolder: String, _ files: [(flag: String, path: String)]) throws(UsageError) {
    let folder = canonical(dumpFolder)
    for (flag, path) in files {
      guard case .replace(let file)? = try? AtomicFile.target(of: path) else { continue }
      let report = canonical(file)
      if report == folder {
        throw UsageError("\(flag) \(path) is the --dump folder; give the report a path outside it")
      }
      if report == "/" || folder.hasPrefix(report + "/") {
        throw UsageError(
          "\(flag) \(path): the --dump folder \(dumpFolder) would be inside it; give the report another path")
      }
    }
  }

  /// Once the suites are known: no report may be or lie in a suite's folder of the dump (where
  /// trajectories named from ids go, and a failed run removes what it made). The dump's
  /// summary.csv is kept clear by `checkDistinct`.
  static func checkClear(
    ofSuiteFolders suiteFolders: Set<String>, in dumpFolder: String, _ files: [(flag: String, path: String)]
  ) throws(UsageError) {
    let folder = canonical(dumpFolder)
    for (flag, path) in files {
      guard case .replace(let file)? = try? AtomicFile.target(of: path) else { continue }
      let report = canonical(file)
      guard folder == "/" || report.hasPrefix(folder + "/") else { continue }
      let inside = report.dropFirst(folder == "/" ? 1 : folder.count + 1)
      guard let first = inside.split(separator: "/").first, suiteFolders.contains(String(first)) else { continue }
      if first == inside {
        throw UsageError(
          "\(flag) \(path) is the --dump folder's \(first)/, where trajectories go; give the report another path")
      }
      throw UsageError(
        "\(flag) \(path) is inside the --dump folder's \(first)/, where trajectories go; "
          + "give the report a path outside it")
    }
  }

  /// Whether the report `path` is a file directly inside `folder`.
  static func isDirectly(in folder: String, _ path: String) -> Bool {
    guard case .replace(let file)? = try? AtomicFile.target(of: path) else { return false }
    let parent = AtomicFile.folder(of: file)
    return canonical(parent.isEmpty ? "." : parent) == canonical(folder)
  }

  /// Whether `path` names something that exists (a link, what it points to).
  static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// `path` made absolute, without `.` and `..`, with every symbolic link among its existing
  /// leading components resolved (the rest may not exist yet).
  static func canonical(_ path: String) -> String {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    var existing = absolute
    var missing: [Substring] = []
    while existing != "/" {
      if let resolved = realpath(existing, nil) {
        defer { free(resolved) }
        let base = String(cString: resolved)
        return missing.reversed().reduce(base) { ($0 == "/" ? "" : $0) + "/" + $1 }
      }
      let cut = existing.lastIndex(of: "/")!
      missing.append(existing[existing.index(after: cut)...])
      existing = cut == existing.startIndex ? "/" : String(existing[..<cut])
    }
    return absolute
  }

  /// `--dump DIR`: a folder, or nothing yet (made once the configs are valid); not empty; and
  /// its `summary.csv`, if present, must be a file.
  static func checkFolder(_ path: String) throws(UsageError) {
    guard !path.isEmpty else { throw UsageError("--dump: the path is empty") }
    var info = stat()
    guard stat(path, &info) == 0 else { return }
    guard info.st_mode & S_IFMT == S_IFDIR else { throw UsageError("--dump \(path): not a folder") }
    try checkWritable(path + "/" + TrajectoryFiles.summaryName, flag: "--dump")
  }

  /// Creates the dump folder (with its parents) if missing; it must end up a writable folder.
  static func makeFolder(_ path: String) throws(UsageError) {
    do {
      try Folders.make(path)
    } catch {
      throw UsageError("--dump \(path): \(error.reason)")
    }
    guard access(path, W_OK | X_OK) == 0 else {
      throw UsageError("--dump \(path): folder is not writable")
    }
  }
}
