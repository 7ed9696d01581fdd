/// `torch.optim.RMSprop`: steps divided by a running root-mean-square of the gradient, optionally
/// centered and with momentum, in torch's single-tensor order (no bias correction).
///
/// Per coordinate:
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   g = fma(wd, θ, g)
/// sq = fma((1 − α)·g, g, α·sq)
/// centered:    ḡ = lerp(ḡ, g, 1 − α);  avg = √fma(−ḡ, ḡ, sq) + ε
/// else:        avg = √sq + ε
/// momentum μ > 0: buf = μ·buf + g/avg;  θ = fma(−lr, buf, θ)      (buf starts at zero)
/// else:           θ = θ + (−lr·g)/avg
/// ```
public struct RMSprop: Optimizer, Hashable {
  public let alpha: Double
  public let epsilon: Double
  public let weightDecay: Double
  /// μ; OneCycleLR's `cycle_momentum` overwrites it every step.
  public private(set) var momentum: Double
  public let centered: Bool
  public let maximize: Bool

  public init(
    alpha: Double = 0.99, epsilon: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0,
    centered: Bool = false, maximize: Bool = false
  ) {
    self.alpha = alpha
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.momentum = momentum
    self.centered = centered
    self.maximize = maximize
  }

  /// The mean square, the mean gradient (centered) and the momentum buffer.
  public static var maximumStateVectorCount: Int { 3 }

  public static var cycledMomentumOption: String? { "momentum" }

  public mutating func setCycledMomentum(_ value: Double) { momentum = value }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let squareAverage = state
    let gradientAverage = state + dimension
    let buffer = state + 2 * dimension
    if maximize {
      for i in 0..<dimension { gradient[i] = -gradient[i] }
    }
    if weightDecay != 0 {
      for i in 0..<dimension { gradient[i] = TorchArithmetic.add(gradient[i], parameters[i], alpha: weightDecay) }
    }
    for i in 0..<dimension {
      let g = gradient[i]
      squareAverage[i] = TorchArithmetic.addcmul(alpha * squareAverage[i], g, g, value: 1 - alpha)
      var average: Double
      if centered {
        gradientAverage[i] = TorchArithmetic.lerp(gradientAverage[i], g, weight: 1 - alpha)
        let mean = gradientAverage[i]
        average = TorchArithmetic.addcmul(squareAverage[i], mean, mean, value: -1).squareRoot()
      } else {
        average = squareAverage[i].squareRoot()
      }
      average = average + epsilon
      if momentum > 0 {
        buffer[i] = TorchArithmetic.addcdiv(momentum * buffer[i], g, average, value: 1)
        parameters[i] = TorchArithmetic.add(parameters[i], buffer[i], alpha: -learningRate)
      } else {
        parameters[i] = TorchArithmetic.addcdiv(parameters[i], g, average, value: -learningRate)
      }
    }
  }
}
