import TestSupport
import Testing

@Suite(.serialized) struct TheoryCommandTests {
  @Test func ravineTheoryPrintsThresholdsAndOptimalParameters() throws {
    let result = try DescentBinary.run(["theory", "ravine", "--momentum", "0.9"])
    #expect(result.exitCode == 0)
    #expect(result.lines.contains("Hessian eigenvalues: 2, 200"))
    #expect(result.lines.contains("condition number κ = λ_max/λ_min: 100"))
    #expect(result.lines.contains("  gradient descent      2/λ_max                  = 0.01"))
    #expect(result.lines.contains("  heavy ball            2(1+β)/((1−τ)λ_max)      = 0.019"))
    #expect(result.lines.contains("  Nesterov              (2+2β)/((1+2β)λ_max)     = 0.00678571"))
    #expect(result.lines.contains("optimal constant lr: 2/(λ_min+λ_max) = 0.00990099, rate (κ−1)/(κ+1) = 0.980198"))
  }

  @Test func aLearningRateGivesModesAndThePredictedRegime() throws {
    let result = try DescentBinary.run([
      "theory", "{preset: quadratic, eigenvalues: [1, 50], angle: 30}", "--lr", "0.03", "--momentum", "0.5",
      "--start", "3,-2", "--steps", "3000",
    ])
    #expect(result.exitCode == 0)
    #expect(result.lines.contains("at lr = 0.03 with heavy ball (β = 0.5):"))
    #expect(result.lines.contains("  λ = 50:  σ = 0+0.707107i, 0−0.707107i,  rate 0.707107"))
    #expect(
      result.lines.contains(
        "predicted from [3,-2] over 3000 steps: zigzag, converged after 197 steps, contraction rate 0.935562"))
  }

  @Test func aBadLandscapeIsAPositionedError() throws {
    let result = try DescentBinary.run(["theory", "{preset: ravne}"])
    #expect(result.exitCode == 2)
    #expect(result.stderr == "LANDSCAPE:1:10: error: unknown landscape 'ravne' (did you mean 'ravine'?)\n")
    let usage = try DescentBinary.run(["theory"])
    #expect(usage.exitCode == 2)
  }

  @Test func badFlagsAreUsageErrors() throws {
    let cases: [([String], String)] = [
      (["theory", "ravine", "--lr", "abc"], "descent: --lr must be a number ≥ 0, got 'abc'"),
      (
        ["theory", "ravine", "--lr", "0.01", "--nesterov"], "descent: --nesterov needs --momentum > 0 and no dampening"
      ),
      (["theory", "ravine", "--start", "1,2,3"], "descent: --start has 3 coordinates but landscape ravine has 2"),
      (["theory", "ravine", "--start", "1,x"], "descent: --start must be comma-separated numbers, got '1,x'"),
    ]
    for (arguments, message) in cases {
      let result = try DescentBinary.run(arguments)
      #expect(result.exitCode == 2, "\(arguments)")
      #expect(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
      #expect(result.stdout.isEmpty, "\(arguments)")
    }
  }

  /// torch's weight decay makes the dynamics those of H + wd·I: thresholds, κ and optima follow.
  @Test func weightDecayShiftsEverythingTheCommandPrints() throws {
    let result = try DescentBinary.run(["theory", "ravine", "--weight-decay", "1", "--lr", "0.009"])
    #expect(result.exitCode == 0)
    #expect(result.lines.contains("Hessian eigenvalues: 2, 200"))
    #expect(
      result.lines.contains("with weight decay 1, gradient descent sees H + wd·I, eigenvalues 3, 201 (used below)"))
    #expect(result.lines.contains("condition number κ = λ_max/λ_min: 67"))
    #expect(result.lines.contains("  gradient descent      2/λ_max                  = 0.00995025"))  // 2/201
    #expect(result.lines.contains("  λ = 201:  1 − ηλ = -0.809,  rate 0.809"))
    // Around an x* away from the origin weight decay moves the fixed point: theory declines.
    let moved = try DescentBinary.run(["theory", "rosenbrock", "--weight-decay", "0.1"])
    #expect(moved.exitCode == 2)
    #expect(moved.lines.contains("weight decay moves the fixed point away from x* ≠ 0; theory does not apply"))
  }

  @Test func aKinkIsNotGivenASpectrum() throws {
    let ackley = try DescentBinary.run(["theory", "ackley", "--lr", "0.1"])
    #expect(ackley.exitCode == 2)
    #expect(ackley.lines.contains("f has no Hessian at x* (a kink); theory does not apply"))
    #expect(!ackley.stdout.contains("nan"))
    let cone = try DescentBinary.run(["theory", "{expr: \"sqrt(x^2 + y^2)\", minimum: [0, 0]}", "--lr", "0.1"])
    #expect(cone.exitCode == 2)
    #expect(!cone.stdout.contains("nan"))
  }

  @Test func anExpressionWithoutMinimumIsPolishedByNewton() throws {
    let result = try DescentBinary.run(["theory", "{expr: \"(x - 1)^2 + 10*(y + 2)^2\"}"])
    #expect(result.exitCode == 0)
    #expect(result.lines.contains("x* = [1,-2]  (estimated, f = 0)"))
    #expect(result.lines.contains("Hessian eigenvalues: 2, 20"))
    let none = try DescentBinary.run(["theory", "{expr: \"x + y\"}"])
    #expect(none.exitCode == 2)
    #expect(
      none.stderr
        == "descent: landscape x + y knows no minimizer and Newton's method found no critical point from [0,0]; give x* with 'minimum:' or another --start\n"
    )
  }
}
