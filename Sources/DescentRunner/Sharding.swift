import DescentConfig

/// One share of a run split across machines: shard `index` of `count`, 1-based (`--shard 2/8`).
public struct Shard: Sendable, Hashable, CustomStringConvertible {
  public let index: Int
  public let count: Int

  public init(index: Int, count: Int) {
    precondition(count >= 1 && (1...count).contains(index), "shard \(index)/\(count)")
    self.index = index
    self.count = count
  }

  /// `2/8`.
  public var description: String { "\(index)/\(count)" }

  /// A shard argument or variable that cannot be used.
  public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  /// Parses `I/N` (1 ≤ I ≤ N).
  public static func parse(_ text: String) throws(Problem) -> Shard {
    let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
    guard pieces.count == 2, let index = Int(pieces[0]), let count = Int(pieces[1]) else {
      throw Problem(message: "--shard must be I/N (for example 2/8) or auto, got '\(text)'")
    }
    guard count >= 1 else { throw Problem(message: "--shard \(text): the shard count must be at least 1") }
    guard (1...count).contains(index) else {
      throw Problem(message: "--shard \(text): the shard index must be between 1 and \(count) (shards are 1-based)")
    }
    return Shard(index: index, count: count)
  }

  /// A shard read from the environment, and where it came from.
  public struct Detection: Sendable, Hashable {
    public var shard: Shard
    /// Which variables decided it, e.g. "SLURM_ARRAY_TASK_ID=5 (task 3 of 4 in the array)".
    public var source: String
  }

  /// `--shard auto`: the shard from, in this order, a SLURM job array (`SLURM_ARRAY_TASK_ID` and
  /// `SLURM_ARRAY_TASK_COUNT`/`_MIN`/`_MAX`/`_STEP`), a GitLab parallel job (`CI_NODE_INDEX`,
  /// 1-based, and `CI_NODE_TOTAL`), or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, 0-based,
  /// with the total in `DESCENT_SHARD_TOTAL`). Without any of them: the whole run, 1/1.
  ///
  /// SLURM task ids need not start at 0 or be contiguous (`--array=4-12:4`): the shard is the
  /// task's rank in the array, found from the minimum, the step and the count. Arrays that are
  /// not evenly spaced (`--array=1,2,9`) have no rank in the environment and are refused.
  public static func detect(environment: [String: String]) throws(Problem) -> Detection {
    if environment["SLURM_ARRAY_TASK_ID"] != nil { return try slurm(environment) }
    if let indexText = environment["CI_NODE_INDEX"] {
      let total = try integer("CI_NODE_TOTAL", environment, required: "CI_NODE_INDEX is set")
      let index = try integer("CI_NODE_INDEX", indexText)
      guard total >= 1, (1...total).contains(index) else {
        throw Problem(message: "CI_NODE_INDEX=\(index) is not between 1 and CI_NODE_TOTAL=\(total)")
      }
      return Detection(
        shard: Shard(index: index, count: total), source: "GitLab CI_NODE_INDEX=\(index), CI_NODE_TOTAL=\(total)")
    }
    if let indexText = environment["JOB_COMPLETION_INDEX"] {
      let total = try integer(
        "DESCENT_SHARD_TOTAL", environment,
        required:
          "JOB_COMPLETION_INDEX is set; a Kubernetes Indexed Job does not publish its completions, so set DESCENT_SHARD_TOTAL to them"
      )
      let index = try integer("JOB_COMPLETION_INDEX", indexText)
      guard total >= 1, (0..<total).contains(index) else {
        throw Problem(
          message: "JOB_COMPLETION_INDEX=\(index) is not between 0 and DESCENT_SHARD_TOTAL−1=\(total - 1)")
      }
      return Detection(
        shard: Shard(index: index + 1, count: total),
        source: "Kubernetes JOB_COMPLETION_INDEX=\(index), DESCENT_SHARD_TOTAL=\(total)")
    }
    if let total = environment["CI_NODE_TOTAL"], total == "1" {
      return Detection(shard: Shard(index: 1, count: 1), source: "GitLab CI_NODE_TOTAL=1 (not a parallel job)")
    }
    return Detection(
      shard: Shard(index: 1, count: 1),
      source: "no SLURM_ARRAY_TASK_ID, CI_NODE_INDEX or JOB_COMPLETION_INDEX in the environment: the whole run")
  }

  private static func slurm(_ environment: [String: String]) throws(Problem) -> Detection {
    let id = try integer("SLURM_ARRAY_TASK_ID", environment, required: "")
    let minimum = try integer("SLURM_ARRAY_TASK_MIN", environment, required: "SLURM_ARRAY_TASK_ID is set")
    let givenCount = try environment["SLURM_ARRAY_TASK_COUNT"].map { text throws(Problem) in
      try integer("SLURM_ARRAY_TASK_COUNT", text)
    }
    let maximum = try environment["SLURM_ARRAY_TASK_MAX"].map { text throws(Problem) in
      try integer("SLURM_ARRAY_TASK_MAX", text)
    }
    let givenStep = try environment["SLURM_ARRAY_TASK_STEP"].map { text throws(Problem) in
      try integer("SLURM_ARRAY_TASK_STEP", text)
    }
    let variables =
      "SLURM_ARRAY_TASK_ID=\(id), _MIN=\(minimum)" + (maximum.map { ", _MAX=\($0)" } ?? "")
      + (givenCount.map { ", _COUNT=\($0)" } ?? "") + (givenStep.map { ", _STEP=\($0)" } ?? "")
    let uneven = Problem(
      message:
        "\(variables): the array's task ids are not evenly spaced, so this task's rank cannot be told from the environment; pass --shard I/N explicitly"
    )
    // The step: given, or the spacing that fits the count between minimum and maximum.
    let step: Int
    if let givenStep {
      guard givenStep >= 1 else { throw Problem(message: "SLURM_ARRAY_TASK_STEP=\(givenStep) must be at least 1") }
      step = givenStep
    } else if let givenCount, let maximum, givenCount > 1 {
      guard (maximum - minimum) % (givenCount - 1) == 0 else { throw uneven }
      step = (maximum - minimum) / (givenCount - 1)
    } else {
      step = 1
    }
    let count: Int
    if let givenCount {
      count = givenCount
    } else if let maximum {
      count = (maximum - minimum) / step + 1
    } else {
      throw Problem(
        message: "\(variables): SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX is needed for the array size")
    }
    if let maximum, maximum - minimum != step * (count - 1) { throw uneven }
    guard count >= 1, id >= minimum, (id - minimum) % step == 0, (id - minimum) / step < count else {
      throw uneven
    }
    let rank = (id - minimum) / step + 1
    return Detection(
      shard: Shard(index: rank, count: count), source: "SLURM \(variables) (task \(rank) of \(count) in the array)")
  }

  private static func integer(_ name: String, _ environment: [String: String], required why: String) throws(Problem)
    -> Int
  {
    guard let text = environment[name] else {
      throw Problem(message: "\(name) is not set" + (why.isEmpty ? "" : " (\(why))"))
    }
    return try integer(name, text)
  }

  private static func integer(_ name: String, _ text: String) throws(Problem) -> Int {
    guard let value = Int(text.trimmingWhitespace()) else {
      throw Problem(message: "\(name)='\(text)' is not a whole number")
    }
    return value
  }
}

extension String {
  fileprivate func trimmingWhitespace() -> String {
    String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
  }
}

/// How a selection splits into `shardCount` shards: whole *units*, balanced by instance count.
///
/// A unit is a scenario's selected instances together with every scenario a `faster_than` ties
/// it to (`Scenario.comparedScenarios`, joined transitively with union-find), so instances that
/// compare with each other run, and are reported, in one shard. Units go largest first to the
/// shard with the fewest instances so far (ties: the lower shard) — the LPT rule, which keeps
/// the largest shard within 4/3 of the best possible. Everything depends only on the configs
/// and the filter, so every shard computes the same plan.
public struct ShardPlan: Sendable {
  /// For each part of the selection, the 1-based shard that runs it.
  public let shardOfPart: [Int]
  /// Instances per shard (index 0 is shard 1).
  public let instancesPerShard: [Int]

  /// - Complexity: O(parts · log parts + units · shardCount).
  public init(_ selection: Selection, shardCount: Int) {
    let parts = selection.parts
    // Union-find over parts; a faster_than target that is not selected ties nothing.
    var parent = Array(parts.indices)
    func root(_ part: Int) -> Int {
      var part = part
      while parent[part] != part {
        parent[part] = parent[parent[part]]
        part = parent[part]
      }
      return part
    }
    var partByScenario: [String: Int] = [:]
    for (index, part) in parts.enumerated() {
      let suite = selection.suites[part.suiteIndex]
      partByScenario[suite.name + "/" + suite.scenarios[part.scenarioIndex].name] = index
    }
    for (index, part) in parts.enumerated() {
      let suite = selection.suites[part.suiteIndex]
      for other in suite.scenarios[part.scenarioIndex].comparedScenarios {
        guard let otherIndex = partByScenario[suite.name + "/" + other] else { continue }
        let (a, b) = (root(index), root(otherIndex))
        // The unit is named by its first part, so roots are always the lowest index.
        if a != b { parent[max(a, b)] = min(a, b) }
      }
    }
    var unitWeight: [Int: Int] = [:]
    for index in parts.indices { unitWeight[root(index), default: 0] += parts[index].count }
    let units = unitWeight.keys.sorted { (unitWeight[$0]!, -$0) > (unitWeight[$1]!, -$1) }
    var load = [Int](repeating: 0, count: max(1, shardCount))
    var shardOfUnit: [Int: Int] = [:]
    for unit in units {
      let lightest = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
      shardOfUnit[unit] = lightest + 1
      load[lightest] += unitWeight[unit]!
    }
    shardOfPart = parts.indices.map { shardOfUnit[root($0)]! }
    instancesPerShard = load
  }
}
