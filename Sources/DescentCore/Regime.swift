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
///
/// Its per-component state lives in caller-provided storage (`storageCount(dimension:)` doubles),
/// which the run loop carves from its own stack workspace so that `observe`, called every step,
/// works on memory the compiler can keep in registers.
public struct RegimeClassifier {
  public let absoluteTolerance: Double
  public let absoluteDivergenceBound: Double
  private let dimension: Int
  private let toleranceSquared: Double
  private let boundSquared: Double
  private let totalSteps: Int
  private let midStep: Int
  /// Per component: e₀, the last e_k, the sign last seen above tolerance (±1, 0 for none yet) and
  /// the number of sign changes.
  private let initial: UnsafeMutablePointer<Double>
  private let last: UnsafeMutablePointer<Double>
  private let lastSign: UnsafeMutablePointer<Double>
  private let signChanges: UnsafeMutablePointer<Double>
  private var initialNormSquared = 0.0
  private var midNormSquared = 0.0
  private var finalNormSquared = 0.0
  private var lastStepAboveTolerance = -1
  private var lastStep = -1
  private var divergence: DivergenceReason?

  /// Doubles of storage a classifier of `dimension` components needs.
  public static func storageCount(dimension: Int) -> Int { 4 * dimension }

  /// - Parameters:
  ///   - initialError: e₀ = x₀ − x* in the eigenbasis (`dimension` values).
  ///   - tolerance, divergenceBound: relative to max(1, ‖e₀‖), as in the config.
  ///   - totalSteps: the number of steps the run will take if it does not diverge.
  ///   - storage: `storageCount(dimension:)` doubles, valid while the classifier is used.
  public init(
    initialError: UnsafePointer<Double>, dimension n: Int, tolerance: Double, divergenceBound: Double, totalSteps: Int,
    storage: UnsafeMutablePointer<Double>
  ) {
    var normSquared = 0.0
    for i in 0..<n { normSquared += initialError[i] * initialError[i] }
    initialNormSquared = normSquared
    let scale = max(1, normSquared.squareRoot())
    dimension = n
    absoluteTolerance = tolerance * scale
    absoluteDivergenceBound = divergenceBound * scale
    toleranceSquared = absoluteTolerance * absoluteTolerance
    // Capped at the largest finite double so that an infinite norm always counts as leaving it.
    boundSquared = min(absoluteDivergenceBound * absoluteDivergenceBound, .greatestFiniteMagnitude)
    self.totalSteps = totalSteps
    midStep = totalSteps / 2
    initial = storage
    last = storage + n
    lastSign = storage + 2 * n
    signChanges = storage + 3 * n
    storage.initialize(repeating: 0, count: 4 * n)
    initial.update(from: initialError, count: n)
  }

  /// Whether the run has diverged (the loop should stop).
  public var hasDiverged: Bool { divergence != nil }

  /// Observes e_k for step k (k = 0, 1, … in order; step 0 is the start, whose error `init`
  /// has already recorded as e₀). `dimension` is the classifier's own, passed by the loop so that
  /// fixed-size runs unroll. Call `finish` after the last step.
  /// - Complexity: O(n).
  @inline(__always)
  public mutating func observe(step: Int, error: UnsafePointer<Double>, dimension: Int) {
    let tolerance = absoluteTolerance
    var normSquared = 0.0
    for i in 0..<dimension {
      let component = error[i]
      normSquared += component * component
      if abs(component) > tolerance {
        let sign: Double = component > 0 ? 1 : -1
        if lastSign[i] != sign {
          if lastSign[i] != 0 { signChanges[i] += 1 }
          lastSign[i] = sign
        }
      }
    }
    if _slowPath(step == midStep) { midNormSquared = normSquared }
    finalNormSquared = normSquared
    if !(normSquared <= toleranceSquared) { lastStepAboveTolerance = step }
    if !(normSquared <= boundSquared) {
      // NaN or inf, or past the bound (an overflowing norm of finite components has left any
      // representable bound).
      var finite = true
      for i in 0..<dimension where !error[i].isFinite { finite = false }
      divergence = finite ? .leftBound : .nonFinite
    }
  }

  /// Records the last observed step and its error e_k (the loop's final iterate).
  @inline(__always)
  public mutating func finish(step: Int, error: UnsafePointer<Double>, dimension: Int) {
    lastStep = step
    last.update(from: error, count: dimension)
  }

  /// The first rule of SPEC §Regimes that matches, from the facts the rules read: per component its
  /// initial and final error, whether it is active and whether it oscillates.
  static func regime(
    divergent: Bool, converged: Bool, stepsToTolerance: Int?, initial: [Double], final: [Double], active: [Bool],
    oscillates: [Bool]
  ) -> Regime {
    if divergent { return .divergent }
    let cycles = oscillates.indices.contains { i in
      oscillates[i] && abs(final[i]) >= 0.5 * abs(initial[i]) && abs(final[i]) <= 2 * abs(initial[i])
    }
    if !converged && cycles { return .cycling }
    if converged && stepsToTolerance == 1 { return .oneShot }
    let activeCount = active.filter { $0 }.count
    let oscillatingCount = oscillates.filter { $0 }.count
    if oscillatingCount > 0 { return oscillatingCount < activeCount ? .zigzag : .oscillating }
    return converged ? .monotone : .crawling
  }

  /// The verdict, after `finish`.
  public func classify() -> Classification {
    let tolerance = absoluteTolerance
    let n = dimension
    let converged = divergence == nil && finalNormSquared <= toleranceSquared
    let stepsToTolerance = converged ? lastStepAboveTolerance + 1 : nil
    let active = (0..<n).map { abs(initial[$0]) > tolerance }
    let oscillates = (0..<n).map { active[$0] && signChanges[$0] >= 2 }
    var reason = divergence
    if reason == nil && finalNormSquared > 4 * initialNormSquared && finalNormSquared > midNormSquared {
      reason = .growing
    }
    let regime = Self.regime(
      divergent: reason != nil, converged: converged, stepsToTolerance: stepsToTolerance,
      initial: (0..<n).map { initial[$0] }, final: (0..<n).map { last[$0] }, active: active, oscillates: oscillates)
    return Classification(
      regime: regime, converged: converged, stepsToTolerance: stepsToTolerance,
      stepsTaken: max(lastStep, 0), initialError: initialNormSquared.squareRoot(),
      finalError: finalNormSquared.squareRoot(), absoluteTolerance: tolerance,
      absoluteDivergenceBound: absoluteDivergenceBound, activeComponents: active,
      signChanges: (0..<n).map { Int(signChanges[$0]) }, divergenceReason: reason)
  }
}

/// Classifies a trajectory given as arrays of errors (for tests and small tools; the run loop
/// feeds a `RegimeClassifier` directly).
public func classifyErrors(_ errors: [[Double]], tolerance: Double, divergenceBound: Double = 1e6) -> Classification {
  precondition(!errors.isEmpty, "a trajectory has at least its start")
  let n = errors[0].count
  let storage = UnsafeMutablePointer<Double>.allocate(capacity: RegimeClassifier.storageCount(dimension: n))
  defer { storage.deallocate() }
  return errors[0].withUnsafeBufferPointer { start in
    var classifier = RegimeClassifier(
      initialError: start.baseAddress!, dimension: n, tolerance: tolerance, divergenceBound: divergenceBound,
      totalSteps: errors.count - 1, storage: storage)
    for (step, error) in errors.enumerated() {
      error.withUnsafeBufferPointer { classifier.observe(step: step, error: $0.baseAddress!, dimension: n) }
      if step == errors.count - 1 || classifier.hasDiverged {
        error.withUnsafeBufferPointer { classifier.finish(step: step, error: $0.baseAddress!, dimension: n) }
        break
      }
    }
    return classifier.classify()
  }
}
