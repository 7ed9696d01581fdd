import DescentConfig
import DescentRunner
import Testing

/// Five units of 40, 7, 6, 4 (two scenarios of 2 tied by faster_than) and 1 instances: 58.
private let unitsSuite = """
  suite: units
  defaults: {steps: 20}
  scenarios:
    - name: big
      landscape: parabola
      start: [1.5]
      sweep: {lr: {linspace: [0.01, 0.4, 40]}}
    - name: bowl
      landscape: bowl
      sweep: {lr: [0.1, 0.2, 0.3], start: [[1, 1], [-2, 3]]}
    - name: ravine-slow
      landscape: ravine
      start: [-4, 1]
      sweep: {lr: [0.001, 0.002]}
    - name: one
      landscape: parabola
      start: [2]
      lr: 0.5
    - name: seven
      landscape: {preset: parabola, a: 2}
      start: [1]
      sweep: {lr: {linspace: [0.01, 0.2, 7]}}
    - name: ravine-fast
      landscape: ravine
      start: [-4, 1]
      sweep: {lr: [0.001, 0.002]}
      expect: {faster_than: {scenario: ravine-slow}}
  """

private func suites() throws -> [Suite] {
  let (suite, diagnostics) = ConfigLoader.load(text: unitsSuite, file: "units.yaml")
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  return [try #require(suite)]
}

@Suite struct SelectionTests {
  @Test func selectionIndexesInstancesLazilyInIdOrder() throws {
    let suites = try suites()
    let selection = Selection(suites: suites, filter: InstanceFilter(patterns: []))
    #expect(selection.count == 58)
    #expect(selection.totalCount == 58)
    #expect(selection.selectedPerSuite == [58])
    let ids = (0..<selection.count).map { selection.instance(at: $0).instance.id }
    let expected = suites[0].scenarios.flatMap { $0.instances.map(\.id) }
    #expect(ids == expected)
    #expect((0..<selection.count).map { selection.instance(at: $0).ordinal } == Array(0..<58))
  }

  @Test func idPatternsSelectSingleInstancesWithTheirWholeRunOrdinals() throws {
    let filter = InstanceFilter(patterns: ["units/big[lr=0.02]", "*[start=*,lr=0.3]", "units/one"])
    let selection = Selection(suites: try suites(), filter: filter)
    let picked = (0..<selection.count).map { selection.instance(at: $0) }
    #expect(
      picked.map(\.instance.id) == [
        "units/big[lr=0.02]", "units/bowl[start=[1,1],lr=0.3]", "units/bowl[start=[-2,3],lr=0.3]", "units/one",
      ])
    #expect(picked.map(\.ordinal) == [0, 1, 2, 3])
    #expect(Runner.select(try suites(), filter: filter).map(\.id) == picked.map(\.instance.id))
  }
}

/// One sweep of 1000 instances and nothing else: the case a scenario-per-shard plan cannot split.
private let bigSweepSuite = """
  suite: big
  scenarios:
    - name: grid
      landscape: ravine
      start: [-4, 1]
      steps: 10
      sweep:
        lr: {linspace: [0.0001, 0.0099, 100]}
        start: [[-5, 1], [-4, 1], [-3, 1], [-2, 1], [-1, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]
  """

/// Tied units of 15 (t1 ← t2 ← t3, transitively) and 6 (p1 ← p2), between untied scenarios.
private let tiesSuite = """
  suite: ties
  defaults: {landscape: parabola, start: [1], steps: 10}
  scenarios:
    - name: free-a
      sweep: {lr: {linspace: [0.01, 0.5, 23]}}
    - name: t1
      sweep: {lr: [0.1, 0.2, 0.3, 0.4, 0.45]}
    - name: p1
      sweep: {lr: [0.1, 0.2, 0.3]}
    - name: t2
      sweep: {lr: [0.1, 0.2, 0.3, 0.4, 0.45]}
      expect: {faster_than: {scenario: t1, factor: 1}}
    - name: free-b
      sweep: {lr: {linspace: [0.01, 0.5, 31]}}
    - name: p2
      sweep: {lr: [0.1, 0.2, 0.3]}
      expect: {faster_than: {scenario: p1, factor: 1}}
    - name: t3
      sweep: {lr: [0.1, 0.2, 0.3, 0.4, 0.45]}
      expect: {faster_than: {scenario: t2, factor: 1}}
  """

private func load(_ text: String, file: String) throws -> Suite {
  let (suite, diagnostics) = ConfigLoader.load(text: text, file: file)
  #expect(diagnostics.isEmpty, "\(diagnostics)")
  return try #require(suite)
}

/// The sharded selection's instances: (ordinal, id, scenario).
private func contents(_ selection: Selection) -> [(ordinal: Int, id: String, scenario: String)] {
  (0..<selection.count).map {
    let (ordinal, instance) = selection.instance(at: $0)
    return (ordinal, instance.id, instance.scenario)
  }
}

@Suite struct ShardingTests {
  @Test func tiedUnitsGoFirstAndTheRestFillsTheShardsEvenlyInIdOrder() throws {
    let selection = Selection(suites: try suites(), filter: InstanceFilter(patterns: []))
    let plan = ShardPlan(selection, shardCount: 3)
    // Parts in file order: big 40, bowl 6, ravine-slow 2, one 1, seven 7, ravine-fast 2.
    // The tied unit ravine-slow + ravine-fast (4) goes to shard 1; the other 54 fill up to level
    // 19 (fill = 15 + 19 + 19 = 53), the one left over to the lowest shard: 20, 19, 19.
    #expect(plan.tiedUnits == [[2, 5]])
    #expect(plan.instancesPerShard == [20, 19, 19])
    typealias Block = ShardPlan.Block
    #expect(
      plan.blocksPerShard == [
        [Block(part: 0, offsets: 0..<16), Block(part: 2, offsets: 0..<2), Block(part: 5, offsets: 0..<2)],
        [Block(part: 0, offsets: 16..<35)],
        [
          Block(part: 0, offsets: 35..<40), Block(part: 1, offsets: 0..<6), Block(part: 3, offsets: 0..<1),
          Block(part: 4, offsets: 0..<7),
        ],
      ])
    let second = contents(selection.sharded(Shard(index: 2, count: 3)))
    #expect(second.map(\.ordinal) == Array(16..<35))
    #expect(second.allSatisfy { $0.scenario == "big" })
  }

  @Test func oneBigSweepIsSplitIntoEqualContiguousBlocks() throws {
    let selection = Selection(suites: [try load(bigSweepSuite, file: "big.yaml")], filter: InstanceFilter(patterns: []))
    #expect(selection.count == 1000)
    #expect(ShardPlan(selection, shardCount: 4).instancesPerShard == [250, 250, 250, 250])
    #expect(ShardPlan(selection, shardCount: 3).instancesPerShard == [334, 333, 333])
    #expect(ShardPlan(selection, shardCount: 7).instancesPerShard == [143, 143, 143, 143, 143, 143, 142])
    for index in 1...4 {
      let shard = contents(selection.sharded(Shard(index: index, count: 4)))
      #expect(shard.map(\.ordinal) == Array((index - 1) * 250..<index * 250))
      #expect(shard.map(\.id) == ((index - 1) * 250..<index * 250).map { selection.instance(at: $0).instance.id })
    }
  }

  @Test func moreShardsThanInstancesLeavesSomeEmpty() throws {
    let selection = Selection(suites: try suites(), filter: InstanceFilter(patterns: []))
    // 8 shards: the tied 4 in shard 1, the other 54 to level 7 (3 + 7·7 = 52), two left over.
    #expect((1...8).map { selection.sharded(Shard(index: $0, count: 8)).count } == [8, 8, 7, 7, 7, 7, 7, 7])
    // 100 shards: the tied 4 in shard 1, then one instance each for shards 2 … 55.
    let counts = (1...100).map { selection.sharded(Shard(index: $0, count: 100)).count }
    #expect(counts == [4] + Array(repeating: 1, count: 54) + Array(repeating: 0, count: 45))
    // A huge shard count costs nothing: the shards past the instances are empty.
    let huge = Int.max
    #expect(selection.sharded(Shard(index: 1, count: huge)).count == 4)
    #expect(selection.sharded(Shard(index: 55, count: huge)).count == 1)
    #expect(selection.sharded(Shard(index: huge, count: huge)).count == 0)
  }

  /// For every shard count: each instance in exactly one shard, each shard in id order and
  /// equal to the unsharded selection at the same ordinals, tied units whole, and any two shards
  /// within max(1, the largest tied unit) instances of each other.
  @Test(arguments: [
    ("units", [] as [String]), ("ties", []),
    ("ties", ["ties/free-a[lr=0.0*", "ties/t1", "*[lr=0.3]", "*[lr=0.45]", "ties/p2"]),
  ])
  func everyInstanceIsInExactlyOneShardForAnyShardCount(suite: String, filter: [String]) throws {
    let suites = suite == "units" ? try suites() : [try load(tiesSuite, file: "ties.yaml")]
    let whole = Selection(suites: suites, filter: InstanceFilter(patterns: filter))
    let tied: [Set<String>] =
      suite == "units" ? [["ravine-slow", "ravine-fast"]] : [["t1", "t2", "t3"], ["p1", "p2"]]
    let plan = ShardPlan(whole, shardCount: 1)
    let largestTiedUnit = plan.tiedUnits.map { $0.reduce(0) { $0 + whole.parts[$1].count } }.max() ?? 0
    // Filtered: t1 (5), t2 and t3 at lr 0.3 and 0.45 (4) — the ties of the selected instances.
    #expect(largestTiedUnit == (suite == "units" ? 4 : filter.isEmpty ? 15 : 9))
    for count in 1...40 {
      var ordinals: [Int] = []
      var sizes: [Int] = []
      for index in 1...count {
        let shard = contents(whole.sharded(Shard(index: index, count: count)))
        #expect(shard.map(\.ordinal) == shard.map(\.ordinal).sorted(), "shard \(index)/\(count) is in id order")
        #expect(shard.map(\.id) == shard.map { whole.instance(at: $0.ordinal).instance.id })
        let scenarios = Set(shard.map(\.scenario))
        for unit in tied where !unit.isDisjoint(with: scenarios) {
          // Every selected instance of the unit is here.
          let inUnit = (0..<whole.count).filter { unit.contains(whole.instance(at: $0).instance.scenario) }
          #expect(Set(inUnit).isSubset(of: Set(shard.map(\.ordinal))), "shard \(index)/\(count) splits \(unit)")
        }
        ordinals += shard.map(\.ordinal)
        sizes.append(shard.count)
      }
      #expect(ordinals.sorted() == Array(0..<whole.count), "\(count) shards")
      #expect(sizes.max()! - sizes.min()! <= max(1, largestTiedUnit), "\(count) shards: \(sizes)")
      #expect(sizes == ShardPlan(whole, shardCount: count).instancesPerShard)
    }
  }

  @Test func shardArgumentsAreOneBased() throws {
    #expect(try Shard.parse("2/8") == Shard(index: 2, count: 8))
    #expect(try Shard.parse("1/1") == Shard(index: 1, count: 1))
    for bad in ["0/3", "4/3", "2", "a/b", "1/0", "-1/3", "1/3/5", "", "auto/2"] {
      #expect(throws: Shard.Problem.self, "\(bad)") { try Shard.parse(bad) }
    }
  }
}

@Suite struct ShardDetectionTests {
  private func detect(_ environment: [String: String]) throws -> Shard {
    try Shard.detect(environment: environment).shard
  }

  @Test func slurmArrayTaskIsRankedWithinTheArray() throws {
    // --array=3-6: ids 3, 4, 5, 6.
    #expect(
      try detect([
        "SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_MAX": "6",
        "SLURM_ARRAY_TASK_COUNT": "4",
      ]) == Shard(index: 3, count: 4))
    // --array=1-13:4: ids 1, 5, 9, 13.
    #expect(
      try detect([
        "SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "13",
        "SLURM_ARRAY_TASK_STEP": "4", "SLURM_ARRAY_TASK_COUNT": "4",
      ]) == Shard(index: 3, count: 4))
    // --array=0,4,8,12 without a step variable: evenly spaced, so the spacing is inferred.
    #expect(
      try detect([
        "SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "12",
        "SLURM_ARRAY_TASK_COUNT": "4",
      ]) == Shard(index: 4, count: 4))
    // The array size from MIN, MAX and STEP when COUNT is absent.
    #expect(
      try detect([
        "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "4",
        "SLURM_ARRAY_TASK_STEP": "2",
      ]) == Shard(index: 1, count: 3))
  }

  @Test func unevenSlurmArraysAreRefused() {
    // --array=1,2,9: no step fits.
    #expect(throws: Shard.Problem.self) {
      try Shard.detect(environment: [
        "SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9",
        "SLURM_ARRAY_TASK_COUNT": "3",
      ])
    }
    #expect(throws: Shard.Problem.self) {
      try Shard.detect(environment: ["SLURM_ARRAY_TASK_ID": "2"])
    }
  }

  @Test func gitLabAndKubernetesIndices() throws {
    #expect(try detect(["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"]) == Shard(index: 2, count: 3))
    #expect(try detect(["JOB_COMPLETION_INDEX": "0", "DESCENT_SHARD_TOTAL": "4"]) == Shard(index: 1, count: 4))
    #expect(try detect(["CI_NODE_TOTAL": "1"]) == Shard(index: 1, count: 1))
    #expect(try detect([:]) == Shard(index: 1, count: 1))
    #expect(throws: Shard.Problem.self) { try Shard.detect(environment: ["JOB_COMPLETION_INDEX": "0"]) }
    #expect(throws: Shard.Problem.self) {
      try Shard.detect(environment: ["CI_NODE_INDEX": "4", "CI_NODE_TOTAL": "3"])
    }
  }

  @Test func zeroCountsAndTotalsAreRefusedWithTheirOwnMessage() {
    func message(_ environment: [String: String]) -> String? {
      do {
        _ = try Shard.detect(environment: environment)
        return nil
      } catch {
        return error.message
      }
    }
    #expect(
      message(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "0"])
        == "SLURM_ARRAY_TASK_COUNT=0: the array's task count must be at least 1")
    #expect(
      message(["JOB_COMPLETION_INDEX": "0", "DESCENT_SHARD_TOTAL": "0"])
        == "DESCENT_SHARD_TOTAL=0: the number of shards (the Job's completions) must be at least 1")
    #expect(
      message(["JOB_COMPLETION_INDEX": "4", "DESCENT_SHARD_TOTAL": "4"])
        == "JOB_COMPLETION_INDEX=4 is not between 0 and 3 (DESCENT_SHARD_TOTAL=4 shards, indices from 0)")
    #expect(
      message(["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "0"])
        == "CI_NODE_TOTAL=0: the number of parallel jobs must be at least 1")
    // A total without its index: every job would have run the whole run as 1/1.
    #expect(
      message(["DESCENT_SHARD_TOTAL": "4"])
        == "DESCENT_SHARD_TOTAL=4 is set but JOB_COMPLETION_INDEX is not, so the shard to run is unknown (a Kubernetes Indexed Job sets JOB_COMPLETION_INDEX in every pod; elsewhere give --shard I/N)"
    )
    #expect(
      message(["CI_NODE_TOTAL": "3"])
        == "CI_NODE_TOTAL=3 is set but CI_NODE_INDEX is not, so the shard to run is unknown (GitLab sets both in a parallel job; elsewhere give --shard I/N)"
    )
    #expect(
      message(["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4"])
        == "SLURM_ARRAY_TASK_ID=9, _MIN=0, _COUNT=4: this task's id is beyond the array's last task id")
    // Values far outside what SLURM produces are refused before any arithmetic could overflow.
    #expect(
      message([
        "SLURM_ARRAY_TASK_ID": "9223372036854775807", "SLURM_ARRAY_TASK_MIN": "-9223372036854775808",
        "SLURM_ARRAY_TASK_COUNT": "4",
      ]) == "SLURM_ARRAY_TASK_ID=9223372036854775807 is outside 0…2147483647")
  }

  @Test func slurmWinsOverGitLabAndSaysSo() throws {
    let detection = try Shard.detect(environment: [
      "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2",
      "SLURM_ARRAY_TASK_MAX": "1", "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "5",
    ])
    #expect(detection.shard == Shard(index: 2, count: 2))
    #expect(detection.source.hasPrefix("SLURM SLURM_ARRAY_TASK_ID=1"))
  }
}
