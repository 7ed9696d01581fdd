import DescentCore
import Foundation
import TestSupport

/// The landscapes of `scripts/torch-reference.py`, defined here (not taken from the presets) so
/// their gradients are computed with exactly the script's formulas and operation order: the
/// fixtures then compare the optimizers, schedules and clipping alone.

/// f = ½ (x − c)ᵀ H (x − c) with H = [[h00, h01], [h01, h11]]; ∇f = (h00·dx + h01·dy, h01·dx + h11·dy).
struct FixtureQuadratic: Landscape, LandscapeKernel {
  let h00: Double
  let h01: Double
  let h11: Double
  let center: (Double, Double)

  var dimension: Int { 2 }

  func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let dx = x[0] - center.0
    let dy = x[1] - center.1
    gradient[0] = h00 * dx + h01 * dy
    gradient[1] = h01 * dx + h11 * dy
    return 0.5 * (gradient[0] * dx + gradient[1] * dy)
  }

  func hessian(at x: [Double]) -> SymmetricMatrix { SymmetricMatrix(dimension: 2, entries: [h00, h01, h01, h11]) }
  var minimizers: [[Double]] { [[center.0, center.1]] }
  var otherCriticalPoints: [[Double]] { [] }
}

/// Rosenbrock f = (a − x)² + b(y − x²)²; ∇f = (−2(a − x) − 4b·x·(y − x²), 2b(y − x²)).
struct FixtureRosenbrock: Landscape, LandscapeKernel {
  let a: Double
  let b: Double

  var dimension: Int { 2 }

  func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
    let r = x[1] - x[0] * x[0]
    gradient[0] = -2 * (a - x[0]) - 4 * b * x[0] * r
    gradient[1] = 2 * b * r
    return (a - x[0]) * (a - x[0]) + b * r * r
  }

  func hessian(at point: [Double]) -> SymmetricMatrix {
    let (x, y) = (point[0], point[1])
    return SymmetricMatrix(
      rows: [[2 - 4 * b * (y - x * x) + 8 * b * x * x, -4 * b * x], [-4 * b * x, 2 * b]])
  }

  var minimizers: [[Double]] { [[a, a * a]] }
  var otherCriticalPoints: [[Double]] { [] }
}

/// f = ½ Σ λᵢ(xᵢ − cᵢ)² in any dimension; ∇f = (λᵢ·(xᵢ − cᵢ)).
struct FixtureDiagonal: Landscape {
  let eigenvalues: [Double]
  let center: [Double]

  struct Kernel: LandscapeKernel {
    let eigenvalues: UnsafePointer<Double>
    let center: UnsafePointer<Double>

    func evaluate(_ x: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>, dimension: Int) -> Double {
      var value = 0.0
      for i in 0..<dimension {
        gradient[i] = eigenvalues[i] * (x[i] - center[i])
        value += 0.5 * gradient[i] * (x[i] - center[i])
      }
      return value
    }
  }

  var dimension: Int { eigenvalues.count }

  func withKernel<Result>(_ body: (Kernel) throws -> Result) rethrows -> Result {
    try eigenvalues.withUnsafeBufferPointer { eigenvalues in
      try center.withUnsafeBufferPointer { center in
        try body(Kernel(eigenvalues: eigenvalues.baseAddress!, center: center.baseAddress!))
      }
    }
  }

  func hessian(at x: [Double]) -> SymmetricMatrix { SymmetricMatrix(diagonal: eigenvalues) }
  var minimizers: [[Double]] { [center] }
  var otherCriticalPoints: [[Double]] { [] }
}

/// A landscape of the fixtures.
enum FixtureLandscape: Sendable {
  case quadratic(FixtureQuadratic)
  case rosenbrock(FixtureRosenbrock)
  case diagonal(FixtureDiagonal)
}

/// One case of `Fixtures/torch/cases.json` with torch's trajectory, built through descent's
/// catalogs as a config builds it.
struct TorchCase: Sendable {
  struct Row: Sendable {
    var step: Int
    var point: [Double]
    var learningRate: Double
    /// OneCycle's momentum or β₁ for this step, when it cycles.
    var momentum: Double?
  }

  var name: String
  var group: String
  var landscapeName: String
  var landscape: FixtureLandscape
  var start: [Double]
  /// The optimizer's name and the options written next to it.
  var optimizerName: String
  var optimizerOptionNames: [String]
  /// The optimizer's option values, defaults filled in.
  var optimizerOptions: OptionValues
  var optimizer: AnyOptimizer
  var schedule: LearningRateSchedule
  var clipping: GradientClipping?
  var rows: [Row]

  /// Runs the case through descent's engine and returns its trajectory rows.
  func run(steps: Int) throws -> [TrajectoryRecorder.Row] {
    let problem = Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [1, 1])),  // not used: the fixture landscape runs
      start: start, optimizer: optimizer, schedule: schedule, clipping: clipping,
      settings: RunSettings(steps: steps, tolerance: 1e-300, divergenceBound: .greatestFiniteMagnitude))
    var recorder = TrajectoryRecorder()
    switch landscape {
    case .quadratic(let quadratic): _ = try Engine.run(problem, on: quadratic, observer: &recorder)
    case .rosenbrock(let rosenbrock): _ = try Engine.run(problem, on: rosenbrock, observer: &recorder)
    case .diagonal(let diagonal): _ = try Engine.run(problem, on: diagonal, observer: &recorder)
    }
    return recorder.rows
  }
}

/// A JSON value of the manifest. (Decoded with `JSONDecoder`, which reads every double exactly;
/// swift-corelibs-foundation's `JSONSerialization` misreads some 17-digit numbers by an ulp.)
enum JSONValue: Decodable {
  case number(Double)
  case flag(Bool)
  case text(String)
  case list([JSONValue])
  case mapping([String: JSONValue])
  case null

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .flag(flag)
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else if let text = try? container.decode(String.self) {
      self = .text(text)
    } else if let list = try? container.decode([JSONValue].self) {
      self = .list(list)
    } else {
      self = .mapping(try container.decode([String: JSONValue].self))
    }
  }

  var number: Double {
    guard case .number(let value) = self else { preconditionFailure("not a number: \(self)") }
    return value
  }

  var numbers: [Double] {
    guard case .list(let values) = self else { preconditionFailure("not a list: \(self)") }
    return values.map(\.number)
  }

  var mapping: [String: JSONValue]? {
    if case .mapping(let value) = self { return value }
    return nil
  }

  var text: String {
    guard case .text(let value) = self else { preconditionFailure("not a string: \(self)") }
    return value
  }
}

/// The reference trajectories written by `scripts/torch-reference.py`.
enum TorchFixtures {
  static let folder = PackagePaths.path("Tests/DescentCoreTests/Fixtures/torch")

  struct Manifest: Decodable {
    struct Case: Decodable {
      var name: String
      var file: String
      var landscape: String
      var start: [Double]
      var optimizer: [String: JSONValue]
      var lr: JSONValue
      var clip: [String: Double]?
    }

    var steps: Int
    var landscapes: [String: [String: JSONValue]]
    var cases: [Case]
  }

  /// The number of optimizer steps of every case, and every case with its rows.
  static let (steps, cases): (Int, [TorchCase]) = {
    let data = FileManager.default.contents(atPath: folder + "/cases.json")!
    let manifest = try! JSONDecoder().decode(Manifest.self, from: data)
    var rowsByCase: [String: [TorchCase.Row]] = [:]
    for file in Set(manifest.cases.map(\.file)) {
      let text = try! String(contentsOfFile: folder + "/" + file, encoding: .utf8)
      let lines = text.split(separator: "\n")
      // `case,step,x,y,lr,momentum`, or `case,step,point,lr,momentum` with a space-separated point.
      let pointColumns = lines[0].hasPrefix("case,step,x,y,") ? 2 : 1
      for line in lines.dropFirst() {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let point = fields[2..<(2 + pointColumns)].flatMap { $0.split(separator: " ").map { Double(String($0))! } }
        let row = TorchCase.Row(
          step: Int(fields[1])!, point: point, learningRate: Double(fields[2 + pointColumns])!,
          momentum: fields[3 + pointColumns].isEmpty ? nil : Double(fields[3 + pointColumns])!)
        rowsByCase[fields[0], default: []].append(row)
      }
    }
    let cases = manifest.cases.map { entry in
      TorchCase(
        name: entry.name, group: String(entry.file.dropLast(4)), landscapeName: entry.landscape,
        landscape: landscape(manifest.landscapes[entry.landscape]!), start: entry.start,
        optimizerName: entry.optimizer["name"]!.text,
        optimizerOptionNames: entry.optimizer.keys.filter { $0 != "name" }.sorted(),
        optimizerOptions: optimizerOptions(entry.optimizer), optimizer: optimizer(entry.optimizer),
        schedule: schedule(entry.lr), clipping: clipping(entry.clip), rows: rowsByCase[entry.name] ?? [])
    }
    return (manifest.steps, cases)
  }()

  private static func landscape(_ json: [String: JSONValue]) -> FixtureLandscape {
    if json["kind"]!.text == "diagonal" {
      return .diagonal(FixtureDiagonal(eigenvalues: json["eigenvalues"]!.numbers, center: json["center"]!.numbers))
    }
    if json["kind"]!.text == "quadratic" {
      let hessian = json["hessian"]!.numbers
      let center = json["center"]!.numbers
      return .quadratic(
        FixtureQuadratic(h00: hessian[0], h01: hessian[1], h11: hessian[2], center: (center[0], center[1])))
    }
    return .rosenbrock(FixtureRosenbrock(a: json["a"]!.number, b: json["b"]!.number))
  }

  /// Option values for `declarations` from a JSON mapping (skipping `skip`), typed by the declarations.
  private static func optionValues(_ json: [String: JSONValue], declarations: [OptionDeclaration], skip: String)
    -> OptionValues
  {
    var given: [(String, OptionValue)] = []
    for (key, value) in json.sorted(by: { $0.key < $1.key }) where key != skip {
      let declaration = declarations.first { $0.name == key }!
      switch (declaration.kind, value) {
      case (.flag, .flag(let flag)): given.append((key, .flag(flag)))
      case (.number, _): given.append((key, .number(value.number)))
      case (.numbers, _): given.append((key, .numbers(value.numbers)))
      case (.choice, _): given.append((key, .text(value.text)))
      default: preconditionFailure("option \(key): \(value)")
      }
    }
    return OptionValues(declarations: declarations, given: given)
  }

  private static func optimizerOptions(_ json: [String: JSONValue]) -> OptionValues {
    let description = OptimizerCatalog.optimizer(named: json["name"]!.text)!
    return optionValues(json, declarations: description.options, skip: "name")
  }

  private static func optimizer(_ json: [String: JSONValue]) -> AnyOptimizer {
    try! OptimizerCatalog.optimizer(named: json["name"]!.text)!.build(optimizerOptions(json))
  }

  private static func schedule(_ json: JSONValue) -> LearningRateSchedule {
    guard let mapping = json.mapping else { return .constant(json.number) }
    let description = ScheduleCatalog.schedule(named: mapping["schedule"]!.text)!
    return try! description.build(optionValues(mapping, declarations: description.options, skip: "schedule"))
  }

  private static func clipping(_ json: [String: Double]?) -> GradientClipping? {
    guard let json else { return nil }
    if let maximum = json["max_norm"] { return .norm(maximum: maximum) }
    return .value(json["value"]!)
  }
}
