import DescentCore
import YAMLNode

/// One `key=value` of an instance id.
public struct Parameter: Sendable, Hashable {
  public var key: String
  public var value: String

  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

/// One config file: a suite of scenarios.
public struct Suite: Sendable {
  public let name: String
  public let description: String?
  /// The file as named on the command line (or found in a folder).
  public let file: String
  /// Where `suite:` is written.
  public let mark: Mark
  /// The root seed of the suite (`seed:`, or `--seed`), before per-instance derivation.
  public let seed: UInt64
  public let scenarios: [Scenario]
  /// FNV-1a of the file's bytes, so shard results can check they ran the same configs.
  public let contentHash: UInt64

  /// The number of instances across all scenarios.
  public var instanceCount: Int { scenarios.reduce(0) { $0 + $1.instanceCount } }
}

/// One scenario: a template expanded by `cases` and `sweep` into instances, produced lazily.
public struct Scenario: Sendable {
  public let suite: String
  public let name: String
  public let description: String?
  public let file: String
  public let mark: Mark
  var plan: ScenarioPlan

  /// Scenarios of the same suite this one's `faster_than` expectations compare with: a sharded
  /// run keeps them in the same shard.
  public var comparedScenarios: [String] { plan.comparedScenarios }

  /// Number of instances (cases × sweep combinations).
  public var instanceCount: Int { plan.instanceCount }

  /// The instance at `index` (0 ..< instanceCount), in id order.
  /// - Complexity: O(number of sweep keys); nothing is decoded here.
  public func instance(at index: Int) -> Instance {
    plan.instance(at: index, scenario: self)
  }

  /// The id of the instance at `index`, without building the instance (for listing).
  /// - Complexity: O(number of sweep keys + the id's length); nothing is decoded.
  public func id(at index: Int) -> String {
    ScenarioPlan.id(suite: suite, scenario: name, parameters: plan.parameters(at: index))
  }

  /// All instances, in order (for small scenarios and tests; large sweeps index lazily).
  public var instances: [Instance] { (0..<instanceCount).map(instance(at:)) }
}

/// One fully resolved run with its expectations: the unit of filtering, sharding and reports.
public struct Instance: Sendable {
  /// `suite/scenario[key=value,...]`.
  public let id: String
  public let suite: String
  public let scenario: String
  /// The case and sweep values that distinguish this instance, in canonical key order.
  public let parameters: [Parameter]
  /// The case's description if it has one, else the scenario's.
  public let description: String?
  public let file: String
  /// Where the scenario (or the case) is written.
  public let mark: Mark
  public let problem: Problem
  /// Canonical texts of the resolved landscape, optimizer and lr, for reports.
  public let landscapeText: String
  public let optimizerText: String
  public let learningRateText: String
  public let expectations: [Expectation]
  /// The lr searches (`find:`) to run besides the instance's own run.
  public let searches: [SearchSpec]
  /// For each scenario named by a `faster_than`, the instance compared with.
  public let comparisons: [String: ComparisonTarget]
  /// The instance's own seed, derived from the root seed and the id.
  public let seed: UInt64
}
