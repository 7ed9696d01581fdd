import DescentCore
import YAMLNode

/// `expect:` — a regime, a list of allowed regimes, `theory`, or a mapping of expectations.
enum ExpectationDecoder {
  static let keys =
    ["regime", "converged", "final_point", "faster_than"] + Metric.allCases.map(\.rawValue)
    + TheoryQuantity.allCases.map(\.rawValue) + ["hessian_eigenvalues"] + SearchKind.allCases.map(\.rawValue)

  /// What `key: theory` means for the numbers that can be compared with theory.
  static func theoryDefault(_ key: String) -> NumericCheck? {
    switch key {
    case Metric.stepsToTolerance.rawValue: .near(.theory, within: 1)
    case Metric.contractionRate.rawValue: .nearRelative(.theory, relative: 0.05)
    case SearchKind.criticalLearningRate.rawValue: .nearRelative(.theory, relative: 1e-6)
    case SearchKind.bestLearningRate.rawValue: .nearRelative(.theory, relative: 0.05)
    default: nil
    }
  }

  static func decode(_ node: Node, decoding: inout Decoding) -> [Expectation]? {
    if node.pairs == nil {
      return regimeCheck(node, decoding: &decoding).map { [Expectation($0, key: "regime", at: node.mark)] }
    }
    guard let entries = decoding.entries(of: node, allowed: keys, what: "'expect'") else { return nil }
    if node.pairs?.isEmpty ?? false {
      // It would pass whatever ran; leave `expect` out to expect nothing.
      decoding.error(
        "'expect' is empty: give a regime or a mapping of expectations such as {regime: monotone}, or leave it out",
        at: node.mark)
      return nil
    }
    var expectations: [Expectation] = []
    var ok = true
    for entry in entries {
      let check: Expectation.Check?
      switch entry.key {
      case "regime": check = regimeCheck(entry.value, decoding: &decoding)
      case "converged": check = decoding.flag(entry.value, "'converged'").map { .converged($0) }
      case "final_point": check = finalPoint(entry.value, decoding: &decoding)
      case "faster_than": check = fasterThan(entry.value, decoding: &decoding)
      case "hessian_eigenvalues": check = eigenvalues(entry.value, decoding: &decoding)
      default:
        let numeric = numericCheck(
          entry.value, "'\(entry.key)'", theoryDefault: theoryDefault(entry.key), decoding: &decoding)
        if let metric = Metric(rawValue: entry.key) {
          check = numeric.map { .metric(metric, $0) }
        } else if let quantity = TheoryQuantity(rawValue: entry.key) {
          check = numeric.map { .theory(quantity, $0) }
        } else {
          check = numeric.map { .search(SearchKind(rawValue: entry.key)!, $0) }
        }
      }
      if let check { expectations.append(Expectation(check, key: entry.key, at: entry.value.mark)) } else { ok = false }
    }
    return ok ? expectations : nil
  }

  /// `theory`, one regime name, or a list of them.
  static func regimeCheck(_ node: Node, decoding: inout Decoding) -> Expectation.Check? {
    if node.string == "theory" { return .regimeFromTheory }
    return regimes(node, decoding: &decoding).map { .regime($0) }
  }

  /// One regime name or a list of them.
  static func regimes(_ node: Node, decoding: inout Decoding) -> [Regime]? {
    let items = node.items ?? [node]
    if node.items?.isEmpty ?? false {
      decoding.error("the list of allowed regimes must not be empty", at: node.mark)
      return nil
    }
    var result: [Regime] = []
    for item in items {
      guard let name = item.string else {
        decoding.error("a regime must be a name, found \(decoding.describe(item))", at: item.mark)
        return nil
      }
      if name == "theory" {
        decoding.error("'theory' stands alone: write 'regime: theory', not a list with it", at: item.mark)
        return nil
      }
      guard let regime = Regime(rawValue: name) else {
        decoding.unknownKey(name, at: item.mark, allowed: Regime.allCases.map(\.rawValue) + ["theory"], kind: "regime")
        return nil
      }
      result.append(regime)
    }
    return result
  }

  /// A number (exact), `theory`, `{min, max}`, `{near, within}` or `{near, rel}` (near may be `theory`).
  static func numericCheck(_ node: Node, _ what: String, theoryDefault: NumericCheck?, decoding: inout Decoding)
    -> NumericCheck?
  {
    if node.string == "theory" {
      guard let theoryDefault else {
        decoding.error("\(what) cannot be compared with theory", at: node.mark)
        return nil
      }
      return theoryDefault
    }
    if node.pairs == nil {
      return decoding.number(node, what).map { .near(.value($0), within: 0) }
    }
    guard let entries = decoding.entries(of: node, allowed: ["min", "max", "near", "within", "rel"], what: what) else {
      return nil
    }
    var values: [String: Double] = [:]
    var nearTarget: NumericTarget?
    for entry in entries {
      if entry.key == "near", entry.value.string == "theory" {
        guard theoryDefault != nil else {
          decoding.error("\(what) cannot be compared with theory", at: entry.value.mark)
          return nil
        }
        nearTarget = .theory
        continue
      }
      guard let value = decoding.number(entry.value, "'\(entry.key)' of \(what)") else { return nil }
      values[entry.key] = value
      if entry.key == "near" { nearTarget = .value(value) }
    }
    let hasRange = values["min"] != nil || values["max"] != nil
    if let near = nearTarget {
      guard !hasRange else {
        decoding.error("\(what) takes either {min, max} or {near, within/rel}, not both", at: node.mark)
        return nil
      }
      switch (values["within"], values["rel"]) {
      case (let within?, nil):
        guard within >= 0 else {
          decoding.error("'within' must be at least 0", at: node["within"]!.mark)
          return nil
        }
        return .near(near, within: within)
      case (nil, let relative?):
        guard relative >= 0 else {
          decoding.error("'rel' must be at least 0", at: node["rel"]!.mark)
          return nil
        }
        return .nearRelative(near, relative: relative)
      case (nil, nil):
        decoding.error("\(what) with 'near' needs 'within' (absolute) or 'rel' (relative)", at: node.mark)
      default:
        decoding.error("\(what) takes 'within' or 'rel', not both", at: node.mark)
      }
      return nil
    }
    guard hasRange, values["within"] == nil, values["rel"] == nil else {
      decoding.error("\(what) needs 'min' and/or 'max', or 'near' with 'within' or 'rel'", at: node.mark)
      return nil
    }
    if let minimum = values["min"], let maximum = values["max"], minimum > maximum {
      decoding.error("\(what) has 'min' greater than 'max'", at: node.mark)
      return nil
    }
    return .range(minimum: values["min"], maximum: values["max"])
  }

  /// `{scenario: name, factor: f}` (factor ≥ 1, default 1).
  static func fasterThan(_ node: Node, decoding: inout Decoding) -> Expectation.Check? {
    guard let entries = decoding.entries(of: node, allowed: ["scenario", "factor"], what: "'faster_than'") else {
      return nil
    }
    guard let scenarioNode = entries.first(where: { $0.key == "scenario" })?.value else {
      decoding.error("'faster_than' needs 'scenario' (the name of a scenario of this suite)", at: node.mark)
      return nil
    }
    guard let scenario = decoding.string(scenarioNode, "'scenario'") else { return nil }
    var factor = 1.0
    if let factorNode = entries.first(where: { $0.key == "factor" })?.value {
      guard let value = decoding.number(factorNode, "'factor'", atLeast: 1) else { return nil }
      factor = value
    }
    return .fasterThan(scenario: scenario, factor: factor)
  }

  /// `{near: [..], within: d}`; `{near: nearest_minimizer, within: d}` (the run ends within d of
  /// some minimizer); `{nearest_minimizer: [..]}` (of the minimizers, that one is nearest the end),
  /// optionally with `within`.
  static func finalPoint(_ node: Node, decoding: inout Decoding) -> Expectation.Check? {
    let what = "'final_point'"
    guard let entries = decoding.entries(of: node, allowed: ["near", "within", "nearest_minimizer"], what: what)
    else { return nil }
    let near = entries.first { $0.key == "near" }?.value
    let basin = entries.first { $0.key == "nearest_minimizer" }?.value
    if near?.string != "nearest_minimizer" && basin == nil {
      return nearList(node, what, decoding: &decoding).map { .finalPoint(near: $0.values, within: $0.within) }
    }
    if let near, let basin {
      decoding.error(
        "\(what) takes 'near' or 'nearest_minimizer', not both", at: basin.mark,
        notes: [Diagnostic.Note("'near' is here", at: near.mark)])
      return nil
    }
    let withinNode = entries.first { $0.key == "within" }?.value
    var within: Double?
    if let withinNode {
      guard let value = decoding.number(withinNode, "'within'", atLeast: 0) else { return nil }
      within = value
    }
    if let basin {
      return decoding.numbers(basin, "'nearest_minimizer'").map { .nearestMinimizer(minimizer: $0, within: within) }
    }
    guard let within else {
      decoding.error("\(what) {near: nearest_minimizer} needs 'within' (a distance)", at: node.mark)
      return nil
    }
    return .nearestMinimizer(minimizer: nil, within: within)
  }

  /// `{near: [λ₁, λ₂, …], within: d}`.
  static func eigenvalues(_ node: Node, decoding: inout Decoding) -> Expectation.Check? {
    nearList(node, "'hessian_eigenvalues'", decoding: &decoding).map {
      .hessianEigenvalues(near: $0.values, within: $0.within)
    }
  }

  private static func nearList(_ node: Node, _ what: String, decoding: inout Decoding) -> (
    values: [Double], within: Double
  )? {
    guard let entries = decoding.entries(of: node, allowed: ["near", "within"], what: what) else { return nil }
    guard let nearNode = entries.first(where: { $0.key == "near" })?.value,
      let withinNode = entries.first(where: { $0.key == "within" })?.value
    else {
      decoding.error("\(what) needs 'near' (a list of numbers) and 'within' (a distance)", at: node.mark)
      return nil
    }
    guard let values = decoding.numbers(nearNode, "'near'"),
      let within = decoding.number(withinNode, "'within'", atLeast: 0)
    else { return nil }
    return (values, within)
  }
}

/// `find:` — `{critical_lr: {between: [lo, hi]}, best_lr: {between: [lo, hi]}}`.
enum SearchDecoder {
  static func decode(_ node: Node, decoding: inout Decoding) -> [SearchSpec]? {
    guard let entries = decoding.entries(of: node, allowed: SearchKind.allCases.map(\.rawValue), what: "'find'") else {
      return nil
    }
    if node.pairs?.isEmpty ?? false {
      decoding.error("'find' needs critical_lr and/or best_lr", at: node.mark)
      return nil
    }
    var specs: [SearchSpec] = []
    for entry in entries {
      let kind = SearchKind(rawValue: entry.key)!
      guard let fields = decoding.entries(of: entry.value, allowed: ["between"], what: "'\(entry.key)'") else {
        return nil
      }
      guard let between = fields.first?.value else {
        decoding.error("'\(entry.key)' needs 'between: [lo, hi]'", at: entry.value.mark)
        return nil
      }
      guard let bracket = decoding.numbers(between, "'between'", count: 2) else { return nil }
      guard bracket[0] > 0, bracket[0] < bracket[1] else {
        decoding.error("'between' must be [lo, hi] with 0 < lo < hi", at: between.mark)
        return nil
      }
      specs.append(SearchSpec(kind: kind, lower: bracket[0], upper: bracket[1], mark: entry.keyMark))
    }
    return specs
  }
}
