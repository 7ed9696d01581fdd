import DescentReports
import Testing

@Suite struct JSONValueTests {
  @Test func serializesDeterministicallyWithOrderedKeys() {
    let value = JSONValue.object([
      ("b", .integer(1)), ("a", .number(0.1)), ("list", .numbers([1, 1e-6, 2.5e20])),
      ("missing", .null), ("flag", .bool(true)),
    ])
    #expect(value.serialized() == #"{"b":1,"a":0.1,"list":[1,1e-6,2.5e20],"missing":null,"flag":true}"#)
  }

  @Test func nonFiniteNumbersBecomeNull() {
    #expect(JSONValue.numbers([.nan, .infinity, -.infinity, 1]).serialized() == "[null,null,null,1]")
  }

  @Test func stringsAreEscaped() {
    #expect(JSONValue.string("a\"b\\c\nd\u{1}é").serialized() == #""a\"b\\c\nd\u0001é""#)
  }
}
