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
    spectrum = SymmetricEigendecomposition(landscape.hessian(at: point))
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
  mutating func record(step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double)
}

/// An observer that keeps nothing (the loop specializes it away).
public struct NoTrajectoryObserver: TrajectoryObserver {
  public init() {}
  public func record(step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double) {}
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

  public mutating func record(step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double) {
    rows.append(Row(step: step, point: Array(point), loss: loss, gradientNorm: gradientNorm, learningRate: learningRate))
  }
}

/// Runs `optimizer` on `landscape` from `start` for `settings.steps` steps (stopping early only on
/// divergence), classifying the trajectory against `reference` as it goes.
///
/// The loop is generic so each landscape/optimizer/observer combination is specialized: no
/// existential or dictionary lookup per step, and no allocation inside the loop.
/// - Complexity: O(steps · cost of one gradient), plus O(n²) per step for rotated eigenbases.
public func descend<L: Landscape, O: Optimizer, Observer: TrajectoryObserver>(
  landscape: L, optimizer: O, schedule: LearningRateSchedule, start: [Double],
  reference: ReferencePoint, settings: RunSettings, observer: inout Observer
) -> RunOutcome {
  let n = landscape.dimension
  precondition(start.count == n, "start has \(start.count) coordinates, landscape has \(n)")
  var optimizer = optimizer
  var cursor = schedule.makeCursor(totalSteps: settings.steps)
  let steps = settings.steps
  let noiseWindow = max(1, (steps + 9) / 10)
  let spectrum = reference.spectrum
  let eigenvectors = spectrum.eigenvectors
  var classifier = RegimeClassifier(
    initialError: spectrum.coordinates(of: zip(start, reference.point).map { $0 - $1 }),
    tolerance: settings.tolerance, divergenceBound: settings.divergenceBound, totalSteps: steps)

  let workspace = UnsafeMutablePointer<Double>.allocate(capacity: n * (3 + optimizer.stateVectorCount))
  defer { workspace.deallocate() }
  workspace.initialize(repeating: 0, count: n * (3 + optimizer.stateVectorCount))
  let x = workspace
  let gradient = workspace + n
  let error = workspace + 2 * n
  let state = workspace + 3 * n
  for i in 0..<n { x[i] = start[i] }

  var loss = 0.0
  var initialLoss = 0.0
  var gradientNorm = 0.0
  var gapSum = 0.0
  reference.point.withUnsafeBufferPointer { target in
    var step = 0
    while true {
      if let eigenvectors {
        eigenvectors.withUnsafeBufferPointer { q in
          for column in 0..<n {
            var sum = 0.0
            for row in 0..<n { sum += q[row * n + column] * (x[row] - target[row]) }
            error[column] = sum
          }
        }
      } else {
        for i in 0..<n { error[i] = x[i] - target[i] }
      }
      classifier.observe(step: step, error: UnsafeBufferPointer(start: error, count: n))

      loss = landscape.evaluate(x, gradient: gradient)
      if step == 0 { initialLoss = loss }
      if step > steps - noiseWindow { gapSum += loss - reference.value }
      var squares = 0.0
      for i in 0..<n { squares += gradient[i] * gradient[i] }
      gradientNorm = squares.squareRoot()
      observer.record(
        step: step, point: UnsafeBufferPointer(start: x, count: n), loss: loss,
        gradientNorm: gradientNorm, learningRate: cursor.rate)
      if step == steps || classifier.hasDiverged { break }

      optimizer.step(parameters: x, gradient: gradient, state: state, dimension: n, learningRate: cursor.rate)
      cursor.advance()
      step += 1
    }
  }
  let classification = classifier.classify()
  return RunOutcome(
    classification: classification, reference: reference,
    finalPoint: Array(UnsafeBufferPointer(start: x, count: n)), finalLoss: loss,
    finalGradientNorm: gradientNorm, initialLoss: initialLoss,
    noiseFloor: classification.stepsTaken == steps ? gapSum / Double(noiseWindow) : nil)
}
