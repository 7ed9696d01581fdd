/// The momentum method of torch's SGD, as theory sees it.
public enum MomentumMethod: Sendable, Hashable {
  /// Plain gradient descent: x ← x − η∇f.
  case gradientDescent
  /// torch heavy ball (Polyak): buf ← β·buf + (1 − τ)·g (buf = g on the first step), x ← x − η·buf.
  case heavyBall(momentum: Double, dampening: Double)
  /// torch Nesterov: buf ← β·buf + g, x ← x − η(g + β·buf).
  case nesterov(momentum: Double)

  /// The method an SGD optimizer uses.
  public init(_ sgd: SGD) {
    if sgd.momentum == 0 {
      self = .gradientDescent
    } else if sgd.nesterov {
      self = .nesterov(momentum: sgd.momentum)
    } else {
      self = .heavyBall(momentum: sgd.momentum, dampening: sgd.dampening)
    }
  }

  /// The momentum β (0 for gradient descent).
  public var momentum: Double {
    switch self {
    case .gradientDescent: 0
    case .heavyBall(let momentum, _), .nesterov(let momentum): momentum
    }
  }

  /// Short human name.
  public var name: String {
    switch self {
    case .gradientDescent: "gradient descent"
    case .heavyBall: "heavy ball"
    case .nesterov: "Nesterov"
    }
  }
}

/// The linear dynamics of one Hessian eigen-direction under a momentum method with step size η:
/// the error obeys e_{k+1} = a·e_k − b·e_{k−1} (k ≥ 1), with e₁ = c·e₀ fixed by the first step.
///
/// | method | a | b | c |
/// |---|---|---|---|
/// | gradient descent | 1 − h | 0 | 1 − h |
/// | heavy ball (β, τ) | 1 + β − (1 − τ)h | β | 1 − h |
/// | Nesterov (β) | (1 + β)(1 − h) | β(1 − h) | 1 − (1 + β)h |
///
/// with h = η·λ. The roots σ₁, σ₂ of σ² − aσ + b = 0 are the mode's multipliers; their largest
/// modulus is its contraction rate (Polyak 1964; Goh, "Why Momentum Really Works", 2017; torch's
/// first momentum step buf = g gives the c column).
public struct ModeDynamics: Sendable, Hashable {
  /// The eigenvalue λ (after weight decay and `maximize`).
  public let eigenvalue: Double
  public let a: Double
  public let b: Double
  public let c: Double
  /// a² − 4b, written per method so that it keeps its digits where a ≈ 2 and b ≈ 1 (β → 1, small
  /// steps), where a·a − 4·b would cancel them away.
  public let discriminant: Double

  public init(eigenvalue: Double, learningRate: Double, method: MomentumMethod) {
    let h = learningRate * eigenvalue
    self.eigenvalue = eigenvalue
    switch method {
    case .gradientDescent:
      (a, b, c) = (1 - h, 0, 1 - h)
      discriminant = a * a
    case .heavyBall(let beta, let dampening):
      // (1 + β − η)² − 4β = (1 − β)² − 2(1 + β)η + η², η = (1 − τ)h.
      let step = (1 - dampening) * h
      (a, b, c) = (1 + beta - step, beta, 1 - h)
      discriminant = (1 - beta) * (1 - beta) - 2 * (1 + beta) * step + step * step
    case .nesterov(let beta):
      // (1 + β)²(1 − h)² − 4β(1 − h) = (1 − h)((1 − β)² − (1 + β)²h).
      (a, b, c) = ((1 + beta) * (1 - h), beta * (1 - h), 1 - (1 + beta) * h)
      discriminant = (1 - h) * ((1 - beta) * (1 - beta) - (1 + beta) * (1 + beta) * h)
    }
  }

  /// The multipliers σ₁, σ₂ (real and imaginary parts), largest modulus first.
  public var roots: [(real: Double, imaginary: Double)] {
    if b == 0 { return [(a, 0), (0, 0)] }
    if discriminant >= 0 {
      let root = discriminant.squareRoot()
      // The larger root without cancellation; the other from σ₁σ₂ = b.
      let first = (a + (a >= 0 ? root : -root)) / 2
      return [(first, 0), (first == 0 ? 0 : b / first, 0)]
    }
    let imaginary = (-discriminant).squareRoot() / 2
    return [(a / 2, imaginary), (a / 2, -imaginary)]
  }

  /// Whether the multipliers are complex (the mode rotates: underdamped momentum).
  public var isComplex: Bool { b != 0 && discriminant < 0 }

  /// The largest |σ|: the factor by which the mode's error shrinks per step in the long run.
  public var spectralRadius: Double {
    roots.map { ($0.real * $0.real + $0.imaginary * $0.imaginary).squareRoot() }.max() ?? 0
  }
}

/// What theory predicts for one run, from the spectrum alone.
public struct TheoryPrediction: Sendable, Hashable {
  public var regime: Regime
  public var converged: Bool
  public var stepsToTolerance: Int?
  /// The largest spectral radius over the modes the start excites.
  public var contractionRate: Double
  /// One line naming the quantities behind the regime, e.g. "1 − ηλ = −0.6".
  public var explanation: String
}

/// Theory for quadratics, and for any landscape locally at x* (the Hessian there): eigenvalues,
/// condition number, stability thresholds, optimal constant step sizes and momentum, and the
/// regime, contraction rate and steps to tolerance a run is predicted to show.
///
/// Predictions decouple the dynamics along the Hessian's eigenvectors: each mode is the scalar
/// recurrence of `ModeDynamics`, solved in closed form from its multipliers (`ModeSolution`), and
/// the regime rules of the classifier are applied to those solutions. For a quadratic this is
/// exact; elsewhere it is the linearization at x* (`isLocal`).
public struct QuadraticTheory: Sendable, Hashable {
  /// The eigen-decomposition of the Hessian at x*.
  public let spectrum: SymmetricEigendecomposition
  /// Whether the landscape is not a quadratic, so everything here holds only near x*.
  public let isLocal: Bool

  public init(spectrum: SymmetricEigendecomposition, isLocal: Bool) {
    self.spectrum = spectrum
    self.isLocal = isLocal
  }

  /// The theory of the effective Hessian an SGD optimizer sees: torch applies `maximize` as −g and
  /// weight decay as g + wd·θ, so the dynamics are those of ±H + wd·I (same eigenvectors).
  public func seen(by sgd: SGD) -> QuadraticTheory {
    let sign = sgd.maximize ? -1.0 : 1.0
    let shifted = eigenvalues.map { sign * $0 + sgd.weightDecay }
    guard shifted != eigenvalues else { return self }
    return QuadraticTheory(
      spectrum: SymmetricEigendecomposition(rotating: spectrum, toEigenvalues: shifted), isLocal: isLocal)
  }

  /// Eigenvalues of the Hessian at x*, ascending.
  public var eigenvalues: [Double] { spectrum.eigenvalues }
  public var smallestEigenvalue: Double { eigenvalues.first ?? 0 }
  public var largestEigenvalue: Double { eigenvalues.last ?? 0 }

  /// κ = λ_max / λ_min, or nil when λ_min ≤ 0 (no minimum to condition).
  public var conditionNumber: Double? {
    smallestEigenvalue > 0 ? largestEigenvalue / smallestEigenvalue : nil
  }

  /// The largest stable constant lr: 2/λ_max for gradient descent, 2(1 + β)/((1 − τ)λ_max) for
  /// torch's heavy ball and (2 + 2β)/((1 + 2β)λ_max) for Nesterov; nil when no lr is stable: λ_max
  /// ≤ 0 (a non-positive direction), or heavy ball with β ≥ 1 (the multipliers' product is β) or
  /// dampening τ ≥ 1 (the gradient no longer moves the buffer).
  public func divergenceThreshold(_ method: MomentumMethod) -> Double? {
    let lambda = largestEigenvalue
    guard lambda > 0 else { return nil }
    switch method {
    case .gradientDescent: return 2 / lambda
    case .heavyBall(let beta, let dampening):
      guard beta < 1, dampening < 1 else { return nil }
      return 2 * (1 + beta) / ((1 - dampening) * lambda)
    case .nesterov(let beta): return (2 + 2 * beta) / ((1 + 2 * beta) * lambda)
    }
  }

  /// The constant lr that minimizes gradient descent's worst rate: 2/(λ_min + λ_max), with rate
  /// (κ − 1)/(κ + 1); nil without a positive-definite Hessian.
  public var optimalGradientDescent: (learningRate: Double, rate: Double)? {
    guard let kappa = conditionNumber else { return nil }
    return (2 / (smallestEigenvalue + largestEigenvalue), (kappa - 1) / (kappa + 1))
  }

  /// Polyak's optimal heavy ball: α* = (2/(√λ_max + √λ_min))², β* = ((√κ − 1)/(√κ + 1))², rate
  /// (√κ − 1)/(√κ + 1).
  public var optimalHeavyBall: (learningRate: Double, momentum: Double, rate: Double)? {
    guard let kappa = conditionNumber else { return nil }
    let root = kappa.squareRoot()
    let rate = (root - 1) / (root + 1)
    let step = 2 / (largestEigenvalue.squareRoot() + smallestEigenvalue.squareRoot())
    return (step * step, rate * rate, rate)
  }

  /// The optimal Nesterov parameters on quadratics (Lessard, Recht & Packard 2016):
  /// α = 4/(3L + μ), β = (√(3κ + 1) − 2)/(√(3κ + 1) + 2), rate 1 − 2/√(3κ + 1).
  public var optimalNesterov: (learningRate: Double, momentum: Double, rate: Double)? {
    guard let kappa = conditionNumber else { return nil }
    let root = (3 * kappa + 1).squareRoot()
    return (4 / (3 * largestEigenvalue + smallestEigenvalue), (root - 2) / (root + 2), 1 - 2 / root)
  }

  /// The dynamics of every mode, in eigenvalue order.
  public func modes(learningRate: Double, method: MomentumMethod) -> [ModeDynamics] {
    eigenvalues.map { ModeDynamics(eigenvalue: $0, learningRate: learningRate, method: method) }
  }

  /// Predicts a run: its regime (by the classifier's rules), convergence, steps to tolerance and
  /// contraction rate, from the start's error in the eigenbasis and the closed-form solution of
  /// each mode (`ModeSolution`); the trajectory is never generated.
  ///
  /// - Parameter initialError: e₀ = x₀ − x* in the eigenbasis (`spectrum.coordinates(of:)`).
  /// - Complexity: O(n) per step examined: the envelopes locate the steps that decide each rule
  ///   (the first outside the divergence bound, the last above tolerance, a mode's first two sign
  ///   changes), typically a handful, at most all of them.
  public func predict(
    learningRate: Double, method: MomentumMethod, initialError: [Double], settings: RunSettings
  ) -> TheoryPrediction {
    let modes = modes(learningRate: learningRate, method: method)
    let solutions = zip(modes, initialError).map { ModeSolution(dynamics: $0, initialError: $1) }
    let classification = ClosedFormClassification(modes: solutions, settings: settings)
    let (regime, converged, stepsToTolerance) = classification.classify()
    // The rate of the slowest mode the start excites above tolerance (a mode excited only by
    // round-off never shows in the measured rate).
    let active = (0..<modes.count).filter { abs(initialError[$0]) > classification.tolerance }
    let shown = active.isEmpty ? Array(modes.indices) : active
    let rate = active.map { modes[$0].spectralRadius }.max() ?? 0
    return TheoryPrediction(
      regime: regime, converged: converged, stepsToTolerance: stepsToTolerance, contractionRate: rate,
      explanation: Self.explanation(modes: shown.map { modes[$0] }, method: method))
  }

  /// "1 − ηλ = 0.982, −0.8" for gradient descent; "|σ| = 0.949, 0.949" with momentum.
  static func explanation(modes: [ModeDynamics], method: MomentumMethod) -> String {
    switch method {
    case .gradientDescent:
      return "1 − ηλ = " + modes.map { NumberText.shortest(NumberText.rounded($0.a)) }.joined(separator: ", ")
    case .heavyBall, .nesterov:
      return "|σ| = "
        + modes.map { NumberText.shortest(NumberText.rounded($0.spectralRadius)) + ($0.isComplex ? " (complex)" : "") }
        .joined(separator: ", ")
    }
  }
}

/// Everything theory says about one run: the spectrum facts and, when asked for, the prediction.
public struct TheoryReport: Sendable, Hashable {
  public var theory: QuadraticTheory
  public var method: MomentumMethod
  public var learningRate: Double
  /// The stability threshold for this run's method (nil when no lr is stable).
  public var divergenceThreshold: Double?
  /// The best constant lr for gradient descent, 2/(λ_min + λ_max).
  public var optimalLearningRate: Double?
  /// The predicted behaviour, computed only when an expectation needs it.
  public var prediction: TheoryPrediction?
}

/// Why theory does not apply to a problem, or how to build it when it does.
public enum TheoryApplicability {
  /// Why theory declines where f has no Hessian at x*.
  public static let kinkReason = "f has no Hessian at x* (a kink); theory does not apply"
  /// Why theory declines for weight decay around an x* away from the origin.
  public static let movedFixedPointReason = "weight decay moves the fixed point away from x* ≠ 0; theory does not apply"

  /// A reason theory does not cover `problem` (adaptive optimizers, schedules, …), or nil.
  /// Checks only the problem's own settings; `report` also checks against x*.
  public static func reasonNotApplicable(_ problem: Problem) -> String? {
    guard case .constant = problem.schedule else {
      return "theory covers a constant lr, not a schedule"
    }
    guard case .sgd = problem.optimizer else {
      return "theory covers SGD (plain, heavy ball, Nesterov), not adaptive optimizers"
    }
    if problem.clipping != nil { return "theory does not cover gradient clipping" }
    if !problem.stochasticGradient.isExact {
      return "theory covers exact gradients, not noise or mini-batches (see 'noise_floor' for their steady state)"
    }
    return nil
  }

  /// The theory of `problem` around `reference`, or the reason it does not apply.
  /// - Parameter predicting: also predict the run (O(n · steps)).
  public static func report(for problem: Problem, reference: ReferencePoint, predicting: Bool) -> Result<
    TheoryReport, TheoryError
  > {
    if let reason = reasonNotApplicable(problem) { return .failure(TheoryError(reason: reason)) }
    guard case .sgd(let sgd) = problem.optimizer, case .constant(let learningRate) = problem.schedule else {
      return .failure(TheoryError(reason: "theory covers SGD with a constant lr"))
    }
    // torch applies weight decay as g + wd·θ and maximize as −g: the effective Hessian is
    // ±H + wd·I (same eigenvectors), whose fixed point is x* only when x* = 0 or wd = 0.
    if sgd.weightDecay != 0 && reference.point.contains(where: { $0 != 0 }) {
      return .failure(TheoryError(reason: movedFixedPointReason))
    }
    guard reference.spectrum.eigenvalues.allSatisfy(\.isFinite) else {
      return .failure(TheoryError(reason: kinkReason))
    }
    let theory = QuadraticTheory(spectrum: reference.spectrum, isLocal: !problem.landscape.isQuadratic).seen(by: sgd)
    let spectrum = theory.spectrum
    let method = MomentumMethod(sgd)
    var report = TheoryReport(
      theory: theory, method: method, learningRate: learningRate,
      divergenceThreshold: theory.divergenceThreshold(method),
      optimalLearningRate: theory.optimalGradientDescent?.learningRate, prediction: nil)
    if predicting {
      let initialError = spectrum.coordinates(of: zip(problem.start, reference.point).map { $0 - $1 })
      report.prediction = theory.predict(
        learningRate: learningRate, method: method, initialError: initialError, settings: problem.settings)
    }
    return .success(report)
  }
}

/// Theory does not apply to a run, and why.
public struct TheoryError: Error, Sendable, Hashable, CustomStringConvertible {
  public var reason: String
  public var description: String { reason }
}
