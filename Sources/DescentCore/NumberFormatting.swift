/// Text forms of numbers shared by ids, CSV dumps and JSON reports.
public enum NumberText {
  /// The shortest text that reads back as exactly `value` (Swift's round-trip digits), in a
  /// compact form: no trailing `.0`, exponents without padding (`1e-6`, `1.5e20`), and
  /// `nan`, `inf`, `-inf` for the non-finite values.
  ///
  /// Examples: `0.1` → "0.1", `1.0` → "1", `1e-6` → "1e-6", `-0.0` → "-0".
  public static func shortest(_ value: Double) -> String {
    guard value.isFinite else {
      if value.isNaN { return "nan" }
      return value < 0 ? "-inf" : "inf"
    }
    var text = value.description
    if let exponentIndex = text.firstIndex(of: "e") {
      var mantissa = String(text[..<exponentIndex])
      var exponent = String(text[text.index(after: exponentIndex)...])
      if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
      let negative = exponent.hasPrefix("-")
      exponent = String(exponent.drop { $0 == "+" || $0 == "-" }.drop { $0 == "0" })
      text = mantissa + "e" + (negative ? "-" : "") + (exponent.isEmpty ? "0" : exponent)
    } else if text.hasSuffix(".0") {
      text.removeLast(2)
    }
    return text
  }

  /// A list of numbers as `[a,b,c]` in shortest form.
  public static func list(_ values: [Double]) -> String {
    "[" + values.map(shortest).joined(separator: ",") + "]"
  }
}
