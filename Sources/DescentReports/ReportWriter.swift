import DescentRunner

/// How a run ended, for the reports' trailers.
public struct RunEnding: Sendable {
  /// Complete, stopped by `--fail-fast`, or interrupted.
  public var reason: Runner.Ending
  /// Counts of the instances reported.
  public var summary: ResultSummary
  /// Instances the run set out to execute (this shard's share when sharded).
  public var expected: Int
  /// Run-level facts that differ between runs of the same configs (timing, jobs, shard): the
  /// JSON document's `run` member, kept apart from the deterministic records.
  public var run: JSONValue
  /// Report files of this run that cannot say in themselves that it was incomplete (summary
  /// CSVs): the console names them when the run is incomplete.
  public var unmarkedFiles: [String]

  public init(
    reason: Runner.Ending, summary: ResultSummary, expected: Int, run: JSONValue, unmarkedFiles: [String] = []
  ) {
    self.reason = reason
    self.summary = summary
    self.expected = expected
    self.run = run
    self.unmarkedFiles = unmarkedFiles
  }

  /// One sentence for incomplete runs ("interrupted: 40 of 100 instances ran"), nil when complete.
  public var incompleteNote: String? {
    switch reason {
    case .complete: nil
    case .interrupted: "interrupted after \(summary.total) of \(expected) instances; the rest are not reported"
    case .failFast:
      "stopped after the first failure (--fail-fast): \(summary.total) of \(expected) instances reported"
    }
  }

  /// `incompleteNote`, and which files hold only the reported instances without saying so:
  /// "…; out/summary.csv holds only the 40 reported". nil when complete.
  public var consoleNote: String? {
    guard let note = incompleteNote else { return nil }
    guard !unmarkedFiles.isEmpty else { return note }
    let files = unmarkedFiles.joined(separator: " and ")
    return note + "; \(files) hold\(unmarkedFiles.count == 1 ? "s" : "") only the \(summary.total) reported"
  }
}

/// Renders a record's part of a report. Pure, so workers can call it in parallel and leave the
/// delivering thread only the writing.
public typealias RecordRenderer = @Sendable (ResultRecord) -> String

/// A report that receives a run's records in id order and is put in place at the end.
///
/// `begin` comes first, then `write` for each record, then `close` and `finish` (the report is
/// complete) or `abandon` (nothing is left behind). A file report writes its last bytes in
/// `close` and hands back the rename that puts it in place; `ReportSet` renames the files of
/// all reports together, then calls `finish`, where stream reports (console, TAP) write their
/// trailers.
public protocol ReportWriter: AnyObject {
  /// The writer's per-record text, if it has one: `write` then gets `renderer(record)`, computed
  /// wherever the record was made.
  var renderer: RecordRenderer? { get }
  /// The file this report writes when it cannot mark an incomplete run inside it (a CSV has no
  /// place for a trailer); nil for reports that can, and for stream reports.
  var unmarkedFile: String? { get }
  func begin(_ header: RunHeader) throws
  /// Appends `record`; `rendered` is `renderer(record)` when the writer has a renderer.
  func write(_ record: ResultRecord, rendered: String?) throws
  /// Writes the report's last bytes; a file report closes its temporary file (complete, and
  /// fsynced) and returns the rename that puts it in place, without doing it.
  func close(_ ending: RunEnding) throws -> PendingRename?
  /// Called once the files of every report are in place (or, if one failed, none is).
  func finish(_ ending: RunEnding) throws
  func abandon()
}

extension ReportWriter {
  public var renderer: RecordRenderer? { nil }
  public var unmarkedFile: String? { nil }
  public func close(_ ending: RunEnding) throws -> PendingRename? { nil }
  public func finish(_ ending: RunEnding) throws {}
}

/// Hands every record to a set of report writers and keeps the run's counts.
public final class ReportSet {
  private let writers: [any ReportWriter]
  public private(set) var summary = ResultSummary()

  /// Begins every writer with `header` (abandoning all if one cannot begin).
  public init(header: RunHeader, writers: [any ReportWriter]) throws {
    self.writers = writers
    do {
      for writer in writers { try writer.begin(header) }
    } catch {
      abandon()
      throw error
    }
  }

  /// Each writer's renderer (nil for writers without one), in writer order.
  public var renderers: [RecordRenderer?] { writers.map(\.renderer) }

  /// Passes `record` to every writer, with each writer's rendering: from `rendered` (made by
  /// `renderers` elsewhere, e.g. on a worker thread) or made here.
  public func write(_ record: ResultRecord, rendered: [String?]? = nil) throws {
    summary.add(record.status)
    for (index, writer) in writers.enumerated() {
      try writer.write(record, rendered: rendered.map { $0[index] } ?? writer.renderer?(record))
    }
  }

  /// Completes every report as one group: every file report writes and closes its temporary
  /// file first; only when all have succeeded are the files renamed into place, back to back
  /// (`PendingRename.commitAll`, which a forced exit waits for). So either every report file of
  /// the run is replaced or — if one could not be completed — none is. Then the stream reports
  /// finish (the console last), even after a failure; the first failure is rethrown at the end.
  public func finish(reason: Runner.Ending, expected: Int, run: JSONValue) throws {
    let ending = RunEnding(
      reason: reason, summary: summary, expected: expected, run: run,
      unmarkedFiles: writers.compactMap(\.unmarkedFile))
    var firstError: (any Error)?
    var renames: [PendingRename] = []
    for writer in writers {
      do {
        if let rename = try writer.close(ending) { renames.append(rename) }
      } catch {
        firstError = error
        break
      }
    }
    if firstError == nil {
      do {
        try PendingRename.commitAll(renames)
      } catch {
        firstError = error
      }
    } else {
      for rename in renames { rename.discard() }
      for writer in writers { writer.abandon() }
    }
    for writer in writers {
      do {
        try writer.finish(ending)
      } catch {
        writer.abandon()
        if firstError == nil { firstError = error }
      }
    }
    if let firstError { throw firstError }
  }

  /// Abandons every writer: no report file is left behind.
  public func abandon() {
    for writer in writers { writer.abandon() }
  }
}
