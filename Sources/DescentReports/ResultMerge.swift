import DescentRunner

/// Combines the results documents of a sharded run (`descent merge`) into the reports an
/// unsharded run writes.
///
/// It checks that every file ran the same configs (suites, content hashes, seeds, filter), that
/// the files are shards 1…N of one N, each once and each complete, and that every instance of
/// the run appears exactly once. The files are read side by side, one record at a time, and
/// merged by ordinal (each file is in id order), so memory stays flat however large the run.
public final class ResultMerge {
  /// A problem with the inputs; nothing is written.
  public struct Problem: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    init(_ message: String) {
      self.message = message
    }
  }

  private final class Input {
    let path: String
    let reader: JSONReader
    /// The next record, or nil once the `instances` array is exhausted.
    var head: ResultRecord?
    var trailer: [(String, JSONValue)] = []
    var recordsRead = 0

    init(path: String) throws(Problem) {
      self.path = path
      do {
        reader = try JSONReader(path: path)
      } catch {
        throw Problem("\(path): cannot read: \(error.message)")
      }
    }

    /// Reads the next record into `head` (checking ids go up), then, after the last, the trailer.
    func advance() throws(Problem) {
      let previous = head?.ordinal
      head = nil
      do {
        if try reader.nextElement() {
          let record = try ResultRecord(json: try reader.readValue())
          if let previous, record.ordinal <= previous {
            throw Problem(
              "\(path):\(reader.line): instance \(record.id) has index \(record.ordinal) after index \(previous); records must be in id order"
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
  private let inputs: [Input]

  /// Opens every file and reads its header, up to the first instance record.
  public init(paths: [String]) throws(Problem) {
    guard !paths.isEmpty else { throw Problem("merge needs at least one results file") }
    var inputs: [Input] = []
    var header: RunHeader?
    var firstPath = ""
    for path in paths {
      let input = try Input(path: path)
      let fileHeader: RunHeader
      do {
        fileHeader = try Self.readHeader(input.reader)
      } catch let error as JSONReader.SyntaxError {
        throw Problem(error.description)
      } catch {
        throw Problem("\(path): \(error)")
      }
      if let header {
        if let difference = Self.difference(header, fileHeader) {
          throw Problem("\(path) and \(firstPath) are not shards of the same run: \(difference)")
        }
      } else {
        header = fileHeader
        firstPath = path
      }
      try input.advance()
      inputs.append(input)
    }
    self.header = header!
    self.inputs = inputs
  }

  /// Writes every record to `reports` in ordinal order and finishes them; returns the counts.
  /// On any problem the reports are abandoned (nothing is written) and the problem thrown.
  public func run(into reports: ReportSet, descentVersion: String) throws -> ResultSummary {
    do {
      var expected = 0
      while true {
        let heads = inputs.filter { $0.head != nil }
        guard let lowest = heads.min(by: { $0.head!.ordinal < $1.head!.ordinal }) else { break }
        let record = lowest.head!
        if let other = heads.first(where: { $0 !== lowest && $0.head!.ordinal == record.ordinal }) {
          throw Problem("instance \(record.id) appears in both \(lowest.path) and \(other.path)")
        }
        guard record.ordinal == expected else {
          throw Problem(
            "instance \(expected) of the run (0-based index) is in none of the files; the next one, \(record.id), has index \(record.ordinal)"
          )
        }
        try reports.write(record)
        expected += 1
        try lowest.advance()
      }
      let run = try checkShards()
      guard expected == header.selected else {
        throw Problem(
          "the files hold \(expected) instances but the run selected \(header.selected); a shard is missing")
      }
      try reports.finish(reason: .complete, expected: header.selected, run: run(descentVersion))
      return reports.summary
    } catch {
      reports.abandon()
      throw error
    }
  }

  /// Checks the files are shards 1…N of one N, each complete; returns the merged `run` member.
  private func checkShards() throws(Problem) -> (String) -> JSONValue {
    var count: Int?
    var seen: [Int: String] = [:]
    var duration = 0.0
    for input in inputs {
      let trailer = JSONValue.object(input.trailer)
      guard let summary = trailer["summary"], let ended = summary["ended"]?.stringValue else {
        throw Problem("\(input.path): no 'summary' after the instances; is it a descent results file?")
      }
      guard ended == Runner.Ending.complete.rawValue else {
        throw Problem(
          "\(input.path): that run ended '\(ended)' (\(summary["total"]?.integerValue ?? 0) of \(summary["expected"]?.integerValue ?? 0) instances); re-run that shard"
        )
      }
      let shard = trailer["run"]?["shard"]
      let index = shard?["index"]?.integerValue ?? 1
      let total = shard?["count"]?.integerValue ?? 1
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
    let shards = inputs.count
    return { version in
      .object([
        ("descent_version", .string(version)), ("merged_shards", .integer(shards)),
        ("duration_seconds", .number(duration)),
      ])
    }
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
