import DescentCore
import YAMLNode

/// `landscape: {expr: "...", vars: [...], minimum: [...]}` — a landscape written as an expression.
enum ExpressionLandscapeDecoder {
  static let keys = ["expr", "vars", "minimum"]

  static func decode(_ node: Node, decoding: inout Decoding) -> DecodedLandscape? {
    if let preset = node.pairs?.first(where: { $0.key.string == "preset" }) {
      decoding.error("a landscape has either 'preset' or 'expr', not both", at: preset.key.mark)
      return nil
    }
    guard let entries = decoding.entries(of: node, allowed: keys, what: "an expression landscape") else { return nil }
    func value(_ key: String) -> Node? { entries.first { $0.key == key }?.value }
    guard let exprNode = value("expr") else { return nil }
    guard let source = expressionText(exprNode, decoding: &decoding) else { return nil }
    var variableNodes: [Node]?
    if let varsNode = value("vars") {
      guard let items = varsNode.items, !items.isEmpty else {
        decoding.error(
          "'vars' must be a non-empty list of names, found \(decoding.describe(varsNode))", at: varsNode.mark)
        return nil
      }
      for item in items where item.string == nil {
        decoding.error("each item of 'vars' must be a name, found \(decoding.describe(item))", at: item.mark)
        return nil
      }
      variableNodes = items
    }
    var minimum: [Double]?
    if let minimumNode = value("minimum") {
      guard let values = decoding.numbers(minimumNode, "'minimum'") else { return nil }
      minimum = values
    }
    let landscape: ExpressionLandscape
    do {
      landscape = try ExpressionLandscape(source, variables: variableNodes?.map { $0.string! })
    } catch {
      report(error, source: source, exprNode: exprNode, variableNodes: variableNodes ?? [], decoding: &decoding)
      return nil
    }
    if let minimum, minimum.count != landscape.dimension {
      decoding.error(
        "'minimum' has \(minimum.count) coordinate\(minimum.count == 1 ? "" : "s") but the expression has \(landscape.dimension) variable\(landscape.dimension == 1 ? "" : "s") (\(landscape.variableNames.joined(separator: ", ")))",
        at: value("minimum")!.mark)
      return nil
    }
    if let minimum, let problem = criticalPointProblem(landscape, minimum) {
      decoding.error("'minimum' \(NumberText.list(minimum)) \(problem)", at: value("minimum")!.mark)
      return nil
    }
    return DecodedLandscape(
      value: .expression(landscape), text: NodeMerging.idText(node, expandingGenerators: false), minimum: minimum,
      mark: node.mark)
  }

  /// Why `point` cannot be f's x*, or nil: ∇f must vanish there, up to the rounding of a minimizer
  /// written to a few digits (Newton's method from it settles within 1e-4·max(1, ‖point‖)). A kink,
  /// where ∇f is not finite, cannot be judged and passes.
  static func criticalPointProblem(_ landscape: ExpressionLandscape, _ point: [Double]) -> String? {
    let gradient = landscape.gradient(at: point)
    guard gradient.allSatisfy(\.isFinite), gradient.contains(where: { $0 != 0 }) else { return nil }
    let slope = "∇f = \(NumberText.list(gradient.map { NumberText.rounded($0) })) there"
    guard let critical = ReferencePoint.newtonCriticalPoint(of: landscape, from: point) else {
      return "is not a critical point of f (\(slope)), and Newton's method finds none from it"
    }
    var squares = 0.0
    for (a, b) in zip(critical, point) { squares += (a - b) * (a - b) }
    let scale = max(1, point.reduce(0) { $0 + $1 * $1 }.squareRoot())
    guard squares.squareRoot() > 1e-4 * scale else { return nil }
    return
      "is not a critical point of f (\(slope)); the nearest Newton's method finds is \(NumberText.list(critical.map { NumberText.rounded($0) }))"
  }

  /// The expression as text; a number (`expr: 3`) is accepted as its written text.
  private static func expressionText(_ node: Node, decoding: inout Decoding) -> String? {
    guard case .scalar(let text, let value) = node.content, !text.isEmpty,
      value.number != nil || node.string != nil
    else {
      decoding.error(
        "'expr' must be an expression such as \"x^2 + 100*y^2\", found \(decoding.describe(node))", at: node.mark)
      return nil
    }
    return text
  }

  /// Reports an expression error at its place in the file — the character inside the scalar when
  /// the value appears verbatim on one line, else the start of the scalar — followed by the
  /// expression's line (a window of it when long) with a caret under the error.
  ///
  /// A block scalar (`expr: |`) is positioned at its indicator: its value's line k is the file's
  /// line k after the indicator's, but the node does not record the indentation its lines were
  /// stripped of, so the file column is unknown. The message names the line and column inside
  /// the expression instead.
  static func report(
    _ error: ExpressionError, source: String, exprNode: Node, variableNodes: [Node], decoding: inout Decoding
  ) {
    var message = error.message
    if let name = error.unknownFunction,
      let suggestion = Spelling.closest(to: name, among: ExpressionLanguage.functionNames)
    {
      message = "unknown function '\(name)' (did you mean '\(suggestion)'?)"
    }
    switch error.location {
    case .variable(let index):
      decoding.error(message, at: index < variableNodes.count ? variableNodes[index].mark : exprNode.mark)
    case .text(let offset, let length):
      let mark = exprNode.mark(atValueOffset: offset) ?? exprNode.mark
      let excerpt = ExpressionExcerpt(source: source, offset: offset, length: length)
      decoding.error(
        "invalid expression at \(excerpt.position): \(message)\n    \(excerpt.text)\n    \(excerpt.caret)", at: mark)
    }
  }
}
