import DescentRunner
import Foundation

/// Combines the results documents of a sharded run (`descent merge`) into the reports an
/// unsharded run writes.
///
/// It reads the files twice, side by side, one record at a time, merging by ordinal (each file
/// is in id order), so memory stays flat however large the run. The first pass (`init`) checks
/// everything and writes nothing: every file ran the same configs (suites, content hashes,
/// seeds, filter) with the same descent; the files are shards 1…N of one N, each once, each
/// complete and holding what its summary counts; every record reads; every instance of the run
/// appears exactly once. Only then does the second pass (`run(into:)`) hand the records to the
/// reports — so a refused merge prints and writes nothing.
public final class ResultMerge {
  /// A problem with the inputs; nothing is written.
  public struct Problem: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    init(_ message: String) {
      self.message = message
    }
  }

  /// One results file, read record by record.
  private final class Input {
    let path: String
    let reader: JSONReader
    let header: RunHeader
    /// The next record, or nil once the `instances` array is exhausted.
    var head: ResultRecord?
    var trailer: [(String, JSONValue)] = []
    var recordsRead = 0

    /// Checks that `path` is a regular file (before opening it: opening a FIFO waits for a
    /// writer, maybe forever), opens it, reads its header and its first record.
    init(path: String) throws(Problem) {
      self.path = path
      var info = stat()
      guard stat(path, &info) == 0 else { throw Problem("\(path): cannot read: \(String(cString: strerror(errno)))") }
      try Self.checkRegular(path, mode: info.st_mode)
      do {
        reader = try JSONReader(path: path)
      } catch {
        throw Problem("\(path): cannot read: \(error.message)")
      }
      if let identity = reader.identity, !identity.isRegularFile {
        // Replaced between the stat and the open.
        throw Problem("\(path) is not a regular file; \(Self.saveItFirst)")
      }
      do {
        header = try ResultMerge.readHeader(reader)
      } catch let error as Problem {
        throw error
      } catch let error as JSONReader.SyntaxError {
        throw Problem(error.description)
      } catch {
        throw Problem("\(path): \(error)")
      }
      try advance()
    }

    static let saveItFirst = "merge reads each file twice (to check it, then to write), so save it to a file first"

    /// Refuses anything but a regular file, saying what it is.
    static func checkRegular(_ path: String, mode: mode_t) throws(Problem) {
      let kind: String
      switch mode & S_IFMT {
      case S_IFREG: return
      case S_IFDIR: throw Problem("\(path) is a folder; give the results files themselves (e.g. \(path)/*.json)")
      case S_IFIFO: kind = "a FIFO (named pipe)"
      case S_IFCHR: kind = "a character device"
      case S_IFBLK: kind = "a block device"
      case S_IFSOCK: kind = "a socket"
      default: kind = "not a regular file"
      }
      throw Problem("\(path) is \(kind), not a regular file; \(saveItFirst)")
    }

    /// Reads the next record into `head` (checking indices go up), then, after the last, the
    /// trailer.
    func advance() throws(Problem) {
      let previous = head?.ordinal
      head = nil
      do {
        if try reader.nextElement() {
          let line = reader.line
          let record: ResultRecord
          do {
            record = try ResultRecord(json: try reader.readValue())
          } catch let error as ReportInputError {
            throw Problem("\(path):\(line): \(error.message)")
          }
          if let previous, record.ordinal <= previous {
            throw Problem(
              "\(path):\(line): instance \(record.id) has index \(record.ordinal) after index \(previous); records must be in id order"
            )
          }
          guard header.suites.contains(where: { $0.name == record.suite }) else {
            throw Problem(
              "\(path):\(line): instance \(record.id) belongs to suite '\(record.suite)', which the file's 'suites' do not list"
            )
          }
          head = record
          recordsRead += 1
        } else {
          while let key = try reader.nextKey() { trailer.append((key, try reader.readValue())) }
          try reader.expectEnd()
        }
      } catch let error as Problem {
        throw error
      } catch let error as JSONReader.SyntaxError {
        throw Problem(error.description)
      } catch {
        throw Problem("\(path):\(reader.line): \(error)")
      }
    }
  }

  /// The run the files describe (identical in all of them).
  public let header: RunHeader
  private let paths: [String]
  /// Each file as the first pass read it: the second must read the same files, unchanged.
  private let identities: [JSONReader.FileIdentity?]
  private let shardCount: Int
  private let slowestShardSeconds: Double

  /// The first pass: opens every file and checks all of it (see the type's documentation),
  /// writing nothing. Throws the first problem found — a file's own trailer (an incomplete or
  /// missing shard) before the instances that are therefore missing.
  public init(paths: [String]) throws(Problem) {
    guard !paths.isEmpty else { throw Problem("merge needs at least one results file") }
    var inputs: [Input] = []
    for path in paths {
      let input = try Input(path: path)
      if let first = inputs.first, let difference = Self.difference(first.header, input.header) {
        throw Problem("\(path) and \(first.path) are not shards of the same run: \(difference)")
      }
      inputs.append(input)
    }
    let header = inputs[0].header
    // The ordinals: each exactly once, 0 ..< selected. The first problem waits until the
    // trailers are checked, since a missing or incomplete shard explains it better.
    var sequenceProblem: Problem?
    var next = 0
    do {
      try Self.forEachInstance(of: inputs) { record, holders in
        Self.checkSequence(record, holders: holders, next: &next, selected: header.selected, problem: &sequenceProblem)
        return true
      }
    } catch let problem as Problem {
      throw problem
    } catch {
      throw Problem("\(error)")
    }
    let (count, seconds) = try Self.checkShards(inputs)
    if let sequenceProblem { throw sequenceProblem }
    guard next == header.selected else {
      throw Problem(
        "the files hold instances 0 … \(next - 1) but the run selected \(header.selected); instances \(next) … \(header.selected - 1) are in none of them"
      )
    }
    self.header = header
    self.paths = paths
    identities = inputs.map(\.reader.identity)
    shardCount = count
    slowestShardSeconds = seconds
  }

  /// The second pass: writes every record to `reports` in ordinal order and finishes them;
  /// returns the counts and how it ended. The files must be those the first pass checked,
  /// unchanged; on any problem the reports are abandoned and the problem thrown. When
  /// `cancellation` fires (SIGINT), the records written so far are the reports' prefix and
  /// they are finished marked interrupted (TAP: `Bail out!`), as a run's are.
  public func run(
    into reports: ReportSet, descentVersion: String, cancellation: Cancellation? = nil
  ) throws -> (summary: ResultSummary, ending: Runner.Ending) {
    do {
      var inputs: [Input] = []
      for (path, identity) in zip(paths, identities) {
        let input = try Input(path: path)
        guard input.reader.identity == identity, input.header == header else {
          throw Problem("\(path) changed while merging; run the merge again")
        }
        inputs.append(input)
      }
      var next = 0
      var ending = Runner.Ending.complete
      try Self.forEachInstance(of: inputs) { record, holders in
        guard holders.count == 1, record.ordinal == next else {
          throw Problem("\(holders[0].path) changed while merging; run the merge again")
        }
        if cancellation?.isCancelled == true {
          ending = .interrupted
          return false
        }
        try reports.write(record)
        next += 1
        return true
      }
      let run = JSONValue.object([
        ("descent_version", .string(descentVersion)), ("merged_shards", .integer(shardCount)),
        ("duration_seconds", .number(slowestShardSeconds)),
      ])
      try reports.finish(reason: ending, expected: header.selected, run: run)
      return (reports.summary, ending)
    } catch {
      reports.abandon()
      throw error
    }
  }

  /// Notes the first break in the ordinal sequence: an instance in two files, one outside the
  /// run, or instances in none.
  private static func checkSequence(
    _ record: ResultRecord, holders: [Input], next: inout Int, selected: Int, problem: inout Problem?
  ) {
    defer { next = record.ordinal + 1 }
    guard problem == nil else { return }
    if holders.count > 1 {
      problem = Problem("instance \(record.id) appears in both \(holders[0].path) and \(holders[1].path)")
    } else if record.ordinal >= selected {
      problem = Problem(
        "\(holders[0].path): instance \(record.id) has index \(record.ordinal), but the run selected \(selected) instances (0 … \(selected - 1))"
      )
    } else if record.ordinal != next {
      let missing = next == record.ordinal - 1 ? "instance \(next)" : "instances \(next) … \(record.ordinal - 1)"
      problem = Problem(
        "\(missing) of the run (0-based index) in none of the files; the next one, \(record.id), has index \(record.ordinal)"
      )
    }
  }

  /// Reads the inputs' records merged in ordinal order, handing each ordinal's record to `body`
  /// with the inputs that hold it (more than one when files overlap), until `body` returns
  /// false; reads each trailer.
  private static func forEachInstance(of inputs: [Input], _ body: (ResultRecord, [Input]) throws -> Bool) throws {
    while true {
      var lowest: Int?
      for input in inputs {
        if let ordinal = input.head?.ordinal, ordinal < (lowest ?? Int.max) { lowest = ordinal }
      }
      guard let lowest else { return }
      let holders = inputs.filter { $0.head?.ordinal == lowest }
      guard try body(holders[0].head!, holders) else { return }
      for holder in holders { try holder.advance() }
    }
  }

  /// Checks each file's trailer — complete, holding what its summary counts, written by the
  /// same descent — and that the files are shards 1…N of one N, each once; returns N and the
  /// slowest shard's duration.
  private static func checkShards(_ inputs: [Input]) throws(Problem) -> (count: Int, seconds: Double) {
    var count: Int?
    var seen: [Int: String] = [:]
    var duration = 0.0
    var version: (value: String?, path: String)?
    for input in inputs {
      let trailer = JSONValue.object(input.trailer)
      guard let summary = trailer["summary"], let ended = summary["ended"]?.stringValue else {
        throw Problem("\(input.path): no 'summary' after the instances; is it a descent results file?")
      }
      let shard = trailer["run"]?["shard"]
      let index = shard?["index"]?.integerValue ?? 1
      let total = shard?["count"]?.integerValue ?? 1
      let name = shard?["index"] == nil ? "the run" : "shard \(index)/\(total)"
      guard ended == Runner.Ending.complete.rawValue else {
        throw Problem(
          "\(input.path): \(name) ended '\(ended)' (\(summary["total"]?.integerValue ?? 0) of \(summary["expected"]?.integerValue ?? 0) instances); re-run that shard"
        )
      }
      guard summary["total"]?.integerValue == input.recordsRead else {
        throw Problem(
          "\(input.path): holds \(input.recordsRead) instances but its summary counts \(summary["total"].map { $0.serialized() } ?? "none"); the file was edited or cut"
        )
      }
      let fileVersion = trailer["run"]?["descent_version"]?.stringValue
      if let version, version.value != fileVersion {
        throw Problem(
          "\(input.path) was written by descent \(fileVersion ?? "(unknown version)") but \(version.path) by descent \(version.value ?? "(unknown version)"); run every shard with the same descent"
        )
      }
      version = version ?? (fileVersion, input.path)
      guard total >= 1, (1...total).contains(index) else {
        throw Problem("\(input.path): shard \(index)/\(total) is not a shard (1 ≤ index ≤ count)")
      }
      if let count, count != total {
        throw Problem("\(input.path) is shard \(index)/\(total) but other files are shards of \(count)")
      }
      count = total
      if let other = seen[index] {
        throw Problem("\(input.path) and \(other) are both shard \(index)/\(total)")
      }
      seen[index] = input.path
      duration = max(duration, trailer["run"]?["duration_seconds"]?.doubleValue ?? 0)
    }
    let total = count ?? 1
    let missing = (1...total).filter { seen[$0] == nil }
    guard missing.isEmpty else {
      throw Problem(
        "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(total)" }.joined(separator: ", ")) missing")
    }
    return (total, duration)
  }

  /// Reads `schema`, `version`, `suites` and `selection`, leaving the reader at the first record.
  private static func readHeader(_ reader: JSONReader) throws -> RunHeader {
    try reader.beginObject()
    var suites: [SuiteRecord]?
    var selection: JSONValue?
    var schema: String?
    var version: Int?
    while let key = try reader.nextKey() {
      switch key {
      case "instances":
        guard schema == JSONReport.schemaName else {
          throw Problem("\(reader.name): not a descent results file (schema \(schema.map { "'\($0)'" } ?? "missing"))")
        }
        guard version == JSONReport.schemaVersion else {
          throw Problem(
            "\(reader.name): results version \(version.map(String.init) ?? "missing"); this descent reads version \(JSONReport.schemaVersion)"
          )
        }
        guard let suites, let selection else {
          throw Problem("\(reader.name): 'suites' and 'selection' must come before 'instances'")
        }
        try reader.beginArray()
        return try RunHeader(suites: suites, selectionJSON: selection)
      case "schema": schema = try reader.readValue().stringValue
      case "version": version = try reader.readValue().integerValue
      case "selection": selection = try reader.readValue()
      case "suites":
        suites = try (reader.readValue().arrayValue ?? []).map { try SuiteRecord(json: $0) }
      default: try reader.skipValue()
      }
    }
    throw Problem("\(reader.name): no 'instances' in the document")
  }

  /// What differs between two headers, in words; nil when they are equal.
  static func difference(_ a: RunHeader, _ b: RunHeader) -> String? {
    guard a != b else { return nil }
    if a.suites.map(\.name) != b.suites.map(\.name) {
      return "suites \(a.suites.map(\.name)) vs \(b.suites.map(\.name))"
    }
    for (x, y) in zip(a.suites, b.suites) where x != y {
      if x.configHash != y.configHash { return "suite \(x.name) has a different config (content hash)" }
      if x.seed != y.seed { return "suite \(x.name) ran with seed \(x.seed) vs \(y.seed)" }
      if x.file != y.file { return "suite \(x.name) was read from \(x.file) vs \(y.file)" }
      return "suite \(x.name) differs"
    }
    if a.filter != b.filter { return "filters \(a.filter) vs \(b.filter)" }
    return "the selections differ"
  }
}
