/// One optimizer of the torch.optim family, as a value: its options plus its scalar state.
///
/// Vector state (momentum buffers, moment estimates) lives in a workspace the run loop
/// allocates once: `maximumStateVectorCount` vectors of `dimension` doubles, zero-initialized.
public protocol Optimizer: Sendable {
  /// How many n-vectors of state the optimizer may keep, whatever its options (a constant, so the
  /// loop's workspace has a constant size).
  static var maximumStateVectorCount: Int { get }

  /// Performs one step: updates `parameters` in place from `gradient` (which it may overwrite)
  /// with learning rate `learningRate`.
  mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double)

  /// Sets the state vectors to their initial values; called once, before the first step, on a
  /// zeroed workspace (the default leaves them zero).
  func initializeState(_ state: UnsafeMutablePointer<Double>, dimension: Int)

  /// The option torch's `OneCycleLR(cycle_momentum=True)` overwrites before every step: `momentum`
  /// (SGD, RMSprop) or `betas` (its β₁: the Adam family, Adamax, Lion); nil when the optimizer has
  /// neither, and torch refuses to cycle it.
  static var cycledMomentumOption: String? { get }

  /// Replaces the momentum or β₁ (`cycledMomentumOption`) for the coming steps, as OneCycleLR does.
  mutating func setCycledMomentum(_ value: Double)
}

extension Optimizer {
  public func initializeState(_ state: UnsafeMutablePointer<Double>, dimension: Int) {}
  public static var cycledMomentumOption: String? { nil }
  public mutating func setCycledMomentum(_ value: Double) {}
}

/// `torch.optim.SGD`: plain gradient descent, heavy-ball or Nesterov momentum, dampening,
/// L2 weight decay and `maximize`, with torch's single-tensor operation order.
///
/// Per coordinate, with g = ∇f(θ) (each line one torch kernel; `fma` rounds once, see
/// `TorchArithmetic`):
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   g = fma(wd, θ, g)
/// if μ ≠ 0:    buf = g (first step) else fma(1 − τ, g, μ·buf)
///              g = fma(μ, buf, g) (nesterov) else buf
/// θ = fma(−lr, g, θ)
/// ```
public struct SGD: Optimizer, Hashable {
  /// μ; OneCycleLR's `cycle_momentum` overwrites it every step.
  public private(set) var momentum: Double
  public let dampening: Double
  public let weightDecay: Double
  public let nesterov: Bool
  public let maximize: Bool
  /// Whether the momentum buffer has been initialized (torch's `buf is None` test).
  public var hasMomentumBuffer = false

  public init(
    momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false
  ) {
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
    self.maximize = maximize
    isPlain = momentum == 0 && weightDecay == 0 && !maximize
  }

  /// No momentum, weight decay or maximize: θ ← θ − lr·g.
  private var isPlain: Bool

  public static var maximumStateVectorCount: Int { 1 }

  public static var cycledMomentumOption: String? { "momentum" }

  public mutating func setCycledMomentum(_ value: Double) {
    momentum = value
    isPlain = momentum == 0 && weightDecay == 0 && !maximize
  }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    // Each configuration gets its own branch-free loop; the operations and their order are
    // torch's in every case.
    if isPlain {
      for i in 0..<dimension { parameters[i] = TorchArithmetic.add(parameters[i], gradient[i], alpha: -learningRate) }
      return
    }
    if maximize {
      for i in 0..<dimension { gradient[i] = -gradient[i] }
    }
    if weightDecay != 0 {
      for i in 0..<dimension { gradient[i] = TorchArithmetic.add(gradient[i], parameters[i], alpha: weightDecay) }
    }
    if momentum == 0 {
      for i in 0..<dimension { parameters[i] = TorchArithmetic.add(parameters[i], gradient[i], alpha: -learningRate) }
      return
    }
    let buffer = state
    if !hasMomentumBuffer {
      // First step: buf = g (torch clones the gradient; no dampening).
      for i in 0..<dimension { buffer[i] = gradient[i] }
      hasMomentumBuffer = true
    } else {
      let keep = 1 - dampening
      for i in 0..<dimension { buffer[i] = TorchArithmetic.add(momentum * buffer[i], gradient[i], alpha: keep) }
    }
    if nesterov {
      for i in 0..<dimension {
        let direction = TorchArithmetic.add(gradient[i], buffer[i], alpha: momentum)
        parameters[i] = TorchArithmetic.add(parameters[i], direction, alpha: -learningRate)
      }
    } else {
      for i in 0..<dimension { parameters[i] = TorchArithmetic.add(parameters[i], buffer[i], alpha: -learningRate) }
    }
  }
}
