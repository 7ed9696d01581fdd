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
  /// with the total in `DESCENT_SHARD_TOTAL`). Without any of them: the whole run, 1/1 — but a
  /// total without its index (`DESCENT_SHARD_TOTAL`, or a `CI_NODE_TOTAL` above 1) is refused:
  /// every job would run the whole run.
  ///
  /// SLURM task ids need not start at 0 or be contiguous (`--array=4-12:4`): the shard is the
  /// task's rank in the array, found from the minimum, the step and the count. Arrays that are
  /// not evenly spaced (`--array=1,2,9`) have no rank in the environment and are refused.
  public static func detect(environment: [String: String]) throws(Problem) -> Detection {
    if environment["SLURM_ARRAY_TASK_ID"] != nil { return try slurm(environment) }
    if let indexText = environment["CI_NODE_INDEX"] {
      let total = try integer("CI_NODE_TOTAL", environment, required: "CI_NODE_INDEX is set")
      let index = try integer("CI_NODE_INDEX", indexText)
      guard total >= 1 else {
        throw Problem(message: "CI_NODE_TOTAL=\(total): the number of parallel jobs must be at least 1")
      }
      guard (1...total).contains(index) else {
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
      guard total >= 1 else {
        throw Problem(
          message: "DESCENT_SHARD_TOTAL=\(total): the number of shards (the Job's completions) must be at least 1")
      }
      guard (0..<total).contains(index) else {
        throw Problem(
          message:
            "JOB_COMPLETION_INDEX=\(index) is not between 0 and \(total - 1) (DESCENT_SHARD_TOTAL=\(total) shards, indices from 0)"
        )
      }
      return Detection(
        shard: Shard(index: index + 1, count: total),
        source: "Kubernetes JOB_COMPLETION_INDEX=\(index), DESCENT_SHARD_TOTAL=\(total)")
    }
    if let total = environment["DESCENT_SHARD_TOTAL"] {
      throw Problem(
        message:
          "DESCENT_SHARD_TOTAL=\(total) is set but JOB_COMPLETION_INDEX is not, so the shard to run is unknown (a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX in every pod; elsewhere give --shard I/N)"
      )
    }
    if let total = environment["CI_NODE_TOTAL"] {
      guard total == "1" else {
        throw Problem(
          message:
            "CI_NODE_TOTAL=\(total) is set but CI_NODE_INDEX is not, so the shard to run is unknown (GitLab sets both in a parallel job; elsewhere give --shard I/N)"
        )
      }
      return Detection(shard: Shard(index: 1, count: 1), source: "GitLab CI_NODE_TOTAL=1 (not a parallel job)")
    }
    return Detection(
      shard: Shard(index: 1, count: 1),
      source: "no SLURM_ARRAY_TASK_ID, CI_NODE_INDEX or JOB_COMPLETION_INDEX in the environment: the whole run")
  }

  private static func slurm(_ environment: [String: String]) throws(Problem) -> Detection {
    // SLURM's ids, counts and steps are below its MaxArraySize (at most 4,000,001); the bound
    // keeps the arithmetic below far from overflow.
    func value(_ name: String, _ text: String) throws(Problem) -> Int {
      let number = try integer(name, text)
      guard (0...Int(Int32.max)).contains(number) else {
        throw Problem(message: "\(name)=\(number) is outside 0…\(Int32.max)")
      }
      return number
    }
    guard let idText = environment["SLURM_ARRAY_TASK_ID"] else {
      throw Problem(message: "SLURM_ARRAY_TASK_ID is not set")
    }
    let id = try value("SLURM_ARRAY_TASK_ID", idText)
    guard let minimumText = environment["SLURM_ARRAY_TASK_MIN"] else {
      throw Problem(message: "SLURM_ARRAY_TASK_MIN is not set (SLURM_ARRAY_TASK_ID is set)")
    }
    let minimum = try value("SLURM_ARRAY_TASK_MIN", minimumText)
    let givenCount = try environment["SLURM_ARRAY_TASK_COUNT"].map { text throws(Problem) in
      try value("SLURM_ARRAY_TASK_COUNT", text)
    }
    let maximum = try environment["SLURM_ARRAY_TASK_MAX"].map { text throws(Problem) in
      try value("SLURM_ARRAY_TASK_MAX", text)
    }
    let givenStep = try environment["SLURM_ARRAY_TASK_STEP"].map { text throws(Problem) in
      try value("SLURM_ARRAY_TASK_STEP", text)
    }
    let variables =
      "SLURM_ARRAY_TASK_ID=\(id), _MIN=\(minimum)" + (maximum.map { ", _MAX=\($0)" } ?? "")
      + (givenCount.map { ", _COUNT=\($0)" } ?? "") + (givenStep.map { ", _STEP=\($0)" } ?? "")
    let uneven = Problem(
      message:
        "\(variables): the array's task ids are not evenly spaced, so this task's rank cannot be told from the environment; pass --shard I/N explicitly"
    )
    if let givenCount, givenCount < 1 {
      throw Problem(message: "SLURM_ARRAY_TASK_COUNT=\(givenCount): the array's task count must be at least 1")
    }
    if let maximum, maximum < minimum {
      throw Problem(message: "\(variables): SLURM_ARRAY_TASK_MAX is below SLURM_ARRAY_TASK_MIN")
    }
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
    guard id >= minimum else {
      throw Problem(message: "\(variables): this task's id is below the array's first task id")
    }
    guard (id - minimum) % step == 0 else { throw uneven }
    let rank = (id - minimum) / step + 1
    guard rank <= count else {
      throw Problem(message: "\(variables): this task's id is beyond the array's last task id")
    }
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

/// How a selection splits into `shardCount` shards, balanced by instance count.
///
/// Scenarios that a `faster_than` ties together (`Scenario.comparedScenarios`, joined
/// transitively with union-find) form a *tied unit*: its instances compare with each other, so
/// the unit runs whole in one shard. Tied units go first, largest first to the shard with the
/// fewest instances so far (ties: the lower shard). Every other scenario may be split: its
/// instances, in id order, fill the shards up to a common level — each shard the tied units
/// left below it ends with `level` or `level + 1` instances (the extra ones to the lowest such
/// shards) — in shard order, so each shard gets contiguous blocks. So one big sweep spreads
/// evenly over all shards, and the instance counts of any two shards differ by at most
/// max(1, the largest tied unit).
///
/// Everything depends only on the configs and the filter, so every shard computes the same
/// plan without talking to the others; every instance is in exactly one shard.
public struct ShardPlan: Sendable {
  /// Consecutive instances of one part of the selection: their offsets within the part.
  public struct Block: Sendable, Hashable {
    /// The part's index in `Selection.parts`.
    public let part: Int
    /// Offsets within the part (0 ..< part count).
    public let offsets: Range<Int>

    public init(part: Int, offsets: Range<Int>) {
      self.part = part
      self.offsets = offsets
    }
  }

  public let shardCount: Int
  /// The blocks of the shards that can hold anything: the first min(shardCount, instances);
  /// every later shard is empty (so a huge shard count costs nothing).
  private let blocksOfShards: [[Block]]
  /// The tied units: the parts of each, ascending; units of one part are not listed.
  public let tiedUnits: [[Int]]

  /// For each shard (index 0 is shard 1), its blocks in id order.
  /// - Complexity: O(shardCount): for tests and tools, not for a run.
  public var blocksPerShard: [[Block]] {
    blocksOfShards + Array(repeating: [], count: shardCount - blocksOfShards.count)
  }

  /// Instances per shard (index 0 is shard 1).
  /// - Complexity: O(shardCount): for tests and tools, not for a run.
  public var instancesPerShard: [Int] {
    blocksPerShard.map { $0.reduce(0) { $0 + $1.offsets.count } }
  }

  /// - Complexity: O(parts · log parts + shardCount · log instances + tied units · shardCount).
  public init(_ selection: Selection, shardCount: Int) {
    let parts = selection.parts
    self.shardCount = max(1, shardCount)
    // With more shards than instances, each tied unit and each splittable instance goes to a
    // shard of its own, lowest first: shards beyond the instance count stay empty.
    let shardCount = min(self.shardCount, max(1, selection.count))
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
    var members: [Int: [Int]] = [:]
    for index in parts.indices { members[root(index), default: []].append(index) }
    let tied = members.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
    let isTied = Set(tied.joined())

    // Tied units, largest first, each whole to the lightest shard.
    var blocks = [[Block]](repeating: [], count: shardCount)
    var load = [Int](repeating: 0, count: shardCount)
    let weight = { (unit: [Int]) in unit.reduce(0) { $0 + parts[$1].count } }
    for unit in tied.sorted(by: { (weight($0), -$0[0]) > (weight($1), -$1[0]) }) {
      let lightest = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
      for part in unit { blocks[lightest].append(Block(part: part, offsets: 0..<parts[part].count)) }
      load[lightest] += weight(unit)
    }

    // The rest, up to a common level: the highest `level` whose fill fits what there is.
    let splittable = parts.indices.filter { !isTied.contains($0) }
    let rest = splittable.reduce(0) { $0 + parts[$1].count }
    func fill(_ level: Int) -> Int { load.reduce(0) { $0 + max(0, level - $1) } }
    var (low, high) = (0, rest + (load.max() ?? 0))
    while low < high {
      let middle = (low + high + 1) / 2
      if fill(middle) <= rest { low = middle } else { high = middle - 1 }
    }
    let level = low
    var extra = rest - fill(level)
    var room = load.map { max(0, level - $0) }
    for shard in room.indices where load[shard] <= level && extra > 0 {
      room[shard] += 1
      extra -= 1
    }
    // Poured in id order, shard after shard: contiguous blocks.
    var shard = 0
    for part in splittable {
      var offset = 0
      while offset < parts[part].count {
        while room[shard] == 0 { shard += 1 }
        let taken = min(room[shard], parts[part].count - offset)
        blocks[shard].append(Block(part: part, offsets: offset..<offset + taken))
        room[shard] -= taken
        offset += taken
      }
    }
    blocksOfShards = blocks.map { $0.sorted { ($0.part, $0.offsets.lowerBound) < ($1.part, $1.offsets.lowerBound) } }
    tiedUnits = tied
  }

  /// The blocks of 1-based shard `index`, in id order.
  public func blocks(ofShard index: Int) -> [Block] {
    index <= blocksOfShards.count ? blocksOfShards[index - 1] : []
  }
}
