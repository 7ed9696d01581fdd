/// What the `least-squares` preset generates its regression problem from: the options and the
/// seed of the data.
///
/// The data set is a pure function of these, so every instance built from the same options and
/// seed (every lr of a sweep, say) sees the same data.
public struct LeastSquaresOptions: Sendable, Hashable {
  /// n, the number of samples (rows of A).
  public var samples: Int
  /// d, the number of features (columns of A, the dimension of the landscape).
  public var features: Int
  /// σ of the Gaussian noise in the targets, y = A·w + σ·ε.
  public var noise: Double
  /// κ of the Hessian AᵀA/n when given: its eigenvalues are then exactly 1, κ^(−1/(d−1)), …, 1/κ.
  /// nil: the features are raw standard normal samples (κ ≈ 1 + O(√(d/n))).
  public var condition: Double?
  /// The seed the data derive from.
  public var seed: UInt64

  public init(samples: Int, features: Int, noise: Double, condition: Double? = nil, seed: UInt64 = 0) {
    self.samples = samples
    self.features = features
    self.noise = noise
    self.condition = condition
    self.seed = seed
  }

  /// The largest data set (samples × features numbers) descent generates.
  public static let maximumEntries = 10_000_000

  /// Generates the data and solves the problem.
  /// - Complexity: O(n·d² + d³).
  public func makeLandscape() -> LeastSquares { LeastSquares(self) }
}

/// Least-squares regression on generated data: f(x) = (1/2n)·‖Ax − y‖², the mean over samples of
/// ½(aᵢ·x − yᵢ)², whose gradient a mini-batch estimates.
///
/// The data: rows aᵢ ~ N(0, I) (reshaped to condition κ when asked), true weights w ~ N(0, I),
/// targets y = A·w + σ·ε with ε ~ N(0, I), all drawn from the options' seed. The minimizer is the
/// least-squares solution x̂ = (AᵀA)⁻¹Aᵀy (not w: the noise moves it), H = AᵀA/n, and descent
/// evaluates f(x) = f(x̂) + ½(x − x̂)ᵀH(x − x̂) — the same function, since x̂ solves the normal
/// equations — in O(d²) per step, with the loss gap f(x) − f(x̂) free of cancellation.
public struct LeastSquares: Landscape, Hashable, SuggestsViewBox, ExpressionConvertible {
  public let options: LeastSquaresOptions
  /// A, samples × features, row-major (row i is aᵢ).
  public let design: [Double]
  /// y, one target per sample.
  public let targets: [Double]
  /// w, the weights the targets were generated from.
  public let trueWeights: [Double]
  /// x̂, the least-squares solution.
  public let solution: [Double]
  /// H = AᵀA/n, row-major.
  public let hessianEntries: [Double]
  /// f(x̂) = (1/2n)·‖Ax̂ − y‖².
  public let minimumValue: Double

  init(_ options: LeastSquaresOptions) {
    self.options = options
    let (n, d) = (options.samples, options.features)
    var random = RandomStream.generator(seed: options.seed, purpose: .landscapeData, counter: 0)
    var design = [Double](repeating: 0, count: n * d)
    var weights = [Double](repeating: 0, count: d)
    var errors = [Double](repeating: 0, count: n)
    design.withUnsafeMutableBufferPointer { random.fillGaussian($0.baseAddress!, count: n * d) }
    weights.withUnsafeMutableBufferPointer { random.fillGaussian($0.baseAddress!, count: d) }
    errors.withUnsafeMutableBufferPointer { random.fillGaussian($0.baseAddress!, count: n) }
    if let condition = options.condition { Self.condition(&design, samples: n, features: d, to: condition) }
    var targets = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var sum = 0.0
      for j in 0..<d { sum += design[i * d + j] * weights[j] }
      targets[i] = sum + options.noise * errors[i]
    }
    let hessian = Self.gram(design, samples: n, features: d)
    var moment = [Double](repeating: 0, count: d)
    for i in 0..<n {
      for j in 0..<d { moment[j] += design[i * d + j] * targets[i] }
    }
    for j in 0..<d { moment[j] /= Double(n) }
    let spectrum = SymmetricEigendecomposition(SymmetricMatrix(dimension: d, entries: hessian))
    // x̂ = Q·Λ⁻¹·Qᵀ·(Aᵀy/n).
    let rotated = spectrum.coordinates(of: moment)
    var solution = [Double](repeating: 0, count: d)
    for k in 0..<d {
      let vector = spectrum.eigenvector(k)
      let scale = rotated[k] / spectrum.eigenvalues[k]
      for j in 0..<d { solution[j] += scale * vector[j] }
    }
    var squares = 0.0
    for i in 0..<n {
      var residual = -targets[i]
      for j in 0..<d { residual += design[i * d + j] * solution[j] }
      squares += residual * residual
    }
    self.design = design
    self.targets = targets
    trueWeights = weights
    self.solution = solution
    hessianEntries = hessian
    minimumValue = squares / Double(2 * n)
  }

  /// AᵀA/n.
  private static func gram(_ design: [Double], samples n: Int, features d: Int) -> [Double] {
    var gram = [Double](repeating: 0, count: d * d)
    for i in 0..<n {
      for j in 0..<d {
        for k in j..<d { gram[j * d + k] += design[i * d + j] * design[i * d + k] }
      }
    }
    for j in 0..<d {
      for k in j..<d {
        gram[j * d + k] /= Double(n)
        gram[k * d + j] = gram[j * d + k]
      }
    }
    return gram
  }

  /// Reshapes A so that AᵀA/n has eigenvalues exactly 1, κ^(−1/(d−1)), …, 1/κ in the eigenbasis Q
  /// of the raw features: A ← A·Q·Λ^(−1/2)·M^(1/2)·Qᵀ, where QΛQᵀ is the raw AᵀA/n and M the target
  /// eigenvalues, largest first.
  private static func condition(_ design: inout [Double], samples n: Int, features d: Int, to condition: Double) {
    let raw = SymmetricEigendecomposition(SymmetricMatrix(dimension: d, entries: gram(design, samples: n, features: d)))
    // Eigenvalues come in ascending order; the target for column k (ascending) is κ^(−(d−1−k)/(d−1)).
    var transform = [Double](repeating: 0, count: d * d)
    for k in 0..<d {
      let target = d == 1 ? 1 : Elementary.pow(condition, -Double(d - 1 - k) / Double(d - 1))
      let scale = (target / raw.eigenvalues[k]).squareRoot()
      let vector = raw.eigenvector(k)
      for row in 0..<d {
        for column in 0..<d { transform[row * d + column] += vector[row] * scale * vector[column] }
      }
    }
    var row = [Double](repeating: 0, count: d)
    for i in 0..<n {
      for column in 0..<d {
        var sum = 0.0
        for k in 0..<d { sum += design[i * d + k] * transform[k * d + column] }
        row[column] = sum
      }
      for column in 0..<d { design[i * d + column] = row[column] }
    }
  }

  public var dimension: Int { options.features }

  public func withKernel<Result>(_ body: (LeastSquaresKernel) throws -> Result) rethrows -> Result {
    try hessianEntries.withUnsafeBufferPointer { hessian in
      try solution.withUnsafeBufferPointer { solution in
        try body(
          LeastSquaresKernel(
            hessian: hessian.baseAddress!, solution: solution.baseAddress!, minimumValue: minimumValue))
      }
    }
  }

  public func hessian(at x: [Double]) -> SymmetricMatrix {
    SymmetricMatrix(dimension: dimension, entries: hessianEntries)
  }

  public var minimizers: [[Double]] { [solution] }
  public var otherCriticalPoints: [[Double]] { [] }

  /// A box around x̂ of half-width 2.
  public var suggestedViewBox: ViewBox { ViewBox(around: solution, radius: 2) }

  /// (1/(2n))·Σᵢ (aᵢ·x − yᵢ)², written out sample by sample.
  public var expressionText: String {
    let names = LandscapeVariables.defaultNames(dimension: dimension)
    let d = dimension
    let residuals = (0..<options.samples).map { i in
      let products = (0..<d).map { j in "(\(NumberText.shortest(design[i * d + j])))*\(names[j])" }
      return "(" + products.joined(separator: " + ") + " - (\(NumberText.shortest(targets[i]))))^2"
    }
    return "(" + residuals.joined(separator: " + ") + ")/\(2 * options.samples)"
  }

  /// g = (1/|B|)·Σ_{i∈B} aᵢ(aᵢ·x − yᵢ) over the samples `batch[0 ..< count]`, written to `gradient`.
  /// - Complexity: O(count·d).
  @inline(__always)
  func batchGradient(
    at x: UnsafePointer<Double>, batch: UnsafePointer<Int>, count: Int, into gradient: UnsafeMutablePointer<Double>,
    design: UnsafePointer<Double>, targets: UnsafePointer<Double>
  ) {
    let d = options.features
    for j in 0..<d { gradient[j] = 0 }
    for position in 0..<count {
      let row = design + batch[position] * d
      var residual = -targets[batch[position]]
      for j in 0..<d { residual += row[j] * x[j] }
      for j in 0..<d { gradient[j] += row[j] * residual }
    }
    let scale = 1 / Double(count)
    for j in 0..<d { gradient[j] *= scale }
  }
}

/// The evaluation kernel of `LeastSquares`: f = f(x̂) + ½(x − x̂)ᵀH(x − x̂), ∇f = H(x − x̂).
public struct LeastSquaresKernel: LandscapeKernel {
  let hessian: UnsafePointer<Double>
  let solution: UnsafePointer<Double>
  let minimumValue: Double

  /// - Complexity: O(d²).
  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension n: Int) -> Double {
    var twiceGap = 0.0
    for row in 0..<n {
      var sum = 0.0
      for column in 0..<n { sum += hessian[row * n + column] * (x[column] - solution[column]) }
      gradient[row] = sum
      twiceGap += sum * (x[row] - solution[row])
    }
    return minimumValue + 0.5 * twiceGap
  }
}
