import DescentCore
import YAMLNode

/// `expect:` — a regime, a list of allowed regimes, or a mapping of expectations.
enum ExpectationDecoder {
  static let keys = ["regime", "converged", "final_point", "faster_than"] + Metric.allCases.map(\.rawValue)

  static func decode(_ node: Node, decoding: inout Decoding) -> [Expectation]? {
    if node.pairs == nil {
      return regimes(node, decoding: &decoding).map { [Expectation(.regime($0), key: "regime", at: node.mark)] }
    }
    guard let entries = decoding.entries(of: node, allowed: keys, what: "'expect'") else { return nil }
    var expectations: [Expectation] = []
    var ok = true
    for entry in entries {
      let check: Expectation.Check?
      switch entry.key {
      case "regime": check = regimes(entry.value, decoding: &decoding).map { .regime($0) }
      case "converged": check = decoding.flag(entry.value, "'converged'").map { .converged($0) }
      case "final_point": check = finalPoint(entry.value, decoding: &decoding)
      case "faster_than": check = fasterThan(entry.value, decoding: &decoding)
      default:
        let metric = Metric(rawValue: entry.key)!
        check = numericCheck(entry.value, "'\(entry.key)'", decoding: &decoding).map { .metric(metric, $0) }
      }
      if let check { expectations.append(Expectation(check, key: entry.key, at: entry.value.mark)) } else { ok = false }
    }
    return ok ? expectations : nil
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
      guard let regime = Regime(rawValue: name) else {
        decoding.unknownKey(name, at: item.mark, allowed: Regime.allCases.map(\.rawValue), kind: "regime")
        return nil
      }
      result.append(regime)
    }
    return result
  }

  /// A number (exact), `{min, max}`, `{near, within}` or `{near, rel}`.
  static func numericCheck(_ node: Node, _ what: String, decoding: inout Decoding) -> NumericCheck? {
    if node.pairs == nil {
      return decoding.number(node, what).map { .near($0, within: 0) }
    }
    guard let entries = decoding.entries(of: node, allowed: ["min", "max", "near", "within", "rel"], what: what) else {
      return nil
    }
    var values: [String: Double] = [:]
    for entry in entries {
      guard let value = decoding.number(entry.value, "'\(entry.key)' of \(what)") else { return nil }
      values[entry.key] = value
    }
    let hasRange = values["min"] != nil || values["max"] != nil
    if let near = values["near"] {
      guard !hasRange else {
        decoding.error("\(what) takes either {min, max} or {near, within/rel}, not both", at: node.mark)
        return nil
      }
      switch (values["within"], values["rel"]) {
      case (let within?, nil):
        guard within >= 0 else { decoding.error("'within' must be at least 0", at: node["within"]!.mark); return nil }
        return .near(near, within: within)
      case (nil, let relative?):
        guard relative >= 0 else { decoding.error("'rel' must be at least 0", at: node["rel"]!.mark); return nil }
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

  /// `{near: [..], within: d}`.
  static func finalPoint(_ node: Node, decoding: inout Decoding) -> Expectation.Check? {
    guard let entries = decoding.entries(of: node, allowed: ["near", "within"], what: "'final_point'") else {
      return nil
    }
    guard let nearNode = entries.first(where: { $0.key == "near" })?.value,
      let withinNode = entries.first(where: { $0.key == "within" })?.value
    else {
      decoding.error("'final_point' needs 'near' (a point) and 'within' (a distance)", at: node.mark)
      return nil
    }
    guard let point = decoding.numbers(nearNode, "'near'"),
      let within = decoding.number(withinNode, "'within'", atLeast: 0)
    else { return nil }
    return .finalPoint(near: point, within: within)
  }
}
