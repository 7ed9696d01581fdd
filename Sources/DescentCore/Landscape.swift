/// The hot-path view of a landscape: `evaluate` is called once per step with raw buffers, so
/// conforming types keep it free of allocation, reference counting and bounds checks.
public protocol LandscapeKernel {
  /// Returns f(x) and writes ∇f(x) into `gradient`, both of length `dimension` (the landscape's
  /// own; the loop passes it so that fixed-size runs unroll).
  func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double
}

/// A twice-differentiable function f: ℝⁿ → ℝ that gradient descent runs on.
///
/// A landscape made of plain stored numbers is its own kernel (conform to `LandscapeKernel` and
/// `withKernel` comes for free); one that stores arrays hands the loop a kernel of pointers into
/// them, valid for the duration of `withKernel`.
public protocol Landscape: Sendable {
  associatedtype Kernel: LandscapeKernel

  /// n, the number of coordinates.
  var dimension: Int { get }

  /// Calls `body` with the kernel the run loop evaluates every step.
  func withKernel<Result>(_ body: (Kernel) throws -> Result) rethrows -> Result

  /// The Hessian ∇²f(x).
  func hessian(at x: [Double]) -> SymmetricMatrix

  /// The points the landscape is known to be minimized at (all of them), possibly none.
  var minimizers: [[Double]] { get }

  /// Critical points (∇f = 0) that are not minima — saddles, maxima — used as the reference
  /// point where a landscape has no minimizer.
  var otherCriticalPoints: [[Double]] { get }

  /// The names of the coordinates, one per dimension: the column names of trajectory dumps.
  var variableNames: [String] { get }
}

extension Landscape where Self: LandscapeKernel, Kernel == Self {
  public func withKernel<Result>(_ body: (Self) throws -> Result) rethrows -> Result {
    try body(self)
  }
}

extension Landscape {
  /// `x` in 1-D, `x`, `y` in 2-D, `x1` … `xn` otherwise; landscapes with named variables
  /// (expressions) override it.
  public var variableNames: [String] { LandscapeVariables.defaultNames(dimension: dimension) }

  /// f(x) and ∇f(x) for an array point (convenience for tests and setup, not for hot loops).
  public func valueAndGradient(at x: [Double]) -> (value: Double, gradient: [Double]) {
    precondition(x.count == dimension, "point has \(x.count) coordinates, landscape has \(dimension)")
    var gradient = [Double](repeating: 0, count: dimension)
    let value = withKernel { kernel in
      x.withUnsafeBufferPointer { point in
        gradient.withUnsafeMutableBufferPointer {
          kernel.evaluate(point.baseAddress!, gradient: $0.baseAddress!, dimension: dimension)
        }
      }
    }
    return (value, gradient)
  }

  /// f(x).
  public func value(at x: [Double]) -> Double { valueAndGradient(at: x).value }

  /// ∇f(x).
  public func gradient(at x: [Double]) -> [Double] { valueAndGradient(at: x).gradient }
}

/// The quadratic f(x) = ½ (x − c)ᵀ H (x − c) with H = Q·diag(λ)·Qᵀ.
///
/// Presets `parabola` (a·x² = ½·2a·x²), `bowl` (λ = 2, 2), `ravine` (λ = 2, 2r) and `quadratic`
/// are all this type. The gradient is H(x − c), computed per axis when H is diagonal.
public struct Quadratic: Landscape, Hashable {
  /// Eigenvalues λᵢ of H, in the order the axes (or the rotated axes) take them.
  public let eigenvalues: [Double]
  /// The center c, the critical point of f (the minimizer when every λᵢ > 0).
  public let center: [Double]
  /// H, row-major; nil when H is diagonal (then H = diag(eigenvalues)).
  public let denseHessian: [Double]?

  /// An axis-aligned quadratic: H = diag(eigenvalues).
  public init(eigenvalues: [Double], center: [Double]? = nil) {
    self.eigenvalues = eigenvalues
    self.center = center ?? [Double](repeating: 0, count: eigenvalues.count)
    denseHessian = nil
  }

  /// A 2-D quadratic whose eigenvectors are the axes rotated by `angleDegrees` counter-clockwise:
  /// H = R(θ)·diag(λ₁, λ₂)·R(θ)ᵀ.
  public init(eigenvalues: [Double], rotationDegrees angleDegrees: Double, center: [Double]? = nil) {
    precondition(eigenvalues.count == 2, "rotation is defined for 2-D quadratics")
    let theta = angleDegrees * Double.pi / 180
    let c = Elementary.cos(theta)
    let s = Elementary.sin(theta)
    let (l1, l2) = (eigenvalues[0], eigenvalues[1])
    let h00 = l1 * c * c + l2 * s * s
    let h01 = (l1 - l2) * c * s
    let h11 = l1 * s * s + l2 * c * c
    self.eigenvalues = eigenvalues
    self.center = center ?? [0, 0]
    denseHessian = angleDegrees == 0 ? nil : [h00, h01, h01, h11]
  }

  public var dimension: Int { eigenvalues.count }

  public func withKernel<Result>(_ body: (QuadraticKernel) throws -> Result) rethrows -> Result {
    try eigenvalues.withUnsafeBufferPointer { lambda in
      try center.withUnsafeBufferPointer { center in
        if let denseHessian {
          return try denseHessian.withUnsafeBufferPointer { hessian in
            try body(
              QuadraticKernel(lambda: lambda.baseAddress!, center: center.baseAddress!, hessian: hessian.baseAddress))
          }
        }
        return try body(QuadraticKernel(lambda: lambda.baseAddress!, center: center.baseAddress!, hessian: nil))
      }
    }
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    if let denseHessian { return SymmetricMatrix(dimension: dimension, entries: denseHessian) }
    return SymmetricMatrix(diagonal: eigenvalues)
  }

  public var minimizers: [[Double]] { eigenvalues.allSatisfy { $0 > 0 } ? [center] : [] }

  public var otherCriticalPoints: [[Double]] { eigenvalues.allSatisfy { $0 > 0 } ? [] : [center] }
}

/// The evaluation kernel of a `Quadratic`: pointers into its eigenvalues, center and (when
/// rotated) dense Hessian.
public struct QuadraticKernel: LandscapeKernel {
  let lambda: UnsafePointer<Double>
  let center: UnsafePointer<Double>
  let hessian: UnsafePointer<Double>?

  /// f = ½ (x − c)ᵀ H (x − c), ∇f = H (x − c): per axis when H is diagonal, O(n²) otherwise.
  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension n: Int) -> Double {
    var twiceValue = 0.0
    if let hessian {
      for row in 0..<n {
        var sum = 0.0
        for column in 0..<n { sum += hessian[row * n + column] * (x[column] - center[column]) }
        gradient[row] = sum
        twiceValue += sum * (x[row] - center[row])
      }
    } else {
      for i in 0..<n {
        let d = x[i] - center[i]
        let g = lambda[i] * d
        gradient[i] = g
        twiceValue += g * d
      }
    }
    return 0.5 * twiceValue
  }
}
