import DescentCore
import YAMLNode

/// `optimizer:` — a name, or `{name: name, <torch options>}`.
enum OptimizerDecoder {
  /// The names this key accepts, for messages.
  private static var names: [String] { OptimizerCatalog.optimizers.map(\.name) }

  static func decode(_ node: Node, decoding: inout Decoding) -> DecodedOptimizer? {
    let nameNode: Node
    if node.string != nil {
      nameNode = node
    } else if node.pairs != nil {
      guard let named = node["name"] else {
        decoding.error("an optimizer mapping needs 'name' (one of: \(names.joined(separator: ", ")))", at: node.mark)
        return nil
      }
      nameNode = named
    } else {
      decoding.error("'optimizer' must be a name or a mapping, found \(decoding.describe(node))", at: node.mark)
      return nil
    }
    guard let name = decoding.string(nameNode, "'name'") else { return nil }
    guard let description = OptimizerCatalog.optimizer(named: name) else {
      decoding.unknownKey(name, at: nameNode.mark, allowed: names, kind: "optimizer")
      return nil
    }
    var given: [(String, OptionValue)] = []
    var marks: [String: Mark] = [:]
    if let pairs = node.pairs {
      if let lr = pairs.first(where: { $0.key.string == "lr" }) {
        decoding.error("'lr' is a scenario key, not an optimizer option: write it next to 'optimizer'", at: lr.key.mark)
        return nil
      }
      let allowed = ["name"] + description.options.map(\.name)
      guard let entries = decoding.entries(of: node, allowed: allowed, what: "optimizer '\(name)'"),
        let options = OptionDecoder.decode(
          entries, declarations: description.options, skip: ["name"], decoding: &decoding)
      else { return nil }
      given = options.values
      marks = options.marks
    }
    do {
      let optimizer = try description.build(OptionValues(declarations: description.options, given: given))
      return DecodedOptimizer(
        value: optimizer, text: NodeMerging.idText(node, expandingGenerators: false),
        defaultLearningRate: description.defaultLearningRate,
        mark: node.mark)
    } catch {
      // At the list item the problem is with (`betas` index 1), else at the option, else the optimizer.
      var itemMark: Mark?
      if let option = error.option, let index = error.index, let items = node[option]?.items, index < items.count {
        itemMark = items[index].mark
      }
      decoding.error(error.message, at: itemMark ?? error.option.flatMap { marks[$0] } ?? node.mark)
      return nil
    }
  }
}
