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

/// Every optimizer descent knows, by name.
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
        .init("maximize", .flag, default: .flag(false), "ascend instead of descend"),
      ],
      build: { options throws(OptionError) in
        let momentum = options.number("momentum")
        let dampening = options.number("dampening")
        let weightDecay = options.number("weight_decay")
        let nesterov = options.flag("nesterov")
        guard momentum.isFinite, momentum >= 0 else {
          throw OptionError(option: "momentum", "invalid momentum value \(NumberText.shortest(momentum)): must be ≥ 0")
        }
        guard dampening.isFinite else {
          throw OptionError(option: "dampening", "invalid dampening value: must be finite")
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
          throw OptionError(
            option: "weight_decay", "invalid weight_decay value \(NumberText.shortest(weightDecay)): must be ≥ 0")
        }
        if nesterov && (momentum <= 0 || dampening != 0) {
          throw OptionError(option: "nesterov", "Nesterov momentum requires a momentum > 0 and zero dampening")
        }
        return .sgd(
          SGD(
            momentum: momentum, dampening: dampening, weightDecay: weightDecay, nesterov: nesterov,
            maximize: options.flag("maximize")))
      })
  ]

  /// The optimizer called `name`.
  public static func optimizer(named name: String) -> OptimizerDescription? {
    optimizers.first { $0.name == name }
  }
}
