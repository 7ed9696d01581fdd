/// A named learning-rate schedule: its options with torch's (or nanoGPT's) meaning and
/// defaults, and how to build it.
public struct ScheduleDescription: Sendable {
  public let name: String
  public let summary: String
  public let options: [OptionDeclaration]
  /// Builds the schedule from option values (defaults filled in), validating them.
  public let build: @Sendable (OptionValues) throws(OptionError) -> LearningRateSchedule
}

/// Every schedule `lr: {schedule: name, ...}` can name (SPEC §1, "Optimizers").
public enum ScheduleCatalog {
  public static let schedules: [ScheduleDescription] = [
    ScheduleDescription(
      name: "constant", summary: "lr_k = lr", options: [rate],
      build: { options throws(OptionError) in .constant(try requiredRate(options, "constant")) }),
    ScheduleDescription(
      name: "step", summary: "torch StepLR: lr·gamma^⌊k/step_size⌋",
      options: [
        rate, .init("step_size", .number, default: nil, "steps between decays (required)"),
        .init("gamma", .number, default: .number(0.1), "decay factor"),
      ],
      build: { options throws(OptionError) in
        let rate = try requiredRate(options, "step")
        guard let stepSize = options.optionalNumber("step_size") else {
          throw OptionError(option: nil, "schedule 'step' needs 'step_size'")
        }
        let size = try wholeNumber(stepSize, "step_size", atLeast: 1)
        return .step(StepSchedule(rate: rate, stepSize: size, gamma: try positive(options, "gamma")))
      }),
    ScheduleDescription(
      name: "exponential", summary: "torch ExponentialLR: lr·gamma^k",
      options: [rate, .init("gamma", .number, default: nil, "decay factor per step (required)")],
      build: { options throws(OptionError) in
        let rate = try requiredRate(options, "exponential")
        guard options.optionalNumber("gamma") != nil else {
          throw OptionError(option: nil, "schedule 'exponential' needs 'gamma'")
        }
        return .exponential(ExponentialSchedule(rate: rate, gamma: try positive(options, "gamma")))
      }),
    ScheduleDescription(
      name: "cosine",
      summary: "nanoGPT get_lr: linear warmup, cosine from lr to min_lr over decay_steps, then min_lr",
      options: [
        rate, .init("min_lr", .number, default: .number(0), "the lr after the decay"),
        .init("warmup_steps", .number, default: .number(0), "steps of linear warmup lr·(k + 1)/(warmup_steps + 1)"),
        .init("decay_steps", .number, default: nil, "the step where the decay ends (default: the run's steps)"),
      ],
      build: { options throws(OptionError) in
        let rate = try requiredRate(options, "cosine")
        let minimum = options.number("min_lr")
        guard minimum >= 0 else {
          throw OptionError(option: "min_lr", "'min_lr' must be at least 0, found \(NumberText.shortest(minimum))")
        }
        let warmup = try wholeNumber(options.number("warmup_steps"), "warmup_steps", atLeast: 0)
        let decay = try options.optionalNumber("decay_steps").map { value throws(OptionError) in
          try wholeNumber(value, "decay_steps", atLeast: 1)
        }
        if let decay, decay <= warmup {
          throw OptionError(option: "decay_steps", "'decay_steps' (\(decay)) must exceed 'warmup_steps' (\(warmup))")
        }
        return .cosine(CosineSchedule(rate: rate, minimum: minimum, warmupSteps: warmup, decaySteps: decay))
      }),
    ScheduleDescription(
      name: "linear", summary: "torch LinearLR: lr·(start_factor → end_factor) over total_iters steps",
      options: [
        rate, .init("start_factor", .number, default: .number(1.0 / 3), "factor of the first step, in (0, 1]"),
        .init("end_factor", .number, default: .number(1), "factor from total_iters on, in [0, 1]"),
        .init("total_iters", .number, default: .number(5), "steps of the ramp"),
      ],
      build: { options throws(OptionError) in
        let rate = try requiredRate(options, "linear")
        let start = options.number("start_factor")
        guard start > 0, start <= 1 else {
          throw OptionError(
            option: "start_factor",
            "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.")
        }
        let end = options.number("end_factor")
        guard end >= 0, end <= 1 else {
          throw OptionError(option: "end_factor", "Ending multiplicative factor expected to be between 0 and 1.")
        }
        let total = try wholeNumber(options.number("total_iters"), "total_iters", atLeast: 0)
        return .linear(LinearSchedule(rate: rate, startFactor: start, endFactor: end, totalIterations: total))
      }),
    ScheduleDescription(
      name: "onecycle",
      summary: "torch OneCycleLR: up to max_lr and down to max_lr/(div_factor·final_div_factor), cycling momentum",
      options: [
        .init("max_lr", .number, default: nil, "the peak lr (required)"),
        .init("total_steps", .number, default: nil, "length of the cycle (default: the run's steps)"),
        .init("pct_start", .number, default: .number(0.3), "fraction of the cycle spent increasing the lr"),
        .init(
          "anneal", .choice(OneCycleSchedule.Annealing.allCases.map(\.rawValue)), default: .text("cos"),
          "annealing strategy: cos or linear (torch's anneal_strategy)"),
        .init("cycle_momentum", .flag, default: .flag(true), "cycle momentum (or β₁) inversely to the lr"),
        .init("base_momentum", .number, default: .number(0.85), "momentum at the peak lr"),
        .init("max_momentum", .number, default: .number(0.95), "momentum at the start and end"),
        .init("div_factor", .number, default: .number(25), "initial lr = max_lr/div_factor"),
        .init("final_div_factor", .number, default: .number(1e4), "final lr = initial lr/final_div_factor"),
        .init("three_phase", .flag, default: .flag(false), "go back to the initial lr before annealing"),
      ],
      build: { options throws(OptionError) in
        guard let maximumRate = options.optionalNumber("max_lr") else {
          throw OptionError(option: nil, "schedule 'onecycle' needs 'max_lr'")
        }
        guard maximumRate >= 0 else {
          throw OptionError(option: "max_lr", "'max_lr' must be at least 0, found \(NumberText.shortest(maximumRate))")
        }
        let totalSteps = try options.optionalNumber("total_steps").map { value throws(OptionError) in
          guard value == value.rounded(), value >= 1, value < 9e15 else {
            throw OptionError(option: "total_steps", "Expected positive integer total_steps, but got \(value)")
          }
          return Int(value)
        }
        let percentStart = options.number("pct_start")
        guard percentStart >= 0, percentStart <= 1 else {
          throw OptionError(
            option: "pct_start", "Expected float between 0 and 1 pct_start, but got \(percentStart)")
        }
        let annealing = OneCycleSchedule.Annealing(rawValue: options.text("anneal")) ?? .cos
        let divisionFactor = try positive(options, "div_factor")
        let finalDivisionFactor = try positive(options, "final_div_factor")
        let baseMomentum = try nonNegative(options, "base_momentum")
        let maximumMomentum = try nonNegative(options, "max_momentum")
        return .oneCycle(
          OneCycleSchedule(
            maximumRate: maximumRate, totalSteps: totalSteps, percentStart: percentStart, annealing: annealing,
            cycleMomentum: options.flag("cycle_momentum"), baseMomentum: baseMomentum,
            maximumMomentum: maximumMomentum, divisionFactor: divisionFactor,
            finalDivisionFactor: finalDivisionFactor, threePhase: options.flag("three_phase")))
      }),
  ]

  /// The schedule called `name`.
  public static func schedule(named name: String) -> ScheduleDescription? {
    schedules.first { $0.name == name }
  }

  // MARK: Shared declarations and checks

  private static let rate = OptionDeclaration("lr", .number, default: nil, "the base learning rate (required)")

  /// `lr`, which every schedule but onecycle requires, at least 0.
  private static func requiredRate(_ options: OptionValues, _ schedule: String) throws(OptionError) -> Double {
    guard let rate = options.optionalNumber("lr") else {
      throw OptionError(option: nil, "schedule '\(schedule)' needs 'lr'")
    }
    guard rate >= 0 else {
      throw OptionError(option: "lr", "'lr' must be at least 0, found \(NumberText.shortest(rate))")
    }
    return rate
  }

  private static func positive(_ options: OptionValues, _ name: String) throws(OptionError) -> Double {
    let value = options.number(name)
    guard value > 0 else {
      throw OptionError(option: name, "'\(name)' must be greater than 0, found \(NumberText.shortest(value))")
    }
    return value
  }

  private static func nonNegative(_ options: OptionValues, _ name: String) throws(OptionError) -> Double {
    let value = options.number(name)
    guard value >= 0 else {
      throw OptionError(option: name, "'\(name)' must be at least 0, found \(NumberText.shortest(value))")
    }
    return value
  }

  private static func wholeNumber(_ value: Double, _ name: String, atLeast minimum: Int) throws(OptionError) -> Int {
    guard value == value.rounded(), value >= Double(minimum), value < 9e15 else {
      throw OptionError(
        option: name, "'\(name)' must be a whole number of at least \(minimum), found \(NumberText.shortest(value))")
    }
    return Int(value)
  }
}
