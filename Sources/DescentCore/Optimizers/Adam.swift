/// `torch.optim.Adam` and `torch.optim.AdamW` (Adam with `decoupled_weight_decay`), AMSGrad and
/// `maximize` included, with torch's single-tensor operation order.
///
/// Per coordinate, step t = 1, 2, … (`fma` rounds once, see `TorchArithmetic`):
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   θ = θ·(1 − lr·wd) (decoupled, AdamW) else g = fma(wd, θ, g)
/// m = lerp(m, g, 1 − β₁)                v = fma((1 − β₂)·g, g, β₂·v)
/// bc₁ = 1 − β₁^t   bc₂ = 1 − β₂^t      (libm pow)
/// amsgrad: v̂ = max(v̂, v), denominator from v̂ instead of v
/// denom = √v / bc₂^0.5 + ε             (ε outside the root, after bias-correcting v)
/// θ = θ + (−lr/bc₁)·m / denom
/// ```
/// which is θ ← θ − lr·m̂/(√v̂ + ε) with m̂ = m/bc₁ and v̂ = v/bc₂.
public struct Adam: Optimizer, Hashable {
  /// β₁; OneCycleLR's `cycle_momentum` overwrites it every step.
  public private(set) var beta1: Double
  public let beta2: Double
  public let epsilon: Double
  public let weightDecay: Double
  public let amsgrad: Bool
  public let maximize: Bool
  /// AdamW's decay θ ← θ·(1 − lr·wd) instead of the L2 term wd·θ in the gradient.
  public let decoupledWeightDecay: Bool
  /// Steps taken (torch's `state["step"]`).
  public private(set) var stepCount = 0

  public init(
    betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false,
    maximize: Bool = false, decoupledWeightDecay: Bool = false
  ) {
    beta1 = betas.0
    beta2 = betas.1
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.amsgrad = amsgrad
    self.maximize = maximize
    self.decoupledWeightDecay = decoupledWeightDecay
  }

  /// `torch.optim.AdamW`: Adam with decoupled weight decay, 0.01 by default.
  public static func adamW(
    betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false,
    maximize: Bool = false
  ) -> Adam {
    Adam(
      betas: betas, epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize,
      decoupledWeightDecay: true)
  }

  /// m, v and (for AMSGrad) the running maximum of v.
  public static var maximumStateVectorCount: Int { 3 }

  public static var cycledMomentumOption: String? { "betas" }

  public mutating func setCycledMomentum(_ value: Double) { beta1 = value }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let firstMoment = state
    let secondMoment = state + dimension
    let maximumSecondMoment = state + 2 * dimension
    stepCount += 1
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
    let t = Double(stepCount)
    let biasCorrection1 = 1 - Elementary.pow(beta1, t)
    let biasCorrection2 = 1 - Elementary.pow(beta2, t)
    let stepSize = learningRate / biasCorrection1
    let biasCorrection2Root = TorchArithmetic.pythonSquareRoot(biasCorrection2)
    for i in 0..<dimension {
      let g = gradient[i]
      firstMoment[i] = TorchArithmetic.lerp(firstMoment[i], g, weight: 1 - beta1)
      secondMoment[i] = TorchArithmetic.addcmul(beta2 * secondMoment[i], g, g, value: 1 - beta2)
      var second = secondMoment[i]
      if amsgrad {
        maximumSecondMoment[i] = TorchArithmetic.maximum(maximumSecondMoment[i], second)
        second = maximumSecondMoment[i]
      }
      let denominator = second.squareRoot() / biasCorrection2Root + epsilon
      parameters[i] = TorchArithmetic.addcdiv(parameters[i], firstMoment[i], denominator, value: -stepSize)
    }
  }
}
