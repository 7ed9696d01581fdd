import Foundation
import TestSupport
import Testing

/// Optimizers, schedules and clipping through the built binary (issue 5): invalid configs exit 2
/// with a positioned message and run nothing; a valid one runs.
@Suite(.serialized) struct OptimizerCommandTests {
  /// Ten invalid optimizer/schedule configs: (the scenario's extra line, the diagnostic after `file:`).
  static let invalid: [(String, String)] = [
    ("optimizer: {name: adam, betas: [0.9, 1.0]}", "6:42: error: Invalid beta parameter at index 1: 1.0"),
    ("optimizer: {name: rmsprop, eps: -1.0}", "6:37: error: Invalid epsilon value: -1.0"),
    (
      "optimizer: {name: sgd, momentum: 0.9, dampening: 0.5, nesterov: true}",
      "6:69: error: Nesterov momentum requires a momentum > 0 and zero dampening"
    ),
    ("optimizer: {name: adamw, amsgard: true}", "6:30: error: unknown key 'amsgard' (did you mean 'amsgrad'?)"),
    ("optimizer: {name: adadelta, rho: -0.1}", "6:38: error: Invalid rho value: -0.1"),
    ("lr: -0.01", "6:9: error: 'lr' must be at least 0, found -0.01"),
    (
      "lr: {schedule: cosine, lr: 0.1, min_lr: 0.01, warmup_steps: 200}",
      "6:9: error: schedule 'cosine': decay_steps (the run's steps, 200) must exceed warmup_steps 200"
    ),
    (
      "lr: {schedule: expnential, lr: 0.1, gamma: 0.9}",
      "6:20: error: unknown schedule 'expnential' (did you mean 'exponential'?)"
    ),
    (
      "lr: {schedule: onecycle, max_lr: 0.1, total_steps: 10}",
      "6:9: error: schedule 'onecycle': total_steps 10 is less than the run's 200 steps (torch raises 'Tried to step 11 times')"
    ),
    (
      "lr: {schedule: linear, lr: 0.1, end_factor: 2}",
      "6:49: error: Ending multiplicative factor expected to be between 0 and 1."
    ),
  ]

  @Test func tenInvalidConfigsExitTwoWithAPositionedMessage() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    for (index, (line, diagnostic)) in Self.invalid.enumerated() {
      let file = try folder.write(
        "bad-\(index).yaml",
        "suite: s\nscenarios:\n  - name: a\n    landscape: ravine\n    start: [-4, 1]\n    \(line)\n")
      let json = folder.path + "/out-\(index).json"
      let result = try DescentBinary.run(["run", file, "--json", json])
      #expect(result.exitCode == 2, "\(line)")
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.hasPrefix("\(file):\(diagnostic)\n"), "\(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: json), "nothing ran, nothing written")
    }
  }

  @Test func aScheduledClippedAdamWRunPasses() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // nanoGPT's recipe on the ravine: AdamW (β = 0.9, 0.95, wd 0.1), warmup + cosine, clipping at 1.
    let file = try folder.write(
      "nanogpt.yaml",
      """
      suite: nanogpt
      scenarios:
        - name: adamw-cosine-clip
          landscape: ravine
          start: [-4, 1]
          steps: 300
          optimizer: {name: adamw, betas: [0.9, 0.95], weight_decay: 0.1}
          lr: {schedule: cosine, lr: 0.1, min_lr: 0.001, warmup_steps: 20}
          clip: {max_norm: 1.0}
          expect: {final_loss: {max: 1.0e-3}}
      """)
    let result = try DescentBinary.run(["run", file, "--verbose"])
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.lines.last == "1 passed, 0 failed")
  }
}
