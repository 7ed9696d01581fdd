import DescentCore
import Testing

/// The regimes of SPEC §Regimes on the lesson's own examples (issue 2, acceptance 2).
@Suite struct RegimeTests {
  private func regime(parabolaLR lr: Double) throws -> Classification {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2])), start: [1.5], optimizer: .sgd(SGD()),
      schedule: .constant(lr), settings: RunSettings(steps: 400, tolerance: 1e-6, divergenceBound: 1e6))
    return try Engine.run(problem).classification
  }

  private func regime(ravineLR lr: Double) throws -> Classification {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2, 200])), start: [-4, 1], optimizer: .sgd(SGD()),
      schedule: .constant(lr), settings: RunSettings(steps: 200, tolerance: 1e-6, divergenceBound: 1e6))
    return try Engine.run(problem).classification
  }

  @Test func smallStepOnTheParabolaIsMonotone() throws {
    let result = try regime(parabolaLR: 0.05)
    #expect(result.regime == .monotone)
    // |x_k| = 1.5·0.9^k ≤ 1.5e-6 first at k = ⌈ln(1e-6)/ln 0.9⌉ = 132.
    #expect(result.stepsToTolerance == 132)
  }

  @Test func halfOverCurvatureIsOneShot() throws {
    let result = try regime(parabolaLR: 0.5)
    #expect(result.regime == .oneShot)
    #expect(result.stepsToTolerance == 1)
    #expect(result.finalError == 0)
  }

  @Test func betweenHalfAndOneOscillates() throws {
    let result = try regime(parabolaLR: 0.75)
    #expect(result.regime == .oscillating)
    // |x_k| = 1.5·0.5^k ≤ 1.5e-6 first at k = ⌈log2(1e6)⌉ = 20.
    #expect(result.stepsToTolerance == 20)
    #expect(result.signChanges == [19])
  }

  @Test func twoOverCurvatureCycles() throws {
    let result = try regime(parabolaLR: 1.0)
    #expect(result.regime == .cycling)
    #expect(!result.converged)
    #expect(result.finalError == 1.5)
  }

  @Test func justAboveTwoOverCurvatureDiverges() throws {
    let result = try regime(parabolaLR: 1.01)
    #expect(result.regime == .divergent)
    #expect(result.divergenceReason == .growing)
    // |x_400| = 1.5·1.02^400 ≈ 4132: still inside the bound 1.5e6, but growing.
    #expect(abs(result.finalError - 1.5 * 1.02.power(400)) < 1e-9 * result.finalError)
  }

  @Test func tinyStepCrawls() throws {
    let result = try regime(parabolaLR: 0.0005)
    #expect(result.regime == .crawling)
    #expect(!result.converged)
    #expect(result.stepsToTolerance == nil)
  }

  @Test func ravineZigzagsBelowTheThreshold() throws {
    let result = try regime(ravineLR: 0.009)
    #expect(result.regime == .zigzag)
    #expect(!result.converged)
    // Eigenvalue 2 (x): multiplier 0.982, never changes sign; eigenvalue 200 (y): −0.8.
    #expect(result.signChanges[0] == 0)
    #expect(result.signChanges[1] > 2)
  }

  @Test func ravineDivergesAboveTheThreshold() throws {
    let result = try regime(ravineLR: 0.0101)
    #expect(result.regime == .divergent)
  }

  @Test func leavingTheBoundStopsTheRun() throws {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2])), start: [1], optimizer: .sgd(SGD()), schedule: .constant(3),
      settings: RunSettings(steps: 1000, tolerance: 1e-6, divergenceBound: 1e6))
    let result = try Engine.run(problem).classification
    #expect(result.regime == .divergent)
    #expect(result.divergenceReason == .leftBound)
    // |x_k| = 5^k exceeds 1e6 first at k = 9 (5^8 = 390625, 5^9 = 1953125).
    #expect(result.stepsTaken == 9)
  }

  @Test func nonFiniteIteratesDiverge() throws {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2])), start: [1e100], optimizer: .sgd(SGD()),
      schedule: .constant(1e300),
      settings: RunSettings(steps: 10, tolerance: 1e-6, divergenceBound: 1e300))
    let result = try Engine.run(problem).classification
    #expect(result.regime == .divergent)
    #expect(result.divergenceReason == .nonFinite)
    #expect(result.stepsTaken == 1)
  }

  @Test func aStartWithinToleranceIsMonotoneAtStepZero() throws {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2, 200])), start: [1e-8, 0], optimizer: .sgd(SGD()),
      schedule: .constant(0.009), settings: RunSettings(steps: 10))
    let result = try Engine.run(problem).classification
    #expect(result.regime == .monotone)
    #expect(result.stepsToTolerance == 0)
  }

  @Test func rotatedRavineIsClassifiedInItsEigenbasis() throws {
    // The ravine rotated by 30°: in the original axes both coordinates mix the two modes, but in
    // the eigenbasis one mode oscillates (1 − 0.009·200 = −0.8) and the other does not.
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2, 200], rotationDegrees: 30)), start: [3, -2],
      optimizer: .sgd(SGD()),
      schedule: .constant(0.009), settings: RunSettings(steps: 200))
    let result = try Engine.run(problem).classification
    #expect(result.regime == .zigzag)
    #expect(result.signChanges[0] == 0)
  }

  @Test func signNoiseBelowToleranceNeverCounts() {
    let result = classifyErrors([[1.0], [0.5], [1e-4], [-1e-4], [1e-4], [-1e-4], [1e-5]], tolerance: 1e-3)
    #expect(result.signChanges == [0])
    #expect(result.regime == .monotone)
    #expect(result.stepsToTolerance == 2)
  }

  @Test func stepsToToleranceIsWhenTheErrorStaysWithin() {
    // The error dips under tolerance at step 2, leaves it at step 3, and settles from step 4 on.
    let result = classifyErrors([[1.0], [0.5], [0.05], [0.2], [0.01], [0.001]], tolerance: 0.1)
    #expect(result.stepsToTolerance == 4)
  }

  @Test func signChangesAboveToleranceCount() {
    // e = 1, −0.5, 0.25, −0.125: three sign changes, converging under tolerance 0.2 at step 3.
    let result = classifyErrors([[1.0], [-0.5], [0.25], [-0.125]], tolerance: 0.2)
    #expect(result.signChanges == [2], "the flip to −0.125 happens below tolerance and does not count")
    #expect(result.regime == .oscillating)
  }
}

extension Double {
  fileprivate func power(_ exponent: Int) -> Double {
    (0..<exponent).reduce(1.0) { product, _ in product * self }
  }
}
