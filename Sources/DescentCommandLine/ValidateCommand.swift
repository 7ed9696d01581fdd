import DescentConfig

/// `descent validate [PATH...]`.
struct ValidateCommand {
  let paths: [String]

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(arguments, switches: [], options: [])
    paths = scanner.positional
  }

  func execute(_ console: Console) -> ExitCode {
    guard let loaded = DescentTool.loadConfigs(paths, seed: nil, console: console) else { return .invalidInput }
    let scenarios = loaded.suites.reduce(0) { $0 + $1.scenarios.count }
    console.out(
      "ok: \(loaded.suites.count) suite\(loaded.suites.count == 1 ? "" : "s"), \(scenarios) scenario\(scenarios == 1 ? "" : "s"), \(loaded.instanceCount) instance\(loaded.instanceCount == 1 ? "" : "s")"
    )
    return .success
  }
}
