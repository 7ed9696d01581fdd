import DescentConfig
import DescentCore

/// `descent theory LANDSCAPE [--lr X] [--momentum B] [--nesterov] [--dampening T] [--weight-decay W]
/// [--start X,...] [--steps N] [--tolerance T]`: the theory of a landscape at its minimizers.
struct TheoryCommand {
  let landscapeText: String
  let learningRate: Double?
  let sgd: SGD
  let momentumGiven: Bool
  let start: [Double]?
  let settings: RunSettings

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(
      arguments, switches: ["--nesterov"],
      options: ["--lr", "--momentum", "--dampening", "--weight-decay", "--start", "--steps", "--tolerance"])
    guard scanner.positional.count == 1 else {
      throw UsageError(
        "theory takes one LANDSCAPE (a preset name or a YAML mapping), e.g. descent theory ravine --lr 0.009")
    }
    landscapeText = scanner.positional[0]
    func number(_ flag: String, atLeast minimum: Double = 0) throws(UsageError) -> Double? {
      guard let text = scanner.value(flag) else { return nil }
      guard let value = Double(text), value.isFinite, value >= minimum else {
        throw UsageError("\(flag) must be a number ≥ \(NumberText.shortest(minimum)), got '\(text)'")
      }
      return value
    }
    learningRate = try number("--lr")
    let momentum = try number("--momentum") ?? 0
    momentumGiven = scanner.value("--momentum") != nil
    let dampening = try number("--dampening") ?? 0
    let nesterov = scanner.isSet("--nesterov")
    if nesterov && (momentum <= 0 || dampening != 0) {
      throw UsageError("--nesterov needs --momentum > 0 and no dampening")
    }
    sgd = SGD(
      momentum: momentum, dampening: dampening, weightDecay: try number("--weight-decay") ?? 0, nesterov: nesterov)
    if let text = scanner.value("--start") {
      let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
        throw UsageError("--start must be comma-separated numbers, got '\(text)'")
      }
      start = values.map { $0! }
    } else {
      start = nil
    }
    let defaults = RunSettings()
    settings = RunSettings(
      steps: try scanner.integer("--steps", in: 1...100_000_000) ?? defaults.steps,
      tolerance: try number("--tolerance") ?? defaults.tolerance, divergenceBound: defaults.divergenceBound)
  }

  func execute(_ console: Console) -> ExitCode {
    let parsed: ParsedLandscape
    switch ConfigLoader.landscape(from: landscapeText, source: "LANDSCAPE") {
    case .success(let value): parsed = value
    case .failure(let problems):
      for problem in problems.diagnostics { console.error(problem.description) }
      return .invalidInput
    }
    let landscape = parsed.landscape.landscape
    if let start, start.count != landscape.dimension {
      console.error(
        "descent: --start has \(start.count) coordinates but landscape \(parsed.text) has \(landscape.dimension)")
      return .invalidInput
    }
    var references: [ReferencePoint] =
      if let minimum = parsed.minimum {
        [ReferencePoint(landscape: landscape, point: minimum, source: .given)]
      } else if !landscape.minimizers.isEmpty {
        landscape.minimizers.map { ReferencePoint(landscape: landscape, point: $0, source: .minimizer) }
      } else {
        landscape.otherCriticalPoints.map { ReferencePoint(landscape: landscape, point: $0, source: .criticalPoint) }
      }
    if references.isEmpty {
      // No known critical point: Newton's method from --start (or the origin), as runs do.
      let origin = start ?? [Double](repeating: 0, count: landscape.dimension)
      guard let estimate = ReferencePoint.estimate(for: landscape, finalPoint: origin, start: origin) else {
        console.error(
          "descent: landscape \(parsed.text) knows no minimizer and Newton's method found no critical point from \(NumberText.list(origin)); give x* with 'minimum:' or another --start"
        )
        return .invalidInput
      }
      references = [estimate]
    }
    console.out("landscape: \(parsed.text)")
    var applies = false
    for reference in references where report(reference, isQuadratic: parsed.landscape.isQuadratic, console: console) {
      applies = true
    }
    return applies ? .success : .invalidInput
  }

  /// Prints the theory at `reference`; false when it does not apply there (and says why).
  private func report(_ reference: ReferencePoint, isQuadratic: Bool, console: Console) -> Bool {
    func text(_ value: Double?) -> String { value.map { NumberText.shortest(NumberText.rounded($0)) } ?? "—" }
    console.out("")
    console.out(
      "x* = \(NumberText.list(reference.point))  (\(reference.source.rawValue), f = \(text(reference.value)))")
    guard reference.spectrum.eigenvalues.allSatisfy(\.isFinite) else {
      console.out(TheoryApplicability.kinkReason)
      return false
    }
    if sgd.weightDecay != 0 && reference.point.contains(where: { $0 != 0 }) {
      console.out(TheoryApplicability.movedFixedPointReason)
      return false
    }
    // torch's weight decay adds wd·θ to the gradient: everything below is about H + wd·I.
    let unshifted = QuadraticTheory(spectrum: reference.spectrum, isLocal: !isQuadratic)
    let theory = unshifted.seen(by: sgd)
    if theory.isLocal { console.out("local theory: the quadratic model given by the Hessian at x*") }
    console.out("Hessian eigenvalues: " + unshifted.eigenvalues.map { text($0) }.joined(separator: ", "))
    if sgd.weightDecay != 0 {
      console.out(
        "with weight decay \(text(sgd.weightDecay)), gradient descent sees H + wd·I, eigenvalues "
          + theory.eigenvalues.map { text($0) }.joined(separator: ", ") + " (used below)")
    }
    console.out("condition number κ = λ_max/λ_min: \(text(theory.conditionNumber))")
    let beta = momentumGiven ? sgd.momentum : 0.9
    let betaNote = momentumGiven ? "" : "  (β = 0.9; set --momentum)"
    console.out("largest stable lr:")
    if let negative = theory.eigenvalues.filter({ $0 < 0 }).min() {
      // A saddle: that mode's multiplier 1 − ηλ exceeds 1 for every η > 0.
      console.out(
        "  none: the mode with λ = \(text(negative)) < 0 grows at every lr (a saddle); below, the bounds for the others"
      )
    }
    console.out(
      "  gradient descent      2/λ_max                  = \(text(theory.divergenceThreshold(.gradientDescent)))")
    console.out(
      "  heavy ball            2(1+β)/((1−τ)λ_max)      = \(text(theory.divergenceThreshold(.heavyBall(momentum: beta, dampening: sgd.dampening))))\(betaNote)"
    )
    console.out(
      "  Nesterov              (2+2β)/((1+2β)λ_max)     = \(text(theory.divergenceThreshold(.nesterov(momentum: beta))))\(betaNote)"
    )
    if let optimal = theory.optimalGradientDescent {
      console.out(
        "optimal constant lr: 2/(λ_min+λ_max) = \(text(optimal.learningRate)), rate (κ−1)/(κ+1) = \(text(optimal.rate))"
      )
    }
    if let optimal = theory.optimalHeavyBall {
      console.out(
        "optimal heavy ball: lr = (2/(√λ_max+√λ_min))² = \(text(optimal.learningRate)), momentum ((√κ−1)/(√κ+1))² = \(text(optimal.momentum)), rate \(text(optimal.rate))"
      )
    }
    if let optimal = theory.optimalNesterov {
      console.out(
        "optimal Nesterov: lr = 4/(3λ_max+λ_min) = \(text(optimal.learningRate)), momentum (√(3κ+1)−2)/(√(3κ+1)+2) = \(text(optimal.momentum)), rate 1−2/√(3κ+1) = \(text(optimal.rate))"
      )
    }
    guard let learningRate else { return true }
    var problemStart = start
    var startNote = ""
    if problemStart == nil {
      // Every mode starts with error 1: x₀ = x* + Σ eigenvectors.
      problemStart = reference.point
      for j in 0..<reference.spectrum.dimension {
        for (i, component) in reference.spectrum.eigenvector(j).enumerated() { problemStart![i] += component }
      }
      startNote = " (every mode starting at error 1; set --start)"
    }
    let method = MomentumMethod(sgd)
    console.out("")
    console.out(
      "at lr = \(NumberText.shortest(learningRate)) with \(method.name)\(method.momentum != 0 ? " (β = \(NumberText.shortest(method.momentum)))" : ""):"
    )
    for mode in theory.modes(learningRate: learningRate, method: method) {
      let roots = mode.roots.map { root in
        root.imaginary == 0
          ? text(root.real) : "\(text(root.real))\(root.imaginary < 0 ? "−" : "+")\(text(abs(root.imaginary)))i"
      }
      let rootText = method == .gradientDescent ? "1 − ηλ = \(roots[0])" : "σ = \(roots.joined(separator: ", "))"
      console.out("  λ = \(text(mode.eigenvalue)):  \(rootText),  rate \(text(mode.spectralRadius))")
    }
    let initialError = theory.spectrum.coordinates(of: zip(problemStart!, reference.point).map { $0 - $1 })
    let prediction = theory.predict(
      learningRate: learningRate, method: method, initialError: initialError, settings: settings)
    console.out(
      "predicted from \(NumberText.list(problemStart!.map { NumberText.rounded($0) }))\(startNote) over \(settings.steps) steps: \(prediction.regime)"
        + (prediction.converged
          ? ", converged after \(prediction.stepsToTolerance.map(String.init) ?? "—") steps" : ", not converged")
        + ", contraction rate \(text(prediction.contractionRate))")
    return true
  }
}
