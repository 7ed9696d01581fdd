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
