/// A named optimizer: its options with torch's names and defaults, and how to build it.
public struct OptimizerDescription: Sendable {
  public let name: String
  public let summary: String
  /// The lr torch uses when none is given.
  public let defaultLearningRate: Double
  public let options: [OptionDeclaration]
  /// Builds the optimizer from option values (defaults filled in), validating them as torch does.
  public let build: @Sendable (OptionValues) throws(OptionError) -> AnyOptimizer
}

/// Every optimizer descent knows, by name: torch.optim's, with torch's option names, defaults and
/// validation messages (`torch/optim/*.py`, `__init__`), plus Lion.
public enum OptimizerCatalog {
  public static let optimizers: [OptimizerDescription] = [
    OptimizerDescription(
      name: "sgd", summary: "torch.optim.SGD: gradient descent with optional heavy-ball or Nesterov momentum",
      defaultLearningRate: 1e-3,
      options: [
        .init("momentum", .number, default: .number(0), "momentum factor μ"),
        .init("dampening", .number, default: .number(0), "dampening τ for momentum"),
        .init("weight_decay", .number, default: .number(0), "L2 penalty added to the gradient"),
        .init("nesterov", .flag, default: .flag(false), "Nesterov momentum"),
        maximize,
      ],
      build: { options throws(OptionError) in
        let momentum = try nonNegative(options, "momentum", "momentum")
        let weightDecay = try nonNegative(options, "weight_decay", "weight_decay")
        let dampening = options.number("dampening")
        let nesterov = options.flag("nesterov")
        if nesterov && (momentum <= 0 || dampening != 0) {
          throw OptionError(option: "nesterov", "Nesterov momentum requires a momentum > 0 and zero dampening")
        }
        return .sgd(
          SGD(
            momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov,
            maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "adam", summary: "torch.optim.Adam: bias-corrected first and second moment estimates",
      defaultLearningRate: 1e-3,
      options: [
        betas(0.9, 0.999), epsilon(1e-8),
        .init("weight_decay", .number, default: .number(0), "L2 penalty (decoupled: decay factor lr·wd)"),
        amsgrad, maximize, decoupledWeightDecay,
      ],
      build: { options throws(OptionError) in
        let (epsilon, betas, weightDecay) = try adamFamily(options)
        return .adam(
          Adam(
            betas: betas, epsilon: epsilon, weightDecay: weightDecay, amsgrad: options.flag("amsgrad"),
            maximize: options.flag("maximize"), decoupledWeightDecay: options.flag("decoupled_weight_decay")))
      }),
    OptimizerDescription(
      name: "adamw", summary: "torch.optim.AdamW: Adam with decoupled weight decay θ ← θ·(1 − lr·wd)",
      defaultLearningRate: 1e-3,
      options: [
        betas(0.9, 0.999), epsilon(1e-8),
        .init("weight_decay", .number, default: .number(1e-2), "decoupled weight decay coefficient"),
        amsgrad, maximize,
      ],
      build: { options throws(OptionError) in
        let (epsilon, betas, weightDecay) = try adamFamily(options)
        return .adam(
          Adam.adamW(
            betas: betas, epsilon: epsilon, weightDecay: weightDecay, amsgrad: options.flag("amsgrad"),
            maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "adagrad", summary: "torch.optim.Adagrad: steps scaled by the root of the summed squared gradients",
      defaultLearningRate: 1e-2,
      options: [
        .init("lr_decay", .number, default: .number(0), "lr_t = lr/(1 + (t − 1)·lr_decay)"),
        .init("weight_decay", .number, default: .number(0), "L2 penalty added to the gradient"),
        .init("initial_accumulator_value", .number, default: .number(0), "starting value of the sum of squares"),
        epsilon(1e-10), maximize,
      ],
      build: { options throws(OptionError) in
        let learningRateDecay = try nonNegative(options, "lr_decay", "lr_decay")
        let weightDecay = try nonNegative(options, "weight_decay", "weight_decay")
        let initial = try nonNegative(options, "initial_accumulator_value", "initial_accumulator_value")
        let epsilon = try nonNegative(options, "eps", "epsilon")
        return .adagrad(
          Adagrad(
            learningRateDecay: learningRateDecay, weightDecay: weightDecay, initialAccumulatorValue: initial,
            epsilon: epsilon, maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "rmsprop", summary: "torch.optim.RMSprop: steps divided by a running root mean square of the gradient",
      defaultLearningRate: 1e-2,
      options: [
        .init("alpha", .number, default: .number(0.99), "smoothing constant of the mean square"),
        epsilon(1e-8),
        .init("weight_decay", .number, default: .number(0), "L2 penalty added to the gradient"),
        .init("momentum", .number, default: .number(0), "momentum factor"),
        .init("centered", .flag, default: .flag(false), "divide by the estimated variance instead"),
        maximize,
      ],
      build: { options throws(OptionError) in
        let epsilon = try nonNegative(options, "eps", "epsilon")
        let momentum = try nonNegative(options, "momentum", "momentum")
        let weightDecay = try nonNegative(options, "weight_decay", "weight_decay")
        let alpha = try nonNegative(options, "alpha", "alpha")
        return .rmsprop(
          RMSprop(
            alpha: alpha, epsilon: epsilon, weightDecay: weightDecay, momentum: momentum,
            centered: options.flag("centered"), maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "adadelta", summary: "torch.optim.Adadelta: steps scaled by running roots of past updates and gradients",
      defaultLearningRate: 1.0,
      options: [
        .init("rho", .number, default: .number(0.9), "decay of the running averages"),
        epsilon(1e-6),
        .init("weight_decay", .number, default: .number(0), "L2 penalty added to the gradient"),
        maximize,
      ],
      build: { options throws(OptionError) in
        let rho = options.number("rho")
        guard rho >= 0, rho <= 1 else { throw OptionError(option: "rho", "Invalid rho value: \(rho)") }
        let epsilon = try nonNegative(options, "eps", "epsilon")
        let weightDecay = try nonNegative(options, "weight_decay", "weight_decay")
        return .adadelta(
          Adadelta(rho: rho, epsilon: epsilon, weightDecay: weightDecay, maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "adamax", summary: "torch.optim.Adamax: Adam with an infinity-norm second moment",
      defaultLearningRate: 2e-3,
      options: [
        betas(0.9, 0.999), epsilon(1e-8),
        .init("weight_decay", .number, default: .number(0), "L2 penalty added to the gradient"),
        maximize,
      ],
      build: { options throws(OptionError) in
        let (epsilon, betas, weightDecay) = try adamFamily(options)
        return .adamax(
          Adamax(betas: betas, epsilon: epsilon, weightDecay: weightDecay, maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "nadam", summary: "torch.optim.NAdam: Adam with Nesterov momentum and a momentum-decay schedule",
      defaultLearningRate: 2e-3,
      options: [
        betas(0.9, 0.999), epsilon(1e-8),
        .init("weight_decay", .number, default: .number(0), "L2 penalty (decoupled: decay factor lr·wd)"),
        .init("momentum_decay", .number, default: .number(4e-3), "ψ in μ_t = β₁(1 − ½·0.96^(tψ))"),
        decoupledWeightDecay, maximize,
      ],
      build: { options throws(OptionError) in
        let (epsilon, betas, weightDecay) = try adamFamily(options)
        let momentumDecay = try nonNegative(options, "momentum_decay", "momentum_decay")
        return .nadam(
          NAdam(
            betas: betas, epsilon: epsilon, weightDecay: weightDecay, momentumDecay: momentumDecay,
            decoupledWeightDecay: options.flag("decoupled_weight_decay"), maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "radam", summary: "torch.optim.RAdam: Adam with the variance rectification of Liu et al.",
      defaultLearningRate: 1e-3,
      options: [
        betas(0.9, 0.999), epsilon(1e-8),
        .init("weight_decay", .number, default: .number(0), "L2 penalty (decoupled: decay factor lr·wd)"),
        decoupledWeightDecay, maximize,
      ],
      build: { options throws(OptionError) in
        let (epsilon, betas, weightDecay) = try adamFamily(options)
        return .radam(
          RAdam(
            betas: betas, epsilon: epsilon, weightDecay: weightDecay,
            decoupledWeightDecay: options.flag("decoupled_weight_decay"), maximize: options.flag("maximize")))
      }),
    OptimizerDescription(
      name: "lion", summary: "Lion (Chen et al. 2023): sign of an interpolated momentum, decoupled weight decay",
      defaultLearningRate: 1e-4,
      options: [
        betas(0.9, 0.99),
        .init("weight_decay", .number, default: .number(0), "decoupled weight decay coefficient"),
      ],
      build: { options throws(OptionError) in
        let betas = try validBetas(options)
        let weightDecay = try nonNegative(options, "weight_decay", "weight_decay")
        return .lion(Lion(betas: betas, weightDecay: weightDecay))
      }),
  ]

  /// The optimizer called `name`.
  public static func optimizer(named name: String) -> OptimizerDescription? {
    optimizers.first { $0.name == name }
  }

  // MARK: Shared declarations and torch's checks

  private static let maximize = OptionDeclaration(
    "maximize", .flag, default: .flag(false), "ascend: the gradient is negated before weight decay")
  private static let amsgrad = OptionDeclaration(
    "amsgrad", .flag, default: .flag(false), "divide by the running maximum of the second moment (AMSGrad)")
  private static let decoupledWeightDecay = OptionDeclaration(
    "decoupled_weight_decay", .flag, default: .flag(false), "decay θ ← θ·(1 − lr·wd) as AdamW does")

  private static func betas(_ beta1: Double, _ beta2: Double) -> OptionDeclaration {
    OptionDeclaration(
      "betas", .numbers(count: 2), default: .numbers([beta1, beta2]), "decay rates [β₁, β₂] of the moment estimates")
  }

  private static func epsilon(_ value: Double) -> OptionDeclaration {
    OptionDeclaration("eps", .number, default: .number(value), "ε added to the denominator")
  }

  /// `options[name]`, refused as torch refuses it when negative: "Invalid <label> value: <value>".
  private static func nonNegative(_ options: OptionValues, _ name: String, _ label: String) throws(OptionError)
    -> Double
  {
    let value = options.number(name)
    guard value >= 0 else { throw OptionError(option: name, "Invalid \(label) value: \(value)") }
    return value
  }

  /// β₁ and β₂, each in [0, 1) as torch requires.
  private static func validBetas(_ options: OptionValues) throws(OptionError) -> (Double, Double) {
    let betas = options.numbers("betas") ?? []
    precondition(betas.count == 2, "betas is declared as two numbers")
    for (index, beta) in betas.enumerated() where !(beta >= 0 && beta < 1) {
      throw OptionError(option: "betas", index: index, "Invalid beta parameter at index \(index): \(beta)")
    }
    return (betas[0], betas[1])
  }

  /// ε, betas and weight decay of Adam, AdamW, Adamax, NAdam and RAdam, checked in torch's order.
  private static func adamFamily(_ options: OptionValues) throws(OptionError) -> (
    epsilon: Double, betas: (Double, Double), weightDecay: Double
  ) {
    let epsilon = try nonNegative(options, "eps", "epsilon")
    let betas = try validBetas(options)
    let weightDecay = try nonNegative(options, "weight_decay", "weight_decay")
    return (epsilon, betas, weightDecay)
  }
}
