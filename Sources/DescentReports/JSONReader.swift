import Foundation

/// Reads JSON (RFC 8259) from a file or bytes, either whole values or incrementally — one
/// member or array element at a time — so a results file of a million instances is read with
/// flat memory. Object keys keep their order; a number without fraction or exponent that fits
/// an `Int` reads as `.integer`, any other as `.number`, so `JSONValue.serialized()` writes a
/// value read from descent's own output back byte for byte.
public final class JSONReader {
  /// A syntax error with its 1-based position.
  public struct SyntaxError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "\(name):\(line):\(column): error: \(message)" }
  }

  /// What the file or buffer is called in messages.
  public let name: String
  private var descriptor: Int32 = -1
  private var buffer: [UInt8]
  private var index = 0
  private var end: Int
  private var atEndOfInput = false
  /// 1-based position of the next byte.
  public private(set) var line = 1
  public private(set) var column = 1
  /// For each open container read incrementally: whether an element has been read from it.
  private var containers: [Bool] = []
  private static let maximumDepth = 512

  /// What the opened file is (nil when reading bytes): to tell whether it is a regular file,
  /// and whether it is the same, unchanged file when opened again.
  public struct FileIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
    public var isRegularFile: Bool
    public var isFolder: Bool
  }

  public private(set) var identity: FileIdentity?

  /// Opens `path` for reading (a FIFO without a writer too, at once).
  public init(path: String) throws(SyntaxError) {
    name = path
    buffer = [UInt8](repeating: 0, count: 1 << 16)
    end = 0
    // Non-blocking, so that opening a FIFO without a writer returns at once (the caller sees
    // what it is in `identity`); reads then block as usual.
    descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw SyntaxError(name: path, line: 0, column: 0, message: String(cString: strerror(errno)))
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    var info = stat()
    if fstat(descriptor, &info) == 0 {
      #if canImport(Darwin)
        let modified = info.st_mtimespec
      #else
        let modified = info.st_mtim
      #endif
      identity = FileIdentity(
        device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
        modifiedSeconds: Int64(modified.tv_sec), modifiedNanoseconds: Int64(modified.tv_nsec),
        isRegularFile: info.st_mode & S_IFMT == S_IFREG, isFolder: info.st_mode & S_IFMT == S_IFDIR)
    }
  }

  /// Reads from `bytes`.
  public init(bytes: [UInt8], name: String = "<input>") {
    self.name = name
    buffer = bytes
    end = bytes.count
    atEndOfInput = true
  }

  deinit {
    if descriptor >= 0 { close(descriptor) }
  }

  /// Parses a whole JSON text (one value and nothing else).
  public static func parse(_ text: String, name: String = "<input>") throws(SyntaxError) -> JSONValue {
    let reader = JSONReader(bytes: Array(text.utf8), name: name)
    let value = try reader.readValue()
    try reader.expectEnd()
    return value
  }

  // MARK: Incremental reading

  /// Consumes the `{` of an object whose members are then read with `nextKey()`.
  public func beginObject() throws(SyntaxError) {
    try expect(UInt8(ascii: "{"), "expected an object")
    containers.append(false)
  }

  /// The next member's key (its `:` consumed, the value next), or nil at the object's `}`.
  public func nextKey() throws(SyntaxError) -> String? {
    guard try nextInContainer(closing: UInt8(ascii: "}")) else { return nil }
    let key = try readString()
    try expect(UInt8(ascii: ":"), "expected ':' after an object key")
    return key
  }

  /// Consumes the `[` of an array whose elements are then read one by one.
  public func beginArray() throws(SyntaxError) {
    try expect(UInt8(ascii: "["), "expected an array")
    containers.append(false)
  }

  /// True when another element follows (read it next), false at the array's `]`.
  public func nextElement() throws(SyntaxError) -> Bool {
    try nextInContainer(closing: UInt8(ascii: "]"))
  }

  /// Checks that only whitespace remains.
  public func expectEnd() throws(SyntaxError) {
    skipWhitespace()
    if let byte = peek() { throw error("unexpected '\(Character(Unicode.Scalar(byte)))' after the JSON value") }
  }

  /// Reads one whole value.
  public func readValue() throws(SyntaxError) -> JSONValue {
    skipWhitespace()
    guard let byte = peek() else { throw error("unexpected end of input, expected a value") }
    switch byte {
    case UInt8(ascii: "{"):
      guard containers.count < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
      try beginObject()
      var members: [(String, JSONValue)] = []
      while let key = try nextKey() { members.append((key, try readValue())) }
      return .object(members)
    case UInt8(ascii: "["):
      guard containers.count < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
      try beginArray()
      var items: [JSONValue] = []
      while try nextElement() { items.append(try readValue()) }
      return .array(items)
    case UInt8(ascii: "\""):
      return .string(try readString())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return try readNumber()
    default:
      throw error("unexpected '\(Character(Unicode.Scalar(byte)))', expected a value")
    }
  }

  /// Skips one whole value.
  public func skipValue() throws(SyntaxError) { _ = try readValue() }

  // MARK: Lexing

  private func nextInContainer(closing: UInt8) throws(SyntaxError) -> Bool {
    guard let started = containers.last else { throw error("not inside an object or array") }
    skipWhitespace()
    if peek() == closing {
      advance()
      containers.removeLast()
      return false
    }
    if started {
      try expect(UInt8(ascii: ","), "expected ',' or '\(Character(Unicode.Scalar(closing)))'")
      skipWhitespace()
    }
    containers[containers.count - 1] = true
    return true
  }

  private func readString() throws(SyntaxError) -> String {
    skipWhitespace()
    try expect(UInt8(ascii: "\""), "expected a string")
    var bytes: [UInt8] = []
    while true {
      guard let byte = peek() else { throw error("unterminated string") }
      advance()
      switch byte {
      case UInt8(ascii: "\""):
        return String(decoding: bytes, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard let escaped = peek() else { throw error("unterminated string") }
        advance()
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hexQuad()
          if (0xD800..<0xDC00).contains(scalar) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard peek() == UInt8(ascii: "\\") else { throw error("unpaired surrogate in \\u escape") }
            advance()
            guard peek() == UInt8(ascii: "u") else { throw error("unpaired surrogate in \\u escape") }
            advance()
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
          bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
          throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))'")
        }
      case 0..<0x20:
        throw error("control character in a string (must be escaped)")
      default:
        bytes.append(byte)
      }
    }
  }

  private func hexQuad() throws(SyntaxError) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = peek(), let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
        throw error("expected four hex digits after \\u")
      }
      advance()
      value = value * 16 + UInt32(digit)
    }
    return value
  }

  private func readNumber() throws(SyntaxError) -> JSONValue {
    // Take every byte a number can hold, then check the JSON grammar on the whole token.
    var text = ""
    var isInteger = true
    while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "+-.eE".utf8.contains(byte) {
      if "+.eE".utf8.contains(byte) { isInteger = false }
      text.unicodeScalars.append(Unicode.Scalar(byte))
      advance()
    }
    guard Self.isJSONNumber(text) else { throw error("invalid number '\(text)'") }
    if isInteger && text != "-0", let value = Int(text) { return .integer(value) }
    guard let value = Double(text) else { throw error("invalid number '\(text)'") }
    return .number(value)
  }

  /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
  static func isJSONNumber(_ text: String) -> Bool {
    var characters = Array(text.utf8)[...]
    func digits() -> Int {
      let count = characters.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }.count
      characters = characters.dropFirst(count)
      return count
    }
    if characters.first == UInt8(ascii: "-") { characters = characters.dropFirst() }
    if characters.first == UInt8(ascii: "0") {
      characters = characters.dropFirst()
    } else if digits() == 0 {
      return false
    }
    if characters.first == UInt8(ascii: ".") {
      characters = characters.dropFirst()
      if digits() == 0 { return false }
    }
    if characters.first == UInt8(ascii: "e") || characters.first == UInt8(ascii: "E") {
      characters = characters.dropFirst()
      if characters.first == UInt8(ascii: "+") || characters.first == UInt8(ascii: "-") {
        characters = characters.dropFirst()
      }
      if digits() == 0 { return false }
    }
    return characters.isEmpty
  }

  private func literal(_ word: String) throws(SyntaxError) {
    for expected in word.utf8 {
      guard peek() == expected else { throw error("invalid literal, expected '\(word)'") }
      advance()
    }
  }

  private func expect(_ byte: UInt8, _ message: String) throws(SyntaxError) {
    skipWhitespace()
    guard peek() == byte else { throw error(message) }
    advance()
  }

  private func skipWhitespace() {
    while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
  }

  private func peek() -> UInt8? {
    if index < end { return buffer[index] }
    guard refill() else { return nil }
    return buffer[index]
  }

  private func advance() {
    if buffer[index] == 0x0A {
      line += 1
      column = 1
    } else if buffer[index] & 0xC0 != 0x80 {
      column += 1
    }
    index += 1
  }

  /// Reads the next block of the file; false at its end.
  private func refill() -> Bool {
    guard !atEndOfInput, descriptor >= 0 else { return false }
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        atEndOfInput = true
        return false
      }
      index = 0
      end = count
      return true
    }
  }

  private func error(_ message: String) -> SyntaxError {
    SyntaxError(name: name, line: line, column: column, message: message)
  }
}
