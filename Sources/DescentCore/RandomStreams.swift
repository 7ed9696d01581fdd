/// Counter-based random streams: every draw of a run is a pure function of (seed, purpose, counter,
/// index), so a run's randomness never depends on the thread, shard or order it runs in, and any
/// step's draws can be produced without producing the steps before it.
///
/// A stream is SplitMix64 started at a state derived from the key; SplitMix64's k-th output is
/// mix(state + (k + 1)·γ), so the stream itself is a counter-based generator.
public enum RandomStream {
  /// What a stream is used for; distinct purposes give independent streams for the same counter.
  public enum Purpose: UInt64, Sendable {
    /// Gaussian noise added to the gradient (counter: the step).
    case gradientNoise = 0x6E6F_6973_6500_0001
    /// Mini-batch indices drawn with replacement (counter: the step).
    case batchWithReplacement = 0x6261_7463_6800_0002
    /// The permutation of one epoch of reshuffled mini-batches (counter: the epoch).
    case epochPermutation = 0x6570_6F63_6800_0003
    /// The generated data of a landscape (counter: 0).
    case landscapeData = 0x6461_7461_0000_0004
  }

  /// The generator for (`seed`, `purpose`, `counter`): the key is mixed twice so that nearby seeds
  /// and counters give unrelated streams.
  @inlinable
  public static func generator(seed: UInt64, purpose: Purpose, counter: UInt64) -> SplitMix64 {
    SplitMix64(seed: SplitMix64.mix(SplitMix64.mix(seed ^ purpose.rawValue) &+ counter))
  }
}

extension SplitMix64 {
  /// A uniform double in [0, 1): the top 53 bits of the next output, times 2⁻⁵³.
  @inlinable
  public mutating func nextUnitInterval() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A uniform integer in 0 ..< `bound` (bound > 0), as the high half of the 128-bit product of
  /// the next output and `bound` (Lemire's multiply-shift; the bias, below bound/2⁶⁴, is
  /// negligible for any data set that fits in memory).
  @inlinable
  public mutating func nextIndex(below bound: Int) -> Int {
    Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
  }

  /// Two independent standard normal deviates by the Box–Muller transform:
  /// r = √(−2 ln u₁), θ = 2π u₂, (r cos θ, r sin θ), with u₁ ∈ (0, 1] and u₂ ∈ [0, 1).
  @inlinable
  public mutating func nextGaussianPair() -> (Double, Double) {
    let u1 = 1 - nextUnitInterval()
    let u2 = nextUnitInterval()
    let radius = (-2 * Elementary.log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    return (radius * Elementary.cos(angle), radius * Elementary.sin(angle))
  }

  /// Fills `count` values at `destination` with standard normal deviates.
  @inlinable
  public mutating func fillGaussian(_ destination: UnsafeMutablePointer<Double>, count: Int) {
    var index = 0
    while index < count {
      let (first, second) = nextGaussianPair()
      destination[index] = first
      if index + 1 < count { destination[index + 1] = second }
      index += 2
    }
  }
}
