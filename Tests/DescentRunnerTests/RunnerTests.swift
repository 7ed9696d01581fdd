import DescentConfig
import DescentCore
import DescentRunner
import Testing

private let sweepSuite = """
  suite: sweep
  scenarios:
    - name: parabola
      landscape: parabola
      start: [1.5]
      steps: 100
      sweep:
        lr: {linspace: [0.01, 1.2, 40]}
      expect: {regime: [monotone, one-shot, oscillating, cycling, crawling]}
  """

@Suite struct RunnerTests {
  private func instances() throws -> [Instance] {
    let (suite, diagnostics) = ConfigLoader.load(text: sweepSuite, file: "sweep.yaml")
    #expect(diagnostics.isEmpty)
    return Runner.select([try #require(suite)], filter: InstanceFilter(patterns: []))
  }

  @Test func resultsDoNotDependOnTheNumberOfJobs() throws {
    let instances = try instances()
    #expect(instances.count == 40)
    let one = Runner.run(instances, jobs: 1)
    let four = Runner.run(instances, jobs: 4)
    #expect(one.map(\.instance.id) == instances.map(\.id), "results come back in id order")
    #expect(one.map(\.instance.id) == four.map(\.instance.id))
    #expect(one.map(\.outcome) == four.map(\.outcome))
  }

  @Test func expectationsReportExpectedAndMeasured() throws {
    let instances = try instances()
    let results = Runner.run(instances, jobs: 2)
    // lr above 1 (= 2/λ) diverges: the last instances fail their regime expectation.
    let failing = results.filter { $0.status == .failed }
    #expect(!failing.isEmpty)
    for result in failing {
      #expect(result.outcome?.classification.regime == .divergent)
      #expect(
        result.failureReasons.first?.hasPrefix(
          "expected regime one of monotone, one-shot, oscillating, cycling, crawling, measured divergent") == true)
    }
    let passing = results.filter { $0.status == .passed }
    #expect(passing.allSatisfy { ($0.outcome?.classification.regime).map { $0 != .divergent } ?? false })
    #expect(passing.count + failing.count == 40)
  }

  @Test func failFastStopsLaunchingAfterAFailure() throws {
    let instances = try instances()
    let results = Runner.run(instances, jobs: 1, failFast: true)
    #expect(results.last?.status == .failed)
    #expect(results.dropLast().allSatisfy { $0.status == .passed })
  }
}

@Suite struct FilterTests {
  @Test func globsMatchWholeIds() {
    #expect(InstanceFilter.matches("lesson-10.1/parabola*", "lesson-10.1/parabola-regimes[lr=0.8]"))
    #expect(InstanceFilter.matches("*[lr=0.8]", "lesson-10.1/parabola-regimes[lr=0.8]"), "brackets are literal")
    #expect(!InstanceFilter.matches("*[lr=0.8]", "lesson-10.1/parabola-regimes[lr=0.85]"))
    #expect(InstanceFilter.matches("*lr=0.?5*", "s/a[lr=0.05]"))
    #expect(!InstanceFilter.matches("lesson", "lesson-10.1/x"))
    #expect(InstanceFilter.matches("a\\*b", "a*b"))
    #expect(!InstanceFilter.matches("a\\*b", "axxb"))
    #expect(InstanceFilter.matches("*", ""))
  }

  @Test func patternsSelectByIdScenarioOrSuite() {
    let filter = InstanceFilter(patterns: ["other/*", "lesson-10.1/ravine"])
    #expect(filter.selects(id: "lesson-10.1/ravine[lr=0.1]", suite: "lesson-10.1", scenario: "ravine"))
    #expect(filter.selects(id: "other/x", suite: "other", scenario: "x"))
    #expect(!filter.selects(id: "lesson-10.1/ravine-2", suite: "lesson-10.1", scenario: "ravine-2"))
    #expect(InstanceFilter(patterns: ["lesson-10.1"]).selects(id: "lesson-10.1/a", suite: "lesson-10.1", scenario: "a"))
  }
}
