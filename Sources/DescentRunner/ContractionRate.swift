import DescentCore

/// The measured contraction rate of a run: how much ‖x_k − x*‖ shrinks per step on the approach.
///
/// With K the step from which the run stays within tolerance (or its last step when it does not
/// converge), the rate is (E(K)/E(⌊K/2⌋))^(1/(K − ⌊K/2⌋)), where E(k) is the largest error over
/// the w steps up to k, w = max(1, (K − ⌊K/2⌋)/4). Using the second half skips the transient;
/// the window maximum follows the envelope of oscillating (underdamped) errors. For a single
/// gradient-descent mode e_k = e₀·(1 − ηλ)^k it is exactly |1 − ηλ|.
public enum ContractionRate {
  /// The rate of `problem`'s run, re-run with a recorder of error norms, or nil when the run is too
  /// short to measure (K < 2) or could not run.
  public static func measure(_ problem: Problem, outcome: RunOutcome) -> Double? {
    let classification = outcome.classification
    let end = classification.stepsToTolerance ?? classification.stepsTaken
    let start = end / 2
    guard end - start >= 1, end >= 2 else { return nil }
    var history = ErrorHistory(reference: outcome.reference.point, lastStep: end)
    guard (try? Engine.run(problem, observer: &history)) != nil else { return nil }
    let window = max(1, (end - start) / 4)
    guard let late = history.envelope(at: end, window: window), let early = history.envelope(at: start, window: window),
      early > 0
    else { return nil }
    return Elementary.pow(late / early, 1 / Double(end - start))
  }
}

/// Records ‖x_k − x*‖ for k ≤ `lastStep`, keeping at most 65,536 entries by doubling its stride
/// (so memory stays bounded however long the run).
struct ErrorHistory: TrajectoryObserver {
  let reference: [Double]
  let lastStep: Int
  private(set) var steps: [Int] = []
  private(set) var norms: [Double] = []
  private var stride = 1
  private static let capacity = 65_536

  init(reference: [Double], lastStep: Int) {
    self.reference = reference
    self.lastStep = lastStep
  }

  mutating func record(
    step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double
  ) {
    guard step <= lastStep, step % stride == 0 else { return }
    var squares = 0.0
    for (x, target) in zip(point, reference) { squares += (x - target) * (x - target) }
    steps.append(step)
    norms.append(squares.squareRoot())
    if steps.count == Self.capacity {
      stride *= 2
      let kept = steps.indices.filter { steps[$0] % stride == 0 }
      steps = kept.map { steps[$0] }
      norms = kept.map { norms[$0] }
    }
  }

  /// The largest recorded error at steps in [step − window, step].
  func envelope(at step: Int, window: Int) -> Double? {
    let values = steps.indices.filter { steps[$0] <= step && steps[$0] >= step - window }.map { norms[$0] }
    return values.max()
  }
}
