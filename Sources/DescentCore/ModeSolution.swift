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
/// | real σ₁ ≠ σ₂ | (σ₁^k − σ₂^k)/(σ₁ − σ₂), as −σ₁^k·expm1(−k·ln(σ₁/σ₂))/(σ₁ − σ₂) when they are close |
/// | double, σ | k·σ^{k−1} |
///
/// Envelope: U_k = σ_p·U_{k−1} + σ_q^{k−1} for either labelling of the multipliers, so
/// c·U_k − b·U_{k−1} = σ_p(c − σ_q)·U_{k−1} + c·σ_q^{k−1}; with |U_j| ≤ ρ^{j−1}·min(j, D)
/// (ρ = max|σ|, D = 2ρ/|σ₁ − σ₂|), |e_k| ≤ |e₀|·ρ^{k−1}·(|c| + δ·min(k−1, D)), δ = min_q |c − σ_q|.
/// Near a double root both δ and the transient are small, so the bound stays close to |e_k|.
struct ModeSolution {
  let dynamics: ModeDynamics
  let initialError: Double
  /// ρ, the largest modulus of the multipliers.
  let radius: Double
  /// D of the bound on |U_k| (∞ for a double root).
  let spread: Double
  /// δ = min over the multipliers σ of |c − σ|.
  let offset: Double
  /// Whether the mode can change sign more than once: a multiplier is negative or complex. (With
  /// real multipliers σ₁ > σ₂ ≥ 0, e_k = Aσ₁^k + Bσ₂^k has at most one zero, as (σ₁/σ₂)^k is monotone.)
  let canOscillate: Bool
  private let form: Form

  private enum Form {
    case single(Double)
    case complex(radius: Double, angle: Double, sine: Double)
    /// σ₁, σ₂ (|σ₁| ≥ |σ₂|) and d = |σ₁ − σ₂|.
    case real(Double, Double, difference: Double)
    case double(Double)
  }

  init(dynamics: ModeDynamics, initialError: Double) {
    self.dynamics = dynamics
    self.initialError = initialError
    let (a, b, c) = (dynamics.a, dynamics.b, dynamics.c)
    let discriminant = dynamics.discriminant
    if b == 0 {
      form = .single(a)
      radius = abs(a)
      spread = 1
      offset = 0  // e_k = c·a^{k−1}·e₀ exactly
      canOscillate = a < 0
    } else if discriminant < 0 {
      let radius = b.squareRoot()
      let imaginary = (-discriminant).squareRoot() / 2
      let sine = imaginary / radius
      form = .complex(radius: radius, angle: Elementary.atan2(imaginary, a / 2), sine: sine)
      self.radius = radius
      spread = 1 / sine
      offset = ((c - a / 2) * (c - a / 2) + imaginary * imaginary).squareRoot()
      canOscillate = true
    } else if discriminant == 0 {
      form = .double(a / 2)
      radius = abs(a / 2)
      spread = .infinity
      offset = abs(c - a / 2)
      canOscillate = a < 0
    } else {
      let roots = dynamics.roots
      let difference = discriminant.squareRoot()
      form = .real(roots[0].real, roots[1].real, difference: difference)
      radius = abs(roots[0].real)
      spread = 2 * radius / difference
      offset = min(abs(c - roots[0].real), abs(c - roots[1].real))
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
        // Close roots of one sign s: σ₁^k − σ₂^k = s^k·|σ₁|^k·(−expm1(−k·ln|σ₁/σ₂|)), without
        // cancellation, and σ₁ − σ₂ = s·d; |σ₁|^k under- or overflows alone, never into NaN.
        let (larger, smaller) = (abs(first), abs(second))
        let fraction = -Elementary.expMinusOne(-Double(k) * Elementary.logOnePlus(difference / smaller))
        let sign: Double = first < 0 && k % 2 == 0 ? -1 : 1  // s^{k−1}
        return sign * Elementary.pow(larger, Double(k)) * fraction / difference
      }
      return (Self.power(first, k) - Self.power(second, k)) / (first - second)
    }
  }

  /// e_k (0 for every k when the mode starts at 0, whatever its multipliers).
  func error(at k: Int) -> Double {
    if k == 0 || initialError == 0 { return initialError }
    let previous = k == 1 ? 0 : lucas(k - 1)
    return initialError * (dynamics.c * lucas(k) - dynamics.b * previous)
  }

  /// An upper bound on |e_k|: |e₀| at k = 0, then |e₀|·ρ^{k−1}·(|c| + δ·min(k−1, D)).
  func envelope(at k: Int) -> Double {
    if k == 0 || initialError == 0 { return abs(initialError) }
    let ramp = offset == 0 ? 0 : offset * min(Double(k - 1), spread)
    return abs(initialError) * Elementary.pow(radius, Double(k - 1)) * (abs(dynamics.c) + ramp)
  }

  /// A step from which `envelope` no longer increases (ρ < 1): past the end of the min(j, D) ramp,
  /// and past j = ρ/(1 − ρ) − |c|/δ, where ρ^j·(|c| + δj) turns down.
  var envelopeDecreasesFrom: Int {
    guard radius < 1, radius > 0, offset > 0 else { return 1 }
    let turn = min(spread, max(0, radius / (1 - radius) - abs(dynamics.c) / offset))
    return turn < 1e15 ? Int(turn.rounded(.up)) + 2 : Int.max / 4
  }

  /// The largest envelope over steps k…end (k ≥ 1): at k once it decreases, else bounded with its
  /// ramp at the turning point; at `end` when the mode does not decay.
  func envelopeSupremum(from k: Int, to end: Int) -> Double {
    guard k <= end else { return 0 }
    if initialError == 0 { return 0 }
    if radius >= 1 { return envelope(at: end) }
    let turn = envelopeDecreasesFrom
    if k >= turn { return envelope(at: k) }
    // Before the turn: ρ^{j−1} ≤ ρ^{k−1} and min(j − 1, D) ≤ min(turn − 1, D).
    let ramp = offset * min(Double(min(turn, end) - 1), spread)
    return abs(initialError) * Elementary.pow(radius, Double(k - 1)) * (abs(dynamics.c) + ramp)
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
