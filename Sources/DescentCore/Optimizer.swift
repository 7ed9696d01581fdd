/// One optimizer of the torch.optim family, as a value: its options plus its scalar state.
///
/// Vector state (momentum buffers, moment estimates) lives in a workspace the run loop
/// allocates once: `stateVectorCount` vectors of `dimension` doubles, zero-initialized.
public protocol Optimizer: Sendable {
  /// How many n-vectors of state the optimizer keeps.
  var stateVectorCount: Int { get }

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
  public var momentum: Double
  public var dampening: Double
  public var weightDecay: Double
  public var nesterov: Bool
  public var maximize: Bool
  /// Whether the momentum buffer has been initialized (torch's `buf is None` test).
  public var hasMomentumBuffer = false

  public init(momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) {
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
    self.maximize = maximize
  }

  public var stateVectorCount: Int { momentum != 0 ? 1 : 0 }

  public mutating func step(
    parameters: UnsafeMutablePointer<Double>, gradient: UnsafeMutablePointer<Double>,
    state: UnsafeMutablePointer<Double>, dimension: Int, learningRate: Double
  ) {
    let firstStep = !hasMomentumBuffer
    let keep = 1 - dampening
    for i in 0..<dimension {
      var g = maximize ? -gradient[i] : gradient[i]
      if weightDecay != 0 { g = g + weightDecay * parameters[i] }
      if momentum != 0 {
        let buffer = firstStep ? g : momentum * state[i] + keep * g
        state[i] = buffer
        g = nesterov ? g + momentum * buffer : buffer
      }
      parameters[i] = parameters[i] - learningRate * g
    }
    if momentum != 0 { hasMomentumBuffer = true }
  }
}
