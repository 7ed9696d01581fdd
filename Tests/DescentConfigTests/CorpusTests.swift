import DescentConfig
import Foundation
import TestSupport
import Testing

/// Every broken config under `Corpus/` fails with exactly the diagnostics in its `.expected` file:
/// message, line and column (issue 3, acceptance 1).
@Suite struct CorpusTests {
  static let folder = PackagePaths.path("Tests/DescentConfigTests/Corpus")

  static let files: [String] = {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
  }()

  @Test func theCorpusCoversEnoughCases() {
    #expect(Self.files.count >= 30)
  }

  @Test(arguments: files)
  func brokenConfigReportsExactlyItsExpectedDiagnostics(_ name: String) throws {
    let expectedFile = Self.folder + "/" + name.replacingOccurrences(of: ".yaml", with: ".expected")
    let expected = try String(contentsOfFile: expectedFile, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    // Loaded from the file's bytes (some are deliberately not UTF-8), reported under its name.
    let (suite, loaded) = ConfigLoader.load(file: Self.folder + "/" + name)
    let diagnostics = loaded.map { $0.inFile(name) }
    #expect(suite == nil)
    #expect(!expected.isEmpty)
    let rendered = diagnostics.flatMap { $0.description.split(separator: "\n").map(String.init) }
    #expect(rendered == expected)
  }
}
