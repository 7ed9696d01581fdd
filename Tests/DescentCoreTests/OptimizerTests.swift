import DescentCore
import Foundation
import TestSupport
import Testing

/// Properties of the adaptive optimizers that follow from their formulas, checked on f = ½·λ·x²
/// (the step-by-step agreement with torch is `TorchFixtureTests`).
@Suite struct OptimizerTests {
  private func trajectory(_ optimizer: AnyOptimizer, lr: Double, start: [Double], steps: Int, lambda: Double = 4)
    throws -> [[Double]]
  {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [Double](repeating: lambda, count: start.count))), start: start,
      optimizer: optimizer, schedule: .constant(lr), settings: RunSettings(steps: steps, tolerance: 1e-300))
    return try runRecording(problem).rows.map(\.point)
  }

  @Test func adamsFirstStepIsLROppositeTheGradientSign() throws {
    // t = 1: m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr·sign(g), whatever |g|.
    let rows = try trajectory(.adam(Adam()), lr: 0.1, start: [2, -0.001], steps: 1)
    #expect(relativeError(rows[0][0] - rows[1][0], 0.1) <= 1e-8)
    #expect(relativeError(rows[1][1] - rows[0][1], 0.1) <= 1e-5, "g = −0.004: ε/|g| = 2.5e-6")
  }

  @Test func maximizeClimbs() throws {
    let rows = try trajectory(.adam(Adam(maximize: true)), lr: 0.1, start: [2], steps: 1)
    #expect(relativeError(rows[1][0] - rows[0][0], 0.1) <= 1e-8)
  }

  @Test func adagradsFirstStepIsLROppositeTheGradientSign() throws {
    // sum = g², so the step is lr·g/(|g| + 1e-10).
    let rows = try trajectory(.adagrad(Adagrad()), lr: 0.5, start: [3], steps: 1)
    #expect(relativeError(rows[0][0] - rows[1][0], 0.5) <= 1e-10)
  }

  @Test func lionMovesEveryCoordinateByLR() throws {
    let rows = try trajectory(.lion(Lion()), lr: 0.01, start: [1, -2], steps: 20)
    for k in 1...20 {
      #expect(abs(abs(rows[k][0] - rows[k - 1][0]) - 0.01) <= 1e-15, "x, step \(k)")
      #expect(abs(abs(rows[k][1] - rows[k - 1][1]) - 0.01) <= 1e-15, "y, step \(k)")
    }
    #expect(rows[20][0] < rows[0][0] && rows[20][1] > rows[0][1], "towards the minimum")
  }

  @Test func radamTakesMomentumStepsUntilTheVarianceIsTractable() throws {
    // β₂ = 0.999: ρ_t ≤ 5 for t ≤ 5, so the first five steps are θ ← θ − lr·m/(1 − β₁^t).
    let (lr, lambda) = (0.01, 4.0)
    let rows = try trajectory(.radam(RAdam()), lr: lr, start: [1], steps: 6, lambda: lambda)
    var (x, m) = (1.0, 0.0)
    for t in 1...5 {
      m = 0.9 * m + 0.1 * lambda * x
      x -= lr * m / (1 - pow(0.9, Double(t)))
      #expect(relativeError(rows[t][0], x) <= 1e-14, "step \(t)")
    }
    m = 0.9 * m + 0.1 * lambda * x
    #expect(relativeError(rows[6][0], x - lr * m / (1 - pow(0.9, 6))) > 1e-6, "rectified from step 6")
  }

  @Test func adamWDecaysTheParametersBeforeTheGradientStep() throws {
    // At the minimum of ½·4·(x − 0.5)² the gradient is 0, so the only move is θ·(1 − lr·wd).
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [4], center: [0.5])), start: [0.5],
      optimizer: .adam(Adam.adamW(weightDecay: 0.1)), schedule: .constant(0.2),
      settings: RunSettings(steps: 1, tolerance: 1e-300))
    let rows = try runRecording(problem).rows
    #expect(rows[1].point[0] == 0.5 * (1 - 0.2 * 0.1))
  }

  @Test func adagradStartsFromItsInitialAccumulator() throws {
    // sum = 1 + g²: the step is lr·g/(√(1 + g²) + ε).
    let rows = try trajectory(.adagrad(Adagrad(initialAccumulatorValue: 1)), lr: 0.5, start: [1], steps: 1)
    #expect(relativeError(rows[0][0] - rows[1][0], 0.5 * 4 / (17.0.squareRoot() + 1e-10)) <= 1e-15)
  }

  @Test func optimizersThatTorchCyclesSayWhichOption() {
    #expect(AnyOptimizer.sgd(SGD()).cycledMomentumOption == "momentum")
    #expect(AnyOptimizer.rmsprop(RMSprop()).cycledMomentumOption == "momentum")
    #expect(AnyOptimizer.adam(Adam()).cycledMomentumOption == "betas")
    #expect(AnyOptimizer.lion(Lion()).cycledMomentumOption == "betas")
    #expect(AnyOptimizer.adagrad(Adagrad()).cycledMomentumOption == nil)
    #expect(AnyOptimizer.adadelta(Adadelta()).cycledMomentumOption == nil)
  }
}
