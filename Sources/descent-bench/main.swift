// descent-bench: times the engine's inner loop on fixed sweeps, for scripts/bench.
// Usage: descent-bench [CASE...]   (no argument: every case). Prints one line per case:
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

/// Per-instance cost outside the loop (reference point, eigen-decomposition, classification),
/// reported separately: one step per instance.
let setupCase = BenchCase(
  name: "setup-per-instance", problems: ravineSweep(optimizer: .sgd(SGD()), steps: 1, count: 200_000))

let requested = Set(CommandLine.arguments.dropFirst())
for benchCase in cases + [setupCase]
where requested.isEmpty ? benchCase.name != setupCase.name : requested.contains(benchCase.name) {
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
