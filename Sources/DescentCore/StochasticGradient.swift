/// How mini-batches are drawn from the samples of a landscape.
public enum BatchSampling: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Epochs of reshuffled batches without replacement, as a PyTorch `DataLoader(shuffle=True)`:
  /// each epoch is a fresh permutation cut into ⌈n/B⌉ batches (the last one smaller when B does
  /// not divide n). The noise floor of SGD scales as η².
  case shuffle
  /// B samples drawn independently and uniformly with replacement at every step. The noise floor
  /// scales as η.
  case replacement

  public var description: String { rawValue }
}

/// The gradient the optimizer sees, when it is not the true ∇f(x): seeded Gaussian noise on every
/// component (`noise: {std: σ}`) and/or the mean gradient of a mini-batch of the landscape's
/// samples (`batch_size`, `sampling`). The loss, the gradient norm a run records and its noise
/// floor are always the true ones.
public struct StochasticGradient: Sendable, Hashable {
  /// σ: g ← g + σ·z with z ~ N(0, I) drawn afresh each step; 0 for none.
  public var noiseStandardDeviation: Double
  /// B, the samples per mini-batch; nil for the full (true) gradient.
  public var batchSize: Int?
  public var sampling: BatchSampling

  public init(noiseStandardDeviation: Double = 0, batchSize: Int? = nil, sampling: BatchSampling = .shuffle) {
    self.noiseStandardDeviation = noiseStandardDeviation
    self.batchSize = batchSize
    self.sampling = sampling
  }

  /// The true gradient.
  public static let exact = StochasticGradient()

  /// Whether the optimizer sees the true gradient.
  public var isExact: Bool { noiseStandardDeviation == 0 && batchSize == nil }
}

/// Turns the true gradient at x_k into the one the optimizer sees at step k, in buffers it owns.
///
/// Every draw is a pure function of (seed, step) — the noise and with-replacement batches of
/// step k from `RandomStream`s keyed by k, the permutation of epoch e from one keyed by e — so a
/// run gives the same numbers whatever thread, shard or order it runs in, and a second pass over
/// the same steps repeats the first.
final class GradientSampler {
  let settings: StochasticGradient
  let seed: UInt64
  let dimension: Int
  /// x_k, copied in by the loop.
  let point: UnsafeMutablePointer<Double>
  /// ∇f(x_k) in, the gradient the optimizer sees out.
  let gradient: UnsafeMutablePointer<Double>
  /// Standard normal draws for one step.
  private let normals: UnsafeMutablePointer<Double>
  private let samples: LeastSquares?
  /// The sample indices of the current batch (with replacement), or of the current epoch (shuffle).
  private let indices: UnsafeMutablePointer<Int>?
  private let indexCount: Int
  /// The epoch whose permutation `indices` holds (shuffle), −1 for none yet.
  private var permutedEpoch = -1

  /// - Precondition: when `settings.batchSize` is set, `samples` are given and the batch size
  ///   is at most their count.
  init(settings: StochasticGradient, seed: UInt64, dimension: Int, samples: LeastSquares?) {
    self.settings = settings
    self.seed = seed
    self.dimension = dimension
    self.samples = samples
    point = .allocate(capacity: dimension)
    gradient = .allocate(capacity: dimension)
    normals = .allocate(capacity: dimension)
    if let batchSize = settings.batchSize {
      let samples = samples!
      precondition(batchSize >= 1 && batchSize <= samples.options.samples)
      indexCount = settings.sampling == .shuffle ? samples.options.samples : batchSize
      indices = .allocate(capacity: indexCount)
    } else {
      indexCount = 0
      indices = nil
    }
  }

  deinit {
    point.deallocate()
    gradient.deallocate()
    normals.deallocate()
    indices?.deallocate()
  }

  /// Replaces `gradient` (the true one at `point`) by the gradient the optimizer sees at `step`.
  /// Kept out of line so the loop's own buffers never escape into it (the loop copies in and out).
  @inline(never)
  func sample(step: Int) {
    let n = dimension
    if let batchSize = settings.batchSize, let samples, let indices {
      let count: Int
      let batch: UnsafePointer<Int>
      switch settings.sampling {
      case .replacement:
        var random = RandomStream.generator(seed: seed, purpose: .batchWithReplacement, counter: UInt64(step))
        for position in 0..<batchSize { indices[position] = random.nextIndex(below: samples.options.samples) }
        count = batchSize
        batch = UnsafePointer(indices)
      case .shuffle:
        let total = samples.options.samples
        let batchesPerEpoch = (total + batchSize - 1) / batchSize
        let epoch = step / batchesPerEpoch
        if epoch != permutedEpoch {
          permute(epoch: epoch)
          permutedEpoch = epoch
        }
        let first = (step % batchesPerEpoch) * batchSize
        count = min(batchSize, total - first)
        batch = UnsafePointer(indices + first)
      }
      samples.design.withUnsafeBufferPointer { design in
        samples.targets.withUnsafeBufferPointer { targets in
          samples.batchGradient(
            at: point, batch: batch, count: count, into: gradient, design: design.baseAddress!,
            targets: targets.baseAddress!)
        }
      }
    }
    let sigma = settings.noiseStandardDeviation
    if sigma != 0 {
      var random = RandomStream.generator(seed: seed, purpose: .gradientNoise, counter: UInt64(step))
      random.fillGaussian(normals, count: n)
      for i in 0..<n { gradient[i] += sigma * normals[i] }
    }
  }

  /// Fills `indices` with the permutation of epoch `epoch`: Fisher–Yates from the identity with a
  /// stream keyed by the epoch, so an epoch's batches never depend on the epochs before it.
  private func permute(epoch: Int) {
    guard let indices else { return }
    for i in 0..<indexCount { indices[i] = i }
    var random = RandomStream.generator(seed: seed, purpose: .epochPermutation, counter: UInt64(epoch))
    var i = indexCount - 1
    while i > 0 {
      let j = random.nextIndex(below: i + 1)
      indices.swapAt(i, j)
      i -= 1
    }
  }
}

extension UnsafeMutablePointer where Pointee == Int {
  fileprivate func swapAt(_ i: Int, _ j: Int) {
    let held = self[i]
    self[i] = self[j]
    self[j] = held
  }
}

/// A sampler of the gradients the optimizer sees, for `descend`: `.none` (the true gradient) or
/// the sampler a `Problem`'s `stochasticGradient` asks for (built by `Engine`).
public struct GradientPerturbation {
  let sampler: GradientSampler?

  /// The true gradient: the optimizer sees ∇f(x_k).
  public static var none: GradientPerturbation { GradientPerturbation(sampler: nil) }
}

/// What the run loop does to the true gradient before the optimizer steps: a type parameter of
/// the loop, so exact runs compile to the loop without any hook at all.
protocol GradientSource {
  /// Replaces the true gradient at `point` by the one the optimizer sees at `step`.
  func apply(gradient: UnsafeMutablePointer<Double>, point: UnsafePointer<Double>, step: Int, dimension n: Int)
}

/// A perturbation as the loop's hook, for loops that serve exact and stochastic runs alike: it
/// samples when it has a sampler (a loop-invariant test per step).
extension GradientPerturbation: GradientSource {
  @inline(__always)
  func apply(gradient: UnsafeMutablePointer<Double>, point: UnsafePointer<Double>, step: Int, dimension n: Int) {
    if let sampler {
      SampledGradient(sampler: sampler).apply(gradient: gradient, point: point, step: step, dimension: n)
    }
  }
}

/// The true gradient: nothing to do.
struct ExactGradient: GradientSource {
  @inline(__always)
  func apply(gradient: UnsafeMutablePointer<Double>, point: UnsafePointer<Double>, step: Int, dimension n: Int) {}
}

/// Noisy or mini-batch gradients from a `GradientSampler`. The loop's buffers are copied in and
/// out, so they never escape into the (out-of-line) sampler.
struct SampledGradient: GradientSource {
  let sampler: GradientSampler

  @inline(__always)
  func apply(gradient: UnsafeMutablePointer<Double>, point: UnsafePointer<Double>, step: Int, dimension n: Int) {
    for i in 0..<n {
      sampler.point[i] = point[i]
      sampler.gradient[i] = gradient[i]
    }
    sampler.sample(step: step)
    for i in 0..<n { gradient[i] = sampler.gradient[i] }
  }
}

extension GradientPerturbation {
  /// The perturbation `problem.stochasticGradient` asks for; `samples` are the landscape's own
  /// when it is made of samples (least squares).
  init(_ problem: Problem, samples: LeastSquares?) throws(EngineError) {
    let settings = problem.stochasticGradient
    guard !settings.isExact else {
      self = .none
      return
    }
    if let batchSize = settings.batchSize {
      guard let samples else {
        throw .invalidBatchSize("'batch_size' needs a landscape made of samples, such as least-squares")
      }
      guard batchSize >= 1, batchSize <= samples.options.samples else {
        throw .invalidBatchSize(
          "'batch_size' is \(batchSize) but the landscape has \(samples.options.samples) samples")
      }
    }
    self.init(
      sampler: GradientSampler(
        settings: settings, seed: problem.seed, dimension: problem.landscape.dimension, samples: samples))
  }
}
