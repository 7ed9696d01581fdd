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
}

/// How a number is checked: `{min, max}`, `{near, within}` or `{near, rel}`.
public enum NumericCheck: Sendable, Hashable, CustomStringConvertible {
  case range(minimum: Double?, maximum: Double?)
  case near(Double, within: Double)
  case nearRelative(Double, relative: Double)

  /// Whether `value` satisfies the check.
  public func accepts(_ value: Double) -> Bool {
    switch self {
    case .range(let minimum, let maximum):
      return (minimum.map { value >= $0 } ?? true) && (maximum.map { value <= $0 } ?? true)
    case .near(let target, let within):
      return abs(value - target) <= within
    case .nearRelative(let target, let relative):
      return abs(value - target) <= relative * abs(target)
    }
  }

  public var description: String {
    switch self {
    case .range(let minimum?, let maximum?):
      "between \(NumberText.shortest(minimum)) and \(NumberText.shortest(maximum))"
    case .range(let minimum?, nil): "at least \(NumberText.shortest(minimum))"
    case .range(nil, let maximum?): "at most \(NumberText.shortest(maximum))"
    case .range(nil, nil): "any value"
    case .near(let target, let within) where within == 0: "exactly \(NumberText.shortest(target))"
    case .near(let target, let within): "\(NumberText.shortest(target)) ± \(NumberText.shortest(within))"
    case .nearRelative(let target, let relative):
      "\(NumberText.shortest(target)) within \(NumberText.shortest(relative)) relative"
    }
  }
}

/// One claim about a run, with the position it was written at.
public struct Expectation: Sendable, Hashable {
  public enum Check: Sendable, Hashable {
    /// The regime is one of these.
    case regime([Regime])
    case converged(Bool)
    case metric(Metric, NumericCheck)
    /// ‖x_final − point‖ ≤ within.
    case finalPoint(near: [Double], within: Double)
    /// Reaches tolerance at least `factor`× sooner than the matching instance of `scenario`.
    case fasterThan(scenario: String, factor: Double)
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
