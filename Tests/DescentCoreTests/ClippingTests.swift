import DescentCore
import Foundation
import TestSupport
import Testing

/// Gradient clipping: by hand, and against torch's clip_grad_norm_ / clip_grad_value_ on
/// gradients of 1 to 13 coordinates (`Fixtures/torch/clip-vectors.csv`).
@Suite struct ClippingTests {
  private func clipped(_ gradient: [Double], _ clipping: GradientClipping) -> [Double] {
    var result = gradient
    result.withUnsafeMutableBufferPointer { clipping.apply(to: $0.baseAddress!, dimension: $0.count) }
    return result
  }

  @Test func normClippingScalesToJustUnderTheMaximum() {
    // ‖(3, 4)‖ = 5: g·(1/(5 + 1e-6))·1, a norm of 5/(5 + 1e-6) < 1.
    let result = clipped([3, 4], .norm(maximum: 1))
    let factor = 1 / (5 + 1e-6)
    #expect(result == [3 * factor, 4 * factor])
    #expect(result[0] < 0.6 && result[0] > 0.6 - 1e-6)
  }

  @Test func normClippingBelowTheMaximumStillMultipliesByOne() {
    #expect(clipped([0.3, -0.4], .norm(maximum: 1)) == [0.3, -0.4])
  }

  @Test func valueClippingClampsEachCoordinate() {
    #expect(clipped([3, -4, 0.5, -0.25], .value(0.5)) == [0.5, -0.5, 0.5, -0.25])
  }

  @Test func nonFiniteGradientsStayNonFinite() {
    let result = clipped([.nan, 1], .norm(maximum: 1))
    #expect(result[0].isNaN && result[1].isNaN, "a NaN norm makes every coordinate NaN")
    #expect(clipped([.nan, 3], .value(1))[0].isNaN)
    #expect(clipped([.nan, 3], .value(1))[1] == 1)
  }

  @Test func everyLengthMatchesTorch() throws {
    let text = try String(
      contentsOfFile: PackagePaths.path("Tests/DescentCoreTests/Fixtures/torch/clip-vectors.csv"), encoding: .utf8)
    var count = 0
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: ",").map(String.init)
      let limit = Double(fields[1])!
      let gradient = fields[2].split(separator: " ").map { Double(String($0))! }
      let expected = fields[3].split(separator: " ").map { Double(String($0))! }
      let clipping: GradientClipping = fields[0] == "max_norm" ? .norm(maximum: limit) : .value(limit)
      #expect(clipped(gradient, clipping) == expected, "\(fields[0]) \(limit) on \(gradient.count) coordinates")
      count += 1
    }
    #expect(count == 13 * 3 * 2)
  }
}
