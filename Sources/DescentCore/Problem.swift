/// A landscape chosen at run time; `Engine` switches on it once per run, outside the loop.
public enum AnyLandscape: Sendable, Hashable {
  case quadratic(Quadratic)
  case rosenbrock(Rosenbrock)
  case beale(Beale)
  case himmelblau(Himmelblau)
  case booth(Booth)
  case matyas(Matyas)
  case threeHumpCamel(ThreeHumpCamel)
  case sixHumpCamel(SixHumpCamel)
  case rastrigin(Rastrigin)
  case ackley(Ackley)
  case styblinskiTang(StyblinskiTang)
  case goldsteinPrice(GoldsteinPrice)
  case saddle(Saddle)
  case monkeySaddle(MonkeySaddle)
  case expression(ExpressionLandscape)
  /// Generated when a run starts (and by `landscape`), so instances stay small.
  case leastSquares(LeastSquaresOptions)

  /// The landscape as an existential, for code outside hot loops.
  public var landscape: any Landscape {
    switch self {
    case .quadratic(let quadratic): quadratic
    case .rosenbrock(let landscape): landscape
    case .beale(let landscape): landscape
    case .himmelblau(let landscape): landscape
    case .booth(let landscape): landscape
    case .matyas(let landscape): landscape
    case .threeHumpCamel(let landscape): landscape
    case .sixHumpCamel(let landscape): landscape
    case .rastrigin(let landscape): landscape
    case .ackley(let landscape): landscape
    case .styblinskiTang(let landscape): landscape
    case .goldsteinPrice(let landscape): landscape
    case .saddle(let landscape): landscape
    case .monkeySaddle(let landscape): landscape
    case .expression(let landscape): landscape
    case .leastSquares(let options): options.makeLandscape()
    }
  }

  public var dimension: Int {
    if case .leastSquares(let options) = self { return options.features }
    return landscape.dimension
  }

  /// Whether the landscape is a quadratic (theory is exact) rather than linearized at x*.
  public var isQuadratic: Bool {
    switch self {
    case .quadratic, .booth, .matyas, .saddle, .leastSquares: true
    case .rosenbrock, .beale, .himmelblau, .threeHumpCamel, .sixHumpCamel, .rastrigin, .ackley, .styblinskiTang,
      .goldsteinPrice, .monkeySaddle, .expression:
      false
    }
  }
}

/// An optimizer chosen at run time; `Engine` switches on it once per run, outside the loop.
public enum AnyOptimizer: Sendable, Hashable {
  case sgd(SGD)
  /// Adam and AdamW (Adam with decoupled weight decay).
  case adam(Adam)
  case adagrad(Adagrad)
  case rmsprop(RMSprop)
  case adadelta(Adadelta)
  case adamax(Adamax)
  case nadam(NAdam)
  case radam(RAdam)
  case lion(Lion)

  /// The option OneCycleLR's `cycle_momentum` overwrites (`momentum` or `betas`), nil when the
  /// optimizer has neither.
  public var cycledMomentumOption: String? {
    switch self {
    case .sgd: SGD.cycledMomentumOption
    case .adam: Adam.cycledMomentumOption
    case .adagrad: Adagrad.cycledMomentumOption
    case .rmsprop: RMSprop.cycledMomentumOption
    case .adadelta: Adadelta.cycledMomentumOption
    case .adamax: Adamax.cycledMomentumOption
    case .nadam: NAdam.cycledMomentumOption
    case .radam: RAdam.cycledMomentumOption
    case .lion: Lion.cycledMomentumOption
    }
  }
}

/// One fully specified run: landscape, start, optimizer, schedule and settings.
public struct Problem: Sendable, Hashable {
  public var landscape: AnyLandscape
  public var start: [Double]
  public var optimizer: AnyOptimizer
  public var schedule: LearningRateSchedule
  /// Applied to every gradient before the optimizer step; nil for none.
  public var clipping: GradientClipping?
  public var settings: RunSettings
  /// x* when the config names it (`minimum:`); otherwise the landscape's own.
  public var givenMinimum: [Double]?
  /// The seed every random choice of the run derives from (the instance's seed, itself derived
  /// from the suite seed and the instance id), so results never depend on threads or order.
  public var seed: UInt64
  /// Noise and mini-batches in the gradient the optimizer sees (`.exact`: none).
  public var stochasticGradient: StochasticGradient

  public init(
    landscape: AnyLandscape, start: [Double], optimizer: AnyOptimizer, schedule: LearningRateSchedule,
    clipping: GradientClipping? = nil, settings: RunSettings = RunSettings(), givenMinimum: [Double]? = nil,
    seed: UInt64 = 0, stochasticGradient: StochasticGradient = .exact
  ) {
    self.landscape = landscape
    self.start = start
    self.optimizer = optimizer
    self.schedule = schedule
    self.clipping = clipping
    self.settings = settings
    self.givenMinimum = givenMinimum
    self.seed = seed
    self.stochasticGradient = stochasticGradient
  }
}

/// Why a problem could not run.
public enum EngineError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The landscape knows no minimizer or critical point, none was given, and Newton's method
  /// found none from where the run ended or from its start.
  case noReferencePoint
  /// Mini-batches were asked of a landscape that is not made of samples, or are larger than it.
  case invalidBatchSize(String)

  public var description: String {
    switch self {
    case .noReferencePoint:
      "the landscape knows no minimizer and Newton's method found no critical point from the run's end or start; give x* with 'minimum:'"
    case .invalidBatchSize(let message): message
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
    case .rosenbrock(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .beale(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .himmelblau(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .booth(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .matyas(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .threeHumpCamel(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .sixHumpCamel(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .rastrigin(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .ackley(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .styblinskiTang(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .goldsteinPrice(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .saddle(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .monkeySaddle(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .expression(let landscape): return try run(problem, on: landscape, observer: &observer)
    case .leastSquares(let options):
      let landscape = options.makeLandscape()
      return try run(problem, on: landscape, samples: landscape, observer: &observer)
    }
  }

  /// Runs `problem` without keeping its trajectory.
  public static func run(_ problem: Problem) throws(EngineError) -> RunOutcome {
    var observer = NoTrajectoryObserver()
    return try run(problem, observer: &observer)
  }

  /// Runs `problem` on `landscape` in place of `problem.landscape`: for landscapes that are not
  /// cases of `AnyLandscape`, such as the reference landscapes of the tests. `samples` is the
  /// landscape again when it is made of samples (mini-batches draw from it).
  public static func run<L: Landscape, Observer: TrajectoryObserver>(
    _ problem: Problem, on landscape: L, samples: LeastSquares? = nil, observer: inout Observer
  ) throws(EngineError) -> RunOutcome {
    let perturbation = try GradientPerturbation(problem, samples: samples)
    let candidates = landscape.minimizers.count + landscape.otherCriticalPoints.count
    var finalPoint = problem.start
    if problem.givenMinimum == nil && candidates != 1 {
      // Several candidates, or none: a first pass finds where the run ends, so x* is the one it
      // approaches, or the critical point Newton's method finds from there.
      var unobserved = NoTrajectoryObserver()
      let provisional = ReferencePoint(landscape: landscape, point: problem.start, source: .given)
      finalPoint =
        run(problem, on: landscape, reference: provisional, perturbation: perturbation, observer: &unobserved)
        .finalPoint
    }
    guard
      let reference = ReferencePoint.choose(for: landscape, given: problem.givenMinimum, finalPoint: finalPoint)
        ?? ReferencePoint.estimate(for: landscape, finalPoint: finalPoint, start: problem.start)
    else {
      throw .noReferencePoint
    }
    return run(problem, on: landscape, reference: reference, perturbation: perturbation, observer: &observer)
  }

  private static func run<L: Landscape, Observer: TrajectoryObserver>(
    _ problem: Problem, on landscape: L, reference: ReferencePoint, perturbation: GradientPerturbation,
    observer: inout Observer
  ) -> RunOutcome {
    switch problem.optimizer {
    case .sgd(let sgd): return run(problem, on: landscape, with: sgd, reference, perturbation, &observer)
    case .adam(let adam): return run(problem, on: landscape, with: adam, reference, perturbation, &observer)
    case .adagrad(let adagrad): return run(problem, on: landscape, with: adagrad, reference, perturbation, &observer)
    case .rmsprop(let rmsprop): return run(problem, on: landscape, with: rmsprop, reference, perturbation, &observer)
    case .adadelta(let adadelta):
      return run(problem, on: landscape, with: adadelta, reference, perturbation, &observer)
    case .adamax(let adamax): return run(problem, on: landscape, with: adamax, reference, perturbation, &observer)
    case .nadam(let nadam): return run(problem, on: landscape, with: nadam, reference, perturbation, &observer)
    case .radam(let radam): return run(problem, on: landscape, with: radam, reference, perturbation, &observer)
    case .lion(let lion): return run(problem, on: landscape, with: lion, reference, perturbation, &observer)
    }
  }

  private static func run<L: Landscape, O: Optimizer, Observer: TrajectoryObserver>(
    _ problem: Problem, on landscape: L, with optimizer: O, _ reference: ReferencePoint,
    _ perturbation: GradientPerturbation, _ observer: inout Observer
  ) -> RunOutcome {
    descend(
      landscape: landscape, optimizer: optimizer, schedule: problem.schedule, clipping: problem.clipping,
      start: problem.start, reference: reference, settings: problem.settings, observer: &observer,
      perturbation: perturbation)
  }
}
