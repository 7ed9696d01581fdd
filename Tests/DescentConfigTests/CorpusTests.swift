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
    let text = try String(contentsOfFile: Self.folder + "/" + name, encoding: .utf8)
    let expectedFile = Self.folder + "/" + name.replacingOccurrences(of: ".yaml", with: ".expected")
    let expected = try String(contentsOfFile: expectedFile, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let (suite, diagnostics) = ConfigLoader.load(text: text, file: name)
    #expect(suite == nil)
    #expect(!expected.isEmpty)
    let rendered = diagnostics.flatMap { $0.description.split(separator: "\n").map(String.init) }
    #expect(rendered == expected)
  }
}
