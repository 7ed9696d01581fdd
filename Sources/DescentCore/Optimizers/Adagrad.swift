/// `torch.optim.Adagrad`: per-coordinate steps scaled by the root of the summed squared
/// gradients, with lr decay, weight decay and `maximize`, in torch's single-tensor order.
///
/// Per coordinate, step t = 1, 2, …:
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   g = fma(wd, θ, g)
/// clr = lr / (1 + (t − 1)·lr_decay)
/// sum = fma(g, g, sum)                 (sum starts at initial_accumulator_value)
/// θ = θ + (−clr·g) / (√sum + ε)        (ε outside the root)
/// ```
public struct Adagrad: Optimizer, Hashable {
  public let learningRateDecay: Double
  public let weightDecay: Double
  public let initialAccumulatorValue: Double
  public let epsilon: Double
  public let maximize: Bool
  public private(set) var stepCount = 0

  public init(
    learningRateDecay: Double = 0, weightDecay: Double = 0, initialAccumulatorValue: Double = 0,
    epsilon: Double = 1e-10, maximize: Bool = false
  ) {
    self.learningRateDecay = learningRateDecay
    self.weightDecay = weightDecay
    self.initialAccumulatorValue = initialAccumulatorValue
    self.epsilon = epsilon
    self.maximize = maximize
  }

  /// The sum of squared gradients.
  public static var maximumStateVectorCount: Int { 1 }

  public func initializeState(_ state: UnsafeMutablePointer<Double>, dimension: Int) {
    for i in 0..<dimension { state[i] = initialAccumulatorValue }
  }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let sum = state
    stepCount += 1
    if maximize {
      for i in 0..<dimension { gradient[i] = -gradient[i] }
    }
    if weightDecay != 0 {
      for i in 0..<dimension { gradient[i] = TorchArithmetic.add(gradient[i], parameters[i], alpha: weightDecay) }
    }
    let decayedRate = learningRate / (1 + (Double(stepCount) - 1) * learningRateDecay)
    for i in 0..<dimension {
      let g = gradient[i]
      sum[i] = TorchArithmetic.addcmul(sum[i], g, g, value: 1)
      let standardDeviation = sum[i].squareRoot() + epsilon
      parameters[i] = TorchArithmetic.addcdiv(parameters[i], g, standardDeviation, value: -decayedRate)
    }
  }
}
