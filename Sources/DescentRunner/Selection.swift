import DescentConfig
import DescentCore

/// The instances a run executes, in id order (suite files, scenarios, instance index), indexed
/// lazily: instances are assembled on demand, so a million-instance sweep is never held in memory.
///
/// Every selected instance has an *ordinal*: its position among all instances the filter
/// selects, before sharding. Ordinals are the same in every shard and in an unsharded run, so
/// shard results merge back into id order.
public struct Selection: Sendable {
  /// The selected instances of one scenario.
  public struct Part: Sendable {
    public let suiteIndex: Int
    public let scenarioIndex: Int
    /// Selected instance indices within the scenario: ascending, disjoint ranges.
    public let ranges: [Range<Int>]
    /// The ordinal of the part's first instance; the others follow consecutively.
    public let firstOrdinal: Int
    public let count: Int
    /// For each range, how many of the part's instances come before it.
    let rangeOffsets: [Int]

    init(suiteIndex: Int, scenarioIndex: Int, ranges: [Range<Int>], firstOrdinal: Int) {
      self.suiteIndex = suiteIndex
      self.scenarioIndex = scenarioIndex
      self.ranges = ranges
      self.firstOrdinal = firstOrdinal
      var offsets: [Int] = []
      var total = 0
      for range in ranges {
        offsets.append(total)
        total += range.count
      }
      rangeOffsets = offsets
      count = total
    }

    /// The part's instances at `offsets` (0 ..< count): a part of the same scenario whose ranges
    /// are those instances' indices and whose first ordinal is theirs.
    /// - Complexity: O(ranges).
    func slice(_ offsets: Range<Int>) -> Part {
      var sliced: [Range<Int>] = []
      for (range, start) in zip(ranges, rangeOffsets) {
        let low = max(offsets.lowerBound, start)
        let high = min(offsets.upperBound, start + range.count)
        if low < high { sliced.append(range.lowerBound + (low - start)..<range.lowerBound + (high - start)) }
      }
      return Part(
        suiteIndex: suiteIndex, scenarioIndex: scenarioIndex, ranges: sliced,
        firstOrdinal: firstOrdinal + offsets.lowerBound)
    }

    /// The scenario index of the part's `offset`-th instance.
    /// - Complexity: O(log ranges).
    func instanceIndex(at offset: Int) -> Int {
      let range = Selection.lastIndex(in: rangeOffsets, notAbove: offset)
      return ranges[range].lowerBound + (offset - rangeOffsets[range])
    }
  }

  public let suites: [Suite]
  /// Scenarios with at least one selected instance, in id order.
  public let parts: [Part]
  /// For each part, how many of this selection's instances come before it.
  private let partOffsets: [Int]
  /// Instances in this selection (this shard's share when sharded).
  public let count: Int
  /// Instances the filter selects in the whole run, across all shards: ordinals are 0 ..< this.
  public let totalCount: Int
  /// For each suite, the instances the filter selects in the whole run.
  public let selectedPerSuite: [Int]

  /// The instances of `suites` that `filter` selects.
  ///
  /// A pattern matching a suite or `suite/scenario` selects whole scenarios at once; only
  /// patterns aimed at instance ids make the selection look at each instance.
  /// - Complexity: O(scenarios) without id patterns; O(instances) with them.
  public init(suites: [Suite], filter: InstanceFilter) {
    var parts: [Part] = []
    var ordinal = 0
    var perSuite = [Int](repeating: 0, count: suites.count)
    for (suiteIndex, suite) in suites.enumerated() {
      for (scenarioIndex, scenario) in suite.scenarios.enumerated() {
        var ranges: [Range<Int>] = []
        if filter.selectsAll(suite: suite.name, scenario: scenario.name) {
          ranges = [0..<scenario.instanceCount]
        } else if filter.mayMatchIDs {
          for index in 0..<scenario.instanceCount where filter.selects(id: scenario.instance(at: index).id) {
            if let last = ranges.last, last.upperBound == index {
              ranges[ranges.count - 1] = last.lowerBound..<index + 1
            } else {
              ranges.append(index..<index + 1)
            }
          }
        }
        let part = Part(suiteIndex: suiteIndex, scenarioIndex: scenarioIndex, ranges: ranges, firstOrdinal: ordinal)
        guard part.count > 0 else { continue }
        parts.append(part)
        ordinal += part.count
        perSuite[suiteIndex] += part.count
      }
    }
    self.init(suites: suites, parts: parts, totalCount: ordinal, selectedPerSuite: perSuite)
  }

  private init(suites: [Suite], parts: [Part], totalCount: Int, selectedPerSuite: [Int]) {
    self.suites = suites
    self.parts = parts
    var offsets: [Int] = []
    var total = 0
    for part in parts {
      offsets.append(total)
      total += part.count
    }
    partOffsets = offsets
    count = total
    self.totalCount = totalCount
    self.selectedPerSuite = selectedPerSuite
  }

  /// The selection's `position`-th instance (0 ..< count) and its ordinal.
  /// - Complexity: O(log parts + log ranges), plus assembling the instance.
  public func instance(at position: Int) -> (ordinal: Int, instance: Instance) {
    precondition(position >= 0 && position < count, "position \(position) outside 0..<\(count)")
    let partIndex = Self.lastIndex(in: partOffsets, notAbove: position)
    let part = parts[partIndex]
    let offset = position - partOffsets[partIndex]
    let scenario = suites[part.suiteIndex].scenarios[part.scenarioIndex]
    return (part.firstOrdinal + offset, scenario.instance(at: part.instanceIndex(at: offset)))
  }

  /// This shard's share (`ShardPlan`): its blocks of instances, in id order, ordinals unchanged.
  public func sharded(_ shard: Shard) -> Selection {
    let plan = ShardPlan(self, shardCount: shard.count)
    let kept = plan.blocks(ofShard: shard.index).map { parts[$0.part].slice($0.offsets) }
    return Selection(suites: suites, parts: kept, totalCount: totalCount, selectedPerSuite: selectedPerSuite)
  }

  /// The index of the last element of the ascending `offsets` that is ≤ `value`.
  static func lastIndex(in offsets: [Int], notAbove value: Int) -> Int {
    var low = 0
    var high = offsets.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if offsets[middle] <= value { low = middle } else { high = middle - 1 }
    }
    return low
  }
}
