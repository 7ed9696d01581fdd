import DescentCore
import YAMLNode

/// How a scenario expands into instances: variants (one per `cases` entry, or the scenario
/// itself) times the Cartesian product of the sweep, grouped by scenario key.
///
/// Every distinct value of every key is decoded once, when the file is read; an instance is
/// then assembled by index from typed pieces (kept, or decoded again for large generated sweeps),
/// so a million-instance sweep costs little YAML work at run time and no memory per instance.
struct ScenarioPlan: Sendable {
  /// The scenario itself, or one `cases` entry merged over it.
  struct Variant: Sendable {
    var fields: ScenarioFields
    var parameters: [Parameter]
    var description: String?
    var mark: Mark
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
  var groups: [SweepGroup]
  /// Scenarios named by `faster_than`, resolved after the whole file is read.
  var comparisons: [String: Comparison] = [:]
  /// The seed used when the instance sets none (the suite's, or `--seed`).
  var rootSeed: UInt64

  /// The names of the scenarios this plan's expectations compare with.
  var comparedScenarios: [String] { comparisons.keys.sorted() }

  /// Every `faster_than` target named anywhere in the plan (cases, sweep values), with where.
  var fasterThanTargets: [(scenario: String, mark: Mark)] {
    var targets: [(String, Mark)] = []
    for variant in variants {
      for expectation in variant.fields.expectations ?? [] {
        if case .fasterThan(let scenario, _) = expectation.check { targets.append((scenario, expectation.mark)) }
      }
    }
    return targets + groups.flatMap(\.fasterThanTargets)
  }

  /// Combinations of the sweep (1 without a sweep).
  var sweepCount: Int { groups.reduce(1) { $0 * $1.count } }
  var instanceCount: Int { variants.count * sweepCount }

  /// The variant and each group's combination of instance `index`: variants (cases) slowest,
  /// then the sweep's keys in canonical key order.
  private func position(of index: Int) -> (variant: Int, combinations: [Int]) {
    let count = sweepCount
    var remainder = index % count
    var combinations = [Int](repeating: 0, count: groups.count)
    for group in groups.indices.reversed() {
      combinations[group] = remainder % groups[group].count
      remainder /= groups[group].count
    }
    return (index / count, combinations)
  }

  /// The instance index of a variant and one combination per group.
  private func index(variant: Int, combinations: [Int]) -> Int {
    zip(groups, combinations).reduce(variant) { $0 * $1.0.count + $1.1 }
  }

  /// The fields and variant of a variant and one combination per group.
  private func fields(variant variantIndex: Int, combinations: [Int]) -> ScenarioFields {
    var fields = variants[variantIndex].fields
    for group in groups.indices {
      fields = fields.overlaid(with: groups[group].patch(at: combinations[group]))
    }
    return fields
  }

  /// The id parameters of a variant and one combination per group, in canonical order.
  private func parameters(variant variantIndex: Int, combinations: [Int]) -> [Parameter] {
    var parameters = variants[variantIndex].parameters
    for group in groups.indices { parameters += groups[group].parameters(at: combinations[group]) }
    parameters.sort { ScenarioKeys.canonicalOrder($0.key, $1.key) }
    return parameters
  }

  /// The id parameters of instance `index`.
  func parameters(at index: Int) -> [Parameter] {
    let (variant, combinations) = position(of: index)
    return parameters(variant: variant, combinations: combinations)
  }

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

  /// Reports problems that only show in combination (a `start` that does not fit the landscape,
  /// a missing key, a schedule too short for `steps`), stopping after a few failing instances.
  ///
  /// The checks read a few facts of each key's value (`CheckFacts`), so they run once per
  /// combination of the groups' representatives, not once per instance: a sweep over a million
  /// learning rates is checked with one instance per case. With `faster_than`, whose check needs
  /// each instance's parameters, or with `exhaustively`, every instance is checked.
  func validate(suite: String, scenario: String, exhaustively: Bool = false, decoding: inout Decoding) {
    let everyInstance = exhaustively || !fasterThanTargets.isEmpty
    let choices: [[Int]?] = groups.map { everyInstance ? nil : $0.representatives }
    var failures = 0
    for variant in variants.indices {
      // An odometer over the chosen combinations of each group (all of them where nil).
      var positions = [Int](repeating: 0, count: groups.count)
      func combination(_ group: Int) -> Int { choices[group]?[positions[group]] ?? positions[group] }
      func choiceCount(_ group: Int) -> Int { choices[group]?.count ?? groups[group].count }
      if (0..<groups.count).contains(where: { choiceCount($0) == 0 }) { continue }
      while true {
        let combinations = groups.indices.map(combination)
        let fields = fields(variant: variant, combinations: combinations)
        if check(
          fields, variant: variants[variant], scenario: scenario,
          parameters: everyInstance ? parameters(variant: variant, combinations: combinations) : [],
          resolvingComparisons: everyInstance, decoding: &decoding) == nil
        {
          failures += 1
          if failures >= 20 { return }
        }
        var group = groups.count - 1
        while group >= 0 {
          positions[group] += 1
          if positions[group] < choiceCount(group) { break }
          positions[group] = 0
          group -= 1
        }
        if group < 0 { break }
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
    let (variantIndex, combinations) = position(of: index)
    let variant = variants[variantIndex]
    let fields = fields(variant: variantIndex, combinations: combinations)
    let parameters = parameters(variant: variantIndex, combinations: combinations)
    guard
      let checked = check(
        fields, variant: variant, scenario: scenario, parameters: parameters,
        resolvingComparisons: resolvingComparisons, decoding: &decoding)
    else { return nil }
    let id = Self.id(suite: suite, scenario: scenario, parameters: parameters)
    var problem = checked.problem
    problem.landscape = problem.landscape.seeded(fields.seed ?? rootSeed)
    problem.seed = StableHash.instanceSeed(root: fields.seed ?? rootSeed, id: id)
    var targets: [String: ComparisonTarget] = [:]
    for (name, targetIndex) in checked.comparisonIndices {
      let comparison = comparisons[name]!
      guard let target = comparison.plan.comparisonTarget(at: targetIndex, suite: comparison.suite, scenario: name)
      else { return nil }
      targets[name] = target
    }
    return Instance(
      id: id, suite: suite, scenario: scenario, parameters: parameters,
      description: variant.description ?? scenarioDescription, file: file, mark: variant.mark,
      problem: problem,
      landscapeText: checked.landscapeText, optimizerText: checked.optimizerText,
      learningRateText: checked.learningRateText, expectations: fields.expectations ?? [],
      searches: fields.searches ?? [], comparisons: targets, seed: problem.seed)
  }

  /// What the checks assembled: the problem (before seeding), the texts reports show and the
  /// instance index of each `faster_than` target.
  struct Checked {
    var problem: Problem
    var landscapeText: String
    var optimizerText: String
    var learningRateText: String
    var comparisonIndices: [(String, Int)]
  }

  /// The checks that combine keys, on the fields of one instance; nil after reporting a problem.
  ///
  /// Keep `CheckFacts` in step: it lists what these checks read from each key's value.
  func check(
    _ fields: ScenarioFields, variant: Variant, scenario: String, parameters: [Parameter],
    resolvingComparisons: Bool, decoding: inout Decoding
  ) -> Checked? {
    let missing = ["landscape", "start"].filter { !fields.written.contains($0) }
    if !missing.isEmpty {
      for key in missing { decoding.missing(key, "scenario '\(scenario)' needs '\(key)'", at: variant.mark) }
      return nil
    }
    // Check combinations of what did decode; a key that did not decode has been reported already.
    var consistent = fields.writtenKeysDecoded
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
    let problem = Problem(
      landscape: landscape.value, start: start.values, optimizer: optimizer.value,
      schedule: schedule.value, clipping: fields.clipping?.value, settings: settings, givenMinimum: landscape.minimum,
      stochasticGradient: StochasticGradientDecoder.stochasticGradient(fields))
    guard Self.checkExpectations(expectations, searches: fields.searches ?? [], problem: problem, decoding: &decoding)
    else {
      return nil
    }
    var comparisonIndices: [(String, Int)] = []
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
        comparisonIndices.append((name, targetIndex))
      }
    }
    return Checked(
      problem: problem, landscapeText: landscape.text, optimizerText: optimizer.text, learningRateText: schedule.text,
      comparisonIndices: comparisonIndices)
  }

  /// Checks that every expectation can be checked: searches have their `find`, theory covers the
  /// optimizer and lr of theory expectations.
  static func checkExpectations(
    _ expectations: [Expectation], searches: [SearchSpec], problem: Problem, decoding: inout Decoding
  ) -> Bool {
    var ok = true
    let notApplicable = TheoryApplicability.reasonNotApplicable(problem)
    for search in searches {
      if let reason = Self.searchNotApplicable(search.kind, problem: problem) {
        decoding.error("'\(search.kind.rawValue)' \(reason)", at: search.mark)
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

  /// Why a search cannot answer its question for `problem`, or nil. Both vary one constant lr; the
  /// divergence threshold is a property of SGD on exact, unclipped gradients (an adaptive step or
  /// a clipped one does not grow with the gradient, and noise keeps every run moving).
  static func searchNotApplicable(_ kind: SearchKind, problem: Problem) -> String? {
    guard case .constant = problem.schedule else {
      return
        "searches over a constant lr, but this scenario's lr is a schedule; give a number as 'lr' (or drop the search)"
    }
    if !problem.stochasticGradient.isExact {
      return
        "compares runs of one lr, which noisy or mini-batch gradients make random; drop 'noise'/'batch_size' (or the search)"
    }
    guard kind == .criticalLearningRate else { return nil }
    guard case .sgd = problem.optimizer else {
      return
        "is SGD's divergence threshold; an adaptive optimizer's step does not grow with the gradient, so it has none"
    }
    if problem.clipping != nil {
      return "is SGD's divergence threshold; clipped gradients bound every step, so there is none"
    }
    return nil
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
  /// Whether the value of scenario key `key` decoded successfully.
  func hasDecoded(_ key: String) -> Bool {
    switch key {
    case "landscape": landscape != nil
    case "start": start != nil
    case "optimizer": optimizer != nil
    case "lr": learningRate != nil
    case "clip": clipping != nil
    case "steps": steps != nil
    case "tolerance": tolerance != nil
    case "divergence_bound": divergenceBound != nil
    case "seed": seed != nil
    case "expect": expectations != nil
    case "find": searches != nil
    case "noise": noise != nil
    case "batch_size": batchSize != nil
    case "sampling": sampling != nil
    default: preconditionFailure("unhandled scenario key '\(key)'")
    }
  }

  /// Whether every key that was written decoded.
  var writtenKeysDecoded: Bool { written.allSatisfy(hasDecoded) }
}

/// What `ScenarioPlan.check` reads from the fields one sweep group sets: two combinations of a
/// group with equal facts pass or fail the checks together, whatever the other keys hold, so
/// validation checks one combination of each class (and a sweep over a million learning rates
/// one combination). The messages of a class are those of its first combination.
///
/// Keep in step with `ScenarioPlan.check` and what it calls (`StochasticGradientDecoder.check`,
/// `checkExpectations`, `TheoryApplicability.reasonNotApplicable`, `problem(forSteps:)`);
/// `Tests/DescentConfigTests/SweepTests.swift` compares with checking every instance.
struct CheckFacts: Hashable {
  /// Whether the group's key decoded (a patch sets that one key).
  var decoded: Bool
  /// The landscape's dimension, and its sample count when it is made of samples.
  var dimension: Int?
  var samples: Int?
  var isLeastSquares = false
  var start: Mark?
  var startCount: Int?
  /// The landscape's minimizers (`nearest_minimizer` names one of them).
  var minimizers: [[Double]]?
  var leastSquares: LeastSquaresOptions?
  var expectations: [Expectation]?
  var searches: [SearchSpec]?
  /// Whether the optimizer is SGD, with momentum, and what OneCycle's momentum cycling sets in it.
  var optimizerIsSGD: Bool?
  var optimizerHasMomentum = false
  var cycledMomentumOption: String?
  /// A schedule other than a constant (with where it and its options are written); a constant
  /// lr is `isConstant`.
  var schedule: LearningRateSchedule?
  var scheduleMark: Mark?
  var scheduleOptionMarks: [String: Mark]?
  var isConstant: Bool?
  var steps: Int?
  var clipped: Bool?
  var hasNoise: Bool?
  var batchSize: Int?
  var batchSizeMark: Mark?
  var sampling: Mark?

  init(_ fields: ScenarioFields, key: String) {
    decoded = fields.hasDecoded(key)
    if let landscape = fields.landscape {
      dimension = landscape.value.dimension
      if case .leastSquares(let options) = landscape.value {
        // Its minimizer is the solution of its generated data: the options stand for it.
        isLeastSquares = true
        samples = options.samples
        leastSquares = options
      } else {
        minimizers = landscape.value.landscape.minimizers
      }
    }
    start = fields.start?.mark
    startCount = fields.start?.values.count
    expectations = fields.expectations
    searches = fields.searches
    if let optimizer = fields.optimizer?.value {
      if case .sgd(let sgd) = optimizer {
        optimizerIsSGD = true
        optimizerHasMomentum = sgd.momentum != 0
      } else {
        optimizerIsSGD = false
      }
      cycledMomentumOption = optimizer.cycledMomentumOption
    }
    if let learningRate = fields.learningRate {
      if case .constant = learningRate.value {
        isConstant = true
      } else {
        isConstant = false
        schedule = learningRate.value
        scheduleMark = learningRate.mark
        scheduleOptionMarks = learningRate.optionMarks
      }
    }
    steps = fields.steps
    clipped = fields.clipping.map { $0.value != nil }
    hasNoise = fields.noise.map { $0.standardDeviation != 0 }
    batchSize = fields.batchSize?.value
    batchSizeMark = fields.batchSize?.mark
    sampling = fields.sampling?.mark
  }
}
