/// Gradient clipping as torch applies it between `backward()` and `optimizer.step()`: to the
/// gradient of the loss, before the optimizer adds weight decay or negates for `maximize`.
public enum GradientClipping: Sendable, Hashable {
  /// `torch.nn.utils.clip_grad_norm_(max_norm)`: g ← g·min(1, max_norm/(‖g‖₂ + 10⁻⁶)), applied
  /// every step (also when the factor is 1). Torch computes the factor as (1/(‖g‖₂ + 10⁻⁶))·max_norm
  /// (a Python float divided by a tensor is a reciprocal), so a clipped gradient's norm is just
  /// under max_norm; a NaN or infinite norm makes the gradient NaN, as in torch.
  case norm(maximum: Double)
  /// `torch.nn.utils.clip_grad_value_(clip_value)`: every coordinate clamped to [−c, c]
  /// (NaN stays NaN).
  case value(Double)

  /// Clips `gradient` in place.
  /// - Complexity: O(dimension).
  @inline(__always)
  public func apply(to gradient: UnsafeMutablePointer<Double>, dimension: Int) {
    switch self {
    case .norm(let maximum):
      let norm = Self.euclideanNorm(gradient, dimension: dimension)
      // torch stacks the per-tensor norms and takes the norm again: √(‖g‖²) for one tensor.
      let total = (norm * norm).squareRoot()
      let coefficient = 1 / (total + 1e-6) * maximum
      let clamped = coefficient > 1 ? 1 : coefficient
      for i in 0..<dimension { gradient[i] = gradient[i] * clamped }
    case .value(let limit):
      for i in 0..<dimension {
        let g = gradient[i]
        gradient[i] = g < -limit ? -limit : (g > limit ? limit : g)
      }
    }
  }

  /// ‖g‖₂ summed as torch's CPU kernel sums it (`torch.linalg.vector_norm`, AVX2 build): four
  /// running sums of squares over whole blocks of four, added left to right, then the remaining
  /// coordinates fused into the total one by one, then the square root.
  /// - Complexity: O(dimension).
  @inline(__always)
  static func euclideanNorm(_ g: UnsafePointer<Double>, dimension: Int) -> Double {
    let blocked = dimension - dimension % 4
    var (sum0, sum1, sum2, sum3) = (0.0, 0.0, 0.0, 0.0)
    var i = 0
    while i < blocked {
      sum0 = sum0 + g[i] * g[i]
      sum1 = sum1 + g[i + 1] * g[i + 1]
      sum2 = sum2 + g[i + 2] * g[i + 2]
      sum3 = sum3 + g[i + 3] * g[i + 3]
      i += 4
    }
    var total = sum0 + sum1 + sum2 + sum3
    while i < dimension {
      total = total.addingProduct(g[i], g[i])
      i += 1
    }
    return total.squareRoot()
  }
}

/// What the run loop applies to each gradient before the optimizer step.
public protocol GradientClipper {
  func apply(to gradient: UnsafeMutablePointer<Double>, dimension: Int)
}

extension GradientClipping: GradientClipper {}

/// No clipping: the loop of an unclipped run has no clipping code in it.
public struct NoClipping: GradientClipper {
  public init() {}
  @inline(__always) public func apply(to gradient: UnsafeMutablePointer<Double>, dimension: Int) {}
}

extension Optional: GradientClipper where Wrapped == GradientClipping {
  /// Clips with the wrapped clipping, if any.
  @inline(__always)
  public func apply(to gradient: UnsafeMutablePointer<Double>, dimension: Int) {
    self?.apply(to: gradient, dimension: dimension)
  }
}
