import DescentConfig
import Foundation
import TestSupport
import Testing
import YAMLNode

/// The YAML examples of docs/config.md and README.md are valid configs: a reader who copies one
/// gets no error. Complete suites are read as they are; a list of scenarios (`  - name: ...`) is
/// read inside a suite; keys of one scenario (`optimizer: ...`) inside a scenario on a 2-D
/// landscape. Blocks that show alternatives (several `expect:` lines) are not configs.
@Suite struct DocumentationExampleTests {
  /// Each ```yaml block of a Markdown file, with the line its text starts on.
  static func yamlBlocks(_ relativePath: String) throws -> [(line: Int, text: String)] {
    let lines = try String(contentsOfFile: PackagePaths.path(relativePath), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var blocks: [(Int, String)] = []
    var start: Int?
    for (index, line) in lines.enumerated() {
      if let first = start {
        if line.hasPrefix("```") {
          blocks.append((first + 1, lines[first..<index].joined(separator: "\n") + "\n"))
          start = nil
        }
      } else if line == "```yaml" {
        start = index + 1
      }
    }
    return blocks
  }

  /// The block as a suite file, or nil when it is not a config (a list of alternatives).
  static func asSuite(_ block: String) -> String? {
    let keyLines = block.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("#") }
    let keys = keyLines.map { $0.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "" }
    if keys.contains("suite") && keys.contains("scenarios") { return block }
    if keys.isEmpty, block.split(separator: "\n").first?.hasPrefix("  - name:") == true {
      return "suite: docs\nscenarios:\n" + block
    }
    let scenarioKeys: Set<String> = [
      "landscape", "start", "optimizer", "lr", "clip", "noise", "batch_size", "sampling", "steps", "tolerance",
      "divergence_bound", "seed", "expect", "find", "cases", "sweep",
    ]
    guard !keys.isEmpty, Set(keys).count == keys.count, Set(keys).isSubset(of: scenarioKeys) else { return nil }
    var scenario = "  - name: example\n"
    if !keys.contains("landscape") { scenario += "    landscape: bowl\n" }
    if !keys.contains("start") { scenario += "    start: [-1.5, 2]\n" }
    scenario += block.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }
      .joined(separator: "\n")
    return "suite: docs\nscenarios:\n" + scenario
  }

  @Test(arguments: [("docs/config.md", 2), ("README.md", 3)])
  func everyConfigExampleValidates(file: String, configs: Int) throws {
    var checked = 0
    for (line, block) in try Self.yamlBlocks(file) {
      guard let suite = Self.asSuite(block) else { continue }
      checked += 1
      let (loaded, diagnostics) = ConfigLoader.load(text: suite, file: "\(file) block at line \(line)")
      #expect(loaded != nil && diagnostics.isEmpty, "\(diagnostics.map(\.description).joined(separator: "\n"))")
    }
    #expect(checked == configs, "the examples read as configs")
  }

  @Test func aBrokenExampleIsCaught() throws {
    // The old example: a dotted nesterov swept over SGD without momentum.
    let block = """
        - name: theory-sweep
          landscape: {preset: parabola, a: 1}
          sweep:
            lr: {linspace: [0.01, 1.5, 150]}
            start: [[1.0], [-3.0]]
            optimizer: [sgd, {name: sgd, momentum: 0.9}]
            optimizer.nesterov: [false, true]

      """
    let suite = try #require(Self.asSuite(block))
    #expect(ConfigLoader.load(text: suite, file: "old.md").0 == nil)
  }
}
