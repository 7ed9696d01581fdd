/// Writes the results document (`--json`) as records arrive: the header, one instance record per
/// line, then `summary` and `run` — so it streams with flat memory and diffs well. Put in place
/// atomically by `finish`.
///
/// Everything but the last member, `run`, is a function of the configs, the filter and the
/// results: byte-identical for any `--jobs`, and for a merge of shards.
public final class JSONReportWriter: ReportWriter {
  private let stream: AtomicFileStream
  private var wroteRecord = false

  public init(path: String) throws {
    stream = try AtomicFileStream(path: path)
  }

  public func begin(_ header: RunHeader) throws {
    var text = "{\n"
    text += "  \"schema\": \"\(JSONReport.schemaName)\",\n"
    text += "  \"version\": \(JSONReport.schemaVersion),\n"
    text += "  \"suites\": [\n"
    text += header.suites.map { "    " + $0.json.serialized() }.joined(separator: ",\n")
    text += header.suites.isEmpty ? "  ],\n" : "\n  ],\n"
    text += "  \"selection\": " + header.selectionJSON.serialized() + ",\n"
    text += "  \"instances\": ["
    try stream.write(text)
  }

  public var renderer: RecordRenderer? { { $0.json.serialized() } }

  public func write(_ record: ResultRecord, rendered: String?) throws {
    try stream.write((wroteRecord ? ",\n    " : "\n    ") + (rendered ?? record.json.serialized()))
    wroteRecord = true
  }

  public func close(_ ending: RunEnding) throws -> PendingRename? {
    var text = "\n  ],\n"
    text += "  \"summary\": " + JSONReport.summaryRecord(ending).serialized() + ",\n"
    text += "  \"run\": " + ending.run.serialized() + "\n"
    text += "}\n"
    try stream.write(text)
    return try stream.close()
  }

  public func abandon() { stream.abandon() }
}
