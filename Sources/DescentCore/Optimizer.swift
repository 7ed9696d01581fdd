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
}

/// `torch.optim.SGD`: plain gradient descent, heavy-ball or Nesterov momentum, dampening,
/// L2 weight decay and `maximize`, with torch's single-tensor operation order.
///
/// Per coordinate, with g = ∇f(θ):
/// ```
/// if maximize: g = −g
/// if wd ≠ 0:   g = g + wd·θ
/// if μ ≠ 0:    buf = g (first step) else μ·buf + (1 − τ)·g
///              g = g + μ·buf (nesterov) else buf
/// θ = θ − lr·g
/// ```
public struct SGD: Optimizer, Hashable {
  public let momentum: Double
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
  private let isPlain: Bool

  public static var maximumStateVectorCount: Int { 1 }

  @inline(__always)
  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    // Each configuration gets its own branch-free loop; the operations and their order are
    // torch's in every case.
    if isPlain {
      for i in 0..<dimension { parameters[i] = parameters[i] - learningRate * gradient[i] }
      return
    }
    if maximize {
      for i in 0..<dimension { gradient[i] = -gradient[i] }
    }
    if weightDecay != 0 {
      for i in 0..<dimension { gradient[i] = gradient[i] + weightDecay * parameters[i] }
    }
    if momentum == 0 {
      for i in 0..<dimension { parameters[i] = parameters[i] - learningRate * gradient[i] }
      return
    }
    let buffer = state
    if !hasMomentumBuffer {
      // First step: buf = g (torch clones the gradient; no dampening).
      for i in 0..<dimension { buffer[i] = gradient[i] }
      hasMomentumBuffer = true
    } else {
      let keep = 1 - dampening
      for i in 0..<dimension { buffer[i] = momentum * buffer[i] + keep * gradient[i] }
    }
    if nesterov {
      for i in 0..<dimension { parameters[i] = parameters[i] - learningRate * (gradient[i] + momentum * buffer[i]) }
    } else {
      for i in 0..<dimension { parameters[i] = parameters[i] - learningRate * buffer[i] }
    }
  }
}
