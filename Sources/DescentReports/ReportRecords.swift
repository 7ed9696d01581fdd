import DescentConfig
import DescentCore
import DescentRunner

/// What the reports say about one suite of a run (the results document's `suites`).
public struct SuiteRecord: Sendable, Hashable {
  public var name: String
  public var description: String?
  /// The file as named on the command line.
  public var file: String
  /// The suite's root seed (decimal text: seeds are 64-bit).
  public var seed: String
  /// FNV-1a of the file's bytes, 16 hex digits: shards must have run the same configs.
  public var configHash: String
  /// Instances the suite expands to.
  public var instances: Int
  /// Instances the filter selects, across all shards.
  public var selected: Int

  public init(_ suite: Suite, selected: Int) {
    name = suite.name
    description = suite.description
    file = suite.file
    seed = String(suite.seed)
    configHash = JSONReport.hex(suite.contentHash)
    instances = suite.instanceCount
    self.selected = selected
  }

  public var json: JSONValue {
    .object([
      ("name", .string(name)), ("description", .string(description)), ("file", .string(file)),
      ("seed", .string(seed)), ("config_hash", .string(configHash)), ("instances", .integer(instances)),
      ("selected", .integer(selected)),
    ])
  }

  public init(json: JSONValue) throws(ReportInputError) {
    let fields = RecordFields(json, what: "a suite record")
    name = try fields.string("name")
    description = try fields.optionalString("description")
    file = try fields.string("file")
    seed = try fields.string("seed")
    configHash = try fields.string("config_hash")
    instances = try fields.integer("instances")
    selected = try fields.integer("selected")
  }
}

/// What a run set out to do: its suites and what the filter selected. Identical in every shard
/// of a run and in the unsharded run, which is what `merge` checks.
public struct RunHeader: Sendable, Hashable {
  public var suites: [SuiteRecord]
  /// The `--filter` patterns.
  public var filter: [String]
  /// Instances selected across all shards; ordinals are 0 ..< selected.
  public var selected: Int

  public init(suites: [SuiteRecord], filter: [String], selected: Int) {
    self.suites = suites
    self.filter = filter
    self.selected = selected
  }

  public init(_ selection: Selection, filter: InstanceFilter) {
    suites = zip(selection.suites, selection.selectedPerSuite).map { SuiteRecord($0, selected: $1) }
    self.filter = filter.patterns
    selected = selection.totalCount
  }

  /// The document's `selection` member.
  public var selectionJSON: JSONValue {
    .object([("filter", .array(filter.map { .string($0) })), ("instances", .integer(selected))])
  }

  /// Reads the `selection` member (the suites are read one by one).
  public init(suites: [SuiteRecord], selectionJSON: JSONValue) throws(ReportInputError) {
    let fields = RecordFields(selectionJSON, what: "'selection'")
    guard let patterns = selectionJSON["filter"]?.arrayValue else {
      throw ReportInputError("'selection' has no 'filter' list")
    }
    var filter: [String] = []
    for pattern in patterns {
      guard let text = pattern.stringValue else { throw ReportInputError("'selection.filter' holds a non-string") }
      filter.append(text)
    }
    self.init(suites: suites, filter: filter, selected: try fields.integer("instances"))
  }
}

/// One instance's result as every report sees it: its JSON record (`JSONReport.record`) and
/// the fields the writers read from it.
///
/// Built from the JSON record both in a live run and when `merge` reads shard files, so the
/// reports of a merged run are those of an unsharded run by construction.
public struct ResultRecord: Sendable {
  /// A failed expectation: its key, the one-line reason, and where it is written.
  public struct Failure: Sendable, Hashable {
    public var key: String
    public var reason: String
    public var line: Int
    public var column: Int
  }

  /// The instance's record in the results document (`.null` once dropped: `droppingJSON()`).
  public private(set) var json: JSONValue
  /// Position in the whole run's id order (0-based), the same in every shard.
  public let ordinal: Int
  public let id: String
  public let suite: String
  public let scenario: String
  public let description: String?
  public let file: String
  /// Where the scenario (or case) is written.
  public let line: Int
  public let column: Int
  public let status: InstanceStatus
  public let regime: String?
  public let converged: Bool?
  public let stepsToTolerance: Int?
  public let stepsTaken: Int?
  public let finalLoss: Double?
  public let finalError: Double?
  public let finalGradientNorm: Double?
  /// The instance's seed (decimal text).
  public let seed: String
  public let landscape: String
  public let optimizer: String
  public let learningRate: String
  public let start: [Double]
  public let failures: [Failure]
  /// Why the instance could not run.
  public let error: String?

  /// The record without its JSON tree: once a worker has rendered what needs the tree, the record
  /// travels light, and the tree is freed on the worker rather than on the delivering thread.
  public func droppingJSON() -> ResultRecord {
    var copy = self
    copy.json = .null
    return copy
  }

  /// The reasons it did not pass: the error, or one per failed expectation.
  public var reasons: [String] { error.map { [$0] } ?? failures.map(\.reason) }

  /// The record of a live result.
  public init(_ result: InstanceResult, ordinal: Int) {
    do {
      try self.init(json: JSONReport.record(result, ordinal: ordinal))
    } catch {
      preconditionFailure("descent's own instance record does not read back: \(error)")
    }
  }

  /// Reads a record of a results document.
  public init(json: JSONValue) throws(ReportInputError) {
    let fields = RecordFields(json, what: "an instance record")
    self.json = json
    ordinal = try fields.integer("index")
    id = try fields.string("id")
    suite = try fields.string("suite")
    scenario = try fields.string("scenario")
    description = try fields.optionalString("description")
    file = try fields.string("file")
    line = try fields.integer("line")
    column = try fields.integer("column")
    let statusText = try fields.string("status")
    guard let status = InstanceStatus(rawValue: statusText) else {
      throw ReportInputError("instance \(id): unknown status '\(statusText)'")
    }
    self.status = status
    regime = json["regime"]?.stringValue
    converged = json["converged"]?.boolValue
    stepsToTolerance = json["steps_to_tolerance"]?.integerValue
    stepsTaken = json["steps_taken"]?.integerValue
    let metrics = json["metrics"]
    finalLoss = metrics?["final_loss"]?.doubleValue
    finalError = metrics?["final_error"]?.doubleValue
    finalGradientNorm = metrics?["final_gradient_norm"]?.doubleValue
    guard let settingsJSON = json["settings"] else { throw ReportInputError("instance \(id): no 'settings'") }
    let settings = RecordFields(settingsJSON, what: "the settings of \(id)")
    seed = try settings.string("seed")
    landscape = try settings.string("landscape")
    optimizer = try settings.string("optimizer")
    learningRate = try settings.string("lr")
    start = settingsJSON["start"]?.arrayValue?.compactMap(\.doubleValue) ?? []
    var failures: [Failure] = []
    for expectation in json["expectations"]?.arrayValue ?? [] where expectation["passed"]?.boolValue == false {
      let expectationFields = RecordFields(expectation, what: "an expectation of \(id)")
      failures.append(
        Failure(
          key: try expectationFields.string("key"), reason: try expectationFields.string("reason"),
          line: try expectationFields.integer("line"), column: try expectationFields.integer("column")))
    }
    self.failures = failures
    error = json["error"]?.stringValue
  }
}

/// A results document (or a record in it) that cannot be read.
public struct ReportInputError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }

  public init(_ message: String) {
    self.message = message
  }
}

/// Typed access to the members of a JSON object, with messages naming what is missing.
struct RecordFields {
  let value: JSONValue
  let what: String

  init(_ value: JSONValue, what: String) {
    self.value = value
    self.what = what
  }

  func string(_ key: String) throws(ReportInputError) -> String {
    guard let text = value[key]?.stringValue else { throw missing(key, "a string") }
    return text
  }

  func optionalString(_ key: String) throws(ReportInputError) -> String? {
    guard let member = value[key], !member.isNull else { return nil }
    guard let text = member.stringValue else { throw missing(key, "a string or null") }
    return text
  }

  func integer(_ key: String) throws(ReportInputError) -> Int {
    guard let number = value[key]?.integerValue else { throw missing(key, "a whole number") }
    return number
  }

  private func missing(_ key: String, _ kind: String) -> ReportInputError {
    ReportInputError("\(what) needs '\(key)' (\(kind))")
  }
}
