// Test functions of any dimension n (the `dimension` option, 2 by default). Their loops run over
// the `dimension` the run loop passes, so 2-D runs unroll.

/// Rastrigin's function f = A·n + Σᵢ (xᵢ² − A·cos 2πxᵢ), a bowl covered in local minima near the
/// integer points, globally minimized at the origin with f = 0.
///
/// ∂f/∂xᵢ = 2xᵢ + 2πA·sin 2πxᵢ; ∇²f = diag(2 + 4π²A·cos 2πxᵢ), 2 + 4π²A at the origin
/// (396.784 for A = 10, so GD there needs η < 2/396.784 ≈ 0.00504).
public struct Rastrigin: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public let dimension: Int
  /// A, the amplitude of the cosine ripples.
  public let amplitude: Double

  public init(dimension: Int = 2, amplitude: Double = 10) {
    self.dimension = dimension
    self.amplitude = amplitude
  }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension n: Int) -> Double {
    var value = amplitude * Double(n)
    for i in 0..<n {
      let phase = 2 * Double.pi * x[i]
      value += x[i] * x[i] - amplitude * Elementary.cos(phase)
      gradient[i] = 2 * x[i] + 2 * Double.pi * amplitude * Elementary.sin(phase)
    }
    return value
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    SymmetricMatrix(
      diagonal: x.map { 2 + 4 * Double.pi * Double.pi * amplitude * Elementary.cos(2 * Double.pi * $0) })
  }

  public var minimizers: [[Double]] { [[Double](repeating: 0, count: dimension)] }
  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -5.12...5.12, dimension: dimension) }

  public var expressionText: String {
    let a = NumberText.shortest(amplitude)
    let names = LandscapeVariables.defaultNames(dimension: dimension)
    return "\(a)*\(dimension) + "
      + names.map { "(\($0)^2 - \(a)*cos(2*pi*\($0)))" }.joined(separator: " + ")
  }
}

/// Ackley's function f = −a·exp(−b·√(Σxᵢ²/n)) − exp(Σ cos(c·xᵢ)/n) + a + e, a nearly flat plate
/// with a deep funnel at the origin, where f = 0.
///
/// With r = √(Σxᵢ²/n), E₁ = exp(−br) and E₂ = exp(Σ cos(cxᵢ)/n):
/// ∂f/∂xᵢ = ab·E₁·xᵢ/(n·r) + c·E₂·sin(cxᵢ)/n and
/// ∂²f/∂xᵢ∂xⱼ = (ab·E₁/n)·(δᵢⱼ/r − b·xᵢxⱼ/(n·r²) − xᵢxⱼ/(n·r³))
///            + E₂c²·(δᵢⱼ·cos(cxᵢ)/n − sin(cxᵢ)·sin(cxⱼ)/n²).
///
/// At the origin the first term is a cone (slope ab/√n in every direction): f is not
/// differentiable there. descent takes its gradient there as 0 (the subgradient of least norm);
/// it has no Hessian there, so `hessian(at:)` is NaN at the origin, as automatic differentiation
/// of the formula says: the classifier measures errors along the coordinate axes and theory
/// declines (the cone's curvature 1/r is unbounded; no lr is "stable" in its sense).
/// Gradient descent cannot settle closer to the origin than about η·ab/√n.
public struct Ackley: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public let dimension: Int
  public let a: Double
  public let b: Double
  public let c: Double

  public init(dimension: Int = 2, a: Double = 20, b: Double = 0.2, c: Double = 2 * Double.pi) {
    self.dimension = dimension
    self.a = a
    self.b = b
    self.c = c
  }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension n: Int) -> Double {
    let count = Double(n)
    var squares = 0.0
    var cosines = 0.0
    for i in 0..<n {
      squares += x[i] * x[i]
      cosines += Elementary.cos(c * x[i])
    }
    let radius = (squares / count).squareRoot()
    let cone = Elementary.exp(-b * radius)
    let ripple = Elementary.exp(cosines / count)
    // The cone's slope ab·E₁·xᵢ/(n·r) is taken as 0 at the origin (see the type's documentation).
    let coneScale = radius > 0 ? a * b * cone / (count * radius) : 0
    let rippleScale = c * ripple / count
    for i in 0..<n { gradient[i] = coneScale * x[i] + rippleScale * Elementary.sin(c * x[i]) }
    return -a * cone - ripple + a + Elementary.exp(1)
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let n = x.count
    let count = Double(n)
    let squares = x.reduce(0) { $0 + $1 * $1 }
    let radius = (squares / count).squareRoot()
    guard radius > 0 else { return SymmetricMatrix(dimension: n, entries: [Double](repeating: .nan, count: n * n)) }
    let cone = Elementary.exp(-b * radius)
    let ripple = Elementary.exp(x.reduce(0) { $0 + Elementary.cos(c * $1) } / count)
    let sines = x.map { Elementary.sin(c * $0) }
    var entries = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n {
        var entry = -ripple * c * c * sines[i] * sines[j] / (count * count)
        if i == j { entry += ripple * c * c * Elementary.cos(c * x[i]) / count }
        let outer = x[i] * x[j] / count
        var coneEntry = -b * outer / (radius * radius) - outer / (radius * radius * radius)
        if i == j { coneEntry += 1 / radius }
        entry += a * b * cone / count * coneEntry
        entries[i * n + j] = entry
      }
    }
    return SymmetricMatrix(dimension: n, entries: entries)
  }

  public var minimizers: [[Double]] { [[Double](repeating: 0, count: dimension)] }
  public var otherCriticalPoints: [[Double]] { [] }
  /// [−5, 5]ⁿ: the funnel and its first rings of local minima (the search domain is [−32.768, 32.768]ⁿ).
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -5...5, dimension: dimension) }

  public var expressionText: String {
    let names = LandscapeVariables.defaultNames(dimension: dimension)
    let (a, b, c) = (NumberText.shortest(a), NumberText.shortest(b), NumberText.shortest(c))
    let squares = names.map { "\($0)^2" }.joined(separator: " + ")
    let cosines = names.map { "cos(\(c)*\($0))" }.joined(separator: " + ")
    return "-\(a)*exp(-\(b)*sqrt((\(squares))/\(dimension))) - exp((\(cosines))/\(dimension)) + \(a) + e"
  }
}

/// The Styblinski–Tang function f = ½ Σᵢ (xᵢ⁴ − 16xᵢ² + 5xᵢ), globally minimized at
/// xᵢ = −2.903534027771177 (the root of 4t³ − 32t + 5 = 0 near −2.9) with
/// f = −39.16616570377142·n (SFU's −39.16599·n is rounded from the wrong root).
///
/// ∂f/∂xᵢ = 2xᵢ³ − 16xᵢ + 2.5; ∇²f = diag(6xᵢ² − 16), 34.58306 per direction at the minimum.
public struct StyblinskiTang: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public let dimension: Int

  /// The coordinate of the minimizer in every direction.
  public static let minimizingCoordinate = -2.903534027771177095118918

  public init(dimension: Int = 2) {
    self.dimension = dimension
  }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension n: Int) -> Double {
    var sum = 0.0
    for i in 0..<n {
      let t = x[i]
      let t2 = t * t
      sum += t2 * t2 - 16 * t2 + 5 * t
      gradient[i] = 2 * t2 * t - 16 * t + 2.5
    }
    return 0.5 * sum
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix { SymmetricMatrix(diagonal: x.map { 6 * $0 * $0 - 16 }) }

  public var minimizers: [[Double]] { [[Double](repeating: Self.minimizingCoordinate, count: dimension)] }
  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -5...5, dimension: dimension) }

  public var expressionText: String {
    let names = LandscapeVariables.defaultNames(dimension: dimension)
    return "0.5*(" + names.map { "\($0)^4 - 16*\($0)^2 + 5*\($0)" }.joined(separator: " + ") + ")"
  }
}

/// The saddle f = x² − y²: no minimum; its only critical point, the origin, is a saddle with
/// Hessian diag(2, −2). Gradient descent converges to it only from the x-axis (its stable
/// manifold) and otherwise slides off along y.
public struct Saddle: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    gradient[0] = 2 * x[0]
    gradient[1] = -2 * x[1]
    return x[0] * x[0] - x[1] * x[1]
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix { SymmetricMatrix(diagonal: [2, -2]) }

  public var minimizers: [[Double]] { [] }
  public var otherCriticalPoints: [[Double]] { [[0, 0]] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -2...2, dimension: 2) }
  public var expressionText: String { "x^2 - y^2" }
}

/// The monkey saddle f = x³ − 3xy²: no minimum; the origin is a degenerate critical point (the
/// Hessian [[6x, −6y], [−6y, −6x]] vanishes there) with three valleys for the monkey's legs and
/// tail. From the positive x-axis gradient descent creeps to it like 1/(3ηk); elsewhere it leaves.
public struct MonkeySaddle: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let (u, v) = (x[0], x[1])
    gradient[0] = 3 * u * u - 3 * v * v
    gradient[1] = -6 * u * v
    return u * u * u - 3 * u * v * v
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let (u, v) = (6 * x[0], 6 * x[1])
    // 0 − u rather than −u, so the origin's Hessian has no negative zeros.
    return SymmetricMatrix(rows: [[u, 0 - v], [0 - v, 0 - u]])
  }

  public var minimizers: [[Double]] { [] }
  public var otherCriticalPoints: [[Double]] { [[0, 0]] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -2...2, dimension: 2) }
  public var expressionText: String { "x^3 - 3*x*y^2" }
}
