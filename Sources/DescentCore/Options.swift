/// The value of one named option of a landscape preset or an optimizer.
public enum OptionValue: Sendable, Hashable, CustomStringConvertible {
  case number(Double)
  case flag(Bool)
  case numbers([Double])
  /// One of the names a `.choice` option allows.
  case text(String)

  public var description: String {
    switch self {
    case .number(let value): NumberText.shortest(value)
    case .flag(let value): value ? "true" : "false"
    case .numbers(let values): NumberText.list(values)
    case .text(let value): value
    }
  }
}

/// The declaration of an option: its name, kind, default and meaning.
public struct OptionDeclaration: Sendable {
  public enum Kind: Sendable, Hashable {
    case number
    case flag
    /// A list of numbers; `count` fixes its length when set.
    case numbers(count: Int?)
    /// One name out of `allowed` (such as OneCycle's `anneal: cos`).
    case choice([String])
  }

  public let name: String
  public let kind: Kind
  /// nil for an option that is required, or whose default is resolved at run time (such as a
  /// schedule length that defaults to the run's steps).
  public let defaultValue: OptionValue?
  public let summary: String

  public init(_ name: String, _ kind: Kind, default defaultValue: OptionValue?, _ summary: String) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.summary = summary
  }
}

/// A problem with one option (or with their combination when `option` is nil), found while
/// building a landscape or optimizer. The config reader positions it at the option's key.
public struct OptionError: Error, Sendable, Hashable {
  public var option: String?
  /// The item of a list option the problem is with (`betas` index 0), when it is one item.
  public var index: Int?
  public var message: String

  public init(option: String?, index: Int? = nil, _ message: String) {
    self.option = option
    self.index = index
    self.message = message
  }
}

/// Option values by name, with the declared defaults filled in.
public struct OptionValues: Sendable, Hashable {
  public private(set) var values: [String: OptionValue]
  /// The names the user set explicitly, in the order given.
  public let explicitNames: [String]

  public init(declarations: [OptionDeclaration], given: [(String, OptionValue)]) {
    var values: [String: OptionValue] = [:]
    for declaration in declarations {
      if let value = declaration.defaultValue { values[declaration.name] = value }
    }
    for (name, value) in given { values[name] = value }
    self.values = values
    explicitNames = given.map(\.0)
  }

  /// A number option (its default when not given).
  public func number(_ name: String) -> Double {
    if case .number(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared number")
  }

  /// A flag option (its default when not given).
  public func flag(_ name: String) -> Bool {
    if case .flag(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared flag")
  }

  /// A list option, or nil when it has no default and was not given.
  public func numbers(_ name: String) -> [Double]? {
    if case .numbers(let value)? = values[name] { return value }
    return nil
  }

  /// A number option without a default, or nil when it was not given.
  public func optionalNumber(_ name: String) -> Double? {
    if case .number(let value)? = values[name] { return value }
    return nil
  }

  /// A choice option (its default when not given).
  public func text(_ name: String) -> String {
    if case .text(let value)? = values[name] { return value }
    preconditionFailure("option '\(name)' is not a declared choice")
  }

  /// Whether the user set `name` explicitly.
  public func isGiven(_ name: String) -> Bool { explicitNames.contains(name) }
}
