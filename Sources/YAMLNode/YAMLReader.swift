internal import CYAML

/// Reads one YAML document into a `Node` tree through libyaml's event API.
///
/// Anchors and aliases are resolved (an alias is a copy of its anchored node), `<<` merge keys
/// are applied (explicit keys win), duplicate keys are reported with both places, and the
/// expansion of aliases (in nodes and in text), the nesting depth and the file size are capped so
/// that hostile input ("billion laughs", a megabyte string aliased thousands of times, deep
/// nesting) is refused quickly.
public enum YAMLReader {
  /// Caps that keep a hostile document from exhausting time or memory.
  public struct Limits: Sendable {
    /// Largest accepted input, in bytes.
    public var maximumBytes: Int
    /// Deepest accepted nesting of sequences and mappings.
    public var maximumDepth: Int
    /// Largest number of nodes the document may hold once every alias is expanded.
    public var maximumNodes: Int
    /// Largest amount of scalar text, in UTF-8 bytes, that aliases may add to the document: each
    /// use of an alias adds the text of the value it stands for (keys and values, aliases inside it
    /// expanded). A few large values aliased many times cost time in proportion to this.
    public var maximumAliasedBytes: Int

    public init(
      maximumBytes: Int = 8 << 20, maximumDepth: Int = 200, maximumNodes: Int = 1_000_000,
      maximumAliasedBytes: Int = 4 << 20
    ) {
      self.maximumBytes = maximumBytes
      self.maximumDepth = maximumDepth
      self.maximumNodes = maximumNodes
      self.maximumAliasedBytes = maximumAliasedBytes
    }
  }

  /// A parsed document: its root (nil for an empty file) and the non-fatal problems found
  /// while composing it (duplicate keys), which a reader reports together with its own.
  public struct Document: Sendable {
    public var root: Node?
    public var diagnostics: [Diagnostic]
  }

  /// Parses `text` as a single YAML document.
  ///
  /// - Throws: the first fatal problem (a libyaml syntax error, a second document, an exceeded
  ///   limit) as a `Diagnostic` without a file name.
  /// - Complexity: O(n) in the size of the text plus the size of the expanded tree.
  public static func parse(_ text: String, limits: Limits = Limits()) throws(Diagnostic) -> Document {
    let bytes = Array(text.utf8)
    guard bytes.count <= limits.maximumBytes else {
      throw Diagnostic(
        at: .start, "file is \(bytes.count) bytes, more than the limit of \(limits.maximumBytes) bytes")
    }
    let reader = EventReader(bytes: bytes)
    var composer = Composer(limits: limits)
    while true {
      let event = try reader.next()
      if try composer.consume(event) { break }
    }
    return Document(root: composer.root, diagnostics: composer.diagnostics)
  }
}

extension YAMLReader {
  /// The text of UTF-8 `bytes` without a leading byte-order mark, or a diagnostic positioned at
  /// the first byte that is not UTF-8.
  /// - Complexity: O(n).
  public static func text(ofUTF8 bytes: [UInt8]) throws(Diagnostic) -> String {
    let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        offset += encoded.count
      case .emptyInput:
        return String(decoding: bytes, as: UTF8.self)
      case .error:
        throw Diagnostic(
          at: Mark(byteOffset: offset, in: bytes),
          "the file is not valid UTF-8 (byte \(hexByte(Int(bytes[offset]))) here); save it as UTF-8")
      }
    }
  }
}

/// `0x0A`-style text of a byte (or a larger code) for messages.
func hexByte(_ value: Int) -> String {
  let digits = String(value, radix: 16, uppercase: true)
  return "0x" + String(repeating: "0", count: max(0, 2 - digits.count)) + digits
}

/// A libyaml event translated into Swift values (no C types escape this file).
enum Event {
  case streamStart, streamEnd, documentStart(Mark), documentEnd
  case alias(anchor: String, mark: Mark)
  case scalar(text: String, anchor: String?, tag: String?, plain: Bool, mark: Mark, style: ScalarStyle, end: Mark)
  case sequenceStart(anchor: String?, mark: Mark)
  case sequenceEnd
  case mappingStart(anchor: String?, mark: Mark)
  case mappingEnd
}

/// Owns a libyaml parser and the input bytes it reads; every event is freed after translation.
final class EventReader {
  private var parser = yaml_parser_t()
  private let input: UnsafeMutableBufferPointer<UInt8>
  private let bytes: [UInt8]

  init(bytes: [UInt8]) {
    self.bytes = bytes
    input = .allocate(capacity: max(bytes.count, 1))
    _ = input.initialize(from: bytes)
    yaml_parser_initialize(&parser)
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(&parser, input.baseAddress, bytes.count)
  }

  deinit {
    yaml_parser_delete(&parser)
    input.deallocate()
  }

  /// The next event, or the parser's error as a positioned diagnostic.
  func next() throws(Diagnostic) -> Event {
    var event = yaml_event_t()
    guard yaml_parser_parse(&parser, &event) == 1 else { throw parserError() }
    defer { yaml_event_delete(&event) }
    let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    switch event.type {
    case YAML_STREAM_START_EVENT: return .streamStart
    case YAML_STREAM_END_EVENT: return .streamEnd
    case YAML_DOCUMENT_START_EVENT: return .documentStart(mark)
    case YAML_DOCUMENT_END_EVENT: return .documentEnd
    case YAML_ALIAS_EVENT:
      return .alias(anchor: Self.string(event.data.alias.anchor) ?? "", mark: mark)
    case YAML_SCALAR_EVENT:
      let scalar = event.data.scalar
      let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
      let style: ScalarStyle
      switch scalar.style {
      case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
      case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
      case YAML_LITERAL_SCALAR_STYLE: style = .literal
      case YAML_FOLDED_SCALAR_STYLE: style = .folded
      default: style = .plain
      }
      let end = Mark(line: Int(event.end_mark.line) + 1, column: Int(event.end_mark.column) + 1)
      return .scalar(
        text: text, anchor: Self.string(scalar.anchor), tag: Self.string(scalar.tag),
        plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, mark: mark, style: style, end: end)
    case YAML_SEQUENCE_START_EVENT:
      return .sequenceStart(anchor: Self.string(event.data.sequence_start.anchor), mark: mark)
    case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
    case YAML_MAPPING_START_EVENT:
      return .mappingStart(anchor: Self.string(event.data.mapping_start.anchor), mark: mark)
    case YAML_MAPPING_END_EVENT: return .mappingEnd
    default:
      throw Diagnostic(at: mark, "unexpected YAML event")
    }
  }

  private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    guard let pointer else { return nil }
    return String(cString: pointer)
  }

  /// libyaml's problem at its mark, with its context as a note when it has one.
  private func parserError() -> Diagnostic {
    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
    var mark = Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
    var message = problem
    if parser.error == YAML_READER_ERROR {
      // libyaml gives reader errors (bad encoding, control characters) as a byte offset only.
      mark = Mark(byteOffset: parser.problem_offset, in: bytes)
      if parser.problem_value >= 0 { message = "\(problem) (\(hexByte(Int(parser.problem_value))))" }
    }
    var notes: [Diagnostic.Note] = []
    if let context = parser.context.map({ String(cString: $0) }) {
      let contextMark = Mark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
      notes.append(.init(context, at: contextMark))
    }
    return Diagnostic(at: mark, message, notes: notes)
  }
}

/// Builds the node tree from events with an explicit stack (no recursion, so depth is only
/// limited by `Limits.maximumDepth`).
///
/// The children of every open collection live in one shared stack (`children`), each frame
/// remembering where its own children start; a frame is a small value updated in place. So
/// appending a child never copies its siblings, and composing is linear in the number of nodes.
struct Composer {
  private struct Frame {
    var isMapping: Bool
    var mark: Mark
    var anchor: String?
    /// Where this collection's children start in `children` (keys and values alternate in a mapping).
    var firstChild: Int
    /// Nodes in this collection once aliases are expanded, itself included.
    var size: Int
    /// UTF-8 bytes of the scalars in this collection once aliases are expanded.
    var bytes: Int
  }

  let limits: YAMLReader.Limits
  private(set) var root: Node?
  private(set) var diagnostics: [Diagnostic] = []
  private var stack: [Frame] = []
  private var children: [Node] = []
  /// Each anchored node with its expanded size in nodes and in scalar bytes, computed once.
  private var anchors: [String: (node: Node, size: Int, bytes: Int)] = [:]
  /// Where the plain, untagged `<<` scalars are: only those are merge keys (a quoted `"<<"` or
  /// `!!str <<` is an ordinary key). A scalar is identified by its position, which its aliases share.
  private var mergeKeyMarks: Set<Mark> = []
  private var expandedNodes = 0
  /// Scalar bytes added by aliases so far.
  private var aliasedBytes = 0
  private var aliasesUsed = false
  private var documentCount = 0

  init(limits: YAMLReader.Limits) {
    self.limits = limits
  }

  /// Feeds one event; returns true at the end of the stream.
  mutating func consume(_ event: Event) throws(Diagnostic) -> Bool {
    switch event {
    case .streamStart, .documentEnd:
      break
    case .streamEnd:
      return true
    case .documentStart(let mark):
      documentCount += 1
      if documentCount > 1 {
        throw Diagnostic(at: mark, "a config file holds one YAML document; found a second one here")
      }
    case .alias(let anchor, let mark):
      guard let anchored = anchors[anchor] else {
        throw Diagnostic(at: mark, "unknown alias '*\(anchor)'")
      }
      aliasesUsed = true
      aliasedBytes += anchored.bytes
      guard aliasedBytes <= limits.maximumAliasedBytes else {
        throw Diagnostic(
          at: mark,
          "aliases expand the document by more than \(limits.maximumAliasedBytes) bytes of text (a large value aliased too often?)"
        )
      }
      var copy = anchored.node
      copy.aliasMark = mark
      try add(copy, size: anchored.size, bytes: anchored.bytes)
    case .scalar(let text, let anchor, let tag, let plain, let mark, let style, let end):
      let value: ScalarValue
      if let tag, tag != "!" {
        guard let tagged = ScalarResolver.resolveTagged(text, tag: tag) else {
          throw Diagnostic(at: mark, "'\(text)' is not a valid \(tag)")
        }
        value = tagged
      } else {
        value = plain && tag == nil ? ScalarResolver.resolvePlain(text) : .string(text)
      }
      if plain, tag == nil, text == "<<" { mergeKeyMarks.insert(mark) }
      var node = Node(.scalar(text: text, value: value), at: mark)
      node.style = style
      node.endMark = end
      let bytes = text.utf8.count
      if let anchor { anchors[anchor] = (node, 1, bytes) }
      try add(node, size: 1, bytes: bytes)
    case .sequenceStart(let anchor, let mark):
      try push(Frame(isMapping: false, mark: mark, anchor: anchor, firstChild: children.count, size: 1, bytes: 0))
    case .mappingStart(let anchor, let mark):
      try push(Frame(isMapping: true, mark: mark, anchor: anchor, firstChild: children.count, size: 1, bytes: 0))
    case .sequenceEnd, .mappingEnd:
      guard let frame = stack.popLast() else { break }
      let items = Array(children[frame.firstChild...])
      children.removeSubrange(frame.firstChild...)
      let node: Node
      if frame.isMapping {
        var pairs: [Node.Pair] = []
        pairs.reserveCapacity(items.count / 2)
        for index in stride(from: 0, to: items.count - 1, by: 2) {
          pairs.append(Node.Pair(key: items[index], value: items[index + 1]))
        }
        node = Node(.mapping(try mergedEntries(pairs)), at: frame.mark)
      } else {
        node = Node(.sequence(items), at: frame.mark)
      }
      if let anchor = frame.anchor { anchors[anchor] = (node, frame.size, frame.bytes) }
      try add(node, size: frame.size, bytes: frame.bytes, counted: true)
    }
    return false
  }

  private mutating func push(_ frame: Frame) throws(Diagnostic) {
    guard stack.count < limits.maximumDepth else {
      throw Diagnostic(at: frame.mark, "nesting deeper than \(limits.maximumDepth) levels")
    }
    stack.append(frame)
  }

  /// Adds a finished node to the innermost open collection (or makes it the root).
  /// `counted` is true for collections whose nodes were already counted as they were built.
  private mutating func add(_ node: Node, size: Int, bytes: Int, counted: Bool = false) throws(Diagnostic) {
    if !counted {
      expandedNodes += size
      guard expandedNodes <= limits.maximumNodes else {
        throw Diagnostic(
          at: node.mark,
          aliasesUsed
            ? "the document expands to more than \(limits.maximumNodes) nodes (aliases expanding exponentially?)"
            : "the document has more than \(limits.maximumNodes) nodes")
      }
    }
    guard !stack.isEmpty else {
      root = node
      return
    }
    stack[stack.count - 1].size += size
    stack[stack.count - 1].bytes += bytes
    children.append(node)
  }

  /// Applies the `<<` merge key and reports duplicate explicit keys (both places).
  ///
  /// Keys written in the mapping win over merged ones; among several merged mappings
  /// (`<<: [*a, *b]`) the first one listed wins. Merged entries take the place of the `<<` entry.
  /// A mapping has at most one `<<` (it is a key like any other): a second one is reported with
  /// the place of the first, and merged too so that the report does not grow spurious errors.
  private mutating func mergedEntries(_ entries: [Node.Pair]) throws(Diagnostic) -> [Node.Pair] {
    var firstPlace: [Node: Mark] = [:]
    var firstMerge: Mark?
    for entry in entries {
      if isMergeKey(entry.key) {
        if let firstMerge {
          diagnostics.append(
            Diagnostic(
              at: entry.key.mark, "a mapping takes one '<<' merge key; merge several mappings with '<<: [*a, *b]'",
              notes: [.init("the first '<<' is here", at: firstMerge)]))
        } else {
          firstMerge = entry.key.mark
        }
        continue
      }
      let identity = Self.identity(of: entry.key)
      if let first = firstPlace[identity] {
        diagnostics.append(
          Diagnostic(
            at: entry.key.mark, "duplicate key '\(entry.key.sourceText)'",
            notes: [.init("'\(entry.key.sourceText)' first defined here", at: first)]))
      } else {
        firstPlace[identity] = entry.key.mark
      }
    }
    guard firstMerge != nil else { return entries }
    var result: [Node.Pair] = []
    var present = Set(firstPlace.keys)
    for entry in entries {
      guard isMergeKey(entry.key) else {
        result.append(entry)
        continue
      }
      let sources: [Node]
      switch entry.value.content {
      case .mapping: sources = [entry.value]
      case .sequence(let items) where items.allSatisfy({ $0.pairs != nil }): sources = items
      default:
        throw Diagnostic(at: entry.value.mark, "a '<<' merge key takes a mapping or a list of mappings")
      }
      for source in sources {
        for merged in source.pairs ?? [] where present.insert(Self.identity(of: merged.key)).inserted {
          result.append(merged)
        }
      }
    }
    return result
  }

  /// A plain, untagged `<<` (YAML's merge key); `"<<"` and `!!str <<` are ordinary string keys.
  private func isMergeKey(_ key: Node) -> Bool {
    guard case .scalar("<<", .string) = key.content else { return false }
    return mergeKeyMarks.contains(key.mark)
  }

  /// Keys are compared by value, not by spelling or position.
  private static func identity(of key: Node) -> Node {
    if case .scalar(_, let value) = key.content { return Node(.scalar(text: "", value: value), at: .start) }
    return Node(key.content, at: .start)
  }
}
