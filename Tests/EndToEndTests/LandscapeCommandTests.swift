import Foundation
import TestSupport
import Testing

/// Landscapes through the built binary: expression errors, `descent presets`, and stochastic runs
/// that give the same bytes on any number of threads (issue 4, acceptance 4 and 5).
@Suite(.serialized) struct LandscapeCommandTests {
  /// Acceptance 4: each broken expression is a positioned error, exit code 2, and nothing runs.
  @Test func brokenExpressionsArePositionedErrors() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let cases: [(landscape: String, first: String, caret: String)] = [
      (
        "{expr: \"x^^2\"}",
        "5:26: error: invalid expression at column 3: expected a number, a variable, a function call or '(' after '^', found '^'",
        "      ^"
      ),
      (
        "{expr: \"sinn(x)\"}",
        "5:24: error: invalid expression at column 1: unknown function 'sinn' (did you mean 'sin'?)",
        "    ^~~~"
      ),
      (
        "{expr: \"x + z\", vars: [x, y]}",
        "5:28: error: invalid expression at column 5: unknown variable 'z': 'vars' lists x, y",
        "        ^"
      ),
    ]
    for (index, broken) in cases.enumerated() {
      let file = try folder.write(
        "broken\(index).yaml",
        "suite: s\nscenarios:\n  - name: a\n    start: [1, 2]\n    landscape: \(broken.landscape)\n")
      let result = try DescentBinary.run(["run", file, "--json", folder.path + "/out.json"])
      #expect(result.exitCode == 2, "\(broken.landscape)")
      #expect(result.stdout.isEmpty)
      let lines = result.stderr.split(separator: "\n").map(String.init)
      #expect(lines.first == "\(file):\(broken.first)")
      #expect(lines.count == 4 && lines[2] == broken.caret, "\(result.stderr)")
      #expect(lines.last == "descent: 1 problem found; nothing ran")
      #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.json"))
    }
  }

  @Test func presetsListsEveryPresetWithFormulaOptionsAndMinimizers() throws {
    let result = try DescentBinary.run(["presets"])
    #expect(result.exitCode == 0)
    let names = [
      "parabola", "bowl", "ravine", "quadratic", "rosenbrock", "beale", "himmelblau", "booth", "matyas",
      "three-hump-camel", "six-hump-camel", "rastrigin", "ackley", "styblinski-tang", "goldstein-price", "saddle",
      "monkey-saddle", "least-squares",
    ]
    let headers = result.lines.filter { !$0.hasPrefix(" ") && $0.contains(": f = ") }
    #expect(headers.map { String($0.prefix { $0 != ":" }) } == names)
    #expect(result.lines.filter { $0.hasPrefix("    minimizers: ") }.count == names.count)
    #expect(result.lines.contains("rosenbrock: f = (a − x)² + b·(y − x²)²"))
    #expect(result.lines.contains("    b (default 100): steepness of the valley walls (> 0)"))
    #expect(
      result.lines.contains(
        "    minimizers: (3, 2), (−2.805118, 3.131313), (−3.779310, −3.283186), (3.584428, −1.848127), f = 0 at each"))
    #expect(result.lines.contains("    minimizers: (0, −1), f = 3"))
    #expect(result.lines.contains("    plot region: x ∈ [-2, 2], y ∈ [-1, 3]"))
    #expect(result.lines.filter { $0.hasPrefix("    plot region: ") }.count == names.count, "every preset has one")
    #expect(
      result.lines.contains(
        "    plot region: c ± 5 in every coordinate (c ± 5·√(2/|λ|) when the smallest non-zero |λ| is below 2)"))
    // Options without a default say what their absence means, instead of "no default".
    #expect(!result.stdout.contains("no default"))
    #expect(result.lines.contains("    eigenvalues: Hessian eigenvalues, one per dimension (required)"))
    #expect(result.lines.contains("    center: the critical point c (the origin when not given)"))
    #expect(result.lines.contains("    c (default 2π = 6.283185307179586): frequency of the ripples"))
  }

  /// Acceptance 5: the shipped noise-floor suite passes, and its stochastic runs give the same
  /// records with one thread and with two.
  @Test func stochasticRunsAreIdenticalForAnyNumberOfJobs() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let one = folder.path + "/one.json"
    let two = folder.path + "/two.json"
    let first = try DescentBinary.run(["run", "configs/noise-floor.yaml", "--jobs", "1", "--json", one])
    #expect(first.exitCode == 0, "\(first.stdout)\(first.stderr)")
    #expect(first.lines.last == "6 passed, 0 failed")
    #expect(try DescentBinary.run(["run", "configs/noise-floor.yaml", "--jobs", "2", "--json", two]).exitCode == 0)
    let recordsOne = try ResultDocument.instanceRecords(at: one)
    #expect(recordsOne.contains("\"id\":\"noise-floor/mini-batch-sgd[lr=0.1,sampling=shuffle]\""))
    #expect(recordsOne == (try ResultDocument.instanceRecords(at: two)))
  }

  /// Acceptance 2 as written: `{expr: "(1 - x)^2 + 100*(y - x^2)^2"}` without `minimum:` runs
  /// (x* estimated by Newton from the run's end, (1, 1) exactly) and follows the preset's
  /// trajectory to the bit, dumped row by row.
  @Test func anExpressionWithoutMinimumFollowsThePreset() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let config = folder.path + "/banana.yaml"
    try """
    suite: banana
    defaults: {start: [-1.2, 1], steps: 3000, optimizer: {name: adam, betas: [0.9, 0.99]}, lr: 0.01}
    scenarios:
      - {name: preset, landscape: rosenbrock}
      - {name: expression, landscape: {expr: "(1 - x)^2 + 100*(y - x^2)^2"}}
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let json = folder.path + "/banana.json"
    let result = try DescentBinary.run(["run", config, "--json", json, "--dump", folder.path + "/dump"])
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    let text = try String(contentsOfFile: json, encoding: .utf8)
    #expect(text.contains("\"reference\":{\"point\":[1,1],\"source\":\"estimated\""))
    let preset = try String(contentsOfFile: folder.path + "/dump/banana/preset.csv", encoding: .utf8)
    let expression = try String(contentsOfFile: folder.path + "/dump/banana/expression.csv", encoding: .utf8)
    #expect(preset.split(separator: "\n").count == 3002)
    #expect(preset == expression)
  }

  @Test func theToursCriticalPointsAreReportedAsSuch() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let json = folder.path + "/saddle.json"
    let result = try DescentBinary.run(
      ["run", "configs/presets-tour.yaml", "--filter", "presets-tour/saddle", "--json", json])
    #expect(result.exitCode == 0)
    let text = try String(contentsOfFile: json, encoding: .utf8)
    #expect(text.contains("\"reference\":{\"point\":[0,0],\"source\":\"critical point\",\"value\":0"))
  }

  @Test func theoryOfASaddleSaysNoLearningRateIsStable() throws {
    let result = try DescentBinary.run(["theory", "saddle", "--lr", "0.1"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("x* = [0,0]  (critical point, f = 0)"))
    #expect(result.stdout.contains("Hessian eigenvalues: -2, 2"))
    #expect(
      result.stdout.contains(
        "  none: the mode with λ = -2 < 0 grows at every lr (a saddle); below, the bounds for the others"))
    // 1 − ηλ = 1 + 0.1·2 = 1.2 for the unstable mode: divergent from (1, 1).
    #expect(result.stdout.contains("  λ = -2:  1 − ηλ = 1.2,  rate 1.2"))
    #expect(result.stdout.contains("over 200 steps: divergent, not converged, contraction rate 1.2"))
  }
}
