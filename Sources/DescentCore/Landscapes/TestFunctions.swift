// The classic 2-D test functions of optimization (SFU virtual library, Wikipedia), each with its
// exact value, gradient and Hessian, all its global minimizers and a suggested plot region.
// Definitions and minima: ../shared/reference/test-functions.md; Hessians at the minima:
// optimizers-and-theory.md §6. Minimizers not given by a closed form were refined by Newton's
// method in 40-digit arithmetic and rounded to the nearest double.

/// Rosenbrock's banana valley f = (a − x)² + b·(y − x²)², minimized at (a, a²) with f = 0.
///
/// ∇f = (−2(a − x) − 4bx(y − x²), 2b(y − x²)),
/// ∇²f = [[2 − 4b(y − x²) + 8bx², −4bx], [−4bx, 2b]]; at (1, 1) with b = 100,
/// [[802, −400], [−400, 200]] (eigenvalues 0.3993608 and 1001.6006, κ ≈ 2508).
///
/// f and ∇f are computed with the roundings forward-mode differentiation of the written formula
/// `(a - x)^2 + b*(y - x^2)^2` performs, so that formula, given as an expression landscape, follows
/// exactly this preset's trajectory.
public struct Rosenbrock: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public let a: Double
  public let b: Double

  public init(a: Double = 1, b: Double = 100) {
    self.a = a
    self.b = b
  }

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let (u, v) = (x[0], x[1])
    let offset = a - u
    let valley = v - u * u
    // −2(a − x) − 4bx(y − x²) and 2b(y − x²), grouped as the chain rule through (·)² computes them.
    gradient[0] = -2 * offset + b * (2 * valley * (-2 * u))
    gradient[1] = b * (2 * valley)
    return offset * offset + b * (valley * valley)
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let (u, v) = (x[0], x[1])
    let cross = -4 * b * u
    return SymmetricMatrix(rows: [[2 - 4 * b * (v - u * u) + 8 * b * u * u, cross], [cross, 2 * b]])
  }

  public var minimizers: [[Double]] { [[a, a * a]] }
  public var otherCriticalPoints: [[Double]] { [] }

  /// x ∈ [−2s, 2s], y ∈ [−s², 3s²] with s = max(1, |a|): [−2, 2] × [−1, 3] for a = 1.
  public var suggestedViewBox: ViewBox {
    let s = max(1, abs(a))
    return ViewBox([(-2 * s)...(2 * s), (-s * s)...(3 * s * s)])
  }

  public var expressionText: String {
    "(\(NumberText.shortest(a)) - x)^2 + \(NumberText.shortest(b))*(y - x^2)^2"
  }
}

/// Beale's function f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimized at
/// (3, 0.5) with f = 0.
///
/// With residuals rᵢ and their gradients Jᵢ = (yⁱ − 1, i·x·yⁱ⁻¹): ∇f = Σ 2rᵢJᵢ and
/// ∇²f = Σ (2JᵢJᵢᵀ + 2rᵢKᵢ), Kᵢ = [[0, i·yⁱ⁻¹], [i·yⁱ⁻¹, i(i − 1)·x·yⁱ⁻²]].
/// At the minimum H = [[3.15625, −11.4375], [−11.4375, 46.125]].
public struct Beale: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let (u, v) = (x[0], x[1])
    let v2 = v * v
    let v3 = v2 * v
    let r1 = 1.5 - u + u * v
    let r2 = 2.25 - u + u * v2
    let r3 = 2.625 - u + u * v3
    gradient[0] = 2 * (r1 * (v - 1) + r2 * (v2 - 1) + r3 * (v3 - 1))
    gradient[1] = 2 * u * (r1 + 2 * r2 * v + 3 * r3 * v2)
    return r1 * r1 + r2 * r2 + r3 * r3
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let (u, v) = (x[0], x[1])
    let v2 = v * v
    let v3 = v2 * v
    let r = [1.5 - u + u * v, 2.25 - u + u * v2, 2.625 - u + u * v3]
    let jacobians = [(v - 1, u), (v2 - 1, 2 * u * v), (v3 - 1, 3 * u * v2)]
    let curvatures = [(1.0, 0.0), (2 * v, 2 * u), (3 * v2, 6 * u * v)]
    var (h00, h01, h11) = (0.0, 0.0, 0.0)
    for i in 0..<3 {
      let (jx, jy) = jacobians[i]
      let (kxy, kyy) = curvatures[i]
      h00 += 2 * jx * jx
      h01 += 2 * jx * jy + 2 * r[i] * kxy
      h11 += 2 * jy * jy + 2 * r[i] * kyy
    }
    return SymmetricMatrix(rows: [[h00, h01], [h01, h11]])
  }

  public var minimizers: [[Double]] { [[3, 0.5]] }
  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -4.5...4.5, dimension: 2) }

  public var expressionText: String {
    "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2"
  }
}

/// Himmelblau's function f = (x² + y − 11)² + (x + y² − 7)², with four global minima (f = 0),
/// one local maximum and four saddles.
///
/// ∇f = (4x(x² + y − 11) + 2(x + y² − 7), 2(x² + y − 11) + 4y(x + y² − 7)),
/// ∇²f = [[12x² + 4y − 42, 4x + 4y], [4x + 4y, 4x + 12y² − 26]].
public struct Himmelblau: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let (u, v) = (x[0], x[1])
    let first = u * u + v - 11
    let second = u + v * v - 7
    gradient[0] = 4 * u * first + 2 * second
    gradient[1] = 2 * first + 4 * v * second
    return first * first + second * second
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let (u, v) = (x[0], x[1])
    let cross = 4 * u + 4 * v
    return SymmetricMatrix(rows: [[12 * u * u + 4 * v - 42, cross], [cross, 4 * u + 12 * v * v - 26]])
  }

  /// (3, 2) and three irrational minima (Newton-refined; the reference's 10-digit values leave a
  /// gradient of about 1e-7).
  public var minimizers: [[Double]] {
    [
      [3, 2],
      [-2.8051180869527448531, 3.1313125182505729658],
      [-3.7793102533777468919, -3.2831859912861694123],
      [3.5844283403304917449, -1.8481265269644035535],
    ]
  }

  /// The local maximum (f ≈ 181.617) and the four saddles.
  public var otherCriticalPoints: [[Double]] {
    [
      [-0.27084459066734761304, -0.92303855647998146313],
      [0.086677504555396351823, 2.8842547011747761131],
      [3.385154183607020938, 0.073851879837749287719],
      [-3.0730257507643896105, -0.081353044287967511553],
      [-0.12796134673068006631, -1.9537149802445764261],
    ]
  }

  public var suggestedViewBox: ViewBox { ViewBox(repeating: -5...5, dimension: 2) }

  public var expressionText: String { "(x^2 + y - 11)^2 + (x + y^2 - 7)^2" }
}

/// Booth's function f = (x + 2y − 7)² + (2x + y − 5)², a quadratic minimized at (1, 3) with f = 0.
///
/// ∇f = (2r₁ + 4r₂, 4r₁ + 2r₂) = (10x + 8y − 34, 8x + 10y − 38) with r₁ = x + 2y − 7,
/// r₂ = 2x + y − 5; ∇²f = [[10, 8], [8, 10]] everywhere (eigenvalues 2 and 18).
public struct Booth: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let first = x[0] + 2 * x[1] - 7
    let second = 2 * x[0] + x[1] - 5
    gradient[0] = 2 * first + 4 * second
    gradient[1] = 4 * first + 2 * second
    return first * first + second * second
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix { SymmetricMatrix(rows: [[10, 8], [8, 10]]) }

  public var minimizers: [[Double]] { [[1, 3]] }
  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -10...10, dimension: 2) }
  public var expressionText: String { "(x + 2*y - 7)^2 + (2*x + y - 5)^2" }
}

/// Matyas' function f = 0.26(x² + y²) − 0.48xy, a flat quadratic minimized at (0, 0) with f = 0.
///
/// ∇f = (0.52x − 0.48y, 0.52y − 0.48x); ∇²f = [[0.52, −0.48], [−0.48, 0.52]] (eigenvalues 0.04
/// and 1, κ = 25).
public struct Matyas: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let (u, v) = (x[0], x[1])
    gradient[0] = 0.52 * u - 0.48 * v
    gradient[1] = 0.52 * v - 0.48 * u
    return 0.26 * (u * u + v * v) - 0.48 * u * v
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix { SymmetricMatrix(rows: [[0.52, -0.48], [-0.48, 0.52]]) }

  public var minimizers: [[Double]] { [[0, 0]] }
  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -10...10, dimension: 2) }
  public var expressionText: String { "0.26*(x^2 + y^2) - 0.48*x*y" }
}

/// The three-hump camel f = 2x² − 1.05x⁴ + x⁶/6 + xy + y², globally minimized at (0, 0) with
/// f = 0 (two further local minima at ±(1.74755, −0.87378), f ≈ 0.29864).
///
/// ∇f = (4x − 4.2x³ + x⁵ + y, x + 2y); ∇²f = [[4 − 12.6x² + 5x⁴, 1], [1, 2]].
public struct ThreeHumpCamel: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let (u, v) = (x[0], x[1])
    let u2 = u * u
    let u3 = u2 * u
    gradient[0] = 4 * u - 4.2 * u3 + u3 * u2 + v
    gradient[1] = u + 2 * v
    return 2 * u2 - 1.05 * u2 * u2 + u3 * u3 / 6 + u * v + v * v
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let u2 = x[0] * x[0]
    return SymmetricMatrix(rows: [[4 - 12.6 * u2 + 5 * u2 * u2, 1], [1, 2]])
  }

  public var minimizers: [[Double]] { [[0, 0]] }
  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -2...2, dimension: 2) }
  public var expressionText: String { "2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2" }
}

/// The six-hump camel f = (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y², with two global minima
/// ±(0.0898420131, −0.7126564030), f = −1.0316284535 (and four local minima).
///
/// ∇f = (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³); ∇²f = [[8 − 25.2x² + 10x⁴, 1], [1, −8 + 48y²]].
public struct SixHumpCamel: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let (u, v) = (x[0], x[1])
    let u2 = u * u
    let v2 = v * v
    gradient[0] = 8 * u - 8.4 * u2 * u + 2 * u2 * u2 * u + v
    gradient[1] = u - 8 * v + 16 * v2 * v
    return (4 - 2.1 * u2 + u2 * u2 / 3) * u2 + u * v + (-4 + 4 * v2) * v2
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let u2 = x[0] * x[0]
    return SymmetricMatrix(rows: [[8 - 25.2 * u2 + 10 * u2 * u2, 1], [1, -8 + 48 * x[1] * x[1]]])
  }

  /// The two global minima (Newton-refined: the often-quoted 0.08984201368 is off in the ninth digit).
  public var minimizers: [[Double]] {
    [[0.089842013100318062422, -0.7126564030207396334], [-0.089842013100318062422, 0.7126564030207396334]]
  }

  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox([-2...2, -1...1]) }
  public var expressionText: String { "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2" }
}

/// The Goldstein–Price function f = P·Q with
/// P = 1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²) and
/// Q = 30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²), minimized at (0, −1) with f = 3.
///
/// ∇f = Q∇P + P∇Q and ∇²f = Q∇²P + ∇P∇Qᵀ + ∇Q∇Pᵀ + P∇²Q, with the factors differentiated by the
/// product rule; at the minimum H = [[504, −216], [−216, 864]].
public struct GoldsteinPrice: Landscape, LandscapeKernel, Hashable, SuggestsViewBox, ExpressionConvertible {
  public init() {}

  public var dimension: Int { 2 }

  /// P, Q and their first and second partial derivatives at (x, y).
  @inline(__always)
  func factors(_ x: Double, _ y: Double) -> (
    p: Double, px: Double, py: Double, q: Double, qx: Double, qy: Double
  ) {
    let u = x + y + 1
    let a = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y
    let aSlope = -14 + 6 * x + 6 * y  // ∂A/∂x = ∂A/∂y
    let v = 2 * x - 3 * y
    let b = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y
    let bx = -32 + 24 * x - 36 * y
    let by = 48 - 36 * x + 54 * y
    let u2 = u * u
    let v2 = v * v
    let pSlope = 2 * u * a + u2 * aSlope
    return (1 + u2 * a, pSlope, pSlope, 30 + v2 * b, 4 * v * b + v2 * bx, -6 * v * b + v2 * by)
  }

  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let f = factors(x[0], x[1])
    gradient[0] = f.q * f.px + f.p * f.qx
    gradient[1] = f.q * f.py + f.p * f.qy
    return f.p * f.q
  }

  public func hessian(at point: [Double]) -> SymmetricMatrix {
    let (x, y) = (point[0], point[1])
    let f = factors(x, y)
    let u = x + y + 1
    let a = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y
    let aSlope = -14 + 6 * x + 6 * y
    let v = 2 * x - 3 * y
    let b = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y
    let bx = -32 + 24 * x - 36 * y
    let by = 48 - 36 * x + 54 * y
    // ∂²A = 6 in every entry; ∂²B = [[24, −36], [−36, 54]]; ∂v = (2, −3).
    let pxx = 2 * a + 4 * u * aSlope + 6 * u * u
    let pxy = pxx
    let pyy = pxx
    let qxx = 8 * b + 8 * v * bx + 24 * v * v
    let qxy = -12 * b + 4 * v * by - 6 * v * bx - 36 * v * v
    let qyy = 18 * b - 12 * v * by + 54 * v * v
    let h00 = f.q * pxx + 2 * f.px * f.qx + f.p * qxx
    let h01 = f.q * pxy + f.px * f.qy + f.qx * f.py + f.p * qxy
    let h11 = f.q * pyy + 2 * f.py * f.qy + f.p * qyy
    return SymmetricMatrix(rows: [[h00, h01], [h01, h11]])
  }

  public var minimizers: [[Double]] { [[0, -1]] }
  public var otherCriticalPoints: [[Double]] { [] }
  public var suggestedViewBox: ViewBox { ViewBox(repeating: -2...2, dimension: 2) }

  public var expressionText: String {
    "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
      + "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))"
  }
}
