import DescentConfig
import DescentCore
import Foundation
import TestSupport
import Testing
import YAMLNode

/// Loads a suite from text, failing the test with its diagnostics if it does not load.
func loadSuite(_ text: String, file: String = "test.yaml", seed: UInt64? = nil) throws -> Suite {
  let (suite, diagnostics) = ConfigLoader.load(text: text, file: file, seedOverride: seed)
  guard let suite, diagnostics.isEmpty else {
    throw DiagnosticList(diagnostics)
  }
  return suite
}

/// The rendered diagnostics of a text that must not load.
func problems(_ text: String, file: String = "test.yaml") -> [String] {
  let (suite, diagnostics) = ConfigLoader.load(text: text, file: file)
  #expect(suite == nil || !diagnostics.isEmpty)
  return diagnostics.map(\.description)
}

@Suite struct ConfigTests {

  @Test func wholeNumbersBeyondTheRangeAreOutOfRangeNotFractional() {
    let text = { (keys: String) in "suite: s\nscenarios:\n  - {name: a, landscape: parabola, start: [1], \(keys)}\n" }
    #expect(
      problems(text("steps: 9007199254740992")) == [
        "test.yaml:3:55: error: 'steps' must be between 1 and 1000000000, found 9007199254740992"
      ])
    #expect(
      problems(text("steps: 1e19")) == ["test.yaml:3:55: error: 'steps' must be between 1 and 1000000000, found 1e19"])
    #expect(
      problems(text("seed: 18446744073709551615")) == [
        "test.yaml:3:54: error: 'seed' must be between 0 and 9223372036854775807, found 18446744073709551615"
      ])
    #expect(
      problems(text("steps: 2.5")) == ["test.yaml:3:55: error: 'steps' must be a whole number, found a number (2.5)"])
    #expect(
      problems(text("steps: .inf")) == ["test.yaml:3:55: error: 'steps' must be a whole number, found a number (.inf)"])
  }

  @Test func theLargestSeedIsTakenExactly() throws {
    // 2^63 − 1 is not a double: read as an integer, not through a float.
    let suite = try loadSuite(
      "suite: s\nseed: 9223372036854775807\nscenarios:\n  - {name: a, landscape: parabola, start: [1]}\n")
    #expect(suite.seed == 9_223_372_036_854_775_807)
  }
  @Test func scenarioKeysDecodeIntoAProblem() throws {
    let suite = try loadSuite(
      """
      suite: s
      defaults: {steps: 50, tolerance: 1.0e-8}
      scenarios:
        - name: ravine
          description: the ravine
          landscape: {preset: ravine, ratio: 50}
          start: [-4, 1]
          optimizer: {name: sgd, momentum: 0.9, nesterov: true}
          lr: 0.01
          divergence_bound: 1.0e3
          expect: {regime: [zigzag, oscillating], converged: false}
      """)
    let instance = try #require(suite.scenarios.first?.instances.first)
    #expect(instance.id == "s/ravine")
    #expect(instance.description == "the ravine")
    #expect(instance.problem.landscape == .quadratic(Quadratic(eigenvalues: [2, 100])))
    #expect(instance.problem.start == [-4, 1])
    #expect(instance.problem.optimizer == .sgd(SGD(momentum: 0.9, nesterov: true)))
    #expect(instance.problem.schedule == .constant(0.01))
    #expect(instance.problem.settings == RunSettings(steps: 50, tolerance: 1e-8, divergenceBound: 1e3))
    #expect(instance.expectations.map(\.check) == [.regime([.zigzag, .oscillating]), .converged(false)])
    #expect(instance.landscapeText == "ravine(ratio=50)")
    #expect(instance.optimizerText == "sgd(momentum=0.9,nesterov=true)")
  }

  @Test func builtInDefaultsApplyWhenNothingIsSaid() throws {
    let suite = try loadSuite("suite: s\nscenarios:\n  - {name: a, landscape: bowl, start: [1, 1]}\n")
    let instance = try #require(suite.scenarios.first?.instances.first)
    #expect(instance.problem.settings == RunSettings(steps: 200, tolerance: 1e-6, divergenceBound: 1e6))
    #expect(instance.problem.optimizer == .sgd(SGD()))
    #expect(instance.problem.schedule == .constant(1e-3), "torch's SGD default lr")
    #expect(instance.expectations.isEmpty)
  }

  @Test func casesGiveOneInstanceEachWithStableIds() throws {
    let suite = try loadSuite(
      """
      suite: lesson-10.1
      scenarios:
        - name: parabola-regimes
          landscape: {preset: parabola, a: 1}
          start: [1.0]
          optimizer: sgd
          cases:
            - {lr: 0.1, expect: monotone}
            - {lr: 0.8, expect: oscillating, description: bounces}
            - {lr: 1.0e0, expect: cycling}
      """)
    let instances = try #require(suite.scenarios.first).instances
    #expect(
      instances.map(\.id) == [
        "lesson-10.1/parabola-regimes[lr=0.1]", "lesson-10.1/parabola-regimes[lr=0.8]",
        "lesson-10.1/parabola-regimes[lr=1]",
      ])
    #expect(instances[1].description == "bounces")
    #expect(instances[2].expectations.map(\.check) == [.regime([.cycling])])
    #expect(instances[1].mark == Mark(line: 9, column: 9))
  }

  @Test func defaultsMergeDeeplyUnderScenarios() throws {
    let suite = try loadSuite(
      """
      suite: s
      defaults:
        optimizer: {name: sgd, momentum: 0.9}
        landscape: {preset: quadratic, eigenvalues: [1, 10]}
        expect: {converged: true}
      scenarios:
        - name: a
          optimizer: {dampening: 0.5}
          landscape: {angle: 30}
          start: [1, 1]
          expect: monotone
        - name: b
          optimizer: {name: sgd, nesterov: true}
          start: [1, 1]
      """)
    let a = try #require(suite.scenarios.first?.instances.first)
    #expect(a.problem.optimizer == .sgd(SGD(momentum: 0.9, dampening: 0.5)))
    #expect(a.problem.landscape == .quadratic(Quadratic(eigenvalues: [1, 10], rotationDegrees: 30)))
    #expect(a.expectations.map(\.check) == [.regime([.monotone])], "expect is replaced, not merged")
    let b = try #require(suite.scenarios.last?.instances.first)
    #expect(b.problem.optimizer == .sgd(SGD(momentum: 0.9, nesterov: true)))
    #expect(b.expectations.map(\.check) == [.converged(true)])
  }

  @Test func aMappingOfAnotherKindReplacesInsteadOfMerging() throws {
    let suite = try loadSuite(
      """
      suite: s
      defaults:
        landscape: {preset: ravine, ratio: 10}
      scenarios:
        - {name: a, landscape: {preset: quadratic, eigenvalues: [3]}, start: [1]}
        - {name: b, landscape: parabola, start: [1]}
      """)
    #expect(suite.scenarios[0].instances[0].problem.landscape == .quadratic(Quadratic(eigenvalues: [3])))
    #expect(suite.scenarios[1].instances[0].problem.landscape == .quadratic(Quadratic(eigenvalues: [2])))
  }

  @Test func aGeneratorReplacesAGeneratorLikeAList() throws {
    let suite = try loadSuite(
      """
      suite: s
      defaults:
        start: {linspace: [1, 2, 2]}
        landscape: {preset: quadratic, eigenvalues: {linspace: [1, 2, 2]}}
      scenarios:
        - {name: a, landscape: bowl, start: {range: [3, 4, 1]}}
        - name: b
          landscape: {eigenvalues: {logspace: [0, 2, 3]}}
          start: [1, 1, 1]
          cases: [{landscape: {eigenvalues: {range: [5, 6, 1]}}, start: [1, 1]}]
      """)
    #expect(suite.scenarios[0].instances[0].problem.start == [3, 4])
    let b = try #require(suite.scenarios[1].instances.first)
    #expect(b.problem.landscape == .quadratic(Quadratic(eigenvalues: [5, 6])))
    // A generator over a list, and a list over a generator, replace too.
    let c = try loadSuite(
      "suite: s\ndefaults: {start: [9, 9]}\nscenarios:\n  - {name: c, landscape: bowl, start: {range: [3, 4, 1]}}\n")
    #expect(c.scenarios[0].instances[0].problem.start == [3, 4])
  }

  @Test func anchorsAndMergeKeysWork() throws {
    let suite = try loadSuite(
      """
      suite: s
      x-common: &common {landscape: ravine, start: [-4, 1], steps: 20}
      scenarios:
        - <<: *common
          name: a
          lr: 0.001
        - <<: *common
          name: b
          steps: 30
      """)
    #expect(suite.scenarios.map { $0.instances[0].problem.settings.steps } == [20, 30])
    #expect(suite.scenarios[1].instances[0].problem.start == [-4, 1])
  }

  @Test func seedsDeriveFromTheRootSeedAndTheId() throws {
    let text =
      "suite: s\nseed: 7\nscenarios:\n  - {name: a, landscape: bowl, start: [1, 1]}\n  - {name: b, landscape: bowl, start: [1, 1]}\n"
    let suite = try loadSuite(text)
    let seeds = suite.scenarios.map { $0.instances[0].seed }
    #expect(seeds[0] == StableHash.instanceSeed(root: 7, id: "s/a"))
    #expect(seeds[0] != seeds[1])
    #expect(try loadSuite(text).scenarios.map { $0.instances[0].seed } == seeds, "same input, same seeds")
    let overridden = try loadSuite(text, seed: 8)
    #expect(overridden.scenarios[0].instances[0].seed == StableHash.instanceSeed(root: 8, id: "s/a"))
  }
}

@Suite struct ConfigErrorTests {
  @Test func misspelledKeyGetsADidYouMean() {
    let text = "suite: s\nscenarios:\n  - name: a\n    landscape: ravine\n    start: [-4, 1]\n    optimiser: sgd\n"
    #expect(
      problems(text, file: "bad.yaml") == ["bad.yaml:6:5: error: unknown key 'optimiser' (did you mean 'optimizer'?)"])
  }

  @Test func allProblemsOfAFileAreReportedTogether() {
    let text = """
      suite: s
      scenarios:
        - name: a
          landscape: ravne
          start: [1, 2]
          lr: fast
        - name: b
          landscape: ravine
          start: [1, 2, 3]
          expect: {converged: yes}
      """
    #expect(
      problems(text) == [
        "test.yaml:4:16: error: unknown landscape 'ravne' (did you mean 'ravine'?)",
        "test.yaml:6:9: error: 'lr' must be a number, found 'fast'",
        "test.yaml:9:12: error: 'start' has 3 coordinates but landscape ravine has 2",
        "test.yaml:10:25: error: 'converged' must be true or false, found 'yes' (YAML 1.1 booleans are not accepted; write true)",
      ])
  }

  @Test func anExpressionAliasedInThousandsOfScenariosIsRefusedAtTheCap() {
    // {expr: …} holds 4 + 131,068 = 128 KiB of text: 32 uses fill the 4 MiB cap, the 33rd passes it.
    let expression = "x" + String(repeating: " + x", count: 32_766) + "   "
    var text = "suite: s\nx-e: &e {expr: \"\(expression)\"}\nscenarios:\n"
    for index in 0..<2000 { text += "  - {name: a\(index), landscape: *e, start: [1]}\n" }
    #expect(
      problems(text) == [
        "test.yaml:36:28: error: aliases expand the document by more than 4194304 bytes of text (a large value aliased too often?)"
      ])
  }

  @Test func aMessageAboutAHugeValueGivesItsSizeInBytes() {
    // The size of a value over 64 KiB is its UTF-8 size, known without a pass over the text.
    let name = String(repeating: "é", count: 40_000)
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: \(name), start: [1]}\n").first?.hasPrefix(
        "test.yaml:3:26: error: unknown landscape '\(String(repeating: "é", count: 40))…' (80000 bytes)") == true)
    let shorter = String(repeating: "é", count: 1000)
    #expect(
      problems("suite: s\nscenarios:\n  - {name: a, landscape: \(shorter), start: [1]}\n").first?.hasPrefix(
        "test.yaml:3:26: error: unknown landscape '\(String(repeating: "é", count: 40))…' (1000 characters)") == true)
  }

  @Test func syntaxErrorsArePositioned() {
    #expect(
      problems("suite: s\nscenarios: [\n") == [
        "test.yaml:3:1: error: did not find expected node content\ntest.yaml:3:1: note: while parsing a flow node"
      ])
  }
}

@Suite struct ConfigFolderTests {
  private let suite = "suite: SUITE\nscenarios:\n  - {name: a, landscape: bowl, start: [1, 1]}\n"

  @Test func hiddenFilesAndFoldersAreSkipped() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("visible.yaml", suite.replacingOccurrences(of: "SUITE", with: "visible"))
    try folder.write("sub/nested.yml", suite.replacingOccurrences(of: "SUITE", with: "nested"))
    try folder.write(".hidden/a.yaml", suite.replacingOccurrences(of: "SUITE", with: "hidden-folder"))
    try folder.write("sub/.b.yaml", suite.replacingOccurrences(of: "SUITE", with: "hidden-file"))
    let loaded = ConfigLoader.load(paths: [folder.path])
    #expect(loaded.isValid)
    #expect(loaded.suites.map(\.name) == ["nested", "visible"])
    // A hidden folder named explicitly is still read.
    #expect(ConfigLoader.load(paths: [folder.path + "/.hidden"]).suites.map(\.name) == ["hidden-folder"])
  }

  @Test func aFileStartingWithAByteOrderMarkLoads() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = folder.path + "/bom.yaml"
    let bytes = [0xEF, 0xBB, 0xBF] + Array(suite.replacingOccurrences(of: "SUITE", with: "bom").utf8)
    #expect(FileManager.default.createFile(atPath: file, contents: Data(bytes)))
    let (loaded, diagnostics) = ConfigLoader.load(file: file)
    #expect(diagnostics.isEmpty)
    #expect(loaded?.name == "bom")
  }

  @Test func aFolderNamedLikeAConfigIsSearchedNotRead() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("x.yaml/inner.yaml", suite.replacingOccurrences(of: "SUITE", with: "inner"))
    let loaded = ConfigLoader.load(paths: [folder.path])
    #expect(loaded.diagnostics.isEmpty)
    #expect(loaded.suites.map(\.name) == ["inner"])
    let (suite, diagnostics) = ConfigLoader.load(file: folder.path + "/x.yaml")
    #expect(suite == nil)
    #expect(diagnostics.map(\.description) == ["\(folder.path)/x.yaml:1:1: error: this is a folder, not a config file"])
  }
}

@Suite struct SpellingTests {
  @Test func typosAreFoundByEditDistance() {
    #expect(Spelling.closest(to: "momentun", among: ["momentum", "dampening"]) == "momentum")
    #expect(Spelling.closest(to: "Nesterov", among: ["nesterov"]) == "nesterov")
    #expect(Spelling.closest(to: "xyz", among: ["momentum", "dampening"]) == nil)
  }

  @Test func namesFromOtherLibrariesAreFoundByPrefix() {
    #expect(Spelling.closest(to: "anneal_strategy", among: ["max_lr", "anneal", "pct_start"]) == "anneal")
    #expect(Spelling.closest(to: "epsilon", among: ["betas", "eps", "weight_decay"]) == "eps")
    #expect(Spelling.closest(to: "warmup", among: ["lr", "min_lr", "warmup_steps", "decay_steps"]) == "warmup_steps")
    #expect(Spelling.closest(to: "cycle", among: ["cycle_momentum", "cycle_steps"]) == nil, "ambiguous")
    #expect(Spelling.closest(to: "ep", among: ["eps"]) == "eps", "one edit away")
    #expect(Spelling.closest(to: "e", among: ["eps", "eta"]) == nil)
  }
}
