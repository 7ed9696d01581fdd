/// The exact solution of one mode's recurrence (`ModeDynamics`), evaluated at any step without
/// iterating: e₀ at k = 0 and
///
///   e_k = e₀·(c·U_k − b·U_{k−1})  for k ≥ 1,
///
/// where U is the Lucas sequence of (a, b): U₀ = 0, U₁ = 1, U_{k+1} = a·U_k − b·U_{k−1} (any
/// solution x of the recurrence is x_k = x₁·U_k − b·x₀·U_{k−1}). In terms of the multipliers:
///
/// | multipliers | U_k |
/// |---|---|
/// | b = 0 (one multiplier a) | a^{k−1} |
/// | complex, ρe^{±iθ} | ρ^{k−1}·sin(kθ)/sin θ |
/// | real σ₁ ≠ σ₂ | (σ₁^k − σ₂^k)/(σ₁ − σ₂), with expm1/log1p when they are close |
/// | double, σ | k·σ^{k−1} |
///
/// Every U_k is a sum of k products of k − 1 multipliers, so |U_k| ≤ ρ^{k−1}·min(k, D) with
/// ρ = max|σ| and D = 2ρ/|σ₁ − σ₂|; `envelope(at:)` bounds |e_k| with it.
struct ModeSolution {
  let dynamics: ModeDynamics
  let initialError: Double
  /// ρ, the largest modulus of the multipliers.
  let radius: Double
  /// D of the bound on |U_k| (1 with one multiplier, ∞ for a double root).
  let spread: Double
  /// Whether the mode can change sign more than once: a multiplier is negative or complex. (With
  /// real multipliers σ₁ > σ₂ ≥ 0, e_k = Aσ₁^k + Bσ₂^k has at most one zero, as (σ₁/σ₂)^k is monotone.)
  let canOscillate: Bool
  private let form: Form

  private enum Form {
    case single(Double)
    case complex(radius: Double, angle: Double, sine: Double)
    /// σ₁, σ₂ and d = |σ₁ − σ₂|.
    case real(Double, Double, difference: Double)
    case double(Double)
  }

  init(dynamics: ModeDynamics, initialError: Double) {
    self.dynamics = dynamics
    self.initialError = initialError
    let (a, b) = (dynamics.a, dynamics.b)
    let discriminant = a * a - 4 * b
    if b == 0 {
      form = .single(a)
      radius = abs(a)
      spread = 1
      canOscillate = a < 0
    } else if discriminant < 0 {
      let radius = b.squareRoot()
      let imaginary = (-discriminant).squareRoot() / 2
      let sine = imaginary / radius
      form = .complex(radius: radius, angle: Elementary.atan2(imaginary, a / 2), sine: sine)
      self.radius = radius
      spread = 1 / sine
      canOscillate = true
    } else if discriminant == 0 {
      form = .double(a / 2)
      radius = abs(a / 2)
      spread = .infinity
      canOscillate = a < 0
    } else {
      let roots = dynamics.roots
      let difference = discriminant.squareRoot()
      form = .real(roots[0].real, roots[1].real, difference: difference)
      radius = abs(roots[0].real)
      spread = 2 * radius / difference
      canOscillate = roots[0].real < 0 || roots[1].real < 0
    }
  }

  /// σ^k for a real σ, with the sign of a negative σ alternating.
  private static func power(_ base: Double, _ k: Int) -> Double {
    let magnitude = Elementary.pow(abs(base), Double(k))
    return base < 0 && k % 2 == 1 ? -magnitude : magnitude
  }

  /// U_k, k ≥ 0.
  func lucas(_ k: Int) -> Double {
    if k == 0 { return 0 }
    switch form {
    case .single(let a):
      return Self.power(a, k - 1)
    case .complex(let radius, let angle, let sine):
      return Elementary.pow(radius, Double(k - 1)) * Elementary.sin(Double(k) * angle) / sine
    case .double(let root):
      return Double(k) * Self.power(root, k - 1)
    case .real(let first, let second, let difference):
      if first * second > 0 && difference < 1e-3 * abs(first) {
        // Close roots of one sign: σ₁^k − σ₂^k = σ₂^k·expm1(k·ln(σ₁/σ₂)), without cancellation.
        let (larger, smaller) = (abs(first), abs(second))
        let growth = Elementary.expMinusOne(Double(k) * Elementary.logOnePlus((larger - smaller) / smaller))
        let sign: Double = first < 0 && k % 2 == 0 ? -1 : 1  // σ₁ − σ₂ carries the sign of σ₁
        return sign * Elementary.pow(smaller, Double(k)) * growth / difference
      }
      return (Self.power(first, k) - Self.power(second, k)) / (first - second)
    }
  }

  /// e_k.
  func error(at k: Int) -> Double {
    if k == 0 { return initialError }
    let previous = k == 1 ? 0 : lucas(k - 1)
    return initialError * (dynamics.c * lucas(k) - dynamics.b * previous)
  }

  /// An upper bound on |e_k|: |e₀| at k = 0, |c·e₀| at k = 1, and for k ≥ 2
  /// |e₀|·(|c|·ρ + |b|)·ρ^{k−2}·min(k, D).
  func envelope(at k: Int) -> Double {
    switch k {
    case 0: return abs(initialError)
    case 1: return abs(dynamics.c * initialError)
    default:
      if radius == 0 { return 0 }
      return abs(initialError) * (abs(dynamics.c) * radius + abs(dynamics.b)) * Elementary.pow(radius, Double(k - 2))
        * min(Double(k), spread)
    }
  }

  /// A step from which `envelope` no longer increases (ρ < 1): past both the end of the
  /// min(k, D) ramp and the peak of k·ρ^k at 1/ln(1/ρ).
  var envelopeDecreasesFrom: Int {
    guard radius < 1, radius > 0 else { return 2 }
    let peak = min(spread, 1 / -Elementary.log(radius))
    return peak < 1e15 ? max(2, Int(peak.rounded(.up)) + 1) : Int.max / 4
  }

  /// The largest envelope over steps k… (k ≥ 2) up to `end`: at k once it decreases, else at its
  /// turning point; at `end` when the mode does not decay.
  func envelopeSupremum(from k: Int, to end: Int) -> Double {
    guard k <= end else { return 0 }
    if radius >= 1 { return envelope(at: end) }
    let turn = envelopeDecreasesFrom
    if k >= turn { return envelope(at: k) }
    // Before the turn: ρ^{j−2} ≤ ρ^{k−2} and min(j, D) ≤ min(turn, D).
    return abs(initialError) * (abs(dynamics.c) * radius + abs(dynamics.b)) * Elementary.pow(radius, Double(k - 2))
      * min(Double(min(turn, end)), spread)
  }
}

/// The classifier's rules (`RegimeClassifier`) applied to the closed-form solutions of the modes,
/// without generating the trajectory: the steps that decide a rule (the first to leave the
/// divergence bound, the last above tolerance, the first two sign changes of a mode) are located
/// with the envelopes and checked against the exact solutions around them.
struct ClosedFormClassification {
  let modes: [ModeSolution]
  let tolerance: Double
  let bound: Double
  let steps: Int

  init(modes: [ModeSolution], settings: RunSettings) {
    self.modes = modes
    var initialNormSquared = 0.0
    for mode in modes { initialNormSquared += mode.initialError * mode.initialError }
    let scale = max(1, initialNormSquared.squareRoot())
    tolerance = settings.tolerance * scale
    bound = settings.divergenceBound * scale
    steps = settings.steps
  }

  func normSquared(at k: Int) -> Double {
    var sum = 0.0
    for mode in modes {
      let error = mode.error(at: k)
      sum += error * error
    }
    return sum
  }

  /// An upper bound on ‖e_j‖² for every j in k…end (k ≥ 2), non-increasing in k.
  private func envelopeSquared(from k: Int, to end: Int) -> Double {
    var sum = 0.0
    for mode in modes {
      let supremum = mode.envelopeSupremum(from: k, to: end)
      sum += supremum * supremum
    }
    return sum
  }

  /// The first step whose error leaves the divergence bound (or is not finite), nil if none up to
  /// `steps`. A mode can push the norm past the bound only where its envelope exceeds bound/√n.
  func divergenceStep() -> Int? {
    let boundSquared = min(bound * bound, .greatestFiniteMagnitude)
    for k in 0...min(1, steps) where !(normSquared(at: k) <= boundSquared) { return k }
    guard steps >= 2 else { return nil }
    let share = bound / Double(modes.count).squareRoot()
    var first: Int?
    for mode in modes {
      if mode.radius >= 1 {
        // A non-decreasing envelope: the first step past the share, by bisection.
        guard !(mode.envelope(at: steps) <= share) else { continue }
        var (low, high) = (2, steps)
        if !(mode.envelope(at: low) <= share) {
          high = low
        }
        while low < high {
          let middle = low + (high - low) / 2
          if mode.envelope(at: middle) <= share { low = middle + 1 } else { high = middle }
        }
        first = min(first ?? high, high)
      } else if !(mode.envelopeSupremum(from: 2, to: steps) <= share) {
        first = 2  // a transient that might leave the bound: look from the start
      }
    }
    guard let first else { return nil }
    for k in first...steps where !(normSquared(at: k) <= boundSquared) { return k }
    return nil
  }

  /// The last step in 0…end whose error is above tolerance (−1 if none), as the classifier's
  /// `lastStepAboveTolerance`: the envelopes bound where to start looking back from.
  func lastStepAboveTolerance(end: Int) -> Int {
    let toleranceSquared = tolerance * tolerance
    if !(normSquared(at: end) <= toleranceSquared) { return end }
    var from = end
    if end >= 2 && envelopeSquared(from: end, to: end) <= toleranceSquared {
      // The first k ≥ 2 from which the envelopes stay within tolerance up to `end`.
      var (low, high) = (2, end)
      while low < high {
        let middle = low + (high - low) / 2
        if envelopeSquared(from: middle, to: end) <= toleranceSquared { high = middle } else { low = middle + 1 }
      }
      from = low
    }
    var k = from
    while k >= 0 {
      if !(normSquared(at: k) <= toleranceSquared) { return k }
      k -= 1
    }
    return -1
  }

  /// Sign changes of mode `index` among its iterates above tolerance up to `end`, counted up to 2
  /// (all the classifier needs: a component oscillates when it changes sign at least twice).
  func signChanges(ofMode index: Int, end: Int) -> Int {
    let mode = modes[index]
    guard mode.canOscillate else { return 0 }
    // Beyond `limit` the envelope keeps the mode within tolerance.
    var limit = end
    if mode.radius < 1 && end >= 2 {
      let start = max(2, mode.envelopeDecreasesFrom)
      if start <= end && mode.envelope(at: start) <= tolerance {
        limit = start
      } else if start <= end && mode.envelope(at: end) <= tolerance {
        var (low, high) = (start, end)
        while low < high {
          let middle = low + (high - low) / 2
          if mode.envelope(at: middle) <= tolerance { high = middle } else { low = middle + 1 }
        }
        limit = low
      }
    }
    var lastSign = 0.0
    var changes = 0
    for k in 0...limit {
      let error = mode.error(at: k)
      guard abs(error) > tolerance else { continue }
      let sign: Double = error > 0 ? 1 : -1
      if lastSign != sign {
        if lastSign != 0 { changes += 1 }
        if changes == 2 { break }
        lastSign = sign
      }
    }
    return changes
  }

  /// The regime, convergence and steps to tolerance the classifier would give the modes' run.
  func classify() -> (regime: Regime, converged: Bool, stepsToTolerance: Int?) {
    let n = modes.count
    let divergence = divergenceStep()
    let end = divergence ?? steps
    let toleranceSquared = tolerance * tolerance
    let finalNormSquared = normSquared(at: end)
    let converged = divergence == nil && finalNormSquared <= toleranceSquared
    let stepsToTolerance = converged ? lastStepAboveTolerance(end: end) + 1 : nil
    let initial = modes.map(\.initialError)
    let final = modes.map { $0.error(at: end) }
    let active = initial.map { abs($0) > tolerance }
    let oscillates = (0..<n).map { active[$0] && signChanges(ofMode: $0, end: end) >= 2 }
    var initialNormSquared = 0.0
    for value in initial { initialNormSquared += value * value }
    let midNormSquared = end >= steps / 2 ? normSquared(at: steps / 2) : 0
    let growing = finalNormSquared > 4 * initialNormSquared && finalNormSquared > midNormSquared
    let regime = RegimeClassifier.regime(
      divergent: divergence != nil || growing, converged: converged, stepsToTolerance: stepsToTolerance,
      initial: initial, final: final, active: active, oscillates: oscillates)
    return (regime, converged, stepsToTolerance)
  }
}
