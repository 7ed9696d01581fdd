/// The expression language of custom landscapes (`landscape: {expr: "x^2 + 100*y^2"}`).
///
/// ```
/// expression := term (('+' | '-') term)*
/// term       := unary (('*' | '/') unary)*
/// unary      := ('-' | '+') unary | power
/// power      := primary ('^' unary)?            right-associative: 2^3^2 = 2^9
/// primary    := number | constant | variable | function '(' arguments ')' | '(' expression ')'
/// ```
/// so `-x^2` is −(x²) and `2^-1` is ½. Numbers are decimal with an optional exponent (`1e-3`,
/// `.5`, `2.`); the constants are `pi` (also `π`) and `e`; `−`, `·` and `×` may stand for `-`,
/// `*`, `*`. Any other name is a variable.
public enum ExpressionLanguage {
  /// The functions of one argument.
  public static let unaryFunctions: [String: ExpressionOperation] = [
    "exp": .exp, "log": .log, "sqrt": .sqrt, "sin": .sin, "cos": .cos, "tan": .tan, "tanh": .tanh, "abs": .abs,
  ]
  /// The functions of two arguments.
  public static let binaryFunctions: [String: ExpressionOperation] = ["min": .minimum, "max": .maximum]
  /// The named constants.
  public static let constants: [String: Double] = ["pi": Double.pi, "π": Double.pi, "e": Elementary.exp(1)]

  /// Every function name, sorted (for messages and did-you-mean hints).
  public static var functionNames: [String] { (Array(unaryFunctions.keys) + Array(binaryFunctions.keys)).sorted() }

  /// Whether `name` can name a variable: an identifier that is not a function or a constant.
  public static func isValidVariableName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, isIdentifierStart(first),
      name.unicodeScalars.allSatisfy(isIdentifierContinuation)
    else { return false }
    return unaryFunctions[name] == nil && binaryFunctions[name] == nil && constants[name] == nil
  }

  static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
    scalar == "_" || (scalar.properties.isAlphabetic && scalar != "π")
  }

  static func isIdentifierContinuation(_ scalar: Unicode.Scalar) -> Bool {
    isIdentifierStart(scalar) || ("0"..."9").contains(scalar)
  }
}

/// Why an expression (or its variable list) is not valid, and where.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What the error points at.
  public enum Location: Sendable, Hashable {
    /// Unicode scalars `offset ..< offset + length` of the expression text (offset = its length
    /// for "the expression ends too early").
    case text(offset: Int, length: Int)
    /// Entry `index` of the variable list.
    case variable(index: Int)
  }

  public var message: String
  public var location: Location
  /// A name called like a function that is none (an unknown name, or one that would be a
  /// variable), so that a caller can suggest the closest of `ExpressionLanguage.functionNames`
  /// (and call it an unknown function when one is close).
  public var unknownFunction: String?

  public init(_ message: String, at location: Location, unknownFunction: String? = nil) {
    self.message = message
    self.location = location
    self.unknownFunction = unknownFunction
  }

  public var description: String {
    switch location {
    case .text(let offset, _): "column \(offset + 1): \(message)"
    case .variable(let index): "variable \(index + 1): \(message)"
    }
  }
}

/// A parsed expression: a tree of operations over variables (by index) and constants.
indirect enum ExpressionTree: Sendable, Hashable {
  case constant(Double)
  case variable(Int)
  /// A function of one argument (or `negate`).
  case unary(ExpressionOperation, ExpressionTree)
  /// `add`, `subtract`, `multiply`, `divide`, `power`, `minimum` or `maximum`.
  case binary(ExpressionOperation, ExpressionTree, ExpressionTree)
}

/// A subtree with its depth and the text it was parsed from (constants folded as the parser
/// builds them, so a constant subexpression is always a `.constant` leaf of depth 0).
struct ParsedExpression {
  var tree: ExpressionTree
  var depth: Int
  /// Unicode scalars `start ..< end` of the expression text.
  var start: Int
  var end: Int

  init(tree: ExpressionTree, depth: Int, start: Int, end: Int) {
    self.tree = tree
    self.depth = depth
    self.start = start
    self.end = end
  }

  /// A leaf read from `token`.
  init(_ tree: ExpressionTree, token: ExpressionToken) {
    self.init(tree: tree, depth: 0, start: token.offset, end: token.offset + token.length)
  }
}

/// One token of the expression text with its place.
struct ExpressionToken {
  enum Kind: Equatable {
    case number(Double)
    case name(String)
    /// One of + - * / ^ ( ) , (`−`, `·`, `×` already mapped to their ASCII forms).
    case symbol(Character)
    case end
  }

  var kind: Kind
  var offset: Int
  var length: Int
  /// The token as written, for messages.
  var text: String
}

/// Recursive-descent parser for `ExpressionLanguage`.
struct ExpressionParser {
  private let scalars: [Unicode.Scalar]
  private var tokens: [ExpressionToken] = []
  private var position = 0
  /// Variable names by index: given (`vars`), or collected in order of first appearance.
  private(set) var variables: [String]
  private let variablesAreGiven: Bool
  private let parameters: [String: Double]
  /// Current nesting of parentheses, calls, signs and exponents (each a recursion of the parser).
  private var nesting = 0

  /// How deep parentheses, calls, signs and exponents may nest (each level is a recursion of the
  /// parser), and how deep the tree of operations may grow (compiling recurses over it): limits
  /// that keep a hostile expression from exhausting a thread's stack.
  static let maximumNesting = 200
  static let maximumDepth = 1000

  /// Parses `source`; variables are `variables` when given (any other name is an error), else the
  /// free names in order of first appearance. `parameters` are extra named constants.
  static func parse(_ source: String, variables: [String]?, parameters: [String: Double] = [:]) throws(ExpressionError)
    -> (tree: ExpressionTree, variables: [String])
  {
    var parser = ExpressionParser(source: source, variables: variables, parameters: parameters)
    try parser.tokenize()
    guard parser.tokens.first?.kind != .end else {
      throw ExpressionError("the expression is empty", at: .text(offset: 0, length: 1))
    }
    let tree = try parser.parseExpression().tree
    let next = parser.tokens[parser.position]
    switch next.kind {
    case .end: break
    case .symbol(")"): throw ExpressionError("unmatched ')'", at: .text(offset: next.offset, length: 1))
    default: throw parser.missingOperator(before: next)
    }
    return (tree, parser.variables)
  }

  private init(source: String, variables: [String]?, parameters: [String: Double]) {
    scalars = Array(source.unicodeScalars)
    self.variables = variables ?? []
    variablesAreGiven = variables != nil
    self.parameters = parameters
  }

  // MARK: Tokens

  private mutating func tokenize() throws(ExpressionError) {
    var index = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if scalar.properties.isWhitespace {
        index += 1
        continue
      }
      let start = index
      if ("0"..."9").contains(scalar) || (scalar == "." && index + 1 < scalars.count && isDigit(scalars[index + 1])) {
        index = try scanNumber(from: index)
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard let value = Double(text) else {
          throw ExpressionError("malformed number '\(text)'", at: .text(offset: start, length: index - start))
        }
        guard value.isFinite else {
          throw ExpressionError(
            "number out of range: '\(text)' is beyond the largest double (about 1.8e308)",
            at: .text(offset: start, length: index - start))
        }
        tokens.append(ExpressionToken(kind: .number(value), offset: start, length: index - start, text: text))
        continue
      }
      if scalar == "π" {
        tokens.append(ExpressionToken(kind: .name("π"), offset: start, length: 1, text: "π"))
        index += 1
        continue
      }
      if ExpressionLanguage.isIdentifierStart(scalar) {
        while index < scalars.count && ExpressionLanguage.isIdentifierContinuation(scalars[index]) { index += 1 }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        tokens.append(ExpressionToken(kind: .name(text), offset: start, length: index - start, text: text))
        continue
      }
      let symbol: Character
      switch scalar {
      case "+", "-", "*", "/", "^", "(", ")", ",": symbol = Character(scalar)
      case "−": symbol = "-"
      case "·", "×": symbol = "*"
      default:
        throw ExpressionError(
          "unexpected character \(ExpressionExcerpt.isVisible(scalar) ? "'\(Character(scalar))'" : ExpressionExcerpt.codePoint(scalar))",
          at: .text(offset: start, length: 1))
      }
      if symbol == "*" && scalar == "*" && index + 1 < scalars.count && scalars[index + 1] == "*" {
        throw ExpressionError(
          "'**' is not an operator here: write powers with '^'", at: .text(offset: start, length: 2))
      }
      tokens.append(ExpressionToken(kind: .symbol(symbol), offset: start, length: 1, text: String(Character(scalar))))
      index += 1
    }
    // "The end" is just after the last character that is not white space (a block scalar's value
    // ends with a line break).
    var end = scalars.count
    while end > 0 && scalars[end - 1].properties.isWhitespace { end -= 1 }
    tokens.append(ExpressionToken(kind: .end, offset: end, length: 1, text: ""))
  }

  private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

  /// digits [. digits] [(e|E) [+|-] digits], or . digits [exponent]; returns the end index.
  private func scanNumber(from start: Int) throws(ExpressionError) -> Int {
    var index = start
    while index < scalars.count && isDigit(scalars[index]) { index += 1 }
    if index < scalars.count && scalars[index] == "." {
      index += 1
      while index < scalars.count && isDigit(scalars[index]) { index += 1 }
    }
    if index < scalars.count && (scalars[index] == "e" || scalars[index] == "E") {
      var exponentEnd = index + 1
      if exponentEnd < scalars.count && (scalars[exponentEnd] == "+" || scalars[exponentEnd] == "-") {
        exponentEnd += 1
      }
      let digitsStart = exponentEnd
      while exponentEnd < scalars.count && isDigit(scalars[exponentEnd]) { exponentEnd += 1 }
      if exponentEnd > digitsStart {
        index = exponentEnd
      } else if digitsStart > index + 1 {
        // `1e-` or `1e+` without digits.
        let text = String(String.UnicodeScalarView(scalars[start..<digitsStart]))
        throw ExpressionError(
          "malformed number '\(text)': the exponent has no digits",
          at: .text(offset: start, length: digitsStart - start))
      }
      // Otherwise `2e` is the number 2 followed by the constant e (reported as a missing operator).
    }
    if index < scalars.count && (scalars[index] == "." || isDigit(scalars[index])) {
      var end = index
      while end < scalars.count && (scalars[end] == "." || isDigit(scalars[end])) { end += 1 }
      let text = String(String.UnicodeScalarView(scalars[start..<end]))
      throw ExpressionError("malformed number '\(text)'", at: .text(offset: start, length: end - start))
    }
    return index
  }

  // MARK: Grammar

  private var current: ExpressionToken { tokens[position] }

  private mutating func advance() -> ExpressionToken {
    let token = tokens[position]
    if position < tokens.count - 1 { position += 1 }
    return token
  }

  /// One level deeper into the grammar's recursion, or an error at `token` past the limit.
  private mutating func enter(at token: ExpressionToken) throws(ExpressionError) {
    nesting += 1
    guard nesting <= Self.maximumNesting else {
      throw ExpressionError(
        "parentheses, calls, signs and powers nest more than \(Self.maximumNesting) levels deep",
        at: .text(offset: token.offset, length: token.length))
    }
  }

  /// `operation(operands)` written over scalars `start ..< end`, folded when every operand is a
  /// constant; an error at `token` when the tree would grow deeper than the limit, and at the
  /// subexpression when it folds to an infinity or a NaN.
  private func node(
    _ operation: ExpressionOperation, _ operands: ParsedExpression..., at token: ExpressionToken,
    start: Int? = nil, end: Int? = nil
  ) throws(ExpressionError) -> ParsedExpression {
    let start = start ?? operands.first!.start
    let end = end ?? operands.last!.end
    let constants = operands.compactMap { operand -> Double? in
      if case .constant(let value) = operand.tree { return value }
      return nil
    }
    if constants.count == operands.count {
      let value =
        operands.count == 1
        ? ExpressionEvaluation.unary(operation, constants[0])
        : ExpressionEvaluation.binary(operation, constants[0], constants[1])
      guard value.isFinite else { throw nonFiniteConstant(value, start: start, end: end) }
      return ParsedExpression(tree: .constant(value), depth: 0, start: start, end: end)
    }
    let depth = operands.map(\.depth).max()! + 1
    guard depth <= Self.maximumDepth else {
      throw ExpressionError(
        "the expression is more than \(Self.maximumDepth) operations deep",
        at: .text(offset: token.offset, length: token.length))
    }
    let tree: ExpressionTree =
      operands.count == 1 ? .unary(operation, operands[0].tree) : .binary(operation, operands[0].tree, operands[1].tree)
    return ParsedExpression(tree: tree, depth: depth, start: start, end: end)
  }

  /// "the constant '1/0' is infinite", at the subexpression.
  private func nonFiniteConstant(_ value: Double, start: Int, end: Int) -> ExpressionError {
    let text = String(String.UnicodeScalarView(scalars[start..<end]))
    let what = end - start <= 40 && !text.contains("\n") ? "the constant '\(text)'" : "this constant subexpression"
    let result = value.isNaN ? "is not a number (NaN)" : value > 0 ? "is infinite" : "is -infinite"
    return ExpressionError("\(what) \(result)", at: .text(offset: start, length: end - start))
  }

  private mutating func parseExpression() throws(ExpressionError) -> ParsedExpression {
    var tree = try parseTerm()
    while case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" {
      let token = advance()
      let right = try parseTerm()
      tree = try node(symbol == "+" ? .add : .subtract, tree, right, at: token)
    }
    return tree
  }

  private mutating func parseTerm() throws(ExpressionError) -> ParsedExpression {
    var tree = try parseUnary()
    while case .symbol(let symbol) = current.kind, symbol == "*" || symbol == "/" {
      let token = advance()
      let right = try parseUnary()
      tree = try node(symbol == "*" ? .multiply : .divide, tree, right, at: token)
    }
    return tree
  }

  private mutating func parseUnary() throws(ExpressionError) -> ParsedExpression {
    if case .symbol(let symbol) = current.kind, symbol == "-" || symbol == "+" {
      let token = advance()
      try enter(at: token)
      defer { nesting -= 1 }
      let operand = try parseUnary()
      return symbol == "-" ? try node(.negate, operand, at: token, start: token.offset) : operand
    }
    return try parsePower()
  }

  private mutating func parsePower() throws(ExpressionError) -> ParsedExpression {
    let base = try parsePrimary()
    if case .symbol("^") = current.kind {
      let token = advance()
      try enter(at: token)
      defer { nesting -= 1 }
      let exponent = try parseUnary()
      return try node(.power, base, exponent, at: token)
    }
    return base
  }

  private mutating func parsePrimary() throws(ExpressionError) -> ParsedExpression {
    let token = current
    switch token.kind {
    case .number(let value):
      _ = advance()
      return ParsedExpression(.constant(value), token: token)
    case .name(let name):
      _ = advance()
      if case .symbol("(") = current.kind { return try parseCall(name, at: token) }
      if ExpressionLanguage.unaryFunctions[name] != nil || ExpressionLanguage.binaryFunctions[name] != nil {
        throw ExpressionError(
          "'\(name)' is a function: call it as \(name)(...)", at: .text(offset: token.offset, length: token.length))
      }
      if let value = parameters[name] ?? ExpressionLanguage.constants[name] {
        return ParsedExpression(.constant(value), token: token)
      }
      return ParsedExpression(.variable(try variableIndex(name, at: token)), token: token)
    case .symbol("("):
      _ = advance()
      try enter(at: token)
      defer { nesting -= 1 }
      var inner = try parseExpression()
      guard case .symbol(")") = current.kind else {
        throw ExpressionError(
          "expected ')' to close the '(' at column \(token.offset + 1), found \(describe(current))",
          at: .text(offset: current.offset, length: current.length))
      }
      let close = advance()
      (inner.start, inner.end) = (token.offset, close.offset + close.length)
      return inner
    default:
      throw expectedOperand(at: token)
    }
  }

  private mutating func parseCall(_ name: String, at token: ExpressionToken) throws(ExpressionError)
    -> ParsedExpression
  {
    let place = ExpressionError.Location.text(offset: token.offset, length: token.length)
    let arity: Int
    let operation: ExpressionOperation
    if let unary = ExpressionLanguage.unaryFunctions[name] {
      (arity, operation) = (1, unary)
    } else if let binary = ExpressionLanguage.binaryFunctions[name] {
      (arity, operation) = (2, binary)
    } else if parameters[name] != nil || ExpressionLanguage.constants[name] != nil {
      throw ExpressionError("'\(name)' is a constant, not a function (write '\(name)*(...)' to multiply)", at: place)
    } else if variables.contains(name) {
      throw ExpressionError("'\(name)' is a variable, not a function (write '\(name)*(...)' to multiply)", at: place)
    } else if !variablesAreGiven && ExpressionLanguage.isValidVariableName(name) {
      // Any other name is a variable; a caller may still suggest a function it resembles.
      throw ExpressionError(
        "'\(name)' is a variable, not a function (write '\(name)*(...)' to multiply; the functions are \(ExpressionLanguage.functionNames.joined(separator: ", ")))",
        at: place, unknownFunction: name)
    } else {
      throw ExpressionError(
        "unknown function '\(name)' (the functions are \(ExpressionLanguage.functionNames.joined(separator: ", ")))",
        at: place, unknownFunction: name)
    }
    _ = advance()  // "("
    try enter(at: token)
    defer { nesting -= 1 }
    var arguments: [ParsedExpression] = []
    if case .symbol(")") = current.kind {
    } else {
      arguments.append(try parseExpression())
      while case .symbol(",") = current.kind {
        _ = advance()
        arguments.append(try parseExpression())
      }
    }
    guard case .symbol(")") = current.kind else {
      throw ExpressionError(
        "expected ',' or ')' in the arguments of \(name)(...), found \(describe(current))",
        at: .text(offset: current.offset, length: current.length))
    }
    let close = advance()
    guard arguments.count == arity else {
      let expected = arity == 1 ? "1 argument" : "\(arity) arguments"
      throw ExpressionError("\(name) takes \(expected), found \(arguments.count)", at: place)
    }
    let (start, end) = (token.offset, close.offset + close.length)
    return arity == 1
      ? try node(operation, arguments[0], at: token, start: start, end: end)
      : try node(operation, arguments[0], arguments[1], at: token, start: start, end: end)
  }

  private mutating func variableIndex(_ name: String, at token: ExpressionToken) throws(ExpressionError) -> Int {
    if let index = variables.firstIndex(of: name) { return index }
    guard !variablesAreGiven else {
      throw ExpressionError(
        "unknown variable '\(name)': 'vars' lists \(variables.joined(separator: ", "))",
        at: .text(offset: token.offset, length: token.length))
    }
    variables.append(name)
    return variables.count - 1
  }

  private func describe(_ token: ExpressionToken) -> String {
    token.kind == .end ? "the end of the expression" : "'\(token.text)'"
  }

  /// "expected a number, … after '^', found '^'".
  private func expectedOperand(at token: ExpressionToken) -> ExpressionError {
    let what = "expected a number, a variable, a function call or '('"
    let previous = position > 0 ? " after '\(tokens[position - 1].text)'" : ""
    return ExpressionError(
      "\(what)\(previous), found \(describe(token))", at: .text(offset: token.offset, length: token.length))
  }

  /// Two operands in a row, such as `2x` or `x y`.
  private func missingOperator(before token: ExpressionToken) -> ExpressionError {
    let previous = tokens[position - 1]
    var message = "expected an operator or the end of the expression, found \(describe(token))"
    if case .symbol = token.kind {
    } else {
      message += " (write '\(previous.text)*\(token.text)' to multiply)"
    }
    return ExpressionError(message, at: .text(offset: token.offset, length: token.length))
  }
}

/// How an error at Unicode scalars `offset ..< offset + length` of an expression is shown: its
/// line and column, and that line — cut to a window around the error in a long expression — with
/// a caret line under it that lines up in a terminal: tabs and other control characters are shown
/// as spaces, combining marks and other zero-width characters take no column, East Asian wide
/// characters and emoji two.
public struct ExpressionExcerpt: Sendable, Hashable {
  /// 1-based line of the expression holding the error, and 1-based column in that line
  /// (Unicode scalars).
  public var line: Int
  public var column: Int
  /// How many lines the expression has (not counting line breaks at its end, which a block
  /// scalar's value has).
  public var lineCount: Int
  /// The line, or the window of it, with "…" where it is cut.
  public var text: String
  /// Spaces up to the error, then "^" and "~" under the rest of it (within the window).
  public var caret: String

  /// "column 5", or "line 2, column 5" in an expression of several lines.
  public var position: String { lineCount > 1 ? "line \(line), column \(column)" : "column \(column)" }

  /// - Parameter radius: how many characters of a long line to show on either side of the error.
  public init(source: String, offset: Int, length: Int, radius: Int = 40) {
    let scalars = Array(source.unicodeScalars)
    let offset = min(max(offset, 0), scalars.count)
    let lineStart = scalars[..<offset].lastIndex(of: "\n").map { $0 + 1 } ?? 0
    let lineEnd = scalars[offset...].firstIndex(of: "\n") ?? scalars.count
    line = 1 + scalars[..<lineStart].count { $0 == "\n" }
    var textEnd = scalars.count
    while textEnd > 0 && scalars[textEnd - 1] == "\n" { textEnd -= 1 }
    lineCount = 1 + scalars[..<textEnd].count { $0 == "\n" }
    column = offset - lineStart + 1
    // The window: `radius` scalars either side of the error's start, unless that leaves out only
    // a few characters.
    var windowStart = max(lineStart, offset - radius)
    if windowStart - lineStart <= 3 { windowStart = lineStart }
    var windowEnd = min(lineEnd, offset + max(1, min(length, radius)) + radius)
    if lineEnd - windowEnd <= 3 { windowEnd = lineEnd }
    let spanEnd = min(offset + max(length, 1), windowEnd)
    var text = windowStart > lineStart ? "…" : ""
    var caret = windowStart > lineStart ? " " : ""
    for index in windowStart..<windowEnd {
      let scalar = scalars[index]
      let width = Self.displayWidth(scalar)
      text.unicodeScalars.append(width == 1 && !Self.isVisible(scalar) ? " " : scalar)
      if index < offset {
        caret += String(repeating: " ", count: width)
      } else if index < spanEnd {
        caret += String(repeating: index == offset ? "^" : "~", count: width)
      }
    }
    if !caret.contains("^") { caret += "^" }  // at the end of the line, or at a zero-width character
    if windowEnd < lineEnd { text += "…" }
    self.text = text
    self.caret = caret
  }

  /// The columns a terminal gives `scalar`: 0 for combining marks and format characters (zero
  /// width joiner, soft hyphen), 2 for East Asian wide and fullwidth characters and emoji, else 1.
  static func displayWidth(_ scalar: Unicode.Scalar) -> Int {
    let properties = scalar.properties
    switch properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if properties.isEmojiPresentation { return 2 }
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
      0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
      return 2
    default: return 1
    }
  }

  /// Whether `scalar` shows as a glyph (not white space, a control or a zero-width character).
  static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
    !scalar.properties.isWhitespace && scalar.properties.generalCategory != .control && displayWidth(scalar) > 0
  }

  /// "U+200B".
  static func codePoint(_ scalar: Unicode.Scalar) -> String {
    let digits = String(scalar.value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
