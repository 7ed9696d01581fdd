import DescentCore
import YAMLNode

/// The keys a scenario (and `defaults`, and each case) may set, in canonical order: ids list
/// their parameters in this order, and sweeps iterate in it (first key slowest).
enum ScenarioKeys {
  static let runKeys = [
    "landscape", "start", "optimizer", "lr", "clip", "noise", "batch_size", "sampling", "steps", "tolerance",
    "divergence_bound", "seed", "expect", "find",
  ]
  static let defaults = runKeys
  static let scenario = ["name", "description"] + runKeys + ["cases", "sweep"]
  static let scenarioCase = ["description"] + runKeys
  static let sweepable = runKeys

  /// Sort rank of a (possibly dotted) key for canonical ordering.
  static func rank(_ key: String) -> Int {
    let base = key.split(separator: ".", maxSplits: 1).first.map(String.init) ?? key
    return runKeys.firstIndex(of: base) ?? runKeys.count
  }

  /// Canonical order of keys: by scenario key rank, then by the full dotted text.
  static func canonicalOrder(_ a: String, _ b: String) -> Bool {
    (rank(a), a) < (rank(b), b)
  }
}

/// A decoded landscape with the text reports show for it.
struct DecodedLandscape: Sendable {
  var value: AnyLandscape
  var text: String
  var minimum: [Double]?
  var mark: Mark
}

/// A decoded optimizer with its text and torch's default lr.
struct DecodedOptimizer: Sendable {
  var value: AnyOptimizer
  var text: String
  var defaultLearningRate: Double
  var mark: Mark
}

/// A decoded lr (number or schedule) with its text.
struct DecodedSchedule: Sendable {
  var value: LearningRateSchedule
  var text: String
  var mark: Mark
  /// Where each option of a schedule mapping was written.
  var optionMarks: [String: Mark] = [:]
}

/// A decoded `clip` (nil for `clip: none`).
struct DecodedClipping: Sendable {
  var value: GradientClipping?
  var mark: Mark
}

/// The typed values of a scenario's keys; nil where a key is not set (or failed to decode).
struct ScenarioFields: Sendable {
  var landscape: DecodedLandscape?
  var start: (values: [Double], mark: Mark)?
  var optimizer: DecodedOptimizer?
  var learningRate: DecodedSchedule?
  var clipping: DecodedClipping?
  var steps: Int?
  var tolerance: Double?
  var divergenceBound: Double?
  var seed: UInt64?
  var expectations: [Expectation]?
  var searches: [SearchSpec]?
  /// `noise: {std: σ}`.
  var noise: (standardDeviation: Double, mark: Mark)?
  /// `batch_size: B`.
  var batchSize: (value: Int, mark: Mark)?
  /// `sampling: shuffle | replacement`.
  var sampling: (value: BatchSampling, mark: Mark)?
  /// Keys that were written, decoded or not (so a failed key is not also reported missing).
  var written: Set<String> = []

  /// These fields with every field `patch` sets replaced.
  func overlaid(with patch: ScenarioFields) -> ScenarioFields {
    var result = self
    if let value = patch.landscape { result.landscape = value }
    if let value = patch.start { result.start = value }
    if let value = patch.optimizer { result.optimizer = value }
    if let value = patch.learningRate { result.learningRate = value }
    if let value = patch.clipping { result.clipping = value }
    if let value = patch.steps { result.steps = value }
    if let value = patch.tolerance { result.tolerance = value }
    if let value = patch.divergenceBound { result.divergenceBound = value }
    if let value = patch.seed { result.seed = value }
    if let value = patch.expectations { result.expectations = value }
    if let value = patch.searches { result.searches = value }
    if let value = patch.noise { result.noise = value }
    if let value = patch.batchSize { result.batchSize = value }
    if let value = patch.sampling { result.sampling = value }
    result.written.formUnion(patch.written)
    return result
  }
}

/// Decodes the value of one scenario key into `ScenarioFields`.
struct FieldDecoder {
  static func decode(_ key: String, _ node: Node, into fields: inout ScenarioFields, decoding: inout Decoding) {
    fields.written.insert(key)
    switch key {
    case "landscape": fields.landscape = LandscapeDecoder.decode(node, decoding: &decoding)
    case "start":
      if let values = decoding.numbers(node, "'start'") { fields.start = (values, node.mark) }
    case "optimizer": fields.optimizer = OptimizerDecoder.decode(node, decoding: &decoding)
    case "lr": fields.learningRate = ScheduleDecoder.decode(node, decoding: &decoding)
    case "clip": fields.clipping = ClippingDecoder.decode(node, decoding: &decoding)
    case "steps": fields.steps = decoding.integer(node, "'steps'", in: 1...1_000_000_000)
    case "tolerance": fields.tolerance = decoding.number(node, "'tolerance'", greaterThan: 0)
    case "divergence_bound": fields.divergenceBound = decoding.number(node, "'divergence_bound'", greaterThan: 1)
    case "seed": fields.seed = decoding.integer(node, "'seed'", in: 0...Int.max).map { UInt64($0) }
    case "expect": fields.expectations = ExpectationDecoder.decode(node, decoding: &decoding)
    case "find": fields.searches = SearchDecoder.decode(node, decoding: &decoding)
    case "noise", "batch_size", "sampling":
      StochasticGradientDecoder.decode(key, node, into: &fields, decoding: &decoding)
    default: preconditionFailure("unhandled scenario key '\(key)'")
    }
  }
}

/// Decodes the option entries of a preset or optimizer mapping against their declarations.
enum OptionDecoder {
  /// The given options, typed; `skip` lists keys handled by the caller (such as `name`).
  static func decode(
    _ entries: [(key: String, keyMark: Mark, value: Node)], declarations: [OptionDeclaration], skip: Set<String>,
    decoding: inout Decoding
  ) -> (values: [(String, OptionValue)], marks: [String: Mark])? {
    var values: [(String, OptionValue)] = []
    var marks: [String: Mark] = [:]
    var ok = true
    for entry in entries where !skip.contains(entry.key) {
      guard let declaration = declarations.first(where: { $0.name == entry.key }) else { continue }
      marks[entry.key] = entry.value.mark
      let what = "'\(entry.key)'"
      switch declaration.kind {
      case .number:
        if let value = decoding.number(entry.value, what) {
          values.append((entry.key, .number(value)))
        } else {
          ok = false
        }
      case .flag:
        if let value = decoding.flag(entry.value, what) { values.append((entry.key, .flag(value))) } else { ok = false }
      case .numbers(let count):
        if let value = decoding.numbers(entry.value, what, count: count) {
          values.append((entry.key, .numbers(value)))
        } else {
          ok = false
        }
      case .choice(let allowed):
        guard let value = decoding.string(entry.value, what) else {
          ok = false
          continue
        }
        if allowed.contains(value) {
          values.append((entry.key, .text(value)))
        } else {
          let hint = Spelling.closest(to: value, among: allowed).map { " (did you mean '\($0)'?)" } ?? ""
          decoding.error(
            "\(what) must be one of: \(allowed.joined(separator: ", ")), found \(Decoding.quoted(value))\(hint)",
            at: entry.value.mark)
          ok = false
        }
      }
    }
    return ok ? (values, marks) : nil
  }
}
