/// Selects instances by glob patterns (`--filter`, repeatable: an instance is selected when any
/// pattern matches).
///
/// `*` matches any run of characters (including `/`), `?` one character, `\` escapes the next
/// character; everything else — including `[` and `]`, which ids contain — is literal. A pattern
/// selects an instance when it matches the whole id, its `suite/scenario`, or its suite name.
public struct InstanceFilter: Sendable {
  public let patterns: [String]

  public init(patterns: [String]) {
    self.patterns = patterns
  }

  /// Whether the instance with this id, suite and scenario is selected (everything is when there
  /// are no patterns).
  public func selects(id: String, suite: String, scenario: String) -> Bool {
    guard !patterns.isEmpty else { return true }
    let scenarioPath = "\(suite)/\(scenario)"
    return patterns.contains { pattern in
      Self.matches(pattern, id) || Self.matches(pattern, scenarioPath) || Self.matches(pattern, suite)
    }
  }

  /// Whether every instance of `suite/scenario` is selected: no patterns, or one that matches
  /// the scenario path or the suite name.
  public func selectsAll(suite: String, scenario: String) -> Bool {
    guard !patterns.isEmpty else { return true }
    let scenarioPath = "\(suite)/\(scenario)"
    return patterns.contains { Self.matches($0, scenarioPath) || Self.matches($0, suite) }
  }

  /// Whether some pattern could match an instance id (one that does not is a suite or
  /// scenario pattern, already answered by `selectsAll`). Ids contain `[`, so only a pattern
  /// with `[` or a wildcard can match one that `selectsAll` did not.
  public var mayMatchIDs: Bool {
    patterns.contains { $0.contains("[") || $0.contains("*") || $0.contains("?") }
  }

  /// Whether some pattern matches the whole instance id.
  public func selects(id: String) -> Bool {
    patterns.contains { Self.matches($0, id) }
  }

  /// Whether `text` matches the glob `pattern` entirely.
  /// - Complexity: O(m·n) worst case (single-star backtracking).
  public static func matches(_ pattern: String, _ text: String) -> Bool {
    var tokens: [(character: Character, literal: Bool)] = []
    var escaped = false
    for character in pattern {
      if escaped {
        tokens.append((character, true))
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else {
        tokens.append((character, false))
      }
    }
    if escaped { tokens.append(("\\", true)) }
    let characters = Array(text)
    var p = 0
    var t = 0
    var starPattern = -1
    var starText = 0
    while t < characters.count {
      if p < tokens.count, !tokens[p].literal, tokens[p].character == "*" {
        starPattern = p
        starText = t
        p += 1
      } else if p < tokens.count,
        (!tokens[p].literal && tokens[p].character == "?") || tokens[p].character == characters[t]
      {
        p += 1
        t += 1
      } else if starPattern >= 0 {
        p = starPattern + 1
        starText += 1
        t = starText
      } else {
        return false
      }
    }
    while p < tokens.count, !tokens[p].literal, tokens[p].character == "*" { p += 1 }
    return p == tokens.count
  }
}
