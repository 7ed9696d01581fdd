import DescentConfig
import DescentCore
import DescentRunner

/// Facts about a whole run that are not per-instance results (kept apart so that per-instance
/// records are byte-identical whatever the thread count or timing).
public struct RunContext: Sendable {
  public var suites: [Suite]
  public var jobs: Int
  public var durationSeconds: Double
  public var descentVersion: String

  public init(suites: [Suite], jobs: Int, durationSeconds: Double, descentVersion: String) {
    self.suites = suites
    self.jobs = jobs
    self.durationSeconds = durationSeconds
    self.descentVersion = descentVersion
  }
}

/// The JSON form of results (`--json`), schema "descent-results" version 1 (docs/results.md).
public enum JSONReport {
  public static let schemaName = "descent-results"
  public static let schemaVersion = 1

  /// The whole document: one instance record per line inside `instances`, so files diff well.
  public static func document(_ results: [InstanceResult], context: RunContext) -> String {
    let summary = ResultSummary(results)
    var output = "{\n"
    output += "  \"schema\": \"\(schemaName)\",\n"
    output += "  \"version\": \(schemaVersion),\n"
    output += "  \"summary\": " + summaryRecord(summary).serialized() + ",\n"
    output += "  \"suites\": [\n"
    output += context.suites.map { "    " + suiteRecord($0).serialized() }.joined(separator: ",\n")
    output += "\n  ],\n"
    output += "  \"instances\": [\n"
    output += results.map { "    " + instanceRecord($0).serialized() }.joined(separator: ",\n")
    output += results.isEmpty ? "  ],\n" : "\n  ],\n"
    output += "  \"run\": " + runRecord(context).serialized() + "\n"
    output += "}\n"
    return output
  }

  static func summaryRecord(_ summary: ResultSummary) -> JSONValue {
    .object([
      ("total", .integer(summary.total)), ("passed", .integer(summary.passed)),
      ("failed", .integer(summary.failed)), ("errors", .integer(summary.errors)),
    ])
  }

  static func suiteRecord(_ suite: Suite) -> JSONValue {
    .object([
      ("name", .string(suite.name)), ("description", .string(suite.description)), ("file", .string(suite.file)),
      ("seed", .string(String(suite.seed))), ("config_hash", .string(hex(suite.contentHash))),
      ("instances", .integer(suite.instanceCount)),
    ])
  }

  static func runRecord(_ context: RunContext) -> JSONValue {
    .object([
      ("descent_version", .string(context.descentVersion)), ("jobs", .integer(context.jobs)),
      ("duration_seconds", .number((context.durationSeconds * 1000).rounded() / 1000)),
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
  /// `FAIL id: reason; reason` (or `ERROR id: reason`) for each unsuccessful instance, in order.
  public static func failureLines(_ results: [InstanceResult]) -> [String] {
    results.compactMap { result in
      switch result.status {
      case .passed: nil
      case .failed: "FAIL \(result.instance.id): " + result.failureReasons.joined(separator: "; ")
      case .error: "ERROR \(result.instance.id): " + result.failureReasons.joined(separator: "; ")
      }
    }
  }

  /// `N passed, N failed` — errors count as failed.
  public static func summaryLine(_ summary: ResultSummary) -> String {
    "\(summary.passed) passed, \(summary.unsuccessful) failed"
  }
}
