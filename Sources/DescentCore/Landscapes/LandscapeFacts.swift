/// A rectangular region of ℝⁿ, one closed interval per coordinate: where a plot of a landscape
/// should look.
public struct ViewBox: Sendable, Hashable, CustomStringConvertible {
  public var ranges: [ClosedRange<Double>]

  public init(_ ranges: [ClosedRange<Double>]) {
    self.ranges = ranges
  }

  /// The same interval for each of `dimension` coordinates.
  public init(repeating range: ClosedRange<Double>, dimension: Int) {
    ranges = Array(repeating: range, count: dimension)
  }

  /// The box of half-width `radius` around `center`.
  public init(around center: [Double], radius: Double) {
    ranges = center.map { ($0 - radius)...($0 + radius) }
  }

  /// "x ∈ [−2, 2], y ∈ [−1, 3]" with the landscape's default variable names.
  public var description: String {
    let names = LandscapeVariables.defaultNames(dimension: ranges.count)
    return zip(names, ranges).map { name, range in
      "\(name) ∈ [\(NumberText.shortest(range.lowerBound)), \(NumberText.shortest(range.upperBound))]"
    }.joined(separator: ", ")
  }
}

/// A landscape that knows the region worth plotting.
public protocol SuggestsViewBox {
  /// The suggested plot region (the usual search domain of a test function, or a box around its
  /// minimizers).
  var suggestedViewBox: ViewBox { get }
}

/// A landscape whose formula can be written in descent's expression language, so that automatic
/// differentiation of the written formula can check its hand-written gradient and Hessian.
public protocol ExpressionConvertible {
  /// The formula with every parameter replaced by its value, e.g. `(1 - x)^2 + 100*(y - x^2)^2`.
  var expressionText: String { get }
}

/// The names of a landscape's coordinates when it does not name them itself.
public enum LandscapeVariables {
  /// `x` in 1-D; `x`, `y` in 2-D; `x1` … `xn` otherwise.
  public static func defaultNames(dimension: Int) -> [String] {
    switch dimension {
    case 1: ["x"]
    case 2: ["x", "y"]
    default: (1...max(dimension, 1)).map { "x\($0)" }
    }
  }
}

extension AnyLandscape {
  /// The region a plot of this landscape should show: the landscape's own suggestion, else a box
  /// around its minimizer (or critical point, or the origin) of half-width 2.
  public var suggestedViewBox: ViewBox {
    let landscape = self.landscape
    if let suggesting = landscape as? any SuggestsViewBox { return suggesting.suggestedViewBox }
    let center =
      landscape.minimizers.first ?? landscape.otherCriticalPoints.first
      ?? [Double](repeating: 0, count: landscape.dimension)
    return ViewBox(around: center, radius: 2)
  }
}

extension Quadratic: SuggestsViewBox, ExpressionConvertible {
  /// A square around the center: half-width 5 (the lesson's starts, such as (−4, 1) on the
  /// ravine, lie inside), widened by √(2/λ) for a direction flatter than x² (λ < 2).
  public var suggestedViewBox: ViewBox {
    let flattest = eigenvalues.map(abs).filter { $0 > 0 }.min() ?? 2
    return ViewBox(around: center, radius: 5 * max(1, (2 / flattest).squareRoot()))
  }

  /// ½ Σ λᵢ (xᵢ − cᵢ)² for an axis-aligned quadratic, ½ Σᵢⱼ Hᵢⱼ (xᵢ − cᵢ)(xⱼ − cⱼ) otherwise.
  public var expressionText: String {
    let names = LandscapeVariables.defaultNames(dimension: dimension)
    func offset(_ i: Int) -> String {
      center[i] == 0 ? names[i] : "(\(names[i]) - (\(NumberText.shortest(center[i]))))"
    }
    var terms: [String] = []
    if let denseHessian {
      for row in 0..<dimension {
        for column in 0..<dimension {
          terms.append(
            "(\(NumberText.shortest(denseHessian[row * dimension + column])))*\(offset(row))*\(offset(column))")
        }
      }
    } else {
      for i in 0..<dimension { terms.append("(\(NumberText.shortest(eigenvalues[i])))*\(offset(i))^2") }
    }
    return "0.5*(" + terms.joined(separator: " + ") + ")"
  }
}
