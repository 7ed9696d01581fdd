import DescentConfig
import DescentCore
import DescentRunner

/// The JSON form of results (`--json`), schema "descent-results" version 1 (docs/results.md).
public enum JSONReport {
  public static let schemaName = "descent-results"
  public static let schemaVersion = 1

  /// The record of one instance with its ordinal: `index` first, then `instanceRecord`.
  public static func record(_ result: InstanceResult, ordinal: Int) -> JSONValue {
    .object([("index", .integer(ordinal))] + (instanceRecord(result).objectValue ?? []))
  }

  /// The document's `summary`: counts of the instances in it, and how the run ended.
  static func summaryRecord(_ ending: RunEnding) -> JSONValue {
    .object([
      ("total", .integer(ending.summary.total)), ("passed", .integer(ending.summary.passed)),
      ("failed", .integer(ending.summary.failed)), ("errors", .integer(ending.summary.errors)),
      ("expected", .integer(ending.expected)), ("ended", .string(ending.reason.rawValue)),
    ])
  }

  /// The record of one instance: id, parameters, settings, regime, metrics, expectations.
  public static func instanceRecord(_ result: InstanceResult) -> JSONValue {
    let instance = result.instance
    let problem = instance.problem
    var members: [(String, JSONValue)] = [
      ("id", .string(instance.id)), ("suite", .string(instance.suite)), ("scenario", .string(instance.scenario)),
      ("description", .string(instance.description)), ("file", .string(instance.file)),
      ("line", .integer(instance.mark.line)), ("column", .integer(instance.mark.column)),
      ("parameters", .object(instance.parameters.map { ($0.key, .string($0.value)) })),
      (
        "settings",
        .object([
          ("landscape", .string(instance.landscapeText)), ("start", .numbers(problem.start)),
          ("optimizer", .string(instance.optimizerText)), ("lr", .string(instance.learningRateText)),
          ("steps", .integer(problem.settings.steps)), ("tolerance", .number(problem.settings.tolerance)),
          ("divergence_bound", .number(problem.settings.divergenceBound)), ("seed", .string(String(instance.seed))),
        ])
      ),
      ("status", .string(result.status.rawValue)),
    ]
    if let outcome = result.outcome {
      let classification = outcome.classification
      members += [
        ("regime", .string(classification.regime.rawValue)),
        ("divergence_reason", .string(classification.divergenceReason?.rawValue)),
        ("converged", .bool(classification.converged)),
        ("steps_to_tolerance", classification.stepsToTolerance.map { .integer($0) } ?? .null),
        ("steps_taken", .integer(classification.stepsTaken)),
        ("final_point", .numbers(outcome.finalPoint)),
        ("final_loss", .number(outcome.finalLoss)),
        (
          "reference",
          .object([
            ("point", .numbers(outcome.reference.point)), ("source", .string(outcome.reference.source.rawValue)),
            ("value", .number(outcome.reference.value)),
            ("hessian_eigenvalues", .numbers(outcome.reference.spectrum.eigenvalues)),
          ])
        ),
        (
          "metrics",
          .object(
            [("initial_loss", .number(outcome.initialLoss)), ("initial_error", .number(classification.initialError))]
              + Metric.allCases.map { ($0.rawValue, .number(result.metric($0))) })
        ),
      ]
    }
    members.append(("theory", theoryRecord(result)))
    if !result.searches.isEmpty {
      members.append(
        (
          "searches",
          .object(
            result.searches.map { search in
              (
                search.kind.rawValue,
                .object([
                  ("value", .number(search.value)), ("evaluations", .integer(search.evaluations)),
                  ("failure", .string(search.failure)),
                ])
              )
            })
        ))
    }
    members.append(
      (
        "expectations",
        .array(
          result.expectations.map { expectation in
            .object([
              ("key", .string(expectation.key)), ("passed", .bool(expectation.passed)),
              ("expected", .string(expectation.expected)), ("measured", .string(expectation.measured)),
              ("reason", expectation.passed ? .null : .string(expectation.reason)),
              ("line", .integer(expectation.mark.line)), ("column", .integer(expectation.mark.column)),
            ])
          })
      ))
    members.append(("error", .string(result.error)))
    return .object(members)
  }

  /// What theory says about the instance, or why it does not apply.
  static func theoryRecord(_ result: InstanceResult) -> JSONValue {
    guard let report = result.theory else {
      return .object([("applies", .bool(false)), ("reason", .string(result.theoryUnavailable))])
    }
    var members: [(String, JSONValue)] = [
      ("applies", .bool(true)), ("local", .bool(report.theory.isLocal)),
      ("eigenvalues", .numbers(report.theory.eigenvalues)),
      ("condition_number", .number(report.theory.conditionNumber)),
      ("method", .string(report.method.name)),
      ("divergence_threshold", .number(report.divergenceThreshold)),
      ("optimal_lr", .number(report.optimalLearningRate)),
    ]
    if let prediction = report.prediction {
      members += [
        ("predicted_regime", .string(prediction.regime.rawValue)),
        ("predicted_steps_to_tolerance", prediction.stepsToTolerance.map { .integer($0) } ?? .null),
        ("predicted_contraction_rate", .number(prediction.contractionRate)),
        ("explanation", .string(prediction.explanation)),
      ]
    }
    return .object(members)
  }

  /// 16 lowercase hex digits.
  static func hex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}

/// The console report: one line per unsuccessful instance, then `N passed, N failed`.
public enum ConsoleReport {
  /// `FAIL id: reason; reason` (or `ERROR id: reason`); nil for a passed instance.
  public static func failureLine(_ record: ResultRecord) -> String? {
    switch record.status {
    case .passed: nil
    case .failed: "FAIL \(record.id): " + record.reasons.joined(separator: "; ")
    case .error: "ERROR \(record.id): " + record.reasons.joined(separator: "; ")
    }
  }

  /// `PASS id (regime)`, for `--verbose`.
  public static func passLine(_ record: ResultRecord) -> String {
    "PASS \(record.id) (\(record.regime ?? ""))"
  }

  /// `N passed, N failed` — errors count as failed.
  public static func summaryLine(_ summary: ResultSummary) -> String {
    "\(summary.passed) passed, \(summary.unsuccessful) failed"
  }
}
