import DescentCore
import YAMLNode

/// A measured quantity of a run that expectations can bound.
public enum Metric: String, Sendable, Hashable, CaseIterable {
  /// The step from which the error stays within tolerance (absent when not converged).
  case stepsToTolerance = "steps_to_tolerance"
  /// f at the last iterate.
  case finalLoss = "final_loss"
  /// f(x_final) − f(x*).
  case finalGap = "final_gap"
  /// ‖x_final − x*‖.
  case finalError = "final_error"
  /// ‖∇f(x_final)‖.
  case finalGradientNorm = "final_gradient_norm"
  /// Mean of f(x_k) − f(x*) over the last 10% of iterates.
  case noiseFloor = "noise_floor"
  /// The measured per-step contraction of ‖x_k − x*‖ in the second half of the approach
  /// (see `ContractionRate` in DescentRunner).
  case contractionRate = "contraction_rate"
}

/// What a `near` compares with: a number, or what theory predicts for the instance.
public enum NumericTarget: Sendable, Hashable {
  case value(Double)
  case theory
}

/// How a number is checked: `{min, max}`, `{near, within}` or `{near, rel}`, where `near` may be
/// `theory`.
public enum NumericCheck: Sendable, Hashable {
  case range(minimum: Double?, maximum: Double?)
  case near(NumericTarget, within: Double)
  case nearRelative(NumericTarget, relative: Double)

  /// Whether the check compares with theory.
  public var usesTheory: Bool {
    switch self {
    case .near(.theory, _), .nearRelative(.theory, _): true
    default: false
    }
  }

  /// Whether `value` satisfies the check; `theory` is the predicted value when the check uses it.
  public func accepts(_ value: Double, theory: Double? = nil) -> Bool {
    switch self {
    case .range(let minimum, let maximum):
      return (minimum.map { value >= $0 } ?? true) && (maximum.map { value <= $0 } ?? true)
    case .near(let target, let within):
      guard let center = resolve(target, theory: theory) else { return false }
      return abs(value - center) <= within
    case .nearRelative(let target, let relative):
      guard let center = resolve(target, theory: theory) else { return false }
      return abs(value - center) <= relative * abs(center)
    }
  }

  private func resolve(_ target: NumericTarget, theory: Double?) -> Double? {
    switch target {
    case .value(let value): value
    case .theory: theory
    }
  }

  /// "at most 120", "0.5 ± 1e-9", "theory (0.818182) within 0.05 relative".
  public func description(theory: Double? = nil) -> String {
    func text(_ target: NumericTarget) -> String {
      switch target {
      case .value(let value): NumberText.shortest(value)
      case .theory: theory.map { "theory (\(NumberText.shortest($0)))" } ?? "theory"
      }
    }
    switch self {
    case .range(let minimum?, let maximum?):
      return "between \(NumberText.shortest(minimum)) and \(NumberText.shortest(maximum))"
    case .range(let minimum?, nil): return "at least \(NumberText.shortest(minimum))"
    case .range(nil, let maximum?): return "at most \(NumberText.shortest(maximum))"
    case .range(nil, nil): return "any value"
    case .near(let target, let within) where within == 0: return "exactly \(text(target))"
    case .near(let target, let within): return "\(text(target)) ± \(NumberText.shortest(within))"
    case .nearRelative(let target, let relative):
      return "\(text(target)) within \(NumberText.shortest(relative)) relative"
    }
  }
}

/// A quantity theory computes from the Hessian at x* (checked without running anything else).
public enum TheoryQuantity: String, Sendable, Hashable, CaseIterable {
  /// κ = λ_max / λ_min.
  case conditionNumber = "condition_number"
  /// The largest stable lr for the instance's method.
  case divergenceThreshold = "divergence_threshold"
  /// 2/(λ_min + λ_max).
  case optimalLearningRate = "optimal_lr"
}

/// A learning rate found by a search over lr (`find:`).
public enum SearchKind: String, Sendable, Hashable, CaseIterable {
  /// The divergence threshold, by bisection.
  case criticalLearningRate = "critical_lr"
  /// The lr with the fewest steps to tolerance.
  case bestLearningRate = "best_lr"
}

/// `find:` — the searches to run for an instance, each over an lr bracket.
public struct SearchSpec: Sendable, Hashable {
  public var kind: SearchKind
  public var lower: Double
  public var upper: Double
  public var mark: Mark

  public init(kind: SearchKind, lower: Double, upper: Double, mark: Mark) {
    self.kind = kind
    self.lower = lower
    self.upper = upper
    self.mark = mark
  }
}

/// One claim about a run, with the position it was written at.
public struct Expectation: Sendable, Hashable {
  public enum Check: Sendable, Hashable {
    /// The regime is one of these.
    case regime([Regime])
    /// The regime is the one theory predicts.
    case regimeFromTheory
    case converged(Bool)
    case metric(Metric, NumericCheck)
    /// ‖x_final − point‖ ≤ within.
    case finalPoint(near: [Double], within: Double)
    /// Of the landscape's minimizers (x* when it lists none), the one nearest the final point is
    /// `minimizer` (when given: the basin the run ended in) and is within `within` of it (when given).
    case nearestMinimizer(minimizer: [Double]?, within: Double?)
    /// Reaches tolerance at least `factor`× sooner than the matching instance of `scenario`.
    case fasterThan(scenario: String, factor: Double)
    /// A quantity of the theory at x*.
    case theory(TheoryQuantity, NumericCheck)
    /// The Hessian's eigenvalues at x* (ascending) are within `within` of these.
    case hessianEigenvalues(near: [Double], within: Double)
    /// The lr a `find:` search returns.
    case search(SearchKind, NumericCheck)
  }

  /// Whether checking this needs the theory's prediction of the run.
  public var needsPrediction: Bool {
    switch check {
    case .regimeFromTheory: true
    case .metric(_, let numeric): numeric.usesTheory
    default: false
    }
  }

  /// Whether checking this needs theory at all (and so an optimizer and lr theory covers). The
  /// Hessian's eigenvalues at x* and its condition number are facts of f, checked for any optimizer.
  public var needsTheory: Bool {
    switch check {
    case .regimeFromTheory: true
    case .theory(let quantity, _): quantity != .conditionNumber
    case .metric(_, let numeric), .search(_, let numeric): numeric.usesTheory
    default: false
    }
  }

  public var check: Check
  /// The key it was written under (`regime`, `steps_to_tolerance`, ...), for reports.
  public var key: String
  public var mark: Mark

  public init(_ check: Check, key: String, at mark: Mark) {
    self.check = check
    self.key = key
    self.mark = mark
  }

  /// Whether a minimizer written in a config (perhaps rounded, as `descent presets` prints them)
  /// denotes `minimizer`: within 1e-5·max(1, ‖written‖).
  public static func denotes(_ written: [Double], _ minimizer: [Double]) -> Bool {
    var gap = 0.0
    for (a, b) in zip(written, minimizer) { gap += (a - b) * (a - b) }
    return gap.squareRoot() <= 1e-5 * max(1, written.reduce(0) { $0 + $1 * $1 }.squareRoot())
  }
}

/// The instance of another scenario that a `faster_than` expectation compares with, resolved when
/// the config is read (the run re-runs it: runs are pure, so no instance waits for another).
public struct ComparisonTarget: Sendable {
  public var id: String
  public var problem: Problem

  public init(id: String, problem: Problem) {
    self.id = id
    self.problem = problem
  }
}
