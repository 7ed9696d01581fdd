import DescentCore

/// A JSON value with ordered object keys, serialized deterministically (same value, same bytes).
public indirect enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  /// A number; non-finite values serialize as `null` (JSON has no NaN or infinity).
  case number(Double)
  case integer(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }
  public func hash(into hasher: inout Hasher) { hasher.combine(serialized()) }

  /// A number, or null when absent.
  public static func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }
  /// A string, or null when absent.
  public static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
  /// A list of numbers.
  public static func numbers(_ values: [Double]) -> JSONValue { .array(values.map { .number($0) }) }

  /// Compact JSON text (no whitespace), numbers in shortest round-trip form.
  public func serialized() -> String {
    var output = ""
    write(to: &output)
    return output
  }

  public func write(to output: inout String) {
    switch self {
    case .null: output += "null"
    case .bool(let value): output += value ? "true" : "false"
    case .number(let value): output += value.isFinite ? NumberText.shortest(value) : "null"
    case .integer(let value): output += String(value)
    case .string(let value): Self.writeString(value, to: &output)
    case .array(let items):
      output += "["
      for (index, item) in items.enumerated() {
        if index > 0 { output += "," }
        item.write(to: &output)
      }
      output += "]"
    case .object(let members):
      output += "{"
      for (index, (key, value)) in members.enumerated() {
        if index > 0 { output += "," }
        Self.writeString(key, to: &output)
        output += ":"
        value.write(to: &output)
      }
      output += "}"
    }
  }

  /// A JSON string literal, escaping quotes, backslashes and control characters.
  static func writeString(_ value: String, to output: inout String) {
    output += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
