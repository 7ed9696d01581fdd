import DescentCore
import YAMLNode

/// A list of numbers written as a generator — `{linspace: [lo, hi, n]}`,
/// `{logspace: [lo_exp, hi_exp, n]}` or `{range: [lo, hi, step]}` — whose values are computed on
/// demand: a sweep over ten million values holds a few numbers, not ten million nodes.
///
/// Values carry no accumulated rounding. When the arguments are written as decimals (`0.1`,
/// `1e-3`, `250`, `1e-20`) whose digits, brought to one scale, fit 18 digits, value i is the exact
/// rational number the generator describes, rounded once to the nearest double, whatever the
/// exponent: `{range: [0.1, 0.7, 0.1]}` is 0.1, 0.2, …, 0.7 (the third value is the double nearest
/// 3/10, not 0.1 + 2·0.1 = 0.30000000000000004), and its count is exact, so hi is included
/// whenever it lies on the grid. Other arguments (more digits, non-finite) use
/// lo + (hi − lo)·i/(n − 1) and lo + i·step.
struct NumberGrid: Sendable, Hashable {
  enum Kind: String, Sendable, CaseIterable {
    case linspace, logspace, range
  }

  let kind: Kind
  let count: Int
  /// Where the generator is written; its values are positioned there.
  let mark: Mark
  /// The generator as written, for messages: `linspace [0.01, 0.02, 1000000]`.
  let text: String
  private let formula: Formula

  private enum Formula: Hashable {
    /// Value i is (start + i·step) / denominator, all integers of magnitude at most 2^53, so the
    /// one division rounds the exact quotient.
    case ratio(start: Int, step: Int, denominator: Int)
    /// Value i is the decimal (start + i·step)·10^−scale, read from its digits (rounded once).
    case decimal(start: Int, step: Int, scale: Int)
    /// Value i is (start + i·step/intervals)·10^−scale, from its decimal digits (rounded once).
    case quotient(start: Int, step: Int, intervals: Int, scale: Int)
    /// Value i is lo + (hi − lo)·i/(n − 1); the ends are exactly lo and hi.
    case linear(low: Double, high: Double)
    /// Value i is lo + i·step; the last is hi when it lands within 1e-9 of a step of it.
    case stepped(low: Double, step: Double, high: Double)
  }

  /// Value `index` (0 ..< count).
  /// - Complexity: O(1); a value that is not a ratio of small integers is read from its digits
  ///   (about 80 + 2.4·scale of them for a linspace value that is not a finite decimal).
  func value(at index: Int) -> Double {
    let raw: Double
    switch formula {
    case .ratio(let start, let step, let denominator):
      raw = Double(start + index * step) / Double(denominator)
    case .decimal(let start, let step, let scale):
      raw = Double("\(start + index * step)e\(-scale)")!
    case .quotient(let start, let step, let intervals, let scale):
      raw = ExactDecimal.quotient(start: start, step: step, index: index, intervals: intervals, scale: scale)
    case .linear(let low, let high):
      if index == 0 {
        raw = low
      } else if index == count - 1 {
        raw = high
      } else {
        let intervals = Double(count - 1)
        let difference = high - low
        raw =
          difference.isFinite
          ? low + difference * Double(index) / intervals
          : low * (Double(count - 1 - index) / intervals) + high * (Double(index) / intervals)
      }
    case .stepped(let low, let step, let high):
      let value = low + Double(index) * step
      raw = index == count - 1 && abs(value - high) <= 1e-9 * abs(step) ? high : value
    }
    return kind == .logspace ? Self.powerOfTen(raw) : raw
  }

  /// Every value, in order.
  var values: [Double] { (0..<count).map(value(at:)) }

  /// 10^exponent; exactly rounded for whole exponents (`1e-3` is the double nearest 0.001).
  private static func powerOfTen(_ exponent: Double) -> Double {
    if exponent == exponent.rounded(), abs(exponent) <= 400 { return Double("1e\(Int(exponent))")! }
    return Elementary.pow(10, exponent)
  }

  /// The grid a generator mapping describes, or nil after reporting why there is none.
  static func decode(_ node: Node, decoding: inout Decoding) -> NumberGrid? {
    let names = Kind.allCases.map(\.rawValue)
    guard let entries = decoding.entries(of: node, allowed: names, what: "a number generator") else { return nil }
    guard entries.count == 1, let entry = entries.first, let kind = Kind(rawValue: entry.key) else {
      if entries.count > 1 {
        decoding.error("a number generator has exactly one of linspace, logspace or range", at: node.mark)
      } else if node.pairs?.isEmpty ?? false {
        decoding.error(
          "expected a list or a generator (linspace, logspace or range), found an empty mapping", at: node.mark)
      }
      return nil
    }
    let name = entry.key
    let arguments = entry.value
    let usage = kind == .range ? "[lo, hi, step]" : kind == .logspace ? "[lo_exp, hi_exp, n]" : "[lo, hi, n]"
    guard let items = arguments.items, items.count == 3 else {
      decoding.error(
        "'\(name)' takes three numbers \(usage), found \(decoding.describe(arguments))", at: arguments.mark)
      return nil
    }
    guard let low = decoding.number(items[0], "'\(name)' lower end"),
      let high = decoding.number(items[1], "'\(name)' upper end")
    else { return nil }
    let text = "\(name) [\(items.map(\.sourceText).joined(separator: ", "))]"
    if kind == .range {
      guard let step = decoding.number(items[2], "'range' step") else { return nil }
      return range(low, high, step, items: items, text: text, mark: node.mark, decoding: &decoding)
    }
    guard let count = decoding.integer(items[2], "'\(name)' count", in: 1...Generators.maximumCount) else {
      return nil
    }
    return NumberGrid(
      kind: kind, count: count, mark: node.mark, text: text,
      formula: linspace(low, high, count, lowText: items[0], highText: items[1]))
  }

  /// lo + (hi − lo)·i/(n − 1): exactly, when lo and hi are decimals whose scaled values fit.
  private static func linspace(_ low: Double, _ high: Double, _ count: Int, lowText: Node, highText: Node) -> Formula {
    let intervals = max(count - 1, 1)
    guard let (scaled, scale) = WrittenDecimal.common([lowText, highText]) else {
      return .linear(low: low, high: high)
    }
    let (lowScaled, highScaled) = (scaled[0], scaled[1])
    let step = highScaled.subtractingReportingOverflow(lowScaled)
    guard !step.overflow else { return .linear(low: low, high: high) }
    // In small integers, one division rounds the exact quotient.
    if let power = WrittenDecimal.powerOfTen(scale) {
      let start = lowScaled.multipliedReportingOverflow(by: intervals)
      let end = highScaled.multipliedReportingOverflow(by: intervals)
      let denominator = power.multipliedReportingOverflow(by: intervals)
      if !start.overflow, !end.overflow, !denominator.overflow,
        [start.partialValue, end.partialValue, denominator.partialValue].allSatisfy({ $0.magnitude <= 1 << 53 })
      {
        return .ratio(start: start.partialValue, step: step.partialValue, denominator: denominator.partialValue)
      }
    }
    // Values on the written decimals' own grid are decimals; others are read from enough digits.
    if step.partialValue % intervals == 0 {
      return .decimal(start: lowScaled, step: step.partialValue / intervals, scale: scale)
    }
    return .quotient(start: lowScaled, step: step.partialValue, intervals: intervals, scale: scale)
  }

  /// lo, lo + step, … up to hi (included when on the grid), at most `Generators.maximumCount` values.
  private static func range(
    _ low: Double, _ high: Double, _ step: Double, items: [Node], text: String, mark: Mark, decoding: inout Decoding
  ) -> NumberGrid? {
    let stepMark = items[2].mark
    guard step != 0 else {
      decoding.error("'range' step must not be zero", at: stepMark)
      return nil
    }
    func empty() -> NumberGrid? {
      decoding.error(
        "'range' is empty: step \(NumberText.shortest(step)) never reaches the upper end from the lower end",
        at: stepMark)
      return nil
    }
    func tooMany(_ count: String) -> NumberGrid? {
      decoding.error("'range' would produce \(count) values, more than \(Generators.maximumCount)", at: stepMark)
      return nil
    }
    // Exactly, in integers, when the three numbers are decimals with a common scale that fits.
    if let (scaled, scale) = WrittenDecimal.common(items) {
      let (lowScaled, highScaled, stepScaled) = (scaled[0], scaled[1], scaled[2])
      let difference = highScaled.subtractingReportingOverflow(lowScaled)
      if !difference.overflow {
        if difference.partialValue != 0 && (difference.partialValue > 0) != (stepScaled > 0) { return empty() }
        // In magnitudes (the signs agree): Int.min / −1 does not fit an Int, 2^63 fits a UInt.
        let intervalCount = difference.partialValue.magnitude / stepScaled.magnitude
        guard intervalCount < UInt(Generators.maximumCount) else { return tooMany("\(intervalCount + 1)") }
        let intervals = Int(intervalCount)
        let last = lowScaled + intervals * stepScaled
        let formula: Formula
        if let power = WrittenDecimal.powerOfTen(scale), power <= 1 << 53, lowScaled.magnitude <= 1 << 53,
          last.magnitude <= 1 << 53
        {
          formula = .ratio(start: lowScaled, step: stepScaled, denominator: power)
        } else {
          formula = .decimal(start: lowScaled, step: stepScaled, scale: scale)
        }
        return NumberGrid(kind: .range, count: intervals + 1, mark: mark, text: text, formula: formula)
      }
    }
    let span = (high - low) / step
    guard span >= -1e-9 else { return empty() }
    guard span.isFinite, span + 1e-9 < Double(Generators.maximumCount) else {
      // |hi − lo| / |step| as a power of ten, from logarithms: the quotient may overflow, and so
      // may hi − lo itself (−1e308 to 1e308), so the width is taken as 2·|hi/2 − lo/2|. Both
      // logarithms are finite (finite ends, a non-zero finite step), so the power is within ±700.
      let halfWidth = abs(high / 2 - low / 2)
      let magnitude =
        (Elementary.log(halfWidth) + Elementary.log(2) - Elementary.log(abs(step))) / Elementary.log(10)
      guard magnitude.isFinite, abs(magnitude) < 10_000 else { return tooMany("too many") }
      return tooMany("about 10^\(Int((magnitude + 1e-6).rounded(.down)))")
    }
    let count = Int((span + 1e-9).rounded(.down)) + 1
    return NumberGrid(
      kind: .range, count: count, mark: mark, text: text, formula: .stepped(low: low, step: step, high: high))
  }
}

/// Number generators usable wherever a list of numbers is expected.
enum Generators {
  /// The largest grid one generator may produce.
  static let maximumCount = 10_000_000
}

/// A number as written in decimal: mantissa · 10^−scale, when the digits fit in an `Int`.
enum WrittenDecimal {
  /// The decimal a scalar node was written as (`0.25` → (25, 2), `1e3` → (1, −3), `1e-20` →
  /// (1, 20), `0x1F` → (31, 0)), trailing zeros dropped into the scale (so the scale may be
  /// negative, and zero is (0, 0)); nil when it is not a finite number or its digits do not fit.
  static func parse(_ node: Node) -> (mantissa: Int, scale: Int)? {
    guard case .scalar(let text, let value) = node.content else { return nil }
    var mantissa = 0
    var scale = 0
    switch value {
    case .int(let integer): mantissa = integer
    case .float(let number) where number.isFinite:
      guard let written = digits(of: text) else { return nil }
      (mantissa, scale) = written
    default: return nil
    }
    guard mantissa != 0 else { return (0, 0) }
    while mantissa % 10 == 0 {
      mantissa /= 10
      scale -= 1
    }
    return (mantissa, scale)
  }

  /// The core schema's float syntax, `[-+]? digits [. digits] [(e|E) [-+]? digits]`, as
  /// mantissa · 10^−scale; nil when the digits overflow an `Int` or the exponent is absurd.
  private static func digits(of text: String) -> (mantissa: Int, scale: Int)? {
    let bytes = Array(text.utf8)
    var index = 0
    func sign() -> Bool {
      guard index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") else {
        return false
      }
      index += 1
      return bytes[index - 1] == UInt8(ascii: "-")
    }
    func isDigit() -> Bool { index < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) }
    let negative = sign()
    var mantissa = 0
    var scale = 0
    var sawDigit = false
    var inFraction = false
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "."), !inFraction {
        inFraction = true
      } else if isDigit() {
        let shifted = mantissa.multipliedReportingOverflow(by: 10)
        let next = shifted.partialValue.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
        guard !shifted.overflow, !next.overflow else { return nil }
        mantissa = next.partialValue
        sawDigit = true
        if inFraction { scale += 1 }
      } else {
        break
      }
      index += 1
    }
    if index < bytes.count {
      guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return nil }
      index += 1
      let exponentNegative = sign()
      var exponent = 0
      guard isDigit() else { return nil }
      while isDigit() {
        exponent = exponent * 10 + Int(bytes[index] - UInt8(ascii: "0"))
        guard exponent < 10_000 else { return nil }
        index += 1
      }
      guard index == bytes.count else { return nil }
      scale += exponentNegative ? exponent : -exponent
    }
    guard sawDigit else { return nil }
    return (negative ? -mantissa : mantissa, scale)
  }

  /// The nodes' decimals brought to one common scale (integers n_i with value_i = n_i · 10^−scale,
  /// the scale of the finest non-zero one); nil when one does not fit an `Int` there.
  static func common(_ nodes: [Node]) -> (scaled: [Int], scale: Int)? {
    var parsed: [(mantissa: Int, scale: Int)] = []
    for node in nodes {
      guard let decimal = parse(node) else { return nil }
      parsed.append(decimal)
    }
    let scale = parsed.filter { $0.mantissa != 0 }.map(\.scale).max() ?? 0
    var scaled: [Int] = []
    for decimal in parsed {
      guard decimal.mantissa != 0 else {
        scaled.append(0)
        continue
      }
      guard let power = powerOfTen(scale - decimal.scale) else { return nil }
      let product = decimal.mantissa.multipliedReportingOverflow(by: power)
      guard !product.overflow else { return nil }
      scaled.append(product.partialValue)
    }
    return (scaled, scale)
  }

  /// 10^exponent as an `Int`, for 0 ≤ exponent ≤ 18.
  static func powerOfTen(_ exponent: Int) -> Int? {
    guard (0...18).contains(exponent) else { return nil }
    var power = 1
    for _ in 0..<exponent { power *= 10 }
    return power
  }
}

/// Exactly rounded values of decimal quotients, through their decimal digits.
enum ExactDecimal {
  /// The double nearest (start + index·step/intervals)·10^−scale, for 0 ≤ index < intervals
  /// (so the value lies between start and start + step, and its integer part fits an `Int`).
  ///
  /// The quotient x is written out in decimal — its integer part m, then fraction digits by long
  /// division — and read back by `Double(_:)`, which rounds a decimal text correctly. A fraction
  /// that does not end is cut after k digits with a final 1 appended, which rounds like x itself
  /// as long as no point halfway between two doubles lies strictly between the cut text t and
  /// t + 10^−k (both texts lie there). The halfway points near v = x·10^−scale are multiples of
  /// 2^(e − 54), e = ⌊log₂ v⌋ (subnormal ones, multiples of 2^−1075, are among them), whose
  /// decimal digits end max(0, 54 − e) places after v's point (whole numbers end at it), so
  /// max(0, 54 − e) − scale places after x's. With m of b bits (b ≥ 1), v ≥ 2^(b − 1)·10^−scale,
  /// so e ≥ b − 1 − ⌈3.3220·scale⌉ (for a negative scale, e ≥ b − 1 + ⌊3.3219·|scale|⌋); for
  /// m = 0, x ≥ 1/intervals > 2^−24, as if b = −23. So k = max(0, 55 − b + ⌈3.3220·scale⌉) − scale
  /// places make every nearby halfway point a multiple of 10^−k, and none lies strictly between
  /// consecutive multiples.
  /// - Complexity: O(k): about 80 + 2.33·scale digits for a value below 1, fewer for larger ones.
  static func quotient(start: Int, step: Int, index: Int, intervals: Int, scale: Int) -> Double {
    let (high, low) = UInt(index).multipliedFullWidth(by: step.magnitude)
    // index·|step| / intervals < |step|: the quotient fits.
    let (whole, remainder) = UInt(intervals).dividingFullWidth((high, low))
    let divisor = UInt(intervals)
    // x = floor + fraction/intervals with 0 ≤ fraction < intervals.
    let floor: Int
    var fraction: UInt
    if step >= 0 {
      floor = start + Int(whole)
      fraction = remainder
    } else if remainder == 0 {
      floor = start - Int(whole)
      fraction = 0
    } else {
      floor = start - Int(whole) - 1
      fraction = divisor - remainder
    }
    // |x| = integer + fraction/intervals.
    var integer = floor.magnitude
    let negative = floor < 0
    if negative && fraction > 0 {
      // −(|floor| − fraction/intervals) = −((|floor| − 1) + (intervals − fraction)/intervals).
      integer -= 1
      fraction = divisor - fraction
    }
    var text: [UInt8] = []
    text.reserveCapacity(128)
    if negative { text.append(UInt8(ascii: "-")) }
    text += String(integer).utf8
    if fraction > 0 {
      text.append(UInt8(ascii: "."))
      let bits = integer == 0 ? -23 : UInt.bitWidth - integer.leadingZeroBitCount
      let binaryShift = scale >= 0 ? (33_220 * scale + 9_999) / 10_000 : -(33_219 * -scale / 10_000)
      let places = max(1, max(0, 55 - bits + binaryShift) - scale)
      var written = 0
      while fraction > 0 && written < places {
        fraction *= 10
        text.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
        fraction %= divisor
        written += 1
      }
      if fraction > 0 { text.append(UInt8(ascii: "1")) }
    }
    text.append(UInt8(ascii: "e"))
    text += String(-scale).utf8
    return Double(String(decoding: text, as: UTF8.self))!
  }
}
