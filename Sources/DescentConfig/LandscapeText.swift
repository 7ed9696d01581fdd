import DescentCore
import YAMLNode

/// A landscape written on the command line: a preset name or a YAML mapping
/// (`'{preset: quadratic, eigenvalues: [1, 50], angle: 30}'`).
public struct ParsedLandscape: Sendable {
  public var landscape: AnyLandscape
  /// The canonical text reports use for it.
  public var text: String
  /// x* given with `minimum:`.
  public var minimum: [Double]?
}

extension ConfigLoader {
  /// Parses `text` as the value of a `landscape:` key; `source` names it in messages.
  public static func landscape(from text: String, source: String) -> Result<ParsedLandscape, DiagnosticList> {
    let document: YAMLReader.Document
    do {
      document = try YAMLReader.parse(text)
    } catch {
      return .failure(DiagnosticList([error.inFile(source)]))
    }
    var decoding = Decoding()
    decoding.append(document.diagnostics)
    guard let root = document.root, root.scalar != .null else {
      return .failure(
        DiagnosticList([Diagnostic(file: source, at: .start, "expected a landscape preset name or mapping")]))
    }
    let decoded = LandscapeDecoder.decode(root, decoding: &decoding)
    guard let decoded, decoding.diagnostics.isEmpty else {
      return .failure(DiagnosticList(decoding.diagnostics.map { $0.inFile(source) }))
    }
    return .success(ParsedLandscape(landscape: decoded.value, text: decoded.text, minimum: decoded.minimum))
  }
}
