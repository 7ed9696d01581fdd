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
        // Counting needs no ids where the filter takes a scenario whole or no pattern can match an id.
        if countOnly && filter.selectsAll(suite: suite.name, scenario: scenario.name) {
          count += scenario.instanceCount
          continue
        }
        if !filter.selectsAll(suite: suite.name, scenario: scenario.name) && !filter.mayMatchIDs { continue }
        for index in 0..<scenario.instanceCount {
          let id = scenario.id(at: index)
          guard filter.selects(id: id, suite: suite.name, scenario: scenario.name) else { continue }
          count += 1
          if !countOnly { console.out(id) }
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
