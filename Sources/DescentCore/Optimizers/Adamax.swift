/// `torch.optim.Adamax`: Adam with the infinity norm in place of the second moment, in torch's
/// single-tensor order.
///
/// Per coordinate, step t = 1, 2, …:
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   g = fma(wd, θ, g)
/// m = lerp(m, g, 1 − β₁)
/// u = max(β₂·u, |g| + ε)               (ε inside the max; NaN propagates)
/// θ = θ + (−(lr/(1 − β₁^t))·m)/u
/// ```
public struct Adamax: Optimizer, Hashable {
  /// β₁; OneCycleLR's `cycle_momentum` overwrites it every step.
  public private(set) var beta1: Double
  public let beta2: Double
  public let epsilon: Double
  public let weightDecay: Double
  public let maximize: Bool
  public private(set) var stepCount = 0

  public init(
    betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8, weightDecay: Double = 0, maximize: Bool = false
  ) {
    beta1 = betas.0
    beta2 = betas.1
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.maximize = maximize
  }

  /// m and the exponentially weighted infinity norm u.
  public static var maximumStateVectorCount: Int { 2 }

  public static var cycledMomentumOption: String? { "betas" }

  public mutating func setCycledMomentum(_ value: Double) { beta1 = value }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let firstMoment = state
    let infinityNorm = state + dimension
    stepCount += 1
    if maximize {
      for i in 0..<dimension { gradient[i] = -gradient[i] }
    }
    if weightDecay != 0 {
      for i in 0..<dimension { gradient[i] = TorchArithmetic.add(gradient[i], parameters[i], alpha: weightDecay) }
    }
    let correctedRate = learningRate / (1 - Elementary.pow(beta1, Double(stepCount)))
    for i in 0..<dimension {
      let g = gradient[i]
      firstMoment[i] = TorchArithmetic.lerp(firstMoment[i], g, weight: 1 - beta1)
      infinityNorm[i] = TorchArithmetic.maximum(infinityNorm[i] * beta2, abs(g) + epsilon)
      parameters[i] = TorchArithmetic.addcdiv(parameters[i], firstMoment[i], infinityNorm[i], value: -correctedRate)
    }
  }
}
