/// `torch.optim.Adadelta`: steps scaled by the ratio of running roots of past squared updates
/// and squared gradients, in torch's single-tensor order.
///
/// Per coordinate:
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   g = fma(wd, θ, g)
/// v = fma((1 − ρ)·g, g, ρ·v)
/// δ = (√(u + ε) / √(v + ε))·g          (ε inside both roots)
/// u = fma((1 − ρ)·δ, δ, ρ·u)
/// θ = fma(−lr, δ, θ)
/// ```
public struct Adadelta: Optimizer, Hashable {
  public let rho: Double
  public let epsilon: Double
  public let weightDecay: Double
  public let maximize: Bool

  public init(rho: Double = 0.9, epsilon: Double = 1e-6, weightDecay: Double = 0, maximize: Bool = false) {
    self.rho = rho
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.maximize = maximize
  }

  /// The running mean squares of gradients and of updates.
  public static var maximumStateVectorCount: Int { 2 }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let squareAverage = state
    let accumulatedDelta = state + dimension
    if maximize {
      for i in 0..<dimension { gradient[i] = -gradient[i] }
    }
    if weightDecay != 0 {
      for i in 0..<dimension { gradient[i] = TorchArithmetic.add(gradient[i], parameters[i], alpha: weightDecay) }
    }
    for i in 0..<dimension {
      let g = gradient[i]
      squareAverage[i] = TorchArithmetic.addcmul(rho * squareAverage[i], g, g, value: 1 - rho)
      let standardDeviation = (squareAverage[i] + epsilon).squareRoot()
      let delta = (accumulatedDelta[i] + epsilon).squareRoot() / standardDeviation * g
      accumulatedDelta[i] = TorchArithmetic.addcmul(rho * accumulatedDelta[i], delta, delta, value: 1 - rho)
      parameters[i] = TorchArithmetic.add(parameters[i], delta, alpha: -learningRate)
    }
  }
}
