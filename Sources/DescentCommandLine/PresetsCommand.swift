import DescentCore

/// `descent presets`.
struct PresetsCommand {
  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(arguments, switches: [], options: [])
    guard scanner.positional.isEmpty else { throw UsageError("presets takes no arguments") }
  }

  func execute(_ console: Console) -> ExitCode {
    for preset in LandscapeCatalog.presets {
      console.out("\(preset.name): f = \(preset.formula)")
      console.out("    \(preset.summary)")
      for option in preset.options {
        let defaultText = option.defaultValue.map { "default \($0)" } ?? "required"
        console.out("    \(option.name) (\(defaultText)): \(option.summary)")
      }
      console.out("    minimizers: \(preset.minimizerText)")
    }
    return .success
  }
}
