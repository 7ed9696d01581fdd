// descent-bench: times the engine's inner loop on fixed sweeps, for scripts/bench.
// Usage: descent-bench [CASE...]   (no argument: the three cases the C reference also runs;
//        `optimizers`: every optimizer on the ravine). Prints one line per case:
//   <case> <nanoseconds per step> <steps> <checksum>
// The checksum (sum of final losses) lets scripts/bench check the C reference did the same work.
import DescentCore
import Foundation

struct BenchCase {
  let name: String
  let problems: [Problem]
}

/// The sweep the C reference loop also runs: SGD on the ravine x² + 100y² from (−4, 1),
/// lr = linspace(0.001, 0.0099, 2000), 1000 steps each.
func ravineSweep(optimizer: AnyOptimizer, steps: Int = 1000, count: Int = 2000) -> [Problem] {
  (0..<count).map { index in
    let lr = 0.001 + Double(index) * (0.0099 - 0.001) / Double(count - 1)
    return Problem(
      landscape: .quadratic(Quadratic(eigenvalues: [2, 200])), start: [-4, 1], optimizer: optimizer,
      schedule: .constant(lr), settings: RunSettings(steps: steps, tolerance: 1e-6, divergenceBound: 1e6))
  }
}

let cases: [BenchCase] = [
  BenchCase(name: "sgd-ravine", problems: ravineSweep(optimizer: .sgd(SGD()))),
  BenchCase(name: "momentum-ravine", problems: ravineSweep(optimizer: .sgd(SGD(momentum: 0.9)))),
  BenchCase(name: "nesterov-ravine", problems: ravineSweep(optimizer: .sgd(SGD(momentum: 0.9, nesterov: true)))),
]

/// Every optimizer with torch's defaults on the same ravine sweep (lr 0.001 … 0.0099, 1000 steps):
/// the per-step cost of each optimizer's update, for the table in scripts/bench.
let optimizerCases: [BenchCase] = [
  ("sgd", AnyOptimizer.sgd(SGD())), ("sgd-momentum", .sgd(SGD(momentum: 0.9))),
  ("sgd-nesterov", .sgd(SGD(momentum: 0.9, nesterov: true))), ("adam", .adam(Adam())),
  ("adam-amsgrad", .adam(Adam(amsgrad: true))), ("adamw", .adam(Adam.adamW())), ("adagrad", .adagrad(Adagrad())),
  ("rmsprop", .rmsprop(RMSprop())), ("rmsprop-centered-momentum", .rmsprop(RMSprop(momentum: 0.9, centered: true))),
  ("adadelta", .adadelta(Adadelta())), ("adamax", .adamax(Adamax())), ("nadam", .nadam(NAdam())),
  ("radam", .radam(RAdam())), ("lion", .lion(Lion())),
].map { name, optimizer in BenchCase(name: "optimizer-\(name)", problems: ravineSweep(optimizer: optimizer)) }

/// Per-instance cost outside the loop (reference point, eigen-decomposition, classification),
/// reported separately: one step per instance.
let setupCase = BenchCase(
  name: "setup-per-instance", problems: ravineSweep(optimizer: .sgd(SGD()), steps: 1, count: 200_000))

let requested = Set(CommandLine.arguments.dropFirst())
let selected =
  requested.isEmpty
  ? cases
  : (cases + optimizerCases + [setupCase]).filter {
    requested.contains($0.name) || (requested.contains("optimizers") && $0.name.hasPrefix("optimizer-"))
  }
for benchCase in selected {
  var best = Double.infinity
  var checksum = 0.0
  var steps = 0
  for _ in 0..<5 {
    checksum = 0
    steps = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
      for problem in benchCase.problems {
        let outcome = try! Engine.run(problem)
        checksum += outcome.finalLoss
        steps += outcome.classification.stepsTaken
      }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    best = min(best, seconds)
  }
  print("\(benchCase.name) \(String(format: "%.3f", best * 1e9 / Double(steps))) \(steps) \(checksum)")
}

// `descent-bench expressions`: the time per step of expression landscapes against the equivalent
// presets (the same problems, so the same work), for scripts/bench. Prints one line per pair:
//   <case> <preset ns/step> <expression ns/step> <ratio> <instructions>
// Every run is given x* so neither side pays for a pass that picks among several minimizers.
struct ExpressionBenchCase {
  let name: String
  let preset: AnyLandscape
  let expression: String
  let start: [Double]
  let minimum: [Double]
  let learningRates: ClosedRange<Double>
}

let expressionCases: [ExpressionBenchCase] = [
  ExpressionBenchCase(
    name: "parabola", preset: .quadratic(Quadratic(eigenvalues: [6])), expression: "3*x^2", start: [1.5],
    minimum: [0], learningRates: 0.01...0.3),
  ExpressionBenchCase(
    name: "rosenbrock", preset: .rosenbrock(Rosenbrock()), expression: "(1 - x)^2 + 100*(y - x^2)^2",
    start: [-1.2, 1], minimum: [1, 1], learningRates: 0.0001...0.0019),
  ExpressionBenchCase(
    name: "himmelblau", preset: .himmelblau(Himmelblau()), expression: "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    start: [3.5, 2.5], minimum: [3, 2], learningRates: 0.001...0.01),
  ExpressionBenchCase(
    name: "goldstein-price", preset: .goldsteinPrice(GoldsteinPrice()), expression: GoldsteinPrice().expressionText,
    start: [0.1, -0.9], minimum: [0, -1], learningRates: 0.0001...0.001),
  ExpressionBenchCase(
    name: "rastrigin", preset: .rastrigin(Rastrigin()), expression: Rastrigin().expressionText, start: [0.3, -0.2],
    minimum: [0, 0], learningRates: 0.0005...0.0025),
  ExpressionBenchCase(
    name: "ackley", preset: .ackley(Ackley()), expression: Ackley().expressionText, start: [0.3, 0.2],
    minimum: [0, 0], learningRates: 0.0001...0.001),
]

/// The best of five timings of `problems`, in ns per step, and the sum of their final losses.
func timePerStep(_ problems: [Problem]) -> (nanoseconds: Double, checksum: Double) {
  var best = Double.infinity
  var checksum = 0.0
  for _ in 0..<5 {
    checksum = 0
    var steps = 0
    let elapsed = ContinuousClock().measure {
      for problem in problems {
        let outcome = try! Engine.run(problem)
        checksum += outcome.finalLoss
        steps += outcome.classification.stepsTaken
      }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    best = min(best, seconds * 1e9 / Double(steps))
  }
  return (best, checksum)
}

if requested.contains("expressions") {
  for benchCase in expressionCases {
    let expression = try! ExpressionLandscape(benchCase.expression)
    func problems(_ landscape: AnyLandscape) -> [Problem] {
      (0..<200).map { index in
        let range = benchCase.learningRates
        let lr = range.lowerBound + Double(index) * (range.upperBound - range.lowerBound) / 199
        return Problem(
          landscape: landscape, start: benchCase.start, optimizer: .sgd(SGD()), schedule: .constant(lr),
          settings: RunSettings(steps: 5000, tolerance: 1e-6, divergenceBound: 1e6), givenMinimum: benchCase.minimum)
      }
    }
    let preset = timePerStep(problems(benchCase.preset))
    let compiled = timePerStep(problems(.expression(expression)))
    // Both sides run the same function: their final losses agree up to rounding.
    let agreement = abs(preset.checksum - compiled.checksum) <= 1e-9 * max(abs(preset.checksum), 1e-300)
    guard agreement else {
      print("error: \(benchCase.name): preset and expression disagree (\(preset.checksum) vs \(compiled.checksum))")
      exit(1)
    }
    print(
      "\(benchCase.name) \(String(format: "%.3f", preset.nanoseconds)) \(String(format: "%.3f", compiled.nanoseconds)) "
        + "\(String(format: "%.2f", compiled.nanoseconds / preset.nanoseconds)) \(expression.instructionCount)")
  }
}
