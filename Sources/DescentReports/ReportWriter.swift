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

  public init(reason: Runner.Ending, summary: ResultSummary, expected: Int, run: JSONValue) {
    self.reason = reason
    self.summary = summary
    self.expected = expected
    self.run = run
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
}

/// Renders a record's part of a report. Pure, so workers can call it in parallel and leave the
/// delivering thread only the writing.
public typealias RecordRenderer = @Sendable (ResultRecord) -> String

/// A report that receives a run's records in id order and is put in place at the end.
///
/// `begin` comes first, then `write` for each record, then either `finish` (the report is
/// complete: written out, or committed atomically) or `abandon` (nothing is left behind).
public protocol ReportWriter: AnyObject {
  /// The writer's per-record text, if it has one: `write` then gets `renderer(record)`, computed
  /// wherever the record was made.
  var renderer: RecordRenderer? { get }
  func begin(_ header: RunHeader) throws
  /// Appends `record`; `rendered` is `renderer(record)` when the writer has a renderer.
  func write(_ record: ResultRecord, rendered: String?) throws
  func finish(_ ending: RunEnding) throws
  func abandon()
}

extension ReportWriter {
  public var renderer: RecordRenderer? { nil }
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

  /// Finishes every writer in order — files, then streams, the console last — even when one
  /// fails; the first failure is rethrown at the end.
  public func finish(reason: Runner.Ending, expected: Int, run: JSONValue) throws {
    let ending = RunEnding(reason: reason, summary: summary, expected: expected, run: run)
    var firstError: (any Error)?
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
