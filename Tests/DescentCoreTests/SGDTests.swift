import DescentCore
import Foundation
import TestSupport
import Testing

/// SGD and heavy-ball iterates against values computed by hand and by the closed-form solution of
/// the recurrence (issue 2, acceptance 3).
@Suite struct SGDTests {
  private func trajectory(_ landscape: Quadratic, start: [Double], sgd: SGD, lr: Double, steps: Int) throws
    -> [[Double]]
  {
    let problem = Problem(
      landscape: .quadratic(landscape), start: start, optimizer: .sgd(sgd), schedule: .constant(lr),
      settings: RunSettings(steps: steps, tolerance: 1e-12, divergenceBound: 1e12))
    return try runRecording(problem).rows.map(\.point)
  }

  @Test func gradientDescentFollowsTheClosedForm() throws {
    // f = ½(λ₁x² + λ₂y²): x_k = (1 − ηλ₁)^k x₀ and y_k = (1 − ηλ₂)^k y₀.
    let (lambda1, lambda2, lr) = (2.0, 7.0, 0.1)
    let rows = try trajectory(
      Quadratic(eigenvalues: [lambda1, lambda2]), start: [1.5, -2.5], sgd: SGD(), lr: lr, steps: 50)
    #expect(rows.count == 51)
    for (k, point) in rows.enumerated() {
      let expected = [1.5 * pow(1 - lr * lambda1, Double(k)), -2.5 * pow(1 - lr * lambda2, Double(k))]
      #expect(relativeError(point[0], expected[0]) <= 1e-14, "x at step \(k)")
      #expect(relativeError(point[1], expected[1]) <= 1e-14, "y at step \(k)")
    }
  }

  @Test func rotatedGradientDescentFollowsTheClosedForm() throws {
    // H = R diag(λ) Rᵀ: x_k = R diag((1 − ηλᵢ)^k) Rᵀ x₀.
    let angle = 30.0 * Double.pi / 180
    let (c, s) = (cos(angle), sin(angle))
    let (lambda1, lambda2, lr) = (1.0, 50.0, 0.03)
    let start = [3.0, -2.0]
    let rows = try trajectory(
      Quadratic(eigenvalues: [lambda1, lambda2], rotationDegrees: 30), start: start, sgd: SGD(), lr: lr, steps: 50)
    let u0 = c * start[0] + s * start[1]
    let v0 = -s * start[0] + c * start[1]
    for (k, point) in rows.enumerated() {
      let u = u0 * pow(1 - lr * lambda1, Double(k))
      let v = v0 * pow(1 - lr * lambda2, Double(k))
      let expected = [c * u - s * v, s * u + c * v]
      #expect(relativeError(point, expected) <= 1e-14, "step \(k)")
    }
  }

  @Test func heavyBallFollowsTheClosedFormOfItsRecurrence() throws {
    // torch heavy ball: x_{k+1} = (1 + β − h)x_k − βx_{k−1}, x₁ = (1 − h)x₀ (first buffer = g),
    // solved per axis as x_k = A r₁^k + B r₂^k with the real roots of r² − (1 + β − h)r + β.
    let (lr, beta) = (0.01, 0.5)
    let lambdas = [1.0, 4.0]
    let start = [2.0, -1.0]
    let rows = try trajectory(
      Quadratic(eigenvalues: lambdas), start: start, sgd: SGD(momentum: beta), lr: lr, steps: 50)
    for axis in 0..<2 {
      // The closed form is evaluated in 80-bit extended precision so its own rounding
      // (about 1e-14 in Double for 50 powers of a root near 1) does not blur the comparison.
      let h = Float80(lr) * Float80(lambdas[axis])
      let trace = 1 + Float80(beta) - h
      let root = (trace * trace - 4 * Float80(beta)).squareRoot()
      let (r1, r2) = ((trace + root) / 2, (trace - root) / 2)
      let x0 = Float80(start[axis])
      let a = x0 * ((1 - h) - r2) / (r1 - r2)
      let b = x0 - a
      var (power1, power2): (Float80, Float80) = (1, 1)
      for (k, point) in rows.enumerated() {
        let expected = Double(a * power1 + b * power2)
        #expect(relativeError(point[axis], expected) <= 1e-14, "axis \(axis), step \(k)")
        power1 *= r1
        power2 *= r2
      }
    }
  }

  @Test func firstMomentumBufferIsTheGradientNotDamped() throws {
    // f = ½·4x², x₀ = 1, lr 0.1, μ 0.9, τ 0.5.
    // step 1: g = 4, buf = 4 (not (1 − τ)·4), x₁ = 1 − 0.4 = 0.6
    // step 2: g = 2.4, buf = 0.9·4 + 0.5·2.4 = 4.8, x₂ = 0.6 − 0.48 = 0.12
    let rows = try trajectory(
      Quadratic(eigenvalues: [4]), start: [1], sgd: SGD(momentum: 0.9, dampening: 0.5), lr: 0.1, steps: 2)
    #expect(relativeError(rows[1][0], 0.6) <= 1e-15)
    #expect(relativeError(rows[2][0], 0.12) <= 1e-14)
  }

  @Test func nesterovLooksAhead() throws {
    // f = ½·4x², x₀ = 1, lr 0.1, μ 0.5, nesterov.
    // step 1: g = 4, buf = 4, g' = 4 + 0.5·4 = 6, x₁ = 1 − 0.6 = 0.4
    // step 2: g = 1.6, buf = 0.5·4 + 1.6 = 3.6, g' = 1.6 + 0.5·3.6 = 3.4, x₂ = 0.4 − 0.34 = 0.06
    let rows = try trajectory(
      Quadratic(eigenvalues: [4]), start: [1], sgd: SGD(momentum: 0.5, nesterov: true), lr: 0.1, steps: 2)
    #expect(relativeError(rows[1][0], 0.4) <= 1e-15)
    #expect(relativeError(rows[2][0], 0.06) <= 1e-14)
  }

  @Test func weightDecayAddsToTheGradient() throws {
    // f = ½·2x², x₀ = 1, lr 0.1, wd 0.5: g = 2x + 0.5x = 2.5x, so x_k = 0.75^k.
    let rows = try trajectory(Quadratic(eigenvalues: [2]), start: [1], sgd: SGD(weightDecay: 0.5), lr: 0.1, steps: 3)
    #expect(rows.map { $0[0] } == [1, 0.75, 0.5625, 0.421875])
  }

  @Test func maximizeAscends() throws {
    // f = ½·2x², x₀ = 1, lr 0.1, maximize: x_k = 1.2^k.
    let rows = try trajectory(Quadratic(eigenvalues: [2]), start: [1], sgd: SGD(maximize: true), lr: 0.1, steps: 2)
    #expect(relativeError(rows[2][0], 1.44) <= 1e-15)
  }

  @Test func trajectoryRowsCarryLossGradientNormAndLR() throws {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2, 200])), start: [-4, 1], optimizer: .sgd(SGD()),
      schedule: .constant(0.009),
      settings: RunSettings(steps: 1))
    let rows = try runRecording(problem).rows
    // Row 0: f = x² + 100y² = 16 + 100 = 116, ∇f = (−8, 200).
    #expect(rows[0].loss == 116)
    #expect(rows[0].gradientNorm == (64.0 + 40_000).squareRoot())
    #expect(rows[0].learningRate == 0.009)
    let expected: [Double] = [-4 + 0.009 * 8, 1 - 0.009 * 200]
    #expect(rows[1].point == expected)
  }
}
