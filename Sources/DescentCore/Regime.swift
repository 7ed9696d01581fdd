/// The qualitative behaviour of one trajectory (SPEC §Regimes). Exactly one applies; the cases
/// are listed in the order the classifier tests them.
public enum Regime: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Left the divergence bound, produced NaN/inf, or ends with an error over 2× its start and
  /// still growing.
  case divergent
  /// Not converged, and an oscillating component ends within ½–2× of its start magnitude
  /// (the undamped 2-cycle at η = 2/λ).
  case cycling
  /// Converged after exactly one step (η = 1/λ on a 1-D quadratic).
  case oneShot = "one-shot"
  /// Some active components oscillate and some do not (the ravine).
  case zigzag
  /// Every active component oscillates.
  case oscillating
  /// No component oscillates; converged within `steps`.
  case monotone
  /// No component oscillates; not converged within `steps`.
  case crawling

  public var description: String { rawValue }
}

/// The classifier's verdict on a trajectory.
public struct Classification: Sendable, Hashable {
  public var regime: Regime
  /// Whether the final iterate is within tolerance of x*.
  public var converged: Bool
  /// The step from which the error stays within tolerance to the end of the run; nil if the run
  /// does not end within tolerance.
  public var stepsToTolerance: Int?
  /// Steps actually taken (less than requested when the run diverged and stopped).
  public var stepsTaken: Int
  /// ‖x₀ − x*‖ and ‖x_final − x*‖.
  public var initialError: Double
  public var finalError: Double
  /// The absolute tolerance and divergence bound used: tolerance·max(1, ‖x₀ − x*‖), and likewise.
  public var absoluteTolerance: Double
  public var absoluteDivergenceBound: Double
  /// Per eigen-direction (ascending eigenvalue): whether it started above tolerance, and how often
  /// it changed sign while above tolerance.
  public var activeComponents: [Bool]
  public var signChanges: [Int]
  /// Why the run counts as divergent, when it does.
  public var divergenceReason: DivergenceReason?
}

/// What made a run divergent.
public enum DivergenceReason: String, Sendable, Hashable {
  case nonFinite = "non-finite iterate"
  case leftBound = "left the divergence bound"
  case growing = "error over 2x its start and still growing"
}

/// Classifies a trajectory from its errors e_k = x_k − x*, fed one step at a time in the
/// eigenbasis of the Hessian at x* (so memory is O(n) however long the run).
///
/// A component is *active* if it starts above the absolute tolerance; it *oscillates* if its sign
/// flips at least twice among the iterates where it is above tolerance (so round-off below
/// tolerance never counts).
public struct RegimeClassifier: Sendable {
  public let absoluteTolerance: Double
  public let absoluteDivergenceBound: Double
  private let toleranceSquared: Double
  private let boundSquared: Double
  private let totalSteps: Int
  private var initial: [Double] = []
  private var last: [Double] = []
  private var lastSign: [Int8]
  private var signChanges: [Int]
  private var initialNormSquared = 0.0
  private var midNormSquared = 0.0
  private var finalNormSquared = 0.0
  private var lastStepAboveTolerance = -1
  private var lastStep = -1
  private var divergence: DivergenceReason?

  /// - Parameters:
  ///   - initialError: e₀ = x₀ − x* in the eigenbasis.
  ///   - tolerance, divergenceBound: relative to max(1, ‖e₀‖), as in the config.
  ///   - totalSteps: the number of steps the run will take if it does not diverge.
  public init(initialError: [Double], tolerance: Double, divergenceBound: Double, totalSteps: Int) {
    let initialNorm = initialError.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let scale = max(1, initialNorm)
    absoluteTolerance = tolerance * scale
    absoluteDivergenceBound = divergenceBound * scale
    toleranceSquared = absoluteTolerance * absoluteTolerance
    boundSquared = absoluteDivergenceBound * absoluteDivergenceBound
    self.totalSteps = totalSteps
    lastSign = [Int8](repeating: 0, count: initialError.count)
    signChanges = [Int](repeating: 0, count: initialError.count)
  }

  /// Whether the run has diverged (the loop should stop).
  public var hasDiverged: Bool { divergence != nil }

  /// Observes e_k for step k (k = 0, 1, … in order).
  /// - Complexity: O(n).
  public mutating func observe(step: Int, error: UnsafeBufferPointer<Double>) {
    var normSquared = 0.0
    for i in error.indices {
      let component = error[i]
      normSquared += component * component
      if abs(component) > absoluteTolerance {
        let sign: Int8 = component > 0 ? 1 : -1
        if lastSign[i] != 0 && sign != lastSign[i] { signChanges[i] += 1 }
        lastSign[i] = sign
      }
    }
    if step == 0 {
      initial = Array(error)
      initialNormSquared = normSquared
    }
    if step == totalSteps / 2 { midNormSquared = normSquared }
    lastStep = step
    finalNormSquared = normSquared
    if !(normSquared <= toleranceSquared) { lastStepAboveTolerance = step }
    if !normSquared.isFinite || normSquared > boundSquared {
      // An overflowing norm of finite components has left any representable bound.
      divergence = error.allSatisfy(\.isFinite) ? .leftBound : .nonFinite
    }
    if divergence != nil || step == totalSteps { last = Array(error) }
  }

  /// The verdict, after the last observed step.
  public func classify() -> Classification {
    let tolerance = absoluteTolerance
    let converged = divergence == nil && finalNormSquared <= toleranceSquared
    let stepsToTolerance = converged ? lastStepAboveTolerance + 1 : nil
    let active = initial.map { abs($0) > tolerance }
    let oscillates = signChanges.indices.map { active[$0] && signChanges[$0] >= 2 }
    var reason = divergence
    if reason == nil && finalNormSquared > 4 * initialNormSquared && finalNormSquared > midNormSquared {
      reason = .growing
    }
    let regime: Regime
    if reason != nil {
      regime = .divergent
    } else if !converged
      && oscillates.indices.contains(where: { i in
        oscillates[i] && abs(last[i]) >= 0.5 * abs(initial[i]) && abs(last[i]) <= 2 * abs(initial[i])
      })
    {
      regime = .cycling
    } else if converged && stepsToTolerance == 1 {
      regime = .oneShot
    } else {
      let activeCount = active.filter { $0 }.count
      let oscillatingCount = oscillates.filter { $0 }.count
      if oscillatingCount > 0 && oscillatingCount < activeCount {
        regime = .zigzag
      } else if oscillatingCount > 0 {
        regime = .oscillating
      } else {
        regime = converged ? .monotone : .crawling
      }
    }
    return Classification(
      regime: regime, converged: converged, stepsToTolerance: stepsToTolerance,
      stepsTaken: max(lastStep, 0), initialError: initialNormSquared.squareRoot(),
      finalError: finalNormSquared.squareRoot(), absoluteTolerance: tolerance,
      absoluteDivergenceBound: absoluteDivergenceBound, activeComponents: active,
      signChanges: signChanges, divergenceReason: reason)
  }
}
