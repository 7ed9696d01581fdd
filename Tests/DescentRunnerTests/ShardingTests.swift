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

@Suite struct ShardingTests {
  @Test func unitsGoLargestFirstToTheLightestShard() throws {
    let selection = Selection(suites: try suites(), filter: InstanceFilter(patterns: []))
    let plan = ShardPlan(selection, shardCount: 3)
    // Units: big 40, seven 7, bowl 6, ravine-slow+ravine-fast 4, one 1.
    // 40 → 1; 7 → 2; 6 → 3; 4 → 3 (6 < 7); 1 → 2 (7 < 10).
    #expect(plan.instancesPerShard == [40, 8, 10])
    // Parts in file order: big, bowl, ravine-slow, one, seven, ravine-fast.
    #expect(plan.shardOfPart == [1, 3, 3, 2, 2, 3])
  }

  @Test func shardsPartitionTheOrdinalsAndKeepTiedScenariosTogether() throws {
    let selection = Selection(suites: try suites(), filter: InstanceFilter(patterns: []))
    var ordinals: [Int] = []
    for index in 1...4 {
      let shard = selection.sharded(Shard(index: index, count: 4))
      #expect(shard.totalCount == 58)
      let instances = (0..<shard.count).map { shard.instance(at: $0) }
      ordinals += instances.map(\.ordinal)
      let scenarios = Set(instances.map(\.instance.scenario))
      #expect(scenarios.contains("ravine-slow") == scenarios.contains("ravine-fast"))
    }
    #expect(ordinals.sorted() == Array(0..<58))
  }

  @Test func moreShardsThanUnitsLeavesSomeEmpty() throws {
    let selection = Selection(suites: try suites(), filter: InstanceFilter(patterns: []))
    let counts = (1...8).map { selection.sharded(Shard(index: $0, count: 8)).count }
    #expect(counts == [40, 7, 6, 4, 1, 0, 0, 0])
  }

  @Test func shardArgumentsAreOneBased() throws {
    #expect(try Shard.parse("2/8") == Shard(index: 2, count: 8))
    #expect(try Shard.parse("1/1") == Shard(index: 1, count: 1))
    for bad in ["0/3", "4/3", "2", "a/b", "1/0", "-1/3", "1/3/5"] {
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

  @Test func slurmWinsOverGitLabAndSaysSo() throws {
    let detection = try Shard.detect(environment: [
      "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "2",
      "SLURM_ARRAY_TASK_MAX": "1", "CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "5",
    ])
    #expect(detection.shard == Shard(index: 2, count: 2))
    #expect(detection.source.hasPrefix("SLURM SLURM_ARRAY_TASK_ID=1"))
  }
}
