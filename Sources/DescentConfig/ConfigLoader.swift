import DescentCore
import Foundation
import YAMLNode

/// The suites of one run, or every problem that keeps them from running.
public struct LoadedConfigs: Sendable {
  public var suites: [Suite]
  /// Problems in the files, each positioned; when non-empty nothing may run.
  public var diagnostics: [Diagnostic]
  /// Problems with the paths themselves (missing file, empty folder): a usage error.
  public var pathErrors: [String]

  public var isValid: Bool { diagnostics.isEmpty && pathErrors.isEmpty }
  public var instanceCount: Int { suites.reduce(0) { $0 + $1.instanceCount } }
}

/// Reads config files and folders into suites.
public enum ConfigLoader {
  /// Loads every `*.yaml`/`*.yml` file named by `paths` (folders are searched recursively, in
  /// sorted order). `seedOverride` (`--seed`) replaces each suite's own `seed:`.
  public static func load(paths: [String], seedOverride: UInt64? = nil, limits: YAMLReader.Limits = YAMLReader.Limits())
    -> LoadedConfigs
  {
    var result = LoadedConfigs(suites: [], diagnostics: [], pathErrors: [])
    var files: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        result.pathErrors.append("\(path): no such file or directory")
        continue
      }
      if isDirectory.boolValue {
        let found = configFiles(in: path)
        if found.isEmpty { result.pathErrors.append("\(path): no *.yaml files in this folder") }
        files += found
      } else {
        files.append(path)
      }
    }
    var suiteFiles: [String: (file: String, mark: Mark)] = [:]
    for file in files {
      let (suite, diagnostics) = load(file: file, seedOverride: seedOverride, limits: limits)
      result.diagnostics += diagnostics
      guard let suite else { continue }
      if let other = suiteFiles[suite.name] {
        result.diagnostics.append(
          Diagnostic(
            file: file, at: suite.mark,
            "suite name '\(suite.name)' is already used by \(other.file):\(other.mark); suite names must be unique in a run"
          ))
        continue
      }
      suiteFiles[suite.name] = (file, suite.mark)
      result.suites.append(suite)
    }
    return result
  }

  /// Loads one file; returns its suite (nil if it could not be decoded) and its problems.
  public static func load(file: String, seedOverride: UInt64? = nil, limits: YAMLReader.Limits = YAMLReader.Limits())
    -> (Suite?, [Diagnostic])
  {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
      return (nil, [Diagnostic(file: file, at: .start, "this is a folder, not a config file")])
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      return (nil, [Diagnostic(file: file, at: .start, "cannot read the file")])
    }
    guard data.count <= limits.maximumBytes else {
      return (
        nil,
        [
          Diagnostic(
            file: file, at: .start, "file is \(data.count) bytes, more than the limit of \(limits.maximumBytes) bytes")
        ]
      )
    }
    let text: String
    do {
      text = try YAMLReader.text(ofUTF8: Array(data))
    } catch {
      return (nil, [error.inFile(file)])
    }
    return load(text: text, file: file, seedOverride: seedOverride, limits: limits)
  }

  /// Loads a suite from YAML text (`file` names it in messages).
  public static func load(
    text: String, file: String, seedOverride: UInt64? = nil, limits: YAMLReader.Limits = YAMLReader.Limits()
  ) -> (Suite?, [Diagnostic]) {
    load(text: text, file: file, seedOverride: seedOverride, limits: limits, checkingEveryInstance: false)
  }

  /// Loads a suite from YAML text; `checkingEveryInstance` checks each instance's combination of
  /// keys instead of one per class of alike combinations (tests compare the two).
  static func load(
    text: String, file: String, seedOverride: UInt64? = nil, limits: YAMLReader.Limits = YAMLReader.Limits(),
    checkingEveryInstance: Bool
  ) -> (Suite?, [Diagnostic]) {
    let document: YAMLReader.Document
    do {
      document = try YAMLReader.parse(text, limits: limits)
    } catch {
      return (nil, [error.inFile(file)])
    }
    var decoding = Decoding()
    decoding.append(document.diagnostics)
    guard let root = document.root, root.scalar != .null else {
      return (
        nil, [Diagnostic(file: file, at: .start, "the file is empty; a suite file needs 'suite:' and 'scenarios:'")]
      )
    }
    let hash = StableHash.fnv1a(bytes: text.utf8)
    let suite = SuiteDecoder.decode(
      root, file: file, contentHash: hash, seedOverride: seedOverride, checkingEveryInstance: checkingEveryInstance,
      decoding: &decoding)
    let diagnostics = decoding.diagnostics.enumerated()
      .sorted { ($0.element.mark, $0.offset) < ($1.element.mark, $1.offset) }
      .map { $0.element.inFile(file) }
    return (diagnostics.isEmpty ? suite : nil, diagnostics)
  }

  /// `*.yaml` and `*.yml` files under `folder`, recursively, sorted by path. Hidden files and
  /// folders (names starting with `.`) are skipped, and so are folders whose names end in `.yaml`.
  static func configFiles(in folder: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
    var files: [String] = []
    while let relative = enumerator.nextObject() as? String {
      let name = relative.split(separator: "/").last.map(String.init) ?? relative
      let isDirectory = enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory
      if name.hasPrefix(".") {
        if isDirectory { enumerator.skipDescendants() }
        continue
      }
      if !isDirectory, relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
        let separator = folder.hasSuffix("/") ? "" : "/"
        files.append(folder + separator + relative)
      }
    }
    return files.sorted()
  }
}
