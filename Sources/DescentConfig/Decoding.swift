import DescentCore
import YAMLNode

/// Collects every problem found while decoding a file, so the user sees them all at once.
///
/// The typed getters report a positioned error and return nil on bad input; callers carry on
/// with what they could decode and the loader decides once, at the end, that nothing runs.
struct Decoding {
  private(set) var diagnostics: [Diagnostic] = []
  private var seen: Set<Diagnostic> = []
  /// Keys suggested by a "did you mean" so far: a key reported as misspelled is not also
  /// reported as missing.
  private(set) var suggestedKeys: Set<String> = []
  /// Numbers the generators of list values (`start`, `eigenvalues`) have produced so far: each is
  /// decoded into memory, so a file may ask for at most `maximumGeneratedListNumbers` in all. A
  /// reference, so the copies a decoder makes for a trial decode count against the same budget.
  private var generatedListNumbers = Counter()
  static let maximumGeneratedListNumbers = 10_000_000
  /// The most numbers one generated list value may have (a 10⁶-dimensional landscape).
  static let maximumGeneratedList = 1_000_000

  private final class Counter {
    var value = 0
  }

  /// A decoding with no problems recorded yet that shares this one's budgets, for trial decodes
  /// whose problems are reported selectively.
  func scratch() -> Decoding {
    var fresh = Decoding()
    fresh.generatedListNumbers = generatedListNumbers
    return fresh
  }

  /// Records an error (once: the same message at the same place is reported one time).
  mutating func error(_ message: String, at mark: Mark, notes: [Diagnostic.Note] = []) {
    let diagnostic = Diagnostic(at: mark, message, notes: notes)
    if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
  }

  mutating func append(_ others: [Diagnostic]) {
    for diagnostic in others where seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
  }

  /// Takes over what `other` found, each message with the `suffix` returned for it (the
  /// generated value a problem is about, say).
  mutating func absorb(_ other: Decoding, suffix: (Diagnostic) -> String = { _ in "" }) {
    for var diagnostic in other.diagnostics {
      let suffix = suffix(diagnostic)
      // On the message's first line (an expression error shows the expression below it).
      if let newline = diagnostic.message.firstIndex(of: "\n") {
        diagnostic.message.insert(contentsOf: suffix, at: newline)
      } else {
        diagnostic.message += suffix
      }
      if seen.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
    }
    suggestedKeys.formUnion(other.suggestedKeys)
  }

  /// The entries of a mapping node whose keys are all in `allowed`; reports unknown keys (with a
  /// did-you-mean hint) and non-string keys. `what` names the mapping in messages.
  mutating func entries(of node: Node, allowed: [String], what: String, ignoringPrefix: String? = nil) -> [(
    key: String, keyMark: Mark, value: Node
  )]? {
    guard let pairs = node.pairs else {
      error("\(what) must be a mapping, found \(node.typeDescription)", at: node.mark)
      return nil
    }
    var result: [(String, Mark, Node)] = []
    for pair in pairs {
      guard let key = pair.key.string else {
        error("keys of \(what) must be strings, found \(describe(pair.key))", at: pair.key.mark)
        continue
      }
      if let ignoringPrefix, key.hasPrefix(ignoringPrefix) { continue }
      guard allowed.contains(key) else {
        unknownKey(key, at: pair.key.mark, allowed: allowed)
        continue
      }
      result.append((key, pair.key.mark, pair.value))
    }
    return result
  }

  /// Reports `key` as unknown, suggesting the closest allowed key or listing them all.
  mutating func unknownKey(_ key: String, at mark: Mark, allowed: [String], kind: String = "key") {
    let name = Self.quoted(key)
    if let suggestion = Spelling.closest(to: key, among: allowed) {
      suggestedKeys.insert(suggestion)
      error("unknown \(kind) \(name) (did you mean '\(suggestion)'?)", at: mark)
    } else if allowed.isEmpty {
      error("unknown \(kind) \(name) (this takes no options)", at: mark)
    } else {
      error("unknown \(kind) \(name) (expected one of: \(allowed.joined(separator: ", ")))", at: mark)
    }
  }

  /// Reports that `what` lacks the required `key`, unless a misspelling of `key` was reported.
  mutating func missing(_ key: String, _ message: String, at mark: Mark) {
    guard !suggestedKeys.contains(key) else { return }
    error(message, at: mark)
  }

  /// A finite number.
  mutating func number(_ node: Node, _ what: String) -> Double? {
    guard let value = node.number else {
      error("\(what) must be a number, found \(describe(node))", at: node.mark)
      return nil
    }
    guard value.isFinite else {
      error("\(what) must be finite, found \(node.sourceText)", at: node.mark)
      return nil
    }
    return value
  }

  /// A finite number within the given bounds (each optional, inclusive unless noted).
  mutating func number(
    _ node: Node, _ what: String, greaterThan lower: Double? = nil, atLeast minimum: Double? = nil,
    atMost maximum: Double? = nil
  ) -> Double? {
    guard let value = number(node, what) else { return nil }
    if let lower, !(value > lower) {
      error("\(what) must be greater than \(NumberText.shortest(lower)), found \(node.sourceText)", at: node.mark)
      return nil
    }
    if let minimum, value < minimum {
      error("\(what) must be at least \(NumberText.shortest(minimum)), found \(node.sourceText)", at: node.mark)
      return nil
    }
    if let maximum, value > maximum {
      error("\(what) must be at most \(NumberText.shortest(maximum)), found \(node.sourceText)", at: node.mark)
      return nil
    }
    return value
  }

  /// A whole number in `range` (a float with an integral value, such as `1e3`, is accepted). An
  /// integer is taken exactly as written; a whole number too large for an `Int` (`1e19`,
  /// `18446744073709551615`) is out of the range, not "not whole".
  mutating func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
    let integer: Int?
    switch node.scalar {
    case .int(let value)?: integer = value
    case .float(let value)? where value.isFinite && value == value.rounded(): integer = Int(exactly: value)
    default:
      error("\(what) must be a whole number, found \(describe(node))", at: node.mark)
      return nil
    }
    guard let integer, range.contains(integer) else {
      error(
        "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(node.sourceText)", at: node.mark)
      return nil
    }
    return integer
  }

  /// `true` or `false`; the YAML 1.1 spellings (yes/no/on/off) are refused with a hint.
  mutating func flag(_ node: Node, _ what: String) -> Bool? {
    if case .bool(let value)? = node.scalar { return value }
    if let text = node.string {
      switch text.lowercased() {
      case "yes", "on", "y":
        error(
          "\(what) must be true or false, found '\(text)' (YAML 1.1 booleans are not accepted; write true)",
          at: node.mark)
        return nil
      case "no", "off", "n":
        error(
          "\(what) must be true or false, found '\(text)' (YAML 1.1 booleans are not accepted; write false)",
          at: node.mark)
        return nil
      default: break
      }
    }
    error("\(what) must be true or false, found \(describe(node))", at: node.mark)
    return nil
  }

  /// A non-empty string.
  mutating func string(_ node: Node, _ what: String) -> String? {
    guard let value = node.string, !value.isEmpty else {
      error("\(what) must be a non-empty string, found \(describe(node))", at: node.mark)
      return nil
    }
    return value
  }

  /// A list of finite numbers, written as a list or a generator (`{linspace: ...}` etc.).
  mutating func numbers(_ node: Node, _ what: String, count: Int? = nil) -> [Double]? {
    var values: [Double] = []
    if node.pairs != nil {
      guard let grid = NumberGrid.decode(node, decoding: &self) else { return nil }
      generatedListNumbers.value += grid.count
      guard grid.count <= Self.maximumGeneratedList else {
        error("\(what) would have \(grid.count) numbers, more than \(Self.maximumGeneratedList)", at: grid.mark)
        return nil
      }
      guard generatedListNumbers.value <= Self.maximumGeneratedListNumbers else {
        error(
          "\(what): the list generators of this file produce more than \(Self.maximumGeneratedListNumbers) numbers in all (this one \(grid.count))",
          at: grid.mark)
        return nil
      }
      values.reserveCapacity(grid.count)
      for index in 0..<grid.count {
        let value = grid.value(at: index)
        guard value.isFinite else {
          error(
            "each item of \(what) must be finite, found \(NumberText.shortest(value)) (value \(index + 1) of \(grid.text))",
            at: grid.mark)
          return nil
        }
        values.append(value)
      }
    } else if let items = node.items {
      values.reserveCapacity(items.count)
      var ok = true
      for item in items {
        if let value = number(item, "each item of \(what)") { values.append(value) } else { ok = false }
      }
      guard ok else { return nil }
    } else {
      error("\(what) must be a list of numbers, found \(describe(node))", at: node.mark)
      return nil
    }
    if values.isEmpty {
      error("\(what) must not be empty", at: node.mark)
      return nil
    }
    if let count, values.count != count {
      error("\(what) must have \(count) numbers, found \(values.count)", at: node.mark)
      return nil
    }
    return values
  }

  /// A description of what a node holds, for "found ..." in messages.
  func describe(_ node: Node) -> String {
    switch node.content {
    case .scalar(let text, .string): Self.quoted(text)
    case .scalar(let text, .null): text.isEmpty ? "nothing" : "null"
    case .scalar(let text, _): "\(node.typeDescription) (\(Self.shortened(text)))"
    case .sequence(let items) where items.isEmpty: "an empty list"
    case .mapping(let pairs) where pairs.isEmpty: "an empty mapping"
    default: node.typeDescription
    }
  }

  /// Text for a message, cut after 40 characters (a 2 MB key is not repeated in full).
  static func shortened(_ text: String) -> String {
    guard let (prefix, size) = cut(text) else { return text }
    return "\(prefix)… (\(size))"
  }

  /// `'text'`, or `'first 40 characters…' (N characters)`.
  static func quoted(_ text: String) -> String {
    guard let (prefix, size) = cut(text) else { return "'\(text)'" }
    return "'\(prefix)…' (\(size))"
  }

  /// The first 40 characters of a longer text and its size: "N characters", or for a text of
  /// more than 64 KiB "N bytes" (its UTF-8 size is known without a pass over it).
  /// - Complexity: O(1) for a text over 64 KiB (messages about a huge value, which may be repeated
  ///   through aliases, cost no pass over it), O(n) otherwise.
  private static func cut(_ text: String) -> (prefix: String, size: String)? {
    let limit = 40
    let bytes = text.utf8.count
    guard bytes > limit else { return nil }
    let scalars = text.unicodeScalars
    guard let end = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex),
      end != scalars.endIndex
    else { return nil }
    let size = bytes > 65_536 ? "\(bytes) bytes" : "\(scalars.count) characters"
    return (String(scalars[..<end]), size)
  }
}

/// Spelling suggestions ("did you mean ...?"): by edit distance, else by a shared prefix.
public enum Spelling {
  /// The candidate closest to `word`, if it is close enough to be a plausible typo — edit
  /// distance ≤ 3 and less than half the longer word — or else the one candidate that `word`
  /// begins or ends a name of (`warmup` → `warmup_steps`, `epsilon` → `eps`,
  /// `anneal_strategy` → `anneal`; the shorter of the two at least 3 characters).
  /// - Complexity: O(Σ m·n) over the candidates whose length is within the allowed distance of
  ///   `word`'s (others are skipped: a 2 MB word costs one pass over it).
  public static func closest(to word: String, among candidates: [String]) -> String? {
    let lowered = Array(word.lowercased().unicodeScalars)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
      let other = Array(candidate.lowercased().unicodeScalars)
      let limit = min(3, max(1, max(lowered.count, other.count) / 2))
      guard abs(lowered.count - other.count) <= limit else { continue }
      let distance = editDistance(lowered, other)
      guard distance <= limit else { continue }
      if best == nil || distance < best!.distance { best = (candidate, distance) }
    }
    if let best { return best.candidate }
    let prefixed = candidates.filter { candidate in
      let other = Array(candidate.lowercased().unicodeScalars)
      guard min(other.count, lowered.count) >= 3 else { return false }
      return lowered.starts(with: other) || other.starts(with: lowered)
    }
    return prefixed.count == 1 ? prefixed[0] : nil
  }

  /// The optimal-string-alignment distance between two strings: insertions, deletions,
  /// substitutions and transpositions of adjacent characters (`rnu` → `run` is 1).
  /// - Complexity: O(m·n).
  public static func editDistance(_ a: String, _ b: String) -> Int {
    editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
  }

  static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = Swift.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          table[i][j] = Swift.min(table[i][j], table[i - 2][j - 2] + 1)
        }
      }
    }
    return table[a.count][b.count]
  }
}
