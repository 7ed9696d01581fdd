import DescentCore
import Foundation
import TestSupport
import Testing

/// The expression language: syntax, automatic derivatives against closed forms, errors with their
/// places, compilation, and trajectories equal to the presets' (issue 4, acceptance 2 and 4).
@Suite struct ExpressionTests {
  private func value(_ source: String, at point: [Double], variables: [String]? = nil) throws -> Double {
    try ExpressionLandscape(source, variables: variables).value(at: point)
  }

  private func error(_ source: String, variables: [String]? = nil) -> ExpressionError? {
    do {
      _ = try ExpressionLandscape(source, variables: variables)
      return nil
    } catch {
      return error
    }
  }

  @Test func precedenceAndAssociativityAreMathematical() throws {
    #expect(try value("-x^2", at: [3]) == -9, "unary minus binds looser than ^")
    #expect(try value("2^3^2*x", at: [1]) == 512, "^ is right-associative")
    #expect(try value("2^-1 + x", at: [0]) == 0.5)
    #expect(try value("x - 2 - 3", at: [10]) == 5, "- is left-associative")
    #expect(try value("x / 2 / 4", at: [16]) == 2)
    #expect(try value("1 + 2*x^2", at: [3]) == 19)
    #expect(try value("-(x + 1)*-2", at: [2]) == 6)
    #expect(try value("1e-3*x + .5 + 2. + 1.5E+2", at: [1000]) == 153.5)
    #expect(try value("pi*x + e", at: [2]) == 2 * Double.pi + exp(1))
    #expect(try value("2·x − 1 + 3×x + π", at: [1]) == 4 + Double.pi, "·, ×, − and π are accepted")
    #expect(try value("min(x, 2) + max(x, 2) + abs(-x)", at: [5]) == 12)
  }

  @Test func variablesComeInOrderOfFirstAppearanceUnlessGiven() throws {
    #expect(try ExpressionLandscape("y^2 + x + y").variableNames == ["y", "x"])
    #expect(try ExpressionLandscape("y^2 + x", variables: ["x", "y"]).variableNames == ["x", "y"])
    let extra = try ExpressionLandscape("x^2", variables: ["x", "y"])
    #expect(extra.dimension == 2)
    #expect(extra.gradient(at: [3, 5]) == [6, 0], "a listed variable f does not use has zero slope")
    #expect(try ExpressionLandscape("alpha_1 * x2").variableNames == ["alpha_1", "x2"])
  }

  /// Each function at u = 0.7x − 0.2y + 0.3, against its closed-form derivatives and the chain
  /// rule: ∇f = f'(u)·(0.7, −0.2), ∇²f = f''(u)·(0.7, −0.2)(0.7, −0.2)ᵀ.
  @Test func functionsHaveTheirClosedFormDerivatives() throws {
    let functions: [(String, (Double) -> (Double, Double, Double))] = [
      ("exp", { (exp($0), exp($0), exp($0)) }),
      ("log", { (log($0), 1 / $0, -1 / ($0 * $0)) }),
      ("sqrt", { (sqrt($0), 0.5 / sqrt($0), -0.25 / pow($0, 1.5)) }),
      ("sin", { (sin($0), cos($0), -sin($0)) }),
      ("cos", { (cos($0), -sin($0), -cos($0)) }),
      ("tan", { (tan($0), 1 / (cos($0) * cos($0)), 2 * tan($0) / (cos($0) * cos($0))) }),
      ("tanh", { (tanh($0), 1 - tanh($0) * tanh($0), -2 * tanh($0) * (1 - tanh($0) * tanh($0))) }),
      ("abs", { (abs($0), $0 > 0 ? 1 : -1, 0) }),
    ]
    let direction = [0.7, -0.2]
    for point in [[0.4, 0.1], [1.3, -0.8], [-0.5, 0.2]] {
      let u = 0.7 * point[0] - 0.2 * point[1] + 0.3
      for (name, closedForm) in functions {
        if name == "log" || name == "sqrt", u <= 0 { continue }
        let landscape = try ExpressionLandscape("\(name)(0.7*x - 0.2*y + 0.3)")
        let (f0, f1, f2) = closedForm(u)
        let (value, gradient) = landscape.valueAndGradient(at: point)
        let hessian = landscape.hessian(at: point).rows.flatMap { $0 }
        let expectedHessian = [0, 1].flatMap { i in [0, 1].map { j in f2 * direction[i] * direction[j] } }
        #expect(relativeError(value, f0) <= 1e-15, "\(name) at \(point)")
        #expect(relativeError(gradient, direction.map { f1 * $0 }) <= 1e-14, "\(name)' at \(point)")
        #expect(abs(relativeError(hessian, expectedHessian)) <= 1e-14 || f2 == 0, "\(name)'' at \(point)")
        if f2 == 0 { #expect(hessian.allSatisfy { $0 == 0 }, "\(name)'' at \(point)") }
      }
    }
  }

  @Test func operationsHaveTheirClosedFormDerivatives() throws {
    let (x, y) = (1.7, 0.6)
    // f = x·y + x/y + x^y + y^3 + 2^x + x^2.5: closed-form gradient and Hessian.
    let landscape = try ExpressionLandscape("x*y + x/y + x^y + y^3 + 2^x + x^2.5")
    let gradient = [
      y + 1 / y + y * pow(x, y - 1) + log(2) * pow(2, x) + 2.5 * pow(x, 1.5),
      x - x / (y * y) + pow(x, y) * log(x) + 3 * y * y,
    ]
    let hxx = y * (y - 1) * pow(x, y - 2) + log(2) * log(2) * pow(2, x) + 3.75 * pow(x, 0.5)
    let hxy = 1 - 1 / (y * y) + pow(x, y - 1) * (1 + y * log(x))
    let hyy = 2 * x / (y * y * y) + pow(x, y) * log(x) * log(x) + 6 * y
    #expect(relativeError(landscape.gradient(at: [x, y]), gradient) <= 1e-14)
    #expect(relativeError(landscape.hessian(at: [x, y]).rows.flatMap { $0 }, [hxx, hxy, hxy, hyy]) <= 1e-14)
    // min/max take the derivative of the argument they select.
    let selected = try ExpressionLandscape("min(x^2, y) + max(3*x, y^3)")
    #expect(selected.gradient(at: [x, y]) == [3, 1])
    #expect(selected.gradient(at: [0.5, 4]) == [1, 48])
    // Integer powers, including negative ones.
    let powers = try ExpressionLandscape("x^5 + x^-2 + x^0 + x^1")
    #expect(relativeError(powers.gradient(at: [x])[0], 5 * pow(x, 4) - 2 * pow(x, -3) + 1) <= 1e-15)
    #expect(relativeError(powers.hessian(at: [x])[0, 0], 20 * pow(x, 3) + 6 * pow(x, -4)) <= 1e-15)
  }

  @Test func compilationFoldsConstantsAndSharesSubexpressions() throws {
    // (1 − x)² (a squared affine), y − x² (a linear square), (1 − x)² + 100·(y − x²)² (another).
    #expect(try ExpressionLandscape("(1 - x)^2 + 100*(y - x^2)^2").instructionCount == 3)
    #expect(try ExpressionLandscape("3*x^2").instructionCount == 1, "a scaled square")
    // x², (x² + y − 11)² (a squared linear offset), y², x + y² − 7, (…)² + (…)².
    #expect(try ExpressionLandscape("(x^2 + y - 11)^2 + (x + y^2 - 7)^2").instructionCount == 5)
    #expect(try ExpressionLandscape("x^2 + x^2").instructionCount == 2, "x² is computed once")
    #expect(try ExpressionLandscape("2*pi*x").instructionCount == 1, "2·π is folded")
    #expect(try ExpressionLandscape("x*2*pi").instructionCount == 2, "(x·2)·π is not")
    #expect(try ExpressionLandscape("x + sqrt(4)*exp(0)").instructionCount == 1)
    #expect(try ExpressionLandscape("x").instructionCount == 0)
    // (x+y+1)² in one instruction, the quadratic in five (19 − 14x, + 3x², − 14y, + 6xy, + 3y²),
    // P = 1 + s²·poly in one; Q likewise; P·Q.
    #expect(try ExpressionLandscape(GoldsteinPrice().expressionText).instructionCount == 15)
    #expect(try value("x", at: [4]) == 4)
  }

  /// Fused instructions round exactly as the operations written: same value and gradient, bit
  /// for bit, as the formula evaluated step by step in Double.
  @Test func fusedInstructionsRoundAsWritten() throws {
    let (x, y) = (3.3, 1.7)
    let cases: [(String, Double, [Double])] = [
      ("x^2 + y - 11", x * x + y - 11, [2 * x, 1]),
      ("11 - (x^2 + y)", 11 - (x * x + y), [-(2 * x), -1]),
      ("19 - 14*x + 0*y", 19 - 14 * x + 0 * y, [-14, 0]),
      ("2*x - 3*y", 2 * x - 3 * y, [2, -3]),
      ("x - y*0.7 + 0.1", x - y * 0.7 + 0.1, [1, -0.7]),
      ("6*x*y", 6 * x * y, [y * 6, 6 * x]),
      ("0.3 - x*y", 0.3 - x * y, [-y, -x]),
      ("1 + (x + y)^2*y", 1 + (x + y) * (x + y) * y, [y * (2 * (x + y)), y * (2 * (x + y)) + (x + y) * (x + y)]),
      ("x*sin(y) - 0.25", x * Foundation.sin(y) - 0.25, [Foundation.sin(y), x * Foundation.cos(y)]),
      ("2 - x*y", 2 - x * y, [-y, -x]),
      ("3*x^2 + y", 3 * (x * x) + y, [3 * (2 * x), 1]),
      ("y - x^2", y - x * x, [-(2 * x), 1]),
      ("x^2 - 2*y", x * x - 2 * y, [2 * x, -2]),
      ("(1 - x)^2 + y", (1 - x) * (1 - x) + y, [2 * (1 - x) * -1, 1]),
      ("(x + 2)^2 - y", (x + 2) * (x + 2) - y, [2 * (x + 2), -1]),
      ("(2*x - 3*y)^2", (2 * x - 3 * y) * (2 * x - 3 * y), [2 * (2 * x - 3 * y) * 2, 2 * (2 * x - 3 * y) * -3]),
      ("(x + y + 1)^2", (x + y + 1) * (x + y + 1), [2 * (x + y + 1), 2 * (x + y + 1)]),
      ("y + 6*x*y", y + 6 * x * y, [y * 6, 1 + 6 * x]),
      ("y - 36*x*y", y - 36 * x * y, [-(y * 36), 1 - 36 * x]),
      ("x*y + y", x * y + y, [y, x + 1]),
      (
        "x^2 + 100*(y - x)^2", x * x + 100 * ((y - x) * (y - x)),
        [2 * x + 100 * (2 * (y - x) * -1), 100 * (2 * (y - x))]
      ),
      ("(x - y)^2*100", (x - y) * (x - y) * 100, [100 * (2 * (x - y)), 100 * (2 * (x - y) * -1)]),
      ("x + -y", x + -y, [1, -1]),
    ]
    for (source, value, gradient) in cases {
      let landscape = try ExpressionLandscape(source, variables: ["x", "y"])
      let (computed, computedGradient) = landscape.valueAndGradient(at: [x, y])
      #expect(computed == value, "\(source)")
      #expect(computedGradient == gradient, "\(source)")
      #expect(landscape.instructionCount <= 3, "\(source): \(landscape.instructionCount) instructions")
    }
  }

  /// Up to three variables the interpreter's row width is a compile-time constant, beyond that a
  /// run-time one: both give the same bits for every operation (the same expressions in x, y, with
  /// two unused variables added to take the run-time path).
  @Test func fixedAndDynamicWidthKernelsAgreeToTheBit() throws {
    let sources = [
      "x + y", "x - y", "x*y", "x/y", "x^y", "min(x, y) + max(x, y)", "2*x - 3*y", "x^2 + y - 11", "19 - 14*x",
      "6*x*y", "3*x^2", "1 + x*y", "x + 2.5", "x*0.3", "4 - y", "x/3", "3/y", "x^5", "x^-3", "x^1.5", "2^y",
      "-x*y", "exp(x*y)", "log(x + y)", "sqrt(x*y)", "sin(x*y)", "cos(x - y)", "tan(y)", "tanh(x*y)",
      "abs(y - x)*x", GoldsteinPrice().expressionText, Ackley().expressionText,
    ]
    for source in sources {
      let fixed = try ExpressionLandscape(source, variables: ["x", "y"])
      let dynamic = try ExpressionLandscape(source, variables: ["x", "y", "p", "q"])
      for point in [[1.3, 0.7], [0.45, 1.9], [2.2, 1.1]] {
        let (value, gradient) = fixed.valueAndGradient(at: point)
        let (rowValue, rowGradient) = dynamic.valueAndGradient(at: point + [0, 0])
        #expect(value.bitPattern == rowValue.bitPattern, "\(source) at \(point)")
        #expect(gradient.map(\.bitPattern) == rowGradient.prefix(2).map(\.bitPattern), "\(source) at \(point)")
        #expect(rowGradient.suffix(2) == [0, 0])
      }
    }
  }

  @Test func parseErrorsPointAtTheProblem() throws {
    let power = try #require(error("x^^2"))
    #expect(power.location == .text(offset: 2, length: 1))
    #expect(power.message == "expected a number, a variable, a function call or '(' after '^', found '^'")

    let function = try #require(error("sinn(x)"))
    #expect(function.location == .text(offset: 0, length: 4))
    #expect(function.unknownFunction == "sinn")

    let variable = try #require(error("x + z", variables: ["x", "y"]))
    #expect(variable.location == .text(offset: 4, length: 1))
    #expect(variable.message == "unknown variable 'z': 'vars' lists x, y")

    let cases: [(String, Int, Int, String)] = [
      ("2x", 1, 1, "expected an operator or the end of the expression, found 'x' (write '2*x' to multiply)"),
      ("(x + 1", 6, 1, "expected ')' to close the '(' at column 1, found the end of the expression"),
      ("x + 1)", 5, 1, "unmatched ')'"),
      ("x**2", 1, 2, "'**' is not an operator here: write powers with '^'"),
      ("sin x", 0, 3, "'sin' is a function: call it as sin(...)"),
      ("sin(x, y)", 0, 3, "sin takes 1 argument, found 2"),
      ("min(x)", 0, 3, "min takes 2 arguments, found 1"),
      ("pi(x)", 0, 2, "'pi' is a constant, not a function (write 'pi*(...)' to multiply)"),
      ("x*(y)(x)", 5, 1, "expected an operator or the end of the expression, found '('"),
      (
        "x + ", 3, 1, "expected a number, a variable, a function call or '(' after '+', found the end of the expression"
      ),
      ("1e+ * x", 0, 3, "malformed number '1e+': the exponent has no digits"),
      ("1.2.3*x", 0, 5, "malformed number '1.2.3'"),
      ("x $ y", 2, 1, "unexpected character '$'"),
      ("x\u{200B} + 1", 1, 1, "unexpected character U+200B"),
      (
        "x^2 +\n", 5, 1,
        "expected a number, a variable, a function call or '(' after '+', found the end of the expression"
      ),
      ("   ", 0, 1, "the expression is empty"),
      ("3 + 4", 0, 5, "the expression has no variables: give them with 'vars'"),
    ]
    for (source, offset, length, message) in cases {
      let found = try #require(error(source), "\(source) should not compile")
      #expect(found.location == .text(offset: offset, length: length), "\(source)")
      #expect(found.message == message, "\(source)")
    }
    // Nesting is capped so that parsing and compiling cannot exhaust the stack.
    let parentheses = String(repeating: "(", count: 2000) + "x" + String(repeating: ")", count: 2000)
    #expect(error(parentheses)?.location == .text(offset: 200, length: 1), "the 201st '('")
    #expect(error(parentheses)?.message == "parentheses, calls, signs and powers nest more than 200 levels deep")
    #expect(error(String(repeating: "-", count: 5000) + "x")?.location == .text(offset: 200, length: 1))
    let nested = String(repeating: "(", count: 150) + "x" + String(repeating: ")", count: 150)
    #expect(try ExpressionLandscape(nested).dimension == 1)
    let longSum = Array(repeating: "x", count: 1500).joined(separator: "+")
    #expect(error(longSum)?.location == .text(offset: 2001, length: 1), "the 1001st '+'")
    #expect(error(longSum)?.message == "the expression is more than 1000 operations deep")
    #expect(try ExpressionLandscape(Array(repeating: "x", count: 900).joined(separator: "+")).value(at: [2]) == 1800)
    #expect(error("x^2", variables: ["x", "x"])?.location == .variable(index: 1))
    #expect(error("x^2", variables: ["x", "pi"])?.location == .variable(index: 1))
    #expect(error("x^2", variables: [])?.message == "'vars' must list at least one variable")
  }

  /// A number that overflows a double, and a constant subexpression that folds to an infinity
  /// or a NaN, are errors at what was written — not landscapes that are infinite everywhere.
  @Test func nonFiniteConstantsAreErrorsAtTheirText() throws {
    let cases: [(String, Int, Int, String)] = [
      ("1e400*x^2 + x", 0, 5, "number out of range: '1e400' is beyond the largest double (about 1.8e308)"),
      ("x - 2.5E+999", 4, 8, "number out of range: '2.5E+999' is beyond the largest double (about 1.8e308)"),
      ("1/0 + x", 0, 3, "the constant '1/0' is infinite"),
      ("x + (0/0)", 5, 3, "the constant '0/0' is not a number (NaN)"),
      ("x*log(0)", 2, 6, "the constant 'log(0)' is -infinite"),
      ("x + -exp(1000)", 5, 9, "the constant 'exp(1000)' is infinite"),
      ("x + 1e308*10", 4, 8, "the constant '1e308*10' is infinite"),
      ("x + -(1e308 + 1e308)", 6, 13, "the constant '1e308 + 1e308' is infinite"),
      ("x + sqrt(-1)*2", 4, 8, "the constant 'sqrt(-1)' is not a number (NaN)"),
      ("x + 2^(" + String(repeating: "9", count: 45) + ")", 4, 49, "this constant subexpression is infinite"),
    ]
    for (source, offset, length, message) in cases {
      let found = try #require(error(source), "\(source) should not compile")
      #expect(found.location == .text(offset: offset, length: length), "\(source)")
      #expect(found.message == message, "\(source)")
    }
    // Large and tiny finite constants are fine; a literal below the smallest double is 0.
    #expect(try value("1e308*x + 2^1023", at: [1]) == 1e308 + pow(2, 1023))
    #expect(try value("1e-400 + x", at: [2]) == 2)
    #expect(try value("x/1e-300", at: [1e-10]) == 1e-10 / 1e-300)
  }

  /// A name called like a function: a variable says so, unless `vars` leaves it out.
  @Test func variablesCalledLikeFunctionsAreNamedAsVariables() throws {
    let functions = ExpressionLanguage.functionNames.joined(separator: ", ")
    let wouldBe = try #require(error("x(y)"))
    #expect(wouldBe.location == .text(offset: 0, length: 1))
    #expect(
      wouldBe.message
        == "'x' is a variable, not a function (write 'x*(...)' to multiply; the functions are \(functions))")
    #expect(wouldBe.unknownFunction == "x", "a caller may still suggest a function it resembles")
    let seen = try #require(error("x*y + y(2)"))
    #expect(seen.location == .text(offset: 6, length: 1))
    #expect(seen.message == "'y' is a variable, not a function (write 'y*(...)' to multiply)")
    #expect(seen.unknownFunction == nil)
    #expect(
      error("x(y)", variables: ["x", "y"])?.message
        == "'x' is a variable, not a function (write 'x*(...)' to multiply)")
    #expect(error("z(x)", variables: ["x"])?.message == "unknown function 'z' (the functions are \(functions))")
  }

  /// The line shown under an error message: the caret lines up in a terminal whatever precedes
  /// the error, and a long line is cut to a window around it.
  @Test func excerptsLineUpTheCaretAndShowAWindowOfLongLines() throws {
    func excerpt(_ source: String) throws -> ExpressionExcerpt {
      let found = try #require(error(source), "\(source) should not compile")
      guard case .text(let offset, let length) = found.location else { throw found }
      return ExpressionExcerpt(source: source, offset: offset, length: length)
    }
    let tab = try excerpt("x\t+ y^^2")
    #expect([tab.text, tab.caret, tab.position] == ["x + y^^2", "      ^", "column 7"], "a tab shows as one space")
    let combining = try excerpt("a\u{345}^^2")  // U+0345 is a combining mark that may be part of a name
    #expect([combining.text, combining.caret] == ["a\u{345}^^2", "  ^"], "a combining mark takes no column")
    let wide = try excerpt("变量^^2 + sinn(变量)")
    #expect([wide.text, wide.caret, wide.position] == ["变量^^2 + sinn(变量)", "     ^", "column 4"])
    let name = try excerpt("变量 + sinn(变量)")
    #expect(name.caret == "       ^~~~", "the span is underlined")
    // Multi-line text (a block scalar): the line of the error, and its line and column.
    let lines = try excerpt("x^2 +\n  2*^x\n")
    #expect([lines.text, lines.caret, lines.position] == ["  2*^x", "    ^", "line 2, column 5"])
    let end = try excerpt("x^2 +\n")
    #expect([end.text, end.caret, end.position] == ["x^2 +", "     ^", "column 6"], "the end is after the '+'")
    // A long line: 40 characters either side of the error, "…" where cut.
    let terms = (1...30).map { "\($0)*x" }.joined(separator: " + ")  // 1*x + 2*x + … + 30*x
    let long = try excerpt(terms + " + ^ + " + terms)
    #expect(long.position == "column \(terms.count + 4)")
    #expect(long.text.hasPrefix("…") && long.text.hasSuffix("…"))
    #expect(long.text.count == 1 + 40 + 1 + 40 + 1)
    #expect(long.caret == String(repeating: " ", count: 41) + "^")
    #expect(Array(long.text)[41] == "^")
    let tail = try excerpt(terms + " + 2x")
    #expect(tail.text.hasPrefix("…") && !tail.text.hasSuffix("…"))
    #expect(tail.caret == String(repeating: " ", count: 41) + "^")
    let short = try excerpt(String(repeating: "x + ", count: 10) + "2x")
    #expect(short.text == String(repeating: "x + ", count: 10) + "2x", "cut only where more than 3 are left out")
    #expect(short.caret == String(repeating: " ", count: 41) + "^")
  }

  /// Acceptance 2: the expression of Rosenbrock's function gives the preset's trajectory to 1e-12
  /// with every optimizer (every SGD variant and the whole torch.optim family, plus a schedule
  /// and clipping), bit for bit in fact: the preset rounds as the chain rule does.
  @Test(arguments: [
    (AnyOptimizer.sgd(SGD()), 0.001), (.sgd(SGD(momentum: 0.9)), 0.001),
    (.sgd(SGD(momentum: 0.9, nesterov: true)), 0.001), (.sgd(SGD(momentum: 0.5, dampening: 0.3)), 0.001),
    (.sgd(SGD(momentum: 0.8, weightDecay: 0.01)), 0.001),
    (.adam(Adam()), 0.01), (.adam(Adam(amsgrad: true)), 0.01),
    (.adam(Adam(weightDecay: 0.01, decoupledWeightDecay: true)), 0.01),
    (.adagrad(Adagrad()), 0.1), (.rmsprop(RMSprop()), 0.001), (.rmsprop(RMSprop(momentum: 0.5, centered: true)), 0.001),
    (.adadelta(Adadelta()), 1.0), (.adamax(Adamax()), 0.01), (.nadam(NAdam()), 0.01), (.radam(RAdam()), 0.0001),
    (.lion(Lion()), 1e-4),
  ])
  func rosenbrockExpressionFollowsThePresetTrajectory(_ optimizer: AnyOptimizer, _ lr: Double) throws {
    let expression = try ExpressionLandscape("(1 - x)^2 + 100*(y - x^2)^2")
    func trajectory(_ landscape: AnyLandscape, _ schedule: LearningRateSchedule, _ clipping: GradientClipping?) throws
      -> [[Double]]
    {
      try runRecording(
        Problem(
          landscape: landscape, start: [-1.2, 1], optimizer: optimizer, schedule: schedule, clipping: clipping,
          settings: RunSettings(steps: 3000), givenMinimum: [1, 1])
      ).rows.map(\.point)
    }
    let variants: [(LearningRateSchedule, GradientClipping?)] = [
      (.constant(lr), nil), (.exponential(ExponentialSchedule(rate: lr, gamma: 0.999)), .norm(maximum: 10)),
    ]
    for (schedule, clipping) in variants {
      let preset = try trajectory(.rosenbrock(Rosenbrock()), schedule, clipping)
      let compiled = try trajectory(.expression(expression), schedule, clipping)
      #expect(preset.count == 3001)
      var worst = 0.0
      for (a, b) in zip(compiled, preset) { worst = max(worst, relativeError(a, b)) }
      #expect(worst <= 1e-12)
      #expect(compiled == preset, "bit for bit")
      let rosenbrock = Rosenbrock()
      #expect(rosenbrock.value(at: preset.last!) < rosenbrock.value(at: [-1.2, 1]), "the run went down")
    }
  }

  @Test func aKinkAtTheMinimumLeavesTheErrorsInTheCoordinateAxes() throws {
    // Ackley written with sqrt has no Hessian at the origin (AD gives NaN): the run is still
    // classified, along the axes, and the unknown eigenvalues are NaN.
    let ackley = try ExpressionLandscape(Ackley().expressionText)
    #expect(ackley.hessian(at: [0, 0]).rows.flatMap { $0 }.contains { $0.isNaN })
    let outcome = try Engine.run(
      Problem(
        landscape: .expression(ackley), start: [0.3, 0.2], optimizer: .sgd(SGD()), schedule: .constant(4e-7),
        settings: RunSettings(steps: 200_000, tolerance: 1e-6), givenMinimum: [0, 0]))
    #expect(outcome.reference.spectrum.eigenvalues.allSatisfy { $0.isNaN })
    #expect(outcome.classification.divergenceReason == nil)
    #expect(outcome.classification.stepsTaken == 200_000)
    #expect(outcome.finalPoint.allSatisfy { abs($0) <= 1e-6 })
  }

  /// Without `minimum:`, x* is the critical point Newton's method finds from the run's end
  /// (SPEC: "the classifier estimates it and says so").
  @Test func expressionWithoutMinimumEstimatesItByNewton() throws {
    let problem = Problem(
      landscape: .expression(try ExpressionLandscape("x^2")), start: [1], optimizer: .sgd(SGD()),
      schedule: .constant(0.1))
    let outcome = try Engine.run(problem)
    #expect(outcome.reference.source == .estimated)
    #expect(outcome.reference.point == [0], "one Newton step from any point of x² lands on 0")
    #expect(outcome.classification.regime == .monotone)
    var given = problem
    given.givenMinimum = [0]
    #expect(try Engine.run(given).classification == outcome.classification)

    // Rosenbrock from (−1.2, 1): the run ends near (1, 1), Newton polishes it to (1, 1) exactly.
    let rosenbrock = Problem(
      landscape: .expression(try ExpressionLandscape("(1 - x)^2 + 100*(y - x^2)^2")), start: [-1.2, 1],
      optimizer: .sgd(SGD(momentum: 0.9)), schedule: .constant(1e-3), settings: RunSettings(steps: 5000))
    let polished = try Engine.run(rosenbrock)
    #expect(polished.reference.source == .estimated)
    #expect(polished.reference.point == [1, 1])
    #expect(polished.classification.regime == (try Engine.run(withMinimum(rosenbrock, [1, 1]))).classification.regime)

    // A divergent run (its end is not finite): Newton starts from the start instead.
    var divergent = problem
    divergent.schedule = .constant(1.5)
    let diverged = try Engine.run(divergent)
    #expect(diverged.reference.point == [0])
    #expect(diverged.classification.regime == .divergent)

    // x⁴ has a degenerate critical point: Newton's steps x/3 shrink by 2/3 each until one is
    // under 1e-15, so x* is estimated within 3e-15 of 0.
    let quartic = try Engine.run(
      Problem(
        landscape: .expression(try ExpressionLandscape("x^4")), start: [1], optimizer: .sgd(SGD()),
        schedule: .constant(0.1), settings: RunSettings(steps: 50)))
    #expect(abs(quartic.reference.point[0]) < 3e-15)
    #expect(quartic.classification.regime == .crawling)

    // eˣ has none either, though its gradient gets small: Newton's steps stay 1 and never settle.
    let exponential = Problem(
      landscape: .expression(try ExpressionLandscape("exp(x)")), start: [1], optimizer: .sgd(SGD()),
      schedule: .constant(0.1))
    #expect(throws: EngineError.noReferencePoint) { try Engine.run(exponential) }

    // No critical point at all (f = x): nothing to measure against, said clearly.
    let linear = Problem(
      landscape: .expression(try ExpressionLandscape("x")), start: [1], optimizer: .sgd(SGD()),
      schedule: .constant(0.1))
    #expect(throws: EngineError.noReferencePoint) { try Engine.run(linear) }
  }

  private func withMinimum(_ problem: Problem, _ minimum: [Double]) -> Problem {
    var copy = problem
    copy.givenMinimum = minimum
    return copy
  }
}
