import DescentRunner

/// TAP 14 on a stream (`--tap`, stdout): `TAP version 14`, one test point per instance as it
/// arrives (`ok 1 - id`, or `not ok 2 - id` with a YAML diagnostic block), and the plan `1..N`
/// at the end; an interrupted run ends with `Bail out!`.
public final class TAPWriter: ReportWriter {
  private let terminal: Terminal
  private let stream: Terminal.Stream
  private var number = 0

  public init(terminal: Terminal, stream: Terminal.Stream = .output) {
    self.terminal = terminal
    self.stream = stream
  }

  public func begin(_ header: RunHeader) throws {
    terminal.write("TAP version 14", to: stream)
    try terminal.check(stream)
  }

  public func write(_ record: ResultRecord, rendered: String?) throws {
    number += 1
    let description = ReportText.tapDescription(record.id)
    guard record.status != .passed else {
      terminal.write("ok \(number) - \(description)", to: stream)
      try terminal.check(stream)
      return
    }
    var lines = ["not ok \(number) - \(description)", "  ---"]
    func yaml(_ key: String, _ value: String) { lines.append("  \(key): " + JSONValue.string(value).serialized()) }
    yaml("message", record.reasons.joined(separator: "; "))
    yaml("severity", record.status == .error ? "error" : "fail")
    let place = record.failures.first.map { ($0.line, $0.column) } ?? (record.line, record.column)
    yaml("at", "\(record.file):\(place.0):\(place.1)")
    yaml("settings", InstanceDetails.text(record))
    lines.append("  ...")
    terminal.write(lines, to: stream)
    try terminal.check(stream)
  }

  public func finish(_ ending: RunEnding) throws {
    switch ending.reason {
    case .interrupted:
      terminal.write("Bail out! descent \(ending.incompleteNote ?? "interrupted")", to: stream)
    case .failFast:
      terminal.write(["# \(ending.incompleteNote ?? "")", "1..\(number)"], to: stream)
    case .complete:
      terminal.write("1..\(number)", to: stream)
    }
    terminal.flush()
    try terminal.check(stream)
  }

  public func abandon() { terminal.flush() }
}

/// GitHub Actions error annotations (`GITHUB_ACTIONS=true`): `::error file=…,line=…,title=…::…`
/// pointing at each failing instance's scenario (or case), escaped as actions/toolkit escapes
/// them. GitHub shows at most 10 error annotations per step, so the first 10 failures are
/// annotated and a notice counts the rest.
public final class GitHubAnnotationWriter: ReportWriter {
  /// GitHub's limit of error annotations per step.
  public static let maximumAnnotations = 10

  private let terminal: Terminal
  private let stream: Terminal.Stream
  private var annotated = 0
  private var skipped = 0

  public init(terminal: Terminal, stream: Terminal.Stream = .output) {
    self.terminal = terminal
    self.stream = stream
  }

  public func begin(_ header: RunHeader) throws {}

  public func write(_ record: ResultRecord, rendered: String?) throws {
    guard record.status != .passed else { return }
    guard annotated < Self.maximumAnnotations else {
      skipped += 1
      return
    }
    annotated += 1
    terminal.write(Self.annotation(record), to: stream)
    try terminal.check(stream)
  }

  public func finish(_ ending: RunEnding) throws {
    if skipped > 0 {
      terminal.write(
        "::notice title=descent::"
          + ReportText.annotationMessage(
            "\(skipped) more failing instance\(skipped == 1 ? " is" : "s are") not annotated (GitHub shows \(Self.maximumAnnotations) error annotations per step); see the job summary or the JUnit report"
          ), to: stream)
    }
    try terminal.check(stream)
  }

  public func abandon() {}

  /// `::error file=F,line=L,col=C,title=ID::reasons`.
  static func annotation(_ record: ResultRecord) -> String {
    "::error file=\(ReportText.annotationProperty(record.file)),line=\(record.line),col=\(record.column)"
      + ",title=\(ReportText.annotationProperty(record.id))::"
      + ReportText.annotationMessage(record.reasons.joined(separator: "\n"))
  }
}

/// The console report as records arrive: `FAIL`/`ERROR` lines (and `PASS` lines with
/// `--verbose`), then — always, and last — `N passed, N failed`.
public final class ConsoleWriter: ReportWriter {
  private let terminal: Terminal
  private let stream: Terminal.Stream
  private let verbose: Bool

  public init(terminal: Terminal, stream: Terminal.Stream = .output, verbose: Bool = false) {
    self.terminal = terminal
    self.stream = stream
    self.verbose = verbose
  }

  public func begin(_ header: RunHeader) throws {}

  public func write(_ record: ResultRecord, rendered: String?) throws {
    if let line = ConsoleReport.failureLine(record) {
      let word = record.status == .error ? "ERROR" : "FAIL"
      terminal.write(terminal.colored(word, .red, on: stream) + line.dropFirst(word.count), to: stream)
    } else if verbose {
      terminal.write(ConsoleReport.passLine(record), to: stream)
    }
    try terminal.check(stream)
  }

  public func finish(_ ending: RunEnding) throws {
    if let note = ending.consoleNote { terminal.write("descent: \(note)", to: .error) }
    terminal.write(ConsoleReport.summaryLine(ending.summary), to: stream)
    terminal.flush()
    try terminal.check(stream)
  }

  public func abandon() { terminal.flush() }
}
