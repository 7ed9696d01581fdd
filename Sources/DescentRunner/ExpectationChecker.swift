import DescentConfig
import DescentCore

/// Checks a run's outcome against the instance's expectations. Every failure says what was
/// expected, what was measured and, for `theory`, what theory predicted.
public enum ExpectationChecker {
  /// A search that fails (a wrong bracket, no lr converging) is a failure of the instance too,
  /// reported under `find.<search>` when no expectation reads its value.
  public static func check(_ expectations: [Expectation], outcome: RunOutcome, result: InstanceResult)
    -> [ExpectationResult]
  {
    var verdicts = expectations.map { check($0, outcome: outcome, result: result) }
    for (spec, search) in zip(result.instance.searches, result.searches) {
      guard let failure = search.failure else { continue }
      let read = expectations.contains {
        if case .search(let kind, _) = $0.check { kind == spec.kind } else { false }
      }
      if read { continue }
      verdicts.append(
        ExpectationResult(
          key: "find.\(spec.kind.rawValue)", passed: false,
          expected: "a value in [\(NumberText.shortest(spec.lower)), \(NumberText.shortest(spec.upper))]",
          measured: "the search failed: \(failure)", mark: spec.mark))
    }
    return verdicts
  }

  static func check(_ expectation: Expectation, outcome: RunOutcome, result: InstanceResult) -> ExpectationResult {
    let classification = outcome.classification
    func verdict(_ passed: Bool, expected: String, measured: String) -> ExpectationResult {
      ExpectationResult(
        key: expectation.key, passed: passed, expected: expected, measured: measured, mark: expectation.mark)
    }
    if expectation.needsTheory, result.theory == nil {
      return verdict(
        false, expected: "theory", measured: "theory does not apply: \(result.theoryUnavailable ?? "unknown reason")")
    }
    switch expectation.check {
    case .regime(let allowed):
      let expected =
        allowed.count == 1 ? allowed[0].rawValue : "one of " + allowed.map(\.rawValue).joined(separator: ", ")
      return verdict(allowed.contains(classification.regime), expected: expected, measured: describe(classification))
    case .regimeFromTheory:
      guard let prediction = result.theory?.prediction else {
        return verdict(false, expected: "theory", measured: "no prediction")
      }
      return verdict(
        prediction.regime == classification.regime,
        expected: "theory (\(prediction.regime): \(prediction.explanation))", measured: describe(classification))
    case .converged(let wanted):
      var measured = classification.converged ? "true" : "false"
      if !classification.converged {
        measured +=
          " (final error \(NumberText.shortest(classification.finalError)) > tolerance \(NumberText.shortest(classification.absoluteTolerance)))"
      }
      return verdict(classification.converged == wanted, expected: wanted ? "true" : "false", measured: measured)
    case .metric(let metric, let numeric):
      let predicted = numeric.usesTheory ? theoryValue(of: metric, result: result) : nil
      let expected = numeric.description(theory: predicted)
      if numeric.usesTheory && predicted == nil {
        // Theory predicts no convergence: right when the run does not converge either.
        let value = result.metric(metric)
        let agrees = metric == .stepsToTolerance && value == nil
        return verdict(
          agrees,
          expected: "\(expected) (theory: not converged within \(result.instance.problem.settings.steps) steps)",
          measured: value.map { NumberText.shortest($0) } ?? "not converged (\(describe(classification)))")
      }
      guard let value = result.metric(metric) else {
        let why =
          switch metric {
          case .stepsToTolerance: "not converged (\(describe(classification)))"
          case .contractionRate: "not measurable (the run is too short)"
          default: "not available (the run stopped early)"
          }
        return verdict(false, expected: expected, measured: why)
      }
      return verdict(
        numeric.accepts(value, theory: predicted), expected: expected, measured: NumberText.shortest(value))
    case .nearestMinimizer(let minimizer, let within):
      let known = result.instance.problem.landscape.landscape.minimizers
      if known.isEmpty, outcome.reference.source != .given,
        !outcome.reference.spectrum.eigenvalues.allSatisfy({ $0 > 0 })
      {
        // A landscape that lists no minimizers: x*, estimated from where the run ended, counts
        // only when it is a minimum (a positive definite Hessian).
        return verdict(
          false, expected: minimizer.map { "nearest minimizer \(NumberText.list($0))" } ?? "near a minimizer",
          measured:
            "\(NumberText.list(outcome.finalPoint)), near the critical point \(NumberText.list(outcome.reference.point)), which is not a minimum (Hessian eigenvalues \(NumberText.list(outcome.reference.spectrum.eigenvalues.map { NumberText.rounded($0) })))"
        )
      }
      let candidates = known.isEmpty ? [outcome.reference.point] : known
      let nearest = candidates.min { distance(outcome.finalPoint, $0) < distance(outcome.finalPoint, $1) }!
      let gap = distance(outcome.finalPoint, nearest)
      var passed = true
      var expected: [String] = []
      if let minimizer {
        expected.append("nearest minimizer \(NumberText.list(minimizer))")
        passed = passed && Expectation.denotes(minimizer, nearest)
      }
      if let within {
        expected.append("within \(NumberText.shortest(within)) of \(minimizer == nil ? "the nearest minimizer" : "it")")
        passed = passed && gap <= within
      }
      return verdict(
        passed, expected: expected.joined(separator: ", "),
        measured:
          "\(NumberText.list(outcome.finalPoint)) (nearest minimizer \(NumberText.list(nearest)), distance \(NumberText.shortest(gap)))"
      )
    case .fasterThan(let scenario, let factor):
      return fasterThan(scenario, factor: factor, expectation: expectation, outcome: outcome, result: result)
    case .finalPoint(let point, let within):
      let distance = Self.distance(outcome.finalPoint, point)
      return verdict(
        distance <= within,
        expected: "within \(NumberText.shortest(within)) of \(NumberText.list(point))",
        measured: "\(NumberText.list(outcome.finalPoint)) (distance \(NumberText.shortest(distance)))")
    case .theory(let quantity, let numeric):
      // κ is f's (the Hessian at x*, whatever the optimizer); the thresholds are theory's.
      let eigenvalues = outcome.reference.spectrum.eigenvalues
      if quantity == .conditionNumber, !eigenvalues.allSatisfy(\.isFinite) {
        return verdict(false, expected: numeric.description(), measured: "undefined (f has no Hessian at x*)")
      }
      let value: Double?
      switch quantity {
      case .conditionNumber:
        value = QuadraticTheory(spectrum: outcome.reference.spectrum, isLocal: true).conditionNumber
      case .divergenceThreshold: value = result.theory?.divergenceThreshold
      case .optimalLearningRate: value = result.theory?.optimalLearningRate
      }
      guard let value else {
        return verdict(
          false, expected: numeric.description(), measured: "undefined (the Hessian at x* is not positive definite)")
      }
      return verdict(numeric.accepts(value), expected: numeric.description(), measured: NumberText.shortest(value))
    case .hessianEigenvalues(let values, let within):
      let measured = outcome.reference.spectrum.eigenvalues
      let passed = measured.count == values.count && zip(measured, values).allSatisfy { abs($0 - $1) <= within }
      return verdict(
        passed, expected: "\(NumberText.list(values)) ± \(NumberText.shortest(within))",
        measured: NumberText.list(measured))
    case .search(let kind, let numeric):
      let predicted: Double? =
        switch kind {
        case .criticalLearningRate: result.theory?.divergenceThreshold
        case .bestLearningRate: result.theory?.optimalLearningRate
        }
      let expected = numeric.description(theory: numeric.usesTheory ? predicted : nil)
      guard let search = result.searches.first(where: { $0.kind == kind }) else {
        return verdict(false, expected: expected, measured: "no search was run")
      }
      guard let value = search.value else {
        return verdict(false, expected: expected, measured: "the search failed: \(search.failure ?? "no value")")
      }
      return verdict(
        numeric.accepts(value, theory: predicted), expected: expected, measured: NumberText.shortest(value))
    }
  }

  /// What theory predicts for a metric, when it predicts it.
  static func theoryValue(of metric: Metric, result: InstanceResult) -> Double? {
    guard let prediction = result.theory?.prediction else { return nil }
    switch metric {
    case .stepsToTolerance: return prediction.stepsToTolerance.map(Double.init)
    case .contractionRate: return prediction.contractionRate
    default: return nil
    }
  }

  static func distance(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
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
      let ratio = NumberText.rounded(Double(referenceSteps) / Double(max(steps, 1)))
      return verdict(
        needed <= Double(referenceSteps),
        "\(steps) steps vs \(referenceSteps) for \(target.id) (\(NumberText.shortest(ratio))×)")
    }
    // The reference did not converge within its steps: it needs more than that many.
    let limit = target.problem.settings.steps
    return verdict(needed <= Double(limit), "\(steps) steps; \(target.id) did not converge within \(limit) steps")
  }

  /// "zigzag", or "divergent (left the divergence bound)".
  static func describe(_ classification: Classification) -> String {
    if let reason = classification.divergenceReason { return "\(classification.regime) (\(reason.rawValue))" }
    return classification.regime.rawValue
  }
}
