import DescentConfig
import DescentCore
import DescentRunner
import Dispatch
import Foundation

/// Runs a selection with the streaming runner and feeds its records, in id order, to a set of
/// reports — and, with `--dump`, each instance's trajectory to its own CSV.
public enum BatchRun {
  /// `--dump DIR [--dump-every K]`.
  public struct DumpOptions: Sendable {
    public var folder: String
    public var every: Int

    public init(folder: String, every: Int = 1) {
      self.folder = folder
      self.every = every
    }
  }

  public struct Options: Sendable {
    public var jobs: Int
    public var failFast: Bool
    public var dump: DumpOptions?

    public init(jobs: Int, failFast: Bool = false, dump: DumpOptions? = nil) {
      self.jobs = jobs
      self.failFast = failFast
      self.dump = dump
    }
  }

  /// Run-level facts for the JSON document's `run` member.
  public struct Facts: Sendable {
    public var descentVersion: String
    public var jobs: Int
    public var shard: Shard?
    /// Where the shard came from (`--shard auto`), or nil.
    public var shardSource: String?

    public init(descentVersion: String, jobs: Int, shard: Shard? = nil, shardSource: String? = nil) {
      self.descentVersion = descentVersion
      self.jobs = jobs
      self.shard = shard
      self.shardSource = shardSource
    }

    /// `{"descent_version":…,"jobs":…,"shard":…,"started_at":…,"duration_seconds":…}`.
    public func json(startedAt: Date, durationSeconds: Double) -> JSONValue {
      .object([
        ("descent_version", .string(descentVersion)), ("jobs", .integer(jobs)),
        (
          "shard",
          shard.map {
            .object([
              ("index", .integer($0.index)), ("count", .integer($0.count)), ("source", .string(shardSource)),
            ])
          } ?? .null
        ),
        ("started_at", .string(BatchRun.timestamp(startedAt))),
        ("duration_seconds", .number((durationSeconds * 1000).rounded() / 1000)),
      ])
    }
  }

  /// One finished instance on its way from a worker to the reports.
  struct Output: RunOutput {
    var record: ResultRecord
    /// Each report's rendering of the record (`ReportSet.renderers`), made on the worker.
    var rendered: [String?] = []
    /// The instance's trajectory CSV, complete and closed, to be put in place on delivery.
    var dump: PendingRename?
    var dumpFailure: AtomicFile.WriteError?
    var status: InstanceStatus { record.status }
  }

  /// Runs `selection`, writes every record to `reports` in id order, and finishes them; returns
  /// how the run ended. Reports are finished even when the run is interrupted (marked so); if
  /// writing fails, every report and pending dump is abandoned and the error rethrown.
  public static func run(
    _ selection: Selection, reports: ReportSet, options: Options, facts: Facts, cancellation: Cancellation? = nil,
    progress: RunProgress? = nil
  ) throws -> Runner.ExecutionSummary {
    let started = Date()
    let clock = DispatchTime.now()
    let folders = FolderMaker()
    let dump = options.dump
    let renderers = reports.renderers
    let summary: Runner.ExecutionSummary
    do {
      summary = try Runner.execute(
        count: selection.count, jobs: options.jobs, failFast: options.failFast, cancellation: cancellation,
        progress: progress
      ) { position in
        let (ordinal, instance) = selection.instance(at: position)
        var output =
          dump.map { runDumping(instance, ordinal: ordinal, options: $0, folders: folders) }
          ?? Output(record: ResultRecord(Runner.run(instance), ordinal: ordinal))
        output.rendered = renderers.map { $0?(output.record) }
        output.record = output.record.droppingJSON()
        return output
      } discard: { output in
        output.dump?.discard()
      } deliver: { output in
        if let failure = output.dumpFailure { throw failure }
        try output.dump?.commit()
        try reports.write(output.record, rendered: output.rendered)
      }
    } catch {
      reports.abandon()
      ScratchFiles.process.removeEmptyFolders()
      throw error
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
    do {
      try reports.finish(
        reason: summary.ending, expected: selection.count, run: facts.json(startedAt: started, durationSeconds: seconds)
      )
    } catch {
      ScratchFiles.process.removeEmptyFolders()
      throw error
    }
    return summary
  }

  /// Runs `instance`, then streams its trajectory to a temporary CSV in the dump folder (a second,
  /// identical run: runs are pure, and the dump's observer stays out of `Runner.run`).
  static func runDumping(
    _ instance: Instance, ordinal: Int, options: DumpOptions, folders: FolderMaker
  ) -> Output {
    let record = ResultRecord(Runner.run(instance), ordinal: ordinal)
    let relative = TrajectoryFiles.relativePath(id: instance.id, suite: instance.suite, scenario: instance.scenario)
    let path = options.folder + "/" + relative
    do {
      try folders.make(String(path[..<path.lastIndex(of: "/")!]))
      var writer = TrajectoryCSVWriter(
        stream: try AtomicFileStream(path: path, durable: false),
        variableNames: instance.problem.landscape.landscape.variableNames, every: options.every)
      // An instance that cannot run (its record says why) leaves a dump with the header only.
      try? Runner.trace(instance, observer: &writer)
      return Output(record: record, dump: try writer.finish())
    } catch {
      return Output(record: record, dumpFailure: error)
    }
  }

  /// `2025-01-31T12:00:00Z` (UTC, whole seconds).
  static func timestamp(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
      + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }
}
