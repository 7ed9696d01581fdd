import DescentConfig
import DescentCore

/// The result of one lr search.
public struct SearchOutcome: Sendable, Hashable {
  public var kind: SearchKind
  /// The lr found, or nil when the search failed (`failure` says why).
  public var value: Double?
  /// How many runs the search took.
  public var evaluations: Int
  public var failure: String?
}

/// Searches over the learning rate (`find:`). Each evaluation is a full run of the instance's
/// problem with a constant lr, so a search is as deterministic as a run.
public enum Searches {
  public static func run(_ spec: SearchSpec, problem: Problem) -> SearchOutcome {
    switch spec.kind {
    case .criticalLearningRate: criticalLearningRate(problem, between: spec.lower, and: spec.upper)
    case .bestLearningRate: bestLearningRate(problem, between: spec.lower, and: spec.upper)
    }
  }

  /// The divergence threshold by bisection: the boundary between lrs whose runs contract and
  /// lrs whose runs diverge or stop contracting, to 1e-12 relative. Geometric halving while the
  /// bracket spans more than a factor 2, then arithmetic. The bracket must have a stable lower end
  /// and an unstable upper end.
  ///
  /// A run is unstable when it diverges, or when some eigen-component of its steps x_k − x_{k−1}
  /// (in the eigenbasis at the x* of a run at the bracket's lower end) peaks no lower over the
  /// last quarter of the run than over the second: peaks, not values, so a decaying component
  /// whose oscillation happens to be near a crest at the end (momentum's rotating modes) is not
  /// taken for a growing one; steps, not errors, so a run that settles anywhere is stable and a
  /// bounded 2-cycle away from x* is not. A search is not bound to the scenario's `steps`: it bisects with runs of
  /// `steps` (at least 100), then again with runs twice as long, until two answers agree to 1e-10
  /// (transients and slow rotations die out in longer runs) or the runs reach 2¹⁶ steps (or
  /// `steps`, if more).
  public static func criticalLearningRate(_ problem: Problem, between lower: Double, and upper: Double) -> SearchOutcome
  {
    var evaluations = 0
    func failed(_ reason: String) -> SearchOutcome {
      SearchOutcome(kind: .criticalLearningRate, value: nil, evaluations: evaluations, failure: reason)
    }
    evaluations += 1
    guard let anchor = try? Engine.run(problem.with(learningRate: lower)) else {
      return failed("the problem could not run")
    }
    var pinned = problem
    pinned.givenMinimum = anchor.reference.point
    let firstHorizon = max(problem.settings.steps, 100)
    let lastHorizon = max(firstHorizon, 1 << 16)

    /// One bisection with runs of `horizon` steps: the threshold, or why the bracket is wrong.
    func bisect(horizon: Int) -> Result<Double, SearchFailure> {
      var settings = pinned.settings
      settings.steps = horizon
      func unstable(_ lr: Double) -> Bool? {
        evaluations += 1
        var run = pinned.with(learningRate: lr)
        run.settings = settings
        var peaks = ComponentPeaks(reference: anchor.reference, horizon: horizon)
        guard let outcome = try? Engine.run(run, observer: &peaks) else { return nil }
        return outcome.classification.regime == .divergent || peaks.isGrowing
      }
      guard let lowUnstable = unstable(lower), let highUnstable = unstable(upper) else {
        return .failure(SearchFailure(message: "the problem could not run"))
      }
      if lowUnstable {
        return .failure(
          SearchFailure(message: "the bracket's lower end lr=\(NumberText.shortest(lower)) is already unstable"))
      }
      if !highUnstable {
        return .failure(
          SearchFailure(message: "the bracket's upper end lr=\(NumberText.shortest(upper)) is still stable"))
      }
      var (low, high) = (lower, upper)
      var rounds = 0
      while high - low > 1e-12 * high && rounds < 400 {
        rounds += 1
        let middle = high > 2 * low ? (low * high).squareRoot() : low + (high - low) / 2
        guard middle > low, middle < high else { break }
        guard let isUnstable = unstable(middle) else {
          return .failure(SearchFailure(message: "the problem could not run"))
        }
        if isUnstable { high = middle } else { low = middle }
      }
      return .success(low + (high - low) / 2)
    }

    var horizon = firstHorizon
    var previous: Double?
    while true {
      switch bisect(horizon: horizon) {
      case .success(let value):
        if let previous, abs(value - previous) <= 1e-10 * value {
          return SearchOutcome(kind: .criticalLearningRate, value: value, evaluations: evaluations, failure: nil)
        }
        previous = value
        if horizon >= lastHorizon {
          return SearchOutcome(kind: .criticalLearningRate, value: value, evaluations: evaluations, failure: nil)
        }
      case .failure(let failure):
        // A longer run may settle what a short one could not (a slow rotation still rising);
        // a bracket that is wrong at every length is reported.
        if horizon >= lastHorizon { return failed(failure.message) }
      }
      horizon = min(2 * horizon, lastHorizon)
    }
  }

  private struct SearchFailure: Error {
    var message: String
  }

  /// The lr with the fewest steps to tolerance, by a refined grid: 33 log-spaced lrs over the
  /// bracket, then six rounds of 17 evenly spaced lrs between the neighbours of the best so far.
  /// Steps to tolerance are whole numbers, so the minimum is a plateau; the answer is the middle
  /// of the best plateau found in the last round.
  public static func bestLearningRate(_ problem: Problem, between lower: Double, and upper: Double) -> SearchOutcome {
    var evaluations = 0
    func steps(_ lr: Double) -> Int? {
      evaluations += 1
      return (try? Engine.run(problem.with(learningRate: lr)))?.classification.stepsToTolerance
    }
    var grid = (0..<33).map { lower * Elementary.pow(upper / lower, Double($0) / 32) }
    var bestIndex: Int?
    var best: Double?
    for round in 0...6 {
      if round > 0 {
        guard let index = bestIndex else { break }
        let left = grid[max(0, index - 1)]
        let right = grid[min(grid.count - 1, index + 1)]
        guard right > left else { break }
        grid = (0..<17).map { left + (right - left) * Double($0) / 16 }
      }
      let counts = grid.map(steps)
      guard let fewest = counts.compactMap({ $0 }).min() else {
        if round == 0 {
          return SearchOutcome(
            kind: .bestLearningRate, value: nil, evaluations: evaluations,
            failure:
              "no lr in [\(NumberText.shortest(lower)), \(NumberText.shortest(upper))] reaches tolerance within the steps"
          )
        }
        break
      }
      // The middle of the first plateau of minimal steps.
      let first = counts.firstIndex { $0 == fewest }!
      var last = first
      while last + 1 < counts.count, counts[last + 1] == fewest { last += 1 }
      bestIndex = (first + last) / 2
      best = (grid[first] + grid[last]) / 2
    }
    return SearchOutcome(kind: .bestLearningRate, value: best, evaluations: evaluations, failure: nil)
  }
}

extension Problem {
  /// The same problem with a constant learning rate.
  func with(learningRate: Double) -> Problem {
    var copy = self
    copy.schedule = .constant(learningRate)
    return copy
  }
}

/// The peaks of the eigen-components of the run's steps, d_k = Qᵀ(x_k − x_{k−1}) in the eigenbasis
/// at the reference, over the second and the last quarter of a run of `horizon` steps. Steps, not
/// errors: they decay exactly when the run settles, wherever it settles (an x* given to a few
/// digits, a point off x*), and do not when it diverges or cycles (a 2-cycle's steps keep their
/// size while its error stays bounded).
struct ComponentPeaks: TrajectoryObserver {
  let spectrum: SymmetricEigendecomposition
  let secondQuarter: Range<Int>
  let lastQuarter: ClosedRange<Int>
  private(set) var earlier: [Double]
  private(set) var later: [Double]
  private var previous: [Double]
  private var difference: [Double]
  private var scale = 1.0

  init(reference: ReferencePoint, horizon: Int) {
    spectrum = reference.spectrum
    secondQuarter = (horizon / 4)..<(horizon / 2)
    lastQuarter = (3 * horizon / 4)...horizon
    earlier = [Double](repeating: 0, count: reference.point.count)
    later = earlier
    previous = earlier
    difference = earlier
  }

  mutating func record(
    step: Int, point: UnsafeBufferPointer<Double>, loss: Double, gradientNorm: Double, learningRate: Double
  ) {
    defer { for i in previous.indices { previous[i] = point[i] } }
    if step == 0 {
      scale = max(1, point.reduce(0) { $0 + $1 * $1 }.squareRoot())
      return
    }
    let inSecond = secondQuarter.contains(step)
    let inLast = lastQuarter.contains(step)
    guard inSecond || inLast else { return }
    let n = difference.count
    for i in 0..<n { difference[i] = point[i] - previous[i] }
    for j in 0..<n {
      var component = 0.0
      if let vectors = spectrum.eigenvectors {
        for row in 0..<n { component += vectors[row * n + j] * difference[row] }
      } else {
        component = difference[spectrum.axisOrder[j]]
      }
      // NaN compares false: a non-finite iterate makes the run divergent anyway.
      if inSecond { earlier[j] = max(earlier[j], abs(component)) }
      if inLast { later[j] = max(later[j], abs(component)) }
    }
  }

  /// Whether some component's steps peak no lower late than earlier (the run does not settle),
  /// above round-off: 1e-12 of max(1, ‖x₀‖), far above the last-bit jitter of a settled run.
  var isGrowing: Bool {
    zip(earlier, later).contains { $1 >= $0 && $1 > 1e-12 * scale }
  }
}
