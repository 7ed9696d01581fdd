import DescentCore
import YAMLNode

/// The scenario keys of stochastic gradients: `noise: {std: σ}`, `batch_size: B` and
/// `sampling: shuffle | replacement`.
enum StochasticGradientDecoder {
  static func decode(_ key: String, _ node: Node, into fields: inout ScenarioFields, decoding: inout Decoding) {
    switch key {
    case "noise":
      guard node.pairs != nil else {
        decoding.error(
          "'noise' must be a mapping such as {std: 0.1}, found \(decoding.describe(node))", at: node.mark)
        return
      }
      guard let entries = decoding.entries(of: node, allowed: ["std"], what: "'noise'") else { return }
      guard let std = entries.first(where: { $0.key == "std" })?.value else {
        // An unknown key (already reported, with a hint) is most likely the misspelled 'std'.
        if entries.count < (node.pairs?.count ?? 0) { return }
        decoding.error(
          "'noise' needs 'std', the standard deviation of the noise added to each gradient component", at: node.mark)
        return
      }
      if let value = decoding.number(std, "'std'", atLeast: 0) { fields.noise = (value, node.mark) }
    case "batch_size":
      if let value = decoding.integer(node, "'batch_size'", in: 1...1_000_000_000) {
        fields.batchSize = (value, node.mark)
      }
    case "sampling":
      guard let text = decoding.string(node, "'sampling'") else { return }
      guard let sampling = BatchSampling(rawValue: text) else {
        decoding.unknownKey(text, at: node.mark, allowed: BatchSampling.allCases.map(\.rawValue), kind: "sampling")
        return
      }
      fields.sampling = (sampling, node.mark)
    default:
      preconditionFailure("unhandled stochastic-gradient key '\(key)'")
    }
  }

  /// Checks the combination with the landscape: mini-batches need samples, at most as many as
  /// there are, and `sampling` needs `batch_size`. Returns false after reporting a problem.
  static func check(_ fields: ScenarioFields, decoding: inout Decoding) -> Bool {
    var ok = true
    if let sampling = fields.sampling, fields.batchSize == nil {
      decoding.error("'sampling' chooses how mini-batches are drawn: it needs 'batch_size'", at: sampling.mark)
      ok = false
    }
    if let batchSize = fields.batchSize, let landscape = fields.landscape {
      if case .leastSquares(let options) = landscape.value {
        if batchSize.value > options.samples {
          decoding.error(
            "'batch_size' is \(batchSize.value) but landscape \(landscape.text) has \(options.samples) samples",
            at: batchSize.mark)
          ok = false
        }
      } else {
        decoding.error(
          "'batch_size' needs a landscape made of samples, such as least-squares; \(landscape.text) has none (add noise with 'noise: {std: ...}')",
          at: batchSize.mark)
        ok = false
      }
    }
    return ok
  }

  /// The `StochasticGradient` of checked fields.
  static func stochasticGradient(_ fields: ScenarioFields) -> StochasticGradient {
    StochasticGradient(
      noiseStandardDeviation: fields.noise?.standardDeviation ?? 0, batchSize: fields.batchSize?.value,
      sampling: fields.sampling?.value ?? .shuffle)
  }
}
