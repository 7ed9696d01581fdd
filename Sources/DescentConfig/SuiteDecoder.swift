import DescentCore
import YAMLNode

/// Decodes a suite file's node tree into a `Suite`, collecting every problem on the way.
enum SuiteDecoder {
  static let topLevelKeys = ["version", "suite", "description", "seed", "defaults", "scenarios"]
  static let supportedVersion = 1
  /// The most instances one scenario may expand to.
  static let maximumInstancesPerScenario = 10_000_000

  static func decode(
    _ root: Node, file: String, contentHash: UInt64, seedOverride: UInt64?, checkingEveryInstance: Bool = false,
    decoding: inout Decoding
  ) -> Suite? {
    guard let entries = decoding.entries(of: root, allowed: topLevelKeys, what: "a suite file", ignoringPrefix: "x-")
    else {
      return nil
    }
    func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }

    if let versionNode = value("version"), let version = decoding.integer(versionNode, "'version'", in: 1...Int.max),
      version > supportedVersion
    {
      decoding.error(
        "config version \(version) is newer than this descent understands (version \(supportedVersion)); upgrade descent",
        at: versionNode.mark)
      return nil
    }
    var suiteName: String?
    if let nameNode = value("suite") {
      suiteName = name(nameNode, "suite name", decoding: &decoding)
    } else {
      decoding.missing("suite", "a suite file needs 'suite: <name>'", at: root.mark)
    }
    let description = value("description").flatMap { decoding.string($0, "'description'") }
    var seed: UInt64 = 0
    if let seedNode = value("seed"), let value = decoding.integer(seedNode, "'seed'", in: 0...Int.max) {
      seed = UInt64(value)
    }
    if let seedOverride { seed = seedOverride }

    var defaults: [String: Node] = [:]
    if let defaultsNode = value("defaults"),
      let defaultEntries = decoding.entries(of: defaultsNode, allowed: ScenarioKeys.defaults, what: "'defaults'")
    {
      for entry in defaultEntries { defaults[entry.key] = entry.value }
    }

    var scenarios: [Scenario] = []
    if let scenariosNode = value("scenarios") {
      if let items = scenariosNode.items, !items.isEmpty {
        var firstPlace: [String: Mark] = [:]
        for item in items {
          guard
            let scenario = decodeScenario(
              item, suite: suiteName ?? "", file: file, defaults: defaults, seed: seed, decoding: &decoding)
          else {
            continue
          }
          // A scenario written once and listed again through an alias (`- *a`) is at the alias.
          let place = item.aliasMark ?? item["name"]?.mark ?? item.mark
          if let first = firstPlace[scenario.name] {
            decoding.error(
              "duplicate scenario name '\(scenario.name)'", at: place,
              notes: [.init("'\(scenario.name)' first defined here", at: first)])
            continue
          }
          firstPlace[scenario.name] = place
          scenarios.append(scenario)
        }
      } else {
        decoding.error(
          "'scenarios' must be a non-empty list of scenarios, found \(decoding.describe(scenariosNode))",
          at: scenariosNode.mark)
      }
    } else {
      decoding.missing("scenarios", "a suite file needs 'scenarios:' (a list of scenarios)", at: root.mark)
    }
    resolveComparisons(&scenarios, suite: suiteName ?? "", decoding: &decoding)
    for scenario in scenarios {
      scenario.plan.validate(
        suite: scenario.suite, scenario: scenario.name, exhaustively: checkingEveryInstance, decoding: &decoding)
    }
    guard let suiteName else { return nil }
    return Suite(
      name: suiteName, description: description, file: file, mark: value("suite")?.mark ?? root.mark, seed: seed,
      scenarios: scenarios, contentHash: contentHash)
  }

  /// A suite or scenario name: ASCII letters, digits and `. _ - +`, so ids stay unambiguous.
  static func name(_ node: Node, _ what: String, decoding: inout Decoding) -> String? {
    guard let text = decoding.string(node, what) else { return nil }
    let allowed = text.unicodeScalars.allSatisfy { scalar in
      scalar.isASCII
        && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-+".unicodeScalars.contains(scalar))
    }
    guard allowed else {
      decoding.error(
        "\(what) \(Decoding.quoted(text)) may only contain ASCII letters, digits, '.', '_', '-' and '+'", at: node.mark)
      return nil
    }
    return text
  }

  private static func decodeScenario(
    _ node: Node, suite: String, file: String, defaults: [String: Node], seed: UInt64, decoding: inout Decoding
  ) -> Scenario? {
    guard let entries = decoding.entries(of: node, allowed: ScenarioKeys.scenario, what: "a scenario") else {
      return nil
    }
    func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    guard let nameNode = value("name") else {
      decoding.missing("name", "a scenario needs 'name'", at: node.mark)
      return nil
    }
    guard let name = name(nameNode, "scenario name", decoding: &decoding) else { return nil }
    let description = value("description").flatMap { decoding.string($0, "'description'") }

    var base = defaults
    for entry in entries where ScenarioKeys.runKeys.contains(entry.key) {
      base[entry.key] = NodeMerging.merge(defaults[entry.key], entry.value, key: entry.key)
    }

    var variants: [(nodes: [String: Node], parameters: [Parameter], description: String?, mark: Mark)] = []
    var caseKeys: Set<String> = []
    if let casesNode = value("cases") {
      guard let items = casesNode.items, !items.isEmpty else {
        decoding.error(
          "'cases' must be a non-empty list of mappings, found \(decoding.describe(casesNode))", at: casesNode.mark)
        return nil
      }
      var firstPlace: [[Parameter]: Mark] = [:]
      for item in items {
        guard let caseEntries = decoding.entries(of: item, allowed: ScenarioKeys.scenarioCase, what: "a case") else {
          continue
        }
        var nodes = base
        var parameters: [Parameter] = []
        var caseDescription: String?
        for entry in caseEntries {
          if entry.key == "description" {
            caseDescription = decoding.string(entry.value, "'description'")
            continue
          }
          let merged = NodeMerging.merge(base[entry.key], entry.value, key: entry.key)
          nodes[entry.key] = merged
          caseKeys.insert(entry.key)
          // The id names the value that runs: the case's merged over the scenario's.
          if entry.key != "expect" {
            parameters.append(Parameter(key: entry.key, value: NodeMerging.idText(merged)))
          }
        }
        parameters.sort { ScenarioKeys.canonicalOrder($0.key, $1.key) }
        if let first = firstPlace[parameters] {
          let id = ScenarioPlan.id(suite: suite, scenario: name, parameters: parameters)
          decoding.error(
            "two cases give the same id '\(id)'", at: item.mark, notes: [.init("the other case is here", at: first)])
          continue
        }
        firstPlace[parameters] = item.mark
        variants.append((nodes, parameters, caseDescription, item.mark))
      }
    } else {
      variants.append((base, [], nil, node.mark))
    }

    let sweepNode = value("sweep")
    var rejectedSweepKeys: Set<String> = []
    let axes =
      sweepNode.flatMap {
        sweepAxes($0, caseKeys: caseKeys, base: base, rejectedKeys: &rejectedSweepKeys, decoding: &decoding)
      } ?? []
    var groups: [SweepGroup] = []
    for axis in axes {
      let key = axis.path[0]
      if let index = groups.firstIndex(where: { $0.key == key }) {
        groups[index].axes.append(axis)
      } else {
        groups.append(SweepGroup(key: key, axes: [axis], base: base[key], count: 0))
      }
    }
    // Counted with overflow checks: four axes of 60,000 values are 1.3e19 combinations.
    var factors: [Int] = []
    var instanceCount: Int? = variants.count
    for index in groups.indices {
      var groupCount: Int? = 1
      for axis in groups[index].axes {
        factors.append(axis.values.count)
        groupCount = groupCount.flatMap { Self.product($0, axis.values.count) }
      }
      groups[index].count = groupCount ?? Int.max
      instanceCount = instanceCount.flatMap { count in groupCount.flatMap { Self.product(count, $0) } }
    }
    let tooMany = instanceCount.map { $0 > maximumInstancesPerScenario } ?? true
    if tooMany {
      let product = (variants.count > 1 ? ["\(variants.count) cases"] : []) + factors.map(String.init)
      let total =
        instanceCount.map { "\($0) instances (\(product.joined(separator: " × ")))" }
        ?? "\(product.joined(separator: " × ")) instances"
      decoding.error(
        "scenario '\(name)' expands to \(total), more than \(maximumInstancesPerScenario); split it into several scenarios",
        at: sweepNode?.mark ?? node.mark)
    }
    // Each group's combinations are decoded once, whichever case they end up in; a scenario too
    // large to expand still has its first combinations checked, so misspelled keys are reported.
    for index in groups.indices {
      groups[index].validate(firstOnly: tooMany, decoding: &decoding)
    }
    if tooMany { return nil }

    let groupKeys = Set(groups.map(\.key))
    let planVariants = variants.map { variant in
      var fields = ScenarioFields()
      // A key whose sweep was refused counts as written (it is not also reported missing).
      fields.written = rejectedSweepKeys
      // A key the sweep sets is decoded per combination (the groups above), never on its own:
      // `{name: sgd, nesterov: true}` is incomplete until `optimizer.momentum` is swept in.
      for key in ScenarioKeys.runKeys where !groupKeys.contains(key) {
        if let node = variant.nodes[key] { FieldDecoder.decode(key, node, into: &fields, decoding: &decoding) }
      }
      return ScenarioPlan.Variant(
        fields: fields, parameters: variant.parameters, description: variant.description, mark: variant.mark)
    }
    let plan = ScenarioPlan(variants: planVariants, groups: groups, rootSeed: seed)
    return Scenario(suite: suite, name: name, description: description, file: file, mark: nameNode.mark, plan: plan)
  }

  /// a · b, or nil when it overflows.
  private static func product(_ a: Int, _ b: Int) -> Int? {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : value
  }

  /// Checks every `faster_than` names another scenario of the suite and attaches that
  /// scenario's plan, indexed by parameters, to the plans that compare with it.
  private static func resolveComparisons(_ scenarios: inout [Scenario], suite: String, decoding: inout Decoding) {
    let names = scenarios.map(\.name)
    for index in scenarios.indices {
      var comparisons: [String: ScenarioPlan.Comparison] = [:]
      for (target, mark) in scenarios[index].plan.fasterThanTargets where comparisons[target] == nil {
        guard target != scenarios[index].name else {
          decoding.error("'faster_than' compares scenario '\(target)' with itself", at: mark)
          continue
        }
        guard let other = scenarios.first(where: { $0.name == target }) else {
          decoding.unknownKey(target, at: mark, allowed: names, kind: "scenario")
          continue
        }
        var byParameters: [[Parameter]: Int] = [:]
        if other.instanceCount > 1 {
          for instanceIndex in 0..<other.instanceCount {
            byParameters[other.plan.parameters(at: instanceIndex)] = instanceIndex
          }
        }
        comparisons[target] = ScenarioPlan.Comparison(
          suite: suite, scenario: target, plan: other.plan, indexByParameters: byParameters)
      }
      scenarios[index].plan.comparisons = comparisons
    }
  }

  /// The axes of a `sweep` mapping, in canonical key order. `base` holds the scenario's values
  /// (defaults merged in), over which a whole key's listed values are merged for their id texts.
  /// The scenario keys of refused axes are added to `rejectedKeys`.
  private static func sweepAxes(
    _ node: Node, caseKeys: Set<String>, base: [String: Node], rejectedKeys: inout Set<String>,
    decoding: inout Decoding
  ) -> [SweepAxis]? {
    guard let pairs = node.pairs, !pairs.isEmpty else {
      let found = node.pairs != nil ? "an empty mapping" : decoding.describe(node)
      decoding.error("'sweep' must be a non-empty mapping of keys to lists, found \(found)", at: node.mark)
      return nil
    }
    var written: [(key: String, path: [String], value: Node, mark: Mark)] = []
    for pair in pairs {
      guard let key = pair.key.string else {
        decoding.error("sweep keys must be strings, found \(pair.key.typeDescription)", at: pair.key.mark)
        continue
      }
      let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      if path.count > 1, path.contains(where: \.isEmpty) {
        decoding.error(
          "sweep key '\(key)' has an empty part: a dotted key names an option inside a key, such as 'optimizer.momentum'",
          at: pair.key.mark)
        if ScenarioKeys.sweepable.contains(path[0]) { rejectedKeys.insert(path[0]) }
        continue
      }
      guard ScenarioKeys.sweepable.contains(path[0]) else {
        decoding.unknownKey(path[0], at: pair.key.mark, allowed: ScenarioKeys.sweepable, kind: "sweep key")
        continue
      }
      guard path[0] != "expect" || path.count == 1 else {
        decoding.error(
          "sweep key '\(key)': 'expect' is swept whole (a list of expectations), not by a dotted key", at: pair.key.mark
        )
        rejectedKeys.insert(path[0])
        continue
      }
      if caseKeys.contains(path[0]) {
        decoding.error("'\(path[0])' is set by both 'cases' and 'sweep'; set it in one of them", at: pair.key.mark)
        continue
      }
      written.append((key, path, pair.value, pair.key.mark))
    }
    var axes: [SweepAxis] = []
    for (key, path, valuesNode, mark) in written {
      let values: AxisValues
      if valuesNode.pairs != nil {
        guard let grid = NumberGrid.decode(valuesNode, decoding: &decoding),
          distinctValues(of: grid, key: key, decoding: &decoding)
        else {
          rejectedKeys.insert(path[0])
          continue
        }
        values = .generated(grid)
      } else if let items = valuesNode.items {
        guard !items.isEmpty else {
          decoding.error("sweep '\(key)' is empty", at: valuesNode.mark)
          rejectedKeys.insert(path[0])
          continue
        }
        // A whole key's value runs merged over the scenario's, apart from what dotted keys set.
        var idTexts = items.map { NodeMerging.idText($0) }
        if path.count == 1 {
          let dotted = written.filter { $0.path.count > 1 && $0.path[0] == key }.map { $0.path.dropFirst() }
          let scenarioValue = NodeMerging.removing(dotted, from: base[key], key: key)
          idTexts = items.map { NodeMerging.idText(NodeMerging.merge(scenarioValue, $0, key: key)) }
        }
        guard distinctValues(items, idTexts: idTexts, key: key, decoding: &decoding) else {
          rejectedKeys.insert(path[0])
          continue
        }
        values = .listed(items, idTexts: idTexts)
      } else {
        decoding.error(
          "sweep '\(key)' must be a list of values or a generator, found \(decoding.describe(valuesNode))",
          at: valuesNode.mark)
        rejectedKeys.insert(path[0])
        continue
      }
      axes.append(SweepAxis(key: key, path: path, values: values, mark: mark))
    }
    let kept = withoutOverriddenValues(axes, decoding: &decoding)
    for axis in axes where !kept.contains(where: { $0.key == axis.key }) { rejectedKeys.insert(axis.path[0]) }
    return kept.sorted { ScenarioKeys.canonicalOrder($0.key, $1.key) }
  }

  /// The axes without those that set a value another axis's values set too (`optimizer.momentum`
  /// next to `optimizer: [{name: sgd, momentum: 0.5}]`): the ids would name the other axis's
  /// value while the dotted one runs. Each such axis is reported, with where the other sets it.
  private static func withoutOverriddenValues(_ axes: [SweepAxis], decoding: inout Decoding) -> [SweepAxis] {
    axes.filter { child in
      for parent in axes where parent.path.count < child.path.count && child.path.starts(with: parent.path) {
        guard case .listed(let values, _) = parent.values else { continue }
        let inner = child.path[parent.path.count...]
        for value in values {
          var node = parent.path.count == 1 ? NodeMerging.widen(value, key: parent.path[0]) : value
          var keyMark: Mark?
          for key in inner {
            guard let pair = node.pairs?.first(where: { $0.key.string == key }) else {
              keyMark = nil
              break
            }
            keyMark = pair.key.mark
            node = pair.value
          }
          guard let keyMark else { continue }
          let name = inner.joined(separator: ".")
          decoding.error(
            "sweep '\(child.key)' sets '\(name)', which a value of sweep '\(parent.key)' sets too (the ids would name a value that does not run); set it in one of them",
            at: child.mark, notes: [.init("sweep '\(parent.key)' sets '\(name)' here", at: keyMark)])
          return false
        }
      }
      return true
    }
  }

  /// Whether listed sweep values are distinct as ids see them (`idTexts`, one per item); reports
  /// the first repeat.
  private static func distinctValues(_ items: [Node], idTexts: [String], key: String, decoding: inout Decoding) -> Bool
  {
    var seen: [String: Node] = [:]
    for (item, text) in zip(items, idTexts) {
      if let first = seen[text] {
        // Values written alike but for defaults, or made alike by the scenario's value.
        let merged = NodeMerging.idText(item) != text || NodeMerging.idText(first) != text
        decoding.error(
          "sweep '\(key)' lists \(text) twice\(merged ? " once merged over the scenario's '\(key)'" : "") (ids would collide)",
          at: item.mark, notes: [.init("first listed here", at: first.mark)])
        return false
      }
      seen[text] = item
    }
    return true
  }

  /// Whether a generator's values are distinct; they are in order, so a repeat is a neighbour.
  /// - Complexity: O(n) time, O(1) memory.
  private static func distinctValues(of grid: NumberGrid, key: String, decoding: inout Decoding) -> Bool {
    guard grid.count > 1 else { return true }
    var previous = grid.value(at: 0)
    for index in 1..<grid.count {
      let value = grid.value(at: index)
      // Values that are not finite are reported as such when they are decoded.
      if value == previous && value.isFinite {
        decoding.error(
          "sweep '\(key)': \(grid.text) gives \(NumberText.shortest(value)) twice (values \(index) and \(index + 1)); ids would collide",
          at: grid.mark)
        return false
      }
      previous = value
    }
    return true
  }
}
