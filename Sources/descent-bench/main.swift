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
