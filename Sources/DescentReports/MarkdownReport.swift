import DescentCore
import DescentRunner

/// Writes a GitHub-flavored Markdown summary (`--markdown`) sized for `$GITHUB_STEP_SUMMARY`:
/// a heading with the console's `N passed, N failed`, a table per suite, then each failure in a
/// `<details>` block, in id order, until the byte budget is spent (GitHub refuses a step summary
/// over 1 MiB); the rest are counted, not shown.
///
/// Like the JUnit report it is a function of the results alone (no timing), so merged shards
/// write the same bytes as an unsharded run.
public final class MarkdownReportWriter: ReportWriter {
  /// The most bytes the report may have: under GitHub's 1024 KiB step-summary limit.
  public static let defaultByteLimit = 1_000_000
  /// The most characters of reasons shown for one failure.
  static let maximumReasonCharacters = 2_000

  private let stream: AtomicFileStream
  private let byteLimit: Int
  private var header = RunHeader(suites: [], filter: [], selected: 0)
  private var counts: [String: ResultSummary] = [:]
  /// The failure blocks that fit the budget, in id order.
  private var failureBlocks: [String] = []
  private var failureBytes = 0
  private var omittedFailures = 0

  public init(path: String, byteLimit: Int = MarkdownReportWriter.defaultByteLimit) throws {
    stream = try AtomicFileStream(path: path)
    self.byteLimit = byteLimit
  }

  public func begin(_ header: RunHeader) throws {
    self.header = header
  }

  public func write(_ record: ResultRecord, rendered: String?) throws {
    counts[record.suite, default: ResultSummary()].add(record.status)
    guard record.status != .passed else { return }
    // Once one failure did not fit, the rest are only counted (they stay in id order).
    guard omittedFailures == 0 else {
      omittedFailures += 1
      return
    }
    let block = Self.failureBlock(record)
    // Room is kept for the heading, the table and the closing note (budgeted in `finish`).
    if omittedFailures == 0 && failureBytes + block.utf8.count <= byteLimit / 2 {
      failureBlocks.append(block)
      failureBytes += block.utf8.count
    } else {
      omittedFailures += 1
    }
  }

  public func close(_ ending: RunEnding) throws -> PendingRename? {
    try stream.write(
      Self.document(
        header: header, ending: ending, counts: counts, failureBlocks: failureBlocks,
        omittedFailures: omittedFailures, byteLimit: byteLimit))
    return try stream.close()
  }

  public func abandon() { stream.abandon() }

  static func document(
    header: RunHeader, ending: RunEnding, counts: [String: ResultSummary], failureBlocks: [String],
    omittedFailures: Int, byteLimit: Int
  ) -> String {
    let summary = ending.summary
    let mark = ending.reason != .complete ? "⏹️" : summary.unsuccessful == 0 ? "✅" : "❌"
    var text = "### \(mark) descent: \(ConsoleReport.summaryLine(summary))\n\n"
    if let note = ending.incompleteNote { text += "> [!WARNING]\n> Run \(note).\n\n" }
    text += "| suite | file | passed | failed | errors | total |\n|---|---|--:|--:|--:|--:|\n"
    var tableBytes = 0
    var omittedRows = 0
    for suite in header.suites where suite.selected > 0 {
      let count = counts[suite.name] ?? ResultSummary()
      let row =
        "| `\(ReportText.markdownCell(suite.name))` | `\(ReportText.markdownCell(suite.file))` | \(count.passed)"
        + " | \(count.failed) | \(count.errors) | \(count.total) |\n"
      if tableBytes + row.utf8.count > byteLimit / 4 {
        omittedRows += 1
        continue
      }
      text += row
      tableBytes += row.utf8.count
    }
    if omittedRows > 0 { text += "\n\(omittedRows) more suites are not listed.\n" }
    let failures = summary.unsuccessful
    if failures > 0 {
      text += "\n#### Failures\n\n"
      text += failureBlocks.joined()
      if omittedFailures > 0 {
        text +=
          "\n\(omittedFailures) more failure\(omittedFailures == 1 ? " is" : "s are") not shown (this summary stays"
          + " under GitHub's 1 MiB step-summary limit); the JUnit and JSON reports list every instance.\n"
      }
    }
    return text
  }

  /// One failure: its id and first reason as the summary line, then every reason with its place
  /// and the settings that reproduce it.
  static func failureBlock(_ record: ResultRecord) -> String {
    let word = record.status == .error ? "ERROR" : "FAIL"
    let headline = ReportText.truncated(record.reasons.first ?? "", to: 200)
    var lines: [String] = []
    if record.status == .error {
      lines.append("`\(record.file):\(record.line):\(record.column)` \(record.error ?? "could not run")")
    } else {
      lines += record.failures.map { "`\(record.file):\($0.line):\($0.column)` \($0.reason)" }
    }
    var body = lines.map { "- " + ReportText.html($0) }.joined(separator: "\n")
    body = ReportText.truncated(body, to: maximumReasonCharacters)
    return "<details><summary>\(word) <code>\(ReportText.html(record.id))</code>: \(ReportText.html(headline))"
      + "</summary>\n\n\(body)\n- \(ReportText.html(InstanceDetails.text(record)))\n\n</details>\n"
  }
}
