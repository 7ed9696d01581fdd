import Foundation
import TestSupport
import Testing

/// The built binary, run as a user runs it: stdout, stderr and exit codes (issue 2, acceptance 6).
@Suite(.serialized) struct RunCommandTests {
  @Test func shippedSuitesPass() throws {
    let result = try DescentBinary.run(["run"])
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    let last = try #require(result.lines.last)
    #expect(
      last.range(of: #"^[1-9][0-9]* passed, 0 failed$"#, options: .regularExpression) != nil, "last line: \(last)")
  }

  @Test func failuresArePrintedWithTheirReasonAndExitOne() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write(
      "wrong.yaml",
      """
      suite: wrong
      scenarios:
        - name: ravine
          landscape: ravine
          start: [-4, 1]
          lr: 0.009
          expect: monotone
        - name: parabola
          landscape: parabola
          start: [1.5]
          lr: 0.5
          expect: one-shot
      """)
    let result = try DescentBinary.run(["run", file])
    #expect(result.exitCode == 1)
    #expect(result.lines == ["FAIL wrong/ravine: expected regime monotone, measured zigzag", "1 passed, 1 failed"])
  }

  @Test func misspelledKeyIsAPositionedErrorAndNothingRuns() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write(
      "typo.yaml",
      "suite: typo\nscenarios:\n  - name: a\n    landscape: ravine\n    start: [-4, 1]\n    optimiser: sgd\n")
    let result = try DescentBinary.run(["run", file, "--json", folder.path + "/out.json"])
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("\(file):6:5: error: unknown key 'optimiser' (did you mean 'optimizer'?)\n"))
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.json"), "nothing ran, nothing written")
  }

  @Test func yamlSyntaxErrorIsPositioned() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write("syntax.yaml", "suite: s\nscenarios:\n  - name: a\n    start: [1, 2\n  - name: b\n")
    let result = try DescentBinary.run(["run", file])
    #expect(result.exitCode == 2)
    #expect(
      result.stderr.hasPrefix(
        "\(file):5:9: error: did not find expected ',' or ']'\n\(file):4:12: note: while parsing a flow sequence\n"))
  }

  @Test func jsonRecordsAreIdenticalForAnyNumberOfJobs() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let one = folder.path + "/one.json"
    let two = folder.path + "/two.json"
    #expect(try DescentBinary.run(["run", "--jobs", "1", "--quiet", "--json", one]).exitCode == 0)
    #expect(try DescentBinary.run(["run", "--jobs", "2", "--quiet", "--json", two]).exitCode == 0)
    let recordsOne = try ResultDocument.instanceRecords(at: one)
    #expect(recordsOne.contains("\"id\":\"lesson-10.1/parabola-regimes[lr=0.5]\""))
    #expect(recordsOne == (try ResultDocument.instanceRecords(at: two)))
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: one))) as? [String: Any]
    #expect(document?["schema"] as? String == "descent-results")
    #expect(document?["version"] as? Int == 1)
  }

  @Test func nothingMatchingTheFilterExitsFive() throws {
    let result = try DescentBinary.run(["run", "--filter", "no-such-suite/*"])
    #expect(result.exitCode == 5)
    #expect(result.stderr.contains("no instance matches the filter no-such-suite/*"))
  }

  @Test func filterSelectsInstances() throws {
    let result = try DescentBinary.run(["run", "--filter", "lesson-10.1/parabola-regimes", "--verbose"])
    #expect(result.exitCode == 0)
    #expect(result.lines.first == "PASS lesson-10.1/parabola-regimes[lr=0.05] (monotone)")
    #expect(result.lines.last == "6 passed, 0 failed")
  }

  /// An output path that cannot be written is a usage error found before anything runs: exit
  /// 2, a message naming the flag, and no file or folder made.
  @Test func unwritableOutputPathsAreRefusedBeforeAnythingRuns() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let config = try folder.write(
      "configs/one.yaml", "suite: one\nscenarios:\n  - {name: a, landscape: parabola, start: [1], lr: 0.5}\n")
    try folder.write("taken/summary.csv/keep", "")
    let cases: [(arguments: [String], message: String)] = [
      (["--json", "configs"], "--json configs: is a folder, not a file"),
      (["--json", "configs/"], "--json configs/: names a folder, not a file"),
      (["--json", ""], "--json: the path is empty"),
      (["--junit", "missing/r.xml"], "--junit missing/r.xml: folder missing does not exist"),
      (
        ["--json", "r.json", "--markdown", "./r.json"],
        "--json and --markdown both write ./r.json; give each report its own file"
      ),
      (["--json", "a.json", "--json", "b.json"], "--json is given twice ('a.json' and 'b.json'); give it once"),
      (["--dump", config], "--dump \(config): not a folder"),
      (["--dump", ""], "--dump: the path is empty"),
      (["--dump", "taken"], "--dump taken/summary.csv: is a folder, not a file"),
      (
        ["--summary-csv", "d/summary.csv", "--dump", "d"],
        "--summary-csv and --dump both write d/summary.csv; give each report its own file"
      ),
    ]
    try expectUsageErrors(cases, prefix: ["run", "configs"], in: folder.path)
    let merge = try DescentBinary.run(["merge", "x.json", "--junit", "configs"], in: folder.path)
    #expect(merge.exitCode == 2)
    #expect(merge.stderr == "descent: --junit configs: is a folder, not a file\n")
    let everything = try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
    #expect(everything == ["configs", "configs/one.yaml", "taken", "taken/summary.csv", "taken/summary.csv/keep"])
  }

  /// A report that is the dump folder, would have to be a folder above it, or lies in a suite's
  /// folder of the dump is refused before anything runs (it used to run every instance, then
  /// exit 3), and nothing is made; beside the suites' folders, in the dump folder, is fine.
  @Test func aReportInOrAboveTheDumpFolderIsAUsageError() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "configs/one.yaml", "suite: one\nscenarios:\n  - {name: a, landscape: parabola, start: [1], lr: 0.5}\n")
    try FileManager.default.createDirectory(atPath: folder.path + "/real/one", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/link", withDestinationPath: "real")
    let cases: [(arguments: [String], message: String)] = [
      (["--dump", "P", "--json", "P"], "--json P is the --dump folder; give the report a path outside it"),
      (["--dump", "P/", "--junit", "./P"], "--junit ./P is the --dump folder; give the report a path outside it"),
      (
        ["--dump", "real", "--markdown", "link/../real/one/a.csv"],
        "--markdown link/../real/one/a.csv is inside the --dump folder's one/, where trajectories go; "
          + "give the report a path outside it"
      ),
      (
        ["--dump", "link", "--summary-csv", "real/one/sum.csv"],
        "--summary-csv real/one/sum.csv is inside the --dump folder's one/, where trajectories go; "
          + "give the report a path outside it"
      ),
      (
        ["--dump", "P", "--json", "P/one"],
        "--json P/one is the --dump folder's one/, where trajectories go; give the report another path"
      ),
      (
        ["--dump", "P/q", "--json", "P"],
        "--json P: the --dump folder P/q would be inside it; give the report another path"
      ),
    ]
    try expectUsageErrors(cases, prefix: ["run", "configs"], in: folder.path)
    let everything = try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
    #expect(everything == ["configs", "configs/one.yaml", "link", "real", "real/one"])
    let beside = try DescentBinary.run(["run", "configs", "--dump", "dump", "--json", "r.json"], in: folder.path)
    #expect(beside.exitCode == 0, "a report beside the dump folder is fine: \(beside.stderr)")
    let within = try DescentBinary.run(
      ["run", "configs", "--dump", "real", "--json", "real/r.json", "--junit", "link/junit.xml"], in: folder.path)
    #expect(within.exitCode == 0, "a report beside the suites' folders is fine: \(within.stderr)")
    let made = try FileManager.default.subpathsOfDirectory(atPath: folder.path + "/real").sorted()
    #expect(made == ["junit.xml", "one", "one/a.csv", "r.json", "summary.csv"])
    // A dump folder that does not exist yet may hold a report: descent makes it first.
    let fresh = try DescentBinary.run(["run", "configs", "--dump", "fresh", "--json", "fresh/r.json"], in: folder.path)
    #expect(fresh.exitCode == 0, "\(fresh.stderr)")
    let freshFiles = try FileManager.default.subpathsOfDirectory(atPath: folder.path + "/fresh").sorted()
    #expect(freshFiles == ["one", "one/a.csv", "r.json", "summary.csv"])
    let deeper = try DescentBinary.run(["run", "configs", "--dump", "new", "--json", "new/x/r.json"], in: folder.path)
    #expect(deeper.exitCode == 2)
    #expect(deeper.stderr == "descent: --json new/x/r.json: folder new/x does not exist\n")
  }

  /// A symbolic link stays a link (the file it names is replaced); `/dev/stdout` is written, not
  /// replaced.
  @Test func reportsFollowLinksAndWriteToStandardOutput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "configs/one.yaml", "suite: one\nscenarios:\n  - {name: a, landscape: parabola, start: [1], lr: 0.5}\n")
    try folder.write("out/real.json", "old\n")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/link.json", withDestinationPath: "out/real.json")
    let linked = try DescentBinary.run(["run", "configs", "--json", "link.json"], in: folder.path)
    #expect(linked.exitCode == 0, "\(linked.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.path + "/link.json") == "out/real.json")
    #expect(try ResultDocument.instanceRecords(at: folder.path + "/out/real.json").contains("\"id\":\"one/a\""))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/out") == ["real.json"])

    let standardOutput = try DescentBinary.run(["run", "configs", "--json", "/dev/stdout"], in: folder.path)
    #expect(standardOutput.exitCode == 0, "\(standardOutput.stderr)")
    #expect(standardOutput.stdout.hasPrefix("{\n  \"schema\": \"descent-results\",\n"))
    #expect(standardOutput.stdout.hasSuffix("}\n1 passed, 0 failed\n"))
    var info = stat()
    #expect(lstat("/dev/stdout", &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "/dev/stdout is still a link")
  }

  /// Scenario `a` dumps to `a.csv`; a swept scenario `a.csv` used to want a folder of that very
  /// name, and the run was lost (exit 3). Its folder is now `a%2Ecsv`.
  @Test func aScenarioNamedLikeAnotherScenariosDumpFileDumpsBeside() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let config = try folder.write(
      "clash.yaml",
      """
      suite: clash
      scenarios:
        - {name: a, landscape: parabola, start: [1], lr: 0.1, steps: 5}
        - {name: a.csv, landscape: parabola, start: [1], steps: 5, sweep: {lr: [0.1, 0.2]}}
      """)
    let result = try DescentBinary.run(["run", config, "--dump", "dc", "--json", "r.json"], in: folder.path)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.lines == ["3 passed, 0 failed"])
    #expect(
      try FileManager.default.subpathsOfDirectory(atPath: folder.path + "/dc").sorted() == [
        "clash", "clash/a%2Ecsv", "clash/a%2Ecsv/lr=0.1.csv", "clash/a%2Ecsv/lr=0.2.csv", "clash/a.csv", "summary.csv",
      ])
    let summary = try String(contentsOfFile: folder.path + "/dc/summary.csv", encoding: .utf8)
    #expect(summary.contains(",clash/a.csv,\n") && summary.contains(",clash/a%2Ecsv/lr=0.2.csv,\n"))
    #expect(FileManager.default.fileExists(atPath: folder.path + "/r.json"))
  }

  /// A run whose dump cannot be written (a folder sits where a trajectory goes) exits 3, writes
  /// no report, and leaves no empty folder it made behind.
  @Test func aFailedRunLeavesNoReportAndNoEmptyFolder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let config = try folder.write(
      "clash.yaml",
      """
      suite: clash
      scenarios:
        - {name: a, landscape: parabola, start: [1], lr: 0.1, steps: 5}
        - {name: b, landscape: parabola, start: [1], steps: 5, sweep: {lr: [0.1, 0.2]}}
      """)
    try FileManager.default.createDirectory(atPath: folder.path + "/dc/clash/a.csv", withIntermediateDirectories: true)
    let failed = try DescentBinary.run(
      ["run", config, "--dump", "dc", "--json", "r2.json", "--jobs", "1"], in: folder.path)
    #expect(failed.exitCode == 3)
    #expect(failed.stderr == "descent: cannot write dc/clash/a.csv: is a folder, not a file\n")
    #expect(!FileManager.default.fileExists(atPath: folder.path + "/r2.json"))
    // What was there before stays; clash/b, which this run made, is gone with its discarded dumps.
    #expect(
      try FileManager.default.subpathsOfDirectory(atPath: folder.path + "/dc").sorted() == ["clash", "clash/a.csv"])
  }

  /// Every flag but `--filter` is given at most once (README): an option given twice was always
  /// refused, a switch given twice used to be accepted.
  @Test func aFlagGivenTwiceIsAUsageError() throws {
    let cases: [(arguments: [String], message: String)] = [
      (["run", "--jobs", "2", "--jobs", "3"], "--jobs is given twice ('2' and '3'); give it once"),
      (["run", "--json=a.json", "--json", "b.json"], "--json is given twice ('a.json' and 'b.json'); give it once"),
      (["run", "--tap", "--tap"], "--tap is given twice; give it once"),
      (["run", "--quiet", "--fail-fast", "--quiet"], "--quiet is given twice; give it once"),
      (["merge", "r.json", "--verbose", "--verbose"], "--verbose is given twice; give it once"),
      (["list", "--count", "--count"], "--count is given twice; give it once"),
      (["theory", "ravine", "--nesterov", "--nesterov"], "--nesterov is given twice; give it once"),
    ]
    try expectUsageErrors(cases)
    let filters = try DescentBinary.run(["list", "--count", "--filter", "lesson-10.1", "--filter", "presets-tour"])
    #expect(filters.exitCode == 0, "--filter is repeatable: \(filters.stderr)")
  }

  @Test func usageErrorsExitTwo() throws {
    let unknownFlag = try DescentBinary.run(["run", "--jbos", "2"])
    #expect(unknownFlag.exitCode == 2)
    #expect(unknownFlag.stderr == "descent: unknown option '--jbos' (did you mean '--jobs'?)\n")
    let badJobs = try DescentBinary.run(["run", "--jobs", "zero"])
    #expect(badJobs.exitCode == 2)
    let unknownCommand = try DescentBinary.run(["rnu"])
    #expect(unknownCommand.exitCode == 2)
    #expect(unknownCommand.stderr.hasPrefix("descent: unknown command 'rnu' (did you mean 'run'?)"))
    let missingPath = try DescentBinary.run(["run", "no/such/file.yaml"])
    #expect(missingPath.exitCode == 2)
    #expect(missingPath.stderr.hasPrefix("descent: no/such/file.yaml: no such file or directory\n"))
  }
}

/// Runs `prefix + arguments` for each case and expects a usage error: exit 2, nothing on stdout,
/// and exactly `descent: <message>` on stderr.
private func expectUsageErrors(
  _ cases: [(arguments: [String], message: String)], prefix: [String] = [], in folder: String? = nil
) throws {
  for (arguments, message) in cases {
    let result = try DescentBinary.run(prefix + arguments, in: folder)
    #expect(result.exitCode == 2, "\(arguments)")
    #expect(result.stdout.isEmpty, "\(arguments): nothing ran")
    #expect(result.stderr == "descent: \(message)\n", "\(arguments)")
  }
}
