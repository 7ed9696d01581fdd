/// `torch.optim.NAdam`: Adam with Nesterov momentum and Dozat's momentum-decay schedule μ_t, in
/// torch's single-tensor order.
///
/// Per coordinate, step t = 1, 2, … (μ-product P starts at 1, kept in float64 as torch keeps it
/// under `torch.set_default_dtype(torch.float64)`):
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   θ = θ·(1 − lr·wd) (decoupled) else g = fma(wd, θ, g)
/// μ_t = β₁·(1 − 0.5·0.96^(t·ψ))   μ_{t+1} = β₁·(1 − 0.5·0.96^((t+1)·ψ))   P = P·μ_t
/// m = lerp(m, g, 1 − β₁)          v = fma((1 − β₂)·g, g, β₂·v)
/// denom = √(v/(1 − β₂^t)) + ε
/// θ = θ + ((−lr·(1 − μ_t)/(1 − P))·g)/denom
/// θ = θ + ((−lr·μ_{t+1}/(1 − P·μ_{t+1}))·m)/denom
/// ```
public struct NAdam: Optimizer, Hashable {
  /// β₁; OneCycleLR's `cycle_momentum` overwrites it every step.
  public private(set) var beta1: Double
  public let beta2: Double
  public let epsilon: Double
  public let weightDecay: Double
  /// ψ, the decay of the momentum schedule.
  public let momentumDecay: Double
  public let decoupledWeightDecay: Bool
  public let maximize: Bool
  public private(set) var stepCount = 0
  /// ∏ μ_t over the steps taken (torch's `mu_product`).
  public private(set) var momentumProduct = 1.0

  public init(
    betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8, weightDecay: Double = 0,
    momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false, maximize: Bool = false
  ) {
    beta1 = betas.0
    beta2 = betas.1
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.momentumDecay = momentumDecay
    self.decoupledWeightDecay = decoupledWeightDecay
    self.maximize = maximize
  }

  /// m and v.
  public static var maximumStateVectorCount: Int { 2 }

  public static var cycledMomentumOption: String? { "betas" }

  public mutating func setCycledMomentum(_ value: Double) { beta1 = value }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let firstMoment = state
    let secondMoment = state + dimension
    stepCount += 1
    let t = Double(stepCount)
    let biasCorrection2 = 1 - Elementary.pow(beta2, t)
    if maximize {
      for i in 0..<dimension { gradient[i] = -gradient[i] }
    }
    if weightDecay != 0 {
      if decoupledWeightDecay {
        let decay = 1 - learningRate * weightDecay
        for i in 0..<dimension { parameters[i] = parameters[i] * decay }
      } else {
        for i in 0..<dimension { gradient[i] = TorchArithmetic.add(gradient[i], parameters[i], alpha: weightDecay) }
      }
    }
    let mu = beta1 * (1.0 - 0.5 * Elementary.pow(0.96, t * momentumDecay))
    let nextMu = beta1 * (1.0 - 0.5 * Elementary.pow(0.96, (t + 1) * momentumDecay))
    momentumProduct = momentumProduct * mu
    let nextMomentumProduct = momentumProduct * nextMu
    let gradientWeight = -learningRate * (1.0 - mu) / (1.0 - momentumProduct)
    let momentumWeight = -learningRate * nextMu / (1.0 - nextMomentumProduct)
    for i in 0..<dimension {
      let g = gradient[i]
      firstMoment[i] = TorchArithmetic.lerp(firstMoment[i], g, weight: 1 - beta1)
      secondMoment[i] = TorchArithmetic.addcmul(beta2 * secondMoment[i], g, g, value: 1 - beta2)
      let denominator = (secondMoment[i] / biasCorrection2).squareRoot() + epsilon
      parameters[i] = TorchArithmetic.addcdiv(parameters[i], g, denominator, value: gradientWeight)
      parameters[i] = TorchArithmetic.addcdiv(parameters[i], firstMoment[i], denominator, value: momentumWeight)
    }
  }
}
