/// `torch.optim.RAdam`: Adam with the variance rectification of Liu et al. (2020), in torch's
/// single-tensor order.
///
/// Per coordinate, step t = 1, 2, …:
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   θ = θ·(1 − lr·wd) (decoupled) else g = fma(wd, θ, g)
/// m = lerp(m, g, 1 − β₁)          v = fma((1 − β₂)·g, g, β₂·v)
/// m̂ = m/(1 − β₁^t)   ρ∞ = 2/(1 − β₂) − 1   ρ_t = ρ∞ − 2t·β₂^t/(1 − β₂^t)
/// ρ_t > 5: r = ((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t))^0.5
///          l = (1/(√v + ε))·(1 − β₂^t)^0.5          (torch's float / tensor is a reciprocal)
///          θ = θ − ((m̂·lr)·l)·r
/// else:    θ = θ − m̂·lr                             (the first steps: ρ_t ≤ 5 up to t = 5 for β₂ = 0.999)
/// ```
public struct RAdam: Optimizer, Hashable {
  /// β₁; OneCycleLR's `cycle_momentum` overwrites it every step.
  public private(set) var beta1: Double
  public let beta2: Double
  public let epsilon: Double
  public let weightDecay: Double
  public let decoupledWeightDecay: Bool
  public let maximize: Bool
  public private(set) var stepCount = 0

  public init(
    betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8, weightDecay: Double = 0,
    decoupledWeightDecay: Bool = false, maximize: Bool = false
  ) {
    beta1 = betas.0
    beta2 = betas.1
    self.epsilon = epsilon
    self.weightDecay = weightDecay
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
    let beta2Power = Elementary.pow(beta2, t)
    let biasCorrection1 = 1 - Elementary.pow(beta1, t)
    let biasCorrection2 = 1 - beta2Power
    let rhoInfinity = 2 / (1 - beta2) - 1
    let rho = rhoInfinity - 2 * t * beta2Power / biasCorrection2
    let rectified = rho > 5.0
    var rectification = 0.0
    var biasCorrection2Root = 0.0
    if rectified {
      rectification = TorchArithmetic.pythonSquareRoot(
        (rho - 4) * (rho - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho))
      biasCorrection2Root = TorchArithmetic.pythonSquareRoot(biasCorrection2)
    }
    for i in 0..<dimension {
      let g = gradient[i]
      firstMoment[i] = TorchArithmetic.lerp(firstMoment[i], g, weight: 1 - beta1)
      secondMoment[i] = TorchArithmetic.addcmul(beta2 * secondMoment[i], g, g, value: 1 - beta2)
      let corrected = firstMoment[i] / biasCorrection1
      if rectified {
        let adaptive = 1 / (secondMoment[i].squareRoot() + epsilon) * biasCorrection2Root
        parameters[i] = TorchArithmetic.add(
          parameters[i], corrected * learningRate * adaptive * rectification, alpha: -1)
      } else {
        parameters[i] = TorchArithmetic.add(parameters[i], corrected * learningRate, alpha: -1)
      }
    }
  }
}
