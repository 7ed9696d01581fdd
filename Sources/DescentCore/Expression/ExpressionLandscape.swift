/// A landscape written as an expression (`{expr: "(1 - x)^2 + 100*(y - x^2)^2"}`), compiled once
/// into an `ExpressionProgram` and differentiated automatically in forward mode: the gradient
/// with dual numbers (every register carries its value and its n partial derivatives), the
/// Hessian with hyper-dual numbers. Derivatives are exact up to rounding — no finite differences.
public struct ExpressionLandscape: Landscape, Sendable, Hashable, ExpressionConvertible {
  /// The expression as written.
  public let source: String
  /// The variables, in coordinate order: `vars` when given, else in order of first appearance.
  public let variableNames: [String]
  /// Extra named constants the expression was compiled with (none from a config).
  public let parameters: [String: Double]
  let program: ExpressionProgram

  /// Parses and compiles `source`.
  /// - Parameters:
  ///   - variables: the coordinates in order; when nil, every free name in order of first
  ///     appearance. A listed variable the expression does not use is a coordinate f does not
  ///     depend on.
  ///   - parameters: extra named constants (e.g. `a`, `b` of a preset's formula).
  /// - Throws: `ExpressionError` with the place of the first problem.
  public init(_ source: String, variables: [String]? = nil, parameters: [String: Double] = [:]) throws(ExpressionError)
  {
    if let variables {
      guard !variables.isEmpty else {
        throw ExpressionError("'vars' must list at least one variable", at: .variable(index: 0))
      }
      for (index, name) in variables.enumerated() {
        guard ExpressionLanguage.isValidVariableName(name), parameters[name] == nil else {
          throw ExpressionError(
            "'\(name)' cannot be a variable: variables are names (letters, digits, '_') other than the functions and the constants pi and e",
            at: .variable(index: index))
        }
        if variables[..<index].contains(name) {
          throw ExpressionError("variable '\(name)' is listed twice", at: .variable(index: index))
        }
      }
    }
    let (tree, names) = try ExpressionParser.parse(source, variables: variables, parameters: parameters)
    guard !names.isEmpty else {
      throw ExpressionError(
        "the expression has no variables: give them with 'vars'",
        at: .text(offset: 0, length: source.unicodeScalars.count))
    }
    self.source = source
    variableNames = names
    self.parameters = parameters
    program = ExpressionProgram(tree, variableCount: names.count)
  }

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.source == rhs.source && lhs.variableNames == rhs.variableNames && lhs.parameters == rhs.parameters
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(source)
    hasher.combine(variableNames)
  }

  public var dimension: Int { variableNames.count }

  /// The number of instructions the program runs per evaluation.
  public var instructionCount: Int { program.instructions.count }

  public var expressionText: String { source }

  /// Calls `body` with a kernel over a register file allocated here (one per run, so concurrent
  /// runs never share it): variables' tangents set to the unit vectors and constants' values set
  /// once, instruction registers overwritten by every evaluation. The kernel's instructions hold
  /// the addresses of their operands' rows.
  public func withKernel<Result>(_ body: (ExpressionKernel) throws -> Result) rethrows -> Result {
    let n = dimension
    let stride = n + 1
    let count = program.registerCount * stride
    return try withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { buffer in
      let registers = buffer.baseAddress!
      registers.initialize(repeating: 0, count: count)
      for variable in 0..<n { registers[variable * stride + 1 + variable] = 1 }
      for (index, value) in program.constants.enumerated() { registers[(n + index) * stride] = value }
      let instructions = program.instructions.map { instruction in
        ExpressionKernel.Instruction(
          operation: instruction.operation, left: UnsafePointer(registers + Int(instruction.left) * stride),
          right: UnsafePointer(registers + Int(instruction.right) * stride),
          third: UnsafePointer(registers + Int(instruction.third) * stride), constant: instruction.constant,
          secondConstant: instruction.secondConstant, thirdConstant: instruction.thirdConstant)
      }
      return try instructions.withUnsafeBufferPointer { instructions in
        try body(
          ExpressionKernel(
            instructions: instructions.baseAddress, instructionCount: instructions.count, registers: registers,
            firstInstruction: program.firstInstructionRegister * stride, result: program.result * stride))
      }
    }
  }

  /// ∇²f(x) by hyper-dual numbers: for each pair i ≤ j, one pass with the variables seeded
  /// x + εᵢeᵢ + εⱼeⱼ gives ∂²f/∂xᵢ∂xⱼ as the εᵢεⱼ part of f.
  /// - Complexity: O(n²·instructions).
  public func hessian(at x: [Double]) -> SymmetricMatrix {
    let n = dimension
    precondition(x.count == n, "point has \(x.count) coordinates, landscape has \(n)")
    var registers = [HyperDual](repeating: HyperDual(0), count: program.registerCount)
    for (index, value) in program.constants.enumerated() { registers[n + index] = HyperDual(value) }
    var entries = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in i..<n {
        for k in 0..<n {
          registers[k] = HyperDual(x[k], first: k == i ? 1 : 0, second: k == j ? 1 : 0, cross: 0)
        }
        let value = HyperDual.run(program, registers: &registers)
        entries[i * n + j] = value.cross
        entries[j * n + i] = value.cross
      }
    }
    return SymmetricMatrix(dimension: n, entries: entries)
  }

  /// Expression landscapes know no minimizer: give one with `minimum:`.
  public var minimizers: [[Double]] { [] }
  public var otherCriticalPoints: [[Double]] { [] }
}

/// The evaluation kernel of an `ExpressionLandscape`: an interpreter of its program over dual
/// numbers stored as rows of `dimension + 1` doubles (value, ∂/∂x₁, …, ∂/∂xₙ).
///
/// One `switch` per instruction over operand addresses computed in advance; the width of a row is
/// a compile-time constant for 1-, 2- and 3-variable expressions, so the loops over a row unroll
/// into straight-line code. No allocation, no reference counting.
public struct ExpressionKernel: LandscapeKernel {
  /// An `ExpressionInstruction` with the addresses of its operands' rows.
  struct Instruction {
    var operation: ExpressionOperation
    var left: UnsafePointer<Double>
    var right: UnsafePointer<Double>
    var third: UnsafePointer<Double>
    var constant: Double
    var secondConstant: Double
    var thirdConstant: Double
  }

  let instructions: UnsafePointer<Instruction>?
  let instructionCount: Int
  let registers: UnsafeMutablePointer<Double>
  /// Offsets of the first instruction's row and of f's row.
  let firstInstruction: Int
  let result: Int

  /// - Complexity: O(instructions · n).
  @inline(__always)
  public func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension n: Int) -> Double {
    switch n {
    case 1: run(x, gradient: gradient, dimension: FixedDimension<One>())
    case 2: run(x, gradient: gradient, dimension: FixedDimension<Two>())
    case 3: run(x, gradient: gradient, dimension: FixedDimension<ExpressionThree>())
    default: run(x, gradient: gradient, dimension: DynamicDimension(value: n))
    }
  }

  @inline(__always)
  private func run<D: LoopDimension>(
    _ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: D
  ) -> Double {
    let n = dimension.value
    let stride = n &+ 1
    for i in 0..<n { registers[i &* stride] = x[i] }
    var target = registers + firstInstruction
    var next = instructions.unsafelyUnwrapped
    let end = next + instructionCount
    while next < end {
      let instruction = next.pointee
      next += 1
      let a = instruction.left
      let b = instruction.right
      let c = instruction.constant
      switch instruction.operation {
      case .add:
        for k in 0..<stride { target[k] = a[k] + b[k] }
      case .subtract:
        for k in 0..<stride { target[k] = a[k] - b[k] }
      case .multiply:
        let (u, v) = (a[0], b[0])
        target[0] = u * v
        for k in 1..<stride { target[k] = v * a[k] + u * b[k] }
      case .divide:
        let quotient = a[0] / b[0]
        target[0] = quotient
        for k in 1..<stride { target[k] = (a[k] - quotient * b[k]) / b[0] }
      case .power:
        // d(aᵇ) = aᵇ·(ln a·db + b·da/a).
        let value = Elementary.pow(a[0], b[0])
        let logarithm = Elementary.log(a[0])
        let ratio = b[0] / a[0]
        target[0] = value
        for k in 1..<stride { target[k] = value * (logarithm * b[k] + ratio * a[k]) }
      case .minimum, .maximum:
        let takeLeft = instruction.operation == .minimum ? a[0] <= b[0] : a[0] >= b[0]
        let chosen = takeLeft ? a : b
        for k in 0..<stride { target[k] = chosen[k] }
      case .linear:
        let d = instruction.secondConstant
        for k in 0..<stride { target[k] = c * a[k] + d * b[k] }
      case .linearOffset:
        let d = instruction.secondConstant
        target[0] = (c * a[0] + d * b[0]) + instruction.thirdConstant
        for k in 1..<stride { target[k] = c * a[k] + d * b[k] }
      case .affine:
        target[0] = c * a[0] + instruction.secondConstant
        for k in 1..<stride { target[k] = c * a[k] }
      case .scaledProduct:
        let (u, v) = (c * a[0], b[0])
        target[0] = u * v
        for k in 1..<stride { target[k] = v * (c * a[k]) + u * b[k] }
      case .scaledSquare:
        // c·(u·u) with the tangent c·(2u·a′): the square's rounding, then the factor's.
        let u = a[0]
        target[0] = c * (u * u)
        let slope = 2 * u
        for k in 1..<stride { target[k] = c * (slope * a[k]) }
      case .productAdd:
        // a ± (c·p)·q, as `scaledProduct` then `add`/`subtract` (±1 is exact; a + (−r) = a − r).
        let q = instruction.third
        let sign = instruction.secondConstant
        let (u, v) = (c * b[0], q[0])
        target[0] = a[0] + sign * (u * v)
        for k in 1..<stride { target[k] = a[k] + sign * (v * (c * b[k]) + u * q[k]) }
      case .squaredAffine:
        // (c·a + c₀)², as `affine` then `square`.
        let u = c * a[0] + instruction.secondConstant
        target[0] = u * u
        let slope = 2 * u
        for k in 1..<stride { target[k] = slope * (c * a[k]) }
      case .squaredLinear:
        let d = instruction.secondConstant
        let u = c * a[0] + d * b[0]
        target[0] = u * u
        let slope = 2 * u
        for k in 1..<stride { target[k] = slope * (c * a[k] + d * b[k]) }
      case .squaredLinearOffset:
        let d = instruction.secondConstant
        let u = (c * a[0] + d * b[0]) + instruction.thirdConstant
        target[0] = u * u
        let slope = 2 * u
        for k in 1..<stride { target[k] = slope * (c * a[k] + d * b[k]) }
      case .linearSquare:
        // c₁·a + c₂·(u·u) with the tangent c₁·a′ + c₂·(2u·b′), as `linear` over a `square`.
        let (d, u) = (instruction.secondConstant, b[0])
        target[0] = c * a[0] + d * (u * u)
        let slope = 2 * u
        for k in 1..<stride { target[k] = c * a[k] + d * (slope * b[k]) }
      case .productOffset:
        // c = ±1: the sign of a·b and of its tangent (exact), then the offset, as written.
        let (u, v) = (a[0], b[0])
        target[0] = c * (u * v) + instruction.secondConstant
        for k in 1..<stride { target[k] = c * (v * a[k] + u * b[k]) }
      case .addConstant:
        target[0] = a[0] + c
        for k in 1..<stride { target[k] = a[k] }
      case .multiplyConstant:
        for k in 0..<stride { target[k] = c * a[k] }
      case .subtractFromConstant:
        target[0] = c - a[0]
        for k in 1..<stride { target[k] = -a[k] }
      case .divideByConstant:
        for k in 0..<stride { target[k] = a[k] / c }
      case .divideConstantBy:
        let value = c / a[0]
        target[0] = value
        let slope = -value / a[0]
        for k in 1..<stride { target[k] = slope * a[k] }
      case .integerPower:
        let exponent = Int(c)
        let lower = ExpressionEvaluation.integerPower(a[0], exponent - 1)
        target[0] = exponent > 0 ? lower * a[0] : ExpressionEvaluation.integerPower(a[0], exponent)
        let slope = c * lower
        for k in 1..<stride { target[k] = slope * a[k] }
      case .powerConstant:
        let value = Elementary.pow(a[0], c)
        target[0] = value
        let slope = c * Elementary.pow(a[0], c - 1)
        for k in 1..<stride { target[k] = slope * a[k] }
      case .constantPower:
        let value = Elementary.pow(c, a[0])
        target[0] = value
        let slope = value * Elementary.log(c)
        for k in 1..<stride { target[k] = slope * a[k] }
      case .negate:
        for k in 0..<stride { target[k] = -a[k] }
      case .square:
        let u = a[0]
        target[0] = u * u
        let slope = 2 * u
        for k in 1..<stride { target[k] = slope * a[k] }
      case .exp:
        let value = Elementary.exp(a[0])
        target[0] = value
        for k in 1..<stride { target[k] = value * a[k] }
      case .log:
        target[0] = Elementary.log(a[0])
        for k in 1..<stride { target[k] = a[k] / a[0] }
      case .sqrt:
        let value = a[0].squareRoot()
        target[0] = value
        let slope = 0.5 / value
        for k in 1..<stride { target[k] = slope * a[k] }
      case .sin:
        target[0] = Elementary.sin(a[0])
        let slope = Elementary.cos(a[0])
        for k in 1..<stride { target[k] = slope * a[k] }
      case .cos:
        target[0] = Elementary.cos(a[0])
        let slope = -Elementary.sin(a[0])
        for k in 1..<stride { target[k] = slope * a[k] }
      case .tan:
        let value = Elementary.tan(a[0])
        target[0] = value
        let slope = 1 + value * value
        for k in 1..<stride { target[k] = slope * a[k] }
      case .tanh:
        let value = Elementary.tanh(a[0])
        target[0] = value
        let slope = 1 - value * value
        for k in 1..<stride { target[k] = slope * a[k] }
      case .abs:
        let u = a[0]
        target[0] = Swift.abs(u)
        let slope: Double = u > 0 ? 1 : (u < 0 ? -1 : 0)
        for k in 1..<stride { target[k] = slope * a[k] }
      }
      target += stride
    }
    let f = registers + result
    for i in 0..<n { gradient[i] = f[1 &+ i] }
    return f[0]
  }
}

/// The width 3, for 3-variable expressions.
enum ExpressionThree: StaticSize { static var value: Int { 3 } }

/// A hyper-dual number a + a₁ε₁ + a₂ε₂ + a₁₂ε₁ε₂ with ε₁² = ε₂² = 0 (Fike & Alonso 2011): seeded
/// with ε₁ along xᵢ and ε₂ along xⱼ, f's ε₁ε₂ part is ∂²f/∂xᵢ∂xⱼ, exactly up to rounding.
struct HyperDual {
  var value: Double
  var first: Double
  var second: Double
  var cross: Double

  init(_ value: Double, first: Double = 0, second: Double = 0, cross: Double = 0) {
    self.value = value
    self.first = first
    self.second = second
    self.cross = cross
  }

  /// g(a) for a function g with g(a.value) = f0, g' = f1, g'' = f2.
  func chain(_ f0: Double, _ f1: Double, _ f2: Double) -> HyperDual {
    HyperDual(f0, first: f1 * first, second: f1 * second, cross: f1 * cross + f2 * first * second)
  }

  static func + (a: HyperDual, b: HyperDual) -> HyperDual {
    HyperDual(a.value + b.value, first: a.first + b.first, second: a.second + b.second, cross: a.cross + b.cross)
  }

  static func - (a: HyperDual, b: HyperDual) -> HyperDual {
    HyperDual(a.value - b.value, first: a.first - b.first, second: a.second - b.second, cross: a.cross - b.cross)
  }

  static func * (a: HyperDual, b: HyperDual) -> HyperDual {
    HyperDual(
      a.value * b.value, first: a.value * b.first + b.value * a.first,
      second: a.value * b.second + b.value * a.second,
      cross: a.value * b.cross + a.first * b.second + a.second * b.first + b.value * a.cross)
  }

  func scaled(by c: Double) -> HyperDual {
    HyperDual(c * value, first: c * first, second: c * second, cross: c * cross)
  }

  /// 1/a.
  var reciprocal: HyperDual {
    let r = 1 / value
    return chain(r, -r * r, 2 * r * r * r)
  }

  /// Runs `program` over `registers` (variables and constants already set) and returns f.
  static func run(_ program: ExpressionProgram, registers: inout [HyperDual]) -> HyperDual {
    var target = program.firstInstructionRegister
    for instruction in program.instructions {
      let a = registers[Int(instruction.left)]
      let c = instruction.constant
      let value: HyperDual
      switch instruction.operation {
      case .add: value = a + registers[Int(instruction.right)]
      case .subtract: value = a - registers[Int(instruction.right)]
      case .multiply: value = a * registers[Int(instruction.right)]
      case .divide: value = a * registers[Int(instruction.right)].reciprocal
      case .power:
        // aᵇ = exp(b·ln a).
        let b = registers[Int(instruction.right)]
        let exponent = b * a.chain(Elementary.log(a.value), 1 / a.value, -1 / (a.value * a.value))
        let power = Elementary.exp(exponent.value)
        value = exponent.chain(power, power, power)
      case .minimum, .maximum:
        let b = registers[Int(instruction.right)]
        value = (instruction.operation == .minimum ? a.value <= b.value : a.value >= b.value) ? a : b
      case .linear: value = a.scaled(by: c) + registers[Int(instruction.right)].scaled(by: instruction.secondConstant)
      case .linearOffset:
        value =
          a.scaled(by: c) + registers[Int(instruction.right)].scaled(by: instruction.secondConstant)
          + HyperDual(instruction.thirdConstant)
      case .affine: value = a.scaled(by: c) + HyperDual(instruction.secondConstant)
      case .scaledProduct: value = a.scaled(by: c) * registers[Int(instruction.right)]
      case .scaledSquare: value = a.chain(a.value * a.value, 2 * a.value, 2).scaled(by: c)
      case .productAdd:
        let product = registers[Int(instruction.right)].scaled(by: c) * registers[Int(instruction.third)]
        value = a + product.scaled(by: instruction.secondConstant)
      case .squaredAffine, .squaredLinear, .squaredLinearOffset:
        var inner = a.scaled(by: c)
        if instruction.operation != .squaredAffine {
          inner = inner + registers[Int(instruction.right)].scaled(by: instruction.secondConstant)
        }
        switch instruction.operation {
        case .squaredAffine: inner = inner + HyperDual(instruction.secondConstant)
        case .squaredLinearOffset: inner = inner + HyperDual(instruction.thirdConstant)
        default: break
        }
        value = inner.chain(inner.value * inner.value, 2 * inner.value, 2)
      case .linearSquare:
        let b = registers[Int(instruction.right)]
        value = a.scaled(by: c) + b.chain(b.value * b.value, 2 * b.value, 2).scaled(by: instruction.secondConstant)
      case .productOffset:
        value = (a * registers[Int(instruction.right)]).scaled(by: c) + HyperDual(instruction.secondConstant)
      case .addConstant: value = HyperDual(a.value + c, first: a.first, second: a.second, cross: a.cross)
      case .multiplyConstant: value = a.scaled(by: c)
      case .subtractFromConstant:
        value = HyperDual(c - a.value, first: -a.first, second: -a.second, cross: -a.cross)
      case .divideByConstant:
        value = HyperDual(a.value / c, first: a.first / c, second: a.second / c, cross: a.cross / c)
      case .divideConstantBy: value = a.reciprocal.scaled(by: c)
      case .integerPower:
        let n = Int(c)
        let lower = ExpressionEvaluation.integerPower(a.value, n - 1)
        let f0 = n > 0 ? lower * a.value : ExpressionEvaluation.integerPower(a.value, n)
        value = a.chain(f0, c * lower, c * (c - 1) * ExpressionEvaluation.integerPower(a.value, n - 2))
      case .powerConstant:
        value = a.chain(
          Elementary.pow(a.value, c), c * Elementary.pow(a.value, c - 1), c * (c - 1) * Elementary.pow(a.value, c - 2))
      case .constantPower:
        let power = Elementary.pow(c, a.value)
        let logarithm = Elementary.log(c)
        value = a.chain(power, power * logarithm, power * logarithm * logarithm)
      case .negate: value = a.scaled(by: -1)
      case .square: value = a.chain(a.value * a.value, 2 * a.value, 2)
      case .exp:
        let power = Elementary.exp(a.value)
        value = a.chain(power, power, power)
      case .log: value = a.chain(Elementary.log(a.value), 1 / a.value, -1 / (a.value * a.value))
      case .sqrt:
        let root = a.value.squareRoot()
        value = a.chain(root, 0.5 / root, -0.25 / (root * a.value))
      case .sin:
        let (sine, cosine) = (Elementary.sin(a.value), Elementary.cos(a.value))
        value = a.chain(sine, cosine, -sine)
      case .cos:
        let (sine, cosine) = (Elementary.sin(a.value), Elementary.cos(a.value))
        value = a.chain(cosine, -sine, -cosine)
      case .tan:
        let t = Elementary.tan(a.value)
        value = a.chain(t, 1 + t * t, 2 * t * (1 + t * t))
      case .tanh:
        let t = Elementary.tanh(a.value)
        value = a.chain(t, 1 - t * t, -2 * t * (1 - t * t))
      case .abs:
        let slope: Double = a.value > 0 ? 1 : (a.value < 0 ? -1 : 0)
        value = a.chain(Swift.abs(a.value), slope, 0)
      }
      registers[target] = value
      target += 1
    }
    return registers[program.result]
  }
}
