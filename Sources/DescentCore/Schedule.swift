/// A learning-rate schedule: the lr used by optimizer step k, for k = 0 … steps − 1 (and, for
/// the last trajectory row, k = steps).
///
/// Torch's schedulers are mirrored in the recursive ("chainable") form their `step()` uses, so
/// rates agree with torch to the bit; nanoGPT's cosine is its closed-form `get_lr`.
public enum LearningRateSchedule: Sendable, Hashable {
  /// lr_k = lr.
  case constant(Double)
  /// torch `StepLR`.
  case step(StepSchedule)
  /// torch `ExponentialLR`.
  case exponential(ExponentialSchedule)
  /// nanoGPT's `get_lr`: linear warmup, cosine decay to `minimum`, then `minimum`.
  case cosine(CosineSchedule)
  /// torch `LinearLR`.
  case linear(LinearSchedule)
  /// torch `OneCycleLR`, which also cycles the optimizer's momentum or β₁.
  case oneCycle(OneCycleSchedule)

  /// A cursor that yields lr_0, lr_1, … in order; `totalSteps` is the run's `steps`, the default
  /// of the schedules' lengths (`decay_steps`, `total_steps`).
  public func makeCursor(totalSteps: Int) -> ScheduleCursor {
    ScheduleCursor(schedule: self, totalSteps: totalSteps)
  }

  /// lr_k computed by stepping a cursor (O(k); use a cursor for sequences).
  public func rate(atStep step: Int, totalSteps: Int) -> Double {
    var cursor = makeCursor(totalSteps: totalSteps)
    for _ in 0..<step { cursor.advance() }
    return cursor.rate
  }

  /// Whether the schedule overwrites the optimizer's momentum or β₁ every step (OneCycleLR with
  /// `cycle_momentum`).
  public var cyclesMomentum: Bool {
    if case .oneCycle(let schedule) = self { return schedule.cycleMomentum }
    return false
  }

  /// Why OneCycle's momentum cycling would give `optimizer` a momentum or β₁ its constructor
  /// refuses, naming the schedule option (`base_momentum` or `max_momentum`) at fault; nil when
  /// the schedule does not cycle momentum or both values are in range. The range is the one the
  /// optimizer checks for what the cycle overwrites: β₁ (`betas[0]`) in [0, 1) for the Adam
  /// family and Lion, `momentum` ≥ 0 for SGD and RMSprop. (torch's OneCycleLR checks neither:
  /// it would run Adam with β₁ = 1.5, which `betas: [1.5, 0.999]` is refused for.)
  public func cycledMomentumProblem(for optimizer: AnyOptimizer) -> OptionError? {
    guard case .oneCycle(let schedule) = self, schedule.cycleMomentum,
      let option = optimizer.cycledMomentumOption
    else { return nil }
    for (name, value) in [("max_momentum", schedule.maximumMomentum), ("base_momentum", schedule.baseMomentum)] {
      if option == "betas", !(value >= 0 && value < 1) {
        return OptionError(
          option: name,
          "'\(name)' must be in [0, 1) with this optimizer: with cycle_momentum it becomes beta1 (betas[0]), found \(NumberText.shortest(value))"
        )
      }
      if option == "momentum", !(value >= 0) {
        return OptionError(
          option: name,
          "'\(name)' must be at least 0: with cycle_momentum it becomes the optimizer's momentum, found \(NumberText.shortest(value))"
        )
      }
    }
    return nil
  }

  /// Why the schedule cannot drive a run of `steps` steps (torch would raise or divide by zero
  /// on the way), or nil when it can.
  public func problem(forSteps steps: Int) -> String? {
    switch self {
    case .constant, .step, .exponential, .linear: return nil
    case .cosine(let schedule):
      let decaySteps = schedule.decaySteps ?? steps
      guard decaySteps > schedule.warmupSteps else {
        let source =
          schedule.decaySteps == nil ? "decay_steps (the run's steps, \(steps))" : "decay_steps \(decaySteps)"
        return "schedule 'cosine': \(source) must exceed warmup_steps \(schedule.warmupSteps)"
      }
      return nil
    case .oneCycle(let schedule):
      let totalSteps = schedule.totalSteps ?? steps
      if totalSteps < steps {
        return
          "schedule 'onecycle': total_steps \(totalSteps) is less than the run's \(steps) steps (torch raises 'Tried to step \(totalSteps + 1) times')"
      }
      var start = 0.0
      for index in 0..<schedule.phaseCount {
        let end = schedule.phase(index, totalSteps: totalSteps).end
        if end == start {
          return
            "schedule 'onecycle': pct_start \(schedule.percentStart) with total_steps \(totalSteps) gives a phase of length 0 (torch divides by zero)"
        }
        start = end
      }
      return nil
    }
  }
}

/// torch `StepLR(step_size, gamma=0.1)`: lr_k = lr·γ^⌊k/step_size⌋, computed as torch does,
/// by multiplying the previous rate by γ at every multiple of `step_size`.
public struct StepSchedule: Sendable, Hashable {
  public var rate: Double
  public var stepSize: Int
  public var gamma: Double

  public init(rate: Double, stepSize: Int, gamma: Double = 0.1) {
    precondition(stepSize >= 1, "step_size must be at least 1")
    self.rate = rate
    self.stepSize = stepSize
    self.gamma = gamma
  }
}

/// torch `ExponentialLR(gamma)`: lr_k = lr·γ^k, computed as torch does, one multiplication by γ
/// per step.
public struct ExponentialSchedule: Sendable, Hashable {
  public var rate: Double
  public var gamma: Double

  public init(rate: Double, gamma: Double) {
    self.rate = rate
    self.gamma = gamma
  }
}

/// nanoGPT's `get_lr(it)` (train.py): with w = `warmupSteps` and D = `decaySteps`,
/// ```
/// k < w:      lr·(k + 1)/(w + 1)
/// k > D:      min_lr
/// otherwise:  min_lr + ½(1 + cos(π·(k − w)/(D − w)))·(lr − min_lr)
/// ```
public struct CosineSchedule: Sendable, Hashable {
  public var rate: Double
  public var minimum: Double
  public var warmupSteps: Int
  /// D; nil for the run's `steps`.
  public var decaySteps: Int?

  public init(rate: Double, minimum: Double = 0, warmupSteps: Int = 0, decaySteps: Int? = nil) {
    self.rate = rate
    self.minimum = minimum
    self.warmupSteps = warmupSteps
    self.decaySteps = decaySteps
  }

  /// lr_k, with D resolved (`decaySteps` or the run's steps); D must exceed w.
  public func rate(atStep k: Int, decaySteps: Int) -> Double {
    if k < warmupSteps { return rate * Double(k + 1) / Double(warmupSteps + 1) }
    if k > decaySteps { return minimum }
    let ratio = Double(k - warmupSteps) / Double(decaySteps - warmupSteps)
    let coefficient = 0.5 * (1.0 + Elementary.cos(Double.pi * ratio))
    return minimum + coefficient * (rate - minimum)
  }
}

/// torch `LinearLR(start_factor=1/3, end_factor=1, total_iters=5)`: lr_k = lr·(s + (e − s)·min(k, T)/T),
/// computed as torch does: lr_0 = lr·s, then for 1 ≤ k ≤ T
/// lr_k = lr_{k−1}·(1 + (e − s)/(T·s + (k − 1)(e − s))), constant after T.
public struct LinearSchedule: Sendable, Hashable {
  public var rate: Double
  public var startFactor: Double
  public var endFactor: Double
  public var totalIterations: Int

  public init(rate: Double, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalIterations: Int = 5) {
    self.rate = rate
    self.startFactor = startFactor
    self.endFactor = endFactor
    self.totalIterations = totalIterations
  }
}

/// torch `OneCycleLR`: from max_lr/div_factor up to max_lr over the first `pct_start` of the
/// run, then down to max_lr/(div_factor·final_div_factor); with `three_phase`, up, back down to
/// the initial lr, then to the minimum. With `cycle_momentum` the optimizer's momentum (or β₁)
/// moves the other way, from `max_momentum` to `base_momentum` and back.
///
/// Phase ends (torch's `end_step`): pct_start·T − 1 and T − 1 (three-phase: pct_start·T − 1,
/// 2·pct_start·T − 2, T − 1). Within a phase from step s to e, with p = (k − s)/(e − s):
/// cos: end + (start − end)/2·(cos(πp) + 1); linear: (end − start)·p + start.
public struct OneCycleSchedule: Sendable, Hashable {
  public enum Annealing: String, Sendable, Hashable, CaseIterable {
    case cos
    case linear
  }

  public var maximumRate: Double
  /// T; nil for the run's `steps`.
  public var totalSteps: Int?
  public var percentStart: Double
  public var annealing: Annealing
  public var cycleMomentum: Bool
  public var baseMomentum: Double
  public var maximumMomentum: Double
  public var divisionFactor: Double
  public var finalDivisionFactor: Double
  public var threePhase: Bool

  public init(
    maximumRate: Double, totalSteps: Int? = nil, percentStart: Double = 0.3, annealing: Annealing = .cos,
    cycleMomentum: Bool = true, baseMomentum: Double = 0.85, maximumMomentum: Double = 0.95,
    divisionFactor: Double = 25, finalDivisionFactor: Double = 1e4, threePhase: Bool = false
  ) {
    self.maximumRate = maximumRate
    self.totalSteps = totalSteps
    self.percentStart = percentStart
    self.annealing = annealing
    self.cycleMomentum = cycleMomentum
    self.baseMomentum = baseMomentum
    self.maximumMomentum = maximumMomentum
    self.divisionFactor = divisionFactor
    self.finalDivisionFactor = finalDivisionFactor
    self.threePhase = threePhase
  }

  /// The lr of the first step: max_lr/div_factor.
  public var initialRate: Double { maximumRate / divisionFactor }
  /// The lr at the end: initial lr/final_div_factor.
  public var minimumRate: Double { initialRate / finalDivisionFactor }

  /// Two phases, or three with `threePhase`.
  var phaseCount: Int { threePhase ? 3 : 2 }

  /// Phase `index` of a run of `totalSteps` steps: its last step (torch's `end_step`) and the
  /// lr and momentum it anneals between.
  func phase(_ index: Int, totalSteps: Int) -> (
    end: Double, startRate: Double, endRate: Double, startMomentum: Double, endMomentum: Double
  ) {
    let total = Double(totalSteps)
    switch (threePhase, index) {
    case (_, 0): return (percentStart * total - 1, initialRate, maximumRate, maximumMomentum, baseMomentum)
    case (false, _): return (total - 1, maximumRate, minimumRate, baseMomentum, maximumMomentum)
    case (true, 1): return (2 * percentStart * total - 2, maximumRate, initialRate, baseMomentum, maximumMomentum)
    case (true, _): return (total - 1, initialRate, minimumRate, maximumMomentum, maximumMomentum)
    }
  }

  /// lr_k and the momentum of step k (meaningful when `cycleMomentum`), as torch's `get_lr`
  /// computes them for `last_epoch` = k.
  public func values(atStep k: Int, totalSteps: Int) -> (rate: Double, momentum: Double) {
    let step = Double(k)
    var start = 0.0
    for index in 0..<phaseCount {
      let phase = phase(index, totalSteps: totalSteps)
      if step <= phase.end || index == phaseCount - 1 {
        let percent = (step - start) / (phase.end - start)
        return (
          anneal(phase.startRate, phase.endRate, percent), anneal(phase.startMomentum, phase.endMomentum, percent)
        )
      }
      start = phase.end
    }
    preconditionFailure("unreachable: the last phase always matches")
  }

  private func anneal(_ start: Double, _ end: Double, _ percent: Double) -> Double {
    switch annealing {
    case .cos:
      let cosine = Elementary.cos(Double.pi * percent) + 1
      return end + (start - end) / 2.0 * cosine
    case .linear:
      return (end - start) * percent + start
    }
  }
}

/// Steps through a schedule in order, keeping the state torch's recursive schedulers keep.
public struct ScheduleCursor: Sendable {
  public let schedule: LearningRateSchedule
  public let totalSteps: Int
  /// The step whose lr `rate` is.
  public private(set) var step = 0
  /// lr of the current step.
  public private(set) var rate: Double
  /// The momentum or β₁ OneCycleLR sets for the current step; nil when the schedule does not
  /// cycle momentum.
  public private(set) var momentum: Double?
  private let isConstant: Bool

  @inline(never)
  init(schedule: LearningRateSchedule, totalSteps: Int) {
    self.schedule = schedule
    self.totalSteps = totalSteps
    if case .constant = schedule { isConstant = true } else { isConstant = false }
    switch schedule {
    case .constant(let rate): self.rate = rate
    case .step(let schedule): rate = schedule.rate
    case .exponential(let schedule): rate = schedule.rate
    case .cosine(let schedule): rate = schedule.rate(atStep: 0, decaySteps: schedule.decaySteps ?? totalSteps)
    case .linear(let schedule): rate = schedule.rate * schedule.startFactor
    case .oneCycle(let schedule):
      let values = schedule.values(atStep: 0, totalSteps: schedule.totalSteps ?? totalSteps)
      rate = values.rate
      if schedule.cycleMomentum { momentum = values.momentum }
    }
  }

  /// Moves to the next step.
  @inline(__always)
  public mutating func advance() {
    step += 1
    // A constant lr costs the loop nothing beyond this test.
    if isConstant { return }
    (rate, momentum) = Self.values(of: schedule, atStep: step, previousRate: rate, totalSteps: totalSteps)
  }

  /// lr_k and the cycled momentum of step k ≥ 1, given lr_{k−1} (torch's recursive forms).
  @inline(never)
  private static func values(
    of schedule: LearningRateSchedule, atStep step: Int, previousRate rate: Double, totalSteps: Int
  ) -> (rate: Double, momentum: Double?) {
    switch schedule {
    case .constant: return (rate, nil)
    case .step(let schedule):
      return (step % schedule.stepSize == 0 ? rate * schedule.gamma : rate, nil)
    case .exponential(let schedule):
      return (rate * schedule.gamma, nil)
    case .cosine(let schedule):
      return (schedule.rate(atStep: step, decaySteps: schedule.decaySteps ?? totalSteps), nil)
    case .linear(let schedule):
      guard step <= schedule.totalIterations else { return (rate, nil) }
      let slope = schedule.endFactor - schedule.startFactor
      return (
        rate * (1.0 + slope / (Double(schedule.totalIterations) * schedule.startFactor + Double(step - 1) * slope)), nil
      )
    case .oneCycle(let schedule):
      let values = schedule.values(atStep: step, totalSteps: schedule.totalSteps ?? totalSteps)
      return (values.rate, schedule.cycleMomentum ? values.momentum : nil)
    }
  }
}

/// What the run loop reads from a schedule: the lr (and OneCycle's momentum) of the current step,
/// and the move to the next. A constant lr has its own conforming type, so its loop carries no
/// schedule code at all.
public protocol LearningRateCursor {
  /// lr of the current step.
  var rate: Double { get }
  /// The momentum or β₁ to set before the current step, or nil.
  var momentum: Double? { get }
  /// Moves to the next step.
  mutating func advance()
}

extension ScheduleCursor: LearningRateCursor {}

/// The cursor of a constant lr.
public struct ConstantRate: LearningRateCursor {
  public let rate: Double

  public init(rate: Double) { self.rate = rate }

  @inline(__always) public var momentum: Double? { nil }
  @inline(__always) public func advance() {}
}
