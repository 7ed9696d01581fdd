/// A landscape chosen at run time; `Engine` switches on it once per run, outside the loop.
public enum AnyLandscape: Sendable, Hashable {
  case quadratic(Quadratic)

  /// The landscape as an existential, for code outside hot loops.
  public var landscape: any Landscape {
    switch self {
    case .quadratic(let quadratic): quadratic
    }
  }

  public var dimension: Int { landscape.dimension }

  /// Whether the landscape is a quadratic (theory is exact) rather than linearized at x*.
  public var isQuadratic: Bool {
    switch self {
    case .quadratic: true
    }
  }
}

/// An optimizer chosen at run time; `Engine` switches on it once per run, outside the loop.
public enum AnyOptimizer: Sendable, Hashable {
  case sgd(SGD)
}

/// One fully specified run: landscape, start, optimizer, schedule and settings.
public struct Problem: Sendable, Hashable {
  public var landscape: AnyLandscape
  public var start: [Double]
  public var optimizer: AnyOptimizer
  public var schedule: LearningRateSchedule
  public var settings: RunSettings
  /// x* when the config names it (`minimum:`); otherwise the landscape's own.
  public var givenMinimum: [Double]?
  /// The seed every random choice of the run derives from (the instance's seed, itself derived
  /// from the suite seed and the instance id), so results never depend on threads or order.
  public var seed: UInt64

  public init(
    landscape: AnyLandscape, start: [Double], optimizer: AnyOptimizer, schedule: LearningRateSchedule,
    settings: RunSettings = RunSettings(), givenMinimum: [Double]? = nil, seed: UInt64 = 0
  ) {
    self.landscape = landscape
    self.start = start
    self.optimizer = optimizer
    self.schedule = schedule
    self.settings = settings
    self.givenMinimum = givenMinimum
    self.seed = seed
  }
}

/// Why a problem could not run.
public enum EngineError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The landscape has no minimizer or critical point to measure errors against, and none was given.
  case noReferencePoint

  public var description: String {
    switch self {
    case .noReferencePoint:
      "the landscape has no known minimizer or critical point; give one with 'minimum:'"
    }
  }
}

/// Runs problems: one `switch` on the landscape and one on the optimizer pick a specialized loop.
public enum Engine {
  /// Runs `problem`, reporting every iterate to `observer`.
  public static func run<Observer: TrajectoryObserver>(_ problem: Problem, observer: inout Observer) throws(EngineError)
    -> RunOutcome
  {
    switch problem.landscape {
    case .quadratic(let quadratic): return try run(problem, on: quadratic, observer: &observer)
    }
  }

  /// Runs `problem` without keeping its trajectory.
  public static func run(_ problem: Problem) throws(EngineError) -> RunOutcome {
    var observer = NoTrajectoryObserver()
    return try run(problem, observer: &observer)
  }

  private static func run<L: Landscape, Observer: TrajectoryObserver>(
    _ problem: Problem, on landscape: L, observer: inout Observer
  ) throws(EngineError) -> RunOutcome {
    let candidates = landscape.minimizers.count + landscape.otherCriticalPoints.count
    var finalPoint = problem.start
    if problem.givenMinimum == nil && candidates > 1 {
      // Several candidates: a first pass finds where the run ends, so x* is the one it approaches.
      var unobserved = NoTrajectoryObserver()
      let provisional = ReferencePoint(landscape: landscape, point: problem.start, source: .given)
      finalPoint = run(problem, on: landscape, reference: provisional, observer: &unobserved).finalPoint
    }
    guard let reference = ReferencePoint.choose(for: landscape, given: problem.givenMinimum, finalPoint: finalPoint)
    else {
      throw .noReferencePoint
    }
    return run(problem, on: landscape, reference: reference, observer: &observer)
  }

  private static func run<L: Landscape, Observer: TrajectoryObserver>(
    _ problem: Problem, on landscape: L, reference: ReferencePoint, observer: inout Observer
  ) -> RunOutcome {
    switch problem.optimizer {
    case .sgd(let sgd):
      return descend(
        landscape: landscape, optimizer: sgd, schedule: problem.schedule, start: problem.start,
        reference: reference, settings: problem.settings, observer: &observer)
    }
  }
}
