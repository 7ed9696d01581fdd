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
    // The text is ASCII: work on its UTF-8 bytes (Character-level searches cost more than the
    // digits themselves, and reports format millions of numbers).
    let utf8 = text.utf8
    if let exponentIndex = utf8.firstIndex(of: UInt8(ascii: "e")) {
      var mantissa = utf8[..<exponentIndex]
      if mantissa.count >= 2 && mantissa.suffix(2).elementsEqual(".0".utf8) { mantissa = mantissa.dropLast(2) }
      var exponent = utf8[utf8.index(after: exponentIndex)...]
      let negative = exponent.first == UInt8(ascii: "-")
      exponent = exponent.drop { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }.drop { $0 == UInt8(ascii: "0") }
      var bytes = Array(mantissa)
      bytes.append(UInt8(ascii: "e"))
      if negative { bytes.append(UInt8(ascii: "-")) }
      if exponent.isEmpty { bytes.append(UInt8(ascii: "0")) } else { bytes += exponent }
      text = String(decoding: bytes, as: UTF8.self)
    } else if utf8.count >= 2 && utf8.suffix(2).elementsEqual(".0".utf8) {
      text = String(decoding: utf8.dropLast(2), as: UTF8.self)
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
