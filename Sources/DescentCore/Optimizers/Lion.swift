/// Lion ("EvoLved Sign Momentum", Chen et al. 2023, arXiv:2302.06675, Algorithm 2): steps of
/// fixed size lr along the sign of an interpolated momentum, with decoupled weight decay. torch
/// has no built-in Lion; this mirrors the tensor operations of the authors' PyTorch reference
/// (google/automl `lion/lion_pytorch.py`).
///
/// Per coordinate:
/// ```
/// θ = θ·(1 − lr·wd)
/// c = β₁·m + (1 − β₁)·g               (two products, one sum: three torch kernels)
/// θ = fma(−lr, sign(c), θ)            (sign(0) = 0)
/// m = fma(1 − β₂, g, β₂·m)
/// ```
/// On a quadratic Lion never settles exactly: each coordinate moves by ±lr, so it ends in a
/// cycle about lr wide.
public struct Lion: Optimizer, Hashable {
  /// β₁; OneCycleLR's `cycle_momentum` overwrites it every step.
  public private(set) var beta1: Double
  public let beta2: Double
  public let weightDecay: Double

  public init(betas: (Double, Double) = (0.9, 0.99), weightDecay: Double = 0) {
    beta1 = betas.0
    beta2 = betas.1
    self.weightDecay = weightDecay
  }

  /// The momentum m.
  public static var maximumStateVectorCount: Int { 1 }

  public static var cycledMomentumOption: String? { "betas" }

  public mutating func setCycledMomentum(_ value: Double) { beta1 = value }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let momentum = state
    let decay = 1 - learningRate * weightDecay
    for i in 0..<dimension {
      let g = gradient[i]
      parameters[i] = parameters[i] * decay
      let interpolated = momentum[i] * beta1 + g * (1 - beta1)
      parameters[i] = TorchArithmetic.add(parameters[i], TorchArithmetic.sign(interpolated), alpha: -learningRate)
      momentum[i] = TorchArithmetic.add(momentum[i] * beta2, g, alpha: 1 - beta2)
    }
  }
}
