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
