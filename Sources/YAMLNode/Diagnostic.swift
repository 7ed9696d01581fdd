/// One problem found in an input file, with its position and optional related positions.
///
/// Rendered like a compiler: `file:line:column: error: message`, followed by one
/// `file:line:column: note: ...` line per note.
public struct Diagnostic: Sendable, Hashable, Error, CustomStringConvertible {
  /// A secondary position that explains the problem (for example the first of two duplicate keys).
  public struct Note: Sendable, Hashable {
    public var message: String
    public var mark: Mark

    public init(_ message: String, at mark: Mark) {
      self.message = message
      self.mark = mark
    }
  }

  /// The file the problem is in, as the user named it; empty when there is no file.
  public var file: String
  public var mark: Mark
  public var message: String
  public var notes: [Note]

  public init(file: String = "", at mark: Mark, _ message: String, notes: [Note] = []) {
    self.file = file
    self.mark = mark
    self.message = message
    self.notes = notes
  }

  /// The diagnostic with `file` set, for errors produced before the file name was known.
  public func inFile(_ file: String) -> Diagnostic {
    var copy = self
    copy.file = file
    return copy
  }

  /// `file:line:column: error: message` plus one line per note.
  public var description: String {
    let prefix = file.isEmpty ? "" : "\(file):"
    var lines = ["\(prefix)\(mark): error: \(message)"]
    for note in notes {
      lines.append("\(prefix)\(note.mark): note: \(note.message)")
    }
    return lines.joined(separator: "\n")
  }
}

/// A set of diagnostics thrown together: a file with problems reports all of them at once.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) {
    self.diagnostics = diagnostics
  }

  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
