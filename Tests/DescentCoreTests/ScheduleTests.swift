import DescentCore
import Foundation
import TestSupport
import Testing

/// Learning-rate schedules, read back from the trajectory rows (row k carries the lr of the step
/// taken from x_k, including the last row, k = steps), against values computed by hand.
@Suite struct ScheduleTests {
  private func rates(_ schedule: LearningRateSchedule, steps: Int, optimizer: AnyOptimizer = .sgd(SGD())) throws
    -> [Double]
  {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [1])), start: [1], optimizer: optimizer, schedule: schedule,
      settings: RunSettings(steps: steps, tolerance: 1e-300))
    return try runRecording(problem).rows.map(\.learningRate)
  }

  /// nanoGPT's `get_lr(it)` (train.py), transcribed.
  private func nanoGPT(_ it: Int, lr: Double, minimum: Double, warmup: Int, decay: Int) -> Double {
    if it < warmup { return lr * Double(it + 1) / Double(warmup + 1) }
    if it > decay { return minimum }
    let ratio = Double(it - warmup) / Double(decay - warmup)
    let coefficient = 0.5 * (1.0 + cos(Double.pi * ratio))
    return minimum + coefficient * (lr - minimum)
  }

  @Test func cosineWithWarmupIsNanoGPTsGetLR() throws {
    let values = try rates(
      .cosine(CosineSchedule(rate: 0.1, minimum: 0.01, warmupSteps: 3, decaySteps: 7)), steps: 9)
    // Warmup lr·(k + 1)/(w + 1), the peak at k = w, halfway at k = 5, min_lr from k = D.
    #expect(values[0] == 0.1 * 1 / 4)
    #expect(values[1] == 0.1 * 2 / 4)
    #expect(values[2] == 0.1 * 3 / 4)
    #expect(values[3] == 0.1)
    #expect(abs(values[5] - 0.055) <= 1e-17)
    #expect(values[7] == 0.01)
    #expect(values[8] == 0.01 && values[9] == 0.01)
    #expect(values == (0...9).map { nanoGPT($0, lr: 0.1, minimum: 0.01, warmup: 3, decay: 7) })
  }

  @Test func cosineDecaysOverTheRunByDefault() throws {
    let values = try rates(.cosine(CosineSchedule(rate: 1)), steps: 4)
    #expect(values == (0...4).map { nanoGPT($0, lr: 1, minimum: 0, warmup: 0, decay: 4) })
    #expect(values[0] == 1 && values[4] == 0)
    #expect(abs(values[2] - 0.5) <= 1e-16)
  }

  @Test func stepDecaysEveryStepSize() throws {
    #expect(try rates(.step(StepSchedule(rate: 1, stepSize: 2, gamma: 0.5)), steps: 5) == [1, 1, 0.5, 0.5, 0.25, 0.25])
    #expect(try rates(.step(StepSchedule(rate: 1, stepSize: 3)), steps: 3) == [1, 1, 1, 0.1], "gamma 0.1 by default")
  }

  @Test func exponentialMultipliesEveryStep() throws {
    #expect(try rates(.exponential(ExponentialSchedule(rate: 1, gamma: 0.5)), steps: 3) == [1, 0.5, 0.25, 0.125])
  }

  @Test func linearRampsRecursivelyAsTorch() throws {
    // start 0.5, end 1, T = 2: lr_0 = 0.5; lr_1 = 0.5·(1 + 0.5/(2·0.5)) = 0.75;
    // lr_2 = 0.75·(1 + 0.5/(1 + 0.5)) = 1; constant afterwards.
    let values = try rates(
      .linear(LinearSchedule(rate: 1, startFactor: 0.5, endFactor: 1, totalIterations: 2)), steps: 4)
    #expect(values == [0.5, 0.75, 1, 1, 1])
    let defaults = try rates(.linear(LinearSchedule(rate: 3)), steps: 6)
    #expect(defaults[0] == 1, "start_factor 1/3")
    #expect(abs(defaults[5] - 3) <= 1e-15 && defaults[6] == defaults[5], "end_factor 1 after total_iters 5")
  }

  @Test func oneCycleRisesThenAnnealsAndCyclesMomentum() throws {
    // max_lr 1, T = 10, pct_start 0.3: phase ends 2 and 9, initial lr 1/25, final 1/25/1e4.
    let schedule = LearningRateSchedule.oneCycle(OneCycleSchedule(maximumRate: 1))
    var cursor = schedule.makeCursor(totalSteps: 10)
    var values: [(rate: Double, momentum: Double)] = []
    for _ in 0...10 {
      values.append((cursor.rate, cursor.momentum!))
      cursor.advance()
    }
    #expect(abs(values[0].rate - 0.04) <= 1e-16)
    #expect(values[0].momentum == 0.95)
    #expect(abs(values[1].rate - (1 + (0.04 - 1) / 2 * (cos(Double.pi / 2) + 1))) <= 1e-16)
    #expect(values[2].rate == 1 && values[2].momentum == 0.85, "the peak at pct_start·T − 1")
    #expect(values[9].rate == 0.04 / 1e4 && values[9].momentum == 0.95, "the end at T − 1")
    #expect(values.dropFirst(2).prefix(8).map(\.rate) == values.dropFirst(2).prefix(8).map(\.rate).sorted(by: >))
    #expect(try rates(schedule, steps: 10) == values.map(\.rate), "rows carry the same lr")
  }

  @Test func oneCycleSetsSGDMomentumEvenWhenItHadNone() throws {
    // f = ½x², x₀ = 1, constant lr through the schedule's phases is irrelevant here: the first
    // step uses buf = g, the second μ₁·buf + g with μ₁ the cycled momentum of step 1.
    let schedule = LearningRateSchedule.oneCycle(OneCycleSchedule(maximumRate: 0.1, totalSteps: 10))
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [1])), start: [1], optimizer: .sgd(SGD()), schedule: schedule,
      settings: RunSettings(steps: 2, tolerance: 1e-300))
    let rows = try runRecording(problem).rows
    var cursor = schedule.makeCursor(totalSteps: 2)
    let (lr0, _) = (cursor.rate, cursor.momentum!)
    cursor.advance()
    let (lr1, momentum1) = (cursor.rate, cursor.momentum!)
    let x1 = 1 - lr0 * 1
    let buffer = momentum1 * 1 + x1
    #expect(rows[1].point[0] == x1)
    #expect(abs(rows[2].point[0] - (x1 - lr1 * buffer)) <= 1e-16)
    #expect(momentum1 > 0.85 && momentum1 < 0.95)
  }

  @Test func oneCycleMomentumMustBeInTheRangeOfWhatItOverwrites() {
    func problem(_ schedule: OneCycleSchedule, _ optimizer: AnyOptimizer) -> OptionError? {
      LearningRateSchedule.oneCycle(schedule).cycledMomentumProblem(for: optimizer)
    }
    let adam = AnyOptimizer.adam(Adam())
    #expect(problem(OneCycleSchedule(maximumRate: 1, maximumMomentum: 0.999), adam) == nil, "β₁ just under 1")
    #expect(
      problem(OneCycleSchedule(maximumRate: 1, maximumMomentum: 1), adam)
        == OptionError(
          option: "max_momentum",
          "'max_momentum' must be in [0, 1) with this optimizer: with cycle_momentum it becomes beta1 (betas[0]), found 1"
        ))
    #expect(problem(OneCycleSchedule(maximumRate: 1, baseMomentum: 1.2), .lion(Lion()))?.option == "base_momentum")
    #expect(problem(OneCycleSchedule(maximumRate: 1, maximumMomentum: 1.5), .sgd(SGD())) == nil, "no upper bound")
    #expect(
      problem(OneCycleSchedule(maximumRate: 1, baseMomentum: -0.5), .rmsprop(RMSprop()))
        == OptionError(
          option: "base_momentum",
          "'base_momentum' must be at least 0: with cycle_momentum it becomes the optimizer's momentum, found -0.5"))
    #expect(problem(OneCycleSchedule(maximumRate: 1, cycleMomentum: false, maximumMomentum: 2), adam) == nil)
    #expect(LearningRateSchedule.constant(1).cycledMomentumProblem(for: adam) == nil)
  }

  @Test func schedulesThatCannotRunTheStepsSayWhy() {
    #expect(
      LearningRateSchedule.oneCycle(OneCycleSchedule(maximumRate: 1, totalSteps: 50)).problem(forSteps: 100)
        == "schedule 'onecycle': total_steps 50 is less than the run's 100 steps (torch raises 'Tried to step 51 times')"
    )
    #expect(
      LearningRateSchedule.oneCycle(OneCycleSchedule(maximumRate: 1, percentStart: 0.1)).problem(forSteps: 10)
        == "schedule 'onecycle': pct_start 0.1 with total_steps 10 gives a phase of length 0 (torch divides by zero)")
    #expect(
      LearningRateSchedule.cosine(CosineSchedule(rate: 1, warmupSteps: 200)).problem(forSteps: 200)
        == "schedule 'cosine': decay_steps (the run's steps, 200) must exceed warmup_steps 200")
    #expect(LearningRateSchedule.oneCycle(OneCycleSchedule(maximumRate: 1)).problem(forSteps: 100) == nil)
  }
}
