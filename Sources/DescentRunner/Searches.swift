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
  /// lrs whose runs diverge or stop contracting (an eigen-component larger at the end than at
  /// mid-run), to 1e-12 relative. Geometric halving while the bracket spans more than a factor 2,
  /// then arithmetic. The bracket must have a stable lower end and an unstable upper end.
  ///
  /// The test is sharp once transients have died out by mid-run, so give the scenario enough
  /// `steps` (a few hundred for well-conditioned problems).
  public static func criticalLearningRate(_ problem: Problem, between lower: Double, and upper: Double) -> SearchOutcome
  {
    var evaluations = 0
    func unstable(_ lr: Double) -> Bool? {
      evaluations += 1
      guard let outcome = try? Engine.run(problem.with(learningRate: lr)) else { return nil }
      return outcome.classification.regime == .divergent || outcome.classification.hasGrowingComponent
    }
    func failed(_ reason: String) -> SearchOutcome {
      SearchOutcome(kind: .criticalLearningRate, value: nil, evaluations: evaluations, failure: reason)
    }
    guard let lowUnstable = unstable(lower), let highUnstable = unstable(upper) else {
      return failed("the problem could not run")
    }
    if lowUnstable {
      return failed("the bracket's lower end lr=\(NumberText.shortest(lower)) is already unstable")
    }
    if !highUnstable {
      return failed("the bracket's upper end lr=\(NumberText.shortest(upper)) is still stable")
    }
    var (low, high) = (lower, upper)
    while high - low > 1e-12 * high && evaluations < 400 {
      let middle = high > 2 * low ? (low * high).squareRoot() : low + (high - low) / 2
      guard middle > low, middle < high else { break }
      guard let isUnstable = unstable(middle) else { return failed("the problem could not run") }
      if isUnstable { high = middle } else { low = middle }
    }
    return SearchOutcome(
      kind: .criticalLearningRate, value: low + (high - low) / 2, evaluations: evaluations, failure: nil)
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
