import DescentCore
import YAMLNode

/// How a scenario expands into instances: variants (one per `cases` entry, or the scenario
/// itself) times the Cartesian product of the sweep, grouped by scenario key.
///
/// Every distinct value of every key is decoded once, when the file is read; an instance is
/// then assembled by index from already-typed pieces, so a million-instance sweep costs no
/// YAML work at run time.
struct ScenarioPlan: Sendable {
  /// The scenario itself, or one `cases` entry merged over it.
  struct Variant: Sendable {
    var fields: ScenarioFields
    var parameters: [Parameter]
    var description: String?
    var mark: Mark
  }

  /// The sweep axes that set one scenario key (`optimizer` and `optimizer.momentum` together).
  struct Group: Sendable {
    var key: String
    /// The `key=value` parameters of each combination of this group's axes.
    var parameters: [[Parameter]]
    var count: Int { parameters.count }
  }

  /// Another scenario that `faster_than` expectations compare with, and how to find the
  /// instance matching one of ours (same parameters, or its only instance).
  struct Comparison: Sendable {
    var suite: String
    var scenario: String
    var plan: ScenarioPlan
    /// Instance index by parameters (empty when the scenario has a single instance).
    var indexByParameters: [[Parameter]: Int]
  }

  var variants: [Variant]
  var groups: [Group]
  /// Scenarios named by `faster_than`, resolved after the whole file is read.
  var comparisons: [String: Comparison] = [:]
  /// The decoded value of each group's key for each variant and combination: [variant][group][combination].
  var patches: [[[ScenarioFields]]]
  /// The seed used when the instance sets none (the suite's, or `--seed`).
  var rootSeed: UInt64

  /// The names of the scenarios this plan's expectations compare with.
  var comparedScenarios: [String] { comparisons.keys.sorted() }

  /// Every `faster_than` target named anywhere in the plan (cases, sweep values), with where.
  var fasterThanTargets: [(scenario: String, mark: Mark)] {
    var targets: [(String, Mark)] = []
    let fields = variants.map(\.fields) + patches.flatMap { $0.flatMap { $0 } }
    for field in fields {
      for expectation in field.expectations ?? [] {
        if case .fasterThan(let scenario, _) = expectation.check { targets.append((scenario, expectation.mark)) }
      }
    }
    return targets
  }

  /// Combinations of the sweep (1 without a sweep).
  var sweepCount: Int { groups.reduce(1) { $0 * $1.count } }
  var instanceCount: Int { variants.count * sweepCount }

  /// The fields, parameters and variant of instance `index`, in canonical order: variants
  /// (cases) slowest, then the sweep's keys in canonical key order.
  private func pieces(at index: Int) -> (fields: ScenarioFields, parameters: [Parameter], variant: Variant) {
    let count = sweepCount
    let variantIndex = index / count
    var remainder = index % count
    var combinations = [Int](repeating: 0, count: groups.count)
    for group in groups.indices.reversed() {
      combinations[group] = remainder % groups[group].count
      remainder /= groups[group].count
    }
    let variant = variants[variantIndex]
    var fields = variant.fields
    var parameters = variant.parameters
    for group in groups.indices {
      fields = fields.overlaid(with: patches[variantIndex][group][combinations[group]])
      parameters += groups[group].parameters[combinations[group]]
    }
    parameters.sort { ScenarioKeys.canonicalOrder($0.key, $1.key) }
    return (fields, parameters, variant)
  }

  /// The id parameters of instance `index`.
  func parameters(at index: Int) -> [Parameter] { pieces(at: index).parameters }

  /// Instance `index`; the plan was validated when the file was read, so this cannot fail.
  func instance(at index: Int, scenario: Scenario) -> Instance {
    var decoding = Decoding()
    guard
      let instance = makeInstance(
        at: index, suite: scenario.suite, scenario: scenario.name, scenarioDescription: scenario.description,
        file: scenario.file, decoding: &decoding)
    else {
      preconditionFailure(
        "instance \(index) of \(scenario.suite)/\(scenario.name) was not validated: \(decoding.diagnostics)")
    }
    return instance
  }

  /// Checks every instance; reports problems that only show in combination (a `start` that does
  /// not fit the landscape, a missing key), stopping after a few failing instances.
  func validate(suite: String, scenario: String, mark: Mark, decoding: inout Decoding) {
    var failures = 0
    for index in 0..<instanceCount {
      if makeInstance(
        at: index, suite: suite, scenario: scenario, scenarioDescription: nil, file: "", decoding: &decoding) == nil
      {
        failures += 1
        if failures >= 20 { return }
      }
    }
  }

  /// The id and problem of instance `index` (no comparisons resolved), for `faster_than` targets.
  func comparisonTarget(at index: Int, suite: String, scenario: String) -> ComparisonTarget? {
    var decoding = Decoding()
    guard
      let instance = makeInstance(
        at: index, suite: suite, scenario: scenario, scenarioDescription: nil, file: "", resolvingComparisons: false,
        decoding: &decoding)
    else {
      return nil
    }
    return ComparisonTarget(id: instance.id, problem: instance.problem)
  }

  /// Builds instance `index`, or reports why it cannot be built.
  func makeInstance(
    at index: Int, suite: String, scenario: String, scenarioDescription: String?, file: String,
    resolvingComparisons: Bool = true, decoding: inout Decoding
  ) -> Instance? {
    let (fields, parameters, variant) = pieces(at: index)
    let missing = ["landscape", "start"].filter { !fields.written.contains($0) }
    if !missing.isEmpty {
      for key in missing { decoding.missing(key, "scenario '\(scenario)' needs '\(key)'", at: variant.mark) }
      return nil
    }
    // Check combinations of what did decode; a key that did not decode has been reported already.
    var consistent = fields.written.isSubset(of: fields.decodedKeys)
    if let landscape = fields.landscape {
      let dimension = landscape.value.dimension
      if let start = fields.start, start.values.count != dimension {
        decoding.error(
          "'start' has \(start.values.count) coordinate\(start.values.count == 1 ? "" : "s") but landscape \(landscape.text) has \(dimension)",
          at: start.mark)
        consistent = false
      }
      for expectation in fields.expectations ?? [] {
        if case .finalPoint(let point, _) = expectation.check, point.count != dimension {
          decoding.error(
            "'final_point' has \(point.count) coordinate\(point.count == 1 ? "" : "s") but landscape \(landscape.text) has \(dimension)",
            at: expectation.mark)
          consistent = false
        }
        if case .nearestMinimizer(let written?, _) = expectation.check {
          let minimizers = landscape.value.landscape.minimizers
          if minimizers.isEmpty {
            decoding.error(
              "'nearest_minimizer': landscape \(landscape.text) lists no minimizers; use {near: [...], within: d}",
              at: expectation.mark)
            consistent = false
          } else if written.count != dimension || !minimizers.contains(where: { Expectation.denotes(written, $0) }) {
            decoding.error(
              "'nearest_minimizer' \(NumberText.list(written)) is not a minimizer of \(landscape.text); its minimizers are "
                + minimizers.map { NumberText.list($0.map { NumberText.rounded($0) }) }.joined(separator: ", "),
              at: expectation.mark)
            consistent = false
          }
        }
      }
    }
    if !StochasticGradientDecoder.check(fields, decoding: &decoding) { consistent = false }
    guard consistent, let landscape = fields.landscape, let start = fields.start else { return nil }
    let expectations = fields.expectations ?? []

    let optimizer = fields.optimizer ?? Self.defaultOptimizer
    let schedule =
      fields.learningRate
      ?? DecodedSchedule(
        value: .constant(optimizer.defaultLearningRate), text: NumberText.shortest(optimizer.defaultLearningRate),
        mark: variant.mark)
    let defaults = RunSettings()
    let settings = RunSettings(
      steps: fields.steps ?? defaults.steps, tolerance: fields.tolerance ?? defaults.tolerance,
      divergenceBound: fields.divergenceBound ?? defaults.divergenceBound)
    // Combinations torch refuses: a schedule that cannot run this many steps, and OneCycle's
    // momentum cycling on an optimizer without momentum or betas.
    if let reason = schedule.value.problem(forSteps: settings.steps) {
      decoding.error(reason, at: schedule.mark)
      return nil
    }
    if schedule.value.cyclesMomentum && optimizer.value.cycledMomentumOption == nil {
      decoding.error(
        "optimizer must support momentum or beta1 with `cycle_momentum` option enabled: \(optimizer.text) has neither (set cycle_momentum: false)",
        at: schedule.mark)
      return nil
    }
    if let problem = schedule.value.cycledMomentumProblem(for: optimizer.value) {
      decoding.error(problem.message, at: problem.option.flatMap { schedule.optionMarks[$0] } ?? schedule.mark)
      return nil
    }
    let id = Self.id(suite: suite, scenario: scenario, parameters: parameters)
    let problem = Problem(
      landscape: landscape.value.seeded(fields.seed ?? rootSeed), start: start.values, optimizer: optimizer.value,
      schedule: schedule.value, clipping: fields.clipping?.value, settings: settings, givenMinimum: landscape.minimum,
      seed: StableHash.instanceSeed(root: fields.seed ?? rootSeed, id: id),
      stochasticGradient: StochasticGradientDecoder.stochasticGradient(fields))
    let searches = fields.searches ?? []
    guard Self.checkExpectations(expectations, searches: searches, problem: problem, decoding: &decoding) else {
      return nil
    }
    var targets: [String: ComparisonTarget] = [:]
    if resolvingComparisons {
      for expectation in expectations {
        guard case .fasterThan(let name, _) = expectation.check, let comparison = comparisons[name] else { continue }
        let count = comparison.plan.instanceCount
        guard let targetIndex = count == 1 ? 0 : comparison.indexByParameters[parameters] else {
          let text =
            parameters.isEmpty ? "no parameters" : parameters.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
          decoding.error(
            "'faster_than': scenario '\(name)' has \(count) instances and none with this instance's parameters (\(text))",
            at: expectation.mark)
          return nil
        }
        guard let target = comparison.plan.comparisonTarget(at: targetIndex, suite: comparison.suite, scenario: name)
        else {
          return nil
        }
        targets[name] = target
      }
    }
    return Instance(
      id: id, suite: suite, scenario: scenario, parameters: parameters,
      description: variant.description ?? scenarioDescription, file: file, mark: variant.mark,
      problem: problem,
      landscapeText: landscape.text, optimizerText: optimizer.text, learningRateText: schedule.text,
      expectations: expectations, searches: searches, comparisons: targets, seed: problem.seed)
  }

  /// Checks that every expectation can be checked: searches have their `find`, theory covers the
  /// optimizer and lr of theory expectations.
  static func checkExpectations(
    _ expectations: [Expectation], searches: [SearchSpec], problem: Problem, decoding: inout Decoding
  ) -> Bool {
    var ok = true
    let notApplicable = TheoryApplicability.reasonNotApplicable(problem)
    if case .constant = problem.schedule {
    } else {
      // A search varies one constant lr; silently dropping the schedule would answer another question.
      for search in searches {
        decoding.error(
          "'\(search.kind.rawValue)' searches over a constant lr, but this scenario's lr is a schedule; give a number as 'lr' (or drop the search)",
          at: search.mark)
        ok = false
      }
    }
    for expectation in expectations {
      if case .search(let kind, let numeric) = expectation.check {
        if !searches.contains(where: { $0.kind == kind }) {
          decoding.error(
            "'\(kind.rawValue)' needs a search: add 'find: {\(kind.rawValue): {between: [lo, hi]}}'",
            at: expectation.mark)
          ok = false
        }
        if kind == .bestLearningRate, numeric.usesTheory, case .sgd(let sgd) = problem.optimizer, sgd.momentum != 0 {
          decoding.error(
            "'best_lr: theory' is 2/(λ_min + λ_max), the best lr of gradient descent without momentum",
            at: expectation.mark)
          ok = false
        }
      }
      if expectation.needsTheory, let notApplicable {
        decoding.error("'\(expectation.key)' compares with theory, but \(notApplicable)", at: expectation.mark)
        ok = false
      }
    }
    return ok
  }

  /// `suite/scenario` or `suite/scenario[key=value,...]`.
  static func id(suite: String, scenario: String, parameters: [Parameter]) -> String {
    guard !parameters.isEmpty else { return "\(suite)/\(scenario)" }
    return "\(suite)/\(scenario)[" + parameters.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "]"
  }

  /// Plain `sgd` with torch's defaults, used when a scenario names no optimizer.
  static let defaultOptimizer: DecodedOptimizer = {
    let sgd = OptimizerCatalog.optimizer(named: "sgd")!
    let value = try! sgd.build(OptionValues(declarations: sgd.options, given: []))
    return DecodedOptimizer(value: value, text: "sgd", defaultLearningRate: sgd.defaultLearningRate, mark: .start)
  }()
}

extension ScenarioFields {
  /// The keys whose value decoded successfully.
  var decodedKeys: Set<String> {
    var keys: Set<String> = []
    if landscape != nil { keys.insert("landscape") }
    if start != nil { keys.insert("start") }
    if optimizer != nil { keys.insert("optimizer") }
    if learningRate != nil { keys.insert("lr") }
    if clipping != nil { keys.insert("clip") }
    if steps != nil { keys.insert("steps") }
    if tolerance != nil { keys.insert("tolerance") }
    if divergenceBound != nil { keys.insert("divergence_bound") }
    if seed != nil { keys.insert("seed") }
    if expectations != nil { keys.insert("expect") }
    if searches != nil { keys.insert("find") }
    if noise != nil { keys.insert("noise") }
    if batchSize != nil { keys.insert("batch_size") }
    if sampling != nil { keys.insert("sampling") }
    return keys
  }
}
