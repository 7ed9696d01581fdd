import DescentConfig
import DescentCore
import Testing
import YAMLNode

/// `optimizer:`, `lr:` schedules and `clip:` in configs (issue 5).
@Suite struct OptimizerConfigTests {
  /// The problem of the only instance of a one-scenario suite whose scenario has `keys` added.
  private func problem(_ keys: String, steps: Int = 100) throws -> (Problem, Instance) {
    let suite = try loadSuite(
      "suite: s\nscenarios:\n  - name: a\n    landscape: ravine\n    start: [-4, 1]\n    steps: \(steps)\n" + keys)
    let instance = try #require(suite.scenarios.first?.instances.first)
    return (instance.problem, instance)
  }

  @Test func everyOptimizerDecodesWithTorchsDefaults() throws {
    let expected: [(String, AnyOptimizer, Double)] = [
      ("sgd", .sgd(SGD()), 1e-3),
      ("adam", .adam(Adam()), 1e-3),
      ("adamw", .adam(Adam(weightDecay: 0.01, decoupledWeightDecay: true)), 1e-3),
      ("adagrad", .adagrad(Adagrad()), 1e-2),
      ("rmsprop", .rmsprop(RMSprop()), 1e-2),
      ("adadelta", .adadelta(Adadelta()), 1.0),
      ("adamax", .adamax(Adamax()), 2e-3),
      ("nadam", .nadam(NAdam()), 2e-3),
      ("radam", .radam(RAdam()), 1e-3),
      ("lion", .lion(Lion()), 1e-4),
    ]
    for (name, optimizer, defaultRate) in expected {
      let (problem, instance) = try problem("    optimizer: \(name)\n")
      #expect(problem.optimizer == optimizer, "\(name)")
      #expect(problem.schedule == .constant(defaultRate), "\(name): torch's default lr")
      #expect(instance.optimizerText == name)
    }
    #expect(OptimizerCatalog.optimizers.map(\.name) == expected.map(\.0))
  }

  @Test func optionsUseTorchsNames() throws {
    let cases: [(String, AnyOptimizer)] = [
      (
        "{name: adam, betas: [0.8, 0.99], eps: 1.0e-6, weight_decay: 0.1, amsgrad: true, maximize: true, decoupled_weight_decay: true}",
        .adam(
          Adam(
            betas: (0.8, 0.99), epsilon: 1e-6, weightDecay: 0.1, amsgrad: true, maximize: true,
            decoupledWeightDecay: true))
      ),
      ("{name: adamw, weight_decay: 0.1, amsgrad: true}", .adam(Adam.adamW(weightDecay: 0.1, amsgrad: true))),
      (
        "{name: adagrad, lr_decay: 0.01, weight_decay: 0.1, initial_accumulator_value: 0.5, eps: 1.0e-8, maximize: true}",
        .adagrad(
          Adagrad(
            learningRateDecay: 0.01, weightDecay: 0.1, initialAccumulatorValue: 0.5, epsilon: 1e-8, maximize: true))
      ),
      (
        "{name: rmsprop, alpha: 0.9, eps: 1.0e-6, weight_decay: 0.1, momentum: 0.5, centered: true, maximize: true}",
        .rmsprop(
          RMSprop(alpha: 0.9, epsilon: 1e-6, weightDecay: 0.1, momentum: 0.5, centered: true, maximize: true))
      ),
      (
        "{name: adadelta, rho: 0.95, eps: 1.0e-5, weight_decay: 0.1, maximize: true}",
        .adadelta(Adadelta(rho: 0.95, epsilon: 1e-5, weightDecay: 0.1, maximize: true))
      ),
      (
        "{name: adamax, betas: [0.8, 0.9], eps: 1.0e-6, weight_decay: 0.1, maximize: true}",
        .adamax(Adamax(betas: (0.8, 0.9), epsilon: 1e-6, weightDecay: 0.1, maximize: true))
      ),
      (
        "{name: nadam, momentum_decay: 0.01, decoupled_weight_decay: true, weight_decay: 0.1}",
        .nadam(NAdam(weightDecay: 0.1, momentumDecay: 0.01, decoupledWeightDecay: true))
      ),
      (
        "{name: radam, decoupled_weight_decay: true, weight_decay: 0.1, maximize: true}",
        .radam(RAdam(weightDecay: 0.1, decoupledWeightDecay: true, maximize: true))
      ),
      ("{name: lion, betas: [0.95, 0.98], weight_decay: 1}", .lion(Lion(betas: (0.95, 0.98), weightDecay: 1))),
    ]
    for (text, optimizer) in cases {
      #expect(try problem("    optimizer: \(text)\n").0.optimizer == optimizer, "\(text)")
    }
  }

  @Test func schedulesDecodeWithTheirDefaults() throws {
    let cases: [(String, LearningRateSchedule, String)] = [
      ("{schedule: constant, lr: 0.1}", .constant(0.1), "0.1"),
      (
        "{schedule: step, lr: 0.1, step_size: 30}", .step(StepSchedule(rate: 0.1, stepSize: 30)),
        "step(lr=0.1,step_size=30)"
      ),
      (
        "{schedule: exponential, lr: 0.1, gamma: 0.9}", .exponential(ExponentialSchedule(rate: 0.1, gamma: 0.9)),
        "exponential(gamma=0.9,lr=0.1)"
      ),
      (
        "{schedule: cosine, lr: 0.1, warmup_steps: 10, min_lr: 0.001}",
        .cosine(CosineSchedule(rate: 0.1, minimum: 0.001, warmupSteps: 10)),
        "cosine(lr=0.1,min_lr=0.001,warmup_steps=10)"
      ),
      ("{schedule: linear, lr: 0.3}", .linear(LinearSchedule(rate: 0.3)), "linear(lr=0.3)"),
      (
        "{schedule: onecycle, max_lr: 0.1, anneal: linear, three_phase: true}",
        .oneCycle(OneCycleSchedule(maximumRate: 0.1, annealing: .linear, threePhase: true)),
        "onecycle(anneal=linear,max_lr=0.1,three_phase=true)"
      ),
    ]
    for (text, schedule, id) in cases {
      let (problem, instance) = try problem("    lr: \(text)\n")
      #expect(problem.schedule == schedule, "\(text)")
      #expect(instance.learningRateText == id)
    }
    #expect(
      ScheduleCatalog.schedules.map(\.name) == ["constant", "step", "exponential", "cosine", "linear", "onecycle"])
  }

  @Test func clippingDecodesAndCasesReplaceIt() throws {
    #expect(try problem("    clip: {max_norm: 1.0}\n").0.clipping == .norm(maximum: 1))
    #expect(try problem("    clip: {value: 0.5}\n").0.clipping == .value(0.5))
    #expect(try problem("").0.clipping == nil)
    let suite = try loadSuite(
      """
      suite: s
      defaults: {clip: {max_norm: 1.0}}
      scenarios:
        - name: a
          landscape: ravine
          start: [-4, 1]
          cases:
            - {}
            - {clip: {value: 0.5}}
            - {clip: none}
      """)
    let clippings = try #require(suite.scenarios.first).instances.map(\.problem.clipping)
    #expect(clippings == [.norm(maximum: 1), .value(0.5), nil], "a case's clip replaces the default's, not merges")
  }

  /// β₁ must stay in [0, 1) while OneCycle cycles it, as `betas` must; SGD's momentum has no
  /// upper bound in torch, and without cycling the momentum options are unused.
  @Test func oneCycleMomentumOutsideTheOptimizersRangeIsRefusedOnlyWhenItCycles() throws {
    let sgd = try problem("    optimizer: sgd\n    lr: {schedule: onecycle, max_lr: 0.1, max_momentum: 1.5}\n")
    #expect(sgd.0.schedule == .oneCycle(OneCycleSchedule(maximumRate: 0.1, maximumMomentum: 1.5)))
    let adam = try problem(
      "    optimizer: adam\n    lr: {schedule: onecycle, max_lr: 0.1, max_momentum: 1.5, cycle_momentum: false}\n")
    #expect(adam.0.schedule.cyclesMomentum == false)
    #expect(
      problems(
        "suite: s\ndefaults: {lr: {schedule: onecycle, max_lr: 0.1, max_momentum: 1.0}}\nscenarios:\n"
          + "  - {name: a, landscape: ravine, start: [-4, 1], optimizer: radam}\n") == [
          "test.yaml:2:64: error: 'max_momentum' must be in [0, 1) with this optimizer: with cycle_momentum it becomes beta1 (betas[0]), found 1"
        ], "at the key in `defaults` where the schedule was written")
  }

  @Test func oneCycleWithoutCyclingWorksOnAnyOptimizer() throws {
    let (problem, _) = try problem(
      "    optimizer: adagrad\n    lr: {schedule: onecycle, max_lr: 0.1, cycle_momentum: false}\n")
    #expect(problem.schedule == .oneCycle(OneCycleSchedule(maximumRate: 0.1, cycleMomentum: false)))
  }
}

/// Invalid optimizer, schedule and clipping configs: each is refused with one positioned,
/// specific message, torch's where torch has one (issue 5, acceptance 3; the built binary's exit
/// code 2 is checked in EndToEndTests).
@Suite struct InvalidOptimizerConfigTests {
  static let scenario = "suite: s\nscenarios:\n  - name: a\n    landscape: ravine\n    start: [-4, 1]\n    steps: 50\n"

  /// (the scenario's extra lines, the one expected diagnostic)
  static let cases: [(String, String)] = [
    ("    optimizer: {name: adam, betas: [1.0, 0.999]}", "7:37: error: Invalid beta parameter at index 0: 1.0"),
    ("    optimizer: {name: lion, betas: [0.9, -0.1]}", "7:42: error: Invalid beta parameter at index 1: -0.1"),
    ("    optimizer: {name: adam, eps: -1.0e-8}", "7:34: error: Invalid epsilon value: -1e-08"),
    ("    optimizer: {name: adamw, weight_decay: -0.01}", "7:44: error: Invalid weight_decay value: -0.01"),
    ("    optimizer: {name: rmsprop, alpha: -0.5}", "7:39: error: Invalid alpha value: -0.5"),
    ("    optimizer: {name: adadelta, rho: 1.5}", "7:38: error: Invalid rho value: 1.5"),
    ("    optimizer: {name: adagrad, lr_decay: -1}", "7:42: error: Invalid lr_decay value: -1.0"),
    ("    optimizer: {name: nadam, momentum_decay: -0.004}", "7:46: error: Invalid momentum_decay value: -0.004"),
    ("    optimizer: {name: sgd, momentum: -0.9}", "7:38: error: Invalid momentum value: -0.9"),
    (
      "    optimizer: {name: sgd, momentum: 0.9, dampening: 0.1, nesterov: true}",
      "7:69: error: Nesterov momentum requires a momentum > 0 and zero dampening"
    ),
    (
      "    optimizer: {name: sgd, nesterov: true}",
      "7:38: error: Nesterov momentum requires a momentum > 0 and zero dampening"
    ),
    ("    optimizer: {name: sgd, momentun: 0.9}", "7:28: error: unknown key 'momentun' (did you mean 'momentum'?)"),
    ("    optimizer: adamm", "7:16: error: unknown optimizer 'adamm' (did you mean 'adam'?)"),
    ("    optimizer: {name: adam, betas: [0.9, 0.99, 0.999]}", "7:36: error: 'betas' must have 2 numbers, found 3"),
    ("    lr: -0.5", "7:9: error: 'lr' must be at least 0, found -0.5"),
    ("    lr: {schedule: cosine, lr: -0.1}", "7:32: error: 'lr' must be at least 0, found -0.1"),
    ("    lr: {schedule: cosin, lr: 0.1}", "7:20: error: unknown schedule 'cosin' (did you mean 'cosine'?)"),
    (
      "    lr: {schedule: cosine, lr: 0.1, warmup_step: 10}",
      "7:37: error: unknown key 'warmup_step' (did you mean 'warmup_steps'?)"
    ),
    (
      "    lr: {schedule: cosine, lr: 0.1, warmup_steps: 30, decay_steps: 20}",
      "7:68: error: 'decay_steps' (20) must exceed 'warmup_steps' (30)"
    ),
    (
      "    lr: {schedule: cosine, lr: 0.1, warmup_steps: 50}",
      "7:9: error: schedule 'cosine': decay_steps (the run's steps, 50) must exceed warmup_steps 50"
    ),
    ("    lr: {schedule: step, lr: 0.1}", "7:9: error: schedule 'step' needs 'step_size'"),
    (
      "    lr: {schedule: step, lr: 0.1, step_size: 2.5}",
      "7:46: error: 'step_size' must be a whole number of at least 1, found 2.5"
    ),
    ("    lr: {schedule: exponential, lr: 0.1, gamma: 0}", "7:49: error: 'gamma' must be greater than 0, found 0"),
    (
      "    lr: {schedule: linear, lr: 0.1, start_factor: 0}",
      "7:51: error: Starting multiplicative factor expected to be greater than 0 and less or equal to 1."
    ),
    (
      "    lr: {schedule: onecycle, lr: 0.1}", "7:30: error: schedule 'onecycle' takes 'max_lr' (its peak lr), not 'lr'"
    ),
    (
      "    lr: {schedule: onecycle, max_lr: 0.1, anneal: cosine}",
      "7:51: error: 'anneal' must be one of: cos, linear, found 'cosine' (did you mean 'cos'?)"
    ),
    (
      "    lr: {schedule: onecycle, max_lr: 0.1, pct_start: 1.5}",
      "7:54: error: Expected float between 0 and 1 pct_start, but got 1.5"
    ),
    (
      "    lr: {schedule: onecycle, max_lr: 0.1, total_steps: 20}",
      "7:9: error: schedule 'onecycle': total_steps 20 is less than the run's 50 steps (torch raises 'Tried to step 21 times')"
    ),
    (
      "    lr: {schedule: onecycle, max_lr: 0.1, pct_start: 0.02}",
      "7:9: error: schedule 'onecycle': pct_start 0.02 with total_steps 50 gives a phase of length 0 (torch divides by zero)"
    ),
    (
      "    optimizer: adagrad\n    lr: {schedule: onecycle, max_lr: 0.1}",
      "8:9: error: optimizer must support momentum or beta1 with `cycle_momentum` option enabled: adagrad has neither (set cycle_momentum: false)"
    ),
    (
      "    optimizer: adam\n    lr: {schedule: onecycle, max_lr: 0.1, max_momentum: 1.5}",
      "8:57: error: 'max_momentum' must be in [0, 1) with this optimizer: with cycle_momentum it becomes beta1 (betas[0]), found 1.5"
    ),
    (
      "    optimizer: {name: lion}\n    lr: {schedule: onecycle, max_lr: 0.1, base_momentum: 1, max_momentum: 0.99}",
      "8:58: error: 'base_momentum' must be in [0, 1) with this optimizer: with cycle_momentum it becomes beta1 (betas[0]), found 1"
    ),
    ("    clip: {max_norm: 1, value: 2}", "7:25: error: 'clip' takes one of 'max_norm' and 'value', not both"),
    ("    clip: {max_norm: 0}", "7:22: error: 'max_norm' must be greater than 0, found 0"),
    ("    clip: {max_nrom: 1}", "7:12: error: unknown key 'max_nrom' (did you mean 'max_norm'?)"),
    ("    clip: 1.0", "7:11: error: 'clip' must be {max_norm: m}, {value: c} or none, found a number (1.0)"),
  ]

  @Test(arguments: cases) func isRefusedWithOnePositionedMessage(keys: String, diagnostic: String) {
    #expect(problems(Self.scenario + keys + "\n", file: "bad.yaml") == ["bad.yaml:" + diagnostic])
  }
}
