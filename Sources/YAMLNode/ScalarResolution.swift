/// Resolution of scalars to typed values under the YAML 1.2 core schema.
enum ScalarResolver {
  static let tagPrefix = "tag:yaml.org,2002:"

  /// Resolves an untagged plain scalar: null, bool, int, float, else string.
  static func resolvePlain(_ text: String) -> ScalarValue {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if let integer = integer(text) { return integer }
    if let float = float(text) { return .float(float) }
    return .string(text)
  }

  /// Resolves a scalar carrying an explicit tag such as `!!str` or `!!float`; nil if the text does
  /// not fit the tag.
  static func resolveTagged(_ text: String, tag: String) -> ScalarValue? {
    guard tag.hasPrefix(tagPrefix) else { return .string(text) }
    switch tag.dropFirst(tagPrefix.count) {
    case "str": return .string(text)
    case "null": return resolvePlain(text) == .null ? .null : nil
    case "bool":
      if case .bool(let value) = resolvePlain(text) { return .bool(value) }
      return nil
    case "int": return integer(text)
    case "float":
      if case .int(let value)? = integer(text) { return .float(Double(value)) }
      return float(text).map { .float($0) }
    default: return .string(text)
    }
  }

  /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+` (no sign after the prefix: `0x-1` is a
  /// string); integers too large for `Int` become floats.
  private static func integer(_ text: String) -> ScalarValue? {
    var digits = Substring(text)
    if digits.hasPrefix("0x") { return unsigned(digits.dropFirst(2), radix: 16) }
    if digits.hasPrefix("0o") { return unsigned(digits.dropFirst(2), radix: 8) }
    var negative = false
    if let sign = digits.first, sign == "-" || sign == "+" {
      negative = sign == "-"
      digits = digits.dropFirst()
    }
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    if let value = Int(digits) { return .int(negative ? -value : value) }
    return Double(text).map { .float($0) }
  }

  /// Digits of `radix` only (at least one), as an `Int`, or as the nearest float when too large.
  private static func unsigned(_ digits: Substring, radix: Int) -> ScalarValue? {
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.hexDigitValue.map { $0 < radix } == true }) else {
      return nil
    }
    if let value = Int(digits, radix: radix) { return .int(value) }
    return .float(digits.reduce(0.0) { $0 * Double(radix) + Double($1.hexDigitValue!) })
  }

  /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` or `.nan`.
  private static func float(_ text: String) -> Double? {
    switch text {
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
    case "-.inf", "-.Inf", "-.INF": return -.infinity
    case ".nan", ".NaN", ".NAN": return .nan
    default: break
    }
    var index = text.unicodeScalars.startIndex
    let scalars = text.unicodeScalars
    func digitsRun() -> Int {
      var count = 0
      while index < scalars.endIndex, ("0"..."9").contains(scalars[index]) {
        index = scalars.index(after: index)
        count += 1
      }
      return count
    }
    if index < scalars.endIndex, scalars[index] == "-" || scalars[index] == "+" {
      index = scalars.index(after: index)
    }
    var mantissaDigits = digitsRun()
    if index < scalars.endIndex, scalars[index] == "." {
      index = scalars.index(after: index)
      mantissaDigits += digitsRun()
    }
    guard mantissaDigits > 0 else { return nil }
    if index < scalars.endIndex, scalars[index] == "e" || scalars[index] == "E" {
      index = scalars.index(after: index)
      if index < scalars.endIndex, scalars[index] == "-" || scalars[index] == "+" {
        index = scalars.index(after: index)
      }
      guard digitsRun() > 0 else { return nil }
    }
    guard index == scalars.endIndex else { return nil }
    return Double(text)
  }
}
