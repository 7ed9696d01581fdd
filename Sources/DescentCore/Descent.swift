/// Stopping and classification settings of one run (SPEC §1 `defaults`).
public struct RunSettings: Sendable, Hashable {
  /// Optimizer steps to take.
  public var steps: Int
  /// Convergence: ‖x_k − x*‖ ≤ tolerance · max(1, ‖x₀ − x*‖).
  public var tolerance: Double
  /// Divergence: ‖x_k − x*‖ > divergenceBound · max(1, ‖x₀ − x*‖), or a non-finite iterate.
  public var divergenceBound: Double

  public init(steps: Int = 200, tolerance: Double = 1e-6, divergenceBound: Double = 1e6) {
    self.steps = steps
    self.tolerance = tolerance
    self.divergenceBound = divergenceBound
  }
}

/// The point x* a trajectory is measured against, with the local quadratic model there.
public struct ReferencePoint: Sendable, Hashable {
  /// Where x* came from.
  public enum Source: String, Sendable, Hashable {
    /// A known minimizer of the landscape (the nearest to the run's end when there are several).
    case minimizer
    /// A critical point that is not a minimum (saddle, maximum): the landscape has no minimizer.
    case criticalPoint = "critical point"
    /// Given in the config (`minimum:`).
    case given
    /// Estimated: the landscape knows no minimizer or critical point and none was given, so x* is
    /// the critical point Newton's method finds from where the run ended (or from its start).
    case estimated
  }

  public var point: [Double]
  public var source: Source
  /// f(x*).
  public var value: Double
  /// Eigen-decomposition of the Hessian at x*; errors are classified in its eigenbasis.
  public var spectrum: SymmetricEigendecomposition

  public init<L: Landscape>(landscape: L, point: [Double], source: Source) {
    self.point = point
    self.source = source
    value = landscape.value(at: point)
    let hessian = landscape.hessian(at: point)
    // Where f has no Hessian at x* (a kink, such as Ackley's cone written with sqrt), errors are
    // measured along the coordinate axes and the eigenvalues are unknown (NaN).
    let entries: [Double]
    switch hessian.storage {
    case .diagonal(let diagonal): entries = diagonal
    case .dense(let dense): entries = dense
    }
    spectrum = SymmetricEigendecomposition(
      entries.allSatisfy(\.isFinite)
        ? hessian : SymmetricMatrix(diagonal: [Double](repeating: .nan, count: point.count)))
  }

  /// x* for a run: the given point, else the landscape's minimizer (or critical point) nearest
  /// to `finalPoint` — the one the run actually approaches.
  public static func choose<L: Landscape>(for landscape: L, given: [Double]?, finalPoint: [Double]) -> ReferencePoint? {
    if let given { return ReferencePoint(landscape: landscape, point: given, source: .given) }
    if let nearest = nearest(landscape.minimizers, to: finalPoint) {
      return ReferencePoint(landscape: landscape, point: nearest, source: .minimizer)
    }
    if let nearest = nearest(landscape.otherCriticalPoints, to: finalPoint) {
      return ReferencePoint(landscape: landscape, point: nearest, source: .criticalPoint)
    }
    return nil
  }

  /// x* for a landscape that knows no critical point: Newton's method on ∇f = 0 from `finalPoint`
  /// (from `start` when the run ended outside the finite numbers or Newton fails from there), with
  /// the Hessian's pseudo-inverse (directions of curvature below 1e-12·max|λ| are left alone, so a
  /// degenerate critical point such as x⁴'s is approached linearly). Accepted only when the
  /// iteration settles — a step below 1e-15 relative within 500 steps — at a finite point whose
  /// gradient is at most 1e-8·max(1, ‖∇f‖ where Newton began); f = eˣ, whose Newton steps stay 1,
  /// or 1/x², whose grow, have no such point. nil when neither start finds one.
  /// - Complexity: O(n³) per Newton step, at most 1000 steps.
  public static func estimate<L: Landscape>(for landscape: L, finalPoint: [Double], start: [Double]) -> ReferencePoint?
  {
    for origin in [finalPoint, start] where origin.allSatisfy(\.isFinite) {
      if let point = newtonCriticalPoint(of: landscape, from: origin) {
        return ReferencePoint(landscape: landscape, point: point, source: .estimated)
      }
    }
    return nil
  }

  /// The critical point Newton's method settles on from `origin` (see `estimate`), or nil.
  public static func newtonCriticalPoint<L: Landscape>(of landscape: L, from origin: [Double]) -> [Double]? {
    func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    var x = origin
    let initialSlope = norm(landscape.gradient(at: x))
    guard initialSlope.isFinite else { return nil }
    var settled = false
    for _ in 0..<500 {
      let gradient = landscape.gradient(at: x)
      guard gradient.allSatisfy(\.isFinite) else { return nil }
      if gradient.allSatisfy({ $0 == 0 }) {
        settled = true
        break
      }
      let spectrum = SymmetricEigendecomposition(landscape.hessian(at: x))
      guard spectrum.eigenvalues.allSatisfy(\.isFinite) else { return nil }
      let cutoff = 1e-12 * (spectrum.eigenvalues.map(abs).max() ?? 0)
      let along = spectrum.coordinates(of: gradient)
      var step = [Double](repeating: 0, count: x.count)
      for j in along.indices where abs(spectrum.eigenvalues[j]) > cutoff {
        let scale = along[j] / spectrum.eigenvalues[j]
        for (i, component) in spectrum.eigenvector(j).enumerated() { step[i] += scale * component }
      }
      for i in x.indices { x[i] -= step[i] }
      guard x.allSatisfy(\.isFinite) else { return nil }
      if norm(step) <= 1e-15 * max(1, norm(x)) {
        settled = true
        break
      }
    }
    guard settled else { return nil }
    let slope = norm(landscape.gradient(at: x))
    return slope <= 1e-8 * max(1, initialSlope) ? x : nil
  }

  private static func nearest(_ candidates: [[Double]], to point: [Double]) -> [Double]? {
    func distanceSquared(_ candidate: [Double]) -> Double {
      var sum = 0.0
      for (a, b) in zip(candidate, point) where (a - b).isFinite { sum += (a - b) * (a - b) }
      return sum
    }
    return candidates.min { distanceSquared($0) < distanceSquared($1) }
  }
}

/// Everything a run produces besides its trajectory.
public struct RunOutcome: Sendable, Hashable {
  public var classification: Classification
  public var reference: ReferencePoint
  public var finalPoint: [Double]
  /// f(x) at the last iterate.
  public var finalLoss: Double
  /// ‖∇f(x)‖ at the last iterate.
  public var finalGradientNorm: Double
  /// f(x₀).
  public var initialLoss: Double
  /// Mean of f(x_k) − f(x*) over the last 10% of iterates (at least one); nil if the run stopped
  /// early.
  public var noiseFloor: Double?

  /// f(x_final) − f(x*).
  public var finalGap: Double { finalLoss - reference.value }
}

/// Receives every iterate of a run: row k holds x_k, f(x_k), ‖∇f(x_k)‖ and the lr of the step
/// taken from x_k.
public protocol TrajectoryObserver {
  mutating func record(
    step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double)
}

/// An observer that keeps nothing (the loop specializes it away).
public struct NoTrajectoryObserver: TrajectoryObserver {
  public init() {}
  public func record(
    step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double
  ) {}
}

/// An observer that keeps the whole trajectory in memory (for tests and small runs).
public struct TrajectoryRecorder: TrajectoryObserver {
  public struct Row: Sendable, Hashable {
    public var step: Int
    public var point: [Double]
    public var loss: Double
    public var gradientNorm: Double
    public var learningRate: Double
  }

  public private(set) var rows: [Row] = []

  public init() {}

  public mutating func record(
    step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double
  ) {
    rows.append(
      Row(step: step, point: Array(point), loss: loss, gradientNorm: gradientNorm, learningRate: learningRate))
  }
}

/// Runs `optimizer` on `landscape` from `start` for `settings.steps` steps (stopping early only on
/// divergence), classifying the trajectory against `reference` as it goes.
///
/// The loop is generic so each landscape/optimizer/observer combination is specialized: no
/// existential or dictionary lookup per step, and no allocation inside the loop.
/// - Complexity: O(steps · cost of one gradient), plus O(n²) per step for rotated eigenbases.
public func descend<L: Landscape, O: Optimizer, Observer: TrajectoryObserver>(
  landscape: L, optimizer: O, schedule: LearningRateSchedule, clipping: GradientClipping? = nil, start: [Double],
  reference: ReferencePoint, settings: RunSettings, observer: inout Observer,
  perturbation: GradientPerturbation = .none
) -> RunOutcome {
  let n = landscape.dimension
  precondition(start.count == n, "start has \(start.count) coordinates, landscape has \(n)")
  let summary = landscape.withKernel { kernel in
    reference.spectrum.eigenvectors.withUnsafeOptionalBuffer { eigenvectors in
      start.withUnsafeBufferPointer { start in
        reference.point.withUnsafeBufferPointer { target in
          // A constant lr on exact gradients without clipping gets a loop with nothing to schedule,
          // sample or clip (and no call in it); anything else the general loop.
          if case .constant(let rate) = schedule, clipping == nil, perturbation.sampler == nil {
            iterate(
              kernel: kernel, dimension: n, optimizer: optimizer, rates: ConstantRate(rate: rate),
              clipping: NoClipping(),
              start: start.baseAddress!, target: target.baseAddress!, eigenvectors: eigenvectors,
              referenceValue: reference.value, settings: settings, observer: &observer,
              gradientSource: ExactGradient())
          } else {
            iterate(
              kernel: kernel, dimension: n, optimizer: optimizer,
              rates: schedule.makeCursor(totalSteps: settings.steps),
              clipping: clipping, start: start.baseAddress!, target: target.baseAddress!, eigenvectors: eigenvectors,
              referenceValue: reference.value, settings: settings, observer: &observer,
              gradientSource: perturbation)
          }
        }
      }
    }
  }
  return RunOutcome(
    classification: summary.classification, reference: reference, finalPoint: summary.finalPoint,
    finalLoss: summary.finalLoss, finalGradientNorm: summary.finalGradientNorm, initialLoss: summary.initialLoss,
    noiseFloor: summary.noiseFloor)
}

/// Runs the loop at the landscape's dimension `n`: one- and two-dimensional runs get loops of
/// constant length, which the compiler unrolls, over a workspace of constant size, which it keeps
/// in registers.
@inline(__always)
func iterate<
  K: LandscapeKernel, O: Optimizer, Rates: LearningRateCursor, Clipping: GradientClipper, Observer: TrajectoryObserver,
  Source: GradientSource
>(
  kernel: K, dimension n: Int, optimizer: O, rates: Rates, clipping: Clipping, start: UnsafePointer<Double>,
  target: UnsafePointer<Double>, eigenvectors: UnsafePointer<Double>?, referenceValue: Double, settings: RunSettings,
  observer: inout Observer, gradientSource: Source
) -> LoopSummary {
  switch n {
  case 1:
    return iterate(
      kernel: kernel, dimension: FixedDimension<One>(), optimizer: optimizer, rates: rates, clipping: clipping,
      start: start, target: target, eigenvectors: eigenvectors, referenceValue: referenceValue, settings: settings,
      observer: &observer, gradientSource: gradientSource)
  case 2:
    return iterate(
      kernel: kernel, dimension: FixedDimension<Two>(), optimizer: optimizer, rates: rates, clipping: clipping,
      start: start, target: target, eigenvectors: eigenvectors, referenceValue: referenceValue, settings: settings,
      observer: &observer, gradientSource: gradientSource)
  default:
    return iterate(
      kernel: kernel, dimension: DynamicDimension(value: n), optimizer: optimizer, rates: rates, clipping: clipping,
      start: start, target: target, eigenvectors: eigenvectors, referenceValue: referenceValue, settings: settings,
      observer: &observer, gradientSource: gradientSource)
  }
}

/// What the loop hands back besides the final point (left in the buffers).
struct LoopSummary {
  var classification: Classification
  var finalPoint: [Double]
  var finalLoss: Double
  var initialLoss: Double
  var finalGradientNorm: Double
  var noiseFloor: Double?
}

/// The length of the vectors in a loop: a compile-time constant for small fixed sizes, so loops
/// over it unroll, or a run-time value.
protocol LoopDimension {
  var value: Int { get }
}

struct DynamicDimension: LoopDimension {
  let value: Int
}

/// A compile-time dimension: `FixedDimension<Two>().value` is the constant 2.
struct FixedDimension<Size: StaticSize>: LoopDimension {
  @inline(__always) var value: Int { Size.value }
}

protocol StaticSize { static var value: Int { get } }
enum One: StaticSize { static var value: Int { 1 } }
enum Two: StaticSize { static var value: Int { 2 } }

/// The inner loop. Every vector it touches lives in one workspace allocated here, of constant
/// size when the dimension is fixed, so after inlining the compiler sees plain local memory that
/// nothing else aliases and keeps it in registers, as it would a C loop's local arrays.
@inline(__always)
func iterate<
  K: LandscapeKernel, D: LoopDimension, O: Optimizer, Rates: LearningRateCursor, Clipping: GradientClipper,
  Observer: TrajectoryObserver, Source: GradientSource
>(
  kernel: K, dimension: D, optimizer: O, rates: Rates, clipping: Clipping, start: UnsafePointer<Double>,
  target sharedTarget: UnsafePointer<Double>, eigenvectors: UnsafePointer<Double>?, referenceValue: Double,
  settings: RunSettings, observer: inout Observer, gradientSource: Source
) -> LoopSummary {
  let n = dimension.value
  let classifierCount = RegimeClassifier.storageCount(dimension: n)
  let capacity = n * (5 + O.maximumStateVectorCount) + classifierCount
  return withUnsafeTemporaryAllocation(of: Double.self, capacity: capacity) { workspace in
    let x = workspace.baseAddress!
    let gradient = x + n
    let error = x + 2 * n
    let target = x + 3 * n
    let difference = x + 4 * n
    let classifierStorage = x + 5 * n
    let state = classifierStorage + classifierCount
    x.initialize(repeating: 0, count: capacity)
    for i in 0..<n {
      x[i] = start[i]
      target[i] = sharedTarget[i]
    }

    var optimizer = optimizer
    optimizer.initializeState(state, dimension: n)
    var cursor = rates
    let steps = settings.steps
    let noiseWindow = max(1, (steps + 9) / 10)
    let noiseStart = steps - noiseWindow

    @inline(__always) func measureError() {
      if let eigenvectors {
        for i in 0..<n { difference[i] = x[i] - target[i] }
        for column in 0..<n {
          var sum = 0.0
          for row in 0..<n { sum += eigenvectors[row * n + column] * difference[row] }
          error[column] = sum
        }
      } else {
        for i in 0..<n { error[i] = x[i] - target[i] }
      }
    }

    measureError()
    var classifier = RegimeClassifier(
      initialError: error, dimension: n, tolerance: settings.tolerance, divergenceBound: settings.divergenceBound,
      totalSteps: steps, storage: classifierStorage)
    var loss = 0.0
    var initialLoss = 0.0
    var gradientSquares = 0.0
    var gapSum = 0.0
    var step = 0
    while true {
      classifier.observe(step: step, error: error, dimension: n)
      loss = kernel.evaluate(x, gradient: gradient, dimension: n)
      // Marked unlikely so they stay branches: as selects, the sums would chain every step.
      if _slowPath(step == 0) { initialLoss = loss }
      if _slowPath(step > noiseStart) { gapSum += loss - referenceValue }
      gradientSquares = 0
      for i in 0..<n { gradientSquares += gradient[i] * gradient[i] }
      // The square root is taken only where a norm is consumed (a no-op observer drops it).
      observer.record(
        step: step, point: UnsafeBufferPointer(start: x, count: n), loss: loss,
        gradientNorm: gradientSquares.squareRoot(), learningRate: cursor.rate)
      if step == steps || classifier.hasDiverged {
        classifier.finish(step: step, error: error, dimension: n)
        break
      }
      // Stochastic gradients (noise, mini-batches): the optimizer sees a sampled gradient; the loss and
      // gradient norm recorded above stay the true ones. A no-op for exact runs.
      gradientSource.apply(gradient: gradient, point: x, step: step, dimension: n)
      // Gradient clipping (torch's clip_grad_norm_ / clip_grad_value_): after any gradient noise,
      // before the optimizer step (so before weight decay).
      clipping.apply(to: gradient, dimension: n)
      if let momentum = cursor.momentum { optimizer.setCycledMomentum(momentum) }  // OneCycleLR
      optimizer.step(parameters: x, gradient: gradient, state: state, dimension: n, learningRate: cursor.rate)
      cursor.advance()
      step += 1
      measureError()
    }
    let classification = classifier.classify()
    return LoopSummary(
      classification: classification, finalPoint: Array(UnsafeBufferPointer(start: x, count: n)), finalLoss: loss,
      initialLoss: initialLoss, finalGradientNorm: gradientSquares.squareRoot(),
      noiseFloor: classification.stepsTaken == steps ? gapSum / Double(noiseWindow) : nil)
  }
}

extension Optional where Wrapped == [Double] {
  /// Calls `body` with a pointer to the array's elements, or nil when there is no array.
  func withUnsafeOptionalBuffer<Result>(_ body: (UnsafePointer<Double>?) throws -> Result) rethrows -> Result {
    guard let array = self else { return try body(nil) }
    return try array.withUnsafeBufferPointer { try body($0.baseAddress) }
  }
}
