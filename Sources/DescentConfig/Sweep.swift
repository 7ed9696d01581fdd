import DescentCore
import YAMLNode

/// The values of one `sweep` key: written as a list, or generated on demand.
enum AxisValues: Sendable {
  /// Listed values with the id text of each: the canonical text of the value that runs (for a
  /// whole key, the value merged over the scenario's).
  case listed([Node], idTexts: [String])
  case generated(NumberGrid)

  var count: Int {
    switch self {
    case .listed(let nodes, _): nodes.count
    case .generated(let grid): grid.count
    }
  }

  /// Value `index` as a node; a generated number is positioned at its generator.
  func node(at index: Int) -> Node {
    switch self {
    case .listed(let nodes, _):
      return nodes[index]
    case .generated(let grid):
      let value = grid.value(at: index)
      return Node(.scalar(text: NumberText.shortest(value), value: .float(value)), at: grid.mark)
    }
  }

  /// The canonical text of value `index` in an instance id.
  func idText(at index: Int) -> String {
    switch self {
    case .listed(_, let idTexts): idTexts[index]
    case .generated(let grid): NodeMerging.numberText(grid.value(at: index))
    }
  }
}

/// One `sweep` key: its dotted path, its values and where the key is written.
struct SweepAxis: Sendable {
  var key: String
  var path: [String]
  var values: AxisValues
  var mark: Mark
}

/// The sweep axes that set one scenario key (`optimizer` and `optimizer.momentum` together): their
/// combinations, the first axis varying slowest, and the key's decoded value for each.
///
/// A key the sweep sets cannot be set by `cases`, so its value under the sweep (`base`) and every
/// combination's decoded value are the same for all cases: each is decoded once when the file is
/// read. A small group keeps the decoded values; a large one (generated axes) decodes a combination
/// again when an instance needs it, which cannot fail since it did not fail the first time.
struct SweepGroup: Sendable {
  /// Groups with at most this many combinations keep their decoded values.
  static let keptPatchLimit = 4096
  /// Groups with more classes of combinations than this are checked combination by combination.
  static let representativeLimit = 10_000

  var key: String
  /// In canonical key order.
  var axes: [SweepAxis]
  /// The key's value before the sweep sets into it (defaults merged with the scenario).
  var base: Node?
  /// The number of combinations (at most `SuiteDecoder.maximumInstancesPerScenario`).
  var count: Int
  /// The decoded value of every combination, for small groups.
  private var patches: [ScenarioFields]?
  /// Whether the group keeps every combination's decoded value (else decodes one when asked).
  var keepsDecodedValues: Bool { patches != nil }
  /// One combination per class of combinations that the checks combining keys cannot tell apart
  /// (`CheckFacts`); nil when there are too many classes and every combination is checked.
  private(set) var representatives: [Int]? = []
  /// The `faster_than` targets named by the group's values, with where.
  private(set) var fasterThanTargets: [(scenario: String, mark: Mark)] = []

  init(key: String, axes: [SweepAxis], base: Node?, count: Int) {
    self.key = key
    self.axes = axes
    self.base = base
    self.count = count
  }

  /// The index of each axis's value in `combination`.
  func valueIndices(of combination: Int) -> [Int] {
    if axes.count == 1 { return [combination] }
    var indices = [Int](repeating: 0, count: axes.count)
    var remainder = combination
    for axis in axes.indices.reversed() {
      indices[axis] = remainder % axes[axis].values.count
      remainder /= axes[axis].values.count
    }
    return indices
  }

  /// The `key=value` parameters of `combination`.
  func parameters(at combination: Int) -> [Parameter] {
    zip(axes, valueIndices(of: combination)).map { Parameter(key: $0.key, value: $0.values.idText(at: $1)) }
  }

  /// The decoded value of `combination`; it decoded without problems when the file was read.
  func patch(at combination: Int) -> ScenarioFields {
    if let patches { return patches[combination] }
    var decoding = Decoding()
    let patch = decode(combination, decoding: &decoding)
    precondition(decoding.diagnostics.isEmpty, "sweep '\(key)' combination \(combination) was not validated")
    return patch
  }

  /// Decodes `combination`: the base value with each axis's value set into it.
  private func decode(_ combination: Int, decoding: inout Decoding) -> ScenarioFields {
    var node = base
    var patch = ScenarioFields()
    for (axis, valueIndex) in zip(axes, valueIndices(of: combination)) {
      let result = NodeMerging.setting(axis.values.node(at: valueIndex), at: axis.path, in: node, keyMark: axis.mark)
      if let problem = result.problem {
        decoding.error(problem, at: axis.mark)
        patch.written.insert(key)
        return patch
      }
      node = result.node
    }
    if let node { FieldDecoder.decode(key, node, into: &patch, decoding: &decoding) }
    return patch
  }

  /// Decodes every combination once (only the first when `firstOnly`), reports what does not
  /// decode, keeps the decoded values of a small group and one representative combination per
  /// class of `CheckFacts`. A problem with a generated value names the value and its generator,
  /// and ends the group's checks (the same problem would repeat for the values after it).
  mutating func validate(firstOnly: Bool, decoding: inout Decoding) {
    let keeps = count <= Self.keptPatchLimit
    var kept: [ScenarioFields] = []
    if keeps { kept.reserveCapacity(count) }
    var classes: [CheckFacts: Int] = [:]
    var previousFacts: CheckFacts?
    var representatives: [Int]? = []
    let generated = axes.contains { if case .generated = $0.values { true } else { false } }
    var failures = 0
    for combination in 0..<(firstOnly ? min(count, 1) : count) {
      var scratch = decoding.scratch()
      let patch = decode(combination, decoding: &scratch)
      if !scratch.diagnostics.isEmpty {
        report(scratch, combination: combination, decoding: &decoding)
        failures += 1
        if generated || failures >= 20 { break }
      }
      if keeps { kept.append(patch) }
      for expectation in patch.expectations ?? [] {
        if case .fasterThan(let scenario, _) = expectation.check {
          fasterThanTargets.append((scenario, expectation.mark))
        }
      }
      if representatives != nil {
        let facts = CheckFacts(patch, key: key)
        // Neighbours are often alike (a grid of learning rates): compare before hashing.
        if facts == previousFacts { continue }
        previousFacts = facts
        if classes[facts] == nil {
          classes[facts] = combination
          representatives?.append(combination)
          if classes.count > Self.representativeLimit {
            classes = [:]
            representatives = nil
          }
        }
      }
    }
    if keeps, kept.count == count { patches = kept }
    self.representatives = representatives
  }

  /// Adds what `scratch` found while decoding `combination` to `decoding`; a problem positioned
  /// at a generator is about one of its values, which the message then names:
  /// "… found inf (value 3 of logspace [300, 400, 3])".
  private func report(_ scratch: Decoding, combination: Int, decoding: inout Decoding) {
    var generated: [(grid: NumberGrid, valueIndex: Int)] = []
    for (axis, valueIndex) in zip(axes, valueIndices(of: combination)) {
      if case .generated(let grid) = axis.values { generated.append((grid, valueIndex)) }
    }
    decoding.absorb(scratch) { diagnostic in
      let values = generated.filter { $0.grid.mark == diagnostic.mark }
        .map { "value \($0.valueIndex + 1) of \($0.grid.text)" }
      return values.isEmpty ? "" : " (" + values.joined(separator: ", ") + ")"
    }
  }
}
