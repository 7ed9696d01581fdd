/// A resolved YAML scalar value, typed by the YAML 1.2 core schema.
///
/// Only `true`/`false` (and their `True`/`TRUE` spellings) are booleans: the YAML 1.1
/// `yes`/`no`/`on`/`off` stay strings, so a config reader can refuse them with a hint.
public enum ScalarValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)

  /// The number this scalar holds, if it is an integer or a float.
  public var number: Double? {
    switch self {
    case .int(let value): Double(value)
    case .float(let value): value
    default: nil
    }
  }

  /// A short name of the scalar's type for error messages ("a number", "a string", ...).
  public var typeDescription: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .int, .float: "a number"
    case .string: "a string"
    }
  }
}

/// How a scalar was written in the file.
public enum ScalarStyle: Sendable, Hashable {
  case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A node of a YAML document: a scalar, a sequence or a mapping (keys in file order),
/// each with the 1-based position where it starts.
public struct Node: Sendable, Hashable {
  /// One key/value entry of a mapping.
  public struct Pair: Sendable, Hashable {
    public var key: Node
    public var value: Node

    public init(key: Node, value: Node) {
      self.key = key
      self.value = value
    }
  }

  public enum Content: Sendable, Hashable {
    /// The scalar's source text and its resolved value.
    case scalar(text: String, value: ScalarValue)
    case sequence([Node])
    case mapping([Pair])
  }

  public var content: Content
  public var mark: Mark
  /// How a scalar was written (plain, quoted, block); `.plain` for collections and built nodes.
  public var style: ScalarStyle = .plain
  /// Where a scalar's source text ends (exclusive), when read from a file: with `mark` and
  /// `style` it maps a position inside the scalar's value back to the file.
  public var endMark: Mark?
  /// Where this node was used through an alias (`*name`), when it is the copy an alias stands
  /// for; nil otherwise. `mark` stays where the anchored node is written.
  public var aliasMark: Mark?

  public init(_ content: Content, at mark: Mark) {
    self.content = content
    self.mark = mark
  }

  /// Nodes compare by content and position; how a scalar was written (or aliased) does not count.
  public static func == (lhs: Node, rhs: Node) -> Bool {
    lhs.content == rhs.content && lhs.mark == rhs.mark
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(content)
    hasher.combine(mark)
  }

  /// The file position of the scalar value's character at `offset` (in Unicode scalars), when
  /// the value appears verbatim on one line of the file: a plain scalar, or a quoted one without
  /// escapes before `offset`. nil otherwise (block scalars, folded lines, escapes).
  public func mark(atValueOffset offset: Int) -> Mark? {
    guard case .scalar(let text, _) = content, let endMark, endMark.line == mark.line else { return nil }
    let length = text.unicodeScalars.count
    let span = endMark.column - mark.column
    switch style {
    case .plain where span == length:
      return Mark(line: mark.line, column: mark.column + offset)
    case .singleQuoted, .doubleQuoted:
      // Written as quote + value + quote when nothing is escaped; otherwise only positions
      // before the first escape are certain, which the source text alone would tell.
      guard span == length + 2 else { return nil }
      return Mark(line: mark.line, column: mark.column + 1 + offset)
    default:
      return nil
    }
  }

  /// A scalar node holding a number, written in its shortest round-trip form.
  public static func number(_ value: Double, at mark: Mark) -> Node {
    Node(.scalar(text: "\(value)", value: .float(value)), at: mark)
  }

  /// A scalar node holding a string.
  public static func string(_ value: String, at mark: Mark) -> Node {
    Node(.scalar(text: value, value: .string(value)), at: mark)
  }

  /// The resolved scalar value, or nil for collections.
  public var scalar: ScalarValue? {
    if case .scalar(_, let value) = content { return value }
    return nil
  }

  /// The string this node holds, if it is a string scalar.
  public var string: String? {
    if case .scalar(_, .string(let value)) = content { return value }
    return nil
  }

  /// The number this node holds, if it is a numeric scalar.
  public var number: Double? { scalar?.number }

  /// The items of a sequence node.
  public var items: [Node]? {
    if case .sequence(let items) = content { return items }
    return nil
  }

  /// The entries of a mapping node, in file order.
  public var pairs: [Pair]? {
    if case .mapping(let pairs) = content { return pairs }
    return nil
  }

  /// The value stored under a string key of a mapping node.
  public subscript(key: String) -> Node? {
    pairs?.first { $0.key.string == key }?.value
  }

  /// A short name of the node's type for error messages ("a mapping", "a list", "a number", ...).
  public var typeDescription: String {
    switch content {
    case .scalar(_, let value): value.typeDescription
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }

  /// The scalar's text as written in the file (for collections, a short description).
  public var sourceText: String {
    switch content {
    case .scalar(let text, _): text
    case .sequence: "a list"
    case .mapping: "a mapping"
    }
  }
}
