import DescentCore
import YAMLNode

/// `landscape:` — a preset name, or `{preset: name, <options>, minimum: [...]}`.
enum LandscapeDecoder {
  /// The names this key accepts, for messages.
  private static var names: [String] { LandscapeCatalog.presets.map(\.name) }

  static func decode(_ node: Node, decoding: inout Decoding) -> DecodedLandscape? {
    if let name = node.string {
      guard let preset = LandscapeCatalog.preset(named: name) else {
        decoding.unknownKey(name, at: node.mark, allowed: names, kind: "landscape")
        return nil
      }
      return build(preset, given: [], marks: [:], minimum: nil, node: node, decoding: &decoding)
    }
    guard node.pairs != nil else {
      decoding.error("'landscape' must be a preset name or a mapping, found \(decoding.describe(node))", at: node.mark)
      return nil
    }
    if node["expr"] != nil { return ExpressionLandscapeDecoder.decode(node, decoding: &decoding) }
    guard let presetNode = node["preset"] else {
      decoding.error(
        "a landscape mapping needs 'preset' (one of: \(names.joined(separator: ", "))) or 'expr'", at: node.mark)
      return nil
    }
    guard let name = decoding.string(presetNode, "'preset'") else { return nil }
    guard let preset = LandscapeCatalog.preset(named: name) else {
      decoding.unknownKey(name, at: presetNode.mark, allowed: names, kind: "landscape")
      return nil
    }
    let allowed = ["preset", "minimum"] + preset.options.map(\.name)
    guard let entries = decoding.entries(of: node, allowed: allowed, what: "landscape '\(name)'") else { return nil }
    let options = OptionDecoder.decode(
      entries, declarations: preset.options, skip: ["preset", "minimum"], decoding: &decoding)
    var minimum: [Double]?
    if let minimumNode = node["minimum"] {
      guard let values = decoding.numbers(minimumNode, "'minimum'") else { return nil }
      minimum = values
    }
    guard let options else { return nil }
    return build(preset, given: options.values, marks: options.marks, minimum: minimum, node: node, decoding: &decoding)
  }

  private static func build(
    _ preset: LandscapePreset, given: [(String, OptionValue)], marks: [String: Mark], minimum: [Double]?, node: Node,
    decoding: inout Decoding
  ) -> DecodedLandscape? {
    do {
      let landscape = try preset.build(OptionValues(declarations: preset.options, given: given))
      if let minimum, minimum.count != landscape.dimension {
        decoding.error(
          "'minimum' has \(minimum.count) coordinate\(minimum.count == 1 ? "" : "s") but landscape '\(preset.name)' has \(landscape.dimension)",
          at: node["minimum"]?.mark ?? node.mark)
        return nil
      }
      return DecodedLandscape(
        value: landscape, text: NodeMerging.idText(node, expandingGenerators: false), minimum: minimum, mark: node.mark)
    } catch {
      decoding.error(error.message, at: error.option.flatMap { marks[$0] } ?? node.mark)
      return nil
    }
  }
}
