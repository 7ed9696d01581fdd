import DescentCore
import Foundation
import TestSupport
import Testing

/// Theory against values computed by hand from the formulas of reference §5.
@Suite struct TheoryTests {
  private let ravine = QuadraticTheory(
    spectrum: SymmetricEigendecomposition(SymmetricMatrix(diagonal: [2, 200])), isLocal: false)

  @Test func ravineThresholdsAndConditionNumber() throws {
    #expect(ravine.eigenvalues == [2, 200])
    #expect(ravine.conditionNumber == 100)
    #expect(ravine.divergenceThreshold(.gradientDescent) == 0.01)
    // Heavy ball: 2(1 + β)/λ_max = 3.8/200; Nesterov: (2 + 2β)/((1 + 2β)λ_max) = 3.8/560.
    #expect(
      relativeError(try #require(ravine.divergenceThreshold(.heavyBall(momentum: 0.9, dampening: 0))), 0.019) <= 1e-15)
    #expect(relativeError(try #require(ravine.divergenceThreshold(.nesterov(momentum: 0.9))), 3.8 / 560) <= 1e-15)
    // Dampening τ scales the step after the first: 2(1 + β)/((1 − τ)λ_max).
    #expect(
      relativeError(try #require(ravine.divergenceThreshold(.heavyBall(momentum: 0.5, dampening: 0.3))), 3 / 140)
        <= 1e-15)
  }

  @Test func optimalParametersOfTheRavine() throws {
    let gradientDescent = try #require(ravine.optimalGradientDescent)
    #expect(relativeError(gradientDescent.learningRate, 2.0 / 202) <= 1e-15)
    #expect(relativeError(gradientDescent.rate, 99.0 / 101) <= 1e-15)
    // κ = 100: √κ = 10, heavy ball rate 9/11 = 0.81818 (reference §5), β* = 81/121.
    let heavyBall = try #require(ravine.optimalHeavyBall)
    #expect(relativeError(heavyBall.rate, 9.0 / 11) <= 1e-15)
    #expect(relativeError(heavyBall.momentum, 81.0 / 121) <= 1e-15)
    let step = 2 / (200.0.squareRoot() + 2.0.squareRoot())
    #expect(relativeError(heavyBall.learningRate, step * step) <= 1e-15)
    // Lessard–Recht–Packard: rate 1 − 2/√301 = 0.88472 at κ = 100.
    let nesterov = try #require(ravine.optimalNesterov)
    #expect(abs(nesterov.rate - 0.88472) < 5e-6)
    #expect(relativeError(nesterov.learningRate, 4.0 / 602) <= 1e-15)
  }

  @Test func gradientDescentModesAreOneMinusEtaLambda() {
    let modes = ravine.modes(learningRate: 0.009, method: .gradientDescent)
    let multipliers: [Double] = [1 - 0.009 * 2, 1 - 0.009 * 200]
    #expect(modes.map(\.a) == multipliers)
    #expect(modes.map(\.spectralRadius) == multipliers.map { abs($0) })
  }

  @Test func heavyBallRootsFollowTheCompanionMatrix() {
    // h = 0.03·1 = 0.03, β = 0.5: σ² − 1.47σ + 0.5 = 0 → σ = (1.47 ± √0.1609)/2.
    let slow = ModeDynamics(eigenvalue: 1, learningRate: 0.03, method: .heavyBall(momentum: 0.5, dampening: 0))
    let expected = (1.47 + 0.1609.squareRoot()) / 2
    #expect(abs(slow.spectralRadius - expected) < 1e-15)
    #expect(!slow.isComplex)
    // h = 1.5: σ² − 0σ + 0.5 = 0 → σ = ±i√0.5, |σ| = √β.
    let fast = ModeDynamics(eigenvalue: 50, learningRate: 0.03, method: .heavyBall(momentum: 0.5, dampening: 0))
    #expect(fast.isComplex)
    #expect(abs(fast.spectralRadius - 0.5.squareRoot()) < 1e-15)
  }

  @Test func nesterovIsNilpotentAtUnitStep() {
    // h = 1: the characteristic polynomial is z², both roots 0 (exact in two steps).
    let mode = ModeDynamics(eigenvalue: 2, learningRate: 0.5, method: .nesterov(momentum: 0.9))
    #expect(mode.spectralRadius == 0)
    #expect(mode.c == 1 - 1.9)
  }

  @Test func predictionsFollowTheRegimesOfTheParabola() {
    let parabola = QuadraticTheory(
      spectrum: SymmetricEigendecomposition(SymmetricMatrix(diagonal: [2])), isLocal: false)
    let settings = RunSettings(steps: 400, tolerance: 1e-6, divergenceBound: 1e6)
    let expected: [(Double, Regime)] = [
      (0.05, .monotone), (0.5, .oneShot), (0.75, .oscillating), (1.0, .cycling), (1.01, .divergent),
      (0.0005, .crawling),
    ]
    for (lr, regime) in expected {
      let prediction = parabola.predict(
        learningRate: lr, method: .gradientDescent, initialError: [1.5], settings: settings)
      #expect(prediction.regime == regime, "lr \(lr)")
    }
    let oscillating = parabola.predict(
      learningRate: 0.75, method: .gradientDescent, initialError: [1.5], settings: settings)
    #expect(oscillating.explanation == "1 − ηλ = -0.5")
    #expect(oscillating.stepsToTolerance == 20)
    #expect(oscillating.contractionRate == 0.5)
  }

  @Test func weightDecayShiftsTheSpectrumAndMaximizeFlipsIt() {
    #expect(ravine.seen(by: SGD(weightDecay: 1)).eigenvalues == [3, 201])
    #expect(ravine.seen(by: SGD(maximize: true)).eigenvalues == [-200, -2])
    #expect(ravine.seen(by: SGD(maximize: true)).divergenceThreshold(.gradientDescent) == nil)
  }

  @Test func theoryRefusesWhatItDoesNotCover() throws {
    let centered = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2, 200], center: [1, 1])), start: [0, 0],
      optimizer: .sgd(SGD(weightDecay: 0.1)), schedule: .constant(0.001))
    let outcome = try Engine.run(centered)
    guard
      case .failure(let error) = TheoryApplicability.report(
        for: centered, reference: outcome.reference, predicting: true)
    else {
      Issue.record("weight decay with x* ≠ 0 must be refused")
      return
    }
    #expect(error.reason == "weight decay moves the fixed point away from x* ≠ 0; theory does not apply")
  }

  @Test func theoryDeclinesAtAckleysKink() throws {
    // The cone at Ackley's minimum has unbounded curvature: no spectrum, no thresholds.
    let problem = Problem(
      landscape: .ackley(Ackley()), start: [0.3, 0.2], optimizer: .sgd(SGD()), schedule: .constant(1e-3))
    let outcome = try Engine.run(problem)
    guard
      case .failure(let error) = TheoryApplicability.report(
        for: problem, reference: outcome.reference, predicting: true)
    else {
      Issue.record("theory must decline at a kink")
      return
    }
    #expect(error.reason == "f has no Hessian at x* (a kink); theory does not apply")
  }

  @Test func reportAtTheOriginAcceptsWeightDecay() throws {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2, 200])), start: [-4, 1], optimizer: .sgd(SGD(weightDecay: 1)),
      schedule: .constant(0.001))
    let outcome = try Engine.run(problem)
    let report = try TheoryApplicability.report(for: problem, reference: outcome.reference, predicting: true).get()
    #expect(report.theory.eigenvalues == [3, 201])
    #expect(report.prediction?.regime == outcome.classification.regime)
  }
}
