import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct ValidateAndListTests {
  @Test func everyShippedConfigValidates() throws {
    let result = try DescentBinary.run(["validate", "configs"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ok: "))
  }

  @Test func everyCorpusFileFailsValidationWithExitTwo() throws {
    let folder = PackagePaths.path("Tests/DescentConfigTests/Corpus")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
    #expect(files.count >= 30)
    for file in files {
      let result = try DescentBinary.run(["validate", folder + "/" + file])
      #expect(result.exitCode == 2, "\(file)")
      #expect(result.stdout.isEmpty, "\(file)")
      #expect(result.stderr.hasPrefix(folder + "/" + file + ":"), "\(file): \(result.stderr)")
    }
  }

  @Test func billionLaughsIsRefusedQuickly() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in 1...9 {
      text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
    }
    text += "suite: laughs\nscenarios: [*a9]\n"
    let file = try folder.write("laughs.yaml", text)
    let started = Date()
    let result = try DescentBinary.run(["validate", file])
    #expect(Date().timeIntervalSince(started) < 1)
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("error: the document expands to more than 1000000 nodes"))
  }

  @Test func deepNestingIsRefusedQuickly() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write(
      "deep.yaml",
      "suite: deep\nscenarios: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n")
    let started = Date()
    let result = try DescentBinary.run(["validate", file])
    #expect(Date().timeIntervalSince(started) < 1)
    #expect(result.exitCode == 2)
    #expect(result.stderr.hasPrefix("\(file):2:"))
    #expect(result.stderr.contains("error: nesting deeper than 200 levels"))
  }

  @Test func listPrintsTheSweepProductWithIdsIndependentOfKeyOrder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let sweep = { (keys: [String]) in
      "suite: grid\nscenarios:\n  - name: g\n    landscape: ravine\n    start: [-4, 1]\n    sweep:\n"
        + keys.map { "      \($0)\n" }.joined()
    }
    let keys = [
      "lr: {linspace: [0.001, 0.009, 3]}", "optimizer.momentum: [0, 0.5]",
      "steps: {range: [100, 300, 100]}",
    ]
    let forward = try folder.write("forward/grid.yaml", sweep(keys))
    let backward = try folder.write("backward/grid.yaml", sweep(keys.reversed()))
    let first = try DescentBinary.run(["list", forward])
    let again = try DescentBinary.run(["list", forward])
    let reordered = try DescentBinary.run(["list", backward])
    #expect(first.exitCode == 0)
    #expect(first.lines.count == 18)
    #expect(first.stderr == "18 instances\n")
    #expect(first.lines.first == "grid/g[optimizer.momentum=0,lr=0.001,steps=100]")
    #expect(first.lines.last == "grid/g[optimizer.momentum=0.5,lr=0.009,steps=300]")
    #expect(first.stdout == again.stdout)
    #expect(first.stdout == reordered.stdout)
    let count = try DescentBinary.run(["list", "--count", forward])
    #expect(count.stdout == "18\n")
    let filtered = try DescentBinary.run(["list", forward, "--filter", "*lr=0.005*", "--filter", "*steps=100]"])
    #expect(filtered.lines.count == 6 + 6 - 2)
  }

  @Test func hugeGeneratorsAndProductsAreRefusedWithPositionsNotCrashes() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let scenario = "suite: big\nscenarios:\n  - name: a\n    landscape: parabola\n    start: [1]\n"
    let range = try folder.write("range.yaml", scenario + "    sweep: {lr: {range: [0, 1e300, 1e-300]}}\n")
    let result = try DescentBinary.run(["validate", range])
    #expect(result.exitCode == 2)
    #expect(
      result.stderr.hasPrefix(
        "\(range):6:36: error: 'range' would produce about 10^600 values, more than 10000000\n"), "\(result.stderr)")
    let product = try folder.write(
      "product.yaml",
      scenario + "    sweep:\n"
        + ["a", "b", "c", "d"].map { "      optimizer.\($0): {range: [1, 60000, 1]}\n" }.joined())
    let overflow = try DescentBinary.run(["validate", product])
    #expect(overflow.exitCode == 2)
    #expect(
      overflow.stderr.hasPrefix(
        "\(product):7:7: error: scenario 'a' expands to 60000 × 60000 × 60000 × 60000 instances, more than 10000000; split it into several scenarios\n"
      ), "\(overflow.stderr)")
    #expect(overflow.stderr.contains("\(product):10:7: error: unknown key 'd'"))
  }

  @Test func listNamesTheValuesARangeRuns() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let file = try folder.write(
      "range.yaml",
      "suite: r\nscenarios:\n  - name: a\n    landscape: parabola\n    start: [1]\n    sweep: {lr: {range: [0.1, 0.7, 0.1]}}\n"
    )
    let result = try DescentBinary.run(["list", file])
    #expect(result.exitCode == 0)
    #expect(result.lines == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"].map { "r/a[lr=\($0)]" })
  }

  @Test func foldersSkipHiddenEntriesAndReadFoldersNamedLikeConfigs() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let suite = { (name: String) in "suite: \(name)\nscenarios:\n  - {name: a, landscape: bowl, start: [1, 1]}\n" }
    try folder.write("configs/.hidden/broken.yaml", "suite: [\n")
    try folder.write("configs/.also-hidden.yaml", "suite: [\n")
    try folder.write("configs/x.yaml/inner.yaml", suite("inner"))
    try folder.write("configs/top.yaml", suite("top"))
    let result = try DescentBinary.run(["list", "configs"], in: folder.path)
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.lines == ["top/a", "inner/a"], "files in sorted path order")
  }
}
