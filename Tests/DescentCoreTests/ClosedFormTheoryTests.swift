import DescentCore
import Foundation
import TestSupport
import Testing

/// The closed-form prediction (`QuadraticTheory.predict`) against the classifier run on the modes'
/// recurrences iterated step by step: same regime, convergence and steps to tolerance.
@Suite struct ClosedFormTheoryTests {
  /// e_{k+1} = a·e_k − b·e_{k−1} per mode (e₁ = c·e₀), iterated and classified: the oracle.
  private func iterated(
    _ theory: QuadraticTheory, learningRate: Double, method: MomentumMethod, initialError: [Double],
    settings: RunSettings
  ) -> Classification {
    let modes = theory.modes(learningRate: learningRate, method: method)
    var errors = [initialError]
    var previous = initialError
    var current = initialError.indices.map { modes[$0].c * initialError[$0] }
    if settings.steps >= 1 { errors.append(current) }
    for _ in 1..<max(1, settings.steps) {
      let next = current.indices.map { modes[$0].a * current[$0] - modes[$0].b * previous[$0] }
      (previous, current) = (current, next)
      errors.append(current)
    }
    return classifyErrors(
      errors, tolerance: settings.tolerance, divergenceBound: settings.divergenceBound)
  }

  private func theory(_ eigenvalues: [Double]) -> QuadraticTheory {
    QuadraticTheory(spectrum: SymmetricEigendecomposition(SymmetricMatrix(diagonal: eigenvalues)), isLocal: false)
  }

  private func check(
    _ eigenvalues: [Double], lr: Double, method: MomentumMethod, start: [Double], steps: Int,
    tolerance: Double = 1e-6, bound: Double = 1e6, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let quadratic = theory(eigenvalues)
    let settings = RunSettings(steps: steps, tolerance: tolerance, divergenceBound: bound)
    let oracle = iterated(quadratic, learningRate: lr, method: method, initialError: start, settings: settings)
    let prediction = quadratic.predict(learningRate: lr, method: method, initialError: start, settings: settings)
    let label = "λ \(eigenvalues) lr \(lr) \(method) e₀ \(start) steps \(steps)"
    #expect(prediction.regime == oracle.regime, "\(label)", sourceLocation: sourceLocation)
    #expect(prediction.converged == oracle.converged, "\(label)", sourceLocation: sourceLocation)
    #expect(prediction.stepsToTolerance == oracle.stepsToTolerance, "\(label)", sourceLocation: sourceLocation)
  }

  @Test func everyRegimeOfThePaperCasesAgrees() {
    // The parabola's regimes (issue 2), the ravine's, and momentum on it.
    for lr in [0.05, 0.5, 0.75, 1.0, 1.01, 0.0005] {
      check([2], lr: lr, method: .gradientDescent, start: [1.5], steps: 400)
    }
    for lr in [0.001, 0.005, 0.009, 0.0099, 0.01, 0.0101, 0.0202] {
      check([2, 200], lr: lr, method: .gradientDescent, start: [-4, 1], steps: 200)
      check([2, 200], lr: lr, method: .heavyBall(momentum: 0.9, dampening: 0), start: [-4, 1], steps: 2000)
      check([2, 200], lr: lr, method: .nesterov(momentum: 0.9), start: [-4, 1], steps: 2000)
    }
  }

  @Test func exactSpecialStepsAgree() {
    // h = 1 (one-shot; Nesterov nilpotent), h = 2 (GD cycling), double roots of heavy ball.
    check([2], lr: 0.5, method: .gradientDescent, start: [3], steps: 10)
    check([2], lr: 1, method: .gradientDescent, start: [3], steps: 10)
    check([2, 8], lr: 0.5, method: .nesterov(momentum: 0.5), start: [1, -1], steps: 50)
    // (1 − √β)² = h gives a double root: β = 0.25, h = 0.25.
    check([1], lr: 0.25, method: .heavyBall(momentum: 0.25, dampening: 0), start: [2], steps: 100)
    check([1], lr: 2.25, method: .heavyBall(momentum: 0.25, dampening: 0), start: [2], steps: 100)
    // Start within tolerance, and a mode not excited at all.
    check([1, 4], lr: 0.1, method: .gradientDescent, start: [1e-9, 0], steps: 20)
    check([1, 4], lr: 0.45, method: .heavyBall(momentum: 0.3, dampening: 0), start: [0, 2], steps: 300)
    // No steps, one step.
    check([3], lr: 0.1, method: .gradientDescent, start: [2], steps: 0)
    check([3], lr: 0.1, method: .gradientDescent, start: [2], steps: 1)
  }

  @Test func randomProblemsAgreeWithTheIteratedModes() {
    var random = SplitMix64(seed: 0x7E0_0001)
    func uniform(_ range: ClosedRange<Double>) -> Double {
      range.lowerBound + (range.upperBound - range.lowerBound) * random.nextUnitInterval()
    }
    for _ in 0..<3000 {
      let n = 1 + Int(random.next() % 3)
      let eigenvalues = (0..<n).map { _ in Elementary.pow(10, uniform(-1...2)) }
      let methods: [MomentumMethod] = [
        .gradientDescent, .heavyBall(momentum: uniform(0...0.99), dampening: 0),
        .heavyBall(momentum: uniform(0...0.9), dampening: uniform(0...0.5)), .nesterov(momentum: uniform(0...0.99)),
      ]
      let method = methods[Int(random.next() % 4)]
      let threshold = theory(eigenvalues).divergenceThreshold(method)!
      let lr = threshold * uniform(0.001...1.2)
      let start = (0..<n).map { _ in
        switch random.next() % 8 {
        case 0: 0.0
        case 1: uniform(-1e-7...1e-7)
        default: uniform(-5...5)
        }
      }
      let steps = [1, 2, 3, 10, 50, 200, 1000][Int(random.next() % 7)]
      check(eigenvalues, lr: lr, method: method, start: start, steps: steps)
    }
  }

  @Test func thresholdNeighbourhoodsAgree() {
    // Within 1e-3 relative of each threshold, where transients and slow growth decide.
    let eigenvalues = [1.0, 50]
    for (method, thresholds) in [
      (MomentumMethod.gradientDescent, [1.0 / 50, 2.0 / 50, 1.0, 2.0]),
      (.heavyBall(momentum: 0.5, dampening: 0), [3.0 / 50, 0.0858 / 50, 2.914 / 50]),
      (.nesterov(momentum: 0.5), [2.0 / 50 * 1.5 / 2]),
    ] {
      for threshold in thresholds {
        for factor in [0.999, 0.9999, 1, 1.0001, 1.001] {
          for steps in [100, 3000] {
            check(eigenvalues, lr: threshold * factor, method: method, start: [3, -2], steps: steps)
          }
        }
      }
    }
  }

  @Test func longRunsArePredictedWithoutIterating() {
    // 10⁸ steps: the envelopes place the decisive steps; the answer is the converged run's.
    let ravine = theory([2, 200])
    let settings = RunSettings(steps: 100_000_000, tolerance: 1e-6, divergenceBound: 1e6)
    let prediction = ravine.predict(
      learningRate: 0.001, method: .gradientDescent, initialError: [-4, 1], settings: settings)
    #expect(prediction.regime == .monotone)
    // Tolerance 1e-6·‖e₀‖ = 1e-6·√17; the fast mode is gone long before, so ‖e_k‖ = 4·0.998^k is
    // within it from k = ⌈ln(√17·1e-6/4)/ln 0.998⌉ = ⌈6885.6⌉.
    #expect(prediction.stepsToTolerance == 6886)
  }
}
