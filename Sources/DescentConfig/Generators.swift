import DescentCore
import YAMLNode

/// Number-grid generators usable wherever a list of numbers is expected:
/// `{linspace: [lo, hi, n]}`, `{logspace: [lo_exp, hi_exp, n]}`, `{range: [lo, hi, step]}`.
enum Generators {
  static let names = ["linspace", "logspace", "range"]
  /// The largest grid one generator may produce.
  static let maximumCount = 10_000_000

  /// Expands a generator mapping into number nodes (all positioned at the generator).
  static func expand(_ node: Node, decoding: inout Decoding) -> [Node]? {
    guard let entries = decoding.entries(of: node, allowed: names, what: "a number generator") else { return nil }
    guard entries.count == 1, let entry = entries.first else {
      if entries.count > 1 {
        decoding.error("a number generator has exactly one of linspace, logspace or range", at: node.mark)
      } else if node.pairs?.isEmpty ?? false {
        decoding.error(
          "expected a list or a generator (linspace, logspace or range), found an empty mapping", at: node.mark)
      }
      return nil
    }
    guard let values = values(entry.key, entry.value, decoding: &decoding) else { return nil }
    return values.map { Node.number($0, at: node.mark) }
  }

  /// The numbers a generator produces.
  static func values(_ name: String, _ arguments: Node, decoding: inout Decoding) -> [Double]? {
    let usage = name == "range" ? "[lo, hi, step]" : name == "logspace" ? "[lo_exp, hi_exp, n]" : "[lo, hi, n]"
    guard let items = arguments.items, items.count == 3 else {
      decoding.error(
        "'\(name)' takes three numbers \(usage), found \(decoding.describe(arguments))", at: arguments.mark)
      return nil
    }
    guard let low = decoding.number(items[0], "'\(name)' lower end"),
      let high = decoding.number(items[1], "'\(name)' upper end")
    else { return nil }
    if name == "range" {
      guard let step = decoding.number(items[2], "'range' step") else { return nil }
      return range(low, high, step, at: items[2].mark, decoding: &decoding)
    }
    guard let count = decoding.integer(items[2], "'\(name)' count", in: 1...maximumCount) else { return nil }
    let grid = linspace(low, high, count)
    return name == "logspace" ? grid.map { Elementary.pow(10, $0) } : grid
  }

  /// numpy.linspace: value i is lo + i·(hi − lo)/(n − 1), and the last value is exactly hi.
  static func linspace(_ low: Double, _ high: Double, _ count: Int) -> [Double] {
    guard count > 1 else { return [low] }
    let step = (high - low) / Double(count - 1)
    var values = (0..<count).map { Double($0) * step + low }
    values[count - 1] = high
    return values
  }

  /// lo, lo + step, lo + 2·step, … up to and including hi when it lies on the grid (to 1e-9 steps).
  static func range(_ low: Double, _ high: Double, _ step: Double, at mark: Mark, decoding: inout Decoding) -> [Double]?
  {
    guard step != 0 else {
      decoding.error("'range' step must not be zero", at: mark)
      return nil
    }
    let span = (high - low) / step
    guard span >= -1e-9 else {
      decoding.error(
        "'range' is empty: step \(NumberText.shortest(step)) never reaches the upper end from the lower end", at: mark)
      return nil
    }
    let count = Int((span + 1e-9).rounded(.down)) + 1
    guard count <= maximumCount else {
      decoding.error("'range' would produce \(count) values, more than \(maximumCount)", at: mark)
      return nil
    }
    return (0..<count).map { low + Double($0) * step }
  }
}
