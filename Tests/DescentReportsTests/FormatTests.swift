import DescentCore
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import DescentReports

@Suite struct JSONReaderTests {
  @Test func readsWhatDescentWritesBackByteForByte() throws {
    let value = JSONValue.object([
      ("int", .integer(-42)), ("big", .number(2.5e20)), ("small", .number(1e-6)), ("negativeZero", .number(-0.0)),
      ("whole", .number(3)), ("text", .string("a\"b\\c\nd\u{1}é𝄞")),
      ("list", .array([.null, .bool(true), .bool(false)])),
      ("empty", .object([])), ("nested", .array([.array([])])),
    ])
    let text = value.serialized()
    let read = try JSONReader.parse(text)
    #expect(read.serialized() == text)
    #expect(read["int"] == .integer(-42))
    #expect(read["negativeZero"]?.doubleValue?.sign == .minus)
    #expect(read["text"]?.stringValue == "a\"b\\c\nd\u{1}é𝄞")
  }

  @Test func readsEscapesAndWhitespaceOfOtherWriters() throws {
    let read = try JSONReader.parse(" { \"k\" : [ 1 , 2.0 , \"\\u00e9\\ud834\\udd1e\\/\\t\" ] } \n")
    #expect(read.serialized() == #"{"k":[1,2,"é𝄞/\t"]}"#)
  }

  @Test func syntaxErrorsArePositioned() {
    func problem(_ text: String) -> String {
      do {
        _ = try JSONReader.parse(text, name: "r.json")
        return "no error"
      } catch {
        return error.description
      }
    }
    #expect(problem("{\"a\": 1,\n  \"b\" 2}") == "r.json:2:7: error: expected ':' after an object key")
    #expect(problem("[1, 2") == "r.json:1:6: error: expected ',' or ']'")
    #expect(problem("[01]") == "r.json:1:4: error: invalid number '01'")
    #expect(problem("{} x") == "r.json:1:4: error: unexpected 'x' after the JSON value")
    #expect(problem("\"\\ud834\"") == "r.json:1:8: error: unpaired surrogate in \\u escape")
  }

  @Test func readsLargeFilesIncrementally() throws {
    try withFolder { folder in
      let path = folder + "/big.json"
      let items = (0..<20_000).map { "{\"i\":\($0),\"s\":\"\(String(repeating: "x", count: $0 % 50))\"}" }
      try ("{\"head\":true,\"items\":[" + items.joined(separator: ",") + "],\"tail\":1}").write(
        toFile: path, atomically: true, encoding: .utf8)
      let reader = try JSONReader(path: path)
      try reader.beginObject()
      #expect(try reader.nextKey() == "head")
      #expect(try reader.readValue() == .bool(true))
      #expect(try reader.nextKey() == "items")
      try reader.beginArray()
      var count = 0
      while try reader.nextElement() {
        #expect(try reader.readValue()["i"] == .integer(count))
        count += 1
      }
      #expect(count == 20_000)
      #expect(try reader.nextKey() == "tail")
      #expect(try reader.readValue() == .integer(1))
      #expect(try reader.nextKey() == nil)
      try reader.expectEnd()
    }
  }
}

@Suite struct ReportTextTests {
  @Test func xmlEscapesMarkupAndDropsWhatXMLCannotCarry() {
    #expect(ReportText.xml("a<b>&\"c\"'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;")
    #expect(ReportText.xml("line\nnext\ttab", attribute: true) == "line&#10;next&#9;tab")
    #expect(ReportText.xml("line\nnext") == "line\nnext")
    #expect(ReportText.xml("bell\u{7}") == "bell\u{FFFD}")
    #expect(ReportText.xml("plain text") == "plain text")
  }

  @Test func csvQuotesFieldsWithSeparatorsQuotesOrLineBreaks() {
    #expect(ReportText.csvField("plain") == "plain")
    #expect(ReportText.csvField("a,b") == "\"a,b\"")
    #expect(ReportText.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(ReportText.csvField("two\nlines") == "\"two\nlines\"")
  }

  @Test func tapAndAnnotationEscapes() {
    #expect(ReportText.tapDescription("a#b\\c\nd") == "a\\#b\\\\c d")
    #expect(ReportText.annotationMessage("50% done\r\nnext") == "50%25 done%0D%0Anext")
    #expect(ReportText.annotationProperty("a:b,c%") == "a%3Ab%2Cc%25")
  }

  @Test func secondsUseADotAndThreeDecimals() {
    #expect(ReportText.seconds(0) == "0.000")
    #expect(ReportText.seconds(1.5) == "1.500")
    #expect(ReportText.seconds(14029.2554) == "14029.255")
    #expect(ReportText.seconds(0.0005) == "0.001")
  }
}

@Suite struct TrajectoryDumpTests {
  @Test func fileNamesAreSafeDistinctAndReadable() {
    #expect(TrajectoryFiles.relativePath(id: "s/a", suite: "s", scenario: "a") == "s/a.csv")
    #expect(
      TrajectoryFiles.relativePath(id: "lesson-10.1/parabola[lr=0.5]", suite: "lesson-10.1", scenario: "parabola")
        == "lesson-10.1/parabola/lr=0.5.csv")
    #expect(
      TrajectoryFiles.relativePath(id: "s/a[start=[1,-2],lr=1e-3]", suite: "s", scenario: "a")
        == "s/a/start=%5B1%2C-2%5D%2Clr=1e-3.csv")
    #expect(
      TrajectoryFiles.relativePath(id: "s/a[x=a/b c,é]", suite: "s", scenario: "a") == "s/a/x=a%2Fb%20c%2C%C3%A9.csv")
    #expect(TrajectoryFiles.relativePath(id: "../..", suite: "..", scenario: ".") == "%2E./%2E.csv")
    #expect(
      TrajectoryFiles.relativePath(id: "summary.csv/a", suite: "summary.csv", scenario: "a") == "summary%2Ecsv/a.csv")
    let long = "s/a[start=[" + Array(repeating: "1.5", count: 100).joined(separator: ",") + "]]"
    let path = TrajectoryFiles.relativePath(id: long, suite: "s", scenario: "a")
    let name = path.split(separator: "/").last!
    #expect(name.utf8.count == 160 + 1 + 16 + 4)
    let parameters = "start=[" + Array(repeating: "1.5", count: 100).joined(separator: ",") + "]"
    #expect(name.hasSuffix("~" + JSONReport.hex(StableHash.fnv1a(parameters)) + ".csv"))
  }

  /// A suite or scenario name too long for a file name is cut and ends with its own hash — not
  /// the instance's, which used to give every instance a folder of its own.
  @Test func longSuiteAndScenarioNamesKeepOneFolderForAllTheirInstances() {
    let suite = String(repeating: "s", count: 300)
    let scenario = String(repeating: "é", count: 150)
    let other = String(repeating: "é", count: 149) + "e"
    func path(_ scenario: String, _ parameters: String?) -> String {
      let id = suite + "/" + scenario + (parameters.map { "[\($0)]" } ?? "")
      return TrajectoryFiles.relativePath(id: id, suite: suite, scenario: scenario)
    }
    let suiteFolder = String(repeating: "s", count: 160) + "~" + JSONReport.hex(StableHash.fnv1a(suite))
    let scenarioFolder =
      String(repeating: "%C3%A9", count: 26) + "%C3~" + JSONReport.hex(StableHash.fnv1a(scenario))
    #expect(scenarioFolder.utf8.count == 159 + 1 + 16)
    #expect(path(scenario, "lr=0.1") == suiteFolder + "/" + scenarioFolder + "/lr=0.1.csv")
    #expect(path(scenario, "lr=0.2") == suiteFolder + "/" + scenarioFolder + "/lr=0.2.csv")
    #expect(path(scenario, nil) == suiteFolder + "/" + scenarioFolder + ".csv")
    let otherFolder = path(other, "lr=0.1").split(separator: "/")[1]
    #expect(otherFolder.hasPrefix(String(repeating: "%C3%A9", count: 26) + "%C3~"))
    #expect(otherFolder != scenarioFolder, "names that share their first 160 bytes still differ")
    for name in [path(scenario, "lr=0.1"), path(other, nil)].flatMap({ $0.split(separator: "/") }) {
      #expect(name.utf8.count <= 184, "\(name)")
    }
  }

  /// Scenario `a` (the file `a.csv`) and a swept scenario `a.csv` (a folder) used to get the same
  /// path: no folder name ends in `.csv`, so a file never has a folder's name.
  @Test func aFileNeverHasTheNameOfAFolder() {
    #expect(TrajectoryFiles.relativePath(id: "clash/a", suite: "clash", scenario: "a") == "clash/a.csv")
    #expect(
      TrajectoryFiles.relativePath(id: "clash/a.csv[lr=0.1]", suite: "clash", scenario: "a.csv")
        == "clash/a%2Ecsv/lr=0.1.csv")
    #expect(TrajectoryFiles.relativePath(id: "clash/a.csv", suite: "clash", scenario: "a.csv") == "clash/a.csv.csv")
    #expect(TrajectoryFiles.relativePath(id: "x.CSV/b[k=1]", suite: "x.CSV", scenario: "b") == "x%2ECSV/b/k=1.csv")
    #expect(
      TrajectoryFiles.relativePath(id: "s/a[v=x.csv]", suite: "s", scenario: "a") == "s/a/v=x.csv.csv",
      "file names keep their dots")
    var files: Set<String> = [TrajectoryFiles.summaryName]
    var folders: Set<String> = []
    let names = ["a", "a.csv", "A.CSV", "a.csv.csv", "summary", "summary.csv", ".csv", "x.csvx", "a%2Ecsv", "a.Csv"]
    for suite in names {
      for scenario in names {
        for id in ["\(suite)/\(scenario)", "\(suite)/\(scenario)[lr=0.1]", "\(suite)/\(scenario)[n=a.csv]"] {
          let path = TrajectoryFiles.relativePath(id: id, suite: suite, scenario: scenario)
          #expect(files.insert(path).inserted, "\(id) → \(path) twice")
          var components = path.split(separator: "/").dropLast()
          while !components.isEmpty {
            folders.insert(components.joined(separator: "/"))
            components = components.dropLast()
          }
        }
      }
    }
    #expect(files.count == 1 + names.count * names.count * 3)
    #expect(files.isDisjoint(with: folders), "\(files.intersection(folders))")
  }

  /// Gradient descent on f = x² with η = 1/4 halves x each step: x_k = 1.5 · 2⁻ᵏ, f = x², |f'| = 2|x|.
  @Test func rowsHoldEachIterateLossGradientNormAndLearningRate() throws {
    try withFolder { folder throws in
      let problem = Problem(
        landscape: .quadratic(Quadratic(eigenvalues: [2])), start: [1.5],
        optimizer: .sgd(SGD(momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false)),
        schedule: .constant(0.25), settings: RunSettings(steps: 4))
      func dump(every: Int) throws -> String {
        let path = folder + "/every-\(every).csv"
        var writer = TrajectoryCSVWriter(
          stream: try AtomicFileStream(path: path, durable: false), variableNames: ["x"], every: every)
        _ = try Engine.run(problem, observer: &writer)
        try writer.finish().commit()
        return try contents(path)
      }
      #expect(
        try dump(every: 1) == """
          step,x,loss,grad_norm,lr
          0,1.5,2.25,3,0.25
          1,0.75,0.5625,1.5,0.25
          2,0.375,0.140625,0.75,0.25
          3,0.1875,0.03515625,0.375,0.25
          4,0.09375,0.0087890625,0.1875,0.25

          """)
      #expect(
        try dump(every: 3) == """
          step,x,loss,grad_norm,lr
          0,1.5,2.25,3,0.25
          3,0.1875,0.03515625,0.375,0.25
          4,0.09375,0.0087890625,0.1875,0.25

          """)
    }
  }

  @Test func defaultVariableNamesFollowTheDimension() {
    #expect(Quadratic(eigenvalues: [2]).variableNames == ["x"])
    #expect(Quadratic(eigenvalues: [2, 200]).variableNames == ["x", "y"])
    #expect(Quadratic(eigenvalues: [1, 2, 3]).variableNames == ["x1", "x2", "x3"])
  }
}

@Suite struct AtomicFileTests {
  @Test func anAbandonedStreamLeavesTheOldFileAndNoTemporary() throws {
    try withFolder { folder in
      let path = folder + "/report.json"
      try AtomicFile.write("old\n", to: path)
      let stream = try AtomicFileStream(path: path)
      try stream.write(String(repeating: "new ", count: 100_000))
      #expect(FileManager.default.fileExists(atPath: try #require(stream.temporaryPath)))
      stream.abandon()
      #expect(try contents(path) == "old\n")
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
    }
  }

  @Test func aCommittedStreamReplacesTheFile() throws {
    try withFolder { folder in
      let path = folder + "/report.json"
      try AtomicFile.write("old\n", to: path)
      let stream = try AtomicFileStream(path: path)
      try stream.write("new\n")
      try stream.commit()
      #expect(try contents(path) == "new\n")
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
    }
  }

  /// A report may have a 255-byte name: its temporary and spool files (`.NAME.tmp-…`) cut NAME
  /// to fit, where they used to exceed NAME_MAX and fail with "File name too long".
  @Test func aReportWithTheLongestFileNameIsWritten() throws {
    try withFolder { folder in
      let name = String(repeating: "r", count: 250) + ".xml"
      let stream = try AtomicFileStream(path: folder + "/" + name)
      let temporary = try #require(stream.temporaryPath?.split(separator: "/").last)
      #expect(temporary.utf8.count == 255)
      #expect(temporary.hasPrefix("." + String(repeating: "r", count: 200)))
      #expect(temporary.contains(".tmp-\(getpid())-"))
      let spool = try SpoolFile(for: stream)
      try spool.write("spooled\n")
      try spool.copy(0..<8, to: stream)
      spool.remove()
      try stream.commit()
      #expect(try contents(folder + "/" + name) == "spooled\n")
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [name])
      // 245 + 2 bytes, 246 allowed: the é goes whole.
      let cut = AtomicFile.scratchName(String(repeating: "e", count: 245) + "é", suffix: ".tmp-1-2")
      #expect(cut == "." + String(repeating: "e", count: 245) + ".tmp-1-2")
    }
  }

  @Test func aSymbolicLinkStaysALinkAndTheFileItNamesIsReplaced() throws {
    try withFolder { folder in
      try FileManager.default.createDirectory(atPath: folder + "/real", withIntermediateDirectories: true)
      try AtomicFile.write("old\n", to: folder + "/real/report.json")
      chmod(folder + "/real/report.json", 0o600)
      // A relative link, through a second link: link.json → hop.json → real/report.json.
      try FileManager.default.createSymbolicLink(atPath: folder + "/hop.json", withDestinationPath: "real/report.json")
      try FileManager.default.createSymbolicLink(atPath: folder + "/link.json", withDestinationPath: "hop.json")
      #expect(try AtomicFile.target(of: folder + "/link.json") == .replace(path: folder + "/real/report.json"))
      try AtomicFile.write("new\n", to: folder + "/link.json")
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link.json") == "hop.json")
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/hop.json") == "real/report.json")
      #expect(try contents(folder + "/real/report.json") == "new\n")
      let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/real/report.json")
      #expect((attributes[.posixPermissions] as? Int) == 0o600, "the replacement keeps the file's permissions")
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/real") == ["report.json"])
      // A dangling link makes the file it names.
      try FileManager.default.createSymbolicLink(atPath: folder + "/dangling.json", withDestinationPath: "made.json")
      try AtomicFile.write("made\n", to: folder + "/dangling.json")
      #expect(try contents(folder + "/made.json") == "made\n")
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/dangling.json") == "made.json")
    }
  }

  @Test func foldersLoopsAndEmptyPathsAreRefused() throws {
    try withFolder { folder in
      try FileManager.default.createSymbolicLink(atPath: folder + "/to-folder", withDestinationPath: ".")
      try FileManager.default.createSymbolicLink(atPath: folder + "/loop-a", withDestinationPath: "loop-b")
      try FileManager.default.createSymbolicLink(atPath: folder + "/loop-b", withDestinationPath: "loop-a")
      func reason(_ path: String) -> String? {
        do {
          _ = try AtomicFile.target(of: path)
          return nil
        } catch {
          return error.reason
        }
      }
      #expect(reason(folder) == "is a folder, not a file")
      #expect(reason(folder + "/to-folder") == "is a folder, not a file")
      #expect(reason(folder + "/new/") == "names a folder, not a file")
      #expect(reason(folder + "/loop-a") == "too many levels of symbolic links")
      #expect(reason("") == "the path is empty")
      #expect(throws: AtomicFile.WriteError.self) { try AtomicFileStream(path: folder) }
    }
  }

  /// A FIFO cannot be replaced (nor should it be): the report is written into it, and it stays
  /// a FIFO.
  @Test func aFIFOIsWrittenInPlace() throws {
    try withFolder { folder in
      let fifo = folder + "/reports.fifo"
      #expect(mkfifo(fifo, 0o644) == 0)
      try #require(try AtomicFile.target(of: fifo) == .direct(path: fifo))
      let received = Mutex<String?>(nil)
      let reader = Thread {
        let descriptor = open(fifo, O_RDONLY)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while descriptor >= 0 {
          let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
          if count <= 0 { break }
          bytes += chunk[0..<count]
        }
        close(descriptor)
        received.withLock { $0 = String(decoding: bytes, as: UTF8.self) }
      }
      reader.start()
      let stream = try AtomicFileStream(path: fifo)
      #expect(stream.temporaryPath == nil)
      try stream.write(String(repeating: "line\n", count: 20_000))
      try stream.commit()
      let deadline = Date().addingTimeInterval(10)
      while received.withLock({ $0 }) == nil && Date() < deadline { usleep(10_000) }
      #expect(received.withLock { $0 } == String(repeating: "line\n", count: 20_000))
      var info = stat()
      #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["reports.fifo"])
    }
  }

  /// Devices and open descriptors are written, never renamed over. The target is checked before
  /// anything is written, so a regression fails here instead of replacing /dev/null.
  @Test func devicesAndDescriptorsAreWrittenInPlace() throws {
    #expect(try AtomicFile.target(of: "/dev/stdout") == .descriptor(1))
    #expect(try AtomicFile.target(of: "/dev/fd/2") == .descriptor(2))
    #expect(try AtomicFile.target(of: "/proc/self/fd/1") == .descriptor(1))
    try #require(try AtomicFile.target(of: "/dev/null") == .direct(path: "/dev/null"))
    let stream = try AtomicFileStream(path: "/dev/null")
    #expect(stream.temporaryPath == nil)
    try stream.write("discarded\n")
    try stream.commit()
    var info = stat()
    #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
  }

  /// A forced exit (`removeAll`) waits for a group of renames under way, so it cannot delete the
  /// temporary files of a group half renamed.
  @Test func aForcedExitWaitsForTheRenamesUnderWay() throws {
    try withFolder { folder throws in
      let scratch = ScratchFiles()
      let stream = try AtomicFileStream(path: folder + "/r.json", scratch: scratch)
      let temporary = try #require(stream.temporaryPath)
      let removed = DispatchSemaphore(value: 0)
      scratch.whileCommitting {
        DispatchQueue.global().async {
          scratch.removeAll()
          removed.signal()
        }
        usleep(200_000)
        #expect(FileManager.default.fileExists(atPath: temporary), "the deletion waited")
      }
      removed.wait()
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
      stream.abandon()
    }
  }

  /// Once a forced exit has deleted the temporary files, no file or folder can be made: one that
  /// a worker made just after the deletions used to be left behind by the exit.
  @Test func nothingIsMadeOnceAForcedExitHasDeletedTheTemporaryFiles() throws {
    try withFolder { folder throws in
      let scratch = ScratchFiles()
      let report = try AtomicFileStream(path: folder + "/r.json", scratch: scratch)
      try report.write("{")
      try report.flush()
      let spool = try SpoolFile(for: report)
      try Folders.make(folder + "/dump/suite", scratch: scratch)
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 3)
      scratch.removeAll()
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
      #expect(throws: AtomicFile.WriteError(path: folder + "/dump.csv", reason: ScratchFiles.closedReason)) {
        try AtomicFileStream(path: folder + "/dump.csv", durable: false, scratch: scratch)
      }
      #expect(
        throws: AtomicFile.WriteError(
          path: folder + "/r.json", reason: "cannot make a scratch file beside it: \(ScratchFiles.closedReason)")
      ) {
        try SpoolFile(for: report)
      }
      #expect(throws: AtomicFile.WriteError(path: folder + "/dump/other", reason: ScratchFiles.closedReason)) {
        try Folders.make(folder + "/dump/other", scratch: scratch)
      }
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
      spool.remove()
      report.abandon()
    }
  }

  /// A writer making files as fast as it can (up to 300) while a forced exit deletes them: when
  /// `removeAll` returns, none of its files is left, though the writer still holds them all open.
  @Test func filesMadeDuringAForcedExitAreDeletedOrNeverMade() throws {
    try withFolder { folder throws in
      let scratch = ScratchFiles()
      let writing = DispatchSemaphore(value: 0)
      let stopped = DispatchSemaphore(value: 0)
      let checked = DispatchSemaphore(value: 0)
      DispatchQueue.global().async {
        var streams: [AtomicFileStream] = []
        while streams.count < 300,
          let stream = try? AtomicFileStream(path: folder + "/\(streams.count).csv", durable: false, scratch: scratch)
        {
          streams.append(stream)
          if streams.count == 10 { writing.signal() }
        }
        if streams.count < 10 { writing.signal() }
        stopped.signal()
        checked.wait()
        for stream in streams { stream.abandon() }
      }
      writing.wait()
      scratch.removeAll()
      stopped.wait()
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [])
      checked.signal()
    }
  }

  @Test func foldersMadeForARunThatFailsAreRemovedWhileEmpty() throws {
    try withFolder { folder in
      let scratch = ScratchFiles()
      try Folders.make(folder + "/dump/suite/scenario", scratch: scratch)
      try Folders.make(folder + "/dump/other", scratch: scratch)
      #expect(FileManager.default.createFile(atPath: folder + "/dump/other/kept.csv", contents: Data()))
      scratch.removeEmptyFolders()
      #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/dump") == ["other"])
      #expect(throws: AtomicFile.WriteError.self) { try Folders.make(folder + "/dump/other/kept.csv/x") }
    }
  }
}
