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

  /// `value` rounded to `digits` significant digits (the double nearest that decimal), for
  /// messages: `rounded(0.98019801980198)` is 0.980198.
  public static func rounded(_ value: Double, significantDigits digits: Int = 6) -> Double {
    guard value != 0, value.isFinite else { return value }
    let exponent = Int((Elementary.log(abs(value)) / Elementary.log(10)).rounded(.down))
    let shift = digits - 1 - exponent
    // Powers of ten up to 10²² are exact doubles, so one rounding gives the nearest double.
    guard abs(shift) <= 22 else { return value }
    let power = Elementary.pow(10, Double(abs(shift)))
    return shift >= 0 ? (value * power).rounded() / power : (value / power).rounded() * power
  }

  /// A list of numbers as `[a,b,c]` in shortest form.
  public static func list(_ values: [Double]) -> String {
    "[" + values.map(shortest).joined(separator: ",") + "]"
  }
}
