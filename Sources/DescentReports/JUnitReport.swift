import DescentCore

/// Writes JUnit XML (`--junit`) valid against the windyroad `JUnit.xsd` that GitHub reporters,
/// GitLab and Jenkins parse: one `testsuite` per suite, one `testcase` per instance
/// (`classname` = suite, `name` = instance id), `failure` for failed expectations, `error` for
/// instances that could not run.
///
/// The document is a function of the results alone, so `--jobs N` and merged shards give the
/// same bytes: every `time` is `0.000`, `timestamp` is `1970-01-01T00:00:00` and `hostname` is
/// `localhost` (wall-clock time lives in the JSON document's `run` member). See docs/results.md.
///
/// Counts are attributes of each `testsuite`'s start tag, known only at the end, so testcases are
/// spooled to a scratch file beside the report and copied into place by `finish`: memory stays
/// flat whatever the number of instances.
public final class JUnitReportWriter: ReportWriter {
  /// Written for every `time` attribute (see the type's documentation).
  public static let reportedTime = ReportText.seconds(0)
  /// Written for every `timestamp` attribute.
  public static let reportedTimestamp = "1970-01-01T00:00:00"
  /// At most this many distinct optimizers are listed as properties of a suite.
  static let maximumOptimizerProperties = 20

  private struct SuiteState {
    var record: SuiteRecord
    var tests = 0
    var failures = 0
    var errors = 0
    var spool: Range<Int>?
    var optimizers: [String] = []
  }

  private let stream: AtomicFileStream
  private let spool: SpoolFile
  private var suites: [SuiteState] = []
  private var suiteIndex: [String: Int] = [:]

  public init(path: String) throws {
    stream = try AtomicFileStream(path: path)
    do {
      spool = try SpoolFile(for: stream)
    } catch {
      stream.abandon()
      throw error
    }
  }

  public func begin(_ header: RunHeader) throws {
    suites = header.suites.map { SuiteState(record: $0) }
    for (index, suite) in header.suites.enumerated() { suiteIndex[suite.name] = index }
  }

  public var renderer: RecordRenderer? { { Self.testcase($0) } }

  public func write(_ record: ResultRecord, rendered: String?) throws {
    guard let index = suiteIndex[record.suite] else {
      throw ReportInputError("instance \(record.id) belongs to suite '\(record.suite)', which the run does not list")
    }
    let start = spool.size
    try spool.write(rendered ?? Self.testcase(record))
    var state = suites[index]
    state.tests += 1
    switch record.status {
    case .passed: break
    case .failed: state.failures += 1
    case .error: state.errors += 1
    }
    state.spool = (state.spool?.lowerBound ?? start)..<spool.size
    if !state.optimizers.contains(record.optimizer) && state.optimizers.count < Self.maximumOptimizerProperties {
      state.optimizers.append(record.optimizer)
    }
    suites[index] = state
  }

  public func close(_ ending: RunEnding) throws -> PendingRename? {
    try stream.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n")
    var id = 0
    for suite in suites where suite.record.selected > 0 {
      let name = ReportText.xml(suite.record.name, attribute: true)
      try stream.write(
        "  <testsuite name=\"\(name)\" package=\"\(name)\" id=\"\(id)\" timestamp=\"\(Self.reportedTimestamp)\""
          + " hostname=\"localhost\" tests=\"\(suite.tests)\" failures=\"\(suite.failures)\""
          + " errors=\"\(suite.errors)\" skipped=\"0\" time=\"\(Self.reportedTime)\">\n")
      id += 1
      var properties = [
        ("file", suite.record.file), ("config_hash", suite.record.configHash), ("seed", suite.record.seed),
      ]
      properties += suite.optimizers.map { ("optimizer", $0) }
      try stream.write("    <properties>\n")
      for (key, value) in properties {
        try stream.write(
          "      <property name=\"\(key)\" value=\"\(ReportText.xml(value, attribute: true))\"/>\n")
      }
      try stream.write("    </properties>\n")
      if let range = suite.spool { try spool.copy(range, to: stream) }
      try stream.write("    <system-out/>\n")
      if let note = ending.incompleteNote {
        try stream.write("    <system-err>descent \(ReportText.xml(note))</system-err>\n")
      } else {
        try stream.write("    <system-err/>\n")
      }
      try stream.write("  </testsuite>\n")
    }
    try stream.write("</testsuites>\n")
    spool.remove()
    return try stream.close()
  }

  public func abandon() {
    stream.abandon()
    spool.remove()
  }

  /// The `testcase` element of one record.
  static func testcase(_ record: ResultRecord) -> String {
    let opening =
      "    <testcase name=\"\(ReportText.xml(record.id, attribute: true))\""
      + " classname=\"\(ReportText.xml(record.suite, attribute: true))\" time=\"\(reportedTime)\""
    let element: String
    let type: String
    switch record.status {
    case .passed: return opening + "/>\n"
    case .failed:
      element = "failure"
      type = record.failures.first?.key ?? "expectation"
    case .error:
      element = "error"
      type = "could-not-run"
    }
    let message = ReportText.truncated(record.reasons.joined(separator: "; "), to: 1000)
    var body: [String] = []
    if record.status == .error {
      body.append("\(record.file):\(record.line):\(record.column): \(record.error ?? "could not run")")
    } else {
      body += record.failures.map { "\(record.file):\($0.line):\($0.column): \($0.reason)" }
    }
    body.append(InstanceDetails.text(record))
    return opening + ">\n"
      + "      <\(element) message=\"\(ReportText.xml(message, attribute: true))\" type=\"\(type)\">"
      + ReportText.xml(body.joined(separator: "\n")) + "</\(element)>\n"
      + "    </testcase>\n"
  }
}

/// The settings that reproduce an instance, in one line: shown with every failure.
enum InstanceDetails {
  /// `landscape ravine · start [-4,1] · optimizer sgd · lr 0.009 · seed 123`.
  static func text(_ record: ResultRecord) -> String {
    "landscape \(record.landscape) · start \(NumberText.list(record.start)) · optimizer \(record.optimizer)"
      + " · lr \(record.learningRate) · seed \(record.seed)"
  }
}
