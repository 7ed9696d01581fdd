import DescentConfig
import DescentCore
import Testing
import YAMLNode

/// Landscapes in configs: presets with options, expressions and their positioned errors, and the
/// stochastic-gradient keys (issue 4).
@Suite struct LandscapeConfigTests {
  private func instance(_ scenario: String, file: String = "test.yaml", seed: UInt64? = nil) throws -> Instance {
    let suite = try loadSuite("suite: s\nscenarios:\n  - name: a\n" + scenario, file: file, seed: seed)
    return try #require(suite.scenarios.first?.instances.first)
  }

  @Test func presetsDecodeWithTheirOptions() throws {
    #expect(
      try instance("    landscape: {preset: rosenbrock, a: 2, b: 10}\n    start: [0, 0]\n").problem.landscape
        == .rosenbrock(Rosenbrock(a: 2, b: 10)))
    #expect(
      try instance("    landscape: {preset: rastrigin, dimension: 3}\n    start: [0, 0, 0]\n").problem.landscape
        == .rastrigin(Rastrigin(dimension: 3)))
    #expect(
      try instance("    landscape: monkey-saddle\n    start: [1, 0]\n").problem.landscape
        == .monkeySaddle(MonkeySaddle()))
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: himelblau, start: [0, 0]}\n") == [
        "test.yaml:3:26: error: unknown landscape 'himelblau' (did you mean 'himmelblau'?)"
      ])
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: {preset: ackley, dimension: 0}, start: [0, 0]}\n") == [
        "test.yaml:3:54: error: 'dimension' must be a whole number from 1 to 1000, found 0"
      ])
    #expect(
      problems(
        "suite: s\nscenarios:\n  - {name: a, landscape: {preset: least-squares, features: 1, condition: 10}, start: [0]}\n"
      ) == [
        "test.yaml:3:74: error: 'condition' needs 2 features or more: with 1 the Hessian is a number, whose condition number is 1"
      ])
  }

  @Test func expressionsDecodeWithVariablesAndMinimum() throws {
    let first = try instance("    landscape: {expr: \"y^2 + 100*x^2\", minimum: [0, 0]}\n    start: [1, 1]\n")
    guard case .expression(let expression) = first.problem.landscape else {
      Issue.record("not an expression: \(first.problem.landscape)")
      return
    }
    #expect(expression.variableNames == ["y", "x"])
    #expect(first.problem.givenMinimum == [0, 0])
    #expect(first.landscapeText == "y^2 + 100*x^2(minimum=[0,0])")
    let given = try instance("    landscape: {expr: x^2 + 3*y, vars: [x, y, z]}\n    start: [1, 1, 1]\n")
    #expect(given.problem.landscape.dimension == 3)
  }

  @Test func expressionErrorsPointIntoTheExpression() {
    func firstProblem(_ landscape: String) -> String? {
      problems("suite: s\nscenarios:\n  - name: a\n    start: [1]\n    landscape: \(landscape)\n").first
    }
    // The value starts in column 16, after "    landscape: "; the expression in column 24, after
    // `{expr: "`; its second '^' is the expression's column 3, the file's column 26.
    #expect(
      firstProblem("{expr: \"x^^2\"}")
        == """
        test.yaml:5:26: error: invalid expression at column 3: expected a number, a variable, a function call or '(' after '^', found '^'
            x^^2
              ^
        """)
    #expect(firstProblem("{expr: x^^2}")?.hasPrefix("test.yaml:5:25: error: invalid expression at column 3:") == true)
    #expect(firstProblem("{expr: 'x^^2'}")?.hasPrefix("test.yaml:5:26: error: invalid expression at column 3:") == true)
    #expect(
      firstProblem("{expr: sinn(x)}")
        == """
        test.yaml:5:23: error: invalid expression at column 1: unknown function 'sinn' (did you mean 'sin'?)
            sinn(x)
            ^~~~
        """)
    #expect(
      firstProblem("{expr: \"x + z\", vars: [x, y]}")?.hasPrefix(
        "test.yaml:5:28: error: invalid expression at column 5: unknown variable 'z': 'vars' lists x, y") == true)
    #expect(
      firstProblem("{expr: 'cosh(x)'}")?.hasPrefix(
        "test.yaml:5:24: error: invalid expression at column 1: unknown function 'cosh' (did you mean 'cos'?)") == true)
    // An escape before the error moves the text: the error is placed at the scalar.
    #expect(
      firstProblem("{expr: \"\\x41 + x^^2\"}")?.hasPrefix("test.yaml:5:23: error: invalid expression at column 7:")
        == true)
    // Variables: the problem entry is pointed at.
    #expect(firstProblem("{expr: x^2, vars: [x, x]}") == "test.yaml:5:38: error: variable 'x' is listed twice")
    #expect(
      firstProblem("{expr: x^2, vars: [pi]}")
        == "test.yaml:5:35: error: 'pi' cannot be a variable: variables are names (letters, digits, '_') other than the functions and the constants pi and e"
    )
  }

  @Test func expressionErrorsInBlockScalarsPointAtTheScalar() {
    let text =
      "suite: s\nscenarios:\n  - name: a\n    start: [1]\n    landscape:\n      expr: >-\n        x^2 +\n        2*^x\n"
    let found = problems(text)
    #expect(found.first?.hasPrefix("test.yaml:6:13: error: invalid expression at column 9:") == true, "\(found)")
  }

  /// A literal block scalar keeps its lines: the message names the line and column inside the
  /// expression and shows that line (the position in the file stays at the `|`: the node does
  /// not record how far its lines were indented).
  @Test func expressionErrorsInLiteralBlockScalarsNameTheLine() {
    let text =
      "suite: s\nscenarios:\n  - name: a\n    start: [1]\n    landscape:\n      expr: |\n        x^2 +\n        2*^x\n"
    #expect(
      problems(text) == [
        """
        test.yaml:6:13: error: invalid expression at line 2, column 3: expected a number, a variable, a function call or '(' after '*', found '^'
            2*^x
              ^
        """
      ])
  }

  @Test func expressionErrorsLineUpTheCaretAndNameTheProblem() {
    func firstProblem(_ landscape: String) -> String? {
      problems("suite: s\nscenarios:\n  - name: a\n    start: [1]\n    landscape: \(landscape)\n").first
    }
    // A tab counts as one column in the file and in the expression, and shows as one space.
    #expect(
      firstProblem("{expr: \"x\t+ y^^2\"}")
        == """
        test.yaml:5:30: error: invalid expression at column 7: expected a number, a variable, a function call or '(' after '^', found '^'
            x + y^^2
                  ^
        """)
    #expect(
      firstProblem("{expr: \"1e400*x^2 + x\"}")
        == """
        test.yaml:5:24: error: invalid expression at column 1: number out of range: '1e400' is beyond the largest double (about 1.8e308)
            1e400*x^2 + x
            ^~~~~
        """)
    #expect(
      firstProblem("{expr: 1/0 + x}")
        == """
        test.yaml:5:23: error: invalid expression at column 1: the constant '1/0' is infinite
            1/0 + x
            ^~~
        """)
    #expect(
      firstProblem("{expr: x(y)}")?.hasPrefix(
        "test.yaml:5:23: error: invalid expression at column 1: 'x' is a variable, not a function (write 'x*(...)' to multiply; the functions are abs, cos,"
      ) == true)
    // A long expression is shown in a window around the error.
    let terms = (1...30).map { "\($0)*x" }.joined(separator: " + ")
    let found = firstProblem("{expr: \"\(terms) + ^\"}") ?? ""
    let column = terms.count + 4
    #expect(found.hasPrefix("test.yaml:5:\(23 + column): error: invalid expression at column \(column):"))
    let window = "    …" + (terms + " + ").suffix(40) + "^"
    #expect(found.hasSuffix("\n" + window + "\n" + String(repeating: " ", count: 4 + 41) + "^"), "\(found)")
  }

  @Test func expressionLandscapeProblemsAreReported() {
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: {expr: x^2, preset: bowl}, start: [1]}\n") == [
        "test.yaml:3:38: error: a landscape has either 'preset' or 'expr', not both"
      ])
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: {expr: x^2 + y, minimum: [0]}, start: [1, 1]}\n") == [
        "test.yaml:3:51: error: 'minimum' has 1 coordinate but the expression has 2 variables (x, y)"
      ])
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: {expr: true}, start: [1]}\n") == [
        "test.yaml:3:33: error: 'expr' must be an expression such as \"x^2 + 100*y^2\", found a boolean (true)"
      ])
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: {expr: x^2, vars: 3}, start: [1]}\n") == [
        "test.yaml:3:44: error: 'vars' must be a non-empty list of names, found a number (3)"
      ])
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: {expr: x^2, varz: [x]}, start: [1]}\n") == [
        "test.yaml:3:38: error: unknown key 'varz' (did you mean 'vars'?)"
      ])
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: {expr: x^2 + y}, start: [1]}\n") == [
        "test.yaml:3:50: error: 'start' has 1 coordinate but landscape x^2 + y has 2"
      ])
  }

  @Test func stochasticGradientKeysDecode() throws {
    let stochastic = try instance(
      """
          landscape: {preset: least-squares, samples: 64, features: 3}
          start: [0, 0, 0]
          noise: {std: 0.05}
          batch_size: 8
          sampling: replacement

      """)
    #expect(
      stochastic.problem.stochasticGradient
        == StochasticGradient(noiseStandardDeviation: 0.05, batchSize: 8, sampling: .replacement))
    let noisy = try instance("    landscape: rosenbrock\n    start: [0, 0]\n    noise: {std: 0.1}\n")
    #expect(noisy.problem.stochasticGradient == StochasticGradient(noiseStandardDeviation: 0.1))
    #expect(try instance("    landscape: bowl\n    start: [0, 0]\n").problem.stochasticGradient == .exact)
    let shuffled = try instance("    landscape: least-squares\n    start: [0, 0]\n    batch_size: 16\n")
    #expect(shuffled.problem.stochasticGradient.sampling == .shuffle, "shuffle is the default")
  }

  @Test func stochasticGradientProblemsArePositioned() {
    let base = "suite: s\nscenarios:\n  - name: a\n    start: [0, 0]\n"
    #expect(
      problems(base + "    landscape: rosenbrock\n    batch_size: 4\n") == [
        "test.yaml:6:17: error: 'batch_size' needs a landscape made of samples, such as least-squares; rosenbrock has none (add noise with 'noise: {std: ...}')"
      ])
    #expect(
      problems(base + "    landscape: {preset: least-squares, samples: 10}\n    batch_size: 11\n") == [
        "test.yaml:6:17: error: 'batch_size' is 11 but landscape least-squares(samples=10) has 10 samples"
      ])
    #expect(
      problems(base + "    landscape: least-squares\n    sampling: shuffle\n") == [
        "test.yaml:6:15: error: 'sampling' chooses how mini-batches are drawn: it needs 'batch_size'"
      ])
    #expect(
      problems(base + "    landscape: least-squares\n    batch_size: 4\n    sampling: suffle\n") == [
        "test.yaml:7:15: error: unknown sampling 'suffle' (did you mean 'shuffle'?)"
      ])
    #expect(
      problems(base + "    landscape: bowl\n    noise: 0.1\n") == [
        "test.yaml:6:12: error: 'noise' must be a mapping such as {std: 0.1}, found a number (0.1)"
      ])
    #expect(
      problems(base + "    landscape: bowl\n    noise: {std: -1}\n") == [
        "test.yaml:6:18: error: 'std' must be at least 0, found -1"
      ])
    #expect(
      problems(base + "    landscape: bowl\n    noise: {sigma: 1}\n") == [
        "test.yaml:6:13: error: unknown key 'sigma' (expected one of: std)"
      ])
  }

  @Test func generatedDataComeFromTheSuiteSeed() throws {
    let text = """
      suite: s
      seed: 3
      scenarios:
        - name: a
          landscape: least-squares
          start: [0, 0]
          batch_size: 16
          cases: [{lr: 0.1}, {lr: 0.2}]
        - name: b
          landscape: least-squares
          start: [0, 0]
          seed: 4
      """
    let suite = try loadSuite(text)
    let (first, second) = (suite.scenarios[0].instances[0].problem, suite.scenarios[0].instances[1].problem)
    let other = suite.scenarios[1].instances[0].problem
    guard case .leastSquares(let firstData) = first.landscape, case .leastSquares(let secondData) = second.landscape,
      case .leastSquares(let otherData) = other.landscape
    else {
      Issue.record("not least squares")
      return
    }
    #expect(firstData.seed == 3 && secondData.seed == 3, "every lr sees the same data")
    #expect(first.seed != second.seed, "but its own mini-batches")
    #expect(otherData.seed == 4, "a scenario's own seed")
    let overridden = try loadSuite(text, seed: 9)
    #expect(
      overridden.scenarios[0].instances[0].problem.landscape
        == .leastSquares(LeastSquaresOptions(samples: 256, features: 2, noise: 0.1, seed: 9)))
  }

  @Test func idsListTheStochasticKeys() throws {
    let suite = try loadSuite(
      """
      suite: s
      defaults: {landscape: least-squares, start: [0, 0], batch_size: 16}
      scenarios:
        - name: floor
          sweep:
            sampling: [replacement, shuffle]
            lr: [0.2, 0.1]
      """)
    #expect(
      suite.scenarios[0].instances.map(\.id) == [
        "s/floor[lr=0.2,sampling=replacement]", "s/floor[lr=0.2,sampling=shuffle]",
        "s/floor[lr=0.1,sampling=replacement]", "s/floor[lr=0.1,sampling=shuffle]",
      ])
  }
}
