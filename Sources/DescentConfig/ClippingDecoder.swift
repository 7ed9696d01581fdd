import DescentCore
import YAMLNode

/// `clip:` — `{max_norm: m}` (torch's clip_grad_norm_), `{value: c}` (clip_grad_value_), or
/// `none` (no clipping, to override a default).
enum ClippingDecoder {
  static let kinds = ["max_norm", "value"]

  static func decode(_ node: Node, decoding: inout Decoding) -> DecodedClipping? {
    if node.scalar == .null || node.string == "none" {
      return DecodedClipping(value: nil, mark: node.mark)
    }
    guard node.pairs != nil else {
      decoding.error(
        "'clip' must be {max_norm: m}, {value: c} or none, found \(decoding.describe(node))", at: node.mark)
      return nil
    }
    guard let entries = decoding.entries(of: node, allowed: kinds, what: "'clip'") else { return nil }
    guard entries.count == 1, let entry = entries.first else {
      if entries.isEmpty {
        // Keys that were there were reported as unknown (with a did-you-mean).
        if node.pairs?.isEmpty ?? true { decoding.error("'clip' needs 'max_norm' or 'value'", at: node.mark) }
      } else {
        decoding.error("'clip' takes one of 'max_norm' and 'value', not both", at: entries[1].keyMark)
      }
      return nil
    }
    guard let limit = decoding.number(entry.value, "'\(entry.key)'", greaterThan: 0) else { return nil }
    let clipping: GradientClipping = entry.key == "max_norm" ? .norm(maximum: limit) : .value(limit)
    return DecodedClipping(value: clipping, mark: node.mark)
  }
}
