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
}
