import DescentConfig

/// A usage error: a bad flag, a missing value, a value of the wrong form.
struct UsageError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }

  init(_ message: String) {
    self.message = message
  }
}

/// Parses one subcommand's arguments: flags (`--name`, `--name value`, `--name=value`) and
/// positional arguments, refusing unknown flags with a did-you-mean hint.
struct ArgumentScanner {
  /// Flags without a value.
  let switches: Set<String>
  /// Flags that take a value (repeatable ones collect every value).
  let options: Set<String>
  private(set) var positional: [String] = []
  private(set) var values: [String: [String]] = [:]
  private(set) var setSwitches: Set<String> = []

  /// Reads `arguments`; a switch given twice is an error, and so is an option unless it is
  /// `repeatable`.
  init(_ arguments: [String], switches: Set<String>, options: Set<String>, repeatable: Set<String> = [])
    throws(UsageError)
  {
    self.switches = switches
    self.options = options
    var index = 0
    var onlyPositional = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if onlyPositional || !argument.hasPrefix("-") || argument == "-" {
        positional.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositional = true
        continue
      }
      var name = argument
      var inlineValue: String?
      if let equals = argument.firstIndex(of: "=") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      if switches.contains(name) {
        if inlineValue != nil { throw UsageError("\(name) takes no value") }
        guard setSwitches.insert(name).inserted else { throw UsageError("\(name) is given twice; give it once") }
      } else if options.contains(name) {
        let value: String
        if let inlineValue {
          value = inlineValue
        } else {
          guard index < arguments.count else { throw UsageError("\(name) needs a value") }
          value = arguments[index]
          index += 1
        }
        if let earlier = values[name]?.last, !repeatable.contains(name) {
          throw UsageError("\(name) is given twice ('\(earlier)' and '\(value)'); give it once")
        }
        values[name, default: []].append(value)
      } else {
        let known = (switches.union(options)).sorted()
        if let suggestion = Spelling.closest(to: name, among: known) {
          throw UsageError("unknown option '\(name)' (did you mean '\(suggestion)'?)")
        }
        throw UsageError("unknown option '\(name)' (options: \(known.joined(separator: " ")))")
      }
    }
  }

  func isSet(_ flag: String) -> Bool { setSwitches.contains(flag) }

  /// The value given for `flag` (the last, for a repeatable one).
  func value(_ flag: String) -> String? { values[flag]?.last }

  /// Every value given for a repeatable `flag`.
  func all(_ flag: String) -> [String] { values[flag] ?? [] }

  /// A whole number value within `range`.
  func integer(_ flag: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
    guard let text = value(flag) else { return nil }
    guard let value = Int(text), range.contains(value) else {
      throw UsageError(
        "\(flag) must be a whole number between \(range.lowerBound) and \(range.upperBound), got '\(text)'")
    }
    return value
  }
}
