import DescentConfig
import DescentCore
import YAMLNode

/// The verdict on one expectation: what was expected, what was measured, and why it failed.
public struct ExpectationResult: Sendable, Hashable {
  public var key: String
  public var passed: Bool
  /// What the config asked for, e.g. "zigzag" or "at most 120".
  public var expected: String
  /// What the run produced, e.g. "oscillating" or "150".
  public var measured: String
  public var mark: Mark

  /// One line: "expected regime zigzag, measured oscillating".
  public var reason: String { "expected \(key) \(expected), measured \(measured)" }
}

/// How an instance ended.
public enum InstanceStatus: String, Sendable, Hashable {
  /// Ran, and every expectation held.
  case passed
  /// Ran, and an expectation failed.
  case failed
  /// Could not run (for example no reference point); counted with the failures.
  case error
}

/// Everything known about one instance after its run: the record reports are written from.
public struct InstanceResult: Sendable {
  public var instance: Instance
  /// nil when the run could not execute (`error` holds why).
  public var outcome: RunOutcome?
  public var error: String?
  public var expectations: [ExpectationResult]
  /// What theory says about the run (nil when it does not apply: `theoryUnavailable` says why).
  public var theory: TheoryReport?
  public var theoryUnavailable: String?
  /// The results of the instance's lr searches, in the order of `find:`.
  public var searches: [SearchOutcome] = []
  /// The measured contraction rate, when an expectation asks for it.
  public var contractionRate: Double?

  public var status: InstanceStatus {
    if error != nil { return .error }
    return expectations.allSatisfy(\.passed) ? .passed : .failed
  }

  /// The reasons it did not pass, one per failed expectation (or the error).
  public var failureReasons: [String] {
    if let error { return [error] }
    return expectations.filter { !$0.passed }.map(\.reason)
  }

  /// The value of a metric, or nil when the run does not have it (not converged, stopped early).
  public func metric(_ metric: Metric) -> Double? {
    guard let outcome else { return nil }
    switch metric {
    case .stepsToTolerance: return outcome.classification.stepsToTolerance.map(Double.init)
    case .finalLoss: return outcome.finalLoss
    case .finalGap: return outcome.finalGap
    case .finalError: return outcome.classification.finalError
    case .finalGradientNorm: return outcome.finalGradientNorm
    case .noiseFloor: return outcome.noiseFloor
    case .contractionRate: return contractionRate
    }
  }
}

/// Counts of a run's results.
public struct ResultSummary: Sendable, Hashable {
  public var passed = 0
  public var failed = 0
  public var errors = 0

  public init() {}

  public init<Results: Sequence>(_ results: Results) where Results.Element == InstanceResult {
    for result in results { add(result.status) }
  }

  public mutating func add(_ status: InstanceStatus) {
    switch status {
    case .passed: passed += 1
    case .failed: failed += 1
    case .error: errors += 1
    }
  }

  public var total: Int { passed + failed + errors }
  /// Failures and errors together: what the console's "N failed" counts.
  public var unsuccessful: Int { failed + errors }
}
