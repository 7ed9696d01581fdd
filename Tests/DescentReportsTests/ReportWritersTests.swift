import DescentRunner
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import DescentReports

/// An instance record as `descent run --json` writes it (abridged to what reports read).
func record(
  _ ordinal: Int, id: String, suite: String = "s", scenario: String = "a", status: String = "passed",
  failures: [(key: String, reason: String)] = [], error: String? = nil, regime: String? = "monotone"
) throws -> ResultRecord {
  let expectations = failures.map { failure in
    JSONValue.object([
      ("key", .string(failure.key)), ("passed", .bool(false)), ("reason", .string(failure.reason)),
      ("line", .integer(9)), ("column", .integer(13)),
    ])
  }
  return try ResultRecord(
    json: .object([
      ("index", .integer(ordinal)), ("id", .string(id)), ("suite", .string(suite)), ("scenario", .string(scenario)),
      ("description", .null), ("file", .string("cfg/s.yaml")), ("line", .integer(7)), ("column", .integer(5)),
      (
        "settings",
        .object([
          ("landscape", .string("ravine")), ("start", .numbers([-4, 1])), ("optimizer", .string("sgd")),
          ("lr", .string("0.009")), ("seed", .string("42")),
        ])
      ),
      ("status", .string(status)), ("regime", regime.map { .string($0) } ?? .null), ("converged", .bool(false)),
      ("steps_to_tolerance", .null), ("steps_taken", .integer(200)),
      (
        "metrics",
        .object([("final_loss", .number(0.25)), ("final_error", .number(1e-3)), ("final_gradient_norm", .null)])
      ),
      ("expectations", .array(expectations)), ("error", error.map { .string($0) } ?? .null),
    ]))
}

let header = RunHeader(
  suites: [
    try! SuiteRecord(
      json: .object([
        ("name", .string("s")), ("description", .null), ("file", .string("cfg/s.yaml")), ("seed", .string("0")),
        ("config_hash", .string("00000000000000ff")), ("instances", .integer(3)), ("selected", .integer(3)),
      ]))
  ], filter: [], selected: 3)

/// A test folder that is removed afterwards.
func withFolder(_ body: (String) throws -> Void) throws {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try body(folder.path)
}

func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

@Suite struct JUnitReportTests {
  @Test func testcasesCarryFailuresErrorsAndReproducingDetails() throws {
    let passed = try record(0, id: "s/a[lr=0.1]")
    let failed = try record(
      1, id: "s/a[lr=0.2]", status: "failed",
      failures: [
        ("regime", "expected regime monotone, measured zigzag"),
        ("converged", "expected converged true, measured false"),
      ])
    let error = try record(2, id: "s/b", status: "error", error: "no minimizer & no <minimum>", regime: nil)
    #expect(
      JUnitReportWriter.testcase(passed) == "    <testcase name=\"s/a[lr=0.1]\" classname=\"s\" time=\"0.000\"/>\n")
    #expect(
      JUnitReportWriter.testcase(failed) == """
            <testcase name="s/a[lr=0.2]" classname="s" time="0.000">
              <failure message="expected regime monotone, measured zigzag; expected converged true, measured false" type="regime">cfg/s.yaml:9:13: expected regime monotone, measured zigzag
        cfg/s.yaml:9:13: expected converged true, measured false
        landscape ravine · start [-4,1] · optimizer sgd · lr 0.009 · seed 42</failure>
            </testcase>

        """)
    #expect(
      JUnitReportWriter.testcase(error) == """
            <testcase name="s/b" classname="s" time="0.000">
              <error message="no minimizer &amp; no &lt;minimum&gt;" type="could-not-run">cfg/s.yaml:7:5: no minimizer &amp; no &lt;minimum&gt;
        landscape ravine · start [-4,1] · optimizer sgd · lr 0.009 · seed 42</error>
            </testcase>

        """)
  }

  @Test func documentCountsEachSuiteAndMarksAnInterruptedRun() throws {
    try withFolder { folder in
      let path = folder + "/r.xml"
      let reports = try ReportSet(header: header, writers: [JUnitReportWriter(path: path)])
      try reports.write(record(0, id: "s/a[lr=0.1]"))
      try reports.write(record(1, id: "s/a[lr=0.2]", status: "failed", failures: [("regime", "expected x")]))
      try reports.finish(reason: .interrupted, expected: 3, run: .null)
      #expect(
        try contents(path) == """
          <?xml version="1.0" encoding="UTF-8"?>
          <testsuites>
            <testsuite name="s" package="s" id="0" timestamp="1970-01-01T00:00:00" hostname="localhost" tests="2" failures="1" errors="0" skipped="0" time="0.000">
              <properties>
                <property name="file" value="cfg/s.yaml"/>
                <property name="config_hash" value="00000000000000ff"/>
                <property name="seed" value="0"/>
                <property name="optimizer" value="sgd"/>
              </properties>
              <testcase name="s/a[lr=0.1]" classname="s" time="0.000"/>
              <testcase name="s/a[lr=0.2]" classname="s" time="0.000">
                <failure message="expected x" type="regime">cfg/s.yaml:9:13: expected x
          landscape ravine · start [-4,1] · optimizer sgd · lr 0.009 · seed 42</failure>
              </testcase>
              <system-out/>
              <system-err>descent interrupted after 2 of 3 instances; the rest are not reported</system-err>
            </testsuite>
          </testsuites>

          """)
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder)
      #expect(leftovers == ["r.xml"], "the spool file is gone")
    }
  }
}

/// A file report whose file cannot be completed (as when the disk fills at the end).
private final class FailingFileWriter: ReportWriter {
  struct Failure: Error {}
  func begin(_ header: RunHeader) throws {}
  func write(_ record: ResultRecord, rendered: String?) throws {}
  func close(_ ending: RunEnding) throws -> PendingRename? { throw Failure() }
  func abandon() {}
}

/// Records the ending `finish` received.
private final class EndingRecorder: ReportWriter {
  var ending: RunEnding?
  func begin(_ header: RunHeader) throws {}
  func write(_ record: ResultRecord, rendered: String?) throws {}
  func finish(_ ending: RunEnding) throws { self.ending = ending }
  func abandon() {}
}

@Suite struct ReportSetTests {
  private func writeRun(_ folder: String, extra: [any ReportWriter] = []) throws {
    let reports = try ReportSet(
      header: header,
      writers: [
        JSONReportWriter(path: folder + "/r.json"), JUnitReportWriter(path: folder + "/r.xml"),
        MarkdownReportWriter(path: folder + "/r.md"), SummaryCSVWriter(path: folder + "/summary.csv"),
      ] + extra)
    try reports.write(record(0, id: "s/a[lr=0.1]"))
    try reports.finish(reason: .complete, expected: 1, run: .null)
  }

  /// All the report files of a run are replaced, or — when one cannot be completed — none.
  @Test func reportsAreReplacedAllTogetherOrNotAtAll() throws {
    try withFolder { folder in
      for name in ["r.json", "r.xml", "r.md", "summary.csv"] { try AtomicFile.write("old\n", to: folder + "/" + name) }
      let recorder = EndingRecorder()
      #expect(throws: FailingFileWriter.Failure.self) {
        try writeRun(folder, extra: [FailingFileWriter(), recorder])
      }
      for name in ["r.json", "r.xml", "r.md", "summary.csv"] {
        #expect(try contents(folder + "/" + name) == "old\n", "\(name) is untouched")
      }
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
          "r.json", "r.md", "r.xml", "summary.csv",
        ])
      #expect(recorder.ending?.summary.passed == 1, "stream reports still finish")

      try writeRun(folder)
      #expect(try contents(folder + "/r.json").hasPrefix("{\n  \"schema\": \"descent-results\""))
      #expect(try contents(folder + "/r.xml").hasPrefix("<?xml"))
      #expect(try contents(folder + "/r.md").hasPrefix("### ✅ descent: 1 passed, 0 failed"))
      #expect(try contents(folder + "/summary.csv").hasPrefix("index,id,"))
    }
  }

  /// summary.csv has no room for a trailer, so the console names it when a run is incomplete.
  @Test func theConsoleNamesTheFilesThatCannotSayTheRunWasIncomplete() throws {
    try withFolder { folder in
      let recorder = EndingRecorder()
      let reports = try ReportSet(
        header: header,
        writers: [
          JSONReportWriter(path: folder + "/r.json"), SummaryCSVWriter(path: folder + "/summary.csv"), recorder,
        ])
      try reports.write(record(0, id: "s/a[lr=0.1]"))
      try reports.finish(reason: .interrupted, expected: 3, run: .null)
      let ending = try #require(recorder.ending)
      #expect(ending.unmarkedFiles == [folder + "/summary.csv"])
      #expect(
        ending.consoleNote
          == "interrupted after 1 of 3 instances; the rest are not reported; \(folder)/summary.csv holds only the 1 reported"
      )
      #expect(
        RunEnding(reason: .complete, summary: ResultSummary(), expected: 0, run: .null, unmarkedFiles: ["x.csv"])
          .consoleNote == nil)
    }
  }
}

@Suite struct StreamReportTests {
  @Test func annotationsAreEscapedAndCappedAtTen() throws {
    let failure = try record(
      0, id: "s/a[lr=0.1,start=[1]]", status: "failed", failures: [("regime", "100% off\nsecond line")])
    #expect(
      GitHubAnnotationWriter.annotation(failure)
        == "::error file=cfg/s.yaml,line=7,col=5,title=s/a[lr=0.1%2Cstart=[1]]::100%25 off%0Asecond line")
  }

  @Test func markdownStaysUnderItsByteLimitAndCountsWhatItLeavesOut() throws {
    try withFolder { folder in
      let path = folder + "/summary.md"
      let limit = 4_000
      let reports = try ReportSet(header: header, writers: [MarkdownReportWriter(path: path, byteLimit: limit)])
      for index in 0..<100 {
        try reports.write(
          record(index, id: "s/a[k=\(index)]", status: "failed", failures: [("regime", "expected <a> | b")]))
      }
      try reports.finish(reason: .complete, expected: 100, run: .null)
      let text = try contents(path)
      #expect(text.utf8.count <= limit)
      #expect(
        text.hasPrefix("### ❌ descent: 0 passed, 100 failed\n\n| suite | file | passed | failed | errors | total |"))
      #expect(text.contains("| `s` | `cfg/s.yaml` | 0 | 100 | 0 | 100 |"))
      let shown = text.components(separatedBy: "<details>").count - 1
      #expect(shown > 0 && shown < 100)
      #expect(text.contains("\n\(100 - shown) more failures are not shown"))
      #expect(
        text.contains(
          "<details><summary>FAIL <code>s/a[k=0]</code>: expected &lt;a&gt; | b</summary>\n\n- `cfg/s.yaml:9:13` expected &lt;a&gt; | b\n"
        ))
    }
  }

  @Test func summaryCSVRowsQuoteWhatNeedsQuoting() throws {
    let failed = try record(3, id: "s/a[lr=0.1,start=[1]]", status: "failed", failures: [("regime", "expected \"x\"")])
    #expect(SummaryCSVWriter.header.hasPrefix("index,id,suite,scenario,status,regime,converged,"))
    #expect(
      SummaryCSVWriter.row(failed)
        == "3,\"s/a[lr=0.1,start=[1]]\",s,a,failed,monotone,false,,200,0.25,0.001,,42,s/a/lr=0.1%2Cstart=%5B1%5D.csv,\"expected \"\"x\"\"\"\n"
    )
  }
}

@Suite struct ProgressTests {
  @Test func colorOnlyOnATerminalWithoutNoColorOrDumbTerm() {
    func colored(_ environment: [String: String], terminal: Bool) -> String {
      Terminal(environment: environment, outputIsTerminal: terminal, errorIsTerminal: terminal)
        .colored("FAIL", .red, on: .output)
    }
    #expect(colored(["TERM": "xterm"], terminal: true) == "\u{1B}[31mFAIL\u{1B}[0m")
    #expect(colored(["TERM": "xterm"], terminal: false) == "FAIL")
    #expect(colored(["TERM": "xterm", "NO_COLOR": "1"], terminal: true) == "FAIL")
    #expect(
      colored(["TERM": "xterm", "NO_COLOR": ""], terminal: true) == "\u{1B}[31mFAIL\u{1B}[0m", "empty means unset")
    #expect(colored(["TERM": "dumb"], terminal: true) == "FAIL")
  }

  /// The progress line is drawn over itself with `\r` and ESC[2K; a dumb terminal (TERM=dumb)
  /// knows no escape sequence, so it gets `\r` and spaces over what is left of the last line.
  @Test func aDumbTerminalGetsNoEscapeSequences() {
    func drawn(_ term: String) -> String {
      let bytes = Mutex<[UInt8]>([])
      let terminal = Terminal(
        environment: ["TERM": term], outputIsTerminal: false, errorIsTerminal: true,
        errorSink: { written in bytes.withLock { $0 += written } })
      terminal.showProgress("[ 10%] 1/10")
      terminal.showProgress("[100%] 10/10 · 2 failed")
      terminal.showProgress("[100%] 10/10")
      terminal.write("FAIL s/a: reason", to: .error)
      return bytes.withLock { String(decoding: $0, as: UTF8.self) }
    }
    #expect(
      drawn("dumb")
        == "\r[ 10%] 1/10\r[100%] 10/10 · 2 failed\r[100%] 10/10           \r\(String(repeating: " ", count: 12))\r"
        + "FAIL s/a: reason\n")
    #expect(
      drawn("xterm-256color")
        == "\r\u{1B}[2K[ 10%] 1/10\r\u{1B}[2K[100%] 10/10 · 2 failed\r\u{1B}[2K[100%] 10/10\r\u{1B}[2K"
        + "FAIL s/a: reason\n")
  }

  @Test func progressLineShowsCountsRateEtaAndFailures() {
    #expect(
      ProgressDisplay.line(done: 4_200, total: 10_000, failures: 3, elapsedSeconds: 2)
        == "[ 42%] 4,200/10,000 · 2,100/s · ETA 0:03 · 3 failed")
    #expect(ProgressDisplay.line(done: 0, total: 1_234_567, failures: 0, elapsedSeconds: 0) == "[  0%] 0/1,234,567")
    #expect(
      ProgressDisplay.line(done: 1, total: 7_201, failures: 0, elapsedSeconds: 1)
        == "[  0%] 1/7,201 · 1/s · ETA 2:00:00")
  }
}

@Suite struct JUnitSchemaTests {
  /// Passed, failed and errored testcases, markup in names and messages, an interrupted run:
  /// all valid against JUnit.xsd.
  @Test(.enabled(if: ExternalTools.path(of: "xmllint") != nil, "xmllint is not installed"))
  func everyKindOfTestcaseValidatesAgainstTheSchema() throws {
    try withFolder { folder in
      let path = folder + "/r.xml"
      let reports = try ReportSet(header: header, writers: [JUnitReportWriter(path: path)])
      try reports.write(record(0, id: "s/a[name=<&>]"))
      try reports.write(
        record(1, id: "s/a[lr=0.2]", status: "failed", failures: [("regime", "expected \"a\" & 'b'\nline two\u{1}")]))
      try reports.write(record(2, id: "s/b", status: "error", error: "could not run", regime: nil))
      try reports.finish(reason: .interrupted, expected: 4, run: .null)
      let validation = try ExternalTools.validateJUnit(path)
      #expect(validation.exitCode == 0, "\(validation.stderr)")
      #expect(try contents(path).contains("<error message=\"could not run\" type=\"could-not-run\">"))
    }
  }
}
