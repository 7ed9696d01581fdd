import Testing

@testable import YAMLNode

/// How scalars were written, and positions inside their values (for errors inside expressions).
@Suite struct ScalarStyleTests {
  private func node(_ yaml: String) throws -> Node {
    try #require(try YAMLReader.parse(yaml).root?["key"])
  }

  @Test func stylesAreRecorded() throws {
    #expect(try node("key: x^2\n").style == .plain)
    #expect(try node("key: 'x^2'\n").style == .singleQuoted)
    #expect(try node("key: \"x^2\"\n").style == .doubleQuoted)
    #expect(try node("key: |\n  x^2\n").style == .literal)
    #expect(try node("key: >\n  x^2\n").style == .folded)
    #expect(try node("key: [1]\n").style == .plain)
  }

  @Test func positionsInsideAValueMapToTheFile() throws {
    // "key: " is 5 columns: the value starts in column 6, after a quote in column 7.
    #expect(try node("key: x^^2\n").mark(atValueOffset: 2) == Mark(line: 1, column: 8))
    #expect(try node("key: 'x^^2'\n").mark(atValueOffset: 2) == Mark(line: 1, column: 9))
    #expect(try node("key: \"x^^2\"\n").mark(atValueOffset: 2) == Mark(line: 1, column: 9))
    #expect(try node("{a: 1, key: \"x^^2\"}\n").mark(atValueOffset: 0) == Mark(line: 1, column: 14))
    // Escapes, folded lines and block scalars do not map character by character.
    #expect(try node("key: \"\\tx^^2\"\n").mark(atValueOffset: 3) == nil)
    #expect(try node("key: 'it''s x'\n").mark(atValueOffset: 5) == nil)
    #expect(try node("key: x^2 +\n  y^^2\n").mark(atValueOffset: 8) == nil)
    #expect(try node("key: >\n  x^^2\n").mark(atValueOffset: 2) == nil)
  }

  @Test func styleDoesNotChangeEquality() throws {
    let plain = try node("key: abc\n")
    var quoted = plain
    quoted.style = .doubleQuoted
    quoted.endMark = nil
    #expect(plain == quoted)
    #expect(plain.hashValue == quoted.hashValue)
  }
}
