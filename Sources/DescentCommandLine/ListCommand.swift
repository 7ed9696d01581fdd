import DescentConfig
import DescentRunner

/// `descent list [PATH...]`.
struct ListCommand {
  let paths: [String]
  let filter: InstanceFilter
  let countOnly: Bool

  init(_ arguments: [String]) throws(UsageError) {
    let scanner = try ArgumentScanner(
      arguments, switches: ["--count"], options: ["--filter"], repeatable: ["--filter"])
    paths = scanner.positional
    filter = InstanceFilter(patterns: scanner.all("--filter"))
    countOnly = scanner.isSet("--count")
  }

  func execute(_ console: Console) -> ExitCode {
    guard let loaded = DescentTool.loadConfigs(paths, seed: nil, console: console) else { return .invalidInput }
    var count = 0
    for suite in loaded.suites {
      for scenario in suite.scenarios {
        for index in 0..<scenario.instanceCount {
          let instance = scenario.instance(at: index)
          guard filter.selects(id: instance.id, suite: instance.suite, scenario: instance.scenario) else { continue }
          count += 1
          if !countOnly { console.out(instance.id) }
        }
      }
    }
    if countOnly {
      console.out(String(count))
    } else {
      console.error("\(count) instance\(count == 1 ? "" : "s")")
    }
    if count == 0 && !filter.patterns.isEmpty {
      console.error("descent: no instance matches the filter \(filter.patterns.joined(separator: " "))")
      return .nothingMatched
    }
    return .success
  }
}
