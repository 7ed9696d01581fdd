import Testing

@testable import YAMLNode

@Suite struct ScalarTypingTests {
  private func scalar(_ text: String) throws -> ScalarValue? {
    try YAMLReader.parse("value: \(text)\n").root?["value"]?.scalar
  }

  @Test func integersFollowTheCoreSchema() throws {
    #expect(try scalar("42") == .int(42))
    #expect(try scalar("-7") == .int(-7))
    #expect(try scalar("+3") == .int(3))
    #expect(try scalar("0x1F") == .int(31))
    #expect(try scalar("0o17") == .int(15))
    #expect(try scalar("0xff") == .int(255))
    #expect(try scalar("0x7FFFFFFFFFFFFFFF") == .int(Int.max))
    #expect(try scalar("0x10000000000000000") == .float(0x1p64), "too large for an Int: a float")
  }

  @Test func hexAndOctalTakeNoSignAfterThePrefix() throws {
    // YAML 1.2 core: 0x[0-9a-fA-F]+ and 0o[0-7]+ only (Int(_:radix:) would accept a sign).
    for text in ["0x-1", "0x+1", "0o-7", "0o+7", "0x", "0o", "0o8", "0xG", "0x_1"] {
      #expect(try scalar(text) == .string(text), "'\(text)' must stay a string")
    }
  }

  @Test func floatsIncludeExponentsWithoutADot() throws {
    #expect(try scalar("1e6") == .float(1_000_000))
    #expect(try scalar("1.0e-6") == .float(1e-6))
    #expect(try scalar("0.5") == .float(0.5))
    #expect(try scalar(".5") == .float(0.5))
    #expect(try scalar("-2.") == .float(-2))
    #expect(try scalar(".inf") == .float(.infinity))
    #expect(try scalar("-.Inf") == .float(-.infinity))
    let nan = try scalar(".nan")
    guard case .float(let value)? = nan else {
      Issue.record("expected a float, got \(String(describing: nan))"); return
    }
    #expect(value.isNaN)
  }

  @Test func onlyTrueAndFalseAreBooleans() throws {
    #expect(try scalar("true") == .bool(true))
    #expect(try scalar("False") == .bool(false))
    for word in ["yes", "no", "on", "off", "y", "n", "Yes", "NO"] {
      #expect(try scalar(word) == .string(word), "'\(word)' must stay a string")
    }
  }

  @Test func nullsAndStrings() throws {
    #expect(try scalar("~") == .null)
    #expect(try scalar("null") == .null)
    #expect(try scalar("") == .null)
    #expect(try scalar("1.2.3") == .string("1.2.3"))
    #expect(try scalar("1e") == .string("1e"))
    #expect(try scalar("'42'") == .string("42"), "quoted scalars are strings")
    #expect(try scalar("\"true\"") == .string("true"))
    #expect(try scalar("!!str 12") == .string("12"))
    #expect(try scalar("!!float 3") == .float(3))
  }

  @Test func hugeIntegersBecomeFloats() throws {
    #expect(try scalar("123456789012345678901234567890") == .float(123456789012345678901234567890.0))
  }
}

@Suite struct StructureTests {
  @Test func marksAreOneBasedOnEveryNode() throws {
    let text = """
      suite: s
      scenarios:
        - name: a
          start: [1, 2]
      """
    let root = try #require(try YAMLReader.parse(text).root)
    #expect(root.mark == Mark(line: 1, column: 1))
    #expect(root["suite"]?.mark == Mark(line: 1, column: 8))
    let scenario = try #require(root["scenarios"]?.items?.first)
    #expect(scenario.mark == Mark(line: 3, column: 5))
    #expect(scenario.pairs?.first?.key.mark == Mark(line: 3, column: 5))
    let start = try #require(scenario["start"])
    #expect(start.mark == Mark(line: 4, column: 12))
    #expect(start.items?.map(\.mark) == [Mark(line: 4, column: 13), Mark(line: 4, column: 16)])
  }

  @Test func mappingKeysKeepFileOrder() throws {
    let root = try #require(try YAMLReader.parse("b: 1\na: 2\nc: 3\n").root)
    #expect(root.pairs?.map { $0.key.string } == ["b", "a", "c"])
  }

  @Test func aliasesCopyTheAnchoredNode() throws {
    let root = try #require(try YAMLReader.parse("base: &b {x: 1, y: [2, 3]}\ncopy: *b\n").root)
    #expect(root["copy"]?["y"]?.items?.map(\.number) == [2, 3])
    #expect(root["copy"]?["x"]?.number == 1)
    // The copy keeps the anchored node's positions and records where the alias is used.
    #expect(root["copy"]?.mark == Mark(line: 1, column: 7))
    #expect(root["copy"]?.aliasMark == Mark(line: 2, column: 7))
    #expect(root["copy"]?["x"]?.aliasMark == nil)
    #expect(root["base"]?.aliasMark == nil)
  }

  @Test func mergeKeysLetExplicitKeysWin() throws {
    let text = """
      base: &base {lr: 0.1, steps: 100}
      other: &other {steps: 5, tolerance: 1.0e-3}
      scenario:
        <<: [*base, *other]
        lr: 0.5
      """
    let scenario = try #require(try YAMLReader.parse(text).root?["scenario"])
    #expect(scenario["lr"]?.number == 0.5)
    #expect(scenario["steps"]?.number == 100, "the first merged mapping wins over later ones")
    #expect(scenario["tolerance"]?.number == 1e-3)
    #expect(scenario["<<"] == nil)
    #expect(scenario.pairs?.count == 3)
  }

  @Test func aSecondMergeKeyIsReportedWithTheFirst() throws {
    let text = "a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n"
    let document = try YAMLReader.parse(text)
    #expect(
      document.diagnostics == [
        Diagnostic(
          at: Mark(line: 5, column: 3),
          "a mapping takes one '<<' merge key; merge several mappings with '<<: [*a, *b]'",
          notes: [.init("the first '<<' is here", at: Mark(line: 4, column: 3))])
      ])
  }

  @Test func onlyAPlainMergeKeyMerges() throws {
    for key in ["\"<<\"", "'<<'", "!!str <<"] {
      let document = try YAMLReader.parse("a: &a {x: 1}\nc:\n  \(key): *a\n")
      let c = try #require(document.root?["c"])
      #expect(c["x"] == nil, "\(key) is an ordinary key")
      #expect(c.pairs?.map { $0.key.string } == ["<<"], "\(key)")
      #expect(c["<<"]?["x"]?.number == 1, "\(key)")
    }
    let merged = try #require(try YAMLReader.parse("a: &a {x: 1}\nc:\n  <<: *a\n").root?["c"])
    #expect(merged.pairs?.map { $0.key.string } == ["x"])
  }

  @Test func duplicateKeysAreReportedWithBothPlaces() throws {
    let document = try YAMLReader.parse("lr: 0.1\nsteps: 3\nlr: 0.2\n")
    #expect(document.diagnostics.count == 1)
    let diagnostic = try #require(document.diagnostics.first)
    #expect(diagnostic.message == "duplicate key 'lr'")
    #expect(diagnostic.mark == Mark(line: 3, column: 1))
    #expect(diagnostic.notes == [Diagnostic.Note("'lr' first defined here", at: Mark(line: 1, column: 1))])
  }

  @Test func keysAreComparedByValue() throws {
    let document = try YAMLReader.parse("1: a\n0x1: b\n")
    #expect(document.diagnostics.map(\.message) == ["duplicate key '0x1'"])
  }
}

@Suite struct HostileInputTests {
  @Test func syntaxErrorsCarryLibyamlsProblemAndPosition() {
    #expect(
      throws: Diagnostic(
        at: Mark(line: 2, column: 6), "did not find expected ',' or ']'",
        notes: [.init("while parsing a flow sequence", at: Mark(line: 1, column: 8))])
    ) {
      try YAMLReader.parse("start: [1, 2\nsteps: 3\n")
    }
  }

  @Test func aSecondDocumentIsRefused() {
    #expect(
      throws: Diagnostic(at: Mark(line: 2, column: 1), "a config file holds one YAML document; found a second one here")
    ) {
      try YAMLReader.parse("a: 1\n---\nb: 2\n")
    }
  }

  @Test func unknownAliasIsRefused() {
    #expect(throws: Diagnostic(at: Mark(line: 1, column: 4), "unknown alias '*nowhere'")) {
      try YAMLReader.parse("a: *nowhere\n")
    }
  }

  @Test func billionLaughsIsRefusedBeforeExpanding() {
    var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in 1...9 {
      let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
      text += "a\(level): &a\(level) [\(aliases)]\n"
    }
    do {
      _ = try YAMLReader.parse(text)
      Issue.record("a billion-laughs document must be refused")
    } catch {
      #expect(error.message.hasPrefix("the document expands to more than 1000000 nodes"))
    }
  }

  @Test func aLargeValueAliasedOftenIsRefusedAtTheAliasThatExceedsTheCap() throws {
    // 'abcd' is 4 bytes; each *s adds them: the third alias brings the added text to 12 > 10.
    let limits = YAMLReader.Limits(maximumAliasedBytes: 10)
    #expect(
      throws: Diagnostic(
        at: Mark(line: 2, column: 13),
        "aliases expand the document by more than 10 bytes of text (a large value aliased too often?)")
    ) {
      try YAMLReader.parse("a: &s abcd\nb: [*s, *s, *s]\n", limits: limits)
    }
    #expect(try YAMLReader.parse("a: &s abcd\nb: [*s, *s]\n", limits: limits).root?["b"]?.items?.count == 2)
  }

  @Test func aliasedTextCountsKeysValuesAndNestedAliases() throws {
    // &m holds 'k' + 'vv' + 'x' + *s ('abc') = 7 bytes, computed once: *s adds 3, two *m 14; 17 in all.
    let text = "s: &s abc\nm: &m {k: vv, x: *s}\nuses: [*m, *m]\n"
    let uses = try YAMLReader.parse(text, limits: YAMLReader.Limits(maximumAliasedBytes: 17)).root?["uses"]
    #expect(uses?.items?.count == 2)
    #expect(throws: Diagnostic.self) { try YAMLReader.parse(text, limits: YAMLReader.Limits(maximumAliasedBytes: 16)) }
  }

  @Test func aMegabyteScalarAliasedThousandsOfTimesIsRefused() {
    // 1 MB × 2000 would be 2 GB of text to decode; the fifth alias passes the 4 MiB cap.
    let text =
      "s: &s " + String(repeating: "a", count: 1_000_000) + "\nl: ["
      + Array(repeating: "*s", count: 2000)
      .joined(separator: ", ") + "]\n"
    #expect(
      throws: Diagnostic(
        at: Mark(line: 2, column: 21),
        "aliases expand the document by more than 4194304 bytes of text (a large value aliased too often?)")
    ) {
      try YAMLReader.parse(text)
    }
  }

  @Test func manyNodesWithoutAliasesAreRefusedWithoutBlamingAliases() {
    // Scalars count one each: a, 1, 2, 3 fit in four; the fifth, 4, does not.
    let limits = YAMLReader.Limits(maximumNodes: 4)
    #expect(throws: Diagnostic(at: Mark(line: 1, column: 14), "the document has more than 4 nodes")) {
      try YAMLReader.parse("a: [1, 2, 3, 4]\n", limits: limits)
    }
  }

  @Test func readerErrorsArePositionedByLineAndColumn() {
    // libyaml reports a control character by byte offset only (9 here): "é" is two bytes, one column.
    #expect(throws: Diagnostic(at: Mark(line: 2, column: 5), "control characters are not allowed (0x07)")) {
      try YAMLReader.parse("a: 1\nb: é\u{7}\n")
    }
  }

  @Test func invalidUTF8IsPositionedAtItsFirstBadByte() throws {
    let bytes = Array("suite: s\r\ndescription: \"ça".utf8) + [0xE9, 0x22, 0x0A]
    #expect(
      throws: Diagnostic(
        at: Mark(line: 2, column: 17), "the file is not valid UTF-8 (byte 0xE9 here); save it as UTF-8")
    ) {
      try YAMLReader.text(ofUTF8: bytes)
    }
    #expect(try YAMLReader.text(ofUTF8: Array("a: ç\n".utf8)) == "a: ç\n")
    // A byte-order mark is not part of the text (and does not shift columns).
    #expect(try YAMLReader.text(ofUTF8: [0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)) == "a: 1\n")
    #expect(
      throws: Diagnostic(at: Mark(line: 1, column: 4), "the file is not valid UTF-8 (byte 0xFF here); save it as UTF-8")
    ) {
      try YAMLReader.text(ofUTF8: [0xEF, 0xBB, 0xBF] + Array("a: ".utf8) + [0xFF])
    }
  }

  @Test func byteOffsetsBecomeLinesAndColumns() {
    let bytes = Array("ab\ncé\r\nx\ry".utf8)
    #expect(Mark(byteOffset: 0, in: bytes) == Mark(line: 1, column: 1))
    #expect(Mark(byteOffset: 2, in: bytes) == Mark(line: 1, column: 3))
    #expect(Mark(byteOffset: 3, in: bytes) == Mark(line: 2, column: 1))
    #expect(Mark(byteOffset: 4, in: bytes) == Mark(line: 2, column: 2), "é starts here")
    #expect(Mark(byteOffset: 5, in: bytes) == Mark(line: 2, column: 2), "inside é")
    #expect(Mark(byteOffset: 6, in: bytes) == Mark(line: 2, column: 3))
    #expect(Mark(byteOffset: 8, in: bytes) == Mark(line: 3, column: 1), "\\r\\n is one line break")
    #expect(Mark(byteOffset: 10, in: bytes) == Mark(line: 4, column: 1), "so is \\r alone")
  }

  @Test func deepNestingIsRefused() {
    let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    #expect(throws: Diagnostic(at: Mark(line: 1, column: 201), "nesting deeper than 200 levels")) {
      try YAMLReader.parse(text)
    }
  }

  /// Composing is linear: appending to a collection must not copy its earlier items (which made
  /// 40,000 items take 20 s and 200,000 items minutes).
  @Test func aLargeFlowListComposesCompletely() throws {
    let count = 200_000
    let text = "items: [" + (0..<count).map(String.init).joined(separator: ", ") + "]\n"
    let items = try #require(try YAMLReader.parse(text).root?["items"]?.items)
    #expect(items.count == count)
    #expect(items.first?.scalar == .int(0))
    #expect(items[123_456].scalar == .int(123_456))
    #expect(items.last?.scalar == .int(count - 1))
    // "items: [" is 8 characters; item i starts after the items before it and their ", ".
    #expect(items[10].mark == Mark(line: 1, column: 9 + 10 * 3))
  }

  @Test func aMappingWithManyKeysComposesCompletely() throws {
    let count = 50_000
    let text = (0..<count).map { "k\($0): \($0 * 2)\n" }.joined()
    let document = try YAMLReader.parse(text)
    #expect(document.diagnostics.isEmpty)
    let pairs = try #require(document.root?.pairs)
    #expect(pairs.count == count)
    #expect(pairs[0].key.string == "k0")
    #expect(pairs[49_999].key.string == "k49999")
    #expect(pairs[49_999].value.scalar == .int(99_998))
    #expect(pairs[49_999].key.mark == Mark(line: 50_000, column: 1))
    #expect(document.root?["k31415"]?.scalar == .int(62_830))
  }

  @Test func oversizedInputIsRefused() {
    let limits = YAMLReader.Limits(maximumBytes: 10)
    #expect(throws: Diagnostic(at: .start, "file is 12 bytes, more than the limit of 10 bytes")) {
      try YAMLReader.parse("a: 12345678\n", limits: limits)
    }
  }
}
