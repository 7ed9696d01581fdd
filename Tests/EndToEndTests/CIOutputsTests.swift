import Foundation
import TestSupport
import Testing

/// 400 crawling instances of 200,000 steps: a run long enough to interrupt.
private let longCrawlSuite = """
  suite: long
  scenarios:
    - name: crawl
      landscape: parabola
      start: [1.5]
      steps: 200000
      sweep:
        lr: {linspace: [1.0e-7, 1.0e-6, 400]}
      expect: crawling
  """

/// Two suites: sweeps in 1-D and 2-D, cases, failures, and two scenarios tied by faster_than.
private let sweepSuite = """
  suite: sweep
  defaults:
    steps: 100
  scenarios:
    - name: parabola
      landscape: parabola
      start: [1.5]
      sweep:
        lr: {linspace: [0.01, 1.2, 40]}
      expect: {regime: [monotone, one-shot, oscillating, cycling, crawling]}
    - name: bowl
      landscape: bowl
      sweep:
        lr: [0.1, 0.2, 0.3]
        start: [[1, 1], [-2, 3]]
      expect: monotone
    - name: ravine-slow
      landscape: ravine
      start: [-4, 1]
      sweep:
        lr: [0.001, 0.002]
      expect: crawling
    - name: ravine-fast
      landscape: ravine
      start: [-4, 1]
      sweep:
        lr: [0.001, 0.002]
      expect: {faster_than: {scenario: ravine-slow, factor: 1}}
  """

private let secondSuite = """
  suite: second
  scenarios:
    - name: regimes
      landscape: parabola
      start: [2]
      cases:
        - {lr: 0.5, expect: one-shot}
        - {lr: 0.75, expect: monotone}
    - name: many
      landscape: {preset: parabola, a: 2}
      start: [1]
      sweep:
        lr: {linspace: [0.01, 0.2, 7]}
      expect: monotone
  """

/// A folder with the two suites (files `configs/sweep.yaml`, `configs/second.yaml`).
private func suiteFolder() throws -> TemporaryFolder {
  let folder = try TemporaryFolder()
  try folder.write("configs/sweep.yaml", sweepSuite)
  try folder.write("configs/second.yaml", secondSuite)
  return folder
}

private func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

/// The JSON document without its last member, `run` (timing, jobs, shard).
private func withoutRunMember(_ path: String) throws -> String {
  let text = try read(path)
  let range = try #require(text.range(of: "\n  \"run\": "))
  return String(text[..<range.lowerBound])
}

/// Every file under `folder`, relative, sorted (hidden ones included).
private func files(under folder: String) throws -> [String] {
  guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
  var found: [String] = []
  while let path = enumerator.nextObject() as? String {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
      found.append(path)
    }
  }
  return found.sorted()
}

@Suite(.serialized) struct CIOutputsTests {
  /// Acceptance 1: `--jobs 1`, `--jobs 2` and three shards merged give identical JSON (but for the
  /// `run` member), JUnit, Markdown and summary.csv — and the two runs identical dumps.
  @Test func jobsAndMergedShardsWriteIdenticalReports() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let root = folder.path
    for jobs in [1, 2] {
      let result = try DescentBinary.run(
        [
          "run", "configs", "--jobs", "\(jobs)", "--json", "j\(jobs).json", "--junit", "j\(jobs).xml", "--markdown",
          "j\(jobs).md", "--dump", "dump\(jobs)", "--dump-every", "10",
        ], in: root)
      #expect(result.exitCode == 1, "\(result.stderr)")
      #expect(result.lines.last == "48 passed, 11 failed")
    }
    var shardCounts: [String] = []
    for index in 1...3 {
      let result = try DescentBinary.run(
        ["run", "configs", "--shard", "\(index)/3", "--json", "s\(index).json"], in: root)
      #expect(result.exitCode == 1 || result.exitCode == 0, "\(result.stderr)")
      shardCounts.append(result.stderr)
    }
    // The tied ravine pair (4) in shard 1, the other 55 filling the shards evenly.
    #expect(
      shardCounts == [
        "descent: shard 1/3 (--shard): 20 of 59 instances\n", "descent: shard 2/3 (--shard): 20 of 59 instances\n",
        "descent: shard 3/3 (--shard): 19 of 59 instances\n",
      ])
    let merge = try DescentBinary.run(
      [
        "merge", "s2.json", "s3.json", "s1.json", "--json", "m.json", "--junit", "m.xml", "--markdown", "m.md",
        "--summary-csv", "m.csv",
      ], in: root)
    #expect(merge.exitCode == 1, "\(merge.stderr)")
    #expect(merge.lines.last == "48 passed, 11 failed")

    let json = try withoutRunMember(root + "/j1.json")
    #expect(json.contains("\"id\":\"sweep/ravine-fast[lr=0.002]\""))
    #expect(
      json.contains(
        "\"summary\": {\"total\":59,\"passed\":48,\"failed\":11,\"errors\":0,\"expected\":59,\"ended\":\"complete\"}"))
    #expect(try withoutRunMember(root + "/j2.json") == json)
    #expect(try withoutRunMember(root + "/m.json") == json)
    let junit = try read(root + "/j1.xml")
    #expect(junit.contains("<testsuite name=\"sweep\" package=\"sweep\" id=\"1\""))
    #expect(try read(root + "/j2.xml") == junit)
    #expect(try read(root + "/m.xml") == junit)
    let markdown = try read(root + "/j1.md")
    #expect(markdown.hasPrefix("### ❌ descent: 48 passed, 11 failed\n"))
    #expect(try read(root + "/j2.md") == markdown)
    #expect(try read(root + "/m.md") == markdown)
    let summary = try read(root + "/dump1/summary.csv")
    #expect(summary.split(separator: "\n").count == 60)
    #expect(try read(root + "/dump2/summary.csv") == summary)
    #expect(try read(root + "/m.csv") == summary)

    let dumps = try files(under: root + "/dump1")
    #expect(dumps.count == 60)
    #expect(try files(under: root + "/dump2") == dumps)
    for dump in dumps { #expect(try read(root + "/dump1/" + dump) == read(root + "/dump2/" + dump), "\(dump)") }
    // 100 steps every 10: rows 0, 10, …, 100 after the header.
    let bowl = try read(root + "/dump1/sweep/bowl/start=%5B-2%2C3%5D%2Clr=0.1.csv").split(separator: "\n")
    #expect(bowl.first == "step,x,y,loss,grad_norm,lr")
    #expect(bowl.count == 12)
    #expect(bowl[1] == "0,-2,3,13,7.211102550927978,0.1")
    #expect(bowl[2].hasPrefix("10,"))
  }

  /// Acceptance 3: the JUnit of a run with failures validates against JUnit.xsd (the unit tests
  /// validate one with errors and an interruption too).
  @Test(.enabled(if: ExternalTools.path(of: "xmllint") != nil, "xmllint is not installed"))
  func junitOfARunWithFailuresValidatesAgainstTheSchema() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let run = try DescentBinary.run(["run", "configs", "--junit", "r.xml"], in: folder.path)
    #expect(run.exitCode == 1, "\(run.stderr)")
    let junit = try read(folder.path + "/r.xml")
    #expect(junit.contains("<failure message=\"expected regime"))
    let validation = try ExternalTools.validateJUnit(folder.path + "/r.xml")
    #expect(validation.exitCode == 0, "\(validation.stderr)")
    #expect(validation.stderr.hasSuffix("r.xml validates\n"))
  }

  /// Acceptance 4: SIGINT mid-run finishes in-flight work, writes complete reports marked
  /// interrupted, leaves no partial or temporary file, exits 130; a second run is unaffected.
  @Test func interruptLeavesNoPartialFileAndExits130() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let config = try folder.write("long.yaml", longCrawlSuite)
    let outputs = ["--json", "out/r.json", "--junit", "out/r.xml", "--markdown", "out/r.md", "--dump", "out/dump"]
    try FileManager.default.createDirectory(atPath: folder.path + "/out", withIntermediateDirectories: true)
    let running = try DescentBinary.start(
      ["run", config, "--jobs", "2", "--dump-every", "50000"] + outputs, in: folder.path)
    // Wait until the run is under way: a first trajectory is in place.
    let deadline = Date().addingTimeInterval(60)
    while try files(under: folder.path + "/out/dump").filter({ $0.hasSuffix(".csv") && !$0.hasPrefix(".") })
      .count < 2 && Date() < deadline && running.isRunning
    {
      usleep(20_000)
    }
    running.interrupt()
    let result = running.wait()
    #expect(result.exitCode == 130, "\(result.stderr)")
    #expect(result.stderr.contains("descent: interrupted; finishing the instances in flight"))

    let everything = try files(under: folder.path + "/out")
    #expect(!everything.contains { $0.split(separator: "/").contains { $0.hasPrefix(".") } }, "\(everything)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path + "/out/r.json")))
        as? [String: Any])
    let summary = try #require(document["summary"] as? [String: Any])
    #expect(summary["ended"] as? String == "interrupted")
    let total = try #require(summary["total"] as? Int)
    #expect(total >= 1 && total < 400)
    #expect((document["instances"] as? [Any])?.count == total)
    #expect(result.lines.last == "\(total) passed, 0 failed")
    // summary.csv cannot say the run was cut short, so the console says it for it.
    #expect(
      result.stderr.contains(
        "descent: interrupted after \(total) of 400 instances; the rest are not reported; out/dump/summary.csv holds only the \(total) reported\n"
      ), "\(result.stderr)")
    #expect(try read(folder.path + "/out/r.xml").contains("<system-err>descent interrupted after \(total) of 400"))
    #expect(try read(folder.path + "/out/r.md").contains("Run interrupted after \(total) of 400 instances"))
    // One complete trajectory per reported instance, and nothing else.
    let dumps = everything.filter { $0.hasPrefix("dump/long/crawl/") }
    #expect(dumps.count == total)
    for dump in dumps {
      let rows = try read(folder.path + "/out/" + dump).split(separator: "\n")
      #expect(rows.count == 6 && rows.last?.hasPrefix("200000,") == true, "\(dump) is partial")
    }
    #expect(try read(folder.path + "/out/dump/summary.csv").split(separator: "\n").count == total + 1)

    let second = try DescentBinary.run(
      ["run", config, "--filter", "long/crawl[lr=1e-7]"] + outputs, in: folder.path)
    #expect(second.exitCode == 0, "\(second.stderr)")
    #expect(second.lines == ["1 passed, 0 failed"])
    #expect(try read(folder.path + "/out/r.json").contains("\"ended\":\"complete\""))
  }

  /// A second SIGINT stops at once: exit 130, no report (none was complete), no temporary file.
  @Test func aSecondInterruptStopsAtOnceAndLeavesNoTemporaryFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let config = try folder.write(
      "long.yaml",
      """
      suite: long
      scenarios:
        - name: crawl
          landscape: parabola
          start: [1.5]
          steps: 3000000
          sweep:
            lr: {linspace: [1.0e-9, 1.0e-8, 20]}
      """)
    let running = try DescentBinary.start(
      [
        "run", config, "--jobs", "2", "--json", "r.json", "--junit", "r.xml", "--dump", "dump", "--dump-every",
        "100000",
      ],
      in: folder.path)
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: folder.path + "/dump/long/crawl") && Date() < deadline {
      usleep(20_000)
    }
    usleep(200_000)
    running.interrupt()
    usleep(100_000)
    running.interrupt()
    let result = running.wait()
    #expect(result.exitCode == 130, "\(result.stderr)")
    #expect(result.stdout.isEmpty, "no summary: the run was stopped before it could finish")
    #expect(try files(under: folder.path) == ["long.yaml"])
  }

  /// SIGHUP (the terminal closed) is an interruption like SIGINT and SIGTERM: reports marked
  /// interrupted, no temporary file, exit 130 — it used to kill descent, leaving temporary files.
  @Test func aHangupInterruptsLikeCtrlC() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let config = try folder.write("long.yaml", longCrawlSuite)
    let running = try DescentBinary.start(
      ["run", config, "--jobs", "2", "--json", "r.json", "--dump", "dump", "--dump-every", "50000"], in: folder.path)
    let deadline = Date().addingTimeInterval(60)
    while try files(under: folder.path + "/dump").filter({ $0.hasSuffix(".csv") && !$0.hasPrefix(".") }).isEmpty
      && Date() < deadline && running.isRunning
    {
      usleep(20_000)
    }
    running.send(SIGHUP)
    let result = running.wait()
    #expect(result.exitCode == 130, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("descent: interrupted; finishing the instances in flight"))
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path + "/r.json")))
        as? [String: Any])
    let summary = try #require(document["summary"] as? [String: Any])
    #expect(summary["ended"] as? String == "interrupted")
    let total = try #require(summary["total"] as? Int)
    #expect(result.lines.last == "\(total) passed, 0 failed")
    let everything = try files(under: folder.path)
    #expect(!everything.contains { $0.split(separator: "/").contains { $0.hasPrefix(".") } }, "\(everything)")
    #expect(everything.filter { $0.hasPrefix("dump/long/crawl/") }.count == total)
  }

  /// A report that grows past the file-size limit (`ulimit -f`) is a failed write: exit 3 with
  /// the reason, and no report or temporary file — SIGXFSZ used to kill descent (leaving the
  /// temporary file).
  @Test func aReportPastTheFileSizeLimitExitsThreeAndLeavesNothing() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let result = try DescentBinary.run(
      ["run", "configs", "--json", "big.json", "--junit", "big.xml"], in: folder.path, fileSizeLimit: 1)
    #expect(result.exitCode == 3, "\(result.stderr)")
    #expect(result.stderr == "descent: cannot write big.json: File too large\n")
    #expect(try files(under: folder.path) == ["configs/second.yaml", "configs/sweep.yaml"])
  }

  /// A closed stdout (`descent run | head -1` once head has gone) is a failed write: exit 3 and
  /// `cannot write standard output`, for every command — SIGPIPE used to kill descent, and with
  /// SIGPIPE ignored `list` crashed and `run` exited 0.
  @Test func aClosedStandardOutputExitsThree() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    for arguments in [
      ["run", "configs", "--quiet"], ["run", "configs", "--tap", "--json", "r.json"], ["list", "configs"],
      ["presets"], ["theory", "ravine"],
    ] {
      let result = try DescentBinary.runWithClosedOutput(arguments, in: folder.path)
      #expect(result.exitCode == 3, "\(arguments): \(result.stderr)")
      #expect(result.stderr.hasSuffix("descent: cannot write standard output: Broken pipe\n"), "\(arguments)")
    }
    let json = try DescentBinary.runWithClosedOutput(["run", "configs", "--json", "/dev/stdout"], in: folder.path)
    #expect(json.exitCode == 3)
    #expect(json.stderr == "descent: cannot write /dev/stdout: Broken pipe\n")
    #expect(!(try files(under: folder.path).contains { $0.hasPrefix(".") }))
  }

  /// Acceptance 5: `--shard auto` under SLURM-like and GitLab-like environments runs the share
  /// that `--shard I/N` names, and says where it came from.
  @Test func shardAutoPicksTheShareFromSlurmAndGitLab() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    func ids(_ arguments: [String], environment: [String: String] = [:]) throws -> (ids: [String], stderr: String) {
      let result = try DescentBinary.run(
        ["run", "configs", "--verbose"] + arguments, in: folder.path, environment: environment)
      let ids = result.lines.compactMap { line in
        line.split(separator: " ").dropFirst().first.map { $0.hasSuffix(":") ? String($0.dropLast()) : String($0) }
      }
      return (Array(ids.dropLast()), result.stderr)
    }
    let second = try ids(["--shard", "2/3"]).ids
    #expect(second.count == 20)
    // --array=5-9:2 → tasks 5, 7, 9; task 7 is the second of three.
    let slurm = try ids(
      ["--shard", "auto"],
      environment: [
        "SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_MAX": "9",
        "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "3",
      ])
    #expect(slurm.ids == second)
    #expect(
      slurm.stderr
        == "descent: shard 2/3 (SLURM SLURM_ARRAY_TASK_ID=7, _MIN=5, _MAX=9, _COUNT=3, _STEP=2 (task 2 of 3 in the array)): 20 of 59 instances\n"
    )
    let gitlab = try ids(["--shard", "auto"], environment: ["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"])
    #expect(gitlab.ids == second)
    #expect(gitlab.stderr == "descent: shard 2/3 (GitLab CI_NODE_INDEX=2, CI_NODE_TOTAL=3): 20 of 59 instances\n")
    let kubernetes = try ids(
      ["--shard", "auto"], environment: ["JOB_COMPLETION_INDEX": "1", "DESCENT_SHARD_TOTAL": "3"])
    #expect(kubernetes.ids == second)

    let uneven = try DescentBinary.run(
      ["run", "configs", "--shard", "auto"], in: folder.path,
      environment: [
        "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9",
        "SLURM_ARRAY_TASK_COUNT": "3",
      ])
    #expect(uneven.exitCode == 2)
    #expect(
      uneven.stderr.hasPrefix(
        "descent: --shard auto: SLURM_ARRAY_TASK_ID=2, _MIN=1, _MAX=9, _COUNT=3: the array's task ids are not evenly spaced"
      ))
    let bad = try DescentBinary.run(["run", "configs", "--shard", "4/3"], in: folder.path)
    #expect(bad.exitCode == 2)
    #expect(bad.stderr == "descent: --shard 4/3: the shard index must be between 1 and 3 (shards are 1-based)\n")
    let twice = try DescentBinary.run(["run", "configs", "--shard", "auto", "--shard", "1/2"], in: folder.path)
    #expect(twice.exitCode == 2)
    #expect(twice.stderr == "descent: --shard is given twice ('auto' and '1/2'); give it once\n")
    let noCompletions = try DescentBinary.run(
      ["run", "configs", "--shard", "auto"], in: folder.path,
      environment: ["JOB_COMPLETION_INDEX": "0", "DESCENT_SHARD_TOTAL": "0"])
    #expect(noCompletions.exitCode == 2)
    #expect(
      noCompletions.stderr
        == "descent: --shard auto: DESCENT_SHARD_TOTAL=0: the number of shards (the Job's completions) must be at least 1\n"
    )
    let noIndex = try DescentBinary.run(
      ["run", "configs", "--shard", "auto"], in: folder.path, environment: ["DESCENT_SHARD_TOTAL": "4"])
    #expect(noIndex.exitCode == 2, "it used to run everything, as shard 1/1")
    #expect(noIndex.stdout.isEmpty)
    #expect(
      noIndex.stderr
        == "descent: --shard auto: DESCENT_SHARD_TOTAL=4 is set but JOB_COMPLETION_INDEX is not, so the shard to run is unknown (a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX in every pod; elsewhere give --shard I/N)\n"
    )
  }

  /// One sweep of 40 instances over 4 shards: 10 each, and merged back into exactly the reports
  /// of the unsharded run.
  @Test func aSingleSweepSpreadsOverEveryShardAndMergesBack() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let root = folder.path
    try folder.write(
      "configs/one.yaml",
      """
      suite: one
      scenarios:
        - name: parabola
          landscape: parabola
          start: [1.5]
          steps: 100
          sweep:
            lr: {linspace: [0.01, 1.2, 40]}
          expect: {regime: [monotone, one-shot, oscillating, cycling, crawling]}
      """)
    let outputs = { (name: String) in
      ["--json", "\(name).json", "--junit", "\(name).xml", "--markdown", "\(name).md", "--summary-csv", "\(name).csv"]
    }
    let whole = try DescentBinary.run(["run", "configs"] + outputs("whole"), in: root)
    #expect(whole.exitCode == 1, "\(whole.stderr)")
    #expect(whole.lines.last == "33 passed, 7 failed")
    var shardFiles: [String] = []
    for index in 1...4 {
      let shard = try DescentBinary.run(
        ["run", "configs", "--shard", "\(index)/4", "--json", "s\(index).json"], in: root)
      #expect(shard.stderr == "descent: shard \(index)/4 (--shard): 10 of 40 instances\n")
      let records = try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: root + "/s\(index).json")))
      let ordinals = ((records as? [String: Any])?["instances"] as? [[String: Any]])?.compactMap { $0["index"] as? Int }
      #expect(ordinals == Array((index - 1) * 10..<index * 10))
      shardFiles.append("s\(index).json")
    }
    let merge = try DescentBinary.run(["merge"] + shardFiles.reversed() + outputs("merged"), in: root)
    #expect(merge.exitCode == 1, "\(merge.stderr)")
    #expect(merge.stdout == whole.stdout)
    #expect(try withoutRunMember(root + "/merged.json") == withoutRunMember(root + "/whole.json"))
    for suffix in ["xml", "md", "csv"] {
      #expect(try read(root + "/merged.\(suffix)") == read(root + "/whole.\(suffix)"), "\(suffix)")
    }
  }

  @Test func mergeRefusesShardsThatDoNotMakeOneRun() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let root = folder.path
    for index in 1...2 {
      #expect(
        try DescentBinary.run(["run", "configs", "--shard", "\(index)/2", "--json", "s\(index).json"], in: root)
          .exitCode == 1)
    }
    func merge(_ files: [String]) throws -> CommandResult {
      try DescentBinary.run(["merge"] + files + ["--json", "m.json"], in: root)
    }
    let missing = try merge(["s1.json"])
    #expect(missing.exitCode == 2)
    #expect(missing.stderr == "descent: merge: shard 2/2 missing\n")
    #expect(missing.stdout.isEmpty)
    let twice = try merge(["s1.json", "s1.json"])
    #expect(twice.exitCode == 2)
    #expect(twice.stderr == "descent: merge: s1.json and s1.json are both shard 1/2\n")
    try folder.write("configs/second.yaml", secondSuite + "\n# edited\n")
    #expect(
      try DescentBinary.run(["run", "configs", "--shard", "2/2", "--json", "edited.json"], in: root).exitCode == 1)
    let edited = try merge(["s1.json", "edited.json"])
    #expect(edited.exitCode == 2)
    #expect(
      edited.stderr
        == "descent: merge: edited.json and s1.json are not shards of the same run: suite second has a different config (content hash)\n"
    )
    #expect(!FileManager.default.fileExists(atPath: root + "/m.json"), "a refused merge writes nothing")
    let good = try merge(["s2.json", "s1.json"])
    #expect(good.exitCode == 1)
    #expect(good.lines.last == "48 passed, 11 failed")
  }

  /// A FIFO given to merge is refused without being opened: opening it used to wait for a
  /// writer forever. (While descent runs, the test looks for a reader waiting on the FIFO — a
  /// non-blocking open for writing succeeds only then — and lets it go, so the old behaviour
  /// fails the test instead of hanging it.)
  @Test func mergeRefusesAFIFOWithoutWaitingOnIt() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let fifo = folder.path + "/shard.json"
    #expect(mkfifo(fifo, 0o644) == 0)
    let running = try DescentBinary.start(["merge", "shard.json", "--json", "m.json"], in: folder.path)
    var descentOpenedTheFIFO = false
    while running.isRunning {
      let writer = open(fifo, O_WRONLY | O_NONBLOCK)
      if writer >= 0 {
        descentOpenedTheFIFO = true
        close(writer)
      }
      usleep(10_000)
    }
    let result = running.wait()
    #expect(!descentOpenedTheFIFO)
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr
        == "descent: merge: shard.json is a FIFO (named pipe), not a regular file; merge reads each file twice (to check it, then to write), so save it to a file first\n"
    )
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["shard.json"])
  }

  /// SIGINT during a merge stops it before its next record and finishes the reports marked
  /// interrupted — with `--tap`, the stream ends `Bail out!` — exit 130. (It used to exit at
  /// once, the TAP stream cut without a word.) The merge is held mid-way by its JSON report, a
  /// FIFO the test reads only once the interruption is noticed.
  @Test func anInterruptedMergeBailsOutOfItsTAPStream() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "configs/big.yaml",
      """
      suite: big
      scenarios:
        - name: sweep
          landscape: parabola
          start: [1]
          steps: 5
          sweep:
            lr: {linspace: [0.001, 0.01, 3000]}
      """)
    for index in 1...2 {
      let shard = try DescentBinary.run(
        ["run", "configs", "--shard", "\(index)/2", "--json", "s\(index).json", "--quiet"], in: folder.path)
      #expect(shard.exitCode == 0, "\(shard.stderr)")
    }
    let fifo = folder.path + "/merged.json"
    #expect(mkfifo(fifo, 0o644) == 0)
    let reader = open(fifo, O_RDONLY | O_NONBLOCK)
    try #require(reader >= 0)
    defer { close(reader) }
    let running = try DescentBinary.start(
      ["merge", "s1.json", "s2.json", "--tap", "--json", "merged.json"], in: folder.path)
    var document: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    /// Reads what the FIFO holds; false at its end (no writer: not yet, or no more).
    func readFIFO(atMost count: Int) -> Bool {
      let got = chunk.withUnsafeMutableBytes { read(reader, $0.baseAddress!, count) }
      if got > 0 { document += chunk[0..<got] }
      if got < 0 { usleep(10_000) }  // EAGAIN: nothing yet
      return got != 0
    }
    // The first byte: the merge is under way (and soon waits on the full FIFO).
    while document.isEmpty && running.isRunning {
      if !readFIFO(atMost: 1) { usleep(10_000) }
    }
    running.interrupt()
    #expect(running.waitForError(containing: "descent: interrupted; writing the reports so far"))
    while readFIFO(atMost: chunk.count) {}
    let result = running.wait()
    #expect(result.exitCode == 130, "\(result.stderr)")
    let tap = result.lines
    #expect(tap.first == "TAP version 14")
    let last = try #require(tap.last)
    #expect(last.hasPrefix("Bail out! descent interrupted after "), "\(last)")
    let merged = try #require(
      try JSONSerialization.jsonObject(with: Data(document)) as? [String: Any])
    let summary = try #require(merged["summary"] as? [String: Any])
    #expect(summary["ended"] as? String == "interrupted")
    let total = try #require(summary["total"] as? Int)
    #expect(total > 0 && total < 3000)
    #expect(tap.count == 1 + total + 1)
    #expect(last == "Bail out! descent interrupted after \(total) of 3000 instances; the rest are not reported")
  }

  /// A refused merge prints nothing on stdout — no TAP stream, no annotations, no FAIL lines —
  /// and writes no file, whatever the reason; the reason is on stderr.
  @Test func aRefusedMergePrintsAndWritesNothing() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let root = folder.path
    for index in 1...3 {
      #expect(
        try DescentBinary.run(["run", "configs", "--shard", "\(index)/3", "--json", "s\(index).json"], in: root)
          .exitCode != 2)
    }
    // Shard 3 again, stopped at its first failure (its 7th instance).
    #expect(
      try DescentBinary.run(["run", "configs", "--shard", "3/3", "--fail-fast", "--json", "f3.json"], in: root)
        .exitCode == 1)
    // Shard 3 as written by another descent.
    let three = try read(root + "/s3.json")
    try folder.write(
      "v3.json", three.replacingOccurrences(of: "\"descent_version\":\"", with: "\"descent_version\":\"0.0.1-"))
    // Shard 3 with its last record cut out (its summary still counts it).
    let lines = three.split(separator: "\n", omittingEmptySubsequences: false)
    let lastRecord = try #require(lines.lastIndex { $0.hasPrefix("    {\"index\":") })
    var cut = Array(lines)
    cut.remove(at: lastRecord)
    cut[lastRecord - 1] = cut[lastRecord - 1].dropLast()  // its comma
    try folder.write("cut3.json", cut.joined(separator: "\n"))

    let refusals: [(files: [String], reason: String)] = [
      (["s1.json", "s2.json"], "shard 3/3 missing"),
      (
        ["s1.json", "s2.json", "f3.json"], "f3.json: shard 3/3 ended 'fail-fast' (7 of 19 instances); re-run that shard"
      ),
      (
        ["s1.json", "s2.json", "v3.json"],
        "v3.json was written by descent 0.0.1-0.1.0 but s1.json by descent 0.1.0; run every shard with the same descent"
      ),
      (
        ["s1.json", "s2.json", "cut3.json"],
        "cut3.json: holds 18 instances but its summary counts 19; the file was edited or cut"
      ),
      (["s1.json", "s2.json", "s3.json", "s2.json"], "s2.json and s2.json are both shard 2/3"),
    ]
    for (files, reason) in refusals {
      for environment in [["GITHUB_ACTIONS": "true"], [:]] {
        let result = try DescentBinary.run(
          ["merge"] + files + ["--tap", "--json", "m.json", "--junit", "m.xml", "--markdown", "m.md"], in: root,
          environment: environment)
        #expect(result.exitCode == 2, "\(files)")
        #expect(result.stdout.isEmpty, "\(files) \(environment): \(result.stdout)")
        #expect(result.stderr == "descent: merge: \(reason)\n")
      }
    }
    #expect(try files(under: root).filter { $0.hasPrefix("m.") || $0.hasPrefix(".m.") }.isEmpty)
    let good = try DescentBinary.run(["merge", "s3.json", "s1.json", "s2.json", "--tap"], in: root)
    #expect(good.exitCode == 1)
    #expect(
      good.stdout.hasPrefix("TAP version 14\nok 1 - second/regimes[lr=0.5]\nnot ok 2 - second/regimes[lr=0.75]\n"))
    #expect(good.stdout.hasSuffix("1..59\n"))
  }

  @Test func tapGoesToStdoutAndTheConsoleReportToStderr() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let result = try DescentBinary.run(["run", "configs", "--filter", "second/*", "--tap"], in: folder.path)
    #expect(result.exitCode == 1)
    #expect(
      result.stdout == """
        TAP version 14
        ok 1 - second/regimes[lr=0.5]
        not ok 2 - second/regimes[lr=0.75]
          ---
          message: "expected regime monotone, measured oscillating"
          severity: "fail"
          at: "configs/second.yaml:8:28"
          settings: "landscape parabola · start [2] · optimizer sgd · lr 0.75 · seed 6748418131459350355"
          ...
        not ok 3 - second/many[lr=0.01]
          ---
          message: "expected regime monotone, measured crawling"
          severity: "fail"
          at: "configs/second.yaml:14:13"
          settings: "landscape parabola(a=2) · start [1] · optimizer sgd · lr 0.01 · seed 3279454876210664741"
          ...
        ok 4 - second/many[lr=0.041666666666666664]
        ok 5 - second/many[lr=0.07333333333333333]
        ok 6 - second/many[lr=0.105]
        ok 7 - second/many[lr=0.13666666666666666]
        ok 8 - second/many[lr=0.16833333333333333]
        ok 9 - second/many[lr=0.2]
        1..9

        """)
    #expect(result.stderr.hasSuffix("7 passed, 2 failed\n"))
  }

  @Test func githubAnnotationsPointAtTheFailingScenario() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let result = try DescentBinary.run(
      ["run", "configs", "--filter", "second/*"], in: folder.path, environment: ["GITHUB_ACTIONS": "true"])
    #expect(
      result.lines == [
        "::error file=configs/second.yaml,line=8,col=9,title=second/regimes[lr=0.75]::expected regime monotone, measured oscillating",
        "FAIL second/regimes[lr=0.75]: expected regime monotone, measured oscillating",
        "::error file=configs/second.yaml,line=9,col=5,title=second/many[lr=0.01]::expected regime monotone, measured crawling",
        "FAIL second/many[lr=0.01]: expected regime monotone, measured crawling",
        "7 passed, 2 failed",
      ])
  }

  @Test func failFastReportsUpToTheFirstFailure() throws {
    let folder = try suiteFolder()
    defer { folder.remove() }
    let result = try DescentBinary.run(
      ["run", "configs", "--fail-fast", "--jobs", "2", "--json", "r.json"], in: folder.path)
    #expect(result.exitCode == 1)
    #expect(
      result.lines == [
        "FAIL second/regimes[lr=0.75]: expected regime monotone, measured oscillating", "1 passed, 1 failed",
      ])
    #expect(result.stderr.contains("stopped after the first failure (--fail-fast): 2 of 59 instances reported"))
    #expect(try read(folder.path + "/r.json").contains("\"ended\":\"fail-fast\""))
  }
}
