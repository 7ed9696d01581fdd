/// One operation of a compiled expression. Operations with a constant operand (`addConstant`,
/// …) are what `a + 2`, `3*a` and `a^2` compile to, so constants cost no register traffic.
public enum ExpressionOperation: UInt8, Sendable, Hashable {
  // a ∘ b
  case add, subtract, multiply, divide
  /// aᵇ = exp(b·ln a), for a > 0 (or b constant: see `integerPower`, `powerConstant`).
  case power
  case minimum, maximum
  /// c₁·a + c₂·b: a sum or difference with a constant factor on either side (`x - 3*y`, `2*x + y`).
  case linear
  /// (c₁·a + c₂·b) + c₀: such a sum plus a constant (`x^2 + y - 11`).
  case linearOffset
  /// c₁·a + c₀ (`19 - 14*x`).
  case affine
  /// (c·a)·b: a product whose left factor has a constant factor (`6*x*y`).
  case scaledProduct
  /// c·a²: a scaled square (`3*x^2`, `100*(y - x^2)^2`).
  case scaledSquare
  /// c₁·a + c₂·b²: a sum with a (scaled) square on one side (`y - x^2`, `(1 - x)^2 + 100*(y - x^2)^2`).
  case linearSquare
  /// c₁·(a·b) + c₀ with c₁ = ±1: a product plus or minus a constant (`1 + s^2*p`, `0.3 - x*y`).
  case productOffset
  /// a ± (c·p)·q: a sum with a (scaled) product its only use (`… + 6*x*y`); p is `right`, q `third`,
  /// c the constant, ±1 the second constant.
  case productAdd
  /// (c·a + c₀)², (c₁·a + c₂·b)² and ((c₁·a + c₂·b) + c₀)²: an affine, linear or linear-offset
  /// instruction squared by its only use (`(1 - x)^2`, `(2*x - 3*y)^2`, `(x + y + 1)^2`).
  case squaredAffine, squaredLinear, squaredLinearOffset
  // a ∘ c, c ∘ a with a constant c
  case addConstant, multiplyConstant
  /// c − a.
  case subtractFromConstant
  /// a / c.
  case divideByConstant
  /// c / a.
  case divideConstantBy
  /// aⁿ for an integer n (stored in the constant), by repeated squaring.
  case integerPower
  /// aᶜ for a non-integer constant c.
  case powerConstant
  /// cᵃ for a constant base c > 0.
  case constantPower
  // f(a)
  case negate, square, exp, log, sqrt, sin, cos, tan, tanh, abs
}

/// One step of a compiled expression: register `first + index` ← operation(left, right, constant).
struct ExpressionInstruction: Sendable, Hashable {
  var operation: ExpressionOperation
  var left: Int32
  var right: Int32
  /// The third operand of `productAdd`.
  var third: Int32 = 0
  var constant: Double
  /// c₂ of `linear`, `linearOffset`; c₀ of `affine`.
  var secondConstant: Double = 0
  /// c₀ of `linearOffset`.
  var thirdConstant: Double = 0

  /// The identity of the computation, for common-subexpression elimination (constants by bits).
  var key: [UInt64] {
    [
      UInt64(operation.rawValue), UInt64(bitPattern: Int64(left)), UInt64(bitPattern: Int64(right)),
      UInt64(bitPattern: Int64(third)), constant.bitPattern, secondConstant.bitPattern, thirdConstant.bitPattern,
    ]
  }
}

/// A compiled expression: a straight-line program over registers in static single assignment
/// form. Registers 0 ..< n hold the variables, then the constants some instruction needs as a
/// register operand, then one register per instruction, in order.
///
/// Compiling folds constant subexpressions, turns operations with one constant operand into
/// their constant forms, x² into `square` and integer powers into `integerPower`, and computes
/// each distinct subexpression once.
struct ExpressionProgram: Sendable, Hashable {
  let variableCount: Int
  /// The values of registers n ..< n + constants.count.
  let constants: [Double]
  let instructions: [ExpressionInstruction]
  /// The register holding f.
  let result: Int

  var firstInstructionRegister: Int { variableCount + constants.count }
  var registerCount: Int { firstInstructionRegister + instructions.count }

  init(_ tree: ExpressionTree, variableCount: Int) {
    var compiler = Compiler(variableCount: variableCount)
    let operand = compiler.compile(tree)
    let result = compiler.register(operand)
    // Constants were numbered after the variables as they were met; instructions refer to them
    // with provisional numbers, renumbered here once the constant count is final.
    self.variableCount = variableCount
    constants = compiler.constants
    let shift = Int32(compiler.constants.count)
    let numbered = compiler.instructions.map { instruction in
      var moved = instruction
      moved.left = compiler.finalRegister(instruction.left, shift: shift)
      moved.right = compiler.finalRegister(instruction.right, shift: shift)
      return moved
    }
    (instructions, self.result) = Self.fusingPairs(
      numbered, result: Int(compiler.finalRegister(result, shift: shift)),
      firstInstructionRegister: variableCount + compiler.constants.count)
  }

  /// Whether `operation` reads its `right` operand (every case listed, so a new one must say).
  static func readsRight(_ operation: ExpressionOperation) -> Bool {
    switch operation {
    case .add, .subtract, .multiply, .divide, .power, .minimum, .maximum, .linear, .linearOffset, .scaledProduct,
      .productOffset, .productAdd, .linearSquare, .squaredLinear, .squaredLinearOffset:
      true
    case .affine, .scaledSquare, .squaredAffine, .addConstant, .multiplyConstant, .subtractFromConstant,
      .divideByConstant, .divideConstantBy, .integerPower, .powerConstant, .constantPower, .negate, .square, .exp, .log,
      .sqrt, .sin, .cos, .tan, .tanh, .abs:
      false
    }
  }

  /// Fuses an instruction into its only use where the pair has a one-instruction form that rounds
  /// exactly as the two do: a square of an affine/linear/linear-offset value, and a sum or
  /// difference with a (scaled) product. Instructions come in dependency order, so one pass sees
  /// every pair; registers are renumbered after the removals.
  static func fusingPairs(_ instructions: [ExpressionInstruction], result: Int, firstInstructionRegister first: Int)
    -> ([ExpressionInstruction], Int)
  {
    var uses = [Int](repeating: 0, count: first + instructions.count)
    for instruction in instructions {
      uses[Int(instruction.left)] += 1
      if readsRight(instruction.operation) { uses[Int(instruction.right)] += 1 }
    }
    uses[result] += 1
    var program = instructions
    var removed = [Bool](repeating: false, count: instructions.count)
    /// The instruction computing register `register`, when it is used only once.
    func soleProducer(_ register: Int32) -> Int? {
      let index = Int(register) - first
      guard index >= 0, uses[Int(register)] == 1, !removed[index] else { return nil }
      return index
    }
    for index in program.indices {
      var instruction = program[index]
      switch instruction.operation {
      case .square:
        guard let producer = soleProducer(instruction.left) else { continue }
        let inner = program[producer]
        instruction = inner
        switch inner.operation {
        case .affine: instruction.operation = .squaredAffine
        case .linear: instruction.operation = .squaredLinear
        case .linearOffset: instruction.operation = .squaredLinearOffset
        case .addConstant, .subtractFromConstant:
          // a + k and k − a as affine forms, 1·a + k and (−1)·a + k: the same values to the bit
          // (k + (−a) = k − a, and multiplying by ±1 is exact).
          instruction = ExpressionInstruction(
            operation: .squaredAffine, left: inner.left, right: 0,
            constant: inner.operation == .addConstant ? 1 : -1, secondConstant: inner.constant)
        default: continue
        }
        removed[producer] = true
      case .add, .subtract:
        // a ± r with r a product used only here (also r + a: addition commutes exactly).
        var (sum, product) = (instruction.left, instruction.right)
        if soleProducer(product).map({ [.multiply, .scaledProduct].contains(program[$0].operation) }) != true {
          guard instruction.operation == .add else { continue }
          (sum, product) = (product, sum)
        }
        guard let producer = soleProducer(product),
          [.multiply, .scaledProduct].contains(program[producer].operation)
        else { continue }
        let inner = program[producer]
        instruction = ExpressionInstruction(
          operation: .productAdd, left: sum, right: inner.left, third: inner.right,
          constant: inner.operation == .multiply ? 1 : inner.constant,
          secondConstant: instruction.operation == .add ? 1 : -1)
        removed[producer] = true
      default: continue
      }
      program[index] = instruction
    }
    // Renumber: instruction registers shift down past the removed ones.
    var register = [Int32](repeating: 0, count: instructions.count)
    var next = Int32(first)
    for index in program.indices where !removed[index] {
      register[index] = next
      next += 1
    }
    func renumbered(_ operand: Int32) -> Int32 {
      Int(operand) >= first ? register[Int(operand) - first] : operand
    }
    var kept: [ExpressionInstruction] = []
    for index in program.indices where !removed[index] {
      var instruction = program[index]
      instruction.left = renumbered(instruction.left)
      if readsRight(instruction.operation) { instruction.right = renumbered(instruction.right) }
      if instruction.operation == .productAdd { instruction.third = renumbered(instruction.third) }
      kept.append(instruction)
    }
    return (kept, Int(renumbered(Int32(result))))
  }

  /// Builds the instruction list. Provisional register numbers: variables 0 ..< n, constants
  /// n ..< n + C (C grows while compiling), instructions from `instructionBase` upwards; they are
  /// shifted into final positions at the end.
  private struct Compiler {
    enum Operand {
      case constant(Double)
      case register(Int32)
    }

    let variableCount: Int
    var constants: [Double] = []
    var constantRegisters: [UInt64: Int32] = [:]
    var instructions: [ExpressionInstruction] = []
    var known: [[UInt64]: Int32] = [:]
    /// Provisional numbers of instruction registers start here, far above any constant.
    let instructionBase: Int32 = 1 << 30

    init(variableCount: Int) {
      self.variableCount = variableCount
    }

    func finalRegister(_ provisional: Int32, shift: Int32) -> Int32 {
      provisional >= instructionBase ? provisional - instructionBase + Int32(variableCount) + shift : provisional
    }

    mutating func register(_ operand: Operand) -> Int32 {
      switch operand {
      case .register(let register): return register
      case .constant(let value):
        if let register = constantRegisters[value.bitPattern] { return register }
        let register = Int32(variableCount + constants.count)
        constants.append(value)
        constantRegisters[value.bitPattern] = register
        return register
      }
    }

    mutating func emit(
      _ operation: ExpressionOperation, _ left: Int32, _ right: Int32 = 0, constant: Double = 0,
      secondConstant: Double = 0, thirdConstant: Double = 0
    ) -> Operand {
      let instruction = ExpressionInstruction(
        operation: operation, left: left, right: right, constant: constant, secondConstant: secondConstant,
        thirdConstant: thirdConstant)
      if let register = known[instruction.key] { return .register(register) }
      let register = instructionBase + Int32(instructions.count)
      instructions.append(instruction)
      known[instruction.key] = register
      return .register(register)
    }

    mutating func compile(_ tree: ExpressionTree) -> Operand {
      switch tree {
      case .constant(let value): return .constant(value)
      case .variable(let index): return .register(Int32(index))
      case .unary(let operation, let argument):
        let operand = compile(argument)
        switch operand {
        case .constant(let value): return .constant(ExpressionEvaluation.unary(operation, value))
        case .register(let register): return emit(operation, register)
        }
      case .binary(let operation, let leftTree, let rightTree):
        if let fused = fused(operation, leftTree, rightTree) { return fused }
        return binary(operation, compile(leftTree), compile(rightTree))
      }
    }

    /// `a ± c·b` and `c·a ± b` as one `linear`, `(a ± b) ± k` as one `linearOffset`, `k ± c·a` as
    /// one `affine`, `(c·a)·b` as one `scaledProduct`, `k ± a·b` and `a·b ± k` as one `productOffset`,
    /// `c·a²` as one `scaledSquare`, `c₁·a ± c₂·b²` as one `linearSquare`. The fused forms round exactly as the
    /// separate operations do (multiplying by ±1 and negating are exact, and the sums are taken in
    /// the written order), so fusing never changes a result.
    mutating func fused(_ operation: ExpressionOperation, _ leftTree: ExpressionTree, _ rightTree: ExpressionTree)
      -> Operand?
    {
      let sign: Double = operation == .subtract ? -1 : 1
      switch operation {
      case .add, .subtract:
        // One side constant: k ± (c·t), (c·t) ± k, k ± (p ± q), (p ± q) ± k.
        if let k = Self.constantValue(leftTree) ?? Self.constantValue(rightTree) {
          let constantOnLeft = Self.constantValue(leftTree) != nil
          let other = constantOnLeft ? rightTree : leftTree
          // The other side's sign in the result, and the constant's.
          let (otherSign, offset) = constantOnLeft ? (sign, k) : (1.0, sign * k)
          if let (scale, term) = Self.scaled(other), case .register(let a) = compile(term) {
            return emit(.affine, a, constant: otherSign * scale, secondConstant: offset)
          }
          if let (c1, p, c2, q) = Self.sum(other), case .register(let a) = compile(p),
            case .register(let b) = compile(q)
          {
            return emit(
              .linearOffset, a, b, constant: otherSign * c1, secondConstant: otherSign * c2, thirdConstant: offset)
          }
          if case .binary(.multiply, let p, let q) = other, Self.constantValue(p) == nil, Self.constantValue(q) == nil,
            Self.scaled(p) == nil, case .register(let a) = compile(p), case .register(let b) = compile(q)
          {
            return emit(.productOffset, a, b, constant: otherSign, secondConstant: offset)
          }
          return nil
        }
        if let (c1, p, c2, q) = Self.sum(.binary(operation, leftTree, rightTree)) {
          // The square on the right if both sides are squares; a + b = b + a exactly, so a square
          // on the left only swaps the operands.
          if let base = Self.squared(q), case .register(let a) = compile(p), case .register(let b) = compile(base) {
            return emit(.linearSquare, a, b, constant: c1, secondConstant: c2)
          }
          if let base = Self.squared(p), case .register(let a) = compile(q), case .register(let b) = compile(base) {
            return emit(.linearSquare, a, b, constant: c2, secondConstant: c1)
          }
        }
        guard Self.scaled(leftTree) != nil || Self.scaled(rightTree) != nil,
          let (c1, p, c2, q) = Self.sum(.binary(operation, leftTree, rightTree)),
          case .register(let a) = compile(p), case .register(let b) = compile(q)
        else { return nil }
        return emit(.linear, a, b, constant: c1, secondConstant: c2)
      case .multiply:
        if let (scale, term) = Self.scaled(.binary(.multiply, leftTree, rightTree)), let base = Self.squared(term),
          case .register(let a) = compile(base)
        {
          return emit(.scaledSquare, a, constant: scale)
        }
        guard let (scale, factor) = Self.scaled(leftTree), case .register(let a) = compile(factor),
          case .register(let b) = compile(rightTree)
        else { return nil }
        return emit(.scaledProduct, a, b, constant: scale)
      default:
        return nil
      }
    }

    /// (c₁, p, c₂, q) when `tree` is c₁·p ± c₂·q (each factor optional) with p and q not constant.
    static func sum(_ tree: ExpressionTree) -> (Double, ExpressionTree, Double, ExpressionTree)? {
      guard case .binary(let operation, let left, let right) = tree, operation == .add || operation == .subtract,
        constantValue(left) == nil, constantValue(right) == nil
      else { return nil }
      let (c1, p) = scaled(left) ?? (1, left)
      let (c2, q) = scaled(right) ?? (1, right)
      return (c1, p, operation == .add ? c2 : -c2, q)
    }

    /// (c, t) when `tree` is c·t, t·c or −t for a constant c and a non-constant t.
    static func scaled(_ tree: ExpressionTree) -> (Double, ExpressionTree)? {
      switch tree {
      case .binary(.multiply, let left, let right):
        if let c = constantValue(left), constantValue(right) == nil { return (c, right) }
        if let c = constantValue(right), constantValue(left) == nil { return (c, left) }
        return nil
      case .unary(.negate, let operand) where constantValue(operand) == nil:
        return (-1, operand)
      default:
        return nil
      }
    }

    /// t when `tree` is t² (t not constant).
    static func squared(_ tree: ExpressionTree) -> ExpressionTree? {
      if case .binary(.power, let base, let exponent) = tree, constantValue(exponent) == 2, constantValue(base) == nil {
        return base
      }
      return nil
    }

    /// The value of a constant subtree (the parser folds every subtree without variables into a
    /// `.constant` leaf), else nil.
    static func constantValue(_ tree: ExpressionTree) -> Double? {
      if case .constant(let value) = tree { return value }
      return nil
    }

    mutating func binary(_ operation: ExpressionOperation, _ left: Operand, _ right: Operand) -> Operand {
      switch (left, right) {
      case (.constant(let a), .constant(let b)):
        return .constant(ExpressionEvaluation.binary(operation, a, b))
      case (.register(let a), .constant(let c)):
        switch operation {
        case .add: return emit(.addConstant, a, constant: c)
        case .subtract: return emit(.addConstant, a, constant: -c)
        case .multiply: return emit(.multiplyConstant, a, constant: c)
        case .divide: return emit(.divideByConstant, a, constant: c)
        case .power:
          if c == c.rounded(), abs(c) <= 64 {
            switch c {
            case 0: return .constant(1)
            case 1: return .register(a)
            case 2: return emit(.square, a)
            default: return emit(.integerPower, a, constant: c)
            }
          }
          return emit(.powerConstant, a, constant: c)
        default: return emit(operation, a, register(.constant(c)))
        }
      case (.constant(let c), .register(let b)):
        switch operation {
        case .add: return emit(.addConstant, b, constant: c)
        case .subtract: return emit(.subtractFromConstant, b, constant: c)
        case .multiply: return emit(.multiplyConstant, b, constant: c)
        case .divide: return emit(.divideConstantBy, b, constant: c)
        case .power: return emit(.constantPower, b, constant: c)
        default: return emit(operation, register(.constant(c)), b)
        }
      case (.register(let a), .register(let b)):
        return emit(operation, a, b)
      }
    }
  }
}

/// The scalar value of every operation, shared by constant folding, the first-order kernel and the
/// second-order (Hessian) evaluation so that all three compute f identically.
enum ExpressionEvaluation {
  /// f(a) of a one-argument operation.
  @inline(__always)
  static func unary(_ operation: ExpressionOperation, _ a: Double) -> Double {
    switch operation {
    case .negate: -a
    case .square: a * a
    case .exp: Elementary.exp(a)
    case .log: Elementary.log(a)
    case .sqrt: a.squareRoot()
    case .sin: Elementary.sin(a)
    case .cos: Elementary.cos(a)
    case .tan: Elementary.tan(a)
    case .tanh: Elementary.tanh(a)
    case .abs: Swift.abs(a)
    default: preconditionFailure("\(operation) is not a one-argument operation")
    }
  }

  /// a ∘ b of a two-argument operation (also used with one constant operand).
  @inline(__always)
  static func binary(_ operation: ExpressionOperation, _ a: Double, _ b: Double) -> Double {
    switch operation {
    case .add: a + b
    case .subtract: a - b
    case .multiply: a * b
    case .divide: a / b
    case .power: b == b.rounded() && Swift.abs(b) <= 64 ? integerPower(a, Int(b)) : Elementary.pow(a, b)
    case .minimum: a <= b ? a : b
    case .maximum: a >= b ? a : b
    default: preconditionFailure("\(operation) is not a two-argument operation")
    }
  }

  /// aⁿ by repeated squaring (so x² is x·x and x⁴ is (x²)², as hand-written code computes them).
  @inline(__always)
  static func integerPower(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0
    var square = base
    var remaining = exponent.magnitude
    while remaining > 0 {
      if remaining & 1 == 1 { result *= square }
      remaining >>= 1
      if remaining > 0 { square *= square }
    }
    return exponent < 0 ? 1 / result : result
  }
}
