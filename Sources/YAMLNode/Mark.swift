/// A position in a source file: 1-based line and 1-based column (counted in Unicode scalars).
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// 1-based line number.
  public var line: Int
  /// 1-based column, counted in Unicode scalars as libyaml counts them.
  public var column: Int

  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  /// The start of a file, used for errors that concern the whole file.
  public static let start = Mark(line: 1, column: 1)

  public var description: String { "\(line):\(column)" }

  public static func < (lhs: Mark, rhs: Mark) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }
}

extension Mark {
  /// The position of byte `offset` in UTF-8 `bytes`, counted as libyaml counts marks: a line
  /// ends at "\n", "\r\n", "\r", U+0085, U+2028 or U+2029, and a column is one Unicode scalar
  /// (the bytes of a multi-byte character count once; a byte inside a character is at that
  /// character's column).
  /// - Complexity: O(offset).
  public init(byteOffset offset: Int, in bytes: [UInt8]) {
    var line = 1
    var column = 1
    var index = 0
    let end = min(max(offset, 0), bytes.count)
    while index < end {
      let byte = bytes[index]
      let breakLength: Int
      switch byte {
      case 0x0A: breakLength = 1
      case 0x0D: breakLength = index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
      case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85: breakLength = 2
      case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] | 1) == 0xA9:
        breakLength = 3
      default: breakLength = 0
      }
      if breakLength > 0, index + breakLength <= end {
        line += 1
        column = 1
        index += breakLength
        continue
      }
      // Count each character once, at its first byte.
      if byte & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    if end < bytes.count, bytes[end] & 0xC0 == 0x80, column > 1 { column -= 1 }
    self.init(line: line, column: column)
  }
}
