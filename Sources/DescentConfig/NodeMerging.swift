import DescentCore
import YAMLNode

/// How `defaults`, scenarios, `cases` and `sweep` values combine (SPEC §1), on the node level so
/// every merged value keeps the position it was written at.
///
/// - Mappings merge key by key, recursively; the more specific value wins.
/// - A mapping that names a different kind (`name:` of an optimizer, `preset:`/`expr:` of a
///   landscape, `schedule:` of an lr) replaces instead of merging, so `{name: adam}` over
///   `{name: sgd, momentum: 0.9}` does not inherit `momentum`.
/// - Shorthands are widened before merging: `optimizer: sgd` is `{name: sgd}`,
///   `landscape: ravine` is `{preset: ravine}`.
/// - `expect` and `clip` are never merged: a more specific value replaces the whole claim (so
///   `clip: {value: 1}` over `clip: {max_norm: 1}` is value clipping alone).
/// - Lists and scalars replace, and so do generators (`{linspace: …}` is a list).
enum NodeMerging {
  /// Keys whose string shorthand stands for a mapping with this discriminator.
  static let shorthandDiscriminator: [String: String] = ["landscape": "preset", "optimizer": "name"]
  /// The values scenario keys take when nobody sets them and which have a kind to merge into.
  static let builtInDefaults: [String: String] = ["optimizer": "sgd"]
  /// Keys whose value names what kind of thing a mapping is.
  static let discriminators: Set<String> = ["name", "preset", "expr", "schedule"]

  /// `override` merged over `base` for the scenario key `key`.
  static func merge(_ base: Node?, _ override: Node, key: String) -> Node {
    guard let base, key != "expect", key != "clip" else { return override }
    let widenedBase = widen(base, key: key)
    let widenedOverride = widen(override, key: key)
    guard widenedBase.pairs != nil, widenedOverride.pairs != nil else { return override }
    return mergeMappings(widenedBase, widenedOverride)
  }

  /// Whether `node` is a number generator (`{linspace: …}`, `{logspace: …}`, `{range: …}`): a
  /// mapping that names no kind and has a generator's key.
  static func isGenerator(_ node: Node) -> Bool {
    guard let pairs = node.pairs else { return false }
    return pairs.contains { NumberGrid.Kind(rawValue: $0.key.string ?? "") != nil }
      && !pairs.contains { discriminators.contains($0.key.string ?? "") }
  }

  /// The mapping form of a shorthand (`sgd` → `{name: sgd}`), or the node itself.
  static func widen(_ node: Node, key: String) -> Node {
    guard let discriminator = shorthandDiscriminator[key], node.string != nil else { return node }
    return Node(.mapping([Node.Pair(key: .string(discriminator, at: node.mark), value: node)]), at: node.mark)
  }

  private static func mergeMappings(_ base: Node, _ override: Node) -> Node {
    guard let basePairs = base.pairs, let overridePairs = override.pairs else { return override }
    // A generator stands for a list, and lists replace: `{range: …}` over `{linspace: …}` is the range.
    if isGenerator(base) || isGenerator(override) { return override }
    for pair in overridePairs {
      guard let key = pair.key.string, discriminators.contains(key) else { continue }
      if let baseValue = base[key], baseValue.scalar != pair.value.scalar { return override }
      if base[key] == nil, basePairs.contains(where: { discriminators.contains($0.key.string ?? "") }) {
        return override
      }
    }
    var merged = basePairs
    for pair in overridePairs {
      if let index = merged.firstIndex(where: { $0.key.string != nil && $0.key.string == pair.key.string }) {
        let inner = merged[index].value
        merged[index] = Node.Pair(
          key: pair.key,
          value: inner.pairs != nil && pair.value.pairs != nil ? mergeMappings(inner, pair.value) : pair.value)
      } else {
        merged.append(pair)
      }
    }
    return Node(.mapping(merged), at: override.mark)
  }

  /// `base` (the value of `path[0]`, possibly nil) with the value at the dotted `path` set to
  /// `value`, e.g. `optimizer.momentum`; nil with a message when `base` has no room for it.
  /// Keys created on the way are positioned at `keyMark` (the sweep key), so a problem with such a
  /// key is reported once, there.
  static func setting(_ value: Node, at path: [String], in base: Node?, keyMark: Mark) -> (
    node: Node?, problem: String?
  ) {
    guard path.count > 1 else { return (merge(base, value, key: path[0]), nil) }
    // Without a value to set into, start from the built-in default (`optimizer` is `sgd`).
    let defaultBase = builtInDefaults[path[0]].map { Node.string($0, at: keyMark) }
    let container = (base ?? defaultBase).map { widen($0, key: path[0]) } ?? Node(.mapping([]), at: value.mark)
    guard container.pairs != nil else {
      return (
        nil, "cannot set '\(path.joined(separator: "."))': '\(path[0])' is \(container.typeDescription), not a mapping"
      )
    }
    return setNested(value, at: path.dropFirst(), in: container, fullPath: path, keyMark: keyMark)
  }

  private static func setNested(
    _ value: Node, at path: ArraySlice<String>, in container: Node, fullPath: [String], keyMark: Mark
  ) -> (node: Node?, problem: String?) {
    guard var pairs = container.pairs, let key = path.first else {
      return (nil, "cannot set '\(fullPath.joined(separator: "."))': not a mapping")
    }
    let keyNode = Node.string(key, at: keyMark)
    let index = pairs.firstIndex { $0.key.string == key }
    if path.count == 1 {
      if let index { pairs[index].value = value } else { pairs.append(Node.Pair(key: keyNode, value: value)) }
      return (Node(.mapping(pairs), at: container.mark), nil)
    }
    let inner = index.map { pairs[$0].value } ?? Node(.mapping([]), at: value.mark)
    let (node, problem) = setNested(value, at: path.dropFirst(), in: inner, fullPath: fullPath, keyMark: keyMark)
    guard let node else { return (nil, problem) }
    if let index { pairs[index].value = node } else { pairs.append(Node.Pair(key: keyNode, value: node)) }
    return (Node(.mapping(pairs), at: container.mark), nil)
  }

  /// The canonical text of a value inside an instance id: numbers in shortest round-trip form
  /// (−0 as 0), lists as `[a,b]`, mappings as `kind(key=value,...)` with keys sorted, so the same
  /// value gives the same id however it was spelled. A mapping that names its kind (`name:` of an
  /// optimizer, `preset:` of a landscape, `schedule:` of an lr) lists only the options it
  /// changes: an option equal to its default is left out (`{name: sgd, momentum: 0.9, nesterov:
  /// false}` is `sgd(momentum=0.9)`, `{name: sgd, momentum: 0}` is `sgd`), and a constant
  /// schedule is its lr (`{schedule: constant, lr: 0.1}` is `0.1`). A generator is the list it
  /// generates (`{linspace: [1, 2, 2]}` is `[1,2]`, as `[1, 2]` is), unless `expandingGenerators`
  /// is false (report texts: `(linspace=[1,2,1000])`); a long list is shortened (`listText`).
  /// - Complexity: O(size of the value), generated values included.
  static func idText(_ node: Node, expandingGenerators: Bool = true) -> String {
    switch node.content {
    case .scalar(let text, let value):
      switch value {
      case .int, .float: return numberText(value.number!)
      case .bool(let flag): return flag ? "true" : "false"
      case .null: return "null"
      case .string: return text
      }
    case .sequence(let items):
      let numbers = items.compactMap(\.number)
      if numbers.count == items.count && numbers.count > longList { return listText(numbers) }
      return "[" + items.map { idText($0, expandingGenerators: expandingGenerators) }.joined(separator: ",") + "]"
    case .mapping(let pairs):
      if expandingGenerators, isGenerator(node) {
        var scratch = Decoding()
        if let grid = NumberGrid.decode(node, decoding: &scratch) {
          return listText((0..<grid.count).map { grid.value(at: $0) })
        }
      }
      let named = pairs.first { discriminators.contains($0.key.string ?? "") }
      let declarations = named.flatMap { declaredOptions($0.key.string!, $0.value.string) } ?? []
      if named?.key.string == "schedule", named?.value.string == "constant", pairs.count == 2,
        let rate = pairs.first(where: { $0.key.string == "lr" })?.value, rate.number != nil
      {
        return idText(rate)
      }
      let options = pairs.filter { pair in
        pair.key.string != named?.key.string && !isDefault(pair, declarations: declarations)
      }
      .map { (key: $0.key.string ?? idText($0.key), value: idText($0.value, expandingGenerators: expandingGenerators)) }
      .sorted { $0.key < $1.key }
      .map { "\($0.key)=\($0.value)" }
      .joined(separator: ",")
      guard let named else { return "(\(options))" }
      return options.isEmpty ? idText(named.value) : "\(idText(named.value))(\(options))"
    }
  }

  /// Lists of numbers longer than this are shortened in ids (`listText`).
  static let longList = 8

  /// A list of numbers in an id: `[a,b,c]`, or for more than `longList` numbers its first three,
  /// its last, its length and a hash of them all — `[1,1.01,1.02,…,10](n=1000,fnv=1f2e3d4c)` — so a
  /// thousand eigenvalues do not make a thousand-number id, and equal lists, written or
  /// generated, still give one id.
  static func listText(_ values: [Double]) -> String {
    let texts = values.map(numberText)
    guard texts.count > longList else { return "[" + texts.joined(separator: ",") + "]" }
    let hash = StableHash.fnv1a(texts.joined(separator: ","))
    let hex = String(hash >> 32, radix: 16)
    return "[" + texts.prefix(3).joined(separator: ",") + ",…,\(texts.last!)](n=\(texts.count),fnv="
      + String(repeating: "0", count: 8 - hex.count) + hex + ")"
  }

  /// A number in an id: shortest round-trip form, and 0 for −0 (the same run).
  static func numberText(_ value: Double) -> String {
    value == 0 ? "0" : NumberText.shortest(value)
  }

  /// `node` (widened for `key`) without the values at `paths`, each a dotted path below `key`
  /// (`[momentum]` for `optimizer.momentum`): what the node says apart from what those set.
  static func removing(_ paths: [ArraySlice<String>], from node: Node?, key: String) -> Node? {
    guard let node, !paths.isEmpty else { return node }
    let widened = widen(node, key: key)
    guard var pairs = widened.pairs else { return node }
    for path in paths {
      guard let first = path.first, let index = pairs.firstIndex(where: { $0.key.string == first }) else { continue }
      if path.count == 1 {
        pairs.remove(at: index)
      } else if let inner = removing([path.dropFirst()], from: pairs[index].value, key: "") {
        pairs[index].value = inner
      }
    }
    return Node(.mapping(pairs), at: widened.mark)
  }

  /// The options declared for the kind a discriminator names (`name: sgd` → SGD's options).
  private static func declaredOptions(_ discriminator: String, _ kind: String?) -> [OptionDeclaration]? {
    guard let kind else { return nil }
    switch discriminator {
    case "name": return OptimizerCatalog.optimizer(named: kind)?.options
    case "preset": return LandscapeCatalog.preset(named: kind)?.options
    case "schedule": return ScheduleCatalog.schedule(named: kind)?.options
    default: return nil
    }
  }

  /// Whether an option entry sets its declared default (so leaving it out changes nothing).
  private static func isDefault(_ pair: Node.Pair, declarations: [OptionDeclaration]) -> Bool {
    guard let declaration = declarations.first(where: { $0.name == pair.key.string }),
      let defaultValue = declaration.defaultValue
    else { return false }
    let value: OptionValue?
    switch declaration.kind {
    case .number: value = pair.value.number.map { .number($0) }
    case .flag:
      if case .bool(let flag)? = pair.value.scalar { value = .flag(flag) } else { value = nil }
    case .numbers:
      let numbers = pair.value.items?.compactMap(\.number)
      value = numbers.flatMap { $0.count == pair.value.items?.count ? .numbers($0) : nil }
    case .choice: value = pair.value.string.map { .text($0) }
    }
    return value == defaultValue
  }
}
