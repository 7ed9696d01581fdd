import Foundation

/// The escaping rules of every output format, in one place: each writer calls these rather
/// than escaping on its own.
public enum ReportText {
  /// XML 1.0 character data or attribute value: `& < > " '` as entities; in attributes also tab,
  /// newline and carriage return as character references (so they survive attribute-value
  /// normalization); characters XML 1.0 cannot carry (C0 controls other than tab/newline/return,
  /// U+FFFE, U+FFFF) become U+FFFD.
  public static func xml(_ text: String, attribute: Bool = false) -> String {
    // Most texts need no escape (U+FFFE/U+FFFF start with byte 0xEF).
    if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0xEF || "&<>\"'".utf8.contains($0) }) { return text }
    var output = ""
    output.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      case "'": output += "&apos;"
      case "\t": output += attribute ? "&#9;" : "\t"
      case "\n": output += attribute ? "&#10;" : "\n"
      case "\r": output += "&#13;"
      case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
        output.unicodeScalars.append("\u{FFFD}")
      default: output.unicodeScalars.append(scalar)
      }
    }
    return output
  }

  /// Text inside HTML (and Markdown's inline HTML such as `<summary>`): `& < > "` as entities.
  public static func html(_ text: String) -> String {
    var output = ""
    for character in text {
      switch character {
      case "&": output += "&amp;"
      case "<": output += "&lt;"
      case ">": output += "&gt;"
      case "\"": output += "&quot;"
      default: output.append(character)
      }
    }
    return output
  }

  /// A GitHub-flavored Markdown table cell: HTML-escaped, `|` escaped, line breaks as spaces.
  public static func markdownCell(_ text: String) -> String {
    html(text).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r\n", with: " ")
      .replacingOccurrences(of: "\n", with: " ")
  }

  /// An RFC 4180 field: quoted (with inner quotes doubled) when it holds a comma, a quote or a
  /// line break.
  public static func csvField(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
    else {
      return text
    }
    var output = "\""
    if text.utf8.contains(UInt8(ascii: "\"")) {
      for scalar in text.unicodeScalars {
        if scalar == "\"" { output += "\"\"" } else { output.unicodeScalars.append(scalar) }
      }
    } else {
      output += text
    }
    return output + "\""
  }

  /// A TAP 14 test point description: `\` and `#` escaped, line breaks as spaces.
  public static func tapDescription(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "#", with: "\\#").replacingOccurrences(
      of: "\r\n", with: " "
    )
    .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
  }

  /// The message of a GitHub Actions workflow command (actions/toolkit `escapeData`):
  /// `%` → `%25`, CR → `%0D`, LF → `%0A`.
  public static func annotationMessage(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(
      of: "\n", with: "%0A")
  }

  /// A property value of a workflow command (actions/toolkit `escapeProperty`): as the message,
  /// plus `:` → `%3A` and `,` → `%2C`.
  public static func annotationProperty(_ text: String) -> String {
    annotationMessage(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }

  /// Seconds with a dot decimal and three places, never a locale's separators: 1.5 → "1.500".
  public static func seconds(_ value: Double) -> String {
    let thousandths = Int((max(0, value) * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
  }

  /// `text` cut to at most `limit` characters, with "…" marking a cut.
  public static func truncated(_ text: String, to limit: Int) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(max(0, limit - 1))) + "…"
  }
}
