import DescentConfig
import DescentCore

/// Checks a run's outcome against the instance's expectations.
public enum ExpectationChecker {
  public static func check(_ expectations: [Expectation], outcome: RunOutcome, result: InstanceResult)
    -> [ExpectationResult]
  {
    expectations.map { check($0, outcome: outcome, result: result) }
  }

  static func check(_ expectation: Expectation, outcome: RunOutcome, result: InstanceResult) -> ExpectationResult {
    let classification = outcome.classification
    func verdict(_ passed: Bool, expected: String, measured: String) -> ExpectationResult {
      ExpectationResult(
        key: expectation.key, passed: passed, expected: expected, measured: measured, mark: expectation.mark)
    }
    switch expectation.check {
    case .regime(let allowed):
      let expected =
        allowed.count == 1 ? allowed[0].rawValue : "one of " + allowed.map(\.rawValue).joined(separator: ", ")
      return verdict(allowed.contains(classification.regime), expected: expected, measured: describe(classification))
    case .converged(let wanted):
      var measured = classification.converged ? "true" : "false"
      if !classification.converged {
        measured +=
          " (final error \(NumberText.shortest(classification.finalError)) > tolerance \(NumberText.shortest(classification.absoluteTolerance)))"
      }
      return verdict(classification.converged == wanted, expected: wanted ? "true" : "false", measured: measured)
    case .metric(let metric, let numeric):
      guard let value = result.metric(metric) else {
        let why = metric == .stepsToTolerance ? "not converged" : "not available (the run stopped early)"
        return verdict(false, expected: numeric.description, measured: why)
      }
      return verdict(numeric.accepts(value), expected: numeric.description, measured: NumberText.shortest(value))
    case .fasterThan(let scenario, let factor):
      return fasterThan(scenario, factor: factor, expectation: expectation, outcome: outcome, result: result)
    case .finalPoint(let point, let within):
      var squares = 0.0
      for (a, b) in zip(outcome.finalPoint, point) { squares += (a - b) * (a - b) }
      let distance = squares.squareRoot()
      return verdict(
        distance <= within,
        expected: "within \(NumberText.shortest(within)) of \(NumberText.list(point))",
        measured: "\(NumberText.list(outcome.finalPoint)) (distance \(NumberText.shortest(distance)))")
    }
  }

  /// steps_to_tolerance at least `factor`× fewer than the compared instance's, which is re-run
  /// here (runs are pure functions of their spec, so this equals its own result).
  static func fasterThan(
    _ scenario: String, factor: Double, expectation: Expectation, outcome: RunOutcome, result: InstanceResult
  ) -> ExpectationResult {
    let expected = "at least \(NumberText.shortest(factor))× fewer steps to tolerance than \(scenario)"
    func verdict(_ passed: Bool, _ measured: String) -> ExpectationResult {
      ExpectationResult(
        key: expectation.key, passed: passed, expected: expected, measured: measured, mark: expectation.mark)
    }
    guard let target = result.instance.comparisons[scenario] else {
      return verdict(false, "no instance of \(scenario) to compare with")
    }
    let reference: RunOutcome
    do {
      reference = try Engine.run(target.problem)
    } catch {
      return verdict(false, "\(target.id) could not run: \(error)")
    }
    guard let steps = outcome.classification.stepsToTolerance else {
      return verdict(
        false,
        "not converged within \(result.instance.problem.settings.steps) steps (\(describe(outcome.classification)))")
    }
    let needed = Double(steps) * factor
    if let referenceSteps = reference.classification.stepsToTolerance {
      return verdict(
        needed <= Double(referenceSteps),
        "\(steps) steps vs \(referenceSteps) for \(target.id) (\(NumberText.shortest(Double(referenceSteps) / Double(max(steps, 1))))×)"
      )
    }
    // The reference did not converge within its steps: it needs more than that many.
    let limit = target.problem.settings.steps
    return verdict(
      needed <= Double(limit),
      "\(steps) steps; \(target.id) did not converge within \(limit) steps")
  }

  /// "zigzag", or "divergent (left the divergence bound)".
  static func describe(_ classification: Classification) -> String {
    if let reason = classification.divergenceReason { return "\(classification.regime) (\(reason.rawValue))" }
    return classification.regime.rawValue
  }
}
